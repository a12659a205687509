/**
 * The README's first command, verbatim, on a fresh clone of this commit (issue 8): `npm ci` installs and builds,
 * the healthy embedded lab passes `check`, and the broken one is diagnosed as spn-missing. Run as a shell line exactly
 * as the README prints it (the first command line of its first bash block).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/corpus.js';

/** The first non-comment line of the README's first ```bash block. */
export function readmeFirstCommand(readme: string): string {
  const block = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const line = block.split('\n').find((l) => l.trim() && !l.trim().startsWith('#'));
  assert.ok(line, 'the README starts with a bash block holding a command');
  return line;
}

describe('README first command on a fresh clone', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ks-readme-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs, builds, passes the healthy lab and names spn-missing on the broken one', { timeout: 600_000 }, () => {
    const cmd = readmeFirstCommand(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
    assert.match(cmd, /^npm ci && /);
    const clone = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, path.join(dir, 'kerbscope')], { encoding: 'utf8' });
    assert.equal(clone.status, 0, clone.stderr);
    // the clone has what is committed: this test runs the command on HEAD, as a fresh checkout would
    const r = spawnSync('bash', ['-c', cmd], {
      cwd: path.join(dir, 'kerbscope'),
      encoding: 'utf8',
      env: { ...process.env, KERBSCOPE_CACHE_DIR: path.join(dir, 'cache'), npm_config_fund: 'false', npm_config_audit: 'false' },
      maxBuffer: 64 << 20,
      timeout: 590_000,
    });
    assert.equal(r.status, 1, `the last command diagnoses a broken domain (exit 1)\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, /Result: no error finding/, 'the healthy check passed');
    assert.match(r.stdout, /\(spn-missing\)/, 'the broken one names spn-missing');
    assert.ok(r.stdout.indexOf('Result: no error finding') < r.stdout.indexOf('(spn-missing)'), 'healthy first, then the diagnosis');
  });
});
