/**
 * A pure-TypeScript twin of src/crypto/backend.ts for the browser build (scripts/build-web.mjs swaps it in for the
 * node:crypto one). Same exports, same synchronous contract, no node:* import and no WebCrypto (which is async).
 * Slow next to OpenSSL but fine for the few decryptions a pasted token or a keytab needs.
 *
 * AES: FIPS 197 (table form, 128- and 256-bit keys). MD5: RFC 1321. SHA-1, SHA-256, SHA-384: FIPS 180-4.
 * HMAC: RFC 2104. PBKDF2: RFC 8018 §5.2. Checked byte for byte against node:crypto by test/web/crypto-backend.test.ts.
 */

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384';

// ---- AES (FIPS 197) ----
const SBOX = new Uint8Array(256);
const INV = new Uint8Array(256);
const T0 = new Uint32Array(256);
const T1 = new Uint32Array(256);
const T2 = new Uint32Array(256);
const T3 = new Uint32Array(256);
const D0 = new Uint32Array(256);
const D1 = new Uint32Array(256);
const D2 = new Uint32Array(256);
const D3 = new Uint32Array(256);
{
  const xt = (a: number) => ((a << 1) ^ (a & 0x80 ? 0x11b : 0)) & 0xff;
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  for (let i = 0, x = 1; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= xt(x);
  }
  const mul = (a: number, b: number) => (a && b ? (exp[((log[a] as number) + (log[b] as number)) % 255] as number) : 0);
  for (let i = 0; i < 256; i++) {
    const inv = i ? (exp[(255 - (log[i] as number)) % 255] as number) : 0;
    let s = inv;
    let x = inv;
    for (let k = 0; k < 4; k++) {
      x = ((x << 1) | (x >> 7)) & 0xff;
      s ^= x;
    }
    s ^= 0x63;
    SBOX[i] = s;
    INV[s] = i;
  }
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i] as number;
    const e = (mul(s, 2) << 24) | (s << 16) | (s << 8) | mul(s, 3);
    T0[i] = e >>> 0;
    T1[i] = ((e >>> 8) | (e << 24)) >>> 0;
    T2[i] = ((e >>> 16) | (e << 16)) >>> 0;
    T3[i] = ((e >>> 24) | (e << 8)) >>> 0;
    const v = INV[i] as number;
    const d = (mul(v, 14) << 24) | (mul(v, 9) << 16) | (mul(v, 13) << 8) | mul(v, 11);
    D0[i] = d >>> 0;
    D1[i] = ((d >>> 8) | (d << 24)) >>> 0;
    D2[i] = ((d >>> 16) | (d << 16)) >>> 0;
    D3[i] = ((d >>> 24) | (d << 8)) >>> 0;
  }
}

interface Schedule {
  enc: Uint32Array;
  dec: Uint32Array;
  rounds: number;
}
const schedules = new WeakMap<Uint8Array, Schedule>();

function expandKey(key: Uint8Array): Schedule {
  const cached = schedules.get(key);
  if (cached) return cached;
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
  const nk = key.length / 4;
  const rounds = nk + 6;
  const w = new Uint32Array(4 * (rounds + 1));
  for (let i = 0; i < nk; i++)
    w[i] =
      (((key[4 * i] as number) << 24) |
        ((key[4 * i + 1] as number) << 16) |
        ((key[4 * i + 2] as number) << 8) |
        (key[4 * i + 3] as number)) >>>
      0;
  let rcon = 1;
  const sub = (t: number) =>
    (((SBOX[t >>> 24] as number) << 24) |
      ((SBOX[(t >>> 16) & 255] as number) << 16) |
      ((SBOX[(t >>> 8) & 255] as number) << 8) |
      (SBOX[t & 255] as number)) >>>
    0;
  for (let i = nk; i < w.length; i++) {
    let t = w[i - 1] as number;
    if (i % nk === 0) {
      t = (sub(((t << 8) | (t >>> 24)) >>> 0) ^ (rcon << 24)) >>> 0;
      rcon = ((rcon << 1) ^ (rcon & 0x80 ? 0x11b : 0)) & 0xff;
    } else if (nk > 6 && i % nk === 4) t = sub(t);
    w[i] = ((w[i - nk] as number) ^ t) >>> 0;
  }
  // decryption schedule: round keys reversed, inner ones through InvMixColumns (equivalent inverse cipher)
  const dec = new Uint32Array(w.length);
  for (let r = 0; r <= rounds; r++)
    for (let c = 0; c < 4; c++) {
      const x = w[4 * (rounds - r) + c] as number;
      dec[4 * r + c] =
        r === 0 || r === rounds
          ? x
          : ((D0[SBOX[x >>> 24] as number] as number) ^
              (D1[SBOX[(x >>> 16) & 255] as number] as number) ^
              (D2[SBOX[(x >>> 8) & 255] as number] as number) ^
              (D3[SBOX[x & 255] as number] as number)) >>>
            0;
    }
  const s = { enc: w, dec, rounds };
  schedules.set(key, s);
  return s;
}

