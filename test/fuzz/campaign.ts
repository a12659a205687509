/**
 * The long fuzz campaign: `npm run fuzz -- [--per-target N] [--target NAME[,NAME]] [--seed S] [--jobs J] [--out FILE]`
 * (default 1,000,000 inputs per target, one worker at a time). Replay one input: `--target NAME --seed S --index I`.
 *
 * Each target runs in a worker thread that publishes the input it is decoding into shared memory before decoding it,
 * so the main thread can name the exact input when a decoder hangs (no progress for --hang-ms, default 10 s: the
 * worker is terminated and restarted after that input) or dies (out of memory: the worker's heap is capped).
 * Prints, per target: inputs, decoded OK, decoded with recorded errors, rejected with DecodeError (by code), the
 * slowest input, crashes (with the hex of the first few).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { generate, replayLine, runOne } from './harness.js';
import { loadCorpus } from './seeds.js';
import { TARGETS, targetByName } from './targets.js';

const SHARED_INPUT_MAX = 1 << 20;
// Shared layout: Int32[0] = inputs done (progress), Int32[1] = current index, Int32[2] = current length,
// Int32[3] = 1 once the worker has loaded its seeds (the hang clock starts then), then the input's bytes.
const HDR = 16;

interface WorkerJob {
  target: string;
  seed: number;
  from: number;
  to: number;
  shared: SharedArrayBuffer;
}

export interface TargetStats {
  target: string;
  inputs: number;
  ok: number;
  partial: Record<string, number>;
  rejected: Record<string, number>;
  tags: Record<string, number>;
  crashes: number;
  crashSamples: { index: number; message: string; stack: string; context?: string; replay: string }[];
  hangs: { index: number; replay: string }[];
  slowestMs: number;
  slowestIndex: number;
  /** Inputs slower than 500 ms. */
  over500ms: number;
  seconds: number;
  peakRssMb: number;
  seeds: number;
}

function emptyStats(target: string): TargetStats {
  return {
    target,
    inputs: 0,
    ok: 0,
    partial: {},
    rejected: {},
    tags: {},
    crashes: 0,
    crashSamples: [],
    hangs: [],
    slowestMs: 0,
    slowestIndex: -1,
    over500ms: 0,
    seconds: 0,
    peakRssMb: 0,
    seeds: 0,
  };
}

function merge(into: TargetStats, s: TargetStats): void {
  into.inputs += s.inputs;
  into.ok += s.ok;
  for (const [k, v] of Object.entries(s.partial)) into.partial[k] = (into.partial[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.rejected)) into.rejected[k] = (into.rejected[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.tags)) into.tags[k] = (into.tags[k] ?? 0) + v;
  into.crashes += s.crashes;
  into.crashSamples.push(...s.crashSamples.slice(0, Math.max(0, 5 - into.crashSamples.length)));
  if (s.slowestMs > into.slowestMs) {
    into.slowestMs = s.slowestMs;
    into.slowestIndex = s.slowestIndex;
  }
  into.over500ms += s.over500ms;
  into.seeds = s.seeds;
}

// ---------------------------------------------------------------- worker side

function workerMain(job: WorkerJob): void {
  const t = targetByName(job.target);
  if (!t) throw new Error(`no target ${job.target}`);
  const ctl = new Int32Array(job.shared, 0, 4);
  // seed loading runs tshark over the captures and decrypts tickets: seconds, not a decoder hang
  const seeds = t.seeds(loadCorpus({ tshark: true }));
  Atomics.store(ctl, 3, 1);
  const buf = new Uint8Array(job.shared, HDR);
  const st = emptyStats(job.target);
  st.seeds = seeds.length;
  let lastPost = performance.now();
  const post = (final: boolean) => {
    parentPort?.postMessage({ final, stats: st });
    st.inputs = 0;
    st.ok = 0;
    st.partial = {};
    st.rejected = {};
    st.tags = {};
    st.crashes = 0;
    st.crashSamples = [];
    st.slowestMs = 0;
    st.over500ms = 0;
  };
  for (let i = job.from; i < job.to; i++) {
    const input = generate(seeds, job.seed, i);
    const n = Math.min(input.length, SHARED_INPUT_MAX);
    buf.set(input.subarray(0, n));
    Atomics.store(ctl, 2, input.length);
    Atomics.store(ctl, 1, i);
    const r = runOne(t, input);
    st.inputs++;
    if (r.ms > st.slowestMs) {
      st.slowestMs = r.ms;
      st.slowestIndex = i;
    }
    if (r.ms > 500) st.over500ms++;
    if (r.crash) {
      st.crashes++;
      if (st.crashSamples.length < 5) st.crashSamples.push({ index: i, ...r.crash, replay: replayLine(job.target, job.seed, i, input) });
    } else {
      const o = r.outcome;
      if (o.kind === 'ok') st.ok++;
      else if (o.kind === 'partial') st.partial[o.code] = (st.partial[o.code] ?? 0) + 1;
      else st.rejected[o.code] = (st.rejected[o.code] ?? 0) + 1;
      for (const tag of o.tags ?? []) st.tags[tag] = (st.tags[tag] ?? 0) + 1;
    }
    Atomics.add(ctl, 0, 1);
    if ((i & 1023) === 0 && performance.now() - lastPost > 2000) {
      lastPost = performance.now();
      post(false);
    }
  }
  post(true);
}

