/**
 * `kerbscope events` as a real process (the built bundle): the text report, the JSON contract (checked against
 * python-evtx's counts for the same file), --ndjson ECS documents, --bulk, the filters (their expected matches
 * computed from the unfiltered ECS stream), several files merged by time, a folder, stdin, damage with offsets,
 * hostile field values escaped, exit codes 0/1/2 and clear errors on garbage.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { crc32 } from '../../src/evtx/crc32.js';
import { CLI_PATH, runCli, runCliJson } from '../helpers/cli.js';
import { corpusPath, haveCorpus } from '../helpers/corpus.js';
import { commandMissing, requireOrSkip, skipUnlessCi } from '../helpers/prereq.js';

const skip = skipUnlessCi(!haveCorpus() && 'the shared corpus (../shared/corpus) is not there');
const dir = mkdtempSync(path.join(tmpdir(), 'kerbscope-events-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SPRAY = corpusPath('evtx/evtx-attack-samples/kerberos_pwd_spray_4771.evtx');
const KERBRUTE = corpusPath('evtx/evtx-to-mitre-attack/ID4768-4771-Kerberos_user_enumeration_Kerbrute.evtx');
const KERBEROAST = corpusPath('evtx/evtx-to-mitre-attack/ID4769-Kerberoast_ticket_with_low_encryption.evtx');
const QUIET = corpusPath('evtx/evtx-crate/security.evtx');
const COUNTS = corpusPath('evtx/_python-evtx_reference/event_counts.python-evtx.json');

type Doc = Record<string, any>;
function ndjson(args: string[]): { code: number | null; docs: Doc[]; stderr: string } {
  const r = runCli(['events', ...args, '--ndjson']);
  const lines = r.stdout.split('\n').filter(Boolean);
  return { code: r.code, docs: lines.map((l) => JSON.parse(l) as Doc), stderr: r.stderr };
}

describe('kerbscope events (CLI)', { skip }, () => {
  it('--json: the schema scripts rely on; counts equal python-evtx’s for the same file', () => {
    const r = runCliJson(['events', SPRAY]);
    assert.equal(r.code, 1, r.stderr); // a password spray is an error finding
    const j = r.json;
    const ref = JSON.parse(readFileSync(COUNTS, 'utf8')).files['evtx-attack-samples/kerberos_pwd_spray_4771.evtx'];
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.records, ref.records);
    assert.equal(j.rejected, ref.record_errors);
    assert.equal(j.lost, 0);
    assert.equal(j.matched, j.records);
    assert.deepEqual(j.files, [{ file: SPRAY, format: 'evtx', records: ref.records, rejected: 0, lost: 0 }]);
    // byEventId is keyed Channel:EventID
    const want: Record<string, number> = {};
    for (const [k, n] of Object.entries(ref.provider_eventid_counts as Record<string, number>)) {
      const key = `${Object.keys(ref.channels)[0]}:${k.split(':')[1]}`;
      want[key] = (want[key] ?? 0) + n;
    }
    assert.deepEqual(j.byEventId, want);
    assert.deepEqual(j.problems, []);
    assert.ok(j.findings.length > 0);
    for (const f of j.findings) {
      for (const k of ['id', 'severity', 'step', 'title', 'explanation', 'evidence', 'fix']) assert.ok(k in f, `finding without ${k}`);
      assert.ok(Number.isInteger(f.count) && f.count >= 1);
      assert.match(f.firstSeen, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(f.refs.length >= 1 && f.refs.every((x: { record?: number }) => Number.isInteger(x.record)));
    }
    assert.equal(j.findings[0].id, 'password-spray');
    assert.ok(j.findings[0].involved.clients.includes('172.16.66.1'));
    assert.ok(Array.isArray(j.accounts) && Array.isArray(j.services));
  });

  it('text: one line per cause (count, time, who, records) with its fix; account table; exit 1', () => {
    const r = runCli(['events', SPRAY]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^1 file \(evtx 1\): 12 records decoded, 0 rejected/);
    assert.match(r.stdout, /Events: Security:4768 ×9, Security:4771 ×2, Security:1102 ×1/);
    assert.match(
      r.stdout,
      /Causes \(root cause first\)\n {2}✗ password-spray ×9 {2}2020-07-22T20:29:36Z {2}accounts: .* {2}clients: 172\.16\.66\.1 {2}records: 887107, /,
    );
    assert.match(r.stdout, /\n {6}fix: Identify 172\.16\.66\.1/);
    assert.match(r.stdout, /✗ bad-password ×1 .*records: 887114 {2}\(a consequence of password-spray\)/);
    assert.match(r.stdout, /Accounts \(failures and weak tickets\)\n {2}Name +Failures +First \(UTC\) +Last \(UTC\) +Events; clients/);
    assert.match(r.stdout, /\n {2}Administrator +1 +2020-07-22T20:29:36Z +2020-07-22T20:29:36Z +Security:4771\/0x18 ×1; 172\.16\.66\.1/);
    assert.match(r.stdout, /\nFindings\n/);
  });

  it('--ndjson: one ECS document per event, Winlogbeat field names, Kerberos fields', () => {
    const { code, docs } = ndjson([SPRAY]);
    assert.equal(code, 1);
    assert.equal(docs.length, 12);
    for (const d of docs) {
      assert.match(d['@timestamp'], /^2020-07-22T/);
      assert.equal(typeof d.event.code, 'string');
      assert.equal(d.winlog.channel, 'Security');
      assert.equal(typeof d.winlog.record_id, 'string');
      assert.equal(typeof d.winlog.event_data, 'object');
    }
    const pre = docs.find((d) => d.event.code === '4771' && d.winlog.event_data.TargetUserName === 'Administrator')!;
    assert.equal(pre.user.name, 'Administrator');
    assert.equal(pre.source.ip, '172.16.66.1');
    assert.equal(pre.kerberos.result_code, 0x18);
    assert.equal(pre.kerberos.result, 'KDC_ERR_PREAUTH_FAILED');
    assert.equal(pre.event.outcome, 'failure');
    assert.equal(pre.host.name, pre.winlog.computer_name);
  });

  it('--bulk INDEX: action line + document line per event; a bad index name is a usage error', () => {
    const r = runCli(['events', SPRAY, '--bulk', 'winlogs-2020']);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 24);
    for (let i = 0; i < lines.length; i += 2) {
      assert.deepEqual(JSON.parse(lines[i]!), { index: { _index: 'winlogs-2020' } });
      assert.ok(JSON.parse(lines[i + 1]!).winlog);
    }
    const bad = runCli(['events', SPRAY, '--bulk', 'Bad Index']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--bulk Bad Index: not an Elasticsearch index name/);
  });

  it('filters: --account, --service, --since/--until match what the unfiltered stream says', () => {
    const all = ndjson([KERBRUTE]).docs;
    const bare = (s: string) => s.replace(/^.*\\/, '').replace(/@.*$/, '').toLowerCase();
    const name = all.find((d) => d.winlog.event_data.TargetUserName)!.winlog.event_data.TargetUserName as string;
    const byAccount = all.filter((d) => bare(d.winlog.event_data.TargetUserName ?? '') === bare(name));
    const a = runCliJson(['events', KERBRUTE, '--account', name.toUpperCase()]);
    assert.equal(a.json.records, all.length);
    assert.equal(a.json.matched, byAccount.length);
    const times = all.map((d) => d['@timestamp'] as string).sort();
    const mid = times[Math.floor(times.length / 2)]!;
    const since = runCliJson(['events', KERBRUTE, '--since', mid]);
    assert.equal(since.json.matched, times.filter((t) => t >= mid).length);
    const until = runCliJson(['events', KERBRUTE, '--until', mid]);
    assert.equal(until.json.matched, times.filter((t) => t <= mid).length);
    const svcDocs = ndjson([KERBEROAST]).docs.filter((d) => d.winlog.event_data.ServiceName);
    const svc = svcDocs[0]!.winlog.event_data.ServiceName as string;
    const s = runCliJson(['events', KERBEROAST, '--service', svc]);
    assert.equal(
      s.json.matched,
      svcDocs.filter((d) => (d.winlog.event_data.ServiceName as string).toLowerCase().includes(svc.toLowerCase())).length,
    );
    assert.ok(s.json.matched > 0 && s.json.matched < s.json.records + 1);
    assert.match(
      runCli(['events', KERBRUTE, '--since', mid, '--account', 'nobody-here']).stdout,
      /0 matched the filters \(since .*; account nobody-here\)/,
    );
  });

  it('several files and a folder: merged by time, every record counted once', () => {
    const docs = ndjson([SPRAY, KERBEROAST]).docs;
    assert.equal(docs.length, 12 + 10);
    const ts = docs.map((d) => d['@timestamp'] as string);
    assert.deepEqual(ts, [...ts].sort());
    const folder = path.join(dir, 'logs');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'dc1.evtx'), readFileSync(SPRAY));
    writeFileSync(path.join(folder, 'dc2.evtx'), readFileSync(KERBEROAST));
    writeFileSync(path.join(folder, 'README.txt'), 'not a log\n');
    const r = runCliJson(['events', folder]);
    assert.equal(r.json.records, 22);
    assert.equal(r.json.files.length, 2);
    assert.ok(r.json.problems.some((p: { code: string; file: string }) => p.code === 'NOT_EVENT_LOG' && p.file.endsWith('README.txt')));
  });

  it('stdin (-): an XML export read the same as the file it came from', () => {
    const xml = readFileSync(corpusPath('evtx/_python-evtx_reference/evtx-attack-samples__kerberos_pwd_spray_4771.evtx.python-evtx.xml'));
    const fromXml = runCliJson(['events', '-'], { input: xml });
    const fromEvtx = runCliJson(['events', SPRAY]);
    assert.equal(fromXml.json.files[0].format, 'xml');
    assert.equal(fromXml.json.files[0].file, 'stdin');
    assert.deepEqual(fromXml.json.byEventId, fromEvtx.json.byEventId);
    assert.deepEqual(
      fromXml.json.findings.map((f: { id: string; count: number }) => [f.id, f.count]),
      fromEvtx.json.findings.map((f: { id: string; count: number }) => [f.id, f.count]),
    );
  });

  it('hostile field values (ESC, newline) are escaped in the text report, kept exact in JSON', () => {
    const evil = 'adm\x1b[31min\nFindings: none';
    const events = [0, 1, 2, 3, 4, 5].map(
      (i) =>
        `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>4771</EventID><TimeCreated SystemTime="2024-03-01T08:00:0${i}.000Z"/><EventRecordID>${100 + i}</EventRecordID><Channel>Security</Channel><Computer>dc1.contoso.com</Computer></System><EventData><Data Name="TargetUserName">${i === 0 ? evil : `user${i}`}</Data><Data Name="ServiceName">krbtgt/CONTOSO.COM</Data><Data Name="IpAddress">::ffff:10.0.0.9</Data><Data Name="Status">0x18</Data><Data Name="PreAuthType">2</Data></EventData></Event>`,
    );
    const file = path.join(dir, 'evil.xml');
    writeFileSync(file, events.join('\n'));
    const r = runCli(['events', file]);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout, /\x1b/);
    assert.doesNotMatch(r.stdout, /^Findings: none/m);
    assert.match(r.stdout, /adm\\x1b\[31min\\nFindings: none/);
    const j = runCliJson(['events', file]).json;
    assert.equal(j.findings[0].id, 'password-spray');
    assert.ok(j.accounts.some((a: { name: string }) => a.name === evil));
  });

  it('a damaged file: the damage with its offsets in JSON and text, the rest still read, exit 1', () => {
    const bytes = new Uint8Array(readFileSync(QUIET));
    bytes.fill(0, 4096 + 3 * 65536, 4096 + 4 * 65536);
    const file = path.join(dir, 'wiped.evtx');
    writeFileSync(file, bytes);
    const r = runCliJson(['events', file]);
    assert.equal(r.code, 1);
    const intact = runCliJson(['events', QUIET]).json;
    assert.equal(r.json.records + r.json.lost, intact.records);
    assert.ok(
      r.json.problems.some(
        (p: { code: string; offset: number; chunk: number }) => p.code === 'CHUNK_ZEROED' && p.offset === 4096 + 3 * 65536 && p.chunk === 3,
      ),
    );
    const t = runCli(['events', file]);
    assert.match(t.stdout, /Damage and problems in the input\n {2}✗ .*wiped\.evtx: byte 200704 \(0x31000\), chunk 3: chunk 3 is all zeros/);
  });

  it('exit 0 when nothing is wrong; 2 with one clear line for garbage, a missing file, usage errors', () => {
    const ok = runCli(['events', QUIET]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Causes: none/);
    const garbage = path.join(dir, 'garbage.bin');
    writeFileSync(
      garbage,
      Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff),
    );
    const g = runCli(['events', garbage]);
    assert.equal(g.code, 2);
    assert.equal(g.stderr.trim().split('\n').length, 1);
    assert.match(
      g.stderr,
      /^kerbscope events: .*garbage\.bin: not an event log \(EVTX, or a wevtutil\/Event Viewer XML, Get-WinEvent JSON or Event Viewer CSV export\)/,
    );
    const cut = path.join(dir, 'header-only.evtx');
    writeFileSync(cut, readFileSync(QUIET).subarray(0, 60));
    assert.match(runCli(['events', cut]).stderr, /header-only\.evtx: EVTX file header ends early/);
    const missing = runCli(['events', path.join(dir, 'nope.evtx')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.evtx: cannot read \(ENOENT\)/);
    // one garbage file among good ones: the good ones are read, the run still says the input was not all usable
    const mixed = runCliJson(['events', SPRAY, garbage]);
    assert.equal(mixed.code, 2);
    assert.equal(mixed.json.records, 12);
    for (const args of [
      [],
      [SPRAY, '--json', '--ndjson'],
      [SPRAY, '--since', 'yesterday'],
      [SPRAY, '--since', '2024-02-01', '--until', '2024-01-01'],
    ]) {
      const u = runCli(['events', ...args]);
      assert.equal(u.code, 2, args.join(' '));
      assert.match(u.stderr, /^kerbscope events: .*\(see kerbscope events --help\)\n$/);
    }
    assert.match(runCli(['events', '--help']).stdout, /kerbscope events FILE\|FOLDER\|- .../);
  });

  it('a progress bar on stderr for a large input when stderr is a terminal (util-linux script), none when it is a pipe', (t) => {
    if (!requireOrSkip(t, commandMissing('script', ['--version']))) return;
    // about 72 MiB: security.evtx's chunks repeated behind a fresh header (the bar starts at 64 MiB)
    const src = new Uint8Array(readFileSync(QUIET));
    const chunks: Uint8Array[] = [];
    for (let o = 4096; o + 65536 <= src.length; o += 65536) if (src[o] === 0x45) chunks.push(src.subarray(o, o + 65536));
    const copies = Math.ceil(1120 / chunks.length);
    const n = copies * chunks.length;
    const big = new Uint8Array(4096 + n * 65536);
    big.set(src.subarray(0, 4096));
    const dv = new DataView(big.buffer);
    dv.setUint16(42, n, true);
    dv.setUint32(120, 0, true);
    dv.setUint32(124, crc32(big, 0, 120), true);
    for (let i = 0; i < n; i++) big.set(chunks[i % chunks.length]!, 4096 + i * 65536);
    const file = path.join(dir, 'big.evtx');
    writeFileSync(file, big);
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${CLI_PATH} events ${file} --json > /dev/null`, '/dev/null'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.match(tty.stdout, /\[#* *\] +\d+% \d+ MiB \/ \d+ MiB, [\d,]+ records/);
    const piped = runCli(['events', file, '--json'], { timeout: 120_000 });
    assert.equal(piped.stderr, '');
    assert.equal(JSON.parse(piped.stdout).records, copies * 2261);
  });
});
