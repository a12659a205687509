/**
 * Kerberos v5 messages (RFC 4120 + MS-KILE, MS-SFU, RFC 6113 FAST): schemas, codecs, tables and helpers.
 * Pure: no I/O, runs in a browser.
 */

/** The exact DER a Ticket or KDC-REQ-BODY was decoded from (re-exported from the schema engine). */
export { derOf } from '../../wire/asn1.js';
export * from './asn1-ext.js';
export * from './authdata.js';
export * from './codec.js';
export * from './constants.js';
export * from './edata.js';
export * from './error-codes.js';
export * from './extras.js';
export * from './messages.js';
export * from './ntstatus.js';
export * from './padata.js';
export * from './principal.js';
