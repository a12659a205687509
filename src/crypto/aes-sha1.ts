/**
 * aes128-cts-hmac-sha1-96 (17) and aes256-cts-hmac-sha1-96 (18), RFC 3962, on the RFC 3961 §5 simplified profile:
 *
 *   protocol key format   16 or 32 octets; random-to-key = identity
 *   string-to-key         tkey = random-to-key(PBKDF2-HMAC-SHA1(passphrase, salt, iter_count, keylength))
 *                         key  = DK(tkey, "kerberos")                    (RFC 3962 §4, default iter_count 4096)
 *   encrypt               C = AES-CTS(Ke, 0, confounder(16) | plaintext) | HMAC-SHA1(Ki, confounder | plaintext)[0..12]
 *   checksum              HMAC-SHA1(Kc, data)[0..12]                     (types 15 / 16)
 *   pseudo-random         AES-CTS(DK(key, "prf"), 0, truncate16(SHA1(input)))   (RFC 3961 §5.3 with the RFC 3962 §6 parameters)
 */

import { concatBytes, toHex } from '../wire/encoding.js';
import { aesEncryptBlock, digest, hmac, pbkdf2, randomBytes } from './backend.js';
import { constantTimeEqual, toBytes } from './bytes.js';
import { checkConfounder, checkKey, checkLength, integrityError, iterationCount } from './checks.js';
import { ctsDecrypt, ctsEncrypt } from './cts.js';
import type { EnctypeProfile } from './profile.js';
import { deriveKey, KC, KE, KI, usageConstant } from './rfc3961.js';

const BLOCK = 16;
const MAC = 12;
const ZERO_IV = new Uint8Array(BLOCK);
const KERBEROS = new TextEncoder().encode('kerberos');
const PRF_CONSTANT = new TextEncoder().encode('prf');

export interface AesSha1Params {
  readonly id: 17 | 18;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly keySize: 16 | 32;
  readonly checksumType: 15 | 16;
}

export function aesSha1Profile(p: AesSha1Params): EnctypeProfile {
  const { id, name, keySize } = p;
  const randomToKey = (seed: Uint8Array): Uint8Array => seed.slice(0, keySize);
  /**
   * RFC 3961 §5.1 DK with E = one AES block under the zero IV. Derived keys are cached per (key, constant): a capture
   * or a ccache decrypts many messages under one key, and DK costs several block encryptions per call. The cache is
   * small, process-local and never printed.
   */
  const cache = new Map<string, Uint8Array>();
  const dk = (key: Uint8Array, constant: Uint8Array): Uint8Array => {
    const id = `${toHex(key)}:${toHex(constant)}`;
    let k = cache.get(id);
    if (!k) {
      k = deriveKey(aesEncryptBlock, BLOCK, randomToKey, key, constant, keySize);
      if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
      cache.set(id, k);
    }
    return k;
  };

  const makeChecksum = (key: Uint8Array, usage: number, data: Uint8Array): Uint8Array => {
    checkKey(id, name, key, keySize);
    return hmac('sha1', dk(key, usageConstant(usage, KC)), data).slice(0, MAC);
  };

  return {
    id,
    name,
    aliases: p.aliases,
    spec: 'RFC 3962',
    keySize,
    seedSize: keySize,
    checksumType: p.checksumType,
    overhead: BLOCK + MAC,
    prfSize: BLOCK,
    weak: false,
    deprecated: false,
    implemented: true,

    stringToKey(password, salt, params) {
      const iterations = iterationCount(id, name, params, 4096);
      const tkey = randomToKey(pbkdf2('sha1', toBytes(password), toBytes(salt), iterations, keySize));
      return dk(tkey, KERBEROS).slice();
    },

    randomToKey,

    encrypt(key, usage, plaintext, confounder) {
      checkKey(id, name, key, keySize);
      const conf = confounder ?? randomBytes(BLOCK);
      checkConfounder(id, name, conf, BLOCK);
      const data = concatBytes(conf, plaintext);
      const c = ctsEncrypt(dk(key, usageConstant(usage, KE)), ZERO_IV, data);
      const h = hmac('sha1', dk(key, usageConstant(usage, KI)), data).subarray(0, MAC);
      return concatBytes(c, h);
    },

    decrypt(key, usage, ciphertext) {
      checkKey(id, name, key, keySize);
      checkLength(id, name, ciphertext, BLOCK + MAC);
      const c = ciphertext.subarray(0, ciphertext.length - MAC);
      const h = ciphertext.subarray(ciphertext.length - MAC);
      const data = ctsDecrypt(dk(key, usageConstant(usage, KE)), ZERO_IV, c);
      const expected = hmac('sha1', dk(key, usageConstant(usage, KI)), data).subarray(0, MAC);
      if (!constantTimeEqual(expected, h)) throw integrityError(id, name, 'ciphertext');
      return data.slice(BLOCK);
    },

    makeChecksum,

    verifyChecksum(key, usage, data, checksum) {
      return constantTimeEqual(makeChecksum(key, usage, data), checksum);
    },

    prf(key, input) {
      checkKey(id, name, key, keySize);
      const tmp = digest('sha1', input).subarray(0, BLOCK);
      return ctsEncrypt(dk(key, PRF_CONSTANT), ZERO_IV, tmp);
    },
  };
}