function crypt(s: Schedule, decrypt: boolean, input: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
  const k = decrypt ? s.dec : s.enc;
  const [A, B, C, D] = decrypt ? [D0, D1, D2, D3] : [T0, T1, T2, T3];
  const box = decrypt ? INV : SBOX;
  const word = (i: number) =>
    (((input[inOff + i] as number) << 24) |
      ((input[inOff + i + 1] as number) << 16) |
      ((input[inOff + i + 2] as number) << 8) |
      (input[inOff + i + 3] as number)) >>>
    0;
  let s0 = word(0) ^ (k[0] as number);
  let s1 = word(4) ^ (k[1] as number);
  let s2 = word(8) ^ (k[2] as number);
  let s3 = word(12) ^ (k[3] as number);
  // encryption takes column c+1, c+2, c+3 for rows 1..3 (ShiftRows); decryption c+3, c+2, c+1 (InvShiftRows)
  const [p1, p3] = decrypt ? [3, 1] : [1, 3];
  for (let r = 1; r < s.rounds; r++) {
    const st = [s0, s1, s2, s3];
    const n = [0, 0, 0, 0];
    for (let c = 0; c < 4; c++)
      n[c] =
        ((A[(st[c] as number) >>> 24] as number) ^
          (B[((st[(c + p1) % 4] as number) >>> 16) & 255] as number) ^
          (C[((st[(c + 2) % 4] as number) >>> 8) & 255] as number) ^
          (D[(st[(c + p3) % 4] as number) & 255] as number) ^
          (k[4 * r + c] as number)) >>>
        0;
    [s0, s1, s2, s3] = n as [number, number, number, number];
  }
  const st = [s0, s1, s2, s3];
  for (let c = 0; c < 4; c++) {
    const x =
      (((box[(st[c] as number) >>> 24] as number) << 24) |
        ((box[((st[(c + p1) % 4] as number) >>> 16) & 255] as number) << 16) |
        ((box[((st[(c + 2) % 4] as number) >>> 8) & 255] as number) << 8) |
        (box[(st[(c + p3) % 4] as number) & 255] as number)) ^
      (k[4 * s.rounds + c] as number);
    out[outOff + 4 * c] = x >>> 24;
    out[outOff + 4 * c + 1] = (x >>> 16) & 255;
    out[outOff + 4 * c + 2] = (x >>> 8) & 255;
    out[outOff + 4 * c + 3] = x & 255;
  }
}

function blocks(data: Uint8Array): void {
  if (data.length % 16) throw new RangeError(`AES-CBC data must be a multiple of 16 bytes, got ${data.length}`);
}

/** AES-CBC without padding; `data.length` must be a multiple of 16. */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  blocks(data);
  const s = expandKey(key);
  const out = new Uint8Array(data.length);
  const x = new Uint8Array(16);
  let prev: Uint8Array = iv;
  let prevOff = 0;
  for (let o = 0; o < data.length; o += 16) {
    for (let i = 0; i < 16; i++) x[i] = (data[o + i] as number) ^ (prev[prevOff + i] as number);
    crypt(s, false, x, 0, out, o);
    prev = out;
    prevOff = o;
  }
  return out;
}

