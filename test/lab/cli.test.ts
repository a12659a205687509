// `npm run lab -- list/up/down` as a real child process: the JSON contract of issue 2, a client run through the
// printed `exec` prefix, and that `down` leaves no process, namespace or route behind.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { requireLab } from './harness.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const STATE = mkdtempSync(join(tmpdir(), 'ks-lab-cli-'));
const ID = 'clit';

function lab(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'lab/cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, KERBSCOPE_LAB_DIR: STATE, KERBSCOPE_LAB_ID: ID },
    encoding: 'utf8',
    input,
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('lab CLI (no root needed)', () => {
  it('list --json: an array of objects with id and backends', () => {
    const r = lab(['list', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { id: string; backends: string[]; rootCause: string }[];
    assert.ok(Array.isArray(list) && list.length >= 25);
    const healthy = list.find((s) => s.id === 'healthy');
    // the embedded backend (kerbscope lab) is in the catalogue beside the namespace labs
    assert.deepEqual(healthy?.backends.sort(), ['embedded', 'mit', 'samba']);
    for (const s of list) assert.ok(Array.isArray(s.backends) && typeof s.rootCause === 'string');
  });

  it('list prints one line per scenario', () => {
    const r = lab(['list']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^missing-spn\s+mit,samba,embedded\s+spn-missing/m);
  });

  it('usage errors exit 2', () => {
    assert.equal(lab(['up', 'nosuchbackend', '--scenario', 'healthy']).code, 2);
    assert.equal(lab(['frobnicate']).code, 2);
  });
});

if (requireLab('mit')) {
  describe('lab CLI up/down (mit)', { timeout: 180_000 }, () => {
    after(() => {
      lab(['down', '--all']);
    });

    it('up --json returns the contract fields; the printed exec runs a client in the lab; down cleans up', () => {
      const r = lab(['up', 'mit', '--scenario', 'missing-spn', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const o = JSON.parse(r.stdout) as Record<string, unknown> & { hosts: Record<string, string>; exec: string };
      for (const k of ['realm', 'krb5Conf', 'user', 'password', 'url', 'spn', 'kdc', 'hosts', 'exec']) {
        assert.ok(k in o, `missing ${k}`);
      }
      assert.equal(o.realm, 'CONTOSO.COM');
      assert.equal(o.url, 'http://nospn.contoso.com/');
      assert.equal(o.spn, 'HTTP/nospn.contoso.com');
      assert.equal(o.hosts['iisserver.contoso.com'], '10.201.0.11');
      assert.equal(o.exec, `ip netns exec ks-${ID}-c`);
      assert.ok(existsSync(o.krb5Conf as string));

      // the lab keeps running after the CLI exited: use it like a person would
      const env = { ...process.env, KRB5_CONFIG: o.krb5Conf as string, KRB5CCNAME: `FILE:${join(STATE, 'cc')}` };
      const exec = o.exec.split(' ');
      const kinit = spawnSync(exec[0] ?? 'ip', [...exec.slice(1), 'kinit', o.user as string], {
        env,
        input: `${o.password}\n`,
        encoding: 'utf8',
      });
      assert.equal(kinit.status, 0, kinit.stderr);
      const kvno = spawnSync(exec[0] ?? 'ip', [...exec.slice(1), 'kvno', o.spn as string], { env, encoding: 'utf8' });
      assert.notEqual(kvno.status, 0);
      assert.match(kvno.stderr, /Server HTTP\/nospn\.contoso\.com@CONTOSO\.COM not found in Kerberos database/);

      const resources = JSON.parse(readFileSync(join(STATE, ID, 'resources.json'), 'utf8')) as { kind: string; pid?: number }[];
      const pids = resources.filter((x) => x.kind === 'pid').map((x) => x.pid as number);
      assert.ok(pids.length >= 4, 'krb5kdc, dns, apache, tshark');

      const d = lab(['down']);
      assert.equal(d.code, 0, d.stderr);
      assert.match(d.stdout, new RegExp(`lab down: ${ID}`));
      const ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      assert.doesNotMatch(ns, new RegExp(`ks-${ID}-`));
      for (const pid of pids) assert.ok(!existsSync(`/proc/${pid}/cmdline`) || isZombie(pid), `pid ${pid} still running`);
      assert.ok(!existsSync(`/etc/netns/ks-${ID}-c`));
      // the capture the CLI started was stopped cleanly and holds the KDC's answer
      const cap = execFileSync(
        'tshark',
        ['-r', join(STATE, ID, 'mit-missing-spn.pcapng'), '-Y', 'kerberos.error_code == 7', '-T', 'fields', '-e', 'frame.number'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
      assert.ok(cap.trim().length > 0);
    });
  });
}

function isZombie(pid: number): boolean {
  try {
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
