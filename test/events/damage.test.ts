/**
 * Damaged EVTX files, made here from corpus files: cut off (in a chunk, at a chunk boundary), a chunk wiped with
 * zeros or overwritten with garbage, bits flipped inside records and in record and chunk headers. For each:
 * no crash, no hang; every record outside the damage is read and equals the intact file's; each damaged chunk or
 * record is a problem with its offset; decoded + rejected + lost equals the records the file held (where its headers
 * can tell); at least what libevtx `evtxexport` reads from the same damaged file, with the same field values.
 * The streaming source (src/events/source.ts, what the CLI runs) agrees with the in-memory reader on every case.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { EventProblem } from '../../src/events/model.js';
import { readEventFile } from '../../src/events/source.js';
import { CHUNK_SIZE, decodeEvtx, type EvtxRecord, FILE_HEADER_SIZE } from '../../src/evtx/file.js';
import { Rng } from '../fuzz/mutate.js';
import { corpusPath, haveCorpus } from '../helpers/corpus.js';
import { skipUnlessCi } from '../helpers/prereq.js';
import { evtxexportEvents, evtxexportMissing, flattenEvent, recordIdOf } from './reference.js';

const noCorpus = !haveCorpus() && 'the shared corpus (../shared/corpus) is not there';
const dir = mkdtempSync(path.join(tmpdir(), 'kerbscope-evtx-damage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Security log, dirty (its header lags: 26 chunks counted, 33 present), 2261 records in chunks 0–25. */
const DIRTY = 'evtx/evtx-crate/security.evtx';
/** Security log closed cleanly: 6 chunks, record ids 1–636, header next record id 637. */
const CLEAN = 'evtx/evtx-crate/Security_with_size_t.evtx';

const chunkBase = (i: number) => FILE_HEADER_SIZE + i * CHUNK_SIZE;

interface Read {
  records: EvtxRecord[];
  problems: { code: string; offset?: number; chunk?: number; record?: number; severity: string }[];
  rejected: number;
  lost: number;
}

function read(bytes: Uint8Array, name: string): Read {
  const t0 = performance.now();
  const r = decodeEvtx(bytes);
  assert.ok(performance.now() - t0 < 10_000, 'decoding took too long');
  // the streaming source on the same bytes (as a file) gives the same counts and problems
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const problems: EventProblem[] = [];
  const gen = readEventFile(file, problems);
  let n = 0;
  let x = gen.next();
  for (; !x.done; x = gen.next()) n++;
  assert.equal(n, r.records.length, 'streaming source: records');
  assert.equal(x.value.rejected, r.rejected, 'streaming source: rejected');
  assert.equal(x.value.lost, r.lost, 'streaming source: lost');
  assert.deepEqual(
    problems.map((p) => [p.code, p.offset]),
    r.problems.map((p) => [p.code, p.offset]),
    'streaming source: problems',
  );
  for (const p of r.problems)
    assert.ok(typeof p.offset === 'number' && p.offset >= 0 && p.offset <= bytes.length, `${p.code} offset ${p.offset}`);
  return r;
}

/** Asserts a problem is there (with the list in the message: assert.ok without one is slow to fail under tsx). */
function hasProblem(r: Read, f: (p: Read['problems'][number]) => boolean): void {
  assert.ok(r.problems.some(f), `no such problem among ${JSON.stringify(r.problems.map((p) => [p.code, p.offset, p.chunk]))}`);
}

/** A record's key: its EventRecordID and every field. */
const key = (r: EvtxRecord) => `${recordIdOf(r.event)}\u0000${JSON.stringify([...flattenEvent(r.event)])}`;
/** The bytes a record occupies in its file. */
const sizeOf = (bytes: Uint8Array, r: EvtxRecord) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(r.offset + 4, true);

function keys(list: EvtxRecord[]): string[] {
  return list.map(key).sort();
}