/** AES-CBC decryption without padding; `data.length` must be a multiple of 16. */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  blocks(data);
  const s = expandKey(key);
  const out = new Uint8Array(data.length);
  for (let o = 0; o < data.length; o += 16) {
    crypt(s, true, data, o, out, o);
    for (let i = 0; i < 16; i++) out[o + i] = (out[o + i] as number) ^ ((o ? data[o - 16 + i] : iv[i]) as number);
  }
  return out;
}

/** One raw AES block encryption (ECB of 16 bytes). */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  crypt(expandKey(key), false, block, 0, out, 0);
  return out;
}

/** One raw AES block decryption (ECB of 16 bytes). */
export function aesDecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  crypt(expandKey(key), true, block, 0, out, 0);
  return out;
}

// ---- hashes ----
interface Hash {
  block: number;
  size: number;
  run(data: Uint8Array): Uint8Array;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Merkle–Damgård padding: 0x80, zeros, the bit length in `lenBytes` bytes (big- or little-endian). */
function pad(data: Uint8Array, block: number, lenBytes: number, little: boolean): Uint8Array {
  const total = Math.ceil((data.length + 1 + lenBytes) / block) * block;
  const m = new Uint8Array(total);
  m.set(data);
  m[data.length] = 0x80;
  const bits = data.length * 8;
  const hi = Math.floor(bits / 2 ** 32);
  const lo = bits >>> 0;
  for (let i = 0; i < 4; i++) {
    const lb = (lo >>> (8 * i)) & 255;
    const hb = (hi >>> (8 * i)) & 255;
    if (little) {
      m[total - lenBytes + i] = lb;
      m[total - lenBytes + 4 + i] = hb;
    } else {
      m[total - 1 - i] = lb;
      m[total - 5 - i] = hb;
    }
  }
  return m;
}

const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
const rotr = (x: number, n: number) => ((x >>> n) | (x << (32 - n))) >>> 0;

function beWords(h: readonly number[] | Uint32Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const x = h[i] as number;
    out[4 * i] = x >>> 24;
    out[4 * i + 1] = (x >>> 16) & 255;
    out[4 * i + 2] = (x >>> 8) & 255;
    out[4 * i + 3] = x & 255;
  }
  return out;
}

const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const md5: Hash = {
  block: 64,
  size: 16,
  run(data) {
    const m = pad(data, 64, 8, true);
    let [a0, b0, c0, d0] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    const x = new Uint32Array(16);
    for (let o = 0; o < m.length; o += 64) {
      for (let i = 0; i < 16; i++)
        x[i] =
          ((m[o + 4 * i] as number) |
            ((m[o + 4 * i + 1] as number) << 8) |
            ((m[o + 4 * i + 2] as number) << 16) |
            ((m[o + 4 * i + 3] as number) << 24)) >>>
          0;
      let [a, b, c, d] = [a0, b0, c0, d0];
      for (let i = 0; i < 64; i++) {
        let f: number;
        let g: number;
        if (i < 16) {
          f = (b & c) | (~b & d);
          g = i;
        } else if (i < 32) {
          f = (d & b) | (~d & c);
          g = (5 * i + 1) % 16;
        } else if (i < 48) {
          f = b ^ c ^ d;
          g = (3 * i + 5) % 16;
        } else {
          f = c ^ (b | ~d);
          g = (7 * i) % 16;
        }
        const t = d;
        d = c;
        c = b;
        b = (b + rotl((a + f + (MD5_K[i] as number) + (x[g] as number)) >>> 0, MD5_S[(i >> 4) * 4 + (i % 4)] as number)) >>> 0;
        a = t;
      }
      a0 = (a0 + a) >>> 0;
      b0 = (b0 + b) >>> 0;
      c0 = (c0 + c) >>> 0;
      d0 = (d0 + d) >>> 0;
    }
    const out = new Uint8Array(16);
    [a0, b0, c0, d0].forEach((v, i) => {
      for (let j = 0; j < 4; j++) out[4 * i + j] = (v >>> (8 * j)) & 255;
    });
    return out;
  },
};

