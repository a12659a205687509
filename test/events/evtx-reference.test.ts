/**
 * Every EVTX file of the corpus, read by kerbscope's reader (src/evtx), against two independent readers:
 *   1. libevtx `evtxexport -f xml` (run here): the same number of records and, record for record (matched by
 *      EventRecordID), every System field and attribute and every EventData/UserData value equal. The only
 *      normalisation is the number of fraction digits of a time (canonicalTime: the same instant).
 *   2. python-evtx 0.6.1 (reference files beside the corpus): per-file record counts, channels and Provider:EventID
 *      counts for every file; field by field for the files it rendered to XML, with its known rendering differences
 *      undone (lower-case GUIDs, times through a float with microsecond digits, Binary in base64, string arrays as
 *      `<string>` items in one element) — each counted, so a test shows what it forgave.
 * Under CI=true a missing evtxexport or corpus fails (test/helpers/prereq.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { normalizeEvent } from '../../src/events/normalize.js';
import { decodeEvtx } from '../../src/evtx/file.js';
import { haveCorpus } from '../helpers/corpus.js';
import { skipUnlessCi } from '../helpers/prereq.js';
import {
  corpusEvtxFiles,
  EVTX_DIR,
  evtxexportEvents,
  evtxexportMissing,
  flattenEvent,
  PYEVTX_DIR,
  recordIdOf,
  xmlEvents,
} from './reference.js';

const noCorpus = !haveCorpus() && 'the shared corpus (../shared/corpus) is not there';
const FILES = noCorpus ? [] : corpusEvtxFiles();

type Flat = Map<string, string>;

function sortedFlat(events: { id: number; flat: Flat }[]): { id: number; flat: Flat }[] {
  return events.sort((a, b) => a.id - b.id || JSON.stringify([...a.flat]).localeCompare(JSON.stringify([...b.flat])));
}

function ours(rel: string): { id: number; flat: Flat }[] {
  const r = decodeEvtx(new Uint8Array(readFileSync(path.join(EVTX_DIR, rel))));
  assert.equal(r.rejected, 0, `${rel}: ${JSON.stringify(r.problems)}`);
  return sortedFlat(r.records.map((x) => ({ id: recordIdOf(x.event), flat: flattenEvent(x.event) })));
}

function diff(a: Flat, b: Flat, equal: (k: string, x: string | undefined, y: string | undefined) => boolean): string[] {
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()]))
    if (a.get(k) !== b.get(k) && !equal(k, a.get(k), b.get(k)))
      out.push(`${k}: kerbscope ${JSON.stringify(a.get(k))} vs ${JSON.stringify(b.get(k))}`);
  return out;
}

describe('EVTX reader vs libevtx evtxexport -f xml, every corpus file', { skip: skipUnlessCi(noCorpus || evtxexportMissing()) }, () => {
  it('finds the corpus files', () => assert.equal(FILES.length >= 18, true, `${FILES.length} files`));
  let total = 0;
  let fields = 0;
  for (const rel of FILES) {
    it(rel, () => {
      const mine = ours(rel);
      const ref = sortedFlat(evtxexportEvents(path.join(EVTX_DIR, rel)).map((e) => ({ id: recordIdOf(e), flat: flattenEvent(e) })));
      assert.equal(mine.length, ref.length, 'record count');
      assert.ok(mine.length > 0);
      for (let i = 0; i < mine.length; i++) {
        const a = mine[i]!;
        const b = ref[i]!;
        assert.equal(a.id, b.id, `record ${i}: EventRecordID`);
        assert.deepEqual(
          diff(a.flat, b.flat, () => false),
          [],
          `record ${a.id}`,
        );
        // the System block and the event data are really there (not two empty maps agreeing)
        assert.ok(a.flat.has('Event/System/EventID') && a.flat.has('Event/System/TimeCreated@SystemTime'), `record ${a.id}: System`);
        fields += a.flat.size;
      }
      total += mine.length;
    });
  }
  it('compared every record and field', () => {
    process.stdout.write(`# evtxexport reference: ${FILES.length} files, ${total} records, ${fields} field values equal\n`);
    assert.ok(total > 4000, `${total} records`);
  });
});

const GUID = /^\{[0-9a-f-]{36}\}$/i;
const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{9})Z$/;
const forgiven: Record<string, number> = {};
function forgive(kind: string): true {
  forgiven[kind] = (forgiven[kind] ?? 0) + 1;
  return true;
}

/** python-evtx's known rendering differences (see the file comment); anything else is a real difference. */
function pyEqual(k: string, a: string | undefined, b: string | undefined, mine: Flat, ref: Flat): boolean {
  if (a !== undefined && b !== undefined) {
    if (GUID.test(a) && a.toLowerCase() === b.toLowerCase()) return forgive('GUID case');
    const ta = TIME.exec(a);
    const tb = TIME.exec(b);
    if (ta && tb && ta[1] === tb[1] && Math.abs(Number(ta[2]) - Number(tb[2])) <= 10_000) return forgive('time within 10 µs');
    if (k.endsWith('/Binary') && Buffer.from(b, 'base64').toString('hex').toUpperCase() === a) return forgive('Binary base64');
  }
  // a string array: kerbscope (and libevtx, Windows) repeat the element per item; python-evtx writes <string> items
  const base = k.replace(/#\d+$/, '');
  const items = (s: string | undefined) => [...(s ?? '').matchAll(/<string>([^<]*)<\/string>/g)].map((m) => m[1]);
  const pyItems = items(b === undefined ? undefined : b);
  const refValue = b ?? undefined;
  if (refValue !== undefined && pyItems.length) {
    const mineItems = [mine.get(base), ...[2, 3, 4, 5, 6, 7, 8].map((n) => mine.get(`${base}#${n}`))].filter((x) => x !== undefined);
    if (JSON.stringify(mineItems) === JSON.stringify(pyItems)) return forgive('string array as <string> items');
  }
  // the later items of such an array: forgiven with the first, when python-evtx wrote them as <string> items there
  if (b === undefined && /#\d+$/.test(k) && items(ref.get(base)).includes(a ?? '\u0000')) return true;
  return false;
}

describe('EVTX reader vs python-evtx (reference files beside the corpus)', {
  skip: skipUnlessCi(noCorpus || (!existsSync(PYEVTX_DIR) && 'no _python-evtx_reference')),
}, () => {
  const countsFile = path.join(PYEVTX_DIR, 'event_counts.python-evtx.json');
  it('per file: records, rejected, channels and Provider:EventID counts equal python-evtx', () => {
    const counts = JSON.parse(readFileSync(countsFile, 'utf8')).files as Record<
      string,
      { records: number; record_errors: number; channels: Record<string, number>; provider_eventid_counts: Record<string, number> }
    >;
    assert.deepEqual(Object.keys(counts).sort(), FILES);
    for (const rel of FILES) {
      const r = decodeEvtx(new Uint8Array(readFileSync(path.join(EVTX_DIR, rel))));
      const c = counts[rel]!;
      assert.equal(r.records.length, c.records, `${rel}: records`);
      assert.equal(r.rejected, c.record_errors, `${rel}: rejected`);
      const channels: Record<string, number> = {};
      const pe: Record<string, number> = {};
      for (const x of r.records) {
        const e = normalizeEvent(x.event, rel, 'evtx');
        channels[e.channel] = (channels[e.channel] ?? 0) + 1;
        const k = `${e.provider}:${e.eventId}`;
        pe[k] = (pe[k] ?? 0) + 1;
      }
      assert.deepEqual(channels, c.channels, `${rel}: channels`);
      assert.deepEqual(pe, c.provider_eventid_counts, `${rel}: Provider:EventID`);
    }
  });
  const xmls = existsSync(PYEVTX_DIR)
    ? readdirSync(PYEVTX_DIR)
        .filter((f) => f.endsWith('.python-evtx.xml'))
        .sort()
    : [];
  for (const x of xmls) {
    const rel = x.replace('.python-evtx.xml', '').replace('__', '/');
    it(`field by field: ${rel}`, () => {
      const mine = ours(rel);
      const ref = sortedFlat(
        xmlEvents(readFileSync(path.join(PYEVTX_DIR, x), 'utf8')).map((e) => ({ id: recordIdOf(e), flat: flattenEvent(e) })),
      );
      assert.equal(mine.length, ref.length, 'record count');
      for (let i = 0; i < mine.length; i++) {
        const a = mine[i]!;
        assert.equal(a.id, ref[i]!.id);
        assert.deepEqual(
          diff(a.flat, ref[i]!.flat, (k, p, q) => pyEqual(k, p, q, a.flat, ref[i]!.flat)),
          [],
          `record ${a.id}`,
        );
      }
    });
  }
  it('says what it forgave', () => {
    process.stdout.write(`# python-evtx differences forgiven: ${JSON.stringify(forgiven)}\n`);
    assert.ok(xmls.length >= 7, `${xmls.length} reference XML files`);
  });
});
