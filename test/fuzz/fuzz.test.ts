/**
 * Quick fuzz run of every decoder (the registry in targets.ts), part of the normal test suite: a few thousand
 * deterministic inputs per target (seed 0x5eed, corpus seeds only, no tshark) must only ever decode, decode with
 * recorded errors, or throw DecodeError (never-throw APIs: no exception at all); no result may hold an array larger
 * than the input allows; no single input may take 500 ms. A failure prints the target, seed, index and the input's
 * hex, and `npm run fuzz -- --target T --seed S --index I` replays it. The 10⁶-per-target campaign is campaign.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError } from '../../src/wire/errors.js';
import { generate, replayLine, runOne } from './harness.js';
import { loadCorpus } from './seeds.js';
import { type FuzzTarget, TARGETS } from './targets.js';

const SEED = 0x5eed;
const PER_TARGET = Number(process.env.KERBSCOPE_FUZZ_N ?? 2500);
const MAX_MS = 500;

describe('fuzz: every decoder only fails with DecodeError (quick run)', () => {
  const corpus = loadCorpus();

  it('the harness itself tells a crash from an allowed outcome', () => {
    const fake = (run: FuzzTarget['run']): FuzzTarget => ({ name: 'fake', what: 'fake', seeds: () => [], run });
    const input = Uint8Array.of(1, 2, 3);
    assert.equal(
      runOne(
        fake(() => {
          throw new TypeError('x is undefined');
        }),
        input,
      ).crash?.message,
      'TypeError: x is undefined',
    );
    assert.match(
      runOne(
        fake(() => ({ outcome: { kind: 'ok' }, result: { a: new Array(300) } })),
        input,
      ).crash?.message ?? '',
      /oversized/,
    );
    assert.deepEqual(
      runOne(
        fake(() => {
          throw new DecodeError('ERR_TRUNCATED', 'short');
        }),
        input,
      ).crash?.message,
      'DecodeError: short',
      'a bare throw is only allowed when the target turns it into an outcome',
    );
    const krb = TARGETS.find((t) => t.name === 'krb5-message') as FuzzTarget;
    assert.deepEqual(runOne(krb, Uint8Array.of(0x6e, 0x05, 0x30)).outcome, { kind: 'rejected', code: 'ERR_TRUNCATED' });
  });

  it('has seeds for every target and decryptable AP-REQ templates', () => {
    for (const t of TARGETS) assert.ok(t.seeds(corpus).length > 0, `${t.name} has no seeds`);
    // The three Kerberos.NET AP-REQs (aes128, aes256, rc4) open with their published keys.
    assert.ok(corpus.templates.length >= 3, `only ${corpus.templates.length} AP-REQ templates decrypted`);
    assert.ok(corpus.pacs.length >= 3 && corpus.logonInfos.length >= 3);
  });

  for (const t of TARGETS) {
    it(`${t.name}: ${PER_TARGET} inputs`, () => {
      const seeds = t.seeds(corpus);
      const kinds = { ok: 0, partial: 0, rejected: 0 };
      for (let i = 0; i < PER_TARGET; i++) {
        const input = generate(seeds, SEED, i);
        const r = runOne(t, input);
        if (r.crash) {
          assert.fail(
            `${t.name} crashed: ${r.crash.message}${r.crash.context ? ` (${r.crash.context})` : ''}\n${replayLine(t.name, SEED, i, input)}\n${r.crash.stack}`,
          );
        }
        assert.ok(r.ms < MAX_MS, `${t.name} took ${r.ms.toFixed(0)} ms on one input\n${replayLine(t.name, SEED, i, input)}`);
        kinds[r.outcome.kind]++;
      }
      // The mutations must exercise both sides: some inputs still decode, some are refused.
      assert.ok(kinds.ok > 0, `${t.name}: no input decoded`);
      // (round-trip targets take any bytes as a message: nothing is refused by design)
      if (!['detect', 'klist', 'auth-header', 'gss-arcfour-roundtrip'].includes(t.name))
        assert.ok(kinds.partial + kinds.rejected > 0, `${t.name}: no input was refused`);
    });
  }
});