function readBe(m: Uint8Array, o: number): number {
  return (((m[o] as number) << 24) | ((m[o + 1] as number) << 16) | ((m[o + 2] as number) << 8) | (m[o + 3] as number)) >>> 0;
}

const sha1: Hash = {
  block: 64,
  size: 20,
  run(data) {
    const m = pad(data, 64, 8, false);
    const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
    const w = new Uint32Array(80);
    for (let o = 0; o < m.length; o += 64) {
      for (let i = 0; i < 16; i++) w[i] = readBe(m, o + 4 * i);
      for (let i = 16; i < 80; i++)
        w[i] = rotl((w[i - 3] as number) ^ (w[i - 8] as number) ^ (w[i - 14] as number) ^ (w[i - 16] as number), 1);
      let [a, b, c, d, e] = h as [number, number, number, number, number];
      for (let i = 0; i < 80; i++) {
        const f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
        const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
        const t = (rotl(a, 5) + f + e + k + (w[i] as number)) >>> 0;
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = t;
      }
      h[0] = ((h[0] as number) + a) >>> 0;
      h[1] = ((h[1] as number) + b) >>> 0;
      h[2] = ((h[2] as number) + c) >>> 0;
      h[3] = ((h[3] as number) + d) >>> 0;
      h[4] = ((h[4] as number) + e) >>> 0;
    }
    return beWords(h, 5);
  },
};

const K256 = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const sha256Hash: Hash = {
  block: 64,
  size: 32,
  run(data) {
    const m = pad(data, 64, 8, false);
    const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    const w = new Uint32Array(64);
    for (let o = 0; o < m.length; o += 64) {
      for (let i = 0; i < 16; i++) w[i] = readBe(m, o + 4 * i);
      for (let i = 16; i < 64; i++) {
        const x = w[i - 15] as number;
        const y = w[i - 2] as number;
        const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
        const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
        w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
      for (let i = 0; i < 64; i++) {
        const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (K256[i] as number) + (w[i] as number)) >>> 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        hh = g;
        g = f;
        f = e;
        e = (d + t1) >>> 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) >>> 0;
      }
      [a, b, c, d, e, f, g, hh].forEach((v, i) => {
        h[i] = ((h[i] as number) + v) >>> 0;
      });
    }
    return beWords(h, 8);
  },
};

