export * from './asn1.js';
export { childrenOf, decodeTlv, encodeTlv, readTlv, type Tlv, tagName } from './der.js';
export * from './encoding.js';
export * from './errors.js';
export * from './reader.js';
export * from './writer.js';
