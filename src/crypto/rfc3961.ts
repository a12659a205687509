/**
 * RFC 3961 §5 "simplified profile" key derivation, used by the RFC 3962 AES-SHA1 enctypes.
 *
 *   DR(Key, Constant) = k-truncate(E(Key, Constant, initial-cipher-state))        (iterated, §5.1)
 *   DK(Key, Constant) = random-to-key(DR(Key, Constant))
 *
 *   "If the Constant is smaller than the cipher block size of E, then it must be expanded with n-fold() so
 *    it can be encrypted. If the output of E is shorter than k bits, it is fed back into the encryption as
 *    many times as necessary."
 *
 * §5.3 per-usage keys: Kc = DK(base, usage | 0x99), Ke = DK(base, usage | 0xAA), Ki = DK(base, usage | 0x55).
 */
import { nfold } from './nfold.js';

/** A block cipher encryption of one block with the initial (zero) cipher state. */
export type BlockEncrypt = (key: Uint8Array, block: Uint8Array) => Uint8Array;

export function deriveRandom(
  encryptBlock: BlockEncrypt,
  blockSize: number,
  key: Uint8Array,
  constant: Uint8Array,
  seedSize: number,
): Uint8Array {
  let block = constant.length === blockSize ? constant : nfold(constant, blockSize);
  const out = new Uint8Array(seedSize);
  for (let filled = 0; filled < seedSize; filled += blockSize) {
    block = encryptBlock(key, block);
    out.set(block.subarray(0, Math.min(blockSize, seedSize - filled)), filled);
  }
  return out;
}

export function deriveKey(
  encryptBlock: BlockEncrypt,
  blockSize: number,
  randomToKey: (seed: Uint8Array) => Uint8Array,
  key: Uint8Array,
  constant: Uint8Array,
  seedSize: number,
): Uint8Array {
  return randomToKey(deriveRandom(encryptBlock, blockSize, key, constant, seedSize));
}

/** RFC 3961 §5.3 derivation constants: the usage as 4 big-endian octets followed by 0x99 / 0xAA / 0x55. */
export const KC = 0x99;
export const KE = 0xaa;
export const KI = 0x55;

export function usageConstant(usage: number, which: typeof KC | typeof KE | typeof KI): Uint8Array {
  return new Uint8Array([(usage >>> 24) & 0xff, (usage >>> 16) & 0xff, (usage >>> 8) & 0xff, usage & 0xff, which]);
}
