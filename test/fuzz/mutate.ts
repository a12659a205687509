/**
 * Input mutation for decoder fuzzing (in the spirit of libFuzzer's mutators and undici's stream-cutting tests):
 * every strategy keeps the input "almost valid" so the decoder gets deep before it meets the damage.
 * Deterministic for a given seed, so a failure can be replayed.
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff;
    return b;
  }
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xff, 0x30, 0x60, 0xa0, 0x04, 0x02];

export function mutate(seed: Uint8Array, rng: Rng): Uint8Array {
  if (seed.length === 0) return rng.bytes(rng.int(64));
  const b = seed.slice();
  const strategy = rng.int(9);
  switch (strategy) {
    case 0: // truncate
      return b.subarray(0, rng.int(b.length));
    case 1: {
      // flip a few bits
      const n = 1 + rng.int(4);
      for (let i = 0; i < n; i++) {
        const p = rng.int(b.length);
        b[p] = (b[p] as number) ^ (1 << rng.int(8));
      }
      return b;
    }
    case 2: {
      // set interesting bytes (lengths, tags)
      const n = 1 + rng.int(3);
      for (let i = 0; i < n; i++) b[rng.int(b.length)] = INTERESTING[rng.int(INTERESTING.length)] as number;
      return b;
    }
    case 3: {
      // overwrite a 32-bit value with a huge / negative count
      const p = rng.int(Math.max(1, b.length - 4));
      const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x00010000, 0][rng.int(5)] as number;
      for (let i = 0; i < 4 && p + i < b.length; i++) b[p + i] = (v >>> (8 * i)) & 0xff;
      return b;
    }
    case 4: {
      // delete a span
      const p = rng.int(b.length);
      const n = 1 + rng.int(Math.min(16, b.length - p));
      const out = new Uint8Array(b.length - n);
      out.set(b.subarray(0, p), 0);
      out.set(b.subarray(p + n), p);
      return out;
    }
    case 5: {
      // insert random bytes
      const p = rng.int(b.length + 1);
      const ins = rng.bytes(1 + rng.int(8));
      const out = new Uint8Array(b.length + ins.length);
      out.set(b.subarray(0, p), 0);
      out.set(ins, p);
      out.set(b.subarray(p), p + ins.length);
      return out;
    }
    case 6: {
      // duplicate a span (repeated fields, overlapping pointers)
      const p = rng.int(b.length);
      const n = 1 + rng.int(Math.min(32, b.length - p));
      const out = new Uint8Array(b.length + n);
      out.set(b.subarray(0, p + n), 0);
      out.set(b.subarray(p, p + n), p + n);
      out.set(b.subarray(p + n), p + 2 * n);
      return out;
    }
    case 7: // random garbage of similar size
      return rng.bytes(rng.int(b.length * 2 + 1));
    default: {
      // stacked mutations
      let m: Uint8Array = b;
      for (let i = 0; i < 3; i++) m = mutate(m, rng);
      return m;
    }
  }
}
