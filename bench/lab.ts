/**
 * `kerbscope lab` start-up (issue 8), whole process, in the same run as `node -e 0`:
 *   npx tsx bench/lab.ts [--runs N] [--out FILE]        (no root needed: free ports on loopback)
 *
 *  - `node -e 0` (the floor of any Node CLI),
 *  - `kerbscope lab --json` until its ready line (KDC, DNS and web server listening, krb5.conf and keytab written),
 *    then SIGTERM and the exit (state folder removed),
 *  - `kerbscope lab --scenario healthy --check` end to end (start, the nine check steps, stop),
 *  - `kerbscope lab --scenario missing-spn --check` end to end (the README's second command).
 * Runs are interleaved (A B C D A B C D ...) so the machine's load drift hits all alike; medians and p90.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI_PATH, ensureCliBuilt } from '../test/helpers/cli.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, out: { type: 'string' } } });
const RUNS = Number(values.runs);
const lines: string[] = [];
const say = (s = '') => {
  lines.push(s);
  process.stdout.write(`${s}\n`);
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((s.length - 1) * q))] ?? Number.NaN;
};

ensureCliBuilt();
const home = mkdtempSync(join(tmpdir(), 'ks-bench-lab-'));
// the CLI's V8 code cache is warm after the first run, as for a user's second command
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C', KERBSCOPE_CACHE_DIR: join(home, 'cache') };
// as root the lab takes 88/53/80 on fresh 127.x.y.z addresses, otherwise free ports: either way nothing to pass
const free: string[] = [];

function timed(argv: string[]): { ms: number; code: number } {
  const t0 = performance.now();
  const r = spawnSync(argv[0] as string, argv.slice(1), { env, encoding: 'utf8' });
  return { ms: performance.now() - t0, code: r.status ?? -1 };
}

/** ms until the ready line, and until the process has exited after SIGTERM */
function toReady(): Promise<{ ms: number; code: number; stopMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [CLI_PATH, 'lab', '--json', ...free], { env });
    let out = '';
    let ready = Number.NaN;
    p.stdout.on('data', (d) => {
      out += d;
      if (Number.isNaN(ready) && out.includes('\n')) {
        ready = performance.now() - t0;
        p.kill('SIGTERM');
      }
    });
    p.on('error', reject);
    p.on('close', (code) => resolve({ ms: ready, code: Number.isNaN(ready) ? -1 : (code ?? -1), stopMs: performance.now() - t0 - ready }));
  });
}

const cases: { name: string; run: () => Promise<{ ms: number; code: number }>; want: number }[] = [
  { name: '`node -e 0`', run: async () => timed([process.execPath, '-e', '0']), want: 0 },
  { name: '`kerbscope lab --json` → ready line', run: () => toReady(), want: 0 },
  {
    name: '`kerbscope lab --scenario healthy --check` (end to end)',
    run: async () => timed([process.execPath, CLI_PATH, 'lab', '--scenario', 'healthy', '--check', ...free]),
    want: 0,
  },
  {
    name: '`kerbscope lab --scenario missing-spn --check` (end to end)',
    run: async () => timed([process.execPath, CLI_PATH, 'lab', '--scenario', 'missing-spn', '--check', ...free]),
    want: 1,
  },
];

const ms: number[][] = cases.map(() => []);
const stops: number[] = [];
// one warm-up round (code cache, page cache) not counted
for (const c of cases) await c.run();
for (let i = 0; i < RUNS; i++) {
  for (const [k, c] of cases.entries()) {
    const r = await c.run();
    if (r.code !== c.want) throw new Error(`${c.name}: exit ${r.code}, expected ${c.want}`);
    ms[k]?.push(r.ms);
    if ('stopMs' in r) stops.push(r.stopMs as number);
  }
}
rmSync(home, { recursive: true, force: true });

const floor = quantile(ms[0] ?? [], 0.5);
say(`### kerbscope lab start-up (${RUNS} interleaved runs, ${new Date().toISOString().slice(0, 10)})`);
say();
say('| command | median ms | p90 ms | × node -e 0 |');
say('| --- | ---: | ---: | ---: |');
for (const [k, c] of cases.entries()) {
  const m = quantile(ms[k] ?? [], 0.5);
  say(`| ${c.name} | ${m.toFixed(0)} | ${quantile(ms[k] ?? [], 0.9).toFixed(0)} | ${(m / floor).toFixed(2)} |`);
}
say();
say(`SIGTERM → exit (servers closed, state folder removed): median ${quantile(stops, 0.5).toFixed(0)} ms.`);
if (values.out) writeFileSync(values.out, `${lines.join('\n')}\n`);
