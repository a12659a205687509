// The embedded KDC over real UDP/TCP sockets, driven by kerbscope's own client (src/krb/client.ts): the AS and TGS
// exchanges, the PAC and its signatures, the KRB-ERRORs each fault gives, etype negotiation, and the transport
// (record marks split and joined, KRB_ERR_RESPONSE_TOO_BIG → TCP).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decrypt, KeyUsage, makeChecksum } from '../../src/crypto/index.js';
import { type EmbeddedLab, startEmbeddedLab } from '../../src/embedded/index.js';
import { decodeKeytab } from '../../src/formats/keytab.js';
import {
  decodeEData,
  decodeEncTicketPart,
  decodeTgsReq,
  encodeTgsReq,
  readTcpRecord,
  writeTcpRecord,
} from '../../src/protocol/krb5/index.js';
import { decodePac, verifyPacSignatures } from '../../src/protocol/pac/index.js';
import { asKrbError, exchange, getServiceTicket, getTgt, pacOf, REALM, tgsReq } from './client.js';

describe('embedded KDC', () => {
  let lab: EmbeddedLab;
  before(async () => {
    lab = await startEmbeddedLab({ scenario: 'healthy' });
  });
  after(async () => {
    await lab?.stop();
  });

  it('answers an AS-REQ without pre-authentication with KDC_ERR_PREAUTH_REQUIRED, PA-ETYPE-INFO2 (AD salt) and PA-ENC-TIMESTAMP', async () => {
    const r = await getTgt(lab, { etypes: [18, 17] });
    assert.equal(r.first?.errorCode, 25);
    assert.equal(r.first?.realm, REALM);
    const e = decodeEData(r.first?.eData ?? new Uint8Array(0));
    assert.equal(e.kind, 'method-data');
    if (e.kind !== 'method-data') return;
    assert.deepEqual(
      e.padata.map((p) => p.type),
      [19, 2],
    );
    const info = e.padata[0];
    assert.ok(info?.kind === 'value' && info.name === 'PA-ETYPE-INFO2');
    if (info?.kind === 'value' && info.name === 'PA-ETYPE-INFO2')
      assert.deepEqual(
        info.value.map((x) => [x.etype, x.salt]),
        [
          [18, 'CONTOSO.COMjohn'],
          [17, 'CONTOSO.COMjohn'],
        ],
      );
  });

  it('issues a TGT for the right password: AS-REP opens with the user key, the PAC is signed with the krbtgt key', async () => {
    const r = await getTgt(lab);
    assert.ok(r.creds, `no TGT: ${r.error?.errorCode}`);
    assert.deepEqual(r.creds.server.nameString, ['krbtgt', REALM]);
    assert.equal(r.creds.sessionKey.enctype, 18);
    const krbtgt = lab.directory.accounts.find((a) => a.kind === 'krbtgt');
    const k = krbtgt?.keys.find((x) => x.enctype === r.creds?.ticket.encPart.etype);
    assert.ok(k);
    const part = decodeEncTicketPart(decrypt(k.enctype, k.key, KeyUsage.KDC_REP_TICKET, r.creds.ticket.encPart.cipher));
    assert.deepEqual(part.cname.nameString, ['john']);
    const pac = pacOf(part);
    assert.ok(pac, 'the TGT carries a PAC');
    const v = verifyPacSignatures(pac, { serverKey: k.key, kdcKey: k.key }, makeChecksum);
    assert.equal(v.server.status, 'valid');
    assert.equal(v.kdc.status, 'valid');
    const info = decodePac(pac).buffers.find((b) => b.type === 1)?.value;
    assert.ok(info?.kind === 'logonInfo', 'KERB_VALIDATION_INFO decodes');
    assert.equal(info.logonInfo.effectiveName, 'john');
    assert.equal(info.logonInfo.logonDomainName, 'CONTOSO');
  });

  it('issues a service ticket the keytab opens, with a PAC whose server signature verifies with the service key', async () => {
    const t = await getTgt(lab);
    assert.ok(t.creds);
    const s = await getServiceTicket(lab, t.creds, lab.spn);
    assert.ok(s.creds, `TGS failed: ${s.error?.errorCode}`);
    const kt = decodeKeytab(readFileSync(lab.keytab));
    const e = kt.entries.find((x) => x.enctype === s.creds?.ticket.encPart.etype && x.kvno === s.creds?.ticket.encPart.kvno);
    assert.ok(e, 'the keytab has the ticket key (enctype and kvno)');
    const part = decodeEncTicketPart(decrypt(e.enctype, e.key, KeyUsage.KDC_REP_TICKET, s.creds.ticket.encPart.cipher));
    assert.deepEqual(part.key.keyvalue, s.creds.sessionKey.key);
    const pac = pacOf(part);
    assert.ok(pac);
    const krbtgt = lab.directory.accounts.find((a) => a.kind === 'krbtgt')?.keys[0];
    assert.ok(krbtgt);
    const v = verifyPacSignatures(pac, { serverKey: e.key, kdcKey: krbtgt.key }, makeChecksum);
    assert.equal(v.ok, true, JSON.stringify(v));
  });

  it('KDC_ERR_PREAUTH_FAILED (24) for a wrong password, KDC_ERR_C_PRINCIPAL_UNKNOWN (6) for an unknown user', async () => {
    assert.equal((await getTgt(lab, { password: 'NotThePassw0rd!' })).error?.errorCode, 24);
    const u = await getTgt(lab, { user: 'nobody' });
    assert.equal(u.first?.errorCode, 6);
    assert.deepEqual(u.first?.cname?.nameString, ['nobody']);
  });

  it('KRB_AP_ERR_SKEW (37) for a pre-authentication timestamp 10 minutes off, none at 4 minutes', async () => {
    assert.equal((await getTgt(lab, { clockOffsetMs: 10 * 60_000 })).error?.errorCode, 37);
    assert.ok((await getTgt(lab, { clockOffsetMs: -4 * 60_000 })).creds);
  });

  it('KDC_ERR_ETYPE_NOSUPP (14) when the client offers only RC4 and the account has AES keys only', async () => {
    assert.equal((await getTgt(lab, { etypes: [23] })).first?.errorCode, 14);
  });

  it('KDC_ERR_S_PRINCIPAL_UNKNOWN (7) for an SPN no account holds; KRB_AP_ERR_MODIFIED (41) for a body the checksum does not cover', async () => {
    const t = await getTgt(lab);
    assert.ok(t.creds);
    const s = await getServiceTicket(lab, t.creds, 'HTTP/nospn.contoso.com');
    assert.equal(s.error?.errorCode, 7);
    assert.deepEqual(s.error?.sname?.nameString, ['HTTP', 'nospn.contoso.com']);
    const req = decodeTgsReq(tgsReq(t.creds, lab.spn));
    const tampered = encodeTgsReq({ ...req, reqBody: { ...req.reqBody, nonce: (req.reqBody.nonce + 1) >>> 0 } });
    assert.equal(asKrbError((await exchange(lab, tampered)).reply)?.errorCode, 41);
  });

  it('replies over TCP to record marks split across writes and to two records in one write', async () => {
    const t = await getTgt(lab);
    assert.ok(t.creds);
    const one = writeTcpRecord(tgsReq(t.creds, lab.spn));
    const two = writeTcpRecord(tgsReq(t.creds, 'HTTP/nospn.contoso.com'));
    const replies = await new Promise<Uint8Array[]>((resolve, reject) => {
      const s = connect(lab.ports.kdc, lab.hosts.dc);
      let buf = new Uint8Array(0);
      const out: Uint8Array[] = [];
      s.on('error', reject);
      s.on('data', (d: Buffer) => {
        const j = new Uint8Array(buf.length + d.length);
        j.set(buf);
        j.set(d, buf.length);
        buf = j;
        for (;;) {
          try {
            const r = readTcpRecord(buf);
            out.push(r.message.slice());
            buf = buf.slice(r.length);
          } catch {
            break;
          }
        }
        if (out.length === 3) {
          s.destroy();
          resolve(out);
        }
      });
      s.on('connect', () => {
        s.write(one.subarray(0, 2));
        setTimeout(() => {
          s.write(one.subarray(2, 9));
          setTimeout(() => s.write(Buffer.concat([one.subarray(9), two, one])), 20);
        }, 20);
      });
    });
    assert.deepEqual(
      replies.map((r) => r[0]),
      [0x6d, 0x7e, 0x6d],
      'TGS-REP, KRB-ERROR, TGS-REP',
    );
    assert.equal(asKrbError(replies[1])?.errorCode, 7);
  });

  it('answers a UDP request whose reply is too big with KRB_ERR_RESPONSE_TOO_BIG (52); the client then gets it over TCP', async () => {
    const small = await startEmbeddedLab({ scenario: 'healthy', udpMax: 400 });
    try {
      const r = await getTgt(small);
      assert.ok(r.creds, 'TGT over TCP after the UDP refusal');
      const ev = small.servers.kdc.events;
      assert.ok(
        ev.some((e) => e.transport === 'udp' && e.errorCode === 52),
        `a UDP KRB_ERR_RESPONSE_TOO_BIG: ${JSON.stringify(ev)}`,
      );
      assert.ok(ev.some((e) => e.transport === 'tcp' && e.reply === 'AS-REP'));
    } finally {
      await small.stop();
    }
  });

  it('binds only loopback addresses', async () => {
    await assert.rejects(startEmbeddedLab({ address: '0.0.0.0' }), /only 127\.0\.0\.0\/8/);
  });
});
