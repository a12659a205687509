// The lab's API for tests and scripts.
//
//   const h = await lab.up({ backend: 'mit', scenario: 'missing-spn' });   // base services + the fault + a capture
//   const steps = await h.probe();                                          // the real clients, as the catalogue says
//   await h.down();                                                         // always: stops by PID, removes namespaces
//
// Tests that run many scenarios keep one base up: startBase() once, then applyScenario()/revert() per scenario.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mitUp } from './backends/mit.js';
import { type Capture, captureStart } from './capture.js';
import { SCENARIOS, scenarioById } from './catalogue.js';
import { type ProbeResult, resetClient, runProbe } from './clients.js';
import { cleanupAll, Janitor } from './janitor.js';
import { netUp } from './netns.js';
import type { BackendId, LabEnv, Scenario, ScenarioImpl } from './types.js';

export { SCENARIOS, scenarioById } from './catalogue.js';
export type { BackendId, LabEnv, Scenario, ScenarioImpl } from './types.js';

export function labDir(): string {
  return process.env.KERBSCOPE_LAB_DIR ?? '/tmp/kerbscope-lab';
}

export interface LabBase {
  backend: BackendId;
  env: LabEnv;
  janitor: Janitor;
  /** wall-clock ms the base took to come up */
  setupMs: number;
  /** stops everything; returns the ms it took. removeFiles: also delete the instance directory (captures, keys) */
  down(opts?: { removeFiles?: boolean }): Promise<number>;
}

export interface BaseOptions {
  /** instance id: namespaces are ks-ID-s / ks-ID-c; at most 5 characters */
  id?: string;
  /** leave everything running when this process exits (the CLI's `up`) */
  keepAlive?: boolean;
}

function randomId(): string {
  return Math.floor(Math.random() * 0xfffff)
    .toString(36)
    .padStart(4, '0')
    .slice(0, 4);
}

export async function startBase(backend: BackendId, opts: BaseOptions = {}): Promise<LabBase> {
  const t0 = performance.now();
  const id = opts.id ?? randomId();
  if (!/^[a-z0-9]{1,5}$/.test(id)) throw new Error(`lab id must be 1-5 lowercase letters/digits: ${id}`);
  const dir = join(labDir(), id);
  // a previous run of the same id that was never torn down: clean it first
  new Janitor(dir, true).cleanupSync();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const janitor = new Janitor(dir, opts.keepAlive ?? false);
  if (opts.keepAlive) writeFileSync(join(dir, CLI_MARKER), `${process.pid}\n`);
  try {
    const net = await netUp(id, janitor);
    let env: LabEnv;
    if (backend === 'mit') env = (await mitUp(dir, id, net, janitor)).env;
    else if (backend === 'samba') {
      const { sambaLabUp } = await import('./backends/samba-lab.js');
      env = (await sambaLabUp(dir, id, net, janitor)).env;
    } else throw new Error(`backend '${backend}' runs in-process: kerbscope lab --scenario ID, or startEmbeddedLab()`);
    const setupMs = Math.round(performance.now() - t0);
    return {
      backend,
      env,
      janitor,
      setupMs,
      async down(o = {}) {
        const t = performance.now();
        try {
          await env.ops.beforeDown?.();
        } finally {
          janitor.cleanupSync();
        }
        if (o.removeFiles) rmSync(dir, { recursive: true, force: true });
        return Math.round(performance.now() - t);
      },
    };
  } catch (e) {
    janitor.cleanupSync();
    throw e;
  }
}

export interface Applied {
  scenario: Scenario;
  impl: ScenarioImpl;
  revert(): Promise<void>;
}

export function implFor(id: string, backend: BackendId): { scenario: Scenario; impl: ScenarioImpl } {
  const scenario = scenarioById(id);
  if (!scenario) throw new Error(`unknown scenario '${id}' (npm run lab -- list)`);
  const impl = scenario.backends[backend];
  if (!impl) {
    const why = scenario.notOn?.[backend];
    throw new Error(
      `scenario '${id}' is not available on backend '${backend}'${why ? `: ${why}` : ''} (available: ${Object.keys(scenario.backends).join(', ')})`,
    );
  }
  return { scenario, impl };
}

export async function applyScenario(base: LabBase, id: string): Promise<Applied> {
  const { scenario, impl } = implFor(id, base.backend);
  resetClient(base.env);
  const undo = (await impl.inject?.(base.env)) ?? undefined;
  return {
    scenario,
    impl,
    async revert() {
      if (undo) await undo();
      resetClient(base.env);
    },
  };
}

export interface LabHandle {
  backend: BackendId;
  scenario: string;
  realm: string;
  krb5Conf: string;
  user: string;
  password: string;
  url: string;
  spn: string;
  kdc: string;
  hosts: Record<string, string>;
  /** command prefix that runs a client inside the lab's network */
  exec: string;
  /** environment a client needs (KRB5_CONFIG, KRB5CCNAME) */
  clientEnv: Record<string, string>;
  capture: string;
  keytabs: { decrypt: string; http: string };
  env: LabEnv;
  setupMs: number;
  /** runs the catalogue's client steps for this scenario */
  probe(): Promise<ProbeResult[]>;
  stopCapture(): Promise<string>;
  down(): Promise<number>;
}

export interface UpOptions extends BaseOptions {
  backend: BackendId;
  scenario: string;
  /** start a capture of everything the client sends and receives (default true) */
  capture?: boolean;
}

export async function up(opts: UpOptions): Promise<LabHandle> {
  implFor(opts.scenario, opts.backend); // fail before starting anything
  const base = await startBase(opts.backend, opts);
  let capture: Capture | undefined;
  try {
    const applied = await applyScenario(base, opts.scenario);
    const file = join(base.env.dir, `${opts.backend}-${opts.scenario}.pcapng`);
    if (opts.capture ?? true) capture = await captureStart(file, base.env.net, base.janitor);
    const e = base.env;
    return {
      backend: opts.backend,
      scenario: opts.scenario,
      realm: e.realm,
      krb5Conf: e.krb5.conf,
      user: e.user,
      password: e.password,
      url: e.url,
      spn: e.spn,
      kdc: e.kdc,
      hosts: e.hosts,
      exec: e.net.clientExec.join(' '),
      clientEnv: { KRB5_CONFIG: e.krb5.conf, KRB5CCNAME: `FILE:${join(e.dir, 'client', 'ccache')}` },
      capture: file,
      keytabs: { decrypt: e.decryptKeytab, http: e.httpKeytab },
      env: e,
      setupMs: base.setupMs,
      probe: () => runProbe(e, applied.impl.probe(e)),
      stopCapture: async () => (capture ? capture.stop() : file),
      async down() {
        if (capture) await capture.stop();
        return base.down();
      },
    };
  } catch (e) {
    await base.down();
    throw e;
  }
}

/** Marks an instance as started by the CLI (`down` stops those; `down --all` every instance, tests' too). */
export const CLI_MARKER = '.started-by-cli';

/** Tears down lab instances recorded under the lab directory (by PID; namespaces, routes, /etc/netns files). */
export function downAll(opts: { all?: boolean } = {}): string[] {
  return cleanupAll(labDir(), opts.all ? undefined : (dir) => existsSync(join(dir, CLI_MARKER)));
}

export const lab = { up, down: downAll, startBase, applyScenario, scenarios: SCENARIOS };
