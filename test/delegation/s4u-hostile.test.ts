// The S4U proof against KDCs that misbehave, on loopback: garbage, a truncated reply, a KRB-ERROR, silence, and a
// KDC that ignores PA-FOR-USER. Each is a hop with a reason, never a crash, and silence costs the deadline only.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { KdcContext } from '../../src/check/kerberos.js';
import { encrypt, KeyUsage } from '../../src/crypto/index.js';
import { proveDelegation } from '../../src/delegation/s4u.js';
import type { Fact } from '../../src/facts/fact.js';
import type { Creds } from '../../src/krb/client.js';
import { decodeTgsReq, encodeEncKdcRepPart, encodeKrbError, encodeTgsRep, NameType } from '../../src/protocol/krb5/index.js';

const IP = '127.0.0.78';
let reply: (req: Buffer) => Buffer | undefined = () => undefined;
let server: Server;
let port = 0;

function framed(b: Uint8Array): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(b.length);
  return Buffer.concat([h, Buffer.from(b)]);
}

const tgt: Creds = {
  client: { nameType: NameType.NT_PRINCIPAL, nameString: ['svc-web'] },
  crealm: 'CONTOSO.COM',
  server: { nameType: NameType.NT_SRV_INST, nameString: ['krbtgt', 'CONTOSO.COM'] },
  srealm: 'CONTOSO.COM',
  ticket: {
    tktVno: 5,
    realm: 'CONTOSO.COM',
    sname: { nameType: NameType.NT_SRV_INST, nameString: ['krbtgt', 'CONTOSO.COM'] },
    encPart: { etype: 18, kvno: 2, cipher: new Uint8Array(randomBytes(200)) },
  },
  ticketDer: new Uint8Array(0),
  sessionKey: { enctype: 18, key: new Uint8Array(randomBytes(32)) },
  flags: 0x40000000,
  authtime: new Date(),
  endtime: new Date(Date.now() + 3600_000),
};

function ctx(ms = 2000): KdcContext {
  return {
    realm: 'CONTOSO.COM',
    targets: [{ host: 'kdc.contoso.com', address: IP, port, transport: 'tcp' }],
    deadline: performance.now() + ms,
    udpPreferenceLimit: 1,
    now: () => new Date(),
  };
}

async function prove(ms = 2000) {
  const facts: Fact[] = [];
  const t0 = performance.now();
  await proveDelegation(ctx(ms), tgt, 'john', 'cifs/fs1.contoso.com', [18], { label: 'test' }, facts);
  const hops = facts.filter((f): f is Extract<Fact, { kind: 'delegation-hop' }> => f.kind === 'delegation-hop');
  return { hops, ms: performance.now() - t0 };
}

