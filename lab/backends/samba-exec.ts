// Process helpers for the Samba backend: run a command (optionally inside a network namespace), never through a shell
// unless the caller builds one explicitly, with a timeout and captured output.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** `ip netns exec NETNS` prefix. */
  netns?: string | undefined;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/** Environment for child processes: never inherit a python or krb5 setup that points elsewhere. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // pyenv's python must not leak into samba-tool (it needs Debian's /usr/bin/python3 modules).
  delete env.PYTHONPATH;
  delete env.PYTHONHOME;
  // A stray KRB5CCNAME/KRB5_KTNAME from the caller would make samba-tool use someone else's credentials.
  delete env.KRB5CCNAME;
  delete env.KRB5_KTNAME;
  delete env.KRB5_TRACE;
  return { ...env, ...extra };
}

export function withNetns(netns: string | undefined, cmd: string, args: string[]): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, cmd, ...args]] : [cmd, args];
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, argv] = withNetns(opts.netns, cmd, args);
  return new Promise((resolve) => {
    const child = spawn(file, argv, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${e.message}\n` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n(killed after ${opts.timeoutMs ?? 120_000} ms)`;
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Like run, but throws with the command line and its stderr when the exit code is not 0. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const shown = [cmd, ...args].map((a) => (/password/i.test(a) ? '<secret>' : a)).join(' ');
    throw new Error(`${shown} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  }
  return r;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The NUL-separated command line of a process, or undefined when it is gone. */
export async function cmdline(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s) => s.length > 0);
  } catch {
    return undefined;
  }
}

/** Every live descendant of pid (walks /proc once; used to make sure no samba worker outlives the stop). */
export async function descendants(pid: number): Promise<number[]> {
  const parent = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may contain spaces and parentheses, so cut after the last ')'
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(rest[1]));
    } catch {
      // the process ended while we walked
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const [child, pp] of parent) {
      if (pp === p) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
