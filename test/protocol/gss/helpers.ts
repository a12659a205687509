/**
 * Test helpers shared by the gss and ntlm tests: corpus paths, tshark runs, the round-trip helper and the
 * "only DecodeError" fuzz assertion.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DecodeError } from '../../../src/wire/errors.js';

export const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

export function hex(s: string): Uint8Array {
  const c = s.replace(/\s+/g, '');
  return Uint8Array.from(c.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

let tsharkOk: boolean | undefined;

/** True when tshark runs. Missing tshark skips loudly, except under CI=true where it fails. */
export function haveTshark(t: { skip(msg: string): void }): boolean {
  if (tsharkOk === undefined) {
    try {
      execFileSync('tshark', ['-v'], { stdio: 'ignore' });
      tsharkOk = true;
    } catch {
      tsharkOk = false;
    }
  }
  if (tsharkOk) return true;
  if (process.env.CI === 'true') assert.fail('tshark is required under CI=true (apt-get install tshark)');
  console.warn('\n*** SKIPPED: tshark is not installed; the tshark cross-checks did not run (apt-get install tshark) ***\n');
  t.skip('tshark not installed');
  return false;
}

/** Runs tshark -T fields; one record per frame, multi-valued fields split on '|'. */
export function tsharkFields(pcap: string, filter: string, fields: string[], extra: string[] = []): Record<string, string[]>[] {
  const path = CORPUS + pcap;
  assert.ok(existsSync(path), `missing corpus file ${path}`);
  const args = ['-r', path, ...extra, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => {
      const cols = line.split('\t');
      const rec: Record<string, string[]> = {};
      fields.forEach((f, i) => {
        const v = cols[i] ?? '';
        rec[f] = v === '' ? [] : v.split('|');
      });
      return rec;
    });
}

/** encode(decode(x)) === x, also when the input sits at a non-zero offset of a larger buffer. */
export function assertRoundTrip<T>(bytes: Uint8Array, decode: (b: Uint8Array, base: number) => T, encode: (v: T) => Uint8Array): T {
  const v = decode(bytes, 0);
  assert.equal(toHex(encode(v)), toHex(bytes), 'encode(decode(bytes)) differs');
  const padded = new Uint8Array(bytes.length + 7);
  padded.set(bytes, 7);
  const v2 = decode(padded.subarray(7), 7);
  assert.equal(toHex(encode(v2)), toHex(bytes), 'round trip at offset 7 differs');
  assert.equal(toHex(encode(decode(encode(v), 0))), toHex(bytes), 'second round trip differs');
  return v;
}

/** Calls f and accepts only success or DecodeError. */
export function onlyDecodeError(f: () => unknown, what: string): 'ok' | 'rejected' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof DecodeError) {
      assert.equal(typeof e.code, 'string');
      return 'rejected';
    }
    throw new Error(`${what}: threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

/** Every prefix, and `n` random byte mutations (deterministic PRNG), of `bytes`. */
export function* mutations(bytes: Uint8Array, n: number, seed = 1): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(0, i);
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  for (let k = 0; k < n; k++) {
    const m = bytes.slice();
    const edits = 1 + Math.floor(rnd() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * m.length);
      const kind = rnd();
      if (kind < 0.5) m[at] = Math.floor(rnd() * 256);
      else if (kind < 0.75) m[at] = (m[at] as number) ^ (1 << Math.floor(rnd() * 8));
      else m[at] = [0, 0xff, 0x7f, 0x80, 0x81, 0x84][Math.floor(rnd() * 6)] as number;
    }
    yield m;
  }
}

/** The bytes tshark shows for a frame's security token: SMB security blob, else the reassembled TCP data, else the payload. */
export function frameBytes(rec: Record<string, string[]>): { blob?: Uint8Array; data?: Uint8Array } {
  const blob = rec['smb2.security_blob']?.[0] ?? rec['smb.security_blob']?.[0];
  const data = rec['tcp.reassembled.data']?.[0] ?? rec['tcp.payload']?.[0];
  const out: { blob?: Uint8Array; data?: Uint8Array } = {};
  if (blob) out.blob = hex(blob);
  if (data) out.data = hex(data);
  return out;
}

export const TOKEN_FIELDS = ['frame.number', 'smb2.security_blob', 'smb.security_blob', 'tcp.reassembled.data', 'tcp.payload'];

/** Offset of "NTLMSSP\0" in b, or -1. */
export function findNtlmssp(b: Uint8Array): number {
  outer: for (let i = 0; i + 8 <= b.length; i++) {
    const sig = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00];
    for (let j = 0; j < 8; j++) if (b[i + j] !== sig[j]) continue outer;
    return i;
  }
  return -1;
}

/** tshark's ntlmssp strings print "NULL" for an empty string. */
export function tsString(v: string[] | undefined): string | undefined {
  const s = v?.[0];
  return s === undefined ? undefined : s === 'NULL' ? '' : s;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mar 10, 2025 09:15:19.974828700 UTC" → epoch seconds (tshark's absolute time, UTC). */
export function tsTimeSeconds(s: string): number {
  const m = /^(\w{3}) +(\d+), (\d{4}) (\d\d):(\d\d):(\d\d)/.exec(s);
  assert.ok(m, `unexpected tshark time ${s}`);
  return Date.UTC(Number(m[3]), MONTHS.indexOf(m[1] as string), Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
}
