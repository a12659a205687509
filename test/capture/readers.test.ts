/**
 * The readers on every capture shape (pcap µs/ns in both byte orders, pcapng in both byte orders with ns
 * resolution, simple packet blocks, several interfaces, VLAN/QinQ, Linux SLL/SLL2, BSD loopback, raw IP, IPv4
 * fragments, Kerberos over TCP cut and reordered, chunked HTTP, lost segments), each held to tshark on the same
 * file; damaged files keep everything before the damage, as tshark does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { NotACaptureError, traceCapture } from '../../src/capture/index.js';
import { compareDns, compareHttp, compareKerberos, haveTshark, tsharkRows } from './tshark-ref.js';
import { buildWalk, type WalkOptions } from './walk.js';

const CI = process.env.CI === 'true';
const dir = mkdtempSync(path.join(tmpdir(), 'kerbscope-readers-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const skip = !CI && !haveTshark() && 'tshark not installed';

const VARIANTS: [string, WalkOptions][] = [
  ['pcap little-endian µs', { format: 'pcap' }],
  ['pcap big-endian ns', { format: 'pcap', littleEndian: false, ns: true }],
  ['pcapng little-endian', { format: 'pcapng' }],
  ['pcapng big-endian, ns resolution', { format: 'pcapng', littleEndian: false, ns: true }],
  ['pcapng simple packet blocks', { format: 'pcapng', simple: true }],
  ['pcapng, two interfaces declared', { format: 'pcapng', linkTypes: [1, 113] }],
  ['802.1Q', { format: 'pcap', vlan: [100] }],
  ['QinQ', { format: 'pcapng', vlan: [10, 20] }],
  ['Linux SLL', { format: 'pcap', relink: 113 }],
  ['Linux SLL2', { format: 'pcapng', relink: 276 }],
  ['BSD loopback', { format: 'pcap', relink: 0 }],
  ['raw IP', { format: 'pcap', relink: 101 }],
  ['IPv4 fragments out of order', { format: 'pcap', fragment: true }],
  ['Kerberos over TCP, record cut in three and reordered', { format: 'pcapng', kdcTcp: true }],
  ['chunked 401 body', { format: 'pcap', chunked: true }],
];

async function trace(bytes: Uint8Array, chunk = 4096) {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  return traceCapture(chunks);
}

for (const [name, o] of VARIANTS) {
  test(`${name}: the walk, as tshark reads it`, { skip }, async () => {
    const bytes = buildWalk(o);
    const file = path.join(dir, `${name.replace(/\W+/g, '_')}.cap`);
    writeFileSync(file, bytes);
    // tshark 4.0 leaves out-of-order segments alone unless told (tcp.reassemble_out_of_order defaults to FALSE)
    const rows = tsharkRows(file, o.kdcTcp ? ['tcp.reassemble_out_of_order:TRUE'] : []);
    const r = await trace(bytes, 1000);
    assert.deepEqual([...compareKerberos(rows, r), ...compareDns(rows, r), ...compareHttp(rows, r)], []);
    assert.deepEqual(
      r.messages.map((m) => m.msgName),
      ['AS-REQ', 'KRB-ERROR', 'AS-REQ', 'AS-REP', 'TGS-REQ', 'TGS-REP', 'AP-REQ', 'AP-REP'],
    );
    assert.equal(r.http.length, 4);
    assert.deepEqual(r.problems, []);
    // healthy: nothing above info
    assert.deepEqual(
      r.findings.filter((f) => f.severity !== 'info').map((f) => f.id),
      [],
    );
    // the same frame count as tshark
    const n = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n').length;
    assert.equal(r.packets, n);
  });
}

test('lost segments: a problem and a fact with the frame, and the rest still read', { skip }, async () => {
  const bytes = buildWalk({ format: 'pcap', lose: true });
  const r = await trace(bytes);
  assert.equal(r.messages.filter((m) => m.msgName === 'AP-REQ').length, 1);
  const p = r.problems.find((x) => x.kind === 'missing-segments');
  assert.ok(p, JSON.stringify(r.problems));
  assert.match(p.message, /10\.201\.0\.11:80 → 10\.201\.0\.20:53756: 565 bytes/);
  assert.ok(
    r.findings.some((f) => f.id === 'capture-missing-segments'),
    r.findings.map((f) => f.id).join(),
  );
});

test('truncated and corrupt files: everything before the damage, the byte offset and the block', { skip }, async () => {
  const whole = buildWalk({ format: 'pcapng' });
  const full = await trace(whole);
  for (const cut of [whole.length - 3, Math.floor(whole.length / 2), 200, 40]) {
    const part = whole.subarray(0, cut);
    const file = path.join(dir, `cut${cut}.pcapng`);
    writeFileSync(file, part);
    const r = await trace(part, 777);
    const tsharkFrames = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .filter(Boolean).length;
    assert.equal(r.packets, tsharkFrames, `cut at ${cut}`);
    const p = r.problems.find((x) => x.kind === 'file');
    assert.ok(p && p.offset !== undefined && p.offset < cut && p.offset > 0, JSON.stringify(r.problems));
    assert.equal(p.block, cut === 40 ? 'IDB' : 'EPB');
    assert.ok(r.findings.some((f) => f.id === 'capture-damaged'));
    assert.ok(r.messages.length <= full.messages.length);
  }
  // a block length that contradicts its trailing copy
  const bad = whole.slice();
  const dv = new DataView(bad.buffer);
  let o = 0;
  let blocks = 0;
  while (o < bad.length && blocks < 10) {
    o += dv.getUint32(o + 4, true);
    blocks++;
  }
  dv.setUint32(o + 4, 0xfffffff0, true);
  const r = await trace(bad);
  const p = r.problems.find((x) => x.kind === 'file');
  assert.equal(p?.offset, o);
  assert.match(p?.message ?? '', /block length/);
  assert.equal(r.packets, 8); // SHB, IDB, then 8 packets before the damaged block
});

test('not a capture: NotACaptureError, whatever the chunking', async () => {
  await assert.rejects(trace(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')), NotACaptureError);
  await assert.rejects(trace(new Uint8Array(0)), NotACaptureError);
  await assert.rejects(trace(new Uint8Array([0xa1, 0xb2])), NotACaptureError);
});

test('chunk boundaries do not matter: byte-by-byte equals whole-file', { skip }, async () => {
  const bytes = buildWalk({ format: 'pcapng', kdcTcp: true });
  const a = await trace(bytes, bytes.length);
  const b = await trace(bytes, 1);
  const c = await trace(bytes, 13);
  assert.deepEqual(b.messages, a.messages);
  assert.deepEqual(c.http, a.http);
  assert.deepEqual(b.findings, a.findings);
});
