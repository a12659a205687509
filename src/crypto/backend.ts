/**
 * The only module of kerbscope that touches `node:crypto`. Everything else in src/crypto is pure TypeScript
 * on top of these primitives, so a browser build swaps this one file (bundler alias) for a WebCrypto or
 * pure-JS implementation with the same exports.
 *
 * All functions are synchronous (node:crypto has sync forms). A future async backend would need an async
 * twin of the enctype table's encrypt/decrypt; the pure parts (n-fold, CTS, MD4, RC4) stay as they are.
 *
 * Node's OpenSSL 3 here has no MD4, RC4, DES or CTS mode: those are implemented elsewhere in src/crypto.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, pbkdf2Sync, randomFillSync } from 'node:crypto';

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

function aesName(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
  return `aes-${key.length * 8}-${mode}`;
}

function view(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** AES-CBC without padding; `data.length` must be a multiple of 16. */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(aesName(key, 'cbc'), key, iv);
  c.setAutoPadding(false);
  const a = c.update(data);
  const b = c.final();
  return b.length === 0 ? view(a) : view(Buffer.concat([a, b]));
}

/** AES-CBC decryption without padding; `data.length` must be a multiple of 16. */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createDecipheriv(aesName(key, 'cbc'), key, iv);
  d.setAutoPadding(false);
  const a = d.update(data);
  const b = d.final();
  return b.length === 0 ? view(a) : view(Buffer.concat([a, b]));
}

/** One raw AES block encryption (ECB of 16 bytes). */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv(aesName(key, 'ecb'), key, null);
  c.setAutoPadding(false);
  return view(c.update(block));
}

/** One raw AES block decryption (ECB of 16 bytes). */
export function aesDecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const d = createDecipheriv(aesName(key, 'ecb'), key, null);
  d.setAutoPadding(false);
  return view(d.update(block));
}

export function hmac(alg: HashAlgorithm, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const h = createHmac(alg, key);
  for (const d of data) h.update(d);
  return view(h.digest());
}

export function digest(alg: HashAlgorithm, ...data: Uint8Array[]): Uint8Array {
  const h = createHash(alg);
  for (const d of data) h.update(d);
  return view(h.digest());
}

export function sha256(data: Uint8Array): Uint8Array {
  return digest('sha256', data);
}

export function pbkdf2(
  alg: 'sha1' | 'sha256' | 'sha384',
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Uint8Array {
  return view(pbkdf2Sync(password, salt, iterations, length, alg));
}

export function randomBytes(n: number): Uint8Array {
  return randomFillSync(new Uint8Array(n));
}
