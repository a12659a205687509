/**
 * The round-trip helper every codec test uses (after mafintosh/dns-packet's test.js): encode → decode → encode again
 * must give the same bytes, and decoding must work the same when the message sits at a non-zero offset of a larger
 * buffer (catches codecs that assume byteOffset 0 of the underlying ArrayBuffer).
 */
import assert from 'node:assert/strict';

export function roundTrip<T>(encode: (v: T) => Uint8Array, decode: (b: Uint8Array) => T, value: T): Uint8Array {
  const first = encode(value);
  const decoded = decode(first);
  const second = encode(decoded);
  assert.deepEqual(Buffer.from(second).toString('hex'), Buffer.from(first).toString('hex'), 'encode(decode(encode(v))) differs');
  const padded = new Uint8Array(first.length + 7);
  padded.set(first, 5);
  const shifted = decode(padded.subarray(5, 5 + first.length));
  assert.deepEqual(Buffer.from(encode(shifted)).toString('hex'), Buffer.from(first).toString('hex'), 'decoding at an offset differs');
  return first;
}

/** Re-encodes bytes that came from elsewhere (a real implementation) and requires the identical bytes back. */
export function reEncodes<T>(encode: (v: T) => Uint8Array, decode: (b: Uint8Array) => T, bytes: Uint8Array): T {
  const v = decode(bytes);
  assert.equal(Buffer.from(encode(v)).toString('hex'), Buffer.from(bytes).toString('hex'), 're-encoding real bytes differs');
  return v;
}
