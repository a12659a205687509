/**
 * Fuzzing the BinXML decoder (src/evtx/binxml.ts) and the chunk reader around it, bounded in time:
 *   - crafted records: a template expansion bomb (each definition instantiating the previous one twice) and a
 *     template that instantiates itself are rejected as records, quickly, without exhausting memory;
 *   - fast-check token streams from the grammar (elements, attributes, values, substitutions of every type, CDATA,
 *     character/entity references, PIs, template instances with random values, raw bytes) inside one record;
 *   - fast-check overwrites of the record area of real corpus chunks.
 * Only data may come out: every record decoded or rejected with a problem, never an exception, never a hang.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CHUNK_SIZE, decodeChunk, decodeChunkHeader, decodeEvtx, FILE_HEADER_SIZE } from '../../src/evtx/file.js';
import { renderXml } from '../../src/evtx/xml.js';
import { corpusPath, haveCorpus } from '../helpers/corpus.js';
import { skipUnlessCi } from '../helpers/prereq.js';
import { type ChunkWriter, evtxWithRecord } from './binxml-build.js';

/** Each property runs until this many milliseconds have passed (or its run count is reached). */
const BUDGET_MS = Number(process.env.KERBSCOPE_FUZZ_MS ?? 6000);

function decodeOne(file: Uint8Array): ReturnType<typeof decodeEvtx> {
  const t0 = performance.now();
  const r = decodeEvtx(file);
  const ms = performance.now() - t0;
  assert.ok(ms < 3000, `decoding one record took ${ms.toFixed(0)} ms`);
  assert.equal(r.records.length + r.rejected, 1, JSON.stringify(r.problems));
  for (const x of r.records) renderXml(x.event);
  for (const p of r.problems.filter((q) => q.severity === 'error'))
    assert.ok(p.offset >= FILE_HEADER_SIZE + 512 && p.offset < FILE_HEADER_SIZE + CHUNK_SIZE, `${p.code} at ${p.offset}`);
  return r;
}

describe('BinXML: crafted records', () => {
  it('a well-formed record with a template instance and values decodes (the writer is right)', () => {
    const r = decodeOne(
      evtxWithRecord((w) => {
        w.fragmentHeader();
        w.instance(
          (x) => {
            x.fragmentHeader();
            x.open('Event');
            x.u8(0x02);
            x.open('EventID');
            x.u8(0x02).u8(0x0d).u16(0).u8(0x06);
            x.u8(0x04);
            x.open('Who');
            x.u8(0x02).u8(0x0d).u16(1).u8(0x01);
            x.u8(0x04);
            x.u8(0x04).u8(0x00);
          },
          [
            [0x06, Uint8Array.of(0xc1, 0x12)],
            [0x01, Uint8Array.of(0x6a, 0, 0x64, 0)],
          ],
        );
        w.u8(0x00);
      }),
    );
    assert.equal(r.rejected, 0);
    assert.equal(renderXml(r.records[0]!.event), '<Event>\n  <EventID>4801</EventID>\n  <Who>jd</Who>\n</Event>\n');
  });

  it('a template expansion bomb (2^30 elements from a few hundred bytes) is rejected, fast, memory intact', () => {
    const before = process.memoryUsage().heapUsed;
    const r = decodeOne(
      evtxWithRecord((w: ChunkWriter) => {
        w.fragmentHeader();
        w.open('Event');
        w.u8(0x02);
        let prev = -1;
        for (let k = 0; k < 30; k++) {
          const p = prev;
          prev = w.instance((x) => {
            x.fragmentHeader();
            x.open('e');
            x.u8(0x02);
            if (p < 0) x.text('x');
            else x.instanceOf(p).instanceOf(p);
            x.u8(0x04).u8(0x00);
          });
        }
        w.u8(0x04).u8(0x00);
      }),
    );
    assert.equal(r.rejected, 1);
    assert.match(r.problems.find((p) => p.code === 'RECORD_BINXML')!.message, /expands to more than/);
    assert.ok(process.memoryUsage().heapUsed - before < 512 << 20, 'memory grew by more than 512 MiB');
  });

  it('a template that instantiates itself is rejected', () => {
    const r = decodeOne(
      evtxWithRecord((w) => {
        w.fragmentHeader();
        const self = w.pos + 10;
        w.instance((x) => {
          x.fragmentHeader();
          x.open('Event');
          x.u8(0x02);
          x.instanceOf(self);
          x.u8(0x04).u8(0x00);
        });
        w.u8(0x00);
      }),
    );
    assert.equal(r.rejected, 1);
    assert.match(r.problems[0]!.message, /refers to itself|nested too deeply/);
  });

  it('elements nested 2000 deep are rejected, not a stack overflow', () => {
    const r = decodeOne(
      evtxWithRecord((w) => {
        w.fragmentHeader();
        for (let i = 0; i < 2000; i++) w.open('a').u8(0x02);
      }),
    );
    assert.equal(r.rejected, 1);
  });
});

