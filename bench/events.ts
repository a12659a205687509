/**
 * `kerbscope events` vs libevtx's `evtxexport` on big EVTX files (issue 11). Builds EVTX files under /tmp from the
 * corpus: every chunk of every corpus file whose header checksum holds (59 chunks: Security logons, Kerberos
 * AS/TGS/pre-auth failures, System Time-Service/LsaSrv/NETLOGON…) repeated until the file has the size asked, behind
 * a fresh file header (chunk count, checksum). Then runs, once each and whole-process, in the same run:
 *   - `kerbscope events F --json` (decode every record, normalise, facts, rulebook, report; output small),
 *   - `kerbscope events F --ndjson` (every record rendered as an ECS JSON line, to /dev/null),
 *   - `evtxexport -f xml F` (every record rendered as XML, to /dev/null),
 * and reports records/s (the record count from kerbscope's JSON; evtxexport's own count checked in a separate,
 * untimed run) and peak RSS (GNU time) at each size, so that memory flat in the file size shows. Deletes the files.
 *
 *   npx tsx bench/events.ts [--sizes 100,300] [--keep] [--no-build] [--no-verify]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from '../src/evtx/crc32.js';
import { CHUNK_SIZE, decodeChunkHeader, FILE_HEADER_SIZE } from '../src/evtx/file.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EVTX_DIR = path.resolve(ROOT, '../shared/corpus/evtx');
const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? (args[i + 1] ?? d) : d;
};
const sizesMiB = opt('sizes', '100,300').split(',').map(Number);

/** Every chunk with a good header checksum of every corpus .evtx file. */
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
  walk(EVTX_DIR);
  return out;
}

/** An EVTX file of about `mib` MiB: a file header, then the corpus chunks over and over. */
function generate(file: string, mib: number, chunks: readonly Uint8Array[]): { chunks: number; bytes: number } {
  const n = Math.ceil((mib * 2 ** 20 - FILE_HEADER_SIZE) / CHUNK_SIZE);
  const head = new Uint8Array(FILE_HEADER_SIZE);
  const dv = new DataView(head.buffer);
  head.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]); // "ElfFile\0"
  dv.setBigUint64(16, BigInt(n - 1), true); // last chunk number
  dv.setBigUint64(24, 1n, true); // next record id (ids repeat: the file is a replication, not a log)
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
  return { chunks: n, bytes: statSync(file).size };
}

interface Run {
  label: string;
  seconds: number;
  rssMiB: number;
  out: string;
}

/** One whole-process run under GNU time (`exec` so that the RSS is the tool's, not the shell's). */
function timed(label: string, shell: string): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'sh', '-c', `exec ${shell}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [sec, kb] = last.split(' ').map(Number);
  return { label, seconds: sec ?? Number.NaN, rssMiB: (kb ?? 0) / 1024, out: r.stdout };
}

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

if (!args.includes('--no-build')) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
if (spawnSync('evtxexport', ['-V'], { stdio: 'ignore' }).status !== 0) {
  console.log('evtxexport (Debian libevtx-utils) is not installed: the comparison did not run.');
  process.exit(1);
}
const version = spawnSync('evtxexport', ['-V'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim();
const chunks = corpusChunks();
const cli = path.join(ROOT, 'dist/kerbscope.mjs');
const rows: string[] = [];
const notes: string[] = [];
for (const mib of sizesMiB) {
  const file = path.join(os.tmpdir(), `kerbscope-bench-events-${mib}.evtx`);
  const g = generate(file, mib, chunks);
  try {
    const mine = timed('kerbscope events --json', `${q(process.execPath)} ${q(cli)} events ${q(file)} --json`);
    const report = JSON.parse(mine.out) as { records: number; rejected: number; lost: number; findings: unknown[] };
    const nd = timed('kerbscope events --ndjson', `${q(process.execPath)} ${q(cli)} events ${q(file)} --ndjson > /dev/null`);
    const lib = timed('evtxexport -f xml', `evtxexport -f xml ${q(file)} > /dev/null`);
    let libRecords = Number.NaN;
    if (!args.includes('--no-verify')) {
      const c = spawnSync('sh', ['-c', `evtxexport -f xml ${q(file)} | grep -c '<Event '`], { encoding: 'utf8' });
      libRecords = Number(c.stdout.trim());
    }
    const n = report.records;
    const size = `${(g.bytes / 2 ** 20).toFixed(0)} MiB (${g.chunks} chunks, ${n.toLocaleString('en-US')} records)`;
    for (const r of [mine, nd, lib])
      rows.push(
        `| ${size} | ${r.label} | ${r.seconds.toFixed(2)} s | ${Math.round(n / r.seconds).toLocaleString('en-US')} | ${(g.bytes / 1e6 / r.seconds).toFixed(0)} MB/s | ${r.rssMiB.toFixed(0)} MiB | ${r === lib ? '1×' : `${(lib.seconds / r.seconds).toFixed(1)}×`} |`,
      );
    notes.push(
      `${size}: kerbscope rejected ${report.rejected}, lost ${report.lost}, ${report.findings.length} findings; evtxexport printed ${Number.isNaN(libRecords) ? '(not counted)' : libRecords.toLocaleString('en-US')} <Event> elements${libRecords === n ? ' (equal)' : Number.isNaN(libRecords) ? '' : ' (DIFFERENT)'}.`,
    );
  } finally {
    if (!args.includes('--keep')) rmSync(file, { force: true });
  }
}
const cpu = os.cpus();
console.log(
  `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}; Node ${process.version}; ${version}; load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} at the end.\n`,
);
console.log('| file | command | wall | records/s | throughput | peak RSS | vs evtxexport |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
console.log('');
for (const n of notes) console.log(`- ${n}`);
