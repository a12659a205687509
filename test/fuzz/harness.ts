/**
 * Input generation and outcome checking shared by the quick test (fuzz.test.ts) and the long campaign (campaign.ts).
 * Input i of a run is a pure function of (target, seed, i): any input can be regenerated from those three numbers,
 * and the hex is printed as well.
 */
import { toHex } from '../../src/wire/encoding.js';
import { mutate, Rng } from './mutate.js';
import type { FuzzTarget, Outcome } from './targets.js';

/** Generates input `i` from the seeds: mostly stacked mutations of one seed, sometimes a splice of two, sometimes noise. */
export function generate(seeds: readonly Uint8Array[], seed: number, i: number): Uint8Array {
  const rng = new Rng(hash32(seed, i));
  const pick = () => seeds[rng.int(seeds.length)] ?? new Uint8Array(0);
  const r = rng.int(64);
  if (r === 0 || seeds.length === 0) return rng.bytes(rng.int(512));
  if (r < 4) {
    // splice: a prefix of one seed onto a suffix of another (two messages glued at a random point, undici-style)
    const a = pick();
    const b = pick();
    const pa = rng.int(a.length + 1);
    const pb = rng.int(b.length + 1);
    const s = new Uint8Array(pa + (b.length - pb));
    s.set(a.subarray(0, pa), 0);
    s.set(b.subarray(pb), pa);
    return s;
  }
  let b = pick();
  if (r < 8) return b.slice(); // the seed itself (and, through the rng, its exact prefixes below)
  const rounds = 1 + rng.int(3);
  for (let k = 0; k < rounds; k++) b = mutate(b, rng);
  return b;
}

/** A 32-bit mix of (seed, index) (splitmix-like), never 0. */
export function hash32(seed: number, i: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(i >>> 0, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0 || 1;
}

/** Byte arrays and arrays in a result may not exceed this: nothing sized from a forged count (STYLE habit 1). */
export function sizeLimit(inputLength: number): number {
  return Math.max(2 * inputLength, 256);
}

/** Returns a description of the first oversized array / byte array in `v`, or undefined. */
export function oversized(v: unknown, max: number, seen = new Set<unknown>(), depth = 0): string | undefined {
  if (v === null || typeof v !== 'object' || seen.has(v) || depth > 64) return undefined;
  seen.add(v);
  if ((v instanceof Uint8Array || Array.isArray(v)) && v.length > max)
    return `${v instanceof Uint8Array ? 'Uint8Array' : 'array'} of ${v.length}`;
  if (ArrayBuffer.isView(v) || v instanceof Date) return undefined;
  for (const x of Object.values(v as object)) {
    const r = oversized(x, max, seen, depth + 1);
    if (r) return r;
  }
  return undefined;
}

export type RunRecord = { ms: number } & ({ outcome: Outcome; crash?: undefined } | { outcome?: undefined; crash: CrashInfo });

export interface CrashInfo {
  /** "TypeError: ..." or "oversized result: array of 70000". */
  message: string;
  stack: string;
  context?: string;
}

/** Runs one input; an exception that is not an allowed outcome, or an oversized result, is a crash. */
export function runOne(t: FuzzTarget, input: Uint8Array, checkSize = true): RunRecord {
  const t0 = performance.now();
  try {
    const r = t.run(input);
    const ms = performance.now() - t0;
    if (checkSize) {
      const big = oversized(r.result, sizeLimit(input.length));
      if (big) return { ms, crash: { message: `oversized result: ${big} from ${input.length} input bytes`, stack: '' } };
    }
    return { ms, outcome: r.outcome };
  } catch (e) {
    const ms = performance.now() - t0;
    const err = e as { name?: string; message?: string; stack?: string; fuzzContext?: string };
    const crash: CrashInfo = { message: `${err?.name ?? typeof e}: ${err?.message ?? String(e)}`, stack: err?.stack ?? String(e) };
    if (err?.fuzzContext) crash.context = err.fuzzContext;
    return { ms, crash };
  }
}

/** One line that lets anyone replay the input. */
export function replayLine(target: string, seed: number, index: number, input: Uint8Array, max = 4096): string {
  const hex = toHex(input.subarray(0, max));
  return `target=${target} seed=${seed} index=${index} len=${input.length} hex=${hex}${input.length > max ? '...' : ''}\n  replay: npm run fuzz -- --target ${target} --seed ${seed} --index ${index}`;
}
