/**
 * `kerbscope serve`, the built CLI as a real process: it prints its loopback URL, serves the web app's files with
 * the no-network CSP, refuses path traversal (plain, encoded, backslash, dot-files), a foreign Host header, other
 * methods and any non-loopback --host, and stops on SIGTERM with exit 0.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI_PATH, ensureCliBuilt } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/corpus.js';

/** A raw GET (the path sent exactly as given: no client-side normalisation of ../). */
function get(
  port: number,
  p: string,
  opts: { method?: string; host?: string } = {},
): Promise<{ status: number; type: string; csp: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: p,
        method: opts.method ?? 'GET',
        headers: { host: opts.host ?? `127.0.0.1:${port}` },
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            csp: String(res.headers['content-security-policy'] ?? ''),
            body,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('kerbscope serve (a real process on 127.0.0.1)', () => {
  let proc: ChildProcess;
  let port = 0;
  let out = '';

  before(async () => {
    ensureCliBuilt();
    if (!existsSync(path.join(REPO_ROOT, 'dist/web/index.html')))
      spawnSync(process.execPath, ['scripts/build-web.mjs'], { cwd: REPO_ROOT });
    proc = spawn(process.execPath, [CLI_PATH, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed in 20 s: ${out}`)), 20_000);
      proc.stdout?.on('data', (d) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      proc.stderr?.on('data', (d) => (out += d));
    });
  });
  after(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });

  it('prints its URL and serves / and /app.js with the no-network CSP', async () => {
    assert.match(out, /loopback only/);
    const index = await get(port, '/');
    assert.equal(index.status, 200);
    assert.match(index.type, /^text\/html/);
    assert.match(index.body, /<script src="app\.js" defer><\/script>/);
    assert.match(index.csp, /connect-src 'none'/);
    const app = await get(port, '/app.js');
    assert.equal(app.status, 200);
    assert.match(app.type, /^text\/javascript/);
    assert.ok(app.body.length > 10_000);
    assert.equal((await get(port, '/worker.js')).status, 200);
    assert.equal((await get(port, '/index.html?x=1')).status, 200);
  });

  it('404 for anything outside dist/web: ../, encoded ../, backslashes, absolute paths, dot-files, missing files', async () => {
    for (const p of [
      '/../package.json',
      '/../../etc/passwd',
      '/%2e%2e/package.json',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/..%5c..%5cetc%5cpasswd',
      '/%00index.html',
      '/.git/config',
      '/nothing.js',
      '//etc/passwd',
      '/%',
    ]) {
      const r = await get(port, p);
      assert.equal(r.status, 404, p);
      assert.doesNotMatch(r.body, /root:|"name": "kerbscope"/, p);
    }
  });

  it('refuses a foreign Host header (DNS rebinding) and methods other than GET/HEAD', async () => {
    assert.equal((await get(port, '/', { host: 'evil.example:80' })).status, 421);
    assert.equal((await get(port, '/', { host: `rebind.example:${port}` })).status, 421);
    assert.equal((await get(port, '/', { host: `localhost:${port}` })).status, 200);
    assert.equal((await get(port, '/', { method: 'POST' })).status, 405);
    const head = await get(port, '/app.js', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('stops on SIGTERM with exit 0', async () => {
    const code = await new Promise<number | null>((resolve) => {
      proc.on('exit', (c) => resolve(c));
      proc.kill('SIGTERM');
    });
    assert.equal(code, 0);
  });

  it('refuses any non-loopback --host, and a bad --port, with exit 2 before listening', () => {
    for (const args of [
      ['--host', '0.0.0.0'],
      ['--host', '192.168.1.10'],
      ['--host', '::'],
      ['--host', 'example.com'],
      ['--port', '70000'],
      ['--port', 'x'],
    ]) {
      const r = spawnSync(process.execPath, [CLI_PATH, 'serve', ...args], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, args[0] === '--host' ? /loopback only/ : /not a TCP port/);
    }
  });
});
