/**
 * n-fold, RFC 3961 §5.1 (originally Blumenthal & Bellovin, corrected):
 *
 *   "We first define a primitive called n-folding, which takes a variable-length input block and produces a
 *    fixed-length output sequence. [...] To n-fold a number X, replicate the input value to a length that is the
 *    least common multiple of n and the length of X. Before each repetition, the input is rotated to the right by
 *    13 bit positions. The successive n-bit chunks are added together using 1's-complement addition (that is,
 *    with end-around carry) to yield a n-bit result."
 *
 * Lengths are in bytes here (every Kerberos use is byte-aligned). Small inputs only (constants, PRF peppers),
 * so clarity wins over speed.
 */
export function nfold(input: Uint8Array, outLength: number): Uint8Array {
  const inLength = input.length;
  if (inLength === 0 || outLength <= 0) throw new RangeError('n-fold needs a non-empty input and a positive output length');
  const total = lcm(inLength, outLength);
  const buf = new Uint8Array(total);
  for (let copy = 0; copy < total / inLength; copy++) {
    buf.set(rotateRightBits(input, 13 * copy), copy * inLength);
  }
  const out = new Uint8Array(outLength);
  for (let off = 0; off < total; off += outLength) onesComplementAdd(out, buf.subarray(off, off + outLength));
  return out;
}

/** Rotate a big-endian bit string right by `bits` (mod its length). */
function rotateRightBits(input: Uint8Array, bits: number): Uint8Array {
  const nbits = input.length * 8;
  const r = bits % nbits;
  const out = new Uint8Array(input.length);
  for (let j = 0; j < nbits; j++) {
    const src = (j - r + nbits) % nbits;
    const bit = (input[src >>> 3]! >>> (7 - (src & 7))) & 1;
    if (bit) out[j >>> 3]! |= 0x80 >>> (j & 7);
  }
  return out;
}

/** acc += chunk, big-endian, with end-around carry (1's-complement addition). */
function onesComplementAdd(acc: Uint8Array, chunk: Uint8Array): void {
  let carry = 0;
  for (let i = acc.length - 1; i >= 0; i--) {
    const s = acc[i]! + chunk[i]! + carry;
    acc[i] = s & 0xff;
    carry = s >>> 8;
  }
  while (carry) {
    for (let i = acc.length - 1; i >= 0 && carry; i--) {
      const s = acc[i]! + carry;
      acc[i] = s & 0xff;
      carry = s >>> 8;
    }
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
