/**
 * Time values: FILETIME text (the BigInt-free fast path of every record's TimeCreated against a BigInt reference
 * written here, floor division, 100 ns digits) and the event-time parser's fast path against Date's own ISO parser.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseEventTime } from '../../src/events/normalize.js';
import type { ChunkContext } from '../../src/evtx/binxml.js';
import { fileTimeText, valueText } from '../../src/evtx/values.js';

/** FILETIME (100 ns since 1601-01-01 UTC) as ISO text, the slow and obvious way. */
function reference(ft: bigint): string {
  const secs = ft / 10_000_000n; // ft ≥ 0: truncation is floor
  const frac = ft % 10_000_000n;
  const iso = new Date(Number(secs - 11_644_473_600n) * 1000).toISOString();
  return `${iso.slice(0, 19)}.${frac.toString().padStart(7, '0')}Z`;
}

function asValue(ft: bigint): string {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, ft, true);
  const c = { bytes: b, view: new DataView(b.buffer), fail: () => assert.fail('fail') } as unknown as ChunkContext;
  return valueText(c, { type: 0x11, offset: 0, size: 8 });
}

describe('FILETIME text', () => {
  it('known values: the epochs, before 1970, a real TimeCreated', () => {
    assert.equal(asValue(0n), '1601-01-01T00:00:00.0000000Z');
    assert.equal(asValue(116444736000000000n), '1970-01-01T00:00:00.0000000Z');
    assert.equal(asValue(116444735999999999n), '1969-12-31T23:59:59.9999999Z');
    assert.equal(asValue(132435227036276125n), '2020-09-02T12:18:23.6276125Z');
  });
  it('equals the BigInt reference for any FILETIME up to year 30000 (fast-check), both entry points', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 9_000_000_000_000_000_000n / 10n }), (ft) => {
        assert.equal(asValue(ft), reference(ft));
        assert.equal(fileTimeText(ft), reference(ft));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('event time parser', () => {
  it('the fast path agrees with Date on Windows-style times; odd ones still parse or are refused', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 9999 }),
        (d, sub) => {
          const iso = d.toISOString().slice(0, 23);
          assert.equal(parseEventTime(`${iso}${String(sub).padStart(4, '0')}Z`)?.getTime(), d.getTime());
          assert.equal(parseEventTime(`${iso}${String(sub).padStart(6, '0')}Z`)?.getTime(), d.getTime());
        },
      ),
      { numRuns: 5000 },
    );
    assert.equal(parseEventTime('2016-13-29T15:24:34.3460000Z'), undefined);
    assert.equal(parseEventTime('2016-06-29 15:24:34.345999')?.toISOString(), '2016-06-29T15:24:34.345Z');
    assert.equal(parseEventTime('1601-01-01T00:00:00.0000000Z')?.toISOString(), '1601-01-01T00:00:00.000Z');
    assert.equal(parseEventTime('not a time'), undefined);
  });
});
