/**
 * kerbscope as a library: the codecs (browser-safe, no I/O), the inspection engine and the rulebook.
 * Each family is a namespace so names from different specs never collide:
 *
 *   import { krb5, gss, ntlm, pac, formats, crypto } from 'kerbscope';
 *   const msg = krb5.decodeKrb5Message(bytes);
 */
export * as wire from './wire/index.js';
export * as crypto from './crypto/index.js';
export * as krb5 from './protocol/krb5/index.js';
export * as gss from './protocol/gss/index.js';
export * as ntlm from './protocol/ntlm/index.js';
export * as pac from './protocol/pac/index.js';
export * as http from './protocol/http/auth-header.js';
export * as formats from './formats/index.js';
export { inspectEvidence, type Evidence, type EvidenceResult, type ItemView } from './inspect/evidence.js';
export { KeySet, type KeyEntry } from './inspect/keys.js';
export { inspectToken } from './inspect/token.js';
export { evaluate, RULES, STEPS, type Finding, type Rule, type Severity, type Step } from './rules/index.js';
export type { Fact, Where } from './facts/fact.js';
export { DecodeError, type DecodeErrorCode } from './wire/errors.js';
