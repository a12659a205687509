/**
 * kerbscope as a library: the codecs (browser-safe, no I/O), the inspection engine and the rulebook.
 * Each family is a namespace so names from different specs never collide:
 *
 *   import { krb5, gss, ntlm, pac, formats, crypto } from 'kerbscope';
 *   const msg = krb5.decodeKrb5Message(bytes);
 */

export * as capture from './capture/index.js';
export * as crypto from './crypto/index.js';
/** startEmbeddedLab(): CONTOSO.COM in one process on loopback, for tests and demos (issue 8). */
export * as directory from './directory/index.js';
export * as embedded from './embedded/index.js';
export type { Fact, Where } from './facts/fact.js';
export * as formats from './formats/index.js';
export { type Evidence, type EvidenceResult, type ItemView, inspectEvidence } from './inspect/evidence.js';
export { type KeyEntry, KeySet } from './inspect/keys.js';
export { inspectToken } from './inspect/token.js';
export { LdapClient } from './ldap/client.js';
export { type DirectorySession, openDirectorySession, SessionError } from './ldap/session.js';
export * as gss from './protocol/gss/index.js';
export * as http from './protocol/http/auth-header.js';
export * as krb5 from './protocol/krb5/index.js';
export * as ntlm from './protocol/ntlm/index.js';
export * as pac from './protocol/pac/index.js';
export * as smb2 from './protocol/smb2/index.js';
export * as html from './report/html/index.js';
export { evaluate, type Finding, RULES, type Rule, type Severity, STEPS, type Step } from './rules/index.js';
export * as smb from './smb/index.js';
export { DecodeError, type DecodeErrorCode } from './wire/errors.js';
export * as wire from './wire/index.js';
