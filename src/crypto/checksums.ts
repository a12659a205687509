/**
 * The table of checksum types (RFC 3961 §8, RFC 3962, RFC 8009, RFC 4757; MIT cksumtypes.c names).
 * Keyed checksums of an enctype delegate to that enctype's row; unkeyed ones hash the data alone.
 */
import { digest, hmac } from './backend.js';
import { constantTimeEqual, uint32le } from './bytes.js';
import { modifiedCrc32 } from './crc32.js';
import { requireEnctype } from './enctypes.js';
import { CryptoError } from './errors.js';
import { md4 } from './md4.js';
import { hmacMd5Checksum, rc4MessageType } from './rc4-hmac.js';

/** Checksum type numbers (RFC 3961 §8 + later RFCs; MIT CKSUMTYPE_* names). */
export const ChecksumType = {
  CRC32: 1,
  RSA_MD4: 2,
  RSA_MD4_DES: 3,
  DESCBC: 4,
  DES_MAC_K: 5,
  RSA_MD4_DES_K: 6,
  RSA_MD5: 7,
  RSA_MD5_DES: 8,
  RSA_MD5_DES3: 9,
  NIST_SHA: 10,
  HMAC_SHA1_DES3_KD: 12,
  HMAC_SHA1_DES3: 13,
  SHA1: 14,
  HMAC_SHA1_96_AES128: 15,
  HMAC_SHA1_96_AES256: 16,
  CMAC_CAMELLIA128: 17,
  CMAC_CAMELLIA256: 18,
  HMAC_SHA256_128_AES128: 19,
  HMAC_SHA384_192_AES256: 20,
  GSSAPI: 0x8003,
  /** Microsoft "MD5 HMAC" (MIT CKSUMTYPE_MD5_HMAC_ARCFOUR): HMAC-MD5 keyed directly with K. */
  MD5_HMAC_ARCFOUR: -137,
  /** RFC 4757 §5 KERB_CHECKSUM_HMAC_MD5 (MIT CKSUMTYPE_HMAC_MD5_ARCFOUR): PAC signatures with RC4 keys. */
  HMAC_MD5_ARCFOUR: -138,
  /** The same -138 under its Windows name. */
  KERB_CHECKSUM_HMAC_MD5: -138,
} as const;

export interface ChecksumProfile {
  readonly id: number;
  /** MIT krb5 name (cksumtypes.c) or the RFC's name. */
  readonly name: string;
  readonly aliases: readonly string[];
  readonly spec: string;
  /** Checksum length in bytes. */
  readonly size: number;
  readonly keyed: boolean;
  /** For keyed checksums tied to one enctype: the enctype whose key it takes. */
  readonly enctype: number | undefined;
  readonly implemented: boolean;
  /** Keyed checksums use `key` and `usage`; unkeyed ones ignore them. */
  make(key: Uint8Array | undefined, usage: number, data: Uint8Array): Uint8Array;
}

interface Row {
  id: number;
  name: string;
  aliases?: readonly string[];
  spec: string;
  size: number;
  keyed: boolean;
  enctype?: number;
  make?: (key: Uint8Array | undefined, usage: number, data: Uint8Array) => Uint8Array;
  why?: string;
}

function row(r: Row): ChecksumProfile {
  const make =
    r.make ??
    ((): never => {
      throw new CryptoError(
        'ERR_UNSUPPORTED_CHECKSUM',
        `unsupported checksum type ${r.name} (${r.id}): ${r.why ?? 'not implemented by kerbscope'}`,
        r.id,
      );
    });
  return {
    id: r.id,
    name: r.name,
    aliases: r.aliases ?? [],
    spec: r.spec,
    size: r.size,
    keyed: r.keyed,
    enctype: r.enctype,
    implemented: r.make !== undefined,
    make,
  };
}

function needKey(id: number, key: Uint8Array | undefined): Uint8Array {
  if (key === undefined) throw new CryptoError('ERR_BAD_KEY', `checksum type ${id} is keyed: a key is required`, id);
  return key;
}

const viaEnctype = (cksum: number, enctype: number) => (key: Uint8Array | undefined, usage: number, data: Uint8Array) =>
  requireEnctype(enctype).makeChecksum(needKey(cksum, key), usage, data);

const DES = 'DES-based checksums belong to the DES enctypes kerbscope does not implement (RFC 6649)';
const DES3 = 'triple-DES checksums belong to des3-cbc-sha1, which kerbscope does not implement (RFC 8429)';