/** Every record libevtx reads from the damaged file, kerbscope reads too, with equal fields. */
function atLeastLibevtx(file: string, ours: EvtxRecord[]): void {
  if (evtxexportMissing()) return; // the reference suite fails for that under CI
  const mine = new Set(ours.map(key));
  const ref = evtxexportEvents(file, true).map((e) => `${recordIdOf(e)}\u0000${JSON.stringify([...flattenEvent(e)])}`);
  const missing = ref.filter((k) => !mine.has(k));
  assert.deepEqual(
    missing.map((k) => k.split('\u0000')[0]),
    [],
    'records evtxexport reads that kerbscope does not (or reads differently)',
  );
  assert.ok(ours.length >= ref.length, `${ours.length} < ${ref.length}`);
}

describe('damaged EVTX files', { skip: skipUnlessCi(noCorpus) }, () => {
  const dirty = noCorpus ? new Uint8Array(0) : new Uint8Array(readFileSync(corpusPath(DIRTY)));
  const clean = noCorpus ? new Uint8Array(0) : new Uint8Array(readFileSync(corpusPath(CLEAN)));
  const intactDirty = noCorpus ? undefined : decodeEvtx(dirty);
  const intactClean = noCorpus ? undefined : decodeEvtx(clean);

  it('the intact files read whole (the baseline)', () => {
    assert.equal(intactDirty!.records.length, 2261);
    assert.equal(intactClean!.records.length, 636);
    for (const r of [intactDirty!, intactClean!]) {
      assert.equal(r.rejected, 0);
      assert.equal(r.lost, 0);
      assert.deepEqual(r.problems, []);
    }
  });

  for (const cut of [chunkBase(3) + 30_000, chunkBase(3) + 600, chunkBase(4), chunkBase(2) + 97]) {
    it(`a clean file cut off at byte ${cut}: everything before the cut read, the rest counted`, () => {
      const bytes = clean.subarray(0, cut);
      const r = read(bytes, `clean-cut-${cut}.evtx`);
      const before = intactClean!.records.filter((x) => x.offset + sizeOf(clean, x) <= cut);
      assert.deepEqual(keys(r.records), keys(before));
      // the clean header tells how many records there were: nothing is unaccounted for
      assert.equal(r.records.length + r.rejected + r.lost, 636);
      hasProblem(r, (p) => p.code === 'FILE_TRUNCATED' && p.offset === cut);
      if ((cut - FILE_HEADER_SIZE) % CHUNK_SIZE)
        hasProblem(
          r,
          (p) => p.code === 'CHUNK_TRUNCATED' && p.offset === cut && p.chunk === Math.floor((cut - FILE_HEADER_SIZE) / CHUNK_SIZE),
        );
      atLeastLibevtx(path.join(dir, `clean-cut-${cut}.evtx`), r.records);
    });
  }

  it('a dirty file cut off inside a chunk: everything before the cut read, the cut reported', () => {
    const cut = chunkBase(5) + 30_000;
    const r = read(dirty.subarray(0, cut), 'dirty-cut.evtx');
    assert.deepEqual(keys(r.records), keys(intactDirty!.records.filter((x) => x.offset + sizeOf(dirty, x) <= cut)));
    hasProblem(r, (p) => p.code === 'CHUNK_TRUNCATED' && p.offset === cut && p.chunk === 5);
    // chunk 5's header names its records: those after the cut are rejected, not silently gone
    const inChunk5 = intactDirty!.records.filter((x) => x.chunk === 5).length;
    const read5 = r.records.filter((x) => x.chunk === 5).length;
    assert.equal(r.rejected, inChunk5 - read5);
  });

  for (const k of [0, 3, 25]) {
    it(`chunk ${k} wiped with zeros: every other record read, the chunk and its records reported`, () => {
      const bytes = dirty.slice();
      bytes.fill(0, chunkBase(k), chunkBase(k + 1));
      const r = read(bytes, `zero-${k}.evtx`);
      assert.deepEqual(keys(r.records), keys(intactDirty!.records.filter((x) => x.chunk !== k)));
      hasProblem(r, (p) => p.code === 'CHUNK_ZEROED' && p.offset === chunkBase(k) && p.chunk === k);
      const held = intactDirty!.records.filter((x) => x.chunk === k).length;
      // between two chunks the record ids say how many were lost; the first or last chunk has no neighbour on one side
      if (k > 0 && k < 25) assert.equal(r.lost, held);
      assert.equal(r.records.length + r.rejected + r.lost, 2261 - (k > 0 && k < 25 ? 0 : held));
      atLeastLibevtx(path.join(dir, `zero-${k}.evtx`), r.records);
    });
  }

  it('a chunk overwritten with random bytes: the same as wiped, reported as a damaged chunk', () => {
    const bytes = dirty.slice();
    bytes.set(new Rng(7).bytes(CHUNK_SIZE), chunkBase(9));
    const r = read(bytes, 'garbage-9.evtx');
    assert.deepEqual(keys(r.records), keys(intactDirty!.records.filter((x) => x.chunk !== 9)));
    hasProblem(r, (p) => p.code === 'CHUNK_SIGNATURE' && p.offset === chunkBase(9));
    assert.equal(r.records.length + r.rejected + r.lost, 2261);
  });

  it('4000 bytes zeroed inside a chunk: the records around them read, the rest counted against the chunk header', () => {
    const bytes = dirty.slice();
    const from = chunkBase(9) + 10_000;
    bytes.fill(0, from, from + 4000);
    const r = read(bytes, 'midzero.evtx');
    const untouched = intactDirty!.records.filter((x) => x.chunk !== 9 || x.offset + sizeOf(dirty, x) <= from);
    const got = new Set(keys(r.records));
    for (const k of keys(untouched)) assert.ok(got.has(k), `record ${k.split('\u0000')[0]} not read`);
    assert.equal(r.records.length + r.rejected, 2261);
    hasProblem(r, (p) => p.code === 'RECORD_HEADER' && p.chunk === 9 && p.offset! >= from - 4096 && p.offset! < from + 4000);
    atLeastLibevtx(path.join(dir, 'midzero.evtx'), r.records);
  });

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`bits flipped inside record bodies (seed ${seed}): decoded + rejected = all, other chunks untouched`, () => {
      const rng = new Rng(seed);
      const bytes = dirty.slice();
      const victims = [0, 1, 2, 3, 4, 5, 6, 7].map(() => intactDirty!.records[rng.int(intactDirty!.records.length)]!);
      for (const v of victims) {
        const size = sizeOf(dirty, v);
        const at = v.offset + 24 + rng.int(size - 28); // inside the BinXML, not the record header or its size copy
        bytes[at]! ^= 1 << rng.int(8);
      }
      const r = read(bytes, `flip-${seed}.evtx`);
      assert.equal(r.records.length + r.rejected, 2261);
      assert.equal(r.lost, 0);
      const hit = new Set(victims.map((v) => v.chunk));
      assert.deepEqual(keys(r.records.filter((x) => !hit.has(x.chunk))), keys(intactDirty!.records.filter((x) => !hit.has(x.chunk))));
      for (const c of hit) hasProblem(r, (p) => p.code === 'CHUNK_DATA_CRC' && p.offset === chunkBase(c) + 512);
      for (const p of r.problems.filter((q) => q.severity === 'error')) {
        assert.ok(p.chunk !== undefined && hit.has(p.chunk), `${p.code} in an undamaged chunk`);
        assert.ok(p.offset! >= chunkBase(p.chunk!) && p.offset! < chunkBase(p.chunk! + 1), `${p.code} offset outside its chunk`);
      }
      assert.equal(r.problems.filter((p) => p.code === 'RECORD_BINXML').length <= r.rejected, true);
      atLeastLibevtx(path.join(dir, `flip-${seed}.evtx`), r.records);
    });
  }

  it('record signatures and sizes damaged: those records rejected at their offsets, the next ones found again', () => {
    const bytes = dirty.slice();
    const victims = [intactDirty!.records[100]!, intactDirty!.records[1000]!, intactDirty!.records[1500]!];
    bytes[victims[0]!.offset]! ^= 0xff; // signature
    bytes[victims[1]!.offset + 5]! ^= 0x10; // size
    bytes[victims[2]!.offset + sizeOf(dirty, victims[2]!) - 3]! ^= 0x01; // size copy
    const r = read(bytes, 'headers.evtx');
    assert.equal(r.records.length + r.rejected, 2261);
    assert.equal(r.records.length, 2258);
    for (const v of victims)
      assert.ok(
        r.problems.some((p) => p.code === 'RECORD_HEADER' && p.offset === v.offset),
        `record at ${v.offset}`,
      );
    const lostIds = new Set(victims.map(key));
    assert.deepEqual(keys(r.records), keys(intactDirty!.records.filter((x) => !lostIds.has(key(x)))));
  });

  it('a chunk header byte flipped: a checksum warning, every record still read', () => {
    const bytes = dirty.slice();
    bytes[chunkBase(4) + 60]! ^= 0x01; // reserved bytes covered by the header checksum
    const r = read(bytes, 'chunkhdr.evtx');
    assert.deepEqual(keys(r.records), keys(intactDirty!.records));
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.severity, p.offset]),
      [['CHUNK_HEADER_CRC', 'warning', chunkBase(4)]],
    );
  });

  it('a file header byte flipped: a checksum warning, every record still read', () => {
    const bytes = clean.slice();
    bytes[70]! ^= 0x01;
    const r = read(bytes, 'filehdr.evtx');
    assert.equal(r.records.length, 636);
    assert.deepEqual(
      r.problems.map((p) => p.code),
      ['FILE_HEADER_CRC'],
    );
  });

  it('a real file with wiped chunks (2-vss_7-System.evtx, from a shadow copy): the gap its chunk headers leave is reported as lost', () => {
    const bytes = new Uint8Array(readFileSync(corpusPath('evtx/evtx-crate/2-vss_7-System.evtx')));
    const r = read(bytes, 'vss.evtx');
    // the expectation from the chunk headers, read here: ids missing between consecutive chunks with headers around wiped ones
    const heads: { i: number; first: bigint; last: bigint }[] = [];
    const wiped: number[] = [];
    for (let i = 0; chunkBase(i + 1) <= bytes.length; i++) {
      const c = bytes.subarray(chunkBase(i), chunkBase(i + 1));
      if (new TextDecoder().decode(c.subarray(0, 7)) === 'ElfChnk') {
        const dv = new DataView(c.buffer, c.byteOffset);
        heads.push({ i, first: dv.getBigUint64(24, true), last: dv.getBigUint64(32, true) });
      } else if (c.every((b) => b === 0)) wiped.push(i);
    }
    let gap = 0;
    for (let k = 1; k < heads.length; k++)
      if (heads[k]!.i - heads[k - 1]!.i > 1 && wiped.includes(heads[k - 1]!.i + 1))
        gap += Number(heads[k]!.first - heads[k - 1]!.last - 1n);
    assert.ok(gap > 0, 'the file has a gap');
    assert.equal(r.records.length, 1160); // python-evtx and the evtx crate's own test count 1160
    assert.equal(r.rejected, 0);
    assert.equal(r.lost, gap);
    hasProblem(
      r,
      (p) => p.code === 'RECORDS_LOST' && p.offset === chunkBase(heads.find((h, k) => heads[k + 1] && heads[k + 1]!.i - h.i > 1)!.i + 1),
    );
  });

  it('random damage anywhere (40 seeded cases): never a crash or a hang, counts never exceed the file', () => {
    const rng = new Rng(2024);
    for (let n = 0; n < 40; n++) {
      const bytes = clean.slice();
      const runs = 1 + rng.int(6);
      for (let i = 0; i < runs; i++) {
        const at = FILE_HEADER_SIZE + rng.int(bytes.length - FILE_HEADER_SIZE);
        const len = 1 + rng.int(rng.int(2) ? 8 : 2000);
        if (rng.int(2)) bytes.fill(rng.int(2) ? 0 : 0xff, at, Math.min(bytes.length, at + len));
        else bytes.set(rng.bytes(Math.min(len, bytes.length - at)), at);
      }
      const t0 = performance.now();
      const r = decodeEvtx(bytes);
      assert.ok(performance.now() - t0 < 5000, `case ${n} took too long`);
      assert.ok(r.records.length <= 636 + 64, `case ${n}: ${r.records.length} records`);
      for (const p of r.problems)
        assert.ok(typeof p.offset === 'number' && p.offset >= 0 && p.offset <= bytes.length, `case ${n}: ${p.code} offset ${p.offset}`);
    }
  });
});
