// The embedded Negotiate web server: 401 challenge, the acceptor (ticket with the keytab key, authenticator, replay
// cache) and the mutual-authentication AP-REP, checked with kerbscope's client (verifyApRep).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type EmbeddedLab, startEmbeddedLab } from '../../src/embedded/index.js';
import { buildApReq, GSS_FLAGS, verifyApRep } from '../../src/krb/client.js';
import { decodeInitialContextToken, decodeKrb5MechToken, decodeNegotiationToken, GssOid } from '../../src/protocol/gss/index.js';
import { decodeApRep, decodeKrbError } from '../../src/protocol/krb5/index.js';
import { fromBase64, toBase64 } from '../../src/wire/encoding.js';
import { getServiceTicket, getTgt } from './client.js';

function get(lab: EmbeddedLab, authorization?: string): Promise<{ status: number; www: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: lab.hosts.web,
        port: lab.ports.http,
        path: '/',
        headers: { Host: new URL(lab.url).host, ...(authorization ? { Authorization: authorization } : {}) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, www: String(res.headers['www-authenticate'] ?? ''), body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The Kerberos message inside `WWW-Authenticate: Negotiate <NegTokenResp>`. */
function innerOf(www: string): { negState?: string; mech?: string; body: Uint8Array; tokId: number } {
  const b = fromBase64(www.replace(/^Negotiate\s+/i, ''));
  assert.ok(b, `a token in ${www}`);
  const n = decodeNegotiationToken(b);
  assert.equal(n.type, 'negTokenResp');
  if (n.type !== 'negTokenResp') throw new Error('unreachable');
  assert.ok(n.value.responseToken);
  const g = decodeInitialContextToken(n.value.responseToken);
  const m = decodeKrb5MechToken(g.innerToken);
  return { negState: n.value.negState, mech: n.value.supportedMech, body: m.body, tokId: m.tokId };
}

describe('embedded Negotiate web server', () => {
  let lab: EmbeddedLab;
  before(async () => {
    lab = await startEmbeddedLab({ scenario: 'healthy' });
  });
  after(async () => {
    await lab?.stop();
  });

  it('answers 401 WWW-Authenticate: Negotiate without credentials', async () => {
    const r = await get(lab);
    assert.equal(r.status, 401);
    assert.equal(r.www, 'Negotiate');
  });

  it('accepts a SPNEGO AP-REQ, returns 200 with an AP-REP that proves mutual authentication, and refuses its replay (34)', async () => {
    const t = await getTgt(lab);
    assert.ok(t.creds);
    const s = await getServiceTicket(lab, t.creds, lab.spn);
    assert.ok(s.creds);
    const ap = buildApReq({ creds: s.creds, now: new Date(), gssFlags: GSS_FLAGS.windows });
    const header = `Negotiate ${toBase64(ap.spnego)}`;
    const ok = await get(lab, header);
    assert.equal(ok.status, 200, ok.body);
    assert.match(ok.body, /john@CONTOSO\.COM/);
    const rep = innerOf(ok.www);
    assert.equal(rep.negState, 'accept-completed');
    assert.equal(rep.mech, GssOid.MS_KRB5, 'the first mechanism offered (Windows lists the MS OID first)');
    assert.equal(rep.tokId, 0x0200);
    assert.equal(verifyApRep(decodeApRep(rep.body), s.creds, ap).status, 'verified');

    const again = await get(lab, header);
    assert.equal(again.status, 401);
    const err = innerOf(again.www);
    assert.equal(err.negState, 'reject');
    assert.equal(err.tokId, 0x0300);
    assert.equal(decodeKrbError(err.body).errorCode, 34);
  });

  it('refuses a ticket for another service with KRB_AP_ERR_NOT_US (35)', async () => {
    const t = await getTgt(lab);
    assert.ok(t.creds);
    // the TGT is a ticket for krbtgt/CONTOSO.COM: presenting it to the web server is a ticket for someone else
    const ap = buildApReq({ creds: t.creds, now: new Date(), gssFlags: GSS_FLAGS.mit, mechTypes: [GssOid.KRB5] });
    const r = await get(lab, `Negotiate ${toBase64(ap.spnego)}`);
    assert.equal(r.status, 401);
    const err = innerOf(r.www);
    assert.equal(err.mech, GssOid.KRB5);
    assert.equal(decodeKrbError(err.body).errorCode, 35);
  });
});
