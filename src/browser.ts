/**
 * The browser entry: every decoder, no Node built-ins. The build bundles it with platform "browser", so an
 * import of node:fs / node:crypto that creeps into a codec fails the build.
 *
 * What still needs the crypto layer (inspection/decryption, the trace engine, the rulebook, the event analysis)
 * is not exported here yet: src/crypto/backend.ts imports node:crypto. The web app (web/, scripts/build-web.mjs)
 * reaches those modules directly and swaps in web/crypto-backend.ts, a pure-TypeScript backend with the same exports.
 */

/** Client → service conversations of a trace result (pure). */
export { buildConversations } from './capture/conversations.js';
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
/** The HTML report renderers (pure functions to a string), as `--html` writes them. */
export * as html from './report/html/index.js';
export { DecodeError } from './wire/errors.js';
export * as wire from './wire/index.js';
