/**
 * `kerbscope trace` as a real process (the built bundle): the listing and JSON contract on the lab's healthy
 * capture (checked against tshark's reading of the same file), exit codes 0/1/2, damage, stdin, gzip, escaping.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ascii, CaptureWriter, ethIpv4, TcpFlow, udp } from '../capture/synth.js';
import { haveTshark, tsharkRows } from '../capture/tshark-ref.js';
import { buildWalk, SAMPLE, samplePayloads } from '../capture/walk.js';
import { runCli, runCliJson } from '../helpers/cli.js';

const CI = process.env.CI === 'true';
const skip = !CI && !haveTshark() && 'tshark not installed';
const dir = mkdtempSync(path.join(tmpdir(), 'kerbscope-trace-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('healthy lab capture: JSON contract, same Kerberos frames as tshark, exit 0', { skip }, () => {
  const r = runCliJson(['trace', SAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json;
  assert.equal(j.schemaVersion, 1);
  assert.equal(j.packets, 27);
  const rows = tsharkRows(SAMPLE).filter((x) => x['kerberos.msg_type']);
  assert.deepEqual(
    j.messages.map((m: { frame: number }) => m.frame),
    rows.map((x) => Number(x['frame.number'])),
  );
  const tgsReq = j.messages.find((m: { msgType: number }) => m.msgType === 12);
  assert.deepEqual(
    Object.keys(tgsReq).sort(),
    ['dst', 'etypes', 'frame', 'msgName', 'msgType', 'padataTypes', 'realm', 'sname', 'src', 'time', 'transport'].sort(),
  );
  assert.deepEqual(tgsReq.sname, ['HTTP', 'iisserver.contoso.com']);
  assert.equal(tgsReq.transport, 'udp');
  assert.match(tgsReq.time, /^2026-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6,9}Z$/);
  const err = j.messages.find((m: { msgType: number }) => m.msgType === 30);
  assert.equal(err.errorCode, 25);
  assert.deepEqual(
    j.http.map((h: { frame: number; method?: string; status?: number; scheme?: string; tokenMechanism?: string }) => [
      h.frame,
      h.method ?? h.status,
      h.scheme ?? null,
      h.tokenMechanism ?? null,
    ]),
    [
      [17, 'GET', null, null],
      [19, 401, 'Negotiate', null],
      [23, 'GET', 'Negotiate', 'kerberos'],
      [24, 200, 'Negotiate', 'kerberos'],
    ],
  );
  assert.ok(
    j.dns.some((d: { response: boolean; answers?: { data: string }[] }) => d.response && d.answers?.some((a) => a.data === '10.201.0.11')),
  );
  assert.deepEqual(j.problems, []);
  assert.deepEqual(
    j.findings.filter((f: { severity: string }) => f.severity === 'error'),
    [],
  );
});

test('text listing in the guidance style, conversations with every step ok', { skip }, () => {
  const r = runCli(['trace', SAMPLE, '--conversations']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Frame\s+Time \(UTC\)\s+Source\s+Destination\s+Protocol\s+Summary/);
  assert.match(
    r.stdout,
    /21\s+04:59:50\.036859\s+10\.201\.0\.20\s+10\.201\.0\.10\s+KerberosV5\s+TGS Request Realm: CONTOSO\.COM Sname: HTTP\/iisserver\.contoso\.com/,
  );
  assert.match(r.stdout, /HTTP:Response, HTTP\/1\.1, Status: 401 Unauthorized, URL: \/, WWW-Authenticate: Negotiate/);
  assert.match(r.stdout, /10\.201\.0\.20 → http:\/\/iisserver\.contoso\.com \(HTTP\/iisserver\.contoso\.com\): ok/);
  assert.match(r.stdout, /✓ result\s+frame 24\s+200 OK with AP-REP/);
});

test('a KRB-ERROR from the KDC: exit 1, the failing step marked, the root cause first', { skip }, () => {
  // the healthy walk with the TGS-REP replaced by the KDC's KDC_ERR_S_PRINCIPAL_UNKNOWN for the same request
  const p = samplePayloads();
  const w = new CaptureWriter({ format: 'pcap' });
  let t = 1764651590;
  const u = (s: string, d: string, sp: number, dp: number, pl: Uint8Array) => {
    t += 0.001;
    w.packet(ethIpv4(s, d, 17, udp(s, d, sp, dp, pl)), t);
  };
  u('10.201.0.20', '10.201.0.10', 58578, 88, p.tgsReq);
  // a minimal KRB-ERROR 7 (tshark reads it the same way: checked below)
  const err = krbError7();
  u('10.201.0.10', '10.201.0.20', 88, 58578, err);
  const file = path.join(dir, 'spn.pcap');
  writeFileSync(file, w.bytes());
  const rows = tsharkRows(file);
  assert.equal(rows.find((x) => x['frame.number'] === '2')?.['kerberos.error_code'], '7', 'tshark reads the error');
  const r = runCliJson(['trace', file]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.json.findings[0].id, 'spn-missing');
  assert.ok(r.json.findings[0].evidence.some((e: string) => e.includes('frame 2')));
  const txt = runCli(['trace', file, '--conversations']);
  assert.match(txt.stdout, /✗ 2\s+/);
  assert.match(txt.stdout, /FAILED at tgs/);
});

/** KRB-ERROR (RFC 4120 §5.9.1) pvno 5, msg-type 30, stime, susec, error-code 7, realm, sname HTTP/nospn.contoso.com */
function krbError7(): Uint8Array {
  const der = (tag: number, ...parts: number[][]) => {
    const body = parts.flat();
    const len = body.length < 128 ? [body.length] : [0x81, body.length];
    return [tag, ...len, ...body];
  };
  const int = (n: number) => der(0x02, [n]);
  const gs = (s: string) => der(0x1b, [...ascii(s)]);
  const time = der(0x18, [...ascii('20261125045950Z')]);
  const sname = der(0x30, der(0xa0, int(2)), der(0xa1, der(0x30, gs('HTTP'), gs('nospn.contoso.com'))));
  const seq = der(
    0x30,
    der(0xa0, int(5)),
    der(0xa1, int(30)),
    der(0xa4, time),
    der(0xa5, int(0)),
    der(0xa6, int(7)),
    der(0xa9, gs('CONTOSO.COM')),
    der(0xaa, sname),
  );
  return new Uint8Array(der(0x7e, seq));
}

