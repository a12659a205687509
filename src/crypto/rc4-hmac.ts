/**
 * rc4-hmac (23) and rc4-hmac-exp (24), RFC 4757 (draft-jaganathan-rc4-hmac, "Microsoft's RC4-HMAC").
 *
 *   string-to-key  K = MD4(UTF-16LE(password)) (the NT hash); the salt is ignored        (§3)
 *   encrypt        K1 = HMAC-MD5(K, T)   or, exportable,  HMAC-MD5(K, "fortybits\0" | T) with K1[7..16] = 0xAB
 *                  checksum = HMAC-MD5(K2 = unmasked K1, confounder(8) | data)
 *                  K3 = HMAC-MD5(K1, checksum);  output checksum | RC4(K3, confounder | data)   (§4, §6)
 *   checksum       KERB_CHECKSUM_HMAC_MD5 (-138): HMAC-MD5(HMAC-MD5(K, "signaturekey\0"), MD5(T | data))  (§5)
 *   T              the Microsoft message type, a little-endian 4-octet integer derived from the key usage
 *   pseudo-random  HMAC-SHA1(K, input): not in RFC 4757; MIT krb5's arcfour PRF, which RFC 6113 KRB-FX-CF2 uses.
 */

import { concatBytes } from '../wire/encoding.js';
import { digest, hmac, randomBytes } from './backend.js';
import { constantTimeEqual, uint32le } from './bytes.js';
import { checkConfounder, checkKey, checkLength, integrityError } from './checks.js';
import { md4 } from './md4.js';
import type { EnctypeProfile } from './profile.js';
import { rc4 } from './rc4.js';

const KEY = 16;
const CONFOUNDER = 8;
const MAC = 16;
const FORTYBITS = new TextEncoder().encode('fortybits\0');
const SIGNATUREKEY = new TextEncoder().encode('signaturekey\0');

/**
 * RFC 4757 §4 "T": RFC 4120 key usage → Microsoft message type. The draft lists usage 3 → 8 and 9 → 8; current
 * MIT krb5 and Heimdal (and Windows, which they interoperate with) keep 9 as 9, so only 3 changes here. Usage 23
 * (GSS sign, RFC 4121 acceptor-sign) becomes 13 as in MIT; every other number passes through.
 */
export function rc4MessageType(usage: number): number {
  switch (usage) {
    case 3:
      return 8;
    case 23:
      return 13;
    default:
      return usage;
  }
}

/** RFC 4757 §3: the NT hash of the password, i.e. MD4 over the UTF-16LE code units (no terminating zero). */
export function rc4StringToKey(password: string | Uint8Array): Uint8Array {
  const s = typeof password === 'string' ? password : new TextDecoder().decode(password);
  const utf16 = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    utf16[i * 2] = u & 0xff;
    utf16[i * 2 + 1] = u >>> 8;
  }
  return md4(utf16);
}

/** RFC 4757 §5 KERB_CHECKSUM_HMAC_MD5 (-138). Any key length works with HMAC; Windows uses RC4 keys. */
export function hmacMd5Checksum(key: Uint8Array, usage: number, data: Uint8Array): Uint8Array {
  const ksign = hmac('md5', key, SIGNATUREKEY);
  const tmp = digest('md5', uint32le(rc4MessageType(usage)), data);
  return hmac('md5', ksign, tmp);
}

export interface Rc4HmacParams {
  readonly id: 23 | 24;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly exportable: boolean;
}

export function rc4HmacProfile(p: Rc4HmacParams): EnctypeProfile {
  const { id, name, exportable } = p;

  /** RFC 4757 §6: K1 (the masked encryption base) and K2 (the integrity key). */
  const usageKeys = (key: Uint8Array, usage: number): { k1: Uint8Array; k2: Uint8Array } => {
    const t = uint32le(rc4MessageType(usage));
    const k2 = exportable ? hmac('md5', key, FORTYBITS, t) : hmac('md5', key, t);
    const k1 = k2.slice();
    if (exportable) k1.fill(0xab, 7, 16);
    return { k1, k2 };
  };

  const makeChecksum = (key: Uint8Array, usage: number, data: Uint8Array): Uint8Array => hmacMd5Checksum(key, usage, data);

  return {
    id,
    name,
    aliases: p.aliases,
    spec: 'RFC 4757',
    keySize: KEY,
    seedSize: KEY,
    checksumType: -138,
    overhead: MAC + CONFOUNDER,
    prfSize: 20,
    weak: exportable,
    deprecated: true,
    implemented: true,

    stringToKey: (password) => rc4StringToKey(password),

    randomToKey: (seed) => seed.slice(0, KEY),

    encrypt(key, usage, plaintext, confounder) {
      checkKey(id, name, key, KEY);
      const conf = confounder ?? randomBytes(CONFOUNDER);
      checkConfounder(id, name, conf, CONFOUNDER);
      const { k1, k2 } = usageKeys(key, usage);
      const data = concatBytes(conf, plaintext);
      const checksum = hmac('md5', k2, data);
      const k3 = hmac('md5', k1, checksum);
      return concatBytes(checksum, rc4(k3, data));
    },

    decrypt(key, usage, ciphertext) {
      checkKey(id, name, key, KEY);
      checkLength(id, name, ciphertext, MAC + CONFOUNDER);
      const { k1, k2 } = usageKeys(key, usage);
      const checksum = ciphertext.subarray(0, MAC);
      const data = rc4(hmac('md5', k1, checksum), ciphertext.subarray(MAC));
      if (!constantTimeEqual(hmac('md5', k2, data), checksum)) throw integrityError(id, name, 'ciphertext');
      return data.slice(CONFOUNDER);
    },

    makeChecksum,

    verifyChecksum: (key, usage, data, checksum) => constantTimeEqual(makeChecksum(key, usage, data), checksum),

    prf(key, input) {
      checkKey(id, name, key, KEY);
      return hmac('sha1', key, input);
    },
  };
}
