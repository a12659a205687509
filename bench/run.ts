/**
 * kerbscope benchmarks: `npm run bench -- [--runs N] [--copies N] [--seconds S] [--no-build] [--out bench/RESULTS.md]`.
 *
 * (a) whole-process time of the bundled CLI (`--version`, `decode` of a Negotiate header, `decode --keytab`) against
 *     `node -e 0`, with hyperfine when installed (else a spawnSync loop);
 * (b) decrypt throughput per enctype (17, 18, 19, 20, 23) for ticket-sized (1 KiB) and 64 KiB messages;
 * (c) the peer in the same run: tshark decoding the Kerberos messages of a capture, and decrypting an AP-REQ with a
 *     keytab, against kerbscope doing the same to the same bytes in-process;
 * (e) with `--only e` (minutes, not in the default set): `kerbscope events` vs libevtx `evtxexport` on 100 and 300 MiB
 *     EVTX files built from the corpus (bench/events.ts).
 * Prints markdown tables. Timings are wall-clock on whatever else the machine is doing: run it on a quiet machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decrypt, encrypt, requireEnctype } from '../src/crypto/index.js';
import { decodeKeytab } from '../src/formats/keytab.js';
import { KeySet } from '../src/inspect/keys.js';
import { decryptTicket } from '../src/inspect/ticket.js';
import { inspectToken } from '../src/inspect/token.js';
import { decodeGssToken } from '../src/protocol/gss/token.js';
import { decodeKrb5Message, type Krb5Message } from '../src/protocol/krb5/index.js';
import { toBase64 } from '../src/wire/encoding.js';
import { stripRecordMark, tsharkRaw } from '../test/fuzz/seeds.js';
import { repeatPcap } from './pcap.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    copies: { type: 'string', default: '50' },
    'decrypt-copies': { type: 'string', default: '200' },
    seconds: { type: 'string', default: '1' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string', default: 'a,b,c' },
  },
});
const ONLY = new Set(String(values.only).split(','));
const RUNS = Number(values.runs);
const COPIES = Number(values.copies);
const DECRYPT_COPIES = Number(values['decrypt-copies']);
const SECONDS = Number(values.seconds);

const out: string[] = [];
const say = (s = '') => {
  out.push(s);
  process.stdout.write(`${s}\n`);
};
const has = (cmd: string, arg = '--version') => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;
const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}
const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kerbscope-bench-'));

// ------------------------------------------------------------------ (a) whole-process time

function processTimes(): void {
  if (!values['no-build']) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  let sample = path.join(ROOT, 'samples/mit-http-negotiate.txt');
  if (!existsSync(sample)) {
    sample = path.join(tmp, 'negotiate.txt');
    const tok = new Uint8Array(readFileSync(path.join(CORPUS, 'vectors/kerberos-net/aes256-spnego-data')));
    writeFileSync(sample, `Authorization: Negotiate ${toBase64(tok)}\n`);
  }
  const keytab = path.join(ROOT, 'samples/mit-http.keytab');
  const cli = path.join(ROOT, 'dist/kerbscope.mjs');
  const cmds: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['kerbscope --version', [cli, '--version']],
    [`kerbscope decode ${path.relative(ROOT, sample)}`, [cli, 'decode', sample]],
  ];
  if (existsSync(keytab) && sample.startsWith(ROOT))
    cmds.push([
      `kerbscope decode ${path.relative(ROOT, sample)} --keytab samples/mit-http.keytab`,
      [cli, 'decode', sample, '--keytab', keytab],
    ]);
  const node = process.execPath;
  const times = new Map<string, number[]>();
  let tool = 'spawnSync loop';
  if (has('hyperfine')) {
    tool = `hyperfine ${spawnSync('hyperfine', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[1]} (-N, ${RUNS} runs, 3 warm-up)`;
    const json = path.join(tmp, 'hf.json');
    const q = (a: string) => (/^[\w./=:-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
    const r = spawnSync(
      'hyperfine',
      ['-N', '-i', '--warmup', '3', '--runs', String(RUNS), '--export-json', json, ...cmds.map(([, a]) => [node, ...a].map(q).join(' '))],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (r.status !== 0) throw new Error('hyperfine failed');
    const res = JSON.parse(readFileSync(json, 'utf8')).results as { times: number[]; exit_codes?: number[] }[];
    cmds.forEach(([label], i) => {
      times.set(label, res[i]?.times ?? []);
    });
  } else {
    for (const [label, args] of cmds) {
      const xs: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const t0 = performance.now();
        spawnSync(node, args, { cwd: ROOT, stdio: 'ignore' });
        if (i >= 3) xs.push((performance.now() - t0) / 1000);
      }
      times.set(label, xs);
    }
  }
  const base = median(times.get('node -e 0') ?? []);
  say(`### (a) Whole-process time (${tool})`);
  say();
  say('| command | median | p90 | over `node -e 0` | ratio to `node -e 0` |');
  say('|---|---:|---:|---:|---:|');
  for (const [label] of cmds) {
    const xs = times.get(label) ?? [];
    const m = median(xs);
    say(
      `| \`${label}\` | ${ms(m)} | ${ms(quantile(xs, 0.9))} | ${label === 'node -e 0' ? '-' : `+${ms(m - base)}`} | ${(m / base).toFixed(2)}× |`,
    );
  }
  say();
}

// ------------------------------------------------------------------ (b) decrypt throughput per enctype

function cryptoThroughput(): void {
  say(`### (b) Decrypt throughput per enctype (src/crypto, in-process, ≥ ${SECONDS} s per cell)`);
  say();
  say('| enctype | 1 KiB: ops/s | 1 KiB: MB/s | 64 KiB: ops/s | 64 KiB: MB/s |');
  say('|---|---:|---:|---:|---:|');
  for (const id of [17, 18, 19, 20, 23]) {
    const et = requireEnctype(id);
    const key = new Uint8Array(et.keySize).map((_, i) => (i * 37 + 11) & 0xff);
    const cells: string[] = [];
    for (const size of [1024, 65536]) {
      const plain = new Uint8Array(size).map((_, i) => i & 0xff);
      const ct = encrypt(id, key, 2, plain);
      for (let i = 0; i < 20; i++) decrypt(id, key, 2, ct); // warm-up (JIT)
      let n = 0;
      const t0 = performance.now();
      let el = 0;
      do {
        for (let i = 0; i < 16; i++) decrypt(id, key, 2, ct);
        n += 16;
        el = (performance.now() - t0) / 1000;
      } while (el < SECONDS);
      cells.push(fmt(n / el), fmt((n * size) / el / 1e6, 1));
    }
    say(`| ${id} ${et.name} | ${cells.join(' | ')} |`);
  }
  say();
}

// ------------------------------------------------------------------ (c) the peer: tshark

function timeIt(f: () => void, reps = 3): number {
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    xs.push((performance.now() - t0) / 1000);
  }
  return median(xs);
}

function tshark(args: string[]): { seconds: number; lines: string[] } {
  let stdout = '';
  const seconds = timeIt(() => {
    const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr}`);
    stdout = r.stdout;
  });
  return { seconds, lines: stdout.split('\n').filter((l) => l.trim()) };
}

/** The fields tshark prints below, read from our decoded message (so both sides do comparable work). */
function fields(m: Krb5Message): string {
  const msg = m.message as { cname?: { nameString: string[] }; crealm?: string; realm?: string; req?: unknown };
  const body = (m.message as { reqBody?: { cname?: { nameString: string[] }; realm: string; sname?: { nameString: string[] } } }).reqBody;
  const cname = (body?.cname ?? msg.cname)?.nameString.join('/') ?? '';
  const realm = body?.realm ?? msg.crealm ?? msg.realm ?? '';
  return `${m.msgType}\t${cname}\t${realm}\t${body?.sname?.nameString.join('/') ?? ''}`;
}