test('not a capture / missing file / directory: exit 2, one line on stderr', () => {
  const txt = path.join(dir, 'notes.txt');
  writeFileSync(txt, 'hello\n');
  for (const [args, re] of [
    [['trace', txt], /not a pcap or pcapng capture/],
    [['trace', path.join(dir, 'nope.pcap')], /cannot read \(ENOENT\)/],
    [['trace', dir], /is a directory/],
    [['trace'], /name a capture file/],
  ] as const) {
    const r = runCli([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('truncated capture: the frames before the damage, a problem with the byte offset, exit 0', { skip }, () => {
  const whole = buildWalk({ format: 'pcapng' });
  const file = path.join(dir, 'cut.pcapng');
  writeFileSync(file, whole.subarray(0, whole.length - 10));
  const r = runCliJson(['trace', file]);
  assert.equal(r.code, 0, r.stderr);
  const p = r.json.problems.find((x: { kind: string }) => x.kind === 'file');
  assert.equal(p.block, 'EPB');
  assert.ok(p.offset > 0 && p.offset < whole.length);
  assert.equal(r.json.messages.length, 8);
  assert.ok(r.json.findings.some((f: { id: string }) => f.id === 'capture-damaged'));
});

test('stdin and gzip', { skip }, () => {
  const bytes = buildWalk({ format: 'pcap' });
  const a = runCliJson(['trace', '-'], { input: bytes });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.json.messages.length, 8);
  const gz = path.join(dir, 'walk.pcap.gz');
  writeFileSync(gz, gzipSync(bytes));
  const b = runCliJson(['trace', gz]);
  assert.deepEqual(b.json.messages, a.json.messages);
});

test('evidence is escaped in the listing: a Host header holding ESC and a newline', { skip }, () => {
  const p = samplePayloads();
  const evil = p.get.replace('Host: iisserver.contoso.com', 'Host: evil\x1b[31m.contoso.com');
  const w = new CaptureWriter({ format: 'pcap' });
  const f = new TcpFlow(w, '10.0.0.2', '10.0.0.3', 40000, 80, 1764651590);
  f.handshake();
  f.send(0, ascii(evil));
  f.send(1, ascii(p.resp401));
  f.close();
  const file = path.join(dir, 'evil.pcap');
  writeFileSync(file, w.bytes());
  const r = runCli(['trace', file]);
  assert.doesNotMatch(r.stdout, /\x1b/);
  assert.match(r.stdout, /Host: evil\\x1b\[31m\.contoso\.com/);
  // the JSON keeps the exact value
  assert.equal(runCliJson(['trace', file]).json.http[0].host, 'evil\x1b[31m.contoso.com');
});

test('--help lists the command and its options', () => {
  const r = runCli(['trace', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--conversations/);
  assert.match(r.stdout, /--keytab FILE/);
});