// ---------------------------------------------------------------- main side

function spawn(job: WorkerJob): Worker {
  // tsx's loader hooks do not reach a worker's entry module on Node 20: register them from an eval bootstrap.
  const url = new URL(import.meta.url).href;
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(boot, { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
}

/** How long a worker may take to load its seeds (tshark over the corpus captures) before that counts as a failure. */
const SEED_LOAD_MS = 300_000;

function runTarget(name: string, seed: number, total: number, hangMs: number, log: (s: string) => void): Promise<TargetStats> {
  const stats = emptyStats(name);
  const shared = new SharedArrayBuffer(HDR + SHARED_INPUT_MAX);
  const ctl = new Int32Array(shared, 0, 4);
  const t0 = performance.now();
  let from = 0;
  return new Promise((resolve) => {
    const start = () => {
      Atomics.store(ctl, 0, 0);
      Atomics.store(ctl, 1, from);
      Atomics.store(ctl, 2, 0);
      Atomics.store(ctl, 3, 0);
      const spawned = performance.now();
      const w = spawn({ target: name, seed, from, to: total, shared });
      let lastDone = -1;
      let lastChange = performance.now();
      let finished = false;
      let lastLog = performance.now();
      const currentInput = (): { index: number; input: Uint8Array } => {
        const index = Atomics.load(ctl, 1);
        const len = Atomics.load(ctl, 2);
        return { index, input: new Uint8Array(shared, HDR, Math.min(len, SHARED_INPUT_MAX)).slice() };
      };
      const restartAfterCurrent = (why: string) => {
        const { index, input } = currentInput();
        const line = replayLine(name, seed, index, input);
        if (why === 'hang') stats.hangs.push({ index, replay: line });
        else {
          stats.crashes++;
          stats.crashSamples.push({ index, message: why, stack: '', replay: line });
        }
        stats.inputs++;
        log(`  ${name}: ${why} at input ${index}: ${line}`);
        from = index + 1;
        if (from < total) start();
        else finish();
      };
      const timer = setInterval(() => {
        const done = Atomics.load(ctl, 0);
        stats.peakRssMb = Math.max(stats.peakRssMb, process.memoryUsage.rss() / 2 ** 20);
        if (Atomics.load(ctl, 3) !== 1) {
          // still loading seeds: the hang clock has not started
          if (performance.now() - spawned > SEED_LOAD_MS && !finished) {
            finished = true;
            clearInterval(timer);
            void w.terminate().then(() => {
              log(`  ${name}: seeds not loaded after ${SEED_LOAD_MS} ms`);
              stats.crashes++;
              stats.crashSamples.push({ index: from, message: `seed loading took over ${SEED_LOAD_MS} ms`, stack: '', replay: '' });
              finish();
            });
          }
        } else if (lastDone < 0 || done !== lastDone) {
          lastDone = done;
          lastChange = performance.now();
        } else if (lastDone >= 0 && performance.now() - lastChange > hangMs && !finished) {
          finished = true;
          clearInterval(timer);
          void w.terminate().then(() => restartAfterCurrent('hang'));
        }
        if (performance.now() - lastLog > 30000) {
          lastLog = performance.now();
          log(`  ${name}: ${from + done} / ${total}`);
        }
      }, 250);
      w.on('message', (m: { final: boolean; stats: TargetStats }) => {
        merge(stats, m.stats);
        if (m.final && !finished) {
          finished = true;
          clearInterval(timer);
          void w.terminate().then(finish);
        }
      });
      w.on('error', (e) => {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        restartAfterCurrent(`worker died: ${(e as Error).message}`);
      });
    };
    const finish = () => {
      stats.seconds = (performance.now() - t0) / 1000;
      resolve(stats);
    };
    start();
  });
}

function fmtCodes(r: Record<string, number>): string {
  const e = Object.entries(r).sort((a, b) => b[1] - a[1]);
  return e.length ? e.map(([k, v]) => `${k.replace(/^ERR_/, '')} ${v}`).join(', ') : '-';
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export function renderTable(all: TargetStats[]): string {
  const rows = [
    '| target | seeds | inputs | decoded OK | decoded, errors recorded | rejected (DecodeError) | rejected by code | slowest | > 500 ms | crashes | hangs | inputs/s |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const s of all)
    rows.push(
      `| ${s.target} | ${s.seeds} | ${s.inputs.toLocaleString('en-US')} | ${s.ok.toLocaleString('en-US')} | ${sum(s.partial).toLocaleString('en-US')} | ${sum(s.rejected).toLocaleString('en-US')} | ${fmtCodes(s.rejected)} | ${s.slowestMs.toFixed(1)} ms | ${s.over500ms} | ${s.crashes} | ${s.hangs.length} | ${Math.round(s.inputs / s.seconds).toLocaleString('en-US')} |`,
    );
  return rows.join('\n');
}

export function renderDetails(all: TargetStats[]): string {
  const out: string[] = [];
  for (const s of all) {
    const tags = Object.entries(s.tags)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 14)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    out.push(
      `- **${s.target}**: partial by code: ${fmtCodes(s.partial)}${tags ? `; reached: ${tags}` : ''}; slowest input #${s.slowestIndex}; ${s.seconds.toFixed(0)} s; peak RSS ${s.peakRssMb.toFixed(0)} MB`,
    );
    for (const c of s.crashSamples)
      out.push(
        `  - CRASH ${c.message}${c.context ? ` (${c.context})` : ''}\n    ${c.replay}\n    ${c.stack.split('\n').slice(0, 6).join('\n    ')}`,
      );
    for (const h of s.hangs) out.push(`  - HANG ${h.replay}`);
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'per-target': { type: 'string', default: '1000000' },
      target: { type: 'string' },
      seed: { type: 'string', default: '1' },
      index: { type: 'string' },
      jobs: { type: 'string', default: '1' },
      'hang-ms': { type: 'string', default: '10000' },
      out: { type: 'string' },
      list: { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed) >>> 0;
  if (values.list) {
    const c = loadCorpus({ tshark: true });
    for (const t of TARGETS) console.log(`${t.name.padEnd(22)} ${String(t.seeds(c).length).padStart(4)} seeds  ${t.what}`);
    return;
  }
  const names = values.target ? values.target.split(',') : TARGETS.map((t) => t.name);
  for (const n of names) if (!targetByName(n)) throw new Error(`unknown target ${n} (try --list)`);

  if (values.index !== undefined) {
    // Replay one input in this process, with the full stack.
    const t = targetByName(names[0] as string);
    if (!t) return;
    const index = Number(values.index);
    const input = generate(t.seeds(loadCorpus({ tshark: true })), seed, index);
    console.log(replayLine(t.name, seed, index, input, 1 << 20));
    const r = runOne(t, input);
    console.log(r.crash ? `CRASH ${r.crash.message}\n${r.crash.stack}` : `${JSON.stringify(r.outcome)} in ${r.ms.toFixed(2)} ms`);
    process.exitCode = r.crash ? 1 : 0;
    return;
  }

  const perTarget = Number(values['per-target']);
  const jobs = Math.max(1, Math.min(2, Number(values.jobs)));
  const hangMs = Number(values['hang-ms']);
  const started = new Date();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`fuzz campaign: ${names.length} targets × ${perTarget} inputs, seed ${seed}, ${jobs} worker(s)`);
  const results = new Map<string, TargetStats>();
  const queue = [...names];
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const s = await runTarget(n, seed, perTarget, hangMs, log);
        results.set(n, s);
        log(
          `${n}: ${s.inputs} inputs, ${s.ok} ok, ${sum(s.partial)} partial, ${sum(s.rejected)} rejected, ${s.crashes} crashes, ${s.hangs.length} hangs, slowest ${s.slowestMs.toFixed(1)} ms, ${s.seconds.toFixed(0)} s`,
        );
      }
    }),
  );
  const all = names.map((n) => results.get(n) as TargetStats);
  const cmd = `npm run fuzz -- ${process.argv.slice(2).join(' ')}`.trim();
  const report = [
    `Date: ${started.toISOString()} → ${new Date().toISOString()}`,
    `Command: \`${cmd}\``,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${jobs} worker(s)`,
    '',
    renderTable(all),
    '',
    renderDetails(all),
    '',
  ].join('\n');
  process.stdout.write(report);
  if (values.out) writeFileSync(values.out, report);
  const bad = all.reduce((a, s) => a + s.crashes + s.hangs.length + s.over500ms, 0);
  process.exitCode = bad ? 1 : 0;
}

if (isMainThread) await main();
else workerMain(workerData as WorkerJob);
