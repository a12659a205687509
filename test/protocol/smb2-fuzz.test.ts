// Quick fuzz run of the SMB2 decoders (test/fuzz/smb2-targets.ts), with the harness of test/fuzz: deterministic
// inputs (seed 0x5eed) from the corpus streams' messages, each must decode, decode partially or throw DecodeError;
// nothing else, nothing oversized, no input over 500 ms. A failure prints the hex to replay it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate, replayLine, runOne } from '../fuzz/harness.js';
import type { FuzzCorpus } from '../fuzz/seeds.js';
import { SMB2_TARGETS } from '../fuzz/smb2-targets.js';

const SEED = 0x5eed;
const PER_TARGET = Number(process.env.KERBSCOPE_FUZZ_N ?? 4000);

describe('fuzz: SMB2 decoders only fail with DecodeError', () => {
  for (const t of SMB2_TARGETS)
    it(`${t.name}: ${PER_TARGET} inputs`, () => {
      const seeds = t.seeds({} as FuzzCorpus);
      assert.ok(seeds.length >= 6, `${t.name}: ${seeds.length} seeds`);
      const kinds = { ok: 0, partial: 0, rejected: 0 };
      for (let i = 0; i < PER_TARGET; i++) {
        const input = generate(seeds, SEED, i);
        const r = runOne(t, input);
        if (r.crash) assert.fail(`${t.name} crashed: ${r.crash.message}\n${replayLine(t.name, SEED, i, input)}\n${r.crash.stack}`);
        assert.ok(r.ms < 500, `${t.name} took ${r.ms.toFixed(0)} ms\n${replayLine(t.name, SEED, i, input)}`);
        kinds[r.outcome.kind]++;
      }
      assert.ok(kinds.ok > 0, `${t.name}: nothing decoded`);
      if (t.name !== 'smb2-framed') assert.ok(kinds.partial + kinds.rejected > 0, `${t.name}: nothing refused`);
      process.stderr.write(`${t.name}: ${JSON.stringify(kinds)}\n`);
    });
});
