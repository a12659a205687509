/**
 * The modified CRC-32 of Kerberos, RFC 3961 §6.1.3 (checksum type 1, CRC32): the ISO 3309 / ITU-T V.42
 * polynomial in reflected form, but with a zero initial register and no final complement, output least
 * significant byte first. It appears in old DES tickets only; kept because it costs twelve lines.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function modifiedCrc32(data: Uint8Array): Uint8Array {
  let c = 0;
  for (const b of data) c = TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return new Uint8Array([c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, (c >>> 24) & 0xff]);
}
