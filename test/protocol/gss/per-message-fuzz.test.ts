// The per-message codec under mutation (the `per-message` target of test/fuzz/targets.ts, seeds in
// test/fuzz/per-message-seeds.ts: real lab tokens with their session keys + tokens built with fixed keys): only
// DecodeError for bad input, never another exception, and the mutations really reach every unwrap path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate, replayLine, runOne } from '../../fuzz/harness.js';
import { TARGETS } from '../../fuzz/targets.js';

const N = 20_000;

describe('per-message tokens: fuzz (quick)', () => {
  it(`${N} mutated tokens: decoded or DecodeError, every status reached`, () => {
    const t = TARGETS.find((x) => x.name === 'per-message');
    assert.ok(t, 'per-message target registered');
    const seeds = t.seeds(undefined as never);
    const tags = new Map<string, number>();
    const kinds = { ok: 0, partial: 0, rejected: 0 };
    for (let i = 0; i < N; i++) {
      const input = generate(seeds, 0x4121, i);
      const r = runOne(t, input);
      if (r.crash) assert.fail(`${r.crash.message}\n${replayLine(t.name, 0x4121, i, input)}\n${r.crash.stack}`);
      assert.ok(r.ms < 500, `${r.ms} ms\n${replayLine(t.name, 0x4121, i, input)}`);
      kinds[r.outcome.kind]++;
      for (const tag of r.outcome.tags ?? []) tags.set(tag, (tags.get(tag) ?? 0) + 1);
    }
    for (const tag of ['kind:wrap', 'kind:mic', 'kind:rfc1964-wrap', 'kind:rfc1964-mic', 'unwrap:ok', 'unwrap:failed', 'unwrap:no-message'])
      assert.ok((tags.get(tag) ?? 0) > 0, `never reached ${tag}: ${JSON.stringify(Object.fromEntries(tags))}`);
    assert.ok(kinds.rejected > 0 && kinds.ok > 0, JSON.stringify(kinds));
  });
});
