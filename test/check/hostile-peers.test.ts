/**
 * Bad networks (issue 7): a KDC, a DNS server or a web server that answers garbage — or a truncated, forged-length
 * protocol message — is a finding (`bad-reply`, with the peer), never a crash, and costs no more than the timeout.
 * The peers are tiny servers on loopback addresses this test starts and stops itself; `check` runs as a real process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CLI_PATH, ensureCliBuilt } from '../helpers/cli.js';

/** The CLI as a real process, asynchronously: the hostile servers live in this process and must keep answering. */
function runCliJson(
  args: string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stderr: string; json: any }> {
  ensureCliBuilt();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI_PATH, ...args, '--json'], { env: { ...process.env, ...opts.env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => {
      let json: any;
      try {
        json = JSON.parse(out);
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, stderr: err, json });
    });
    p.stdin.end(opts.input ?? '');
  });
}

const KDC_IP = '127.0.0.71';
const DNS_IP = '127.0.0.72';
const WEB_IP = '127.0.0.73';
/** Every check here names its DNS server: a loopback address where nothing listens (never the machine's resolver). */
const SILENT_DNS = '127.0.0.74';

/** What each hostile peer answers: random bytes, then protocol-shaped lies (a KRB-ERROR cut short, a DNS header claiming 65535 answers). */
const GARBAGE: Record<string, Uint8Array> = {
  random: Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff),
  // [APPLICATION 30] with a 4-byte length far past the data
  krbCut: Uint8Array.from([0x7e, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x03, 0xa0, 0x01]),
};

function dnsLie(query: Buffer): Buffer {
  // same id, QR=1, 1 question, 65535 answers, then nothing
  const b = Buffer.alloc(12);
  query.copy(b, 0, 0, 2);
  b.writeUInt16BE(0x8180, 2);
  b.writeUInt16BE(1, 4);
  b.writeUInt16BE(0xffff, 6);
  return b;
}

let mode: keyof typeof GARBAGE = 'random';
const servers: (Server | Socket)[] = [];

function tcp(ip: string, port: number, answer: () => Buffer | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createServer((c) => {
      c.on('error', () => {});
      c.once('data', () => c.end(answer()));
    });
    s.on('error', reject);
    s.listen(port, ip, () => resolve());
    servers.push(s);
  });
}

function udp(ip: string, port: number, answer: (q: Buffer) => Buffer | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.on('message', (m, r) => s.send(answer(m), r.port, r.address));
    s.on('error', reject);
    s.bind(port, ip, () => resolve());
    servers.push(s);
  });
}

