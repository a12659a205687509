// How `kerbscope check` is run for a catalogue scenario: derived from the scenario's own client probe (the same
// user, password, krb5.conf variant, faked clock and URL the real clients use), run inside the lab's client
// namespace as a real process on the built CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runStep } from '../../lab/clients.js';
import { applyScenario, type LabBase, SCENARIOS, startBase } from '../../lab/index.js';
import { run } from '../../lab/proc.js';
import type { BackendId, LabEnv, ProbeStep, Scenario, ScenarioImpl, Step } from '../../lab/types.js';
import { CLI_PATH, ensureCliBuilt } from '../helpers/cli.js';
import { requireLab } from '../lab/harness.js';

export interface CheckRun {
  code: number;
  ms: number;
  stdout: string;
  stderr: string;
  json: any;
  argv: string[];
  usedCcache: boolean;
}

export const ccacheOf = (env: LabEnv) => join(env.dir, 'client', 'ccache');

type StepWith = Step & { conf?: keyof LabEnv['krb5']; faketime?: string; password?: string; user?: string };

/**
 * The check that corresponds to a scenario: the kinit step gives user/password; the last step gives the krb5.conf
 * variant and a faked clock. When kinit must succeed and only a later step runs with a faked clock (a TGT obtained
 * earlier, clock-skew-tgs), real MIT kinit gets the TGT first and check uses that ccache without a password.
 */
export async function runCheckFor(
  env: LabEnv,
  scenario: Scenario,
  impl: ScenarioImpl,
  timeoutMs = 3000,
  extra: string[] = [],
): Promise<CheckRun> {
  ensureCliBuilt();
  const steps: ProbeStep[] = impl.probe(env);
  const kinit = steps.find((s) => s.step.tool === 'kinit')?.step as StepWith | undefined;
  const last = steps[steps.length - 1]?.step as StepWith | undefined;
  const url = impl.url ?? env.url;
  const user = kinit?.user ?? impl.user ?? env.user;
  const password = kinit?.password ?? env.password;
  const conf = (last && 'conf' in last ? last.conf : undefined) ?? kinit?.conf ?? 'conf';
  const lateClock = last && last !== kinit && 'faketime' in last ? last.faketime : undefined;
  const faketime = kinit?.faketime ?? lateClock;
  let usedCcache = false;
  if (lateClock && kinit && !kinit.faketime) {
    const r = await runStep(env, { tool: 'kinit', user, password, conf: kinit.conf });
    if (r.code !== 0) throw new Error(`kinit before ${scenario.id} failed: ${r.stderr}`);
    usedCcache = true;
  }
  const args = ['check', url, '--json', '--timeout', String(timeoutMs), ...(impl.checkArgs?.(env) ?? []), ...extra];
  if (!usedCcache) args.push('--user', user, '--password-stdin');
  const argv = [...env.net.clientExec, ...(faketime ? ['faketime', '-f', faketime] : []), process.execPath, CLI_PATH, ...args];
  const r = await run(argv, {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(env.dir, 'client'),
      LANG: 'C',
      KRB5_CONFIG: env.krb5[conf],
      KRB5CCNAME: `FILE:${ccacheOf(env)}`,
    },
    input: usedCcache ? undefined : `${password}\n`,
    timeoutMs: timeoutMs + 30_000,
  });
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.code, ms: r.ms, stdout: r.stdout, stderr: r.stderr, json, argv, usedCcache };
}

import { expectedFor } from '../helpers/catalogue-expect.js';

export function catalogueSuite(backend: BackendId, id: string): void {
  if (!requireLab(backend)) return;
  describe(`kerbscope check × lab catalogue (${backend})`, { concurrency: false }, () => {
    let base: LabBase | undefined;
    before(async () => {
      base = await startBase(backend, { id });
    });
    after(async () => {
      await base?.down({ removeFiles: true });
    });
    const only = process.env.LAB_SCENARIOS?.split(',');
    for (const scenario of SCENARIOS) {
      const impl = scenario.backends[backend];
      // delegation scenarios are held to `kerbscope delegation` (test/directory/lab-directory.test.ts)
      if (!impl || scenario.source === 'delegation' || (only && !only.includes(scenario.id))) continue;
      const { expected, alsoNamed } = expectedFor('check', backend, scenario.id, scenario.rootCause);
      it(`${scenario.id} → ${expected}${expected !== scenario.rootCause ? ` (catalogue: ${scenario.rootCause}; see test/helpers/catalogue-expect.ts)` : ''}`, async () => {
        assert.ok(base);
        const applied = await applyScenario(base, scenario.id);
        try {
          const r = await runCheckFor(base.env, scenario, impl);
          assert.ok(r.json, `no JSON from check (exit ${r.code}): ${r.stderr.slice(0, 400)}`);
          const top = r.json.findings.map((f: { id: string; severity: string }) => `${f.id}/${f.severity}`).join(', ');
          RESULTS.push({
            backend,
            scenario: scenario.id,
            rootCause: scenario.rootCause,
            top: r.json.findings[0]?.id ?? '(none)',
            ms: r.ms,
          });
          assert.equal(r.json.schemaVersion, 1);
          assert.deepEqual(
            r.json.steps.map((s: { id: string }) => s.id),
            ['config', 'resolve', 'discovery', 'ports', 'clock', 'tgt', 'service-ticket', 'http', 'acceptor', 'smb', 'delegation'],
          );
          if (scenario.rootCause === 'healthy') {
            assert.equal(r.code, 0, `healthy check exits 0; findings: ${top}\n${r.stderr}`);
            assert.ok(!r.json.findings.some((f: { severity: string }) => f.severity === 'error'), `no error finding; got ${top}`);
            const http = r.json.steps.find((s: { id: string }) => s.id === 'http');
            assert.equal(http.status, 'pass');
            assert.ok(
              http.facts.some((f: { kind: string; status: string }) => f.kind === 'mutual-auth' && f.status === 'verified'),
              'mutual authentication proven (AP-REP verified with the session key)',
            );
          } else {
            assert.equal(r.code, 1, `exit 1 with error findings; stderr: ${r.stderr.slice(0, 300)}`);
            assert.equal(r.json.findings[0]?.id, expected, `findings[0] should be ${expected}; got ${top}`);
            assert.equal(r.json.findings[0]?.severity, 'error');
            if (alsoNamed)
              assert.ok(
                r.json.findings.some((f: { id: string; explainedBy?: string }) => f.id === alsoNamed && f.explainedBy === expected),
                `${alsoNamed} is named too, explained by ${expected}; got ${top}`,
              );
            else
              assert.ok(
                !r.json.findings.some((f: { id: string }) => f.id === 'ntlm-fallback'),
                `no ntlm-fallback where the server does not take NTLM; got ${top}`,
              );
          }
          if (impl.slow) assert.ok(r.ms < 3000 + 2500, `bounded by --timeout 3000 (+ start-up): took ${r.ms} ms`);
        } finally {
          await applied.revert();
        }
      });
    }
    after(() => {
      process.stderr.write(`\nCHECK-RESULTS ${JSON.stringify(RESULTS)}\n`);
    });
  });
}

export const RESULTS: { backend: string; scenario: string; rootCause: string; top: string; ms: number }[] = [];
