// The embedded DNS server's answers (read back with the client's codec, src/net/dns-message.ts, and over the wire
// with src/net/dns.ts when the lab has port 53), and the KDC and web server against garbage: an answer every time.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { answer, type EmbeddedLab, handleKdcMessage, readQuestion, startEmbeddedLab, type ZoneRecord } from '../../src/embedded/index.js';
import { dnsQuery } from '../../src/net/dns.js';
import { decodeMessage, encodeQuery } from '../../src/net/dns-message.js';
import { decodeKrbError } from '../../src/protocol/krb5/index.js';
import { skipUnlessCi } from '../helpers/prereq.js';
import { asKrbError, exchange, getTgt } from './client.js';

const ZONE: ZoneRecord[] = [
  { name: 'iisserver.contoso.com', type: 'A', data: '127.201.0.5' },
  { name: 'www.contoso.com', type: 'CNAME', data: 'iisserver.contoso.com' },
  { name: '_kerberos._udp.contoso.com', type: 'SRV', data: '0 100 88 dc1.contoso.com' },
  { name: '5.0.201.127.in-addr.arpa', type: 'PTR', data: 'iisserver.contoso.com' },
];

const ask = (name: string, qtype: string) => {
  const q = readQuestion(encodeQuery(0x1234, name, qtype));
  assert.ok(q);
  return decodeMessage(answer(q, ZONE));
};

describe('embedded DNS answers', () => {
  it('A, CNAME followed to its A, SRV, PTR; NXDOMAIN for unknown names, NODATA for a known name without the type', () => {
    assert.deepEqual(ask('iisserver.contoso.com', 'A').answers, [
      { name: 'iisserver.contoso.com', type: 'A', ttl: 300, data: '127.201.0.5' },
    ]);
    const cn = ask('WWW.contoso.com', 'A');
    assert.equal(cn.id, 0x1234);
    assert.deepEqual(
      cn.answers.map((a) => [a.type, a.data]),
      [
        ['CNAME', 'iisserver.contoso.com'],
        ['A', '127.201.0.5'],
      ],
    );
    assert.deepEqual(
      ask('_kerberos._udp.contoso.com', 'SRV').answers.map((a) => a.data),
      ['0 100 88 dc1.contoso.com'],
    );
    assert.deepEqual(
      ask('5.0.201.127.in-addr.arpa', 'PTR').answers.map((a) => a.data),
      ['iisserver.contoso.com'],
    );
    const nx = ask('nosuch.contoso.com', 'A');
    assert.equal(nx.rcode, 'NXDOMAIN');
    assert.equal(nx.response, true);
    const nodata = ask('iisserver.contoso.com', 'SRV');
    assert.equal(nodata.rcode, 'NOERROR');
    assert.equal(nodata.answers.length, 0);
  });

  it('ignores datagrams that are not a query (no answer rather than a crash)', () => {
    assert.equal(readQuestion(new Uint8Array([1, 2, 3])), undefined);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const q = readQuestion(b);
        if (q) decodeMessage(answer(q, ZONE));
      }),
      { numRuns: 500 },
    );
  });
});

describe('embedded lab against garbage', () => {
  let lab: EmbeddedLab;
  before(async () => {
    lab = await startEmbeddedLab({ scenario: 'healthy' });
  });
  after(async () => {
    await lab?.stop();
  });

  it('the pure KDC answers any bytes with a KRB-ERROR (or a reply), never a throw', () => {
    const o = { dir: lab.directory, now: () => new Date() };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.uint8Array({ minLength: 2, maxLength: 300 }).map((b) => Uint8Array.of(0x6a, ...b)),
        ),
        (b) => {
          const a = handleKdcMessage(b, o);
          assert.equal(a.bytes[0], 0x7e, 'a KRB-ERROR');
          assert.equal(decodeKrbError(a.bytes).errorCode, 60);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('garbage over UDP and TCP gets KRB_ERR_GENERIC (60); the KDC still issues TGTs afterwards', async () => {
    const udp = await exchange(lab, Uint8Array.of(0x6a, 0x03, 0x30, 0x01, 0x00));
    assert.equal(asKrbError(udp.reply)?.errorCode, 60);
    const tcp = await exchange(lab, Uint8Array.of(0x6c, 0x82, 0xff, 0xff), 0);
    assert.equal(tcp.transport, 'tcp');
    assert.equal(asKrbError(tcp.reply)?.errorCode, 60);
    assert.ok((await getTgt(lab)).creds);
  });

  it('the web server answers a malformed Negotiate token with 401, and bad base64 with 400', async () => {
    const get = (authorization: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: lab.hosts.web, port: lab.ports.http, path: '/', headers: { Authorization: authorization } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await get('Negotiate YIIBAAYGKwYBBQUCoA=='), 401);
    assert.equal(await get('Negotiate !!!!'), 401, 'not base64 at all: no Negotiate token, a fresh challenge');
    assert.equal(await get('Negotiate QUJD'), 401);
  });

  const notRoot = process.getuid?.() === 0 ? undefined : 'the lab binds port 53 only as root';
  it('answers over the network on port 53 (UDP), as check asks it', { skip: skipUnlessCi(notRoot) }, async () => {
    assert.equal(lab.ports.dns, 53);
    const r = await dnsQuery('_kerberos._tcp.contoso.com', 'SRV', lab.dnsServer, 2000);
    assert.equal(r.outcome, 'answer');
    assert.deepEqual(
      r.answers.map((a) => a.data),
      [`0 100 ${lab.ports.kdc} dc1.contoso.com`],
    );
  });
});
