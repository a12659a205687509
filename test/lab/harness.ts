// Shared harness for the lab's ground-truth tests: one base per backend per test file, every scenario applied on
// it in turn, the real clients run, their output and the capture checked against the catalogue.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Capture, captureStart, tsharkCount } from '../../lab/capture.js';
import { runProbe } from '../../lab/clients.js';
import { applyScenario, type LabBase, labDir, scenarioById, startBase } from '../../lab/index.js';
import type { BackendId } from '../../lab/types.js';

const TOOLS: Record<BackendId, string[]> = {
  mit: ['krb5kdc', 'kadmin.local', 'kinit', 'kvno', 'apache2', 'tshark', 'curl', 'faketime', 'iptables', 'ip', 'ktutil'],
  samba: ['samba', 'samba-tool', 'kinit', 'apache2', 'tshark', 'curl', 'net', 'ldapsearch', 'dig', 'iptables', 'ip'],
  embedded: ['kinit', 'kvno', 'tshark', 'curl', 'faketime', 'unshare'],
};

/** undefined when the lab can run; otherwise why not. */
export function labUnavailable(backend: BackendId): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root (network namespaces, port 88)';
  const missing = (TOOLS[backend] ?? []).filter((t) => {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) return `missing tools: ${missing.join(', ')} (bash scripts/ensure-debian-packages.sh)`;
  if (!['mod_auth_gssapi.so'].every((m) => tryStat(`/usr/lib/apache2/modules/${m}`))) return 'mod_auth_gssapi missing';
  return undefined;
}

function tryStat(p: string): boolean {
  try {
    execFileSync('test', ['-e', p]);
    return true;
  } catch {
    return false;
  }
}

/** Skip LOUDLY, or fail under CI=true. Returns true when the suite should run. */
export function requireLab(backend: BackendId, extra?: () => string | undefined): boolean {
  const why = labUnavailable(backend) ?? extra?.();
  if (!why) return true;
  const msg = `\n${'!'.repeat(78)}\n!!! LAB TESTS FOR '${backend}' SKIPPED: ${why}\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') {
    describe(`lab ${backend}`, () => {
      it('must run under CI=true', () => assert.fail(`lab cannot run under CI=true: ${why}`));
    });
    return false;
  }
  process.stderr.write(msg);
  describe(`lab ${backend}`, () => {
    it(`SKIPPED: ${why}`, { skip: why }, () => {});
  });
  return false;
}

export function resultsFile(): string {
  return join(labDir(), 'results.jsonl');
}

/**
 * Registers one test per scenario id, all on one base. Each test: inject → capture → probe (client output and exit
 * code as documented) → stop capture → every `wire` filter matches ≥ 1 frame, every `wireAbsent` filter matches none.
 */
export function scenarioSuite(backend: BackendId, allIds: string[], opts: { baseTimeoutMs?: number; id?: string } = {}): void {
  // LAB_SCENARIOS=id,id runs a subset (for development; the full suite runs them all)
  const only = process.env.LAB_SCENARIOS?.split(',').filter(Boolean);
  const ids = only ? allIds.filter((i) => only.includes(i)) : allIds;
  if (ids.length === 0) return;
  describe(`lab ${backend}: ${ids.join(', ')}`, { timeout: 15 * 60_000 }, () => {
    let base: LabBase | undefined;
    let failed = false;
    before(
      async () => {
        base = await startBase(backend, opts.id ? { id: opts.id } : {});
        record({ kind: 'setup', backend, ms: base.setupMs });
      },
      { timeout: opts.baseTimeoutMs ?? 180_000 },
    );
    after(async () => {
      // a failed run keeps its captures for inspection (the path is in the failure message)
      if (base) record({ kind: 'teardown', backend, ms: await base.down({ removeFiles: !failed }) });
    });
    for (const id of ids) {
      it(id, { timeout: 120_000 }, async () => {
        assert.ok(base, 'base did not come up');
        const scenario = scenarioById(id);
        assert.ok(scenario?.backends[backend], `${id} has no ${backend} implementation`);
        const t0 = performance.now();
        let passed = false;
        const applied = await applyScenario(base, id);
        let cap: Capture | undefined;
        try {
          const file = join(base.env.dir, 'captures', `${backend}-${id}.pcapng`);
          mkdirSync(join(base.env.dir, 'captures'), { recursive: true });
          cap = await captureStart(file, base.env.net, base.janitor);
          const results = await runProbe(base.env, applied.impl.probe(base.env));
          await cap.stop();
          const last = results[results.length - 1];
          for (const r of results) {
            assert.ok(
              r.ok,
              `${id}: step ${r.step.tool} ${r.why}\n--- exit ${r.result.code}, output:\n${r.result.stdout}${r.result.stderr}`,
            );
          }
          assert.equal(results.length, applied.impl.probe(base.env).length, 'a step was not run');
          for (const f of applied.impl.wire) {
            assert.ok((await tsharkCount(file, f)) > 0, `${id}: no frame in ${file} matches: ${f}`);
          }
          for (const f of applied.impl.wireAbsent ?? []) {
            assert.equal(await tsharkCount(file, f), 0, `${id}: frames in ${file} match (should be none): ${f}`);
          }
          for (const f of applied.impl.wireDecrypted ?? []) {
            const n = await tsharkCount(file, f, base.env.decryptKeytab);
            assert.ok(n > 0, `${id}: nothing matches ${f} when decrypted with ${base.env.decryptKeytab}`);
          }
          record({
            kind: 'scenario',
            backend,
            id,
            ms: Math.round(performance.now() - t0),
            client: (last?.result.stdout ?? '') + (last?.result.stderr ?? ''),
            code: last?.result.code,
          });
          passed = true;
        } finally {
          if (!passed) failed = true;
          await cap?.stop();
          await applied.revert();
        }
      });
    }
  });
}

function record(o: Record<string, unknown>): void {
  try {
    mkdirSync(labDir(), { recursive: true });
    appendFileSync(resultsFile(), `${JSON.stringify({ ...o, at: new Date().toISOString() })}\n`);
  } catch {
    /* results are a convenience for lab/README.md */
  }
}
