/**
 * AES-CMAC (RFC 4493, NIST SP 800-38B) over the AES block primitive of backend.ts: the SMB 3.0/3.0.2 signing MAC
 * (MS-SMB2 §3.1.4.1). Pure TypeScript; the key is 16 bytes (AES-128) as SMB uses it, 32 is accepted too.
 */
import { aesCbcEncrypt, aesEncryptBlock } from './backend.js';

const BLOCK = 16;
/** RFC 4493 §2.3 const_Rb */
const RB = 0x87;

/** RFC 4493 §2.3 Generate_Subkey: doubling in GF(2^128). */
function double(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = (((b[i] as number) << 1) | ((b[i + 1] ?? 0) >>> 7)) & 0xff;
  if ((b[0] as number) & 0x80) out[BLOCK - 1] = (out[BLOCK - 1] as number) ^ RB;
  return out;
}

export function cmacSubkeys(key: Uint8Array): { k1: Uint8Array; k2: Uint8Array } {
  const l = aesEncryptBlock(key, new Uint8Array(BLOCK));
  const k1 = double(l);
  return { k1, k2: double(k1) };
}

/** RFC 4493 §2.4 AES-CMAC(K, M): the 16-byte tag. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const { k1, k2 } = cmacSubkeys(key);
  const n = Math.max(1, Math.ceil(message.length / BLOCK));
  const complete = message.length > 0 && message.length % BLOCK === 0;
  const padded = new Uint8Array(n * BLOCK);
  padded.set(message);
  const lastAt = (n - 1) * BLOCK;
  if (!complete) padded[message.length] = 0x80;
  const sub = complete ? k1 : k2;
  for (let i = 0; i < BLOCK; i++) padded[lastAt + i] = (padded[lastAt + i] as number) ^ (sub[i] as number);
  // CBC-MAC with a zero IV: the last ciphertext block is the tag
  const c = aesCbcEncrypt(key, new Uint8Array(BLOCK), padded);
  return c.slice(lastAt, lastAt + BLOCK);
}
