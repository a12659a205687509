/**
 * aes128-cts-hmac-sha256-128 (19) and aes256-cts-hmac-sha384-192 (20), RFC 8009.
 *
 *   KDF-HMAC-SHA2(key, label, [context,] k) = k-truncate(HMAC-SHA2(key, 0x00000001 | label | 0x00 | context | k))  (§3, SP 800-108)
 *   string-to-key   saltp = enctype-name | 0x00 | salt
 *                   tkey  = random-to-key(PBKDF2-HMAC-SHA2(passphrase, saltp, iter_count, keylength))
 *                   base  = KDF-HMAC-SHA2(tkey, "kerberos", keylength)      (§4, default iter_count 32768)
 *   Kc = KDF(base, usage | 0x99, macLen), Ke = KDF(base, usage | 0xAA, keyLen), Ki = KDF(base, usage | 0x55, macLen)
 *   encrypt         C = AES-CTS(Ke, IV=0, N(16) | plaintext);  H = HMAC(Ki, IV | C)[0..h];  output C | H   (§5)
 *   checksum        HMAC(Kc, data)[0..h]                                            (§5, types 19 / 20)
 *   pseudo-random   KDF-HMAC-SHA2(base, "prf", input, 256 or 384)                  (§6)
 *
 * Unlike RFC 3962 this is encrypt-then-MAC: the MAC is checked before anything is decrypted.
 */

import { concatBytes } from '../wire/encoding.js';
import { hmac, pbkdf2, randomBytes } from './backend.js';
import { constantTimeEqual, toBytes, uint32be } from './bytes.js';
import { checkConfounder, checkKey, checkLength, integrityError, iterationCount } from './checks.js';
import { ctsDecrypt, ctsEncrypt } from './cts.js';
import type { EnctypeProfile } from './profile.js';
import { KC, KE, KI, usageConstant } from './rfc3961.js';

const BLOCK = 16;
const ZERO_IV = new Uint8Array(BLOCK);
const KERBEROS = new TextEncoder().encode('kerberos');
const PRF_LABEL = new TextEncoder().encode('prf');

export interface AesSha2Params {
  readonly id: 19 | 20;
  readonly name: 'aes128-cts-hmac-sha256-128' | 'aes256-cts-hmac-sha384-192';
  readonly aliases: readonly string[];
  readonly keySize: 16 | 32;
  readonly hash: 'sha256' | 'sha384';
  /** h: the truncated HMAC length in bytes (16 or 24). */
  readonly macSize: 16 | 24;
  readonly checksumType: 19 | 20;
}

/** RFC 8009 §3 KDF-HMAC-SHA2 for k no larger than the hash output (all Kerberos uses). */
export function kdfHmacSha2(hash: 'sha256' | 'sha384', key: Uint8Array, label: Uint8Array, context: Uint8Array, kBits: number): Uint8Array {
  return hmac(hash, key, uint32be(1), label, new Uint8Array([0]), context, uint32be(kBits)).slice(0, kBits / 8);
}

export function aesSha2Profile(p: AesSha2Params): EnctypeProfile {
  const { id, name, keySize, hash, macSize } = p;
  const empty = new Uint8Array(0);
  const kdf = (key: Uint8Array, label: Uint8Array, bytes: number, context: Uint8Array = empty): Uint8Array =>
    kdfHmacSha2(hash, key, label, context, bytes * 8);
  const saltPrefix = concatBytes(new TextEncoder().encode(name), new Uint8Array([0]));
  const randomToKey = (seed: Uint8Array): Uint8Array => seed.slice(0, keySize);

  const makeChecksum = (key: Uint8Array, usage: number, data: Uint8Array): Uint8Array => {
    checkKey(id, name, key, keySize);
    return hmac(hash, kdf(key, usageConstant(usage, KC), macSize), data).slice(0, macSize);
  };

  return {
    id,
    name,
    aliases: p.aliases,
    spec: 'RFC 8009',
    keySize,
    seedSize: keySize,
    checksumType: p.checksumType,
    overhead: BLOCK + macSize,
    prfSize: hash === 'sha256' ? 32 : 48,
    weak: false,
    deprecated: false,
    implemented: true,

    stringToKey(password, salt, params) {
      const iterations = iterationCount(id, name, params, 32768);
      const saltp = concatBytes(saltPrefix, toBytes(salt));
      const tkey = randomToKey(pbkdf2(hash, toBytes(password), saltp, iterations, keySize));
      return kdf(tkey, KERBEROS, keySize);
    },

    randomToKey,

    encrypt(key, usage, plaintext, confounder) {
      checkKey(id, name, key, keySize);
      const n = confounder ?? randomBytes(BLOCK);
      checkConfounder(id, name, n, BLOCK);
      const c = ctsEncrypt(kdf(key, usageConstant(usage, KE), keySize), ZERO_IV, concatBytes(n, plaintext));
      const h = hmac(hash, kdf(key, usageConstant(usage, KI), macSize), ZERO_IV, c).subarray(0, macSize);
      return concatBytes(c, h);
    },

    decrypt(key, usage, ciphertext) {
      checkKey(id, name, key, keySize);
      checkLength(id, name, ciphertext, BLOCK + macSize);
      const c = ciphertext.subarray(0, ciphertext.length - macSize);
      const h = ciphertext.subarray(ciphertext.length - macSize);
      const expected = hmac(hash, kdf(key, usageConstant(usage, KI), macSize), ZERO_IV, c).subarray(0, macSize);
      if (!constantTimeEqual(expected, h)) throw integrityError(id, name, 'ciphertext');
      return ctsDecrypt(kdf(key, usageConstant(usage, KE), keySize), ZERO_IV, c).slice(BLOCK);
    },

    makeChecksum,

    verifyChecksum(key, usage, data, checksum) {
      return constantTimeEqual(makeChecksum(key, usage, data), checksum);
    },

    prf(key, input) {
      checkKey(id, name, key, keySize);
      return kdf(key, PRF_LABEL, hash === 'sha256' ? 32 : 48, input);
    },
  };
}
