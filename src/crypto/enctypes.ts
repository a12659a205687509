/**
 * THE table of encryption types (RFC 3961 §8 numbers; MIT krb5 names from src/lib/crypto/krb/etypes.c).
 * One row per enctype; every operation goes through a row. Rows that kerbscope recognises but does not
 * implement (DES, 3DES, Camellia) throw ERR_UNSUPPORTED_ENCTYPE with a sentence an admin can act on.
 */
import { aesSha1Profile } from './aes-sha1.js';
import { aesSha2Profile } from './aes-sha2.js';
import { xorBytes } from './bytes.js';
import { CryptoError } from './errors.js';
import type { EnctypeProfile } from './profile.js';
import { rc4HmacProfile } from './rc4-hmac.js';

/** Etype numbers, RFC 3961 §8 / RFC 8009 / RFC 4757 / RFC 6803 (MIT ENCTYPE_* names). */
export const EncType = {
  DES_CBC_CRC: 1,
  DES_CBC_MD4: 2,
  DES_CBC_MD5: 3,
  DES3_CBC_SHA1: 16,
  AES128_CTS_HMAC_SHA1_96: 17,
  AES256_CTS_HMAC_SHA1_96: 18,
  AES128_CTS_HMAC_SHA256_128: 19,
  AES256_CTS_HMAC_SHA384_192: 20,
  ARCFOUR_HMAC: 23,
  ARCFOUR_HMAC_EXP: 24,
  CAMELLIA128_CTS_CMAC: 25,
  CAMELLIA256_CTS_CMAC: 26,
} as const;

interface UnimplementedRow {
  id: number;
  name: string;
  aliases: readonly string[];
  spec: string;
  keySize: number;
  seedSize: number;
  checksumType: number;
  weak: boolean;
  deprecated: boolean;
  why: string;
}

function unimplemented(row: UnimplementedRow): EnctypeProfile {
  const fail = (): never => {
    throw new CryptoError(
      'ERR_UNSUPPORTED_ENCTYPE',
      `${row.weak || row.deprecated ? 'weak/' : ''}unsupported enctype ${row.name} (${row.id}): ${row.why}`,
      row.id,
    );
  };
  return {
    id: row.id,
    name: row.name,
    aliases: row.aliases,
    spec: row.spec,
    keySize: row.keySize,
    seedSize: row.seedSize,
    checksumType: row.checksumType,
    overhead: 0,
    prfSize: 0,
    weak: row.weak,
    deprecated: row.deprecated,
    implemented: false,
    stringToKey: fail,
    randomToKey: fail,
    encrypt: fail,
    decrypt: fail,
    makeChecksum: fail,
    verifyChecksum: fail,
    prf: fail,
  };
}

const DES_WHY =
  'single DES (56-bit key) is broken and deprecated by RFC 6649; Windows disables it by default since Windows 7 / Server 2008 R2 and MIT krb5 1.18 removed it. kerbscope does not implement it: give the account an AES key (msDS-SupportedEncryptionTypes 0x18) and re-create the keytab';