export const CHECKSUM_TYPES: readonly ChecksumProfile[] = [
  row({ id: 1, name: 'crc32', aliases: ['CRC32'], spec: 'RFC 3961 §6.1.3', size: 4, keyed: false, make: (_k, _u, d) => modifiedCrc32(d) }),
  row({ id: 2, name: 'md4', aliases: ['rsa-md4'], spec: 'RFC 3961 §6.1.2', size: 16, keyed: false, make: (_k, _u, d) => md4(d) }),
  row({ id: 3, name: 'md4-des', aliases: ['rsa-md4-des'], spec: 'RFC 3961 §6.2.5', size: 24, keyed: true, why: DES }),
  row({ id: 4, name: 'des-cbc', aliases: ['des-mac'], spec: 'RFC 3961 §6.2.7', size: 16, keyed: true, why: DES }),
  row({ id: 5, name: 'des-mac-k', spec: 'RFC 3961 §6.2.8', size: 8, keyed: true, why: DES }),
  row({ id: 6, name: 'rsa-md4-des-k', spec: 'RFC 3961 §6.2.6', size: 16, keyed: true, why: DES }),
  row({ id: 7, name: 'md5', aliases: ['rsa-md5'], spec: 'RFC 3961 §6.1.1', size: 16, keyed: false, make: (_k, _u, d) => digest('md5', d) }),
  row({ id: 8, name: 'md5-des', aliases: ['rsa-md5-des'], spec: 'RFC 3961 §6.2.4', size: 24, keyed: true, why: DES }),
  row({ id: 9, name: 'rsa-md5-des3', spec: 'RFC 3961 §8', size: 24, keyed: true, why: DES3 }),
  row({
    id: 10,
    name: 'sha1-unkeyed-10',
    aliases: ['nist-sha'],
    spec: 'RFC 3961 §8',
    size: 20,
    keyed: false,
    make: (_k, _u, d) => digest('sha1', d),
  }),
  row({
    id: 12,
    name: 'hmac-sha1-des3-kd',
    aliases: ['hmac-sha1-des3'],
    spec: 'RFC 3961 §6.3',
    size: 20,
    keyed: true,
    enctype: 16,
    why: DES3,
  }),
  row({ id: 13, name: 'hmac-sha1-des3-nokd', spec: 'RFC 3961 §8', size: 20, keyed: true, why: DES3 }),
  row({ id: 14, name: 'sha', aliases: ['sha1'], spec: 'RFC 3961 §8', size: 20, keyed: false, make: (_k, _u, d) => digest('sha1', d) }),
  row({ id: 15, name: 'hmac-sha1-96-aes128', spec: 'RFC 3962', size: 12, keyed: true, enctype: 17, make: viaEnctype(15, 17) }),
  row({ id: 16, name: 'hmac-sha1-96-aes256', spec: 'RFC 3962', size: 12, keyed: true, enctype: 18, make: viaEnctype(16, 18) }),
  row({ id: 17, name: 'cmac-camellia128', spec: 'RFC 6803', size: 16, keyed: true, enctype: 25, why: 'Camellia is not implemented' }),
  row({ id: 18, name: 'cmac-camellia256', spec: 'RFC 6803', size: 16, keyed: true, enctype: 26, why: 'Camellia is not implemented' }),
  row({ id: 19, name: 'hmac-sha256-128-aes128', spec: 'RFC 8009', size: 16, keyed: true, enctype: 19, make: viaEnctype(19, 19) }),
  row({ id: 20, name: 'hmac-sha384-192-aes256', spec: 'RFC 8009', size: 24, keyed: true, enctype: 20, make: viaEnctype(20, 20) }),
  row({
    id: 0x8003,
    name: 'gssapi',
    aliases: ['GSS-KRB5'],
    spec: 'RFC 4121 §4.1.1',
    size: 24,
    keyed: false,
    why: 'the GSS-API authenticator "checksum" (RFC 4121 §4.1.1) is a structure (bindings hash, flags, delegation), not a hash; decode it with the GSS codec',
  }),
  row({
    id: -137,
    name: 'md5-hmac-rc4',
    aliases: ['MD5_HMAC_ARCFOUR'],
    spec: 'MIT krb5 (Microsoft)',
    size: 16,
    keyed: true,
    make: (k, u, d) => hmac('md5', needKey(-137, k), digest('md5', uint32le(rc4MessageType(u)), d)),
  }),
  row({
    id: -138,
    name: 'hmac-md5-rc4',
    aliases: ['hmac-md5', 'hmac-md5-arcfour', 'KERB_CHECKSUM_HMAC_MD5', 'HMAC_MD5'],
    spec: 'RFC 4757 §5',
    size: 16,
    keyed: true,
    enctype: 23,
    make: (k, u, d) => hmacMd5Checksum(needKey(-138, k), u, d),
  }),
];

const byId = new Map<number, ChecksumProfile>(CHECKSUM_TYPES.map((c) => [c.id, c]));

export function getChecksumType(id: number): ChecksumProfile | undefined {
  return byId.get(id);
}

export function checksumTypeName(id: number): string {
  return byId.get(id)?.name ?? `unknown-cksumtype(${id})`;
}

function requireChecksumType(id: number): ChecksumProfile {
  const c = byId.get(id);
  if (c === undefined) throw new CryptoError('ERR_UNSUPPORTED_CHECKSUM', `unknown checksum type ${id}`, id);
  return c;
}

/** RFC 3961 get_mic: the checksum of `data` under `key` and key `usage` (both ignored by unkeyed types). */
export function makeChecksum(cksumtype: number, key: Uint8Array | undefined, usage: number, data: Uint8Array): Uint8Array {
  return requireChecksumType(cksumtype).make(key, usage, data);
}

/** RFC 3961 verify_mic: true when `checksum` matches. Unknown/unimplemented types throw ERR_UNSUPPORTED_CHECKSUM. */
export function verifyChecksum(
  cksumtype: number,
  key: Uint8Array | undefined,
  usage: number,
  data: Uint8Array,
  checksum: Uint8Array,
): boolean {
  return constantTimeEqual(makeChecksum(cksumtype, key, usage, data), checksum);
}
