/**
 * Fuzzing the file-format decoders: prefixes of real files, mutations of them (test/fuzz/mutate.ts) and random
 * bytes behind each magic. Only a result (with recorded errors) or a DecodeError may come out: never another
 * exception, never a hang, never a buffer larger than the input (forged counts must not allocate).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeCcache, encodeCcache } from '../../src/formats/ccache.js';
import { principalToString } from '../../src/formats/common.js';
import { decodeKeytab, encodeKeytab, type KeytabEntryInput } from '../../src/formats/keytab.js';
import { decodeKirbi } from '../../src/formats/kirbi.js';
import { parseKlist, parseKlistKeytab } from '../../src/formats/klist.js';
import { toHex } from '../../src/wire/encoding.js';
import { isDecodeError } from '../../src/wire/errors.js';
import { mutate, Rng } from '../fuzz/mutate.js';
import { corpusFile } from '../helpers/corpus.js';

const SEEDS: Record<string, string[]> = {
  keytab: [
    'vectors/kerberos-net/sample.keytab',
    'vectors/kerberos-net/sample_with_32_bit_version_override.keytab',
    'vectors/kerberos-net/sample_with_padding.keytab',
    'vectors/gokrb5/testuser1.testtab',
    'vectors/mit-krb5/fuzz_keytab_seed_corpus/big_size',
    'vectors/mit-krb5/fuzz_keytab_seed_corpus/v502_one_entry',
  ],
  ccache: [
    'vectors/impacket/ccache-v1',
    'vectors/impacket/ccache-v2',
    'vectors/impacket/ccache-v3',
    'vectors/impacket/ccache-v4',
    'vectors/kerberos-net/Cache/krb5cc',
    'vectors/mit-krb5/fuzz_ccache_seed_corpus/v1_principal_only',
  ],
  kirbi: ['vectors/impacket/ccache-v3-kirbi', 'vectors/impacket/ccache-v4-kirbi'],
};

const DECODERS: Record<string, (b: Uint8Array) => unknown> = {
  keytab: (b) => decodeKeytab(b),
  ccache: (b) => decodeCcache(b),
  kirbi: (b) => decodeKirbi(b),
};

/** Every byte array and array in the result is no larger than the input: nothing was sized from a forged count. */
function assertBounded(v: unknown, max: number, seen = new Set<unknown>()): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if (v instanceof Uint8Array || Array.isArray(v)) assert.ok(v.length <= max, `allocation of ${v.length} from ${max} input bytes`);
  if (v instanceof Uint8Array || v instanceof Date) return;
  for (const x of Object.values(v as object)) assertBounded(x, max, seen);
}

function check(kind: string, input: Uint8Array): void {
  const t0 = performance.now();
  try {
    const r = (DECODERS[kind] as (b: Uint8Array) => unknown)(input);
    assertBounded(r, input.length);
    JSON.stringify(r); // display must not throw either
  } catch (e) {
    if (!isDecodeError(e)) {
      throw new Error(`${kind}: ${(e as Error).stack} on input ${toHex(input.subarray(0, 256))}`);
    }
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 250, `${kind} took ${ms.toFixed(0)} ms on ${input.length} bytes`);
}

describe('fuzz: file decoders', () => {
  for (const [kind, seeds] of Object.entries(SEEDS)) {
    it(`${kind}: every prefix of every seed`, () => {
      for (const rel of seeds) {
        const b = corpusFile(rel);
        for (let n = 0; n <= b.length; n++) check(kind, b.subarray(0, n));
      }
    });

    it(`${kind}: 4000 mutations of the seeds`, () => {
      const rng = new Rng(0xc0ffee ^ kind.length);
      const files = seeds.map(corpusFile);
      for (let i = 0; i < 4000; i++) {
        let b = files[i % files.length] as Uint8Array;
        const rounds = 1 + rng.int(3);
        for (let k = 0; k < rounds; k++) b = mutate(b, rng);
        check(kind, b);
      }
    });
  }

  it('random bytes behind each magic (fast-check)', () => {
    const magics: [string, number[]][] = [
      ['keytab', [5, 1]],
      ['keytab', [5, 2]],
      ['ccache', [5, 1]],
      ['ccache', [5, 2]],
      ['ccache', [5, 3]],
      ['ccache', [5, 4]],
      ['kirbi', [0x76]],
    ];
    for (const [kind, magic] of magics) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (b) => check(kind, Uint8Array.from([...magic, ...b]))),
        { numRuns: 800 },
      );
    }
  });

  it('klist text parsers never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        parseKlist(s);
        parseKlistKeytab(s);
        parseKlist(`Ticket cache: FILE:x\nDefault principal: ${s}\n\n01/01/24 00:00:00  01/02/24 00:00:00  ${s}\n\t${s}`);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('property: random keytabs and ccaches round-trip', () => {
  const str = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\uFFFD'));
  const principal = fc.record({
    realm: str,
    components: fc.array(str, { minLength: 1, maxLength: 3 }),
    nameType: fc.integer({ min: -130, max: 12 }),
  });
  const entryArb: fc.Arbitrary<KeytabEntryInput> = fc.record({
    principal,
    timestamp: fc.integer({ min: 0, max: 0xffffffff }).map((s) => new Date(s * 1000)),
    kvno: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 256, max: 0xffffffff })),
    enctype: fc.integer({ min: -32768, max: 32767 }),
    key: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  });

  it('keytab v1/v2: decode(encode(x)) has the same entries', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 6 }), fc.constantFrom(1 as const, 2 as const), (entries, version) => {
        const kt = decodeKeytab(encodeKeytab({ entries }, { version }));
        assert.deepEqual(kt.errors, []);
        const view = (e: KeytabEntryInput) => [principalToString(e.principal), e.kvno, e.enctype, toHex(e.key), e.timestamp?.getTime()];
        assert.deepEqual(kt.entries.map(view), entries.map(view));
        if (version === 2)
          assert.deepEqual(
            kt.entries.map((e) => e.principal.nameType),
            entries.map((e) => e.principal.nameType),
          );
      }),
      { numRuns: 300 },
    );
  });

  it('ccache v1..v4: decode(encode(x)) re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(
        principal,
        fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
        fc.uint8Array({ maxLength: 40 }),
        (p, version, ticket) => {
          const bytes = encodeCcache({
            version,
            defaultPrincipal: p,
            credentials: [
              {
                client: p,
                server: p,
                key: { enctype: 18, value: new Uint8Array(32).fill(1) },
                authtime: new Date(1_700_000_000_000),
                endtime: new Date(1_700_036_000_000),
                ticketFlags: 0x40e10000,
                ticket,
              },
            ],
          });
          const cc = decodeCcache(bytes);
          assert.deepEqual(cc.errors, []);
          assert.equal(toHex(encodeCcache(cc)), toHex(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});
