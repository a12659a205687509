/**
 * `kerbscope trace` vs tshark on big captures (issue 10). Generates a capture under /tmp — mostly bulk HTTP over
 * TCP in Ethernet-sized frames (1460-byte segments, an ACK every second segment, as a NIC capture with TSO/GRO off
 * shows it), with the guidance's walk sprinkled in every `--every` MiB (DNS, GET → 401 Negotiate, TGS-REQ/REP on
 * UDP 88, GET with the AP-REQ → 200 with the AP-REP and the bulk body) from the lab's real payloads — then runs, once
 * each, whole-process: `kerbscope trace F --json`, `tshark -r F -Y kerberos -T fields ...` with default preferences,
 * and the same with `-o http.desegment_body:FALSE`. Reports MB/s and peak RSS (GNU time), and deletes the files.
 *
 *   npx tsx bench/trace.ts [--sizes 256,1100] [--every 8] [--keep] [--no-build]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ascii, CaptureWriter, ethIpv4, F, TcpFlow, tcp, udp } from '../test/capture/synth.js';
import { samplePayloads } from '../test/capture/walk.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? (args[i + 1] ?? d) : d;
};
const sizesMiB = opt('sizes', '256,1100').split(',').map(Number);
const everyMiB = Number(opt('every', '8'));

/** Writes a capture of about `mib` MiB; returns the number of walks and frames. */
function generate(file: string, mib: number): { walks: number; frames: number; bytes: number } {
  const p = samplePayloads();
  const fd = openSync(file, 'w');
  const w = new CaptureWriter({ format: 'pcapng' }, (c) => writeSync(fd, c));
  const target = mib * 1024 * 1024;
  // compressed-looking content (a zip, an image): bytes of a fixed pseudo-random sequence
  let x = 0x12345678;
  const bulk = new Uint8Array(1460).map(() => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
  let t = 1764651590;
  let port = 20000;
  let walks = 0;
  const C = '10.201.0.20';
  const KDC = '10.201.0.10';
  const WEB = '10.201.0.11';
  const body = everyMiB * 1024 * 1024;
  while (w.written < target) {
    walks++;
    port = port >= 60000 ? 20000 : port + 1;
    const u = (s: string, d: string, sp: number, dp: number, pl: Uint8Array) => {
      t += 0.0001;
      w.packet(ethIpv4(s, d, 17, udp(s, d, sp, dp, pl)), t);
    };
    u(C, KDC, port, 53, p.dnsQuery);
    u(KDC, C, 53, port, p.dnsAnswer);
    const f = new TcpFlow(w, C, WEB, port, 80, t);
    f.handshake();
    f.send(0, ascii(p.get));
    f.send(1, ascii(p.resp401));
    u(C, KDC, port, 88, p.tgsReq);
    u(KDC, C, 88, port, p.tgsRep);
    f.t = t;
    f.send(0, ascii(p.getAuth));
    // the 200 with the AP-REP, its head announcing the bulk body that follows in full-sized segments
    const head = p.resp200.split('\r\n\r\n')[0]?.replace(/Content-Length: \d+/i, `Content-Length: ${body}`) ?? '';
    f.send(1, ascii(`${head}\r\n\r\n`));
    let sent = 0;
    let n = 0;
    while (sent < body) {
      const seg = body - sent >= 1460 ? bulk : bulk.subarray(0, body - sent);
      f.t += 0.000012;
      w.packet(ethIpv4(WEB, C, 6, tcp(WEB, C, 80, port, f.seq[1], f.seq[0], F.ACK, seg)), f.t);
      f.seq[1] = (f.seq[1] + seg.length) >>> 0;
      sent += seg.length;
      if (++n % 2 === 0) {
        f.t += 0.000001;
        w.packet(ethIpv4(C, WEB, 6, tcp(C, WEB, port, 80, f.seq[0], f.seq[1], F.ACK, new Uint8Array(0))), f.t);
      }
      if (w.written >= target + body) break;
    }
    f.close();
    t = f.t;
  }
  w.flush();
  closeSync(fd);
  return { walks, frames: w.packets, bytes: statSync(file).size };
}

interface Run {
  label: string;
  seconds: number;
  rssMiB: number;
  out: string;
  code: number | null;
}

function timed(label: string, cmd: string, argv: string[]): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [sec, kb] = last.split(' ').map(Number);
  return { label, seconds: sec ?? Number.NaN, rssMiB: (kb ?? 0) / 1024, out: r.stdout, code: r.status };
}

if (args.includes('--gen-only')) {
  const g = generate('/tmp/kb-prof.pcapng', Number(opt('gen-only', '128')));
  console.log(g);
  process.exit(0);
}
if (!args.includes('--no-build')) spawnSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
const TSHARK_FIELDS = [
  '-e',
  'frame.number',
  '-e',
  'kerberos.msg_type',
  '-e',
  'kerberos.realm',
  '-e',
  'kerberos.SNameString',
  '-e',
  'kerberos.CNameString',
  '-e',
  'kerberos.error_code',
];
const rows: string[] = [];
for (const mib of sizesMiB) {
  const file = path.join('/tmp', `kerbscope-bench-${mib}.pcapng`);
  const t0 = performance.now();
  const g = generate(file, mib);
  const genS = (performance.now() - t0) / 1000;
  const MB = g.bytes / 1e6;
  console.error(`generated ${file}: ${(g.bytes / 2 ** 20).toFixed(0)} MiB, ${g.frames} frames, ${g.walks} walks in ${genS.toFixed(1)} s`);
  const runs: Run[] = [];
  try {
    runs.push(timed('kerbscope trace --json', 'node', [path.join(ROOT, 'dist/kerbscope.mjs'), 'trace', file, '--json']));
    runs.push(timed('tshark -Y kerberos (default prefs)', 'tshark', ['-r', file, '-Y', 'kerberos', '-T', 'fields', ...TSHARK_FIELDS]));
    runs.push(
      timed('tshark -Y kerberos -o http.desegment_body:FALSE', 'tshark', [
        '-r',
        file,
        '-o',
        'http.desegment_body:FALSE',
        '-Y',
        'kerberos',
        '-T',
        'fields',
        ...TSHARK_FIELDS,
      ]),
    );
  } finally {
    if (!args.includes('--keep')) rmSync(file, { force: true });
  }
  // the two tools must have seen the same Kerberos frames
  let kerbscopeMsgs = -1;
  try {
    kerbscopeMsgs = (JSON.parse(runs[0]?.out ?? '{}') as { messages?: unknown[] }).messages?.length ?? -1;
  } catch {}
  const tsharkFrames = (runs[2]?.out ?? '').trim().split('\n').filter(Boolean).length;
  const tuned = runs[2] as Run;
  for (const r of runs) {
    rows.push(
      `| ${(g.bytes / 2 ** 20).toFixed(0)} MiB (${g.frames} frames) | ${r.label} | ${r.seconds.toFixed(2)} s | ${(MB / r.seconds).toFixed(0)} MB/s | ${r.rssMiB.toFixed(0)} MiB | ${r === runs[0] ? `${(tuned.seconds / r.seconds).toFixed(1)}× tuned tshark; ${kerbscopeMsgs} Kerberos messages` : `${tsharkFrames} Kerberos frames`} |`,
    );
  }
}
console.log('| capture | command | wall | throughput | peak RSS | note |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log(
  `\nload average at the end: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
