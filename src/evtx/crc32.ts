/**
 * CRC-32 as EVTX uses it (MS-EVEN6 §2.2: file header, chunk header and chunk records checksums): the ISO 3309 /
 * ITU-T V.42 polynomial, reflected, initial register 0xFFFFFFFF, final complement — zlib's crc32. src/crypto/crc32.ts
 * is the *modified* Kerberos CRC (zero initial register, no complement), so the two do not share a function; they
 * share the polynomial. Slicing-by-4, because every 64 KiB chunk of a log is checked.
 */
const T0 = new Uint32Array(256);
const T1 = new Uint32Array(256);
const T2 = new Uint32Array(256);
const T3 = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  T0[n] = c >>> 0;
}
for (let n = 0; n < 256; n++) {
  const c0 = T0[n]!;
  const c1 = T0[c0 & 0xff]! ^ (c0 >>> 8);
  const c2 = T0[c1 & 0xff]! ^ (c1 >>> 8);
  const c3 = T0[c2 & 0xff]! ^ (c2 >>> 8);
  T1[n] = c1 >>> 0;
  T2[n] = c2 >>> 0;
  T3[n] = c3 >>> 0;
}

/** CRC-32 of `data[start, end)`, continuing from `crc` (pass the result of a previous call to checksum two ranges). */
export function crc32(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  let c = ~crc >>> 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = T3[c & 0xff]! ^ T2[(c >>> 8) & 0xff]! ^ T1[(c >>> 16) & 0xff]! ^ T0[c >>> 24]!;
  }
  for (; i < end; i++) c = T0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
