// kerbscope crypto layer: the RFC 3961 profile with one table of enctypes and one of checksum types.
// Everything here is pure TypeScript over the primitives of ./backend.ts (the only node:crypto user).

export { aesSha1Profile } from './aes-sha1.js';
export { aesSha2Profile, kdfHmacSha2 } from './aes-sha2.js';
export {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesDecryptBlock,
  aesEncryptBlock,
  digest,
  type HashAlgorithm,
  hmac,
  pbkdf2,
  randomBytes,
  sha256,
} from './backend.js';
export {
  CHECKSUM_TYPES,
  type ChecksumProfile,
  ChecksumType,
  checksumTypeName,
  getChecksumType,
  makeChecksum,
  verifyChecksum,
} from './checksums.js';
export { modifiedCrc32 } from './crc32.js';
export { ctsDecrypt, ctsEncrypt } from './cts.js';
export {
  cf2,
  decrypt,
  ENCTYPES,
  EncType,
  encrypt,
  enctypeName,
  getEnctype,
  prf,
  prfPlus,
  randomToKey,
  requireEnctype,
  stringToKey,
} from './enctypes.js';
export { CryptoError, type CryptoErrorCode } from './errors.js';
export { KeyUsage, type KeyUsageName, keyUsageName } from './key-usage.js';
export { md4 } from './md4.js';
export { nfold } from './nfold.js';
export type { EnctypeProfile } from './profile.js';
export { rc4 } from './rc4.js';
export { hmacMd5Checksum, rc4MessageType, rc4StringToKey } from './rc4-hmac.js';
export { type BlockEncrypt, deriveKey, deriveRandom, KC, KE, KI, usageConstant } from './rfc3961.js';
export {
  type AccountKind,
  chooseSalt,
  defaultSalt,
  isComputerPrincipal,
  type SaltChoice,
  type SaltOptions,
  type SaltPrincipal,
} from './salt.js';
export {
  type DecodedSupportedEncTypes,
  decodeSupportedEncTypes,
  encodeSupportedEncTypes,
  SupportedEncTypeFlag,
  type SupportedEncTypeFlagName,
} from './supported-enctypes.js';