/** One token of the grammar, with random parameters, written by the ChunkWriter. */
type Tok = (w: ChunkWriter) => void;
const VALUE_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 33, 0x81, 0x88, 0x8f, 0x94, 0x95, 0x93];
const name = fc.constantFrom('Event', 'System', 'Data', 'EventData', 'x', '', 'Name', 'Ünïcode');
const valueArb = fc.tuple(fc.constantFrom(...VALUE_TYPES), fc.uint8Array({ maxLength: 40 }));
const tok: fc.Arbitrary<Tok> = fc.oneof(
  name.map((n) => (w: ChunkWriter) => void w.open(n).u8(0x02)),
  name.map((n) => (w: ChunkWriter) => void w.open(n).u8(0x03)),
  fc.tuple(name, name, fc.string({ maxLength: 8 })).map(([n, a, v]) => (w: ChunkWriter) => {
    w.open(n, true).u32(0).u8(0x06).name(a).text(v).u8(0x02);
  }),
  fc.constant((w: ChunkWriter) => void w.u8(0x04)),
  fc.string({ maxLength: 12 }).map((s) => (w: ChunkWriter) => void w.text(s)),
  fc.tuple(fc.constantFrom(0x0d, 0x0e), fc.integer({ min: 0, max: 6 }), fc.constantFrom(...VALUE_TYPES)).map(
    ([t, i, ty]) =>
      (w: ChunkWriter) =>
        void w.u8(t).u16(i).u8(ty),
  ),
  fc.integer({ min: 0, max: 0xffff }).map((c) => (w: ChunkWriter) => void w.u8(0x08).u16(c)),
  name.map((n) => (w: ChunkWriter) => void w.u8(0x09).name(n)),
  fc.string({ maxLength: 10 }).map((s) => (w: ChunkWriter) => void w.u8(0x07).u16(s.length).utf16(s)),
  fc.tuple(name, fc.string({ maxLength: 6 })).map(
    ([n, s]) =>
      (w: ChunkWriter) =>
        void w.u8(0x0a).name(n).u8(0x0b).u16(s.length).utf16(s),
  ),
  fc.constant((w: ChunkWriter) => void w.fragmentHeader()),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => (w: ChunkWriter) => void w.bytes(b)),
);
const body = fc.array(tok, { maxLength: 24 });
const instanceTok: fc.Arbitrary<Tok> = fc.tuple(body, fc.array(valueArb, { maxLength: 7 })).map(([inner, values]) => (w: ChunkWriter) => {
  w.instance((x) => {
    x.fragmentHeader();
    for (const t of inner) t(x);
    x.u8(0x00);
  }, values);
});

describe('BinXML: fast-check token streams', () => {
  it(`random token streams and template instances in a record decode or are rejected (≤ ${BUDGET_MS} ms)`, () => {
    let decoded = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(tok, instanceTok), { maxLength: 16 }), fc.boolean(), (toks, close) => {
        const r = decodeOne(
          evtxWithRecord((w) => {
            w.fragmentHeader();
            w.open('Event').u8(0x02);
            for (const t of toks) t(w);
            if (close) w.u8(0x04).u8(0x00);
          }),
        );
        decoded += r.records.length;
        rejected += r.rejected;
      }),
      { numRuns: 20_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
    );
    process.stdout.write(`# token streams: ${decoded} decoded, ${rejected} rejected\n`);
    // both outcomes happen: the generator reaches past the first token
    assert.ok(decoded > 0 && rejected > 0, `${decoded} decoded, ${rejected} rejected`);
  });
});

const SEEDS = [
  'evtx/evtx-crate/security.evtx',
  'evtx/evtx-crate/2-vss_7-System.evtx',
  'evtx/evtx-attack-samples/kerberos_pwd_spray_4771.evtx',
];

describe('BinXML: real chunks overwritten (fast-check)', { skip: skipUnlessCi(!haveCorpus() && 'the shared corpus is not there') }, () => {
  it(`overwrites in the record area never throw; every record the header names is read or rejected (≤ ${BUDGET_MS} ms)`, () => {
    const chunks: Uint8Array[] = [];
    for (const rel of haveCorpus() ? SEEDS : []) {
      const b = new Uint8Array(readFileSync(corpusPath(rel)));
      for (let o = FILE_HEADER_SIZE; o + CHUNK_SIZE <= b.length && chunks.length < 12; o += CHUNK_SIZE)
        if (decodeChunkHeader(b.subarray(o, o + 512))) chunks.push(b.slice(o, o + CHUNK_SIZE));
    }
    assert.ok(chunks.length >= 3, `${chunks.length} seed chunks`);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: chunks.length - 1 }),
        fc.array(fc.tuple(fc.integer({ min: 512, max: CHUNK_SIZE - 1 }), fc.uint8Array({ minLength: 1, maxLength: 16 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (i, writes) => {
          const c = chunks[i]!.slice();
          for (const [at, bytes] of writes) c.set(bytes.subarray(0, CHUNK_SIZE - at), at);
          const h = decodeChunkHeader(c)!;
          const t0 = performance.now();
          const r = decodeChunk(c, FILE_HEADER_SIZE, 0, true);
          assert.ok(performance.now() - t0 < 2000, 'chunk took too long');
          for (const x of r.records) renderXml(x.event);
          const span = Number(h.lastRecordId - h.firstRecordId) + 1;
          assert.ok(r.records.length + r.rejected >= span, `${r.records.length} + ${r.rejected} < ${span}`);
          for (const p of r.problems)
            assert.ok(p.offset >= FILE_HEADER_SIZE && p.offset < FILE_HEADER_SIZE + CHUNK_SIZE, `${p.code} at ${p.offset}`);
        },
      ),
      { numRuns: 20_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
    );
  });
});
