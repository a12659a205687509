// `kerbscope lab` as a user runs it: the built CLI as a real process. --check against a healthy and a broken domain,
// --scenario list, and the long-running mode: the ready line, MIT kinit/kvno with what it printed, SIGTERM, ports
// freed, state folder removed (kept with --keep). As root the lab takes 88/53/80; the same checks then also run as
// an unprivileged user (setpriv to 65534), where it takes free ports and check goes through --dns-server IP:PORT.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EMBEDDED_SCENARIOS } from '../../src/embedded/index.js';
import { CLI_PATH, ensureCliBuilt, runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { commandMissing, skipUnlessCi } from '../helpers/prereq.js';

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const root = process.getuid?.() === 0;
const homes: string[] = [];
after(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

/** a HOME (and code cache folder) of its own, writable by the unprivileged user too */
function freshHome(): string {
  const h = mkdtempSync(join(tmpdir(), 'kerbscope-lab-test-'));
  chmodSync(h, 0o777);
  homes.push(h);
  return h;
}

/** `[setpriv ... ] node dist/kerbscope.mjs args`, asynchronously (a long-running lab must not block the test) */
function start(args: string[], o: { asNobody?: boolean; env?: Record<string, string> } = {}): ChildProcessWithoutNullStreams {
  ensureCliBuilt();
  const home = freshHome();
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', HOME: home, TMPDIR: home, ...o.env };
  const argv = [process.execPath, CLI_PATH, ...args];
  const [cmd, ...rest] = o.asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  return spawn(cmd as string, rest, { env, cwd: REPO_ROOT });
}

function finish(p: ChildProcessWithoutNullStreams, timeoutMs = 30_000): Promise<Ran> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - t0) });
    });
    p.stdin.end();
  });
}

/** the first stdout line of a running lab (its ready line) */
function firstLine(p: ChildProcessWithoutNullStreams, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no ready line in ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    p.stderr.on('data', (d) => (err += d));
    const onData = (d: Buffer) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i < 0) return;
      clearTimeout(timer);
      p.stdout.off('data', onData);
      resolve(buf.slice(0, i));
    };
    p.stdout.on('data', onData);
    p.on('close', (code) => reject(new Error(`lab exited (${code}) before its ready line; stderr: ${err}`)));
  });
}

function exited(p: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) resolve({ code: p.exitCode, signal: p.signalCode });
    else p.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

function run(cmd: string, args: string[], env: Record<string, string>, input = ''): Ran {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', ...env },
    input,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Math.round(performance.now() - t0) };
}

const tcpFree = (host: string, port: number) =>
  new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, host, () => s.close(() => resolve()));
  });
const udpFree = (host: string, port: number) =>
  new Promise<void>((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, host, () => s.close(() => resolve()));
  });

function parse(r: Ran): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

const setprivMissing = root ? commandMissing('setpriv', ['--version']) : undefined;
const users: { who: string; asNobody: boolean; skip: string | false }[] = [
  { who: root ? 'root (ports 88/53/80)' : 'this user (free ports)', asNobody: false, skip: false },
  ...(root
    ? [{ who: 'an unprivileged user (free ports)', asNobody: true, skip: skipUnlessCi(setprivMissing && `setpriv: ${setprivMissing}`) }]
    : []),
];

for (const u of users) {
  describe(`kerbscope lab --check as ${u.who}`, { skip: u.skip }, () => {
    it('--scenario healthy --check: exit 0, no error finding, mutual authentication verified', async () => {
      const r = await finish(start(['lab', '--scenario', 'healthy', '--check', '--json'], u));
      assert.equal(r.code, 0, r.stderr);
      const j = parse(r);
      assert.deepEqual(
        j.findings.filter((f: any) => f.severity === 'error').map((f: any) => f.id),
        [],
      );
      const facts = j.steps.flatMap((s: any) => s.facts);
      const mutual = facts.find((f: any) => f.kind === 'mutual-auth');
      assert.equal(mutual?.status, 'verified', JSON.stringify(mutual));
      assert.equal(j.spn, 'HTTP/iisserver.contoso.com');
      // the lab's port shows in the URL exactly when it is not 80 (not root); the SPN never carries it
      const port = new URL(j.target).port;
      if (u.asNobody || !root) assert.match(port, /^\d+$/);
      else assert.equal(port, '');
      assert.equal(j.steps.find((s: any) => s.id === 'http')?.status, 'pass');
    });

    it('--scenario missing-spn --check --json: exit 1, findings[0] is spn-missing', async () => {
      const r = await finish(start(['lab', '--scenario', 'missing-spn', '--check', '--json'], u));
      assert.equal(r.code, 1, r.stderr);
      assert.equal(parse(r).findings[0]?.id, 'spn-missing');
    });

    it('--port-base N: KDC on N, DNS on N+1, the site on N+2 (in the URL); still healthy', async () => {
      const base = 20_000 + Math.floor(Math.random() * 20_000);
      const r = await finish(start(['lab', '--scenario', 'healthy', '--check', '--json', '--port-base', String(base)], u));
      assert.equal(r.code, 0, r.stderr);
      const j = parse(r);
      assert.equal(new URL(j.target).port, String(base + 2));
      const facts = j.steps.flatMap((s: any) => s.facts);
      assert.equal(facts.find((f: any) => f.kind === 'mutual-auth')?.status, 'verified');
    });

    it('--scenario missing-spn --check (text): the report names spn-missing', async () => {
      const r = await finish(start(['lab', '--scenario', 'missing-spn', '--check'], u));
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /spn-missing/);
      assert.match(r.stdout, /HTTP\/nospn\.contoso\.com/);
    });
  });
}

