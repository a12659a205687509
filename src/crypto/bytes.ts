// Small byte helpers private to src/crypto (pure, browser-safe). concatBytes is the wire layer's (src/wire/encoding.ts).

/** Comparison whose time does not depend on where the first difference is. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.min(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

const utf8 = new TextEncoder();

/** Strings are UTF-8 (RFC 3961 §3: passwords and salts are UTF-8 octet strings); bytes pass through. */
export function toBytes(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? utf8.encode(v) : v;
}

export function uint32be(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

export function uint32le(n: number): Uint8Array {
  return new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
}