// SHA-384 = SHA-512 with other initial values, truncated; 64-bit words as (hi, lo) pairs of 32-bit numbers.
const K512 = [
  '428a2f98d728ae22',
  '7137449123ef65cd',
  'b5c0fbcfec4d3b2f',
  'e9b5dba58189dbbc',
  '3956c25bf348b538',
  '59f111f1b605d019',
  '923f82a4af194f9b',
  'ab1c5ed5da6d8118',
  'd807aa98a3030242',
  '12835b0145706fbe',
  '243185be4ee4b28c',
  '550c7dc3d5ffb4e2',
  '72be5d74f27b896f',
  '80deb1fe3b1696b1',
  '9bdc06a725c71235',
  'c19bf174cf692694',
  'e49b69c19ef14ad2',
  'efbe4786384f25e3',
  '0fc19dc68b8cd5b5',
  '240ca1cc77ac9c65',
  '2de92c6f592b0275',
  '4a7484aa6ea6e483',
  '5cb0a9dcbd41fbd4',
  '76f988da831153b5',
  '983e5152ee66dfab',
  'a831c66d2db43210',
  'b00327c898fb213f',
  'bf597fc7beef0ee4',
  'c6e00bf33da88fc2',
  'd5a79147930aa725',
  '06ca6351e003826f',
  '142929670a0e6e70',
  '27b70a8546d22ffc',
  '2e1b21385c26c926',
  '4d2c6dfc5ac42aed',
  '53380d139d95b3df',
  '650a73548baf63de',
  '766a0abb3c77b2a8',
  '81c2c92e47edaee6',
  '92722c851482353b',
  'a2bfe8a14cf10364',
  'a81a664bbc423001',
  'c24b8b70d0f89791',
  'c76c51a30654be30',
  'd192e819d6ef5218',
  'd69906245565a910',
  'f40e35855771202a',
  '106aa07032bbd1b8',
  '19a4c116b8d2d0c8',
  '1e376c085141ab53',
  '2748774cdf8eeb99',
  '34b0bcb5e19b48a8',
  '391c0cb3c5c95a63',
  '4ed8aa4ae3418acb',
  '5b9cca4f7763e373',
  '682e6ff3d6b2b8a3',
  '748f82ee5defb2fc',
  '78a5636f43172f60',
  '84c87814a1f0ab72',
  '8cc702081a6439ec',
  '90befffa23631e28',
  'a4506cebde82bde9',
  'bef9a3f7b2c67915',
  'c67178f2e372532b',
  'ca273eceea26619c',
  'd186b8c721c0c207',
  'eada7dd6cde0eb1e',
  'f57d4f7fee6ed178',
  '06f067aa72176fba',
  '0a637dc5a2c898a6',
  '113f9804bef90dae',
  '1b710b35131c471b',
  '28db77f523047d84',
  '32caab7b40c72493',
  '3c9ebe0a15c9bebc',
  '431d67c49c100d4c',
  '4cc5d4becb3e42b6',
  '597f299cfc657e2a',
  '5fcb6fab3ad6faec',
  '6c44198c4a475817',
].flatMap((x) => [Number.parseInt(x.slice(0, 8), 16), Number.parseInt(x.slice(8), 16)]);
const IV384 = [
  'cbbb9d5dc1059ed8',
  '629a292a367cd507',
  '9159015a3070dd17',
  '152fecd8f70e5939',
  '67332667ffc00b31',
  '8eb44a8768581511',
  'db0c2e0d64f98fa7',
  '47b5481dbefa4fa4',
].flatMap((x) => [Number.parseInt(x.slice(0, 8), 16), Number.parseInt(x.slice(8), 16)]);