function peerDecode(): void {
  const src = path.join(CORPUS, 'pcap/zeek/krb/kinit.pcap');
  const big = path.join(tmp, `kinit-x${COPIES}.pcap`);
  const frames = repeatPcap(src, big, COPIES, [88]);
  const tf = [
    '-Y',
    'kerberos',
    '-T',
    'fields',
    '-e',
    'kerberos.msg_type',
    '-e',
    'kerberos.CNameString',
    '-e',
    'kerberos.realm',
    '-e',
    'kerberos.SNameString',
  ];
  const one = tshark(['-r', src, ...tf]);
  const many = tshark(['-r', big, ...tf]);
  const count = (lines: string[]) => lines.reduce((a, l) => a + (l.split('\t')[0] ?? '').split(',').filter(Boolean).length, 0);
  const n1 = count(one.lines);
  const nBig = count(many.lines);
  const msgs = tsharkRaw(src, 'kerberos').map(stripRecordMark);
  let decoded = 0;
  const sink: string[] = [];
  const oursSec = timeIt(() => {
    decoded = 0;
    sink.length = 0;
    for (let k = 0; k < COPIES; k++)
      for (const b of msgs) {
        sink.push(fields(decodeKrb5Message(b)));
        decoded++;
      }
  });
  const tsharkMarginal = (nBig - n1) / (many.seconds - one.seconds);
  const ours = decoded / oursSec;
  say(`### (c1) Decoding the Kerberos messages of a capture: tshark vs kerbscope (same run)`);
  say();
  say(
    `Capture: \`pcap/zeek/krb/kinit.pcap\` (${n1} Kerberos messages in ${frames / COPIES} frames, UDP and TCP) repeated ${COPIES}× on fresh client ports → ${fmt(frames)} frames, ${fmt(nBig)} messages. tshark: \`tshark -r FILE -Y kerberos -T fields -e kerberos.msg_type -e kerberos.CNameString -e kerberos.realm -e kerberos.SNameString\` (whole process, median of 3). kerbscope: \`decodeKrb5Message\` + the same four fields on the ${msgs.length} messages tshark extracted (\`-T json -x\`, kerberos_raw), ${COPIES}×, in-process (median of 3).`,
  );
  say();
  say('| decoder | messages | time | messages/s | ratio |');
  say('|---|---:|---:|---:|---:|');
  say(`| tshark, 1× file (whole process) | ${fmt(n1)} | ${ms(one.seconds)} | ${fmt(n1 / one.seconds)} | |`);
  say(`| tshark, ${COPIES}× file (whole process) | ${fmt(nBig)} | ${ms(many.seconds)} | ${fmt(nBig / many.seconds)} | 1× |`);
  say(`| tshark, marginal (startup subtracted) | ${fmt(nBig - n1)} | ${ms(many.seconds - one.seconds)} | ${fmt(tsharkMarginal)} | |`);
  say(
    `| kerbscope decodeKrb5Message (in-process) | ${fmt(decoded)} | ${ms(oursSec)} | ${fmt(ours)} | ${(ours / (nBig / many.seconds)).toFixed(1)}× whole-process tshark, ${(ours / tsharkMarginal).toFixed(1)}× marginal |`,
  );
  say();
}

