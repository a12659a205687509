/**
 * The launcher (src/cli/launch.ts) starts the CLI from a V8 code cache: the output is the same with and without
 * it, a corrupt or foreign cache file is rejected by V8 and rewritten, an unwritable cache directory costs nothing,
 * KERBSCOPE_NO_CACHE=1 turns it off, and the cache is private (0700 directory, 0600 file).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/corpus.js';

const ARGS = [
  'decode',
  path.join(REPO_ROOT, 'samples/mit-http-negotiate.txt'),
  '--keytab',
  path.join(REPO_ROOT, 'samples/mit-http.keytab'),
];

describe('kerbscope launcher: V8 code cache', () => {
  const plain = runCli(ARGS, { env: { KERBSCOPE_NO_CACHE: '1' } });
  it('decodes without a cache (the reference output)', () => {
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /AP-REQ/);
  });

  it('writes a private cache on the first run and uses it on the next, with the same output', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ks-cache-')), 'kerbscope');
    const first = runCli(ARGS, { env: { KERBSCOPE_CACHE_DIR: dir } });
    assert.equal(first.stdout, plain.stdout);
    const files = readdirSync(dir);
    assert.equal(files.length, 1, files.join(', '));
    assert.match(files[0] as string, /^core-[0-9a-f]{8}-decode\.v8$/);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const file = path.join(dir, files[0] as string);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const before = readFileSync(file);
    const second = runCli(ARGS, { env: { KERBSCOPE_CACHE_DIR: dir } });
    assert.equal(second.stdout, plain.stdout);
    assert.deepEqual(readFileSync(file), before, 'a valid cache is not rewritten');
  });

  it('a corrupt cache file is rejected and rewritten; the output does not change', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ks-cache-')), 'kerbscope');
    runCli(ARGS, { env: { KERBSCOPE_CACHE_DIR: dir } });
    const file = path.join(dir, readdirSync(dir)[0] as string);
    const good = readFileSync(file);
    writeFileSync(file, Buffer.alloc(good.length, 0x5a));
    const r = runCli(ARGS, { env: { KERBSCOPE_CACHE_DIR: dir } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, plain.stdout);
    assert.notDeepEqual(readFileSync(file), Buffer.alloc(good.length, 0x5a), 'rewritten');
  });

  it('an unusable cache directory and KERBSCOPE_NO_CACHE change nothing', () => {
    const r = runCli(ARGS, { env: { KERBSCOPE_CACHE_DIR: '/dev/null/kerbscope' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, plain.stdout);
    assert.equal(r.stderr, plain.stderr);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ks-cache-')), 'kerbscope');
    runCli(ARGS, { env: { KERBSCOPE_CACHE_DIR: dir, KERBSCOPE_NO_CACHE: '1' } });
    assert.throws(() => readdirSync(dir), /ENOENT/);
  });
});
