// Processes for the lab: run a command to completion (with a timeout), start a daemon with its PID recorded,
// stop a daemon by PID (never by name), wait for a TCP port.
import { execFileSync, type SpawnOptions, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  cwd?: string;
}

/** Runs argv[0] with the rest as arguments; never throws for a non-zero exit (the code is data). */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('run: empty argv');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group: a timeout kills the whole group (faketime forks, ip netns exec execs)
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 + 9 : -1),
        stdout,
        stderr,
        ms: Math.round(performance.now() - t0),
        timedOut,
      });
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input ?? '');
  });
}

/** Like run() but throws with the command's output when it exits non-zero. */
export async function must(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(argv, opts);
  if (r.code !== 0) {
    throw new Error(`command failed (${r.code}${r.timedOut ? ', timed out' : ''}): ${argv.join(' ')}\n${r.stdout}${r.stderr}`);
  }
  return r;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Blocking sleep, for the synchronous cleanup that runs in process 'exit' handlers. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Starts a long-running server detached from us, output to logFile; returns its PID. */
export function spawnDaemon(argv: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): number {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('spawnDaemon: empty argv');
  const fd = openSync(logFile, 'a');
  const opts: SpawnOptions = { env: env ?? process.env, stdio: ['ignore', fd, fd], detached: true };
  const child = spawn(cmd, args, opts);
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  return child.pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The process's start time in clock ticks since boot (/proc/PID/stat field 22): guards against PID reuse. */
export function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may contain spaces; fields after it are space separated
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

/** Zombies count as gone (a detached child we never reaped). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Stops one process by PID: `signal` first, SIGKILL after `graceMs`. Checks the start time recorded when the
 * process was started so a reused PID is never killed. Synchronous so that exit handlers can use it.
 */
export function killPidSync(pid: number, ticks: string | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): void {
  if (!isRunning(pid)) return;
  if (ticks !== undefined && startTicks(pid) !== ticks) return; // not ours any more
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isRunning(pid)) return;
    sleepSync(25);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  // wait until the kernel really dropped it (sockets released)
  for (let i = 0; i < 40 && isRunning(pid); i++) sleepSync(25);
}

export function runSync(argv: readonly string[]): { code: number; out: string } {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return { code: -1, out: '' };
  try {
    const out = execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status?: number; stderr?: string };
    return { code: err.status ?? -1, out: err.stderr ?? '' };
  }
}

/** Resolves when host:port accepts a TCP connection (from the root namespace, or inside `netns` via bash). */
export async function waitTcp(host: string, port: number, timeoutMs: number, netns?: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (netns) {
      const r = await run(['ip', 'netns', 'exec', netns, 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`], { timeoutMs: 2000 });
      if (r.code === 0) return;
    } else {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect({ host, port, timeout: 1000 });
        s.on('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
        s.on('timeout', () => {
          s.destroy();
          resolve(false);
        });
      });
      if (ok) return;
    }
    await sleep(50);
  }
  throw new Error(`nothing listening on ${host}:${port}${netns ? ` in netns ${netns}` : ''} after ${timeoutMs} ms`);
}