describe('check against hostile peers on loopback', () => {
  before(async () => {
    await udp(KDC_IP, 8888, () => GARBAGE[mode] as Uint8Array);
    await tcp(KDC_IP, 8888, () => GARBAGE[mode] as Uint8Array);
    await udp(DNS_IP, 5353, (q) => (mode === 'random' ? (GARBAGE.random as Uint8Array) : dnsLie(q)));
    await tcp(WEB_IP, 8080, () => Buffer.from('\x16\x03\x01 this is not HTTP \r\n\r\n'));
  });
  after(() => {
    for (const s of servers) s.close();
  });

  for (const m of ['random', 'krbCut'] as const) {
    it(`a KDC answering ${m === 'random' ? 'random bytes' : 'a KRB-ERROR with a forged length'} → bad-reply (kerberos), exit 1`, async () => {
      mode = m;
      const r = await runCliJson(
        [
          'check',
          `http://${WEB_IP}:8080/`,
          '--kdc',
          `${KDC_IP}:8888`,
          '--dns-server',
          SILENT_DNS,
          '--realm',
          'EXAMPLE.TEST',
          '--user',
          'alice',
          '--password-stdin',
          '--timeout',
          '3000',
        ],
        { input: 'not-a-real-password\n', env: { KRB5_CONFIG: '/dev/null', KRB5CCNAME: 'FILE:/nonexistent/ccache' } },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.includes('at '), false, `no stack trace: ${r.stderr}`);
      const bad = r.json.findings.filter((f: { id: string }) => f.id === 'bad-reply');
      assert.ok(
        bad.some((f: { evidence: string[] }) => f.evidence.join(' ').includes(KDC_IP)),
        `bad-reply names the KDC: ${JSON.stringify(r.json.findings.map((f: { id: string; evidence: string[] }) => [f.id, f.evidence]))}`,
      );
    });
  }

  it('a web server answering non-HTTP → bad-reply (http)', async () => {
    const r = await runCliJson(
      [
        'check',
        `http://${WEB_IP}:8080/`,
        '--kdc',
        `${KDC_IP}:8888`,
        '--dns-server',
        SILENT_DNS,
        '--realm',
        'EXAMPLE.TEST',
        '--timeout',
        '3000',
      ],
      {
        env: { KRB5_CONFIG: '/dev/null', KRB5CCNAME: 'FILE:/nonexistent/ccache' },
      },
    );
    assert.equal(r.code, 1, r.stderr);
    const http = r.json.steps.find((s: { id: string }) => s.id === 'http');
    assert.ok(
      http.facts.some((f: { kind: string; protocol?: string }) => f.kind === 'bad-reply' && f.protocol === 'http'),
      JSON.stringify(http),
    );
  });

  for (const m of ['random', 'krbCut'] as const) {
    it(`a DNS server answering ${m === 'random' ? 'random bytes' : 'a header claiming 65535 answers'} → bad-reply (dns), bounded`, async () => {
      mode = m;
      const t0 = Date.now();
      const r = await runCliJson(
        ['check', 'http://web.example.test/', '--dns-server', `${DNS_IP}:5353`, '--realm', 'EXAMPLE.TEST', '--timeout', '3000'],
        {
          env: { KRB5_CONFIG: '/dev/null', KRB5CCNAME: 'FILE:/nonexistent/ccache' },
        },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.ok(Date.now() - t0 < 3000 + 5000, `bounded by the timeout: ${Date.now() - t0} ms`);
      const bad = r.json.findings.filter((f: { id: string; title: string }) => f.id === 'bad-reply' && f.title.includes(DNS_IP));
      assert.equal(bad.length, 1, JSON.stringify(r.json.findings.map((f: { id: string; title: string }) => [f.id, f.title])));
      assert.ok(bad[0].evidence.length >= 1);
      assert.equal(r.json.findings[0].id, 'bad-reply', 'the broken DNS server is the root cause');
    });
  }
});

describe('check never hands a name to the operating system resolver', () => {
  it('--dns-server with a name is a usage error (exit 2), not a lookup', async () => {
    const r = await runCliJson(['check', 'http://web.example.test/', '--dns-server', 'dns.example.test', '--timeout', '500']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--dns-server dns\.example\.test: not an IP address/);
  });
  it('the network layer refuses a name where an address belongs', async () => {
    const { dnsQuery } = await import('../../src/net/dns.js');
    const { tcpProbe } = await import('../../src/net/probe.js');
    const { cldapPing } = await import('../../src/net/cldap.js');
    const { kdcExchange } = await import('../../src/net/kdc.js');
    assert.equal((await dnsQuery('x.test', 'A', 'dns.example.test', 500)).outcome, 'error');
    assert.equal((await tcpProbe('kdc.example.test', 88, 500)).outcome, 'error');
    assert.equal((await cldapPing('dc.example.test', 'example.test', 500)).outcome, 'error');
    const k = await kdcExchange(new Uint8Array(8), [{ host: 'kdc', address: 'kdc.example.test', port: 88 }], {
      deadline: performance.now() + 500,
      udpPreferenceLimit: 1465,
    });
    assert.ok(k.attempts.length > 0 && k.attempts.every((a) => a.outcome === 'error' && a.ms === 0));
  });
});