export const ENCTYPES: readonly EnctypeProfile[] = [
  unimplemented({
    id: 1,
    name: 'des-cbc-crc',
    aliases: ['DES-CBC-CRC'],
    spec: 'RFC 3961 §6.2.3',
    keySize: 8,
    seedSize: 7,
    checksumType: 8,
    weak: true,
    deprecated: true,
    why: DES_WHY,
  }),
  unimplemented({
    id: 2,
    name: 'des-cbc-md4',
    aliases: ['DES-CBC-MD4'],
    spec: 'RFC 3961 §6.2.2',
    keySize: 8,
    seedSize: 7,
    checksumType: 3,
    weak: true,
    deprecated: true,
    why: DES_WHY,
  }),
  unimplemented({
    id: 3,
    name: 'des-cbc-md5',
    aliases: ['DES-CBC-MD5'],
    spec: 'RFC 3961 §6.2.1',
    keySize: 8,
    seedSize: 7,
    checksumType: 8,
    weak: true,
    deprecated: true,
    why: DES_WHY,
  }),
  unimplemented({
    id: 16,
    name: 'des3-cbc-sha1',
    aliases: ['des3-hmac-sha1', 'des3-cbc-sha1-kd', 'DES3-CBC-SHA1', 'des3'],
    spec: 'RFC 3961 §6.3',
    keySize: 24,
    seedSize: 21,
    checksumType: 12,
    weak: false,
    deprecated: true,
    why: 'triple DES is deprecated by RFC 8429 and Active Directory never supported it. kerbscope does not implement it: use an AES enctype',
  }),
  aesSha1Profile({
    id: 17,
    name: 'aes128-cts-hmac-sha1-96',
    aliases: ['aes128-cts', 'aes128-sha1', 'AES128-CTS-HMAC-SHA1-96', 'AES-128-CTS-HMAC-SHA1-96'],
    keySize: 16,
    checksumType: 15,
  }),
  aesSha1Profile({
    id: 18,
    name: 'aes256-cts-hmac-sha1-96',
    aliases: ['aes256-cts', 'aes256-sha1', 'AES256-CTS-HMAC-SHA1-96', 'AES-256-CTS-HMAC-SHA1-96'],
    keySize: 32,
    checksumType: 16,
  }),
  aesSha2Profile({
    id: 19,
    name: 'aes128-cts-hmac-sha256-128',
    aliases: ['aes128-sha2', 'AES128-CTS-HMAC-SHA256-128'],
    keySize: 16,
    hash: 'sha256',
    macSize: 16,
    checksumType: 19,
  }),
  aesSha2Profile({
    id: 20,
    name: 'aes256-cts-hmac-sha384-192',
    aliases: ['aes256-sha2', 'AES256-CTS-HMAC-SHA384-192'],
    keySize: 32,
    hash: 'sha384',
    macSize: 24,
    checksumType: 20,
  }),
  rc4HmacProfile({
    id: 23,
    name: 'arcfour-hmac',
    aliases: ['rc4-hmac', 'arcfour-hmac-md5', 'RC4-HMAC', 'RC4-HMAC-NT', 'RSADSI RC4-HMAC(NT)'],
    exportable: false,
  }),
  rc4HmacProfile({
    id: 24,
    name: 'arcfour-hmac-exp',
    aliases: ['rc4-hmac-exp', 'arcfour-hmac-md5-exp', 'RC4-HMAC-EXP', 'RC4-HMAC-NT-EXP'],
    exportable: true,
  }),
  unimplemented({
    id: 25,
    name: 'camellia128-cts-cmac',
    aliases: ['camellia128-cts', 'CAMELLIA128-CTS-CMAC'],
    spec: 'RFC 6803',
    keySize: 16,
    seedSize: 16,
    checksumType: 17,
    weak: false,
    deprecated: false,
    why: 'Camellia (RFC 6803) is not implemented by kerbscope (nor by Active Directory); use an AES enctype',
  }),
  unimplemented({
    id: 26,
    name: 'camellia256-cts-cmac',
    aliases: ['camellia256-cts', 'CAMELLIA256-CTS-CMAC'],
    spec: 'RFC 6803',
    keySize: 32,
    seedSize: 32,
    checksumType: 18,
    weak: false,
    deprecated: false,
    why: 'Camellia (RFC 6803) is not implemented by kerbscope (nor by Active Directory); use an AES enctype',
  }),
];

const byId = new Map<number, EnctypeProfile>(ENCTYPES.map((e) => [e.id, e]));
const normalise = (s: string): string => s.trim().toLowerCase().replace(/_/g, '-');
const byName = new Map<string, EnctypeProfile>();
for (const e of ENCTYPES) for (const n of [e.name, ...e.aliases]) byName.set(normalise(n), e);

// MIT's family names ("aes", "rc4", "des", "camellia") stand for several enctypes in krb5.conf and are not aliases here.