describe('S4U proof against hostile KDCs', () => {
  before(async () => {
    server = createServer((c) => {
      let buf = Buffer.alloc(0);
      c.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) return;
        const r = reply(buf.subarray(4));
        if (r) c.end(r);
      });
      c.on('error', () => {});
    });
    await new Promise<void>((res) => server.listen(0, IP, () => res()));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((res) => server.close(() => res())));

  it('garbage: S4U2Self is reported as not a Kerberos message, S4U2Proxy as not tried', async () => {
    reply = () => framed(new Uint8Array(randomBytes(64)));
    const { hops } = await prove();
    assert.equal(hops.length, 2);
    assert.equal(hops[0]?.step, 's4u2self');
    assert.equal(hops[0]?.ok, false);
    assert.match(hops[0]?.detail ?? '', /not a Kerberos message/);
    assert.equal(hops[1]?.skipped, 'S4U2Self gave no evidence ticket');
  });

  it('a KRB-ERROR 13 to S4U2Self is that hop, named', async () => {
    reply = () =>
      framed(
        encodeKrbError({
          pvno: 5,
          msgType: 30,
          stime: new Date(),
          susec: 0,
          errorCode: 13,
          realm: 'CONTOSO.COM',
          sname: { nameType: 2, nameString: ['svc-web'] },
          eText: 'S4U2Self not allowed',
        } as never),
      );
    const { hops } = await prove();
    assert.equal(hops[0]?.errorCode, 13);
    assert.equal(hops[0]?.errorName, 'KDC_ERR_BADOPTION');
    assert.equal(hops[0]?.eText, 'S4U2Self not allowed');
  });

  it('a truncated reply and a length prefix lying about the size', async () => {
    reply = () => framed(Uint8Array.of(0x6d, 0x82, 0x10, 0x00, 0x30));
    assert.match((await prove()).hops[0]?.detail ?? '', /not a Kerberos message/);
    reply = () => Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]);
    const h = (await prove()).hops[0];
    assert.equal(h?.ok, false);
    assert.ok(h?.skipped);
  });

  it("a KDC that ignores PA-FOR-USER: its ticket is in the front end's own name, and the hop says so", async () => {
    reply = (req) => {
      const r = decodeTgsReq(new Uint8Array(req));
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const part = encodeEncKdcRepPart({
        type: 'EncTGSRepPart',
        value: {
          key: { keytype: 18, keyvalue: new Uint8Array(randomBytes(32)) },
          lastReq: [{ lrType: 0, lrValue: now }],
          nonce: r.reqBody.nonce,
          flags: 0x40000000,
          authtime: now,
          endtime: new Date(now.getTime() + 3600_000),
          srealm: 'CONTOSO.COM',
          sname: r.reqBody.sname as NonNullable<typeof r.reqBody.sname>,
        },
      });
      return framed(
        encodeTgsRep({
          pvno: 5,
          msgType: 13,
          crealm: 'CONTOSO.COM',
          cname: tgt.client,
          ticket: { ...tgt.ticket, sname: r.reqBody.sname as NonNullable<typeof r.reqBody.sname> },
          encPart: { etype: 18, cipher: encrypt(18, tgt.sessionKey.key, KeyUsage.TGS_REP_ENC_PART_SESSION_KEY, part) },
        }),
      );
    };
    const { hops } = await prove();
    assert.equal(hops[0]?.ok, false);
    assert.equal(hops[0]?.errorName, 'PA-FOR-USER ignored');
    assert.match(hops[0]?.detail ?? '', /for svc-web@CONTOSO\.COM, not for john@CONTOSO\.COM/);
    assert.ok(hops[1]?.skipped);
  });

  it('silence costs the deadline, not more', async () => {
    reply = () => undefined;
    const { hops, ms } = await prove(800);
    assert.match(hops[0]?.detail ?? '', /no KDC answered/);
    assert.ok(ms < 800 + 1500, `${Math.round(ms)} ms`);
  });
});

describe('S4U proof against a KDC without S4U (the embedded lab)', () => {
  it("a KDC that ignores PA-FOR-USER: the ticket is in the front end's own name, and the hop says so", async () => {
    const { startEmbeddedLab } = await import('../../src/embedded/lab.js');
    const { asExchange } = await import('../../src/check/kerberos.js');
    const lab = await startEmbeddedLab({ scenario: 'healthy', wellKnownPorts: false });
    try {
      const svc = lab.directory.accounts.find((a) => a.name === 'svc-web');
      assert.ok(svc);
      const [host = '', p = '88'] = lab.kdc.split(':');
      const c: KdcContext = {
        realm: lab.realm,
        targets: [{ host, address: host, port: Number(p), transport: 'tcp' }],
        deadline: performance.now() + 5000,
        udpPreferenceLimit: 1,
        now: () => new Date(),
      };
      const facts: Fact[] = [];
      const keyFor = (_i: unknown, req: readonly number[]) => {
        const k = svc.keys.find((x) => req.includes(x.enctype));
        return k ? { enctype: k.enctype, key: k.key } : undefined;
      };
      const as = await asExchange(c, 'svc-web', [18, 17], keyFor, { label: 'as' }, facts);
      assert.ok(as.creds, as.detail);
      await proveDelegation(c, as.creds, 'john', 'cifs/dc1.contoso.com', [18, 17], { label: 'test' }, facts);
      const hops = facts.filter((f): f is Extract<Fact, { kind: 'delegation-hop' }> => f.kind === 'delegation-hop');
      assert.equal(hops[0]?.ok, false);
      assert.equal(hops[0]?.errorName, 'KDC_ERR_S_PRINCIPAL_UNKNOWN');
      assert.ok(hops[1]?.skipped);
    } finally {
      await lab.stop();
    }
  });
});
