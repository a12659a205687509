/**
 * The web app (issue 12) against the CLI on the same files. Measures:
 *   - the page's weight: every file of dist/web, raw and gzip'd (what a browser downloads once, from `kerbscope serve`);
 *   - page load (goto → the app's ready mark) in headless Chromium (Debian's, driven by playwright-core);
 *   - time to first result: a file picked in the page → its report shown (wall time seen by the driver, and the
 *     page's own measures), against `kerbscope <trace|events> FILE` (its text report) as a whole process (start-up included),
 *     for a small corpus capture, a ~30 MB capture (the corpus kinit.pcap repeated, bench/pcap.ts), a small corpus EVTX
 *     and a ~30 MB EVTX (corpus chunks behind a fresh header, as bench/events.ts builds them). Files over 2 MB go
 *     through the page's worker.
 * One run each (a shared 2-core machine); files are built under /tmp and deleted.
 *
 *   npx tsx bench/web.ts [--mib 30] [--no-build] [--keep]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { crc32 } from '../src/evtx/crc32.js';
import { CHUNK_SIZE, decodeChunkHeader, FILE_HEADER_SIZE } from '../src/evtx/file.js';
import { repeatPcap } from './pcap.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const CLI = path.join(ROOT, 'dist/kerbscope.mjs');
const CHROMIUM = process.env.KERBSCOPE_CHROMIUM ?? '/usr/bin/chromium';
const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? (args[i + 1] ?? d) : d;
};
const MIB = Number(opt('mib', '30'));

/** Every chunk with a good header checksum of every corpus .evtx file (as bench/events.ts). */
function corpusChunks(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('_')) walk(p);
      else if (e.isFile() && e.name.endsWith('.evtx')) {
        const b = new Uint8Array(readFileSync(p));
        for (let o = FILE_HEADER_SIZE; o + CHUNK_SIZE <= b.length; o += CHUNK_SIZE) {
          const h = decodeChunkHeader(b.subarray(o, o + 512));
          if (h?.headerChecksumOk) out.push(b.slice(o, o + CHUNK_SIZE));
        }
      }
    }
  };
  walk(path.join(CORPUS, 'evtx'));
  return out;
}

/** An EVTX file of about `mib` MiB: a file header, then the corpus chunks over and over (as bench/events.ts). */
function generateEvtx(file: string, mib: number): void {
  const chunks = corpusChunks();
  const n = Math.ceil((mib * 2 ** 20 - FILE_HEADER_SIZE) / CHUNK_SIZE);
  const head = new Uint8Array(FILE_HEADER_SIZE);
  const dv = new DataView(head.buffer);
  head.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]);
  dv.setBigUint64(16, BigInt(n - 1), true);
  dv.setBigUint64(24, 1n, true);
  dv.setUint32(32, 128, true);
  dv.setUint16(36, 1, true);
  dv.setUint16(38, 3, true);
  dv.setUint16(40, FILE_HEADER_SIZE, true);
  dv.setUint16(42, Math.min(n, 0xffff), true);
  dv.setUint32(124, crc32(head, 0, 120), true);
  const fd = openSync(file, 'w');
  writeSync(fd, head);
  for (let i = 0; i < n; i++) writeSync(fd, chunks[i % chunks.length] as Uint8Array);
  closeSync(fd);
}

/** The CLI's default (text) report, timed as a whole process; then, untimed, its --json for the findings count. */
function cliRun(cmd: 'trace' | 'events', file: string): { ms: number; findings: number } {
  const t0 = performance.now();
  const t = spawnSync(process.execPath, [CLI, cmd, file], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (t.status === null || t.status > 1) throw new Error(`kerbscope ${cmd} ${file}: exit ${t.status} ${t.stderr}`);
  const r = spawnSync(process.execPath, [CLI, cmd, file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ms, findings: (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length };
}

function serve(): Promise<{ url: string; proc: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('kerbscope serve printed no URL')), 20_000);
    proc.stdout?.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], proc });
      }
    });
  });
}

if (!args.includes('--no-build')) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });

