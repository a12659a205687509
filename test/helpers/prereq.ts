// One answer to "a prerequisite is missing" for the suites that compare with an outside reference (tshark, MIT
// ktutil, the shared corpus, RC4 in the KDC): skip LOUDLY on a developer's machine, FAIL under CI=true, where
// nothing may skip (the lab suites do the same in test/lab/harness.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';

const CI = () => process.env.CI === 'true';

/**
 * For `it(name, { skip: skipUnlessCi(why) }, …)` / `describe(…, { skip: … })`: false when why is empty; otherwise the
 * reason (printed). Under CI=true nothing skips: a failing test that names the missing prerequisite is registered
 * beside it (in the suite being declared), and false is returned so the test itself runs (and fails) too.
 */
export function skipUnlessCi(why: string | false | undefined): string | false {
  if (!why) return false;
  if (CI()) {
    const msg = `${why}: required under CI=true, where nothing may skip`;
    it(`prerequisite missing: ${why}`, () => assert.fail(msg));
    return false;
  }
  process.stderr.write(`\n!!! SKIPPED: ${why}\n`);
  return why;
}

/** Inside a running test: true when the test can go on; otherwise skips it (t.skip) or, under CI=true, fails it. */
export function requireOrSkip(t: { skip(msg?: string): void }, why: string | false | undefined): boolean {
  if (!why) return true;
  if (CI()) assert.fail(`${why}: required under CI=true, where nothing may skip`);
  process.stderr.write(`\n!!! SKIPPED: ${why}\n`);
  t.skip(why);
  return false;
}

/** Why `cmd args` cannot run here (undefined when it runs and exits 0). */
export function commandMissing(cmd: string, args: string[] = ['--version']): string | undefined {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
  return r.status === 0 ? undefined : `${cmd} not installed or not working (${r.error ? r.error.message : `exit ${r.status}`})`;
}
