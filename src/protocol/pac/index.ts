/** MS-PAC: the Privilege Attribute Certificate inside Windows Kerberos tickets, and its NDR. */
export * from './buffers.js';
export * from './logon-info.js';
export {
  authorityFromBytes,
  authorityToBytes,
  decodeNdrTopLevel,
  NdrReader,
  NdrWriter,
  readRawSid,
  SID_MAX_SUB_AUTHORITIES,
  writeRawSid,
} from './ndr.js';
export * from './pac.js';
export { SecretBytes } from './secret.js';
export * from './sid.js';
export * from './token-size.js';
export * from './verify.js';
