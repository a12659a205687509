/**
 * `trace` on the real lab: every catalogue scenario on every backend it exists on (MIT, Samba) is brought up, its
 * fault injected, the catalogue's real clients run under a capture; then `trace` reads that capture with the
 * lab's decrypt keytab and must (1) agree with tshark on the Kerberos messages, DNS answers and HTTP auth
 * exchanges, and (2) name the catalogue's `rootCause` as findings[0] (healthy: no error finding).
 *
 * Where a capture cannot tell the root cause from another one, test/helpers/catalogue-expect.ts says what trace names
 * instead and why (asserted exactly; nothing is skipped or marked todo).
 *
 *   LAB_SCENARIOS=healthy,missing-spn LAB_BACKENDS=mit node --import tsx --test test/capture/lab.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportAllKeys } from '../../lab/backends/samba.js';
import { captureStart } from '../../lab/capture.js';
import { runProbe } from '../../lab/clients.js';
import { applyScenario, type LabBase, SCENARIOS, startBase } from '../../lab/index.js';
import type { BackendId } from '../../lab/types.js';
import { traceCapture } from '../../src/capture/index.js';
import type { TraceResult } from '../../src/capture/model.js';
import { decodeKeytab } from '../../src/formats/index.js';
import { KeySet } from '../../src/inspect/keys.js';
import { RULES } from '../../src/rules/index.js';
import { expectedFor } from '../helpers/catalogue-expect.js';
import { requireLab } from '../lab/harness.js';
import { compareDns, compareHttp, compareKerberos, tsharkRows } from './tshark-ref.js';

const only = process.env.LAB_SCENARIOS?.split(',').filter(Boolean);
const backends = (process.env.LAB_BACKENDS?.split(',').filter(Boolean) ?? ['mit', 'samba']) as BackendId[];
const ruleIds = new Set(RULES.map((r) => r.id));

/** Where the results go for the report (scenario × backend → top finding). */
const TABLE: { backend: string; scenario: string; rootCause: string; top: string; ok: boolean }[] = [];

async function traceFile(file: string, ...keytabs: string[]): Promise<TraceResult> {
  const keys = new KeySet();
  for (const keytab of keytabs) keys.addKeytab(decodeKeytab(new Uint8Array(readFileSync(keytab))).entries, basename(keytab));
  return traceCapture([new Uint8Array(readFileSync(file))], { keys, conversations: true });
}

for (const backend of backends) {
  // delegation scenarios: trace on their captures is held in test/directory/lab-directory.test.ts (S4U hops)
  const ids = SCENARIOS.filter((s) => s.source !== 'delegation' && s.backends[backend] && (!only || only.includes(s.id)));
  if (!ids.length || !requireLab(backend)) continue;
  describe(`trace on the ${backend} lab`, { timeout: 40 * 60_000 }, () => {
    let base: LabBase | undefined;
    before(
      async () => {
        base = await startBase(backend);
      },
      { timeout: 300_000 },
    );
    after(async () => {
      await base?.down({ removeFiles: true });
      if (TABLE.length)
        process.stderr.write(
          `\ntrace scenario table (${backend}):\n${TABLE.filter((r) => r.backend === backend)
            .map((r) => `  ${r.scenario.padEnd(24)} ${r.rootCause.padEnd(24)} ${r.top} ${r.ok ? '✔' : '✗'}`)
            .join('\n')}\n`,
        );
    });
    for (const s of ids) {
      const { expected, alsoNamed } = expectedFor('trace', backend, s.id, s.rootCause);
      it(`${s.id} → ${expected}${expected !== s.rootCause ? ` (catalogue: ${s.rootCause}; see test/helpers/catalogue-expect.ts)` : ''}`, {
        timeout: 180_000,
      }, async () => {
        assert.ok(s.rootCause === 'healthy' || ruleIds.has(expected), `no rule has the id ${expected}`);
        assert.ok(base, 'base did not come up');
        const applied = await applyScenario(base, s.id);
        const file = join(base.env.dir, 'captures', `trace-${backend}-${s.id}.pcapng`);
        mkdirSync(join(base.env.dir, 'captures'), { recursive: true });
        const keytabs = [base.env.decryptKeytab];
        try {
          const cap = await captureStart(file, base.env.net, base.janitor);
          try {
            await runProbe(base.env, applied.impl.probe(base.env));
          } finally {
            await cap.stop();
          }
          // Samba: the scenario may have reset passwords or made service accounts; their keys as the KDC used them,
          // before the scenario is undone
          if (base.env.ops.samba) {
            const now = join(base.env.dir, 'captures', `keys-${s.id}.keytab`);
            await exportAllKeys(base.env.ops.samba, now);
            keytabs.push(now);
          }
        } finally {
          await applied.revert();
        }
        const r = await traceFile(file, ...keytabs);
        const errors = r.findings.filter((f) => f.severity === 'error');
        const top = errors[0]?.id ?? (r.findings[0] ? `(${r.findings[0].severity}) ${r.findings[0].id}` : 'none');
        const ok = s.rootCause === 'healthy' ? errors.length === 0 : r.findings[0]?.id === expected;
        TABLE.push({ backend, scenario: s.id, rootCause: s.rootCause, top, ok });
        const rows = tsharkRows(file);
        assert.deepEqual(
          [...compareKerberos(rows, r), ...compareDns(rows, r), ...compareHttp(rows, r)],
          [],
          `${file}: differs from tshark`,
        );
        if (s.rootCause === 'healthy')
          assert.deepEqual(
            errors.map((f) => `${f.id}: ${f.title}`),
            [],
            file,
          );
        else {
          const all = r.findings.map((f) => `${f.severity} ${f.id}${f.explainedBy ? ` (by ${f.explainedBy})` : ''}`).join(', ');
          assert.equal(r.findings[0]?.id, expected, `${file}: findings ${all}`);
          if (alsoNamed)
            assert.ok(
              r.findings.some((f) => f.id === alsoNamed && f.explainedBy === expected),
              `${alsoNamed} named too, explained by ${expected}: ${all}`,
            );
        }
      });
    }
  });
}
