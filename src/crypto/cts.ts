/**
 * AES in CBC mode with ciphertext stealing, as Kerberos uses it (RFC 3962 §5, RFC 8009 §5):
 * "CBC-CS3" of NIST SP 800-38A Addendum. The last two ciphertext blocks are swapped and the final
 * (now last) block is truncated to the length of the last plaintext block. Exactly one block is plain CBC.
 *
 * Built on raw AES-CBC from the backend (Node has no CTS mode). Kerberos always encrypts at least one
 * block (the 16-byte confounder), so shorter inputs are rejected.
 */
import { aesCbcDecrypt, aesCbcEncrypt, aesDecryptBlock } from './backend.js';

const BLOCK = 16;

export function ctsEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const n = plaintext.length;
  if (n < BLOCK) throw new RangeError(`CTS needs at least ${BLOCK} bytes, got ${n}`);
  if (n === BLOCK) return aesCbcEncrypt(key, iv, plaintext);
  const blocks = Math.ceil(n / BLOCK);
  const lastLen = n - (blocks - 1) * BLOCK;
  // Zero padding makes CBC's final block equal to E(C[m-1] xor (P[m] || 0)), the block CS3 needs.
  const padded = new Uint8Array(blocks * BLOCK);
  padded.set(plaintext);
  const c = aesCbcEncrypt(key, iv, padded);
  const out = new Uint8Array(n);
  out.set(c.subarray(0, (blocks - 2) * BLOCK));
  out.set(c.subarray((blocks - 1) * BLOCK), (blocks - 2) * BLOCK); // C[m] moves forward
  out.set(c.subarray((blocks - 2) * BLOCK, (blocks - 2) * BLOCK + lastLen), (blocks - 1) * BLOCK); // truncated C[m-1]
  return out;
}

export function ctsDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const n = ciphertext.length;
  if (n < BLOCK) throw new RangeError(`CTS needs at least ${BLOCK} bytes, got ${n}`);
  if (n === BLOCK) return aesCbcDecrypt(key, iv, ciphertext);
  const blocks = Math.ceil(n / BLOCK);
  const lastLen = n - (blocks - 1) * BLOCK;
  const cm = ciphertext.subarray((blocks - 2) * BLOCK, (blocks - 1) * BLOCK); // full C[m]
  const tail = ciphertext.subarray((blocks - 1) * BLOCK); // first lastLen bytes of C[m-1]
  // D(C[m]) = C[m-1] xor (P[m] || 0): its tail restores the stolen bytes of C[m-1].
  const d = aesDecryptBlock(key, cm);
  const cm1 = new Uint8Array(BLOCK);
  cm1.set(tail);
  cm1.set(d.subarray(lastLen), lastLen);
  const lastPlain = new Uint8Array(lastLen);
  for (let i = 0; i < lastLen; i++) lastPlain[i] = d[i]! ^ tail[i]!;
  // Plain CBC over C[1..m-2] || C[m-1] gives P[1..m-1].
  const head = new Uint8Array((blocks - 1) * BLOCK);
  head.set(ciphertext.subarray(0, (blocks - 2) * BLOCK));
  head.set(cm1, (blocks - 2) * BLOCK);
  const p = aesCbcDecrypt(key, iv, head);
  const out = new Uint8Array(n);
  out.set(p);
  out.set(lastPlain, (blocks - 1) * BLOCK);
  return out;
}
