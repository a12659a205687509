/**
 * Fuzzing the capture readers, the reassembler and the extractors with the shared harness (test/fuzz/harness.ts,
 * mutate.ts): mutated and spliced capture files fed in random chunk sizes may only be refused as "not a capture";
 * cutting a file at any point yields a subset of the whole file's messages; and reordering and duplicating the
 * packets of TCP streams (retransmissions, out-of-order delivery at any segment) changes no message.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { NotACaptureError, Tracer } from '../../src/capture/index.js';
import { generate, replayLine, runOne } from '../fuzz/harness.js';
import { Rng } from '../fuzz/mutate.js';
import type { FuzzTarget } from '../fuzz/targets.js';
import { CORPUS } from '../helpers/corpus.js';
import { haveTshark } from './tshark-ref.js';
import { buildWalk } from './walk.js';

const CI = process.env.CI === 'true';
const skip = !CI && !haveTshark() && 'tshark not installed (the walk seeds are built from tshark-extracted payloads)';

function traceBytes(input: Uint8Array, chunk: number) {
  const t = new Tracer();
  for (let i = 0; i < input.length && !t.stopped; i += chunk) t.push(input.subarray(i, i + chunk));
  return t.finish();
}

const captureTarget: FuzzTarget = {
  name: 'capture-trace',
  run(input) {
    try {
      const r = traceBytes(input, 1 + (input.length % 251));
      if (r.packets > input.length / 16 + 1) throw new Error(`${r.packets} packets from ${input.length} bytes`);
      return {
        outcome: r.problems.length ? { kind: 'partial', code: r.problems[0]?.kind ?? '' } : { kind: 'ok' },
        result: { n: r.messages.length },
      };
    } catch (e) {
      if (e instanceof NotACaptureError) return { outcome: { kind: 'rejected', code: 'NOT_A_CAPTURE' } };
      throw e;
    }
  },
} as FuzzTarget;

function seeds(): Uint8Array[] {
  const out = [
    buildWalk({ format: 'pcap' }),
    buildWalk({ format: 'pcapng', kdcTcp: true }),
    buildWalk({ format: 'pcap', fragment: true, littleEndian: false }),
    buildWalk({ format: 'pcapng', chunked: true, ns: true }),
  ];
  for (const rel of ['zeek/krb/smb_gssapi.pcap', 'zeek/ldap/aduser1.pcap', 'zeek/dce-rpc/kerberos135_auth.pcapng', 'zeek/dns/tkey.pcap']) {
    const f = path.join(CORPUS, 'pcap', rel);
    if (statSync(f, { throwIfNoEntry: false })?.size) out.push(new Uint8Array(readFileSync(f)));
  }
  return out;
}

test('mutated captures: never a crash, only "not a capture" refused', { skip }, () => {
  const s = seeds();
  const deadline = performance.now() + 4000;
  let runs = 0;
  const outcomes = new Map<string, number>();
  for (let i = 0; performance.now() < deadline; i++) {
    const input = generate(s, 0x7ace, i);
    const r = runOne(captureTarget, input, false);
    if (r.crash) assert.fail(`${r.crash.message}\n${r.crash.stack}\n${replayLine('capture-trace', 0x7ace, i, input, 256)}`);
    const k = r.outcome.kind;
    outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    runs++;
  }
  assert.ok(runs > 50, `only ${runs} runs`);
  // the inputs reached the parsers: some read cleanly, some hit damage
  assert.ok((outcomes.get('ok') ?? 0) > 0 && (outcomes.get('partial') ?? 0) > 0, JSON.stringify([...outcomes]));
});

const key = (m: { frame: number; msgType: number }) => `${m.frame}:${m.msgType}`;

test('cut anywhere: the messages of a prefix are messages of the whole file', { skip }, () => {
  const rng = new Rng(0xc07);
  for (const whole of seeds().slice(0, 4)) {
    const full = new Set(traceBytes(whole, 4096).messages.map(key));
    for (let k = 0; k < 40; k++) {
      const cut = rng.int(whole.length);
      const r = traceBytes(whole.subarray(0, cut), 1 + rng.int(3000));
      for (const m of r.messages) assert.ok(full.has(key(m)), `cut at ${cut}: ${key(m)} not in the whole file`);
      if (cut < whole.length && cut > 24) assert.ok(r.problems.some((p) => p.kind === 'file') || r.packets > 0);
    }
  }
});

/** Splits a pcap (little-endian µs, as buildWalk writes it) into its records. */
function records(pcap: Uint8Array): Uint8Array[] {
  const dv = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  const out: Uint8Array[] = [];
  for (let o = 24; o + 16 <= pcap.length; ) {
    const n = dv.getUint32(o + 8, true);
    out.push(pcap.subarray(o, o + 16 + n));
    o += 16 + n;
  }
  return out;
}

test('TCP reordered and retransmitted at random: the same messages', { skip }, () => {
  const base = buildWalk({ format: 'pcap', kdcTcp: true, chunked: true });
  const want = traceBytes(base, 65536);
  const sig = (r: ReturnType<typeof traceBytes>) => [
    r.messages.map((m) => `${m.msgName} ${m.realm ?? ''} ${(m.sname ?? []).join('/')} ${m.errorCode ?? ''}`),
    r.http.map((h) => `${h.method ?? h.status} ${h.scheme ?? ''} ${h.tokenMessage ?? ''}`),
  ];
  const recs = records(base);
  const header = base.subarray(0, 24);
  const rng = new Rng(0x5eed);
  for (let round = 0; round < 300; round++) {
    const list = [...recs];
    // swap a few neighbours sent by the same endpoint (out-of-order delivery; a response cannot overtake its
    // request on the wire) and duplicate a few records (retransmissions)
    const from = (r: Uint8Array) =>
      Buffer.from(r.subarray(16 + 14 + 12, 16 + 14 + 16)).toString('hex') + Buffer.from(r.subarray(16 + 34, 16 + 36)).toString('hex');
    for (let k = 0; k < 12; k++) {
      const i = 1 + rng.int(list.length - 2);
      if (from(list[i] as Uint8Array) !== from(list[i + 1] as Uint8Array)) continue;
      [list[i], list[i + 1]] = [list[i + 1] as Uint8Array, list[i] as Uint8Array];
    }
    for (let k = 0; k < 4; k++) {
      const i = rng.int(list.length);
      if (list[i]?.[16 + 14 + 9] !== 6) continue; // a repeated UDP datagram is a new message, not a retransmission
      list.splice(i + 1 + rng.int(3), 0, list[i] as Uint8Array);
    }
    const file = new Uint8Array(24 + list.reduce((n, r) => n + r.length, 0));
    file.set(header, 0);
    let o = 24;
    for (const r of list) {
      file.set(r, o);
      o += r.length;
    }
    const got = traceBytes(file, 1 + rng.int(5000));
    assert.deepEqual(sig(got), sig(want), `round ${round}`);
  }
});
