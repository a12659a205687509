/**
 * Runs the BUILT CLI (`node dist/kerbscope.mjs ...`) as a real child process and returns what a user sees: the exit
 * code, stdout and stderr (after corepack's `tests/_runCli.ts`). The bundle is (re)built once when it is missing or
 * older than a file under src/; a lock directory keeps test files running in parallel from building at the same time.
 *
 *   const r = runCli(['keytab', 'list', file, '--json']);           // { code, stdout, stderr, signal }
 *   const r = runCli(['decode', '-'], { input: header, env: { TZ: 'UTC' } });
 *   const body = runCliJson(['keytab', 'list', file]).json;          // adds --json, parses stdout
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './corpus.js';

export const CLI_PATH = path.join(REPO_ROOT, 'dist/kerbscope.mjs');

export interface CliResult {
  /** Exit code; null when the process was killed (see `signal`). */
  code: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

export interface CliOptions {
  /** Bytes or text on standard input (default: none; stdin is then an empty pipe, not a TTY). */
  input?: string | Uint8Array;
  /** Extra environment variables, merged over the test process's own. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Milliseconds before the child is killed (default 30 s). */
  timeout?: number;
}

let built = false;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  try {
    return statSync(CLI_PATH).mtimeMs >= newestMtime(path.join(REPO_ROOT, 'src'));
  } catch {
    return false;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds dist/kerbscope.mjs (scripts/build.mjs) unless it is newer than every file under src/. */
export function ensureCliBuilt(): void {
  if (built) return;
  const lock = path.join(REPO_ROOT, 'dist', '.build-lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (const deadline = Date.now() + 120_000; !isFresh(); ) {
    try {
      mkdirSync(lock);
    } catch {
      // someone else is building: wait for them (and break a lock left behind by a killed build)
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        // the lock just went away
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      sleep(200);
      continue;
    }
    try {
      const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`node scripts/build.mjs failed (${r.status}): ${r.stderr}${r.stdout}`);
    } finally {
      rmdirSync(lock);
    }
    break;
  }
  built = true;
}

/** Runs `node dist/kerbscope.mjs ...args` and waits for it. */
export function runCli(args: readonly string[], opts: CliOptions = {}): CliResult {
  ensureCliBuilt();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...opts.env })) if (v !== undefined) env[k] = v;
  const r = spawnSync(process.execPath, [CLI_PATH, ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    env,
    cwd: opts.cwd ?? REPO_ROOT,
    timeout: opts.timeout ?? 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** `runCli` with `--json` appended and stdout parsed (throws with stdout/stderr when it is not JSON). */
export function runCliJson<T = Record<string, any>>(args: readonly string[], opts: CliOptions = {}): CliResult & { json: T } {
  const r = runCli([...args, '--json'], opts);
  try {
    return { ...r, json: JSON.parse(r.stdout) as T };
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}