/** A row by number, MIT name or alias (case-insensitive, `_` = `-`), or "0x12"-style hex as Windows logs print it. */
export function getEnctype(idOrName: number | string): EnctypeProfile | undefined {
  if (typeof idOrName === 'number') return byId.get(idOrName);
  const s = idOrName.trim();
  if (/^-?\d+$/.test(s)) return byId.get(Number(s));
  if (/^0x[0-9a-f]+$/i.test(s)) return byId.get(Number.parseInt(s.slice(2), 16));
  return byName.get(normalise(s));
}

/** Like getEnctype, but an unknown enctype is a CryptoError ERR_UNSUPPORTED_ENCTYPE. */
export function requireEnctype(idOrName: number | string): EnctypeProfile {
  const e = getEnctype(idOrName);
  if (e === undefined) {
    const id = typeof idOrName === 'number' ? idOrName : undefined;
    throw new CryptoError(
      'ERR_UNSUPPORTED_ENCTYPE',
      `unknown enctype ${String(idOrName)}: not in the RFC 3961 registry as kerbscope knows it`,
      id,
    );
  }
  return e;
}

/** "aes256-cts-hmac-sha1-96" for 18, "unknown-enctype(99)" for numbers outside the table. */
export function enctypeName(id: number): string {
  return byId.get(id)?.name ?? `unknown-enctype(${id})`;
}

// RFC 3961 §3 operations, dispatched through the table.

export function encrypt(
  enctype: number | string,
  key: Uint8Array,
  usage: number,
  plaintext: Uint8Array,
  confounder?: Uint8Array,
): Uint8Array {
  return requireEnctype(enctype).encrypt(key, usage, plaintext, confounder);
}

/** Plaintext, or CryptoError ERR_INTEGRITY / ERR_UNSUPPORTED_ENCTYPE / ERR_TRUNCATED / ERR_BAD_KEY. */
export function decrypt(enctype: number | string, key: Uint8Array, usage: number, ciphertext: Uint8Array): Uint8Array {
  return requireEnctype(enctype).decrypt(key, usage, ciphertext);
}

export function stringToKey(
  enctype: number | string,
  password: string | Uint8Array,
  salt: string | Uint8Array,
  params?: Uint8Array,
): Uint8Array {
  return requireEnctype(enctype).stringToKey(password, salt, params);
}

export function randomToKey(enctype: number | string, seed: Uint8Array): Uint8Array {
  return requireEnctype(enctype).randomToKey(seed);
}

/** RFC 3961 §3 pseudo-random(protocol-key, octet-string). */
export function prf(enctype: number | string, key: Uint8Array, input: Uint8Array): Uint8Array {
  return requireEnctype(enctype).prf(key, input);
}

/**
 * RFC 6113 §5.1 PRF+(protocol key, octet string): pseudo-random(key, 1 | s) | pseudo-random(key, 2 | s) | …,
 * the counter being one octet; truncated to `length`.
 */
export function prfPlus(enctype: number | string, key: Uint8Array, input: Uint8Array, length: number): Uint8Array {
  const e = requireEnctype(enctype);
  const out = new Uint8Array(length);
  for (let counter = 1, filled = 0; filled < length; counter++) {
    const block = new Uint8Array(1 + input.length);
    block[0] = counter;
    block.set(input, 1);
    const r = e.prf(key, block);
    out.set(r.subarray(0, Math.min(r.length, length - filled)), filled);
    filled += r.length;
  }
  return out;
}

/**
 * RFC 6113 §5.1 KRB-FX-CF2(protocol-key1, protocol-key2, pepper1, pepper2) =
 *   random-to-key(PRF+(key1, pepper1) XOR PRF+(key2, pepper2)); both keys are of `enctype`.
 */
export function cf2(
  enctype: number | string,
  key1: Uint8Array,
  pepper1: string | Uint8Array,
  key2: Uint8Array,
  pepper2: string | Uint8Array,
): Uint8Array {
  const e = requireEnctype(enctype);
  const enc = (s: string | Uint8Array) => (typeof s === 'string' ? new TextEncoder().encode(s) : s);
  const a = prfPlus(e.id, key1, enc(pepper1), e.seedSize);
  const b = prfPlus(e.id, key2, enc(pepper2), e.seedSize);
  return e.randomToKey(xorBytes(a, b));
}
