/**
 * The browser entry: every decoder, no Node built-ins. The build bundles it with platform "browser", so an
 * import of node:fs / node:crypto that creeps into a codec fails the build. (Crypto needs a pure-JS AES/HMAC
 * backend before decryption can run in a browser; see src/crypto/backend.ts.)
 */

export * as capture from './capture/readers.js';
/** EVTX (MS-EVEN6) and the event-log exports (wevtutil XML, Get-WinEvent JSON, Event Viewer CSV) → normalised events, facts, ECS. */
export * as events from './events/browser.js';
export * as evtx from './evtx/index.js';
export * as formats from './formats/index.js';
export * as gss from './protocol/gss/index.js';
export * as http from './protocol/http/auth-header.js';
export * as krb5 from './protocol/krb5/index.js';
export * as ntlm from './protocol/ntlm/index.js';
export * as pac from './protocol/pac/index.js';
export { DecodeError } from './wire/errors.js';
export * as wire from './wire/index.js';
