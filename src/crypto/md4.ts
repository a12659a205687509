/**
 * MD4, RFC 1320. Needed only for the RC4-HMAC string-to-key (RFC 4757 §3: K = MD4(UTF-16LE(password)),
 * the NT hash) and the unkeyed rsa-md4 checksum (RFC 3961 §6.1.2). Node's OpenSSL 3 ships MD4 only in the
 * legacy provider, so it is implemented here.
 */
export function md4(message: Uint8Array): Uint8Array {
  const padded = md4Pad(message);
  const state = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  const x = new Uint32Array(16);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) {
      const p = off + i * 4;
      x[i] = padded[p]! | (padded[p + 1]! << 8) | (padded[p + 2]! << 16) | (padded[p + 3]! << 24);
    }
    md4Block(state, x);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) {
    const w = state[i]!;
    out[i * 4] = w & 0xff;
    out[i * 4 + 1] = (w >>> 8) & 0xff;
    out[i * 4 + 2] = (w >>> 16) & 0xff;
    out[i * 4 + 3] = (w >>> 24) & 0xff;
  }
  return out;
}

// RFC 1320 §3.1-3.2: append 0x80, zeros to 56 mod 64, then the bit length as 64-bit little-endian.
function md4Pad(message: Uint8Array): Uint8Array {
  const len = message.length;
  const total = (((len + 8) >>> 6) + 1) * 64;
  const out = new Uint8Array(total);
  out.set(message);
  out[len] = 0x80;
  const bitsLo = (len * 8) >>> 0;
  const bitsHi = Math.floor(len / 0x20000000) >>> 0;
  for (let i = 0; i < 4; i++) {
    out[total - 8 + i] = (bitsLo >>> (8 * i)) & 0xff;
    out[total - 4 + i] = (bitsHi >>> (8 * i)) & 0xff;
  }
  return out;
}

const rotl = (v: number, s: number): number => (v << s) | (v >>> (32 - s));
const F = (x: number, y: number, z: number): number => (x & y) | (~x & z);
const G = (x: number, y: number, z: number): number => (x & y) | (x & z) | (y & z);
const H = (x: number, y: number, z: number): number => x ^ y ^ z;

// RFC 1320 §3.4: three rounds of 16 operations.
function md4Block(state: Uint32Array, x: Uint32Array): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  const r1 = (a: number, b: number, c: number, d: number, k: number, s: number) => rotl((a + F(b, c, d) + x[k]!) | 0, s);
  const r2 = (a: number, b: number, c: number, d: number, k: number, s: number) => rotl((a + G(b, c, d) + x[k]! + 0x5a827999) | 0, s);
  const r3 = (a: number, b: number, c: number, d: number, k: number, s: number) => rotl((a + H(b, c, d) + x[k]! + 0x6ed9eba1) | 0, s);
  for (const k of [0, 4, 8, 12]) {
    a = r1(a, b, c, d, k, 3);
    d = r1(d, a, b, c, k + 1, 7);
    c = r1(c, d, a, b, k + 2, 11);
    b = r1(b, c, d, a, k + 3, 19);
  }
  for (const k of [0, 1, 2, 3]) {
    a = r2(a, b, c, d, k, 3);
    d = r2(d, a, b, c, k + 4, 5);
    c = r2(c, d, a, b, k + 8, 9);
    b = r2(b, c, d, a, k + 12, 13);
  }
  for (const k of [0, 2, 1, 3]) {
    a = r3(a, b, c, d, k, 3);
    d = r3(d, a, b, c, k + 8, 9);
    c = r3(c, d, a, b, k + 4, 11);
    b = r3(b, c, d, a, k + 12, 15);
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
}
