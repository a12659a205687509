/**
 * The GSSAPI bind's failure paths against a loopback server (the working bind is test/ldap/lab-ldap.test.ts against
 * Samba): a refused bind, a server token that is not GSS, a KRB-ERROR instead of the AP-REP, an AP-REP that does not
 * open with the ticket's session key (a server without the ldap/ key: mutual authentication fails), no security-layer
 * offer. Each is an LdapError naming the step; the ticket is a made-up one (its session key is known to the test).
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { encrypt, KeyUsage, randomBytes, randomToKey } from '../../src/crypto/index.js';
import type { Creds } from '../../src/krb/client.js';
import { LdapClient } from '../../src/ldap/client.js';
import { LdapError } from '../../src/ldap/connection.js';
import { encodeInitialContextToken, encodeKrb5MechToken, GssOid, Krb5TokId } from '../../src/protocol/gss/index.js';
import { encodeApRep, encodeEncApRepPart, encodeKrbError, encodeTicket, type Ticket } from '../../src/protocol/krb5/index.js';
import { decodeLdapMessage, encodeLdapMessage, Framer, type LdapMessage, ldapMessageLength } from '../../src/protocol/ldap/index.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
after(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
});

function creds(): Creds {
  const ticket: Ticket = {
    tktVno: 5,
    realm: 'CONTOSO.COM',
    sname: { nameType: 2, nameString: ['ldap', 'dc1.contoso.com'] },
    encPart: { etype: 18, kvno: 2, cipher: randomBytes(120) },
  };
  return {
    client: { nameType: 1, nameString: ['john'] },
    crealm: 'CONTOSO.COM',
    server: ticket.sname,
    srealm: 'CONTOSO.COM',
    ticket,
    ticketDer: encodeTicket(ticket),
    sessionKey: { enctype: 18, key: randomToKey(18, randomBytes(32)) },
    flags: 0,
    authtime: new Date(),
    endtime: new Date(Date.now() + 3600_000),
  };
}

const krb5Token = (tokId: number, body: Uint8Array) =>
  encodeInitialContextToken({ thisMech: GssOid.KRB5, innerToken: encodeKrb5MechToken({ tokId, body }) });

/** A server answering each BindRequest with the next of `answers` (resultCode, serverSaslCreds). */
async function binder(answers: { resultCode: number; creds?: Uint8Array; text?: string }[]): Promise<number> {
  const server = createServer((s: Socket) => {
    sockets.push(s);
    s.on('error', () => {});
    const f = new Framer(ldapMessageLength);
    let n = 0;
    s.on('data', (chunk: Buffer) => {
      for (const b of f.push(new Uint8Array(chunk))) {
        const m: LdapMessage = decodeLdapMessage(b);
        if (m.protocolOp.type !== 'bindRequest') continue;
        const a = answers[n++];
        if (!a) return void s.end();
        s.write(
          encodeLdapMessage({
            messageID: m.messageID,
            protocolOp: {
              type: 'bindResponse',
              resultCode: a.resultCode,
              matchedDN: '',
              diagnosticMessage: a.text ?? '',
              ...(a.creds ? { serverSaslCreds: a.creds } : {}),
            },
          }),
        );
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

async function bindFails(port: number, code: string, re: RegExp): Promise<void> {
  const c = await LdapClient.connect('127.0.0.1', port, 1000);
  try {
    await assert.rejects(c.bindGssapi(creds()), (e: unknown) => {
      assert.ok(e instanceof LdapError, String(e));
      assert.equal(e.code, code, e.message);
      assert.match(e.message, re);
      return true;
    });
  } finally {
    await c.close();
  }
}

describe('SASL GSSAPI bind failures → LdapError naming the step', () => {
  it('the DC refuses the bind (invalidCredentials 49, its diagnostic text kept)', async () => {
    const port = await binder([{ resultCode: 49, text: '80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error' }]);
    await bindFails(port, 'ERR_LDAP_RESULT', /GSSAPI bind \(AP-REQ\): invalidCredentials \(49\): 80090308: LdapErr/);
  });

  it('a server token that is not a GSS token', async () => {
    const port = await binder([{ resultCode: 14, creds: Uint8Array.of(1, 2, 3, 4) }]);
    await bindFails(port, 'ERR_LDAP_SASL', /as ldap\/dc1\.contoso\.com: the server's GSS token is not an RFC 2743 initial context token/);
  });

  it('no token at all after the AP-REQ', async () => {
    const port = await binder([{ resultCode: 14 }]);
    await bindFails(port, 'ERR_LDAP_SASL', /sent no AP-REP/);
  });

  it('a KRB-ERROR instead of the AP-REP (KRB_AP_ERR_MODIFIED 41: the DC cannot decrypt the ticket)', async () => {
    const err = encodeKrbError({
      pvno: 5,
      msgType: 30,
      stime: new Date(Math.floor(Date.now() / 1000) * 1000),
      susec: 0,
      errorCode: 41,
      realm: 'CONTOSO.COM',
      sname: { nameType: 2, nameString: ['ldap', 'dc1.contoso.com'] },
    });
    const port = await binder([{ resultCode: 14, creds: krb5Token(Krb5TokId.KRB_ERROR, err) }]);
    await bindFails(port, 'ERR_LDAP_SASL', /refused the AP-REQ: KRB_AP_ERR_MODIFIED \(41\)/);
  });

  it('an AP-REP that does not open with the session key: mutual authentication fails', async () => {
    const other = randomToKey(18, randomBytes(32));
    const part = encodeEncApRepPart({ ctime: new Date(Math.floor(Date.now() / 1000) * 1000), cusec: 0 });
    const rep = encodeApRep({ pvno: 5, msgType: 15, encPart: { etype: 18, cipher: encrypt(18, other, KeyUsage.AP_REP_ENC_PART, part) } });
    const port = await binder([{ resultCode: 14, creds: krb5Token(Krb5TokId.KRB_AP_REP, rep) }]);
    await bindFails(port, 'ERR_LDAP_SASL', /mutual authentication failed: the AP-REP does not open with the ticket's session key/);
  });

  it('success right after the AP-REQ, without a security layer: refused (the DC would refuse unsigned LDAP anyway)', async () => {
    const port = await binder([{ resultCode: 0, creds: krb5Token(Krb5TokId.KRB_AP_REP, Uint8Array.of(0x6f, 0x00)) }]);
    await bindFails(port, 'ERR_LDAP_SASL', /the server's krb5 token is malformed/);
    const rep = encodeApRep({ pvno: 5, msgType: 15, encPart: { etype: 18, cipher: randomBytes(60) } });
    const port2 = await binder([{ resultCode: 0, creds: krb5Token(Krb5TokId.KRB_AP_REP, rep) }]);
    await bindFails(port2, 'ERR_LDAP_SASL', /mutual authentication failed/);
  });
});