function peerDecrypt(): void {
  const src = path.join(CORPUS, 'pcap/zeek/krb/smb2_krb.pcap');
  const keytab = path.join(CORPUS, 'pcap/zeek/krb/smb2_krb.keytab');
  const big = path.join(tmp, `smb2_krb-x${DECRYPT_COPIES}.pcap`);
  repeatPcap(src, big, DECRYPT_COPIES, [445]);
  const sel = ['-Y', 'kerberos.msg_type == 14', '-T', 'fields', '-e', 'kerberos.CNameString', '-e', 'kerberos.SNameString'];
  const dec = ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${keytab}`];
  const plain = tshark(['-r', big, ...sel]);
  const withKey = tshark(['-r', big, ...dec, ...sel]);
  const oneKey = tshark(['-r', src, ...dec, ...sel]);
  const opened = withKey.lines.filter((l) => (l.split('\t')[0] ?? '') !== '').length;
  const apReqs = withKey.lines.length;
  // The same AP-REQ bytes, from the same capture: the SMB2 session-setup security blob.
  const blobs = tsharkRaw(src, 'smb2.security_blob', 'kerberos.msg_type == 14 && smb2');
  const blob = blobs[0];
  if (!blob) throw new Error('no AP-REQ security blob in smb2_krb.pcap');
  const keys = new KeySet();
  keys.addKeytab(decodeKeytab(new Uint8Array(readFileSync(keytab))).entries, 'smb2_krb.keytab');
  const g = decodeGssToken(blob);
  const l = g.layers.find((x) => x.kind === 'krb5-message');
  if (l?.kind !== 'krb5-message' || l.decoded.name !== 'AP-REQ') throw new Error('no AP-REQ in the blob');
  const ap = l.decoded.message;
  if (decryptTicket(ap.ticket, keys).status !== 'decrypted') throw new Error('our keytab does not open the ticket');
  const n = DECRYPT_COPIES;
  const tTicket = timeIt(() => {
    for (let i = 0; i < n; i++) decryptTicket(ap.ticket, keys);
  });
  let lastStatus = '';
  const tFull = timeIt(() => {
    for (let i = 0; i < n; i++) {
      const r = inspectToken(blob, { label: 'bench', encoding: 'binary', bytes: blob.length }, { keys, sessionKeys: [], options: {} });
      lastStatus = String((r.view.ticket as { decryption?: { status?: string } } | undefined)?.decryption?.status);
    }
  });
  const tsharkRate = apReqs / withKey.seconds;
  const tsharkMarginal = (apReqs - 1) / (withKey.seconds - oneKey.seconds);
  say(`### (c2) Decrypting an AP-REQ with a keytab: tshark vs kerbscope (same run)`);
  say();
  say(
    `Capture: \`pcap/zeek/krb/smb2_krb.pcap\` (one SMB2 session setup carrying an AP-REQ, aes256-cts ticket) repeated ${n}× on fresh client ports; keytab \`smb2_krb.keytab\`. tshark: \`-o kerberos.decrypt:TRUE -o kerberos.file:KEYTAB -Y "kerberos.msg_type == 14" -T fields -e kerberos.CNameString -e kerberos.SNameString\` (whole process, median of 3; ${opened}/${apReqs} AP-REQs show the client name, which only the decrypted ticket holds). kerbscope: the same security blob (tshark-extracted), ${n}×, in-process: \`decryptTicket\` alone, and the whole \`inspectToken\` (ticket, authenticator, PAC, PAC server signature; status ${lastStatus}).`,
  );
  say();
  say('| decryptor | AP-REQs | time | AP-REQs/s | ratio |');
  say('|---|---:|---:|---:|---:|');
  say(
    `| tshark without keytab (${n}×, whole process) | ${plain.lines.length} | ${ms(plain.seconds)} | ${fmt(plain.lines.length / plain.seconds)} | |`,
  );
  say(`| tshark with keytab, 1× file (whole process) | 1 | ${ms(oneKey.seconds)} | | |`);
  say(`| tshark with keytab (${n}×, whole process) | ${apReqs} | ${ms(withKey.seconds)} | ${fmt(tsharkRate)} | 1× |`);
  say(
    `| tshark with keytab, marginal (startup subtracted) | ${apReqs - 1} | ${ms(withKey.seconds - oneKey.seconds)} | ${fmt(tsharkMarginal)} | |`,
  );
  say(
    `| kerbscope decryptTicket | ${n} | ${ms(tTicket)} | ${fmt(n / tTicket)} | ${(n / tTicket / tsharkRate).toFixed(1)}× whole-process, ${(n / tTicket / tsharkMarginal).toFixed(1)}× marginal |`,
  );
  say(
    `| kerbscope inspectToken (full) | ${n} | ${ms(tFull)} | ${fmt(n / tFull)} | ${(n / tFull / tsharkRate).toFixed(1)}× whole-process, ${(n / tFull / tsharkMarginal).toFixed(1)}× marginal |`,
  );
  say();
}

try {
  const cpu = os.cpus();
  say(`## kerbscope benchmarks — ${new Date().toISOString()}`);
  say();
  say(
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, ${os.type()} ${os.release()}; Node ${process.version}; load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at start.`,
  );
  if (has('tshark')) say(`tshark: ${spawnSync('tshark', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}`);
  say();
  if (ONLY.has('a')) processTimes();
  if (ONLY.has('b')) cryptoThroughput();
  if (ONLY.has('e')) {
    say('### (e) `kerbscope events` vs `evtxexport -f xml` (bench/events.ts, whole process, same run)');
    say();
    const e = spawnSync(process.execPath, ['--import', 'tsx', 'bench/events.ts', '--no-build'], { cwd: ROOT, encoding: 'utf8' });
    for (const line of e.stdout.trimEnd().split('\n')) say(line);
    say();
  }
  if (!ONLY.has('c')) {
    // skipped
  } else if (has('tshark')) {
    peerDecode();
    peerDecrypt();
  } else say('tshark is not installed: the peer comparison (c) did not run.');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (values.out) writeFileSync(values.out, `${out.join('\n')}\n`);