const sha384: Hash = {
  block: 128,
  size: 48,
  run(data) {
    const m = pad(data, 128, 16, false);
    const h = Int32Array.from(IV384);
    const w = new Int32Array(160);
    const v = new Int32Array(16);
    for (let o = 0; o < m.length; o += 128) {
      for (let i = 0; i < 32; i++) w[i] = readBe(m, o + 4 * i) | 0;
      for (let i = 16; i < 80; i++) {
        // σ0(w[i-15]) = rotr1 ^ rotr8 ^ shr7; σ1(w[i-2]) = rotr19 ^ rotr61 ^ shr6
        let xh = w[2 * (i - 15)] as number;
        let xl = w[2 * (i - 15) + 1] as number;
        const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
        const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
        xh = w[2 * (i - 2)] as number;
        xl = w[2 * (i - 2) + 1] as number;
        const s1h = ((xh >>> 19) | (xl << 13)) ^ ((xl >>> 29) | (xh << 3)) ^ (xh >>> 6);
        const s1l = ((xl >>> 19) | (xh << 13)) ^ ((xh >>> 29) | (xl << 3)) ^ ((xl >>> 6) | (xh << 26));
        let lo = (s0l >>> 0) + (s1l >>> 0) + ((w[2 * (i - 16) + 1] as number) >>> 0) + ((w[2 * (i - 7) + 1] as number) >>> 0);
        const hi = s0h + s1h + (w[2 * (i - 16)] as number) + (w[2 * (i - 7)] as number) + Math.floor(lo / 2 ** 32);
        lo >>>= 0;
        w[2 * i] = hi | 0;
        w[2 * i + 1] = lo | 0;
      }
      v.set(h);
      for (let i = 0; i < 80; i++) {
        const [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl] = v as unknown as number[] as [
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
        ];
        // Σ1(e) = rotr14 ^ rotr18 ^ rotr41; Ch(e,f,g)
        const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
        const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
        const chh = (eh & fh) ^ (~eh & gh);
        const chl = (el & fl) ^ (~el & gl);
        let t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + ((K512[2 * i + 1] as number) >>> 0) + ((w[2 * i + 1] as number) >>> 0);
        let t1h = hh + S1h + chh + (K512[2 * i] as number) + (w[2 * i] as number) + Math.floor(t1l / 2 ** 32);
        t1l >>>= 0;
        t1h |= 0;
        // Σ0(a) = rotr28 ^ rotr34 ^ rotr39; Maj(a,b,c)
        const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
        const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
        const mh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
        const ml = (al & bl) ^ (al & cl) ^ (bl & cl);
        let t2l = (S0l >>> 0) + (ml >>> 0);
        const t2h = (S0h + mh + Math.floor(t2l / 2 ** 32)) | 0;
        t2l >>>= 0;
        const el2 = (dl >>> 0) + t1l;
        const eh2 = (dh + t1h + Math.floor(el2 / 2 ** 32)) | 0;
        const al2 = t1l + t2l;
        const ah2 = (t1h + t2h + Math.floor(al2 / 2 ** 32)) | 0;
        v.set([ah2, al2 | 0, ah, al, bh, bl, ch, cl, eh2, el2 | 0, eh, el, fh, fl, gh, gl]);
      }
      for (let i = 0; i < 16; i += 2) {
        const lo = ((h[i + 1] as number) >>> 0) + ((v[i + 1] as number) >>> 0);
        h[i] = ((h[i] as number) + (v[i] as number) + Math.floor(lo / 2 ** 32)) | 0;
        h[i + 1] = lo | 0;
      }
    }
    return beWords(Uint32Array.from(h), 12);
  },
};

const HASHES: Record<HashAlgorithm, Hash> = { md5, sha1, sha256: sha256Hash, sha384 };

function hashOf(alg: HashAlgorithm): Hash {
  const x = HASHES[alg];
  if (!x) throw new RangeError(`unsupported hash ${alg}`);
  return x;
}

export function digest(alg: HashAlgorithm, ...data: Uint8Array[]): Uint8Array {
  return hashOf(alg).run(concat(data));
}

export function sha256(data: Uint8Array): Uint8Array {
  return sha256Hash.run(data);
}

/** HMAC (RFC 2104) with the key's inner and outer pads precomputed per call. */
export function hmac(alg: HashAlgorithm, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const H = hashOf(alg);
  const k = new Uint8Array(H.block);
  k.set(key.length > H.block ? H.run(key) : key);
  const ipad = k.map((b) => b ^ 0x36);
  const opad = k.map((b) => b ^ 0x5c);
  return H.run(concat([opad, H.run(concat([ipad, ...data]))]));
}

/** PBKDF2 (RFC 8018 §5.2) with HMAC-`alg`. */
export function pbkdf2(
  alg: 'sha1' | 'sha256' | 'sha384',
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Uint8Array {
  const H = hashOf(alg);
  const out = new Uint8Array(length);
  for (let block = 1, off = 0; off < length; block++) {
    const ib = new Uint8Array([block >>> 24, (block >>> 16) & 255, (block >>> 8) & 255, block & 255]);
    let u = hmac(alg, password, salt, ib);
    const t = u.slice();
    for (let i = 1; i < iterations; i++) {
      u = hmac(alg, password, u);
      for (let j = 0; j < t.length; j++) t[j] = (t[j] as number) ^ (u[j] as number);
    }
    out.set(t.subarray(0, Math.min(H.size, length - off)), off);
    off += H.size;
  }
  return out;
}

export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let o = 0; o < n; o += 65536) globalThis.crypto.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
  return out;
}