describe('kerbscope lab --scenario list and usage', () => {
  it('lists every scenario it can stage with its catalogue title', () => {
    const r = runCli(['lab', '--scenario', 'list']);
    assert.equal(r.code, 0, r.stderr);
    const ids = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(ids, [...EMBEDDED_SCENARIOS]);
    assert.match(r.stdout, /missing-spn\s+The web site host name has no SPN in the directory/);
    const j = JSON.parse(runCli(['lab', '--scenario', 'list', '--json']).stdout);
    assert.equal(j.length, EMBEDDED_SCENARIOS.length);
  });

  it('an unknown scenario is a usage error (exit 2) naming --scenario list', () => {
    const r = runCli(['lab', '--scenario', 'no-such-thing', '--check']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown scenario no-such-thing.*--scenario list/);
  });

  it('is listed in kerbscope --help', () => {
    assert.match(runCli(['--help']).stdout, /^\s+lab\s/m);
  });
});

const mitMissing = commandMissing('sh', ['-c', 'command -v kinit && command -v kvno && command -v klist']);

for (const u of users) {
  describe(`kerbscope lab (running) as ${u.who}`, { skip: u.skip || skipUnlessCi(mitMissing && `MIT kinit/kvno: ${mitMissing}`) }, () => {
    it('--json prints the ready line; kinit and kvno work with it; SIGTERM frees the ports and removes the state folder', async () => {
      const p = start(['lab', '--json'], u);
      const done = finish(p, 60_000);
      try {
        const ready = JSON.parse(await firstLine(p));
        for (const k of ['realm', 'krb5Conf', 'user', 'password', 'url', 'spn', 'kdc', 'ports', 'dnsServer'])
          assert.ok(ready[k] !== undefined, `ready line lacks ${k}: ${JSON.stringify(ready)}`);
        assert.equal(ready.realm, 'CONTOSO.COM');
        assert.equal(ready.spn, 'HTTP/iisserver.contoso.com');
        assert.ok(existsSync(ready.krb5Conf));
        const cc = join(freshHome(), 'cc');
        const env = { KRB5_CONFIG: ready.krb5Conf, KRB5CCNAME: `FILE:${cc}` };
        const k = run('kinit', [ready.user], env, `${ready.password}\n`);
        assert.equal(k.code, 0, `kinit: ${k.stderr}`);
        const v = run('kvno', [ready.spn], env);
        assert.equal(v.code, 0, `kvno: ${v.stderr}`);
        assert.match(v.stdout, /HTTP\/iisserver\.contoso\.com@CONTOSO\.COM: kvno = 2/);
        const bad = run('kinit', [ready.user], env, 'not-the-password\n');
        assert.notEqual(bad.code, 0, 'kinit with a wrong password must fail: the KDC is real');

        p.kill('SIGTERM');
        const e = await exited(p);
        assert.equal(e.code, 0, `exit ${e.code} ${e.signal}; stderr: ${(await done).stderr}`);
        const [kdcHost] = ready.kdc.split(':');
        const dnsHost = ready.dnsServer.split(':')[0];
        await tcpFree(kdcHost, ready.ports.kdc);
        await udpFree(kdcHost, ready.ports.kdc);
        await udpFree(dnsHost, ready.ports.dns);
        await tcpFree(dnsHost, ready.ports.dns);
        // the web server is on the address after the DC's (iisserver's A record)
        const webHost = kdcHost.replace(/\d+$/, (d: string) => String(Number(d) + 1));
        await tcpFree(webHost, ready.ports.http);
        assert.equal(existsSync(dirname(ready.krb5Conf)), false, 'state folder removed');
      } finally {
        p.kill('SIGKILL');
      }
    });

    it('--keep keeps the state folder (krb5.conf, keytab, password) after SIGINT', async () => {
      const p = start(['lab', '--json', '--keep'], u);
      const done = finish(p, 60_000);
      try {
        const ready = JSON.parse(await firstLine(p));
        p.kill('SIGINT');
        const e = await exited(p);
        assert.equal(e.code, 0, (await done).stderr);
        const dir = dirname(ready.krb5Conf);
        homes.push(dir);
        for (const f of ['krb5.conf', 'http.keytab', 'password']) assert.ok(existsSync(join(dir, f)), `${f} kept`);
      } finally {
        p.kill('SIGKILL');
      }
    });

    it('without --json prints how to point kerbscope, MIT tools, curl and a browser at it, and no password', async () => {
      const p = start(['lab'], u);
      const done = finish(p, 60_000);
      try {
        await firstLine(p);
        await new Promise((r) => setTimeout(r, 300));
        p.kill('SIGTERM');
        const r = await done;
        assert.equal(r.code, 0, r.stderr);
        for (const re of [/kerbscope check .*--dns-server/, /KRB5_CONFIG=/, /kinit john@CONTOSO\.COM/, /curl --negotiate/, /Firefox/])
          assert.match(r.stdout, re);
        assert.doesNotMatch(r.stdout, /Cz-[0-9a-f]{12}!/, 'the password is printed only with --show-secrets');
      } finally {
        p.kill('SIGKILL');
      }
    });
  });
}
