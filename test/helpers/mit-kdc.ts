/**
 * A private MIT KDC for integration tests (after ../shared/lab/RECIPES.md §2): its own temp dir, database and
 * 127.0.0.x address in the root namespace, started with `krb5kdc -n` and stopped by PID. The full lab (lab/) runs
 * scenarios in network namespaces; these tests only need a realm to get tickets from, so they keep this light fixture.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { krb5ConfText } from '../../lab/krb5conf.js';

export const MIT_KDC_TOOLS = ['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'kvno', 'klist'];

function haveTool(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Why a real MIT KDC cannot run here, or undefined when it can. */
export function mitKdcUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (the KDC binds port 88)';
  const missing = MIT_KDC_TOOLS.filter((t) => !haveTool(t));
  if (missing.length) return `missing ${missing.join(', ')} (apt-get install krb5-kdc krb5-admin-server krb5-user)`;
  return undefined;
}

/** Declares `body` when an MIT KDC can run; otherwise skips LOUDLY — and fails under CI=true, where nothing may skip. */
export function describeWithMitKdc(name: string, body: () => void): void {
  const why = mitKdcUnavailable();
  if (!why) {
    body();
    return;
  }
  process.stderr.write(`\n${'!'.repeat(78)}\n!!! ${name.toUpperCase()} SKIPPED: ${why}\n${'!'.repeat(78)}\n`);
  describe(name, () => {
    if (process.env.CI === 'true') it('must run under CI=true', () => assert.fail(`cannot run under CI=true: ${why}`));
    else it(`SKIPPED: ${why}`, { skip: why }, () => {});
  });
}

export interface ToolOptions {
  input?: string;
  extraEnv?: Record<string, string>;
}

export interface MitKdc {
  dir: string;
  /** KRB5_CONFIG, KRB5_KDC_PROFILE, TZ=UTC, LC_ALL=C: what every MIT tool of this realm needs. */
  env: Record<string, string>;
  realm: string;
  ip: string;
  file(name: string): string;
  /** Runs a tool in the realm's environment (15 s timeout). */
  tool(cmd: string, args: string[], opts?: ToolOptions): SpawnSyncReturns<string>;
  /** Same, but throws with the tool's output when it fails. */
  mit(cmd: string, args: string[], opts?: ToolOptions): string;
  kadmin(query: string): string;
  /** Starts krb5kdc after the principals are in place. */
  start(): Promise<void>;
  /** Stops krb5kdc by PID and removes the directory. */
  stop(): void;
}

export interface MitKdcOptions {
  ip: string;
  realm?: string;
  /** kdc.conf supported_enctypes (default aes256 + aes128). */
  supportedEnctypes?: string;
  /** Extra [libdefaults] lines for the client krb5.conf. */
  libdefaults?: string[];
  /** Temp dir prefix. */
  name: string;
}

/** Writes krb5.conf/kdc.conf and creates the database; add principals with kadmin(), then start(). */
export function createMitKdc(o: MitKdcOptions): MitKdc {
  const realm = o.realm ?? 'CONTOSO.COM';
  const dir = mkdtempSync(path.join(tmpdir(), `kerbscope-${o.name}-`));
  const file = (name: string) => path.join(dir, name);
  const enctypes = o.supportedEnctypes ?? 'aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal';
  writeFileSync(file('krb5.conf'), krb5ConfText({ realm, kdc: `${o.ip}:88`, ...(o.libdefaults ? { libdefaults: o.libdefaults } : {}) }));
  writeFileSync(
    file('kdc.conf'),
    [
      '[kdcdefaults]',
      `    kdc_listen = ${o.ip}:88`,
      `    kdc_tcp_listen = ${o.ip}:88`,
      '[realms]',
      `    ${realm} = {`,
      `        database_name = ${file('principal')}`,
      `        acl_file = ${file('kadm5.acl')}`,
      `        key_stash_file = ${file('stash')}`,
      '        max_life = 10h 0m 0s',
      '        max_renewable_life = 7d 0h 0m 0s',
      `        supported_enctypes = ${enctypes}`,
      '        default_principal_flags = +preauth',
      '    }',
      '[logging]',
      `    kdc = FILE:${file('kdc.log')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(file('kadm5.acl'), '');
  const env = { KRB5_CONFIG: file('krb5.conf'), KRB5_KDC_PROFILE: file('kdc.conf'), TZ: 'UTC', LC_ALL: 'C' };
  let kdc: ChildProcess | undefined;
  const tool = (cmd: string, args: string[], opts: ToolOptions = {}) =>
    spawnSync(cmd, args, { encoding: 'utf8', input: opts.input, env: { ...process.env, ...env, ...opts.extraEnv }, timeout: 15_000 });
  const mit = (cmd: string, args: string[], opts: ToolOptions = {}) => {
    const r = tool(cmd, args, opts);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} → ${r.status}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  mit('kdb5_util', ['create', '-s', '-r', realm, '-P', 'MasterKey-Test-Only1']);
  return {
    dir,
    env,
    realm,
    ip: o.ip,
    file,
    tool,
    mit,
    kadmin: (q) => mit('kadmin.local', ['-q', q]),
    async start() {
      kdc = spawn('krb5kdc', ['-n', '-P', file('krb5kdc.pid')], { env: { ...process.env, ...env }, stdio: 'ignore' });
      await waitForPort(o.ip, 88, 5000);
    },
    stop() {
      if (kdc?.pid) {
        try {
          process.kill(kdc.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function waitForPort(host: string, port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`KDC did not listen on ${host}:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}
