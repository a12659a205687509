// Every `up` starts from the clean base state whatever ran before (issue 6, "The lab comes up the same way every
// time"): each scenario of each backend is brought up with lab.up (what `npm run lab -- up` does), probed with the
// real clients, taken down, and brought up and probed again on the same instance id (so on Samba the same reused
// provision). Then a run that is SIGKILLed with its fault injected (no exit handler, no undo) is followed by an up of
// the same scenario on the same id, which must behave as documented too.
//
// Before the pristine copy (lab/backends/samba.ts), the second `up samba --scenario duplicate-spn` failed: the reused
// provision still held the first run's duplicate servicePrincipalName.
//   LAB_SCENARIOS=id,id   a subset while developing (default: the whole catalogue)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { labDir, SCENARIOS, up } from '../../lab/index.js';
import type { BackendId } from '../../lab/types.js';
import { requireLab } from './harness.js';

const FIXTURE = new URL('./fixtures/up-scenario.ts', import.meta.url).pathname;
const only = process.env.LAB_SCENARIOS?.split(',').filter(Boolean);
/** instance ids of this file only (other test files run their own labs beside it) */
const ID: Record<'mit' | 'samba', string> = { mit: 'twmit', samba: 'twsmb' };

function record(o: Record<string, unknown>): void {
  mkdirSync(labDir(), { recursive: true });
  appendFileSync(join(labDir(), 'up-twice.jsonl'), `${JSON.stringify({ ...o, at: new Date().toISOString() })}\n`);
}

/** lab.up → the catalogue's probe must pass → down. Returns the setup time. */
async function upProbeDown(backend: BackendId, scenario: string, id: string): Promise<{ setupMs: number; downMs: number }> {
  const h = await up({ backend, scenario, id, capture: false });
  let downMs = 0;
  try {
    const results = await h.probe();
    for (const r of results) {
      assert.ok(
        r.ok,
        `${backend}/${scenario}: step ${r.step.tool} ${r.why}\n--- exit ${r.result.code}, output:\n${r.result.stdout}${r.result.stderr}`,
      );
    }
  } finally {
    downMs = await h.down();
  }
  return { setupMs: h.setupMs, downMs };
}

/** Starts the fixture (lab.up of the scenario, left up), waits until it is up, SIGKILLs it. */
async function upAndKill(backend: BackendId, scenario: string, id: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, backend, scenario, id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('{"server"')) resolve();
    });
    child.on('exit', (c) => reject(new Error(`fixture exited ${c} before the lab was up: ${out}`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
}

for (const backend of ['mit', 'samba'] as const) {
  if (!requireLab(backend)) continue;
  const ids = SCENARIOS.filter((s) => s.backends[backend] && (!only || only.includes(s.id))).map((s) => s.id);
  if (ids.length === 0) continue;
  describe(`lab ${backend}: up twice in a row, and after a SIGKILLed run`, { timeout: 60 * 60_000 }, () => {
    const id = ID[backend];
    for (const scenario of ids) {
      it(`${scenario}: up → probe → down, twice`, { timeout: 10 * 60_000 }, async (t) => {
        const first = await upProbeDown(backend, scenario, id);
        const second = await upProbeDown(backend, scenario, id);
        record({ kind: 'up-twice', backend, scenario, first, second });
        t.diagnostic(`setup ${first.setupMs} ms, then ${second.setupMs} ms; down ${first.downMs} / ${second.downMs} ms`);
      });
    }
    // the scenario whose leftover broke the next up (samba), and one that changes keys (both backends)
    const killed = (backend === 'samba' ? ['duplicate-spn', 'keytab-stale-kvno'] : ['keytab-stale-kvno']).filter((s) => ids.includes(s));
    for (const scenario of killed) {
      it(`${scenario}: SIGKILL while the fault is injected, then up again`, { timeout: 10 * 60_000 }, async (t) => {
        await upAndKill(backend, scenario, id);
        const again = await upProbeDown(backend, scenario, id);
        // and the healthy baseline right after: nothing of the killed run's fault is left
        const healthy = await upProbeDown(backend, 'healthy', id);
        record({ kind: 'after-kill', backend, scenario, again, healthy });
        t.diagnostic(`after SIGKILL: setup ${again.setupMs} ms; healthy after it: ${healthy.setupMs} ms`);
      });
    }
    it('leaves nothing behind', () => {
      rmSync(join(labDir(), id), { recursive: true, force: true });
    });
  });
}