// ---- the page's weight ----
const web = path.join(ROOT, 'dist/web');
let raw = 0;
let gz = 0;
const sizes: string[] = [];
for (const f of readdirSync(web).sort()) {
  const b = readFileSync(path.join(web, f));
  raw += b.length;
  const g = gzipSync(b, { level: 9 }).length;
  gz += g;
  sizes.push(`${f} ${(b.length / 1024).toFixed(1)} KiB (gzip ${(g / 1024).toFixed(1)})`);
}
console.log(`dist/web: ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzip'd — ${sizes.join('; ')}`);

// ---- the inputs ----
const tmp = os.tmpdir();
const bigPcap = path.join(tmp, `kerbscope-bench-web-${MIB}.pcap`);
const bigEvtx = path.join(tmp, `kerbscope-bench-web-${MIB}.evtx`);
const kinit = path.join(CORPUS, 'pcap/zeek/krb/kinit.pcap');
const copies = Math.max(1, Math.round((MIB * 2 ** 20) / statSync(kinit).size));
repeatPcap(kinit, bigPcap, copies, [88, 464, 749]);
generateEvtx(bigEvtx, MIB);
const inputs: { label: string; cmd: 'trace' | 'events'; file: string }[] = [
  { label: 'corpus capture zeek/krb/kinit.pcap', cmd: 'trace', file: kinit },
  { label: `capture: kinit.pcap ×${copies}`, cmd: 'trace', file: bigPcap },
  {
    label: 'corpus EVTX kerberos_pwd_spray_4771.evtx',
    cmd: 'events',
    file: path.join(CORPUS, 'evtx/evtx-attack-samples/kerberos_pwd_spray_4771.evtx'),
  },
  { label: 'EVTX: corpus chunks repeated', cmd: 'events', file: bigEvtx },
];

// ---- the browser ----
const server = await serve();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const rows: string[] = [];
try {
  const page = await browser.newPage();
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url)) outside.push(r.url());
  });
  const t0 = performance.now();
  await page.goto(server.url);
  await page.waitForFunction(
    () => (globalThis as unknown as { document: { body: { dataset: { ready?: string } } } }).document.body.dataset.ready === '1',
  );
  console.log(`page load (goto → app ready, from 127.0.0.1): ${(performance.now() - t0).toFixed(0)} ms`);
  for (const i of inputs) {
    const size = statSync(i.file).size;
    const cli = cliRun(i.cmd, i.file);
    await page.click('#clear');
    const t = performance.now();
    await page.setInputFiles('#files', i.file);
    await page.waitForFunction(
      () => {
        const d = (globalThis as unknown as { document: { querySelector(s: string): unknown; body: { dataset: { lastError?: string } } } })
          .document;
        const s = d.querySelector('#results > section.result') as { dataset: Record<string, string> } | null;
        return s?.dataset.paintedMs !== undefined || d.body.dataset.lastError;
      },
      undefined,
      { timeout: 600_000, polling: 50 },
    );
    const wall = performance.now() - t;
    const r = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { dataset: Record<string, string> } | null } }).document;
      const s = d.querySelector('#results > section.result');
      return {
        ms: Number(s?.dataset.ms),
        shown: Number(s?.dataset.shownMs),
        painted: Number(s?.dataset.paintedMs),
        findings: Number(s?.dataset.findings),
      };
    });
    rows.push(
      `| ${i.label} | ${(size / 2 ** 20).toFixed(1)} MiB | ${wall.toFixed(0)} ms (page: analysis ${r.ms} ms, in the DOM ${r.shown} ms, painted ${r.painted} ms)${size > 2 * 2 ** 20 ? ', worker' : ''} | ${cli.ms.toFixed(0)} ms | ${r.findings} / ${cli.findings} |`,
    );
  }
  if (outside.length) throw new Error(`the page made requests outside its server: ${outside.join(', ')}`);
} finally {
  await browser.close();
  server.proc.kill('SIGTERM');
  if (!args.includes('--keep')) {
    rmSync(bigPcap, { force: true });
    rmSync(bigEvtx, { force: true });
  }
}
console.log('\n| input | size | browser: file picked → report shown | CLI (text report, whole process) | findings page / CLI |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
