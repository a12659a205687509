/**
 * The LDAP client against hostile servers on loopback: garbage, a truncated message (then silence, then a close), a
 * forged 2 GB length, a notice of disconnection, the wrong answer, nothing at all, a refused port. Each ends in an
 * LdapError that says what happened, within the timeout, and nothing crashes. Also the SASL pieces that do not need a
 * KDC: RFC 4121 Wrap tokens made by wrapCfx open with unwrapCfx (sealed and signed, AES128/AES256), the RFC 4752
 * security-layer negotiation, and the refusals (reflected token, wrong key, replayed sequence number); the same with
 * an RC4-HMAC context, whose tokens are RFC 4757 §7.3 Wrap tokens (src/protocol/gss/arcfour.ts).
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { randomBytes, randomToKey } from '../../src/crypto/index.js';
import { LdapClient } from '../../src/ldap/client.js';
import { LdapConnection, LdapError } from '../../src/ldap/connection.js';
import { type GssContext, gssapiNegotiateLayer, SaslError, unwrapFromServer, wrapToServer } from '../../src/ldap/sasl-gssapi.js';
import { decodeArcfourToken, getMicArcfour, unwrapArcfour, wrapArcfour } from '../../src/protocol/gss/arcfour.js';
import { decodePerMessageToken, micCfx, type SessionKey, unwrapCfx, verifyCfxMic, wrapCfx } from '../../src/protocol/gss/per-message.js';
import { decodeLdapMessage, encodeLdapMessage, Framer, ldapMessageLength } from '../../src/protocol/ldap/index.js';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A loopback server; `onMessage` gets each LDAPMessage the client sends (decoded) and the socket. */
async function hostile(
  onConnect: (s: Socket, onMessage: (h: (m: ReturnType<typeof decodeLdapMessage>) => void) => void) => void,
): Promise<number> {
  const server = createServer((s) => {
    s.on('error', () => {});
    const f = new Framer(ldapMessageLength);
    let handler: ((m: ReturnType<typeof decodeLdapMessage>) => void) | undefined;
    s.on('data', (chunk: Buffer) => {
      try {
        for (const b of f.push(new Uint8Array(chunk))) handler?.(decodeLdapMessage(b));
      } catch {
        s.destroy();
      }
    });
    onConnect(s, (h) => {
      handler = h;
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

const T = 800;

async function expectLdapError(p: Promise<unknown>, code: string, re: RegExp, maxMs = T + 700): Promise<void> {
  const t0 = performance.now();
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof LdapError, `an LdapError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, re);
    return true;
  });
  assert.ok(performance.now() - t0 < maxMs, `within ${maxMs} ms (took ${Math.round(performance.now() - t0)})`);
}

const rootDse = async (port: number) => {
  const c = await LdapClient.connect('127.0.0.1', port, T);
  try {
    return await c.rootDse();
  } finally {
    await c.close();
  }
};

describe('hostile LDAP servers → a clear LdapError within the timeout', () => {
  it('garbage (an HTTP answer) → ERR_LDAP_GARBAGE naming the first byte and offset 0', async () => {
    const port = await hostile((s) => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await expectLdapError(
      rootDse(port),
      'ERR_LDAP_GARBAGE',
      /not LDAP: an LDAPMessage starts with 0x30 \(SEQUENCE\), not 0x48 .*at offset 0/,
    );
  });

  it('a truncated message, then silence → ERR_LDAP_TIMEOUT', async () => {
    const port = await hostile((s, on) =>
      on((m) =>
        s.write(
          encodeLdapMessage({
            messageID: m.messageID,
            protocolOp: { type: 'searchResDone', resultCode: 0, matchedDN: '', diagnosticMessage: '' },
          }).subarray(0, 6),
        ),
      ),
    );
    await expectLdapError(rootDse(port), 'ERR_LDAP_TIMEOUT', /no answer to LDAP message 1 from 127\.0\.0\.1:\d+ within 800 ms/);
  });

  it('a truncated message, then close → ERR_LDAP_GARBAGE "closed in the middle of a message"', async () => {
    const port = await hostile((s, on) =>
      on((m) =>
        s.end(
          encodeLdapMessage({
            messageID: m.messageID,
            protocolOp: { type: 'searchResDone', resultCode: 0, matchedDN: '', diagnosticMessage: '' },
          }).subarray(0, 6),
        ),
      ),
    );
    await expectLdapError(
      rootDse(port),
      'ERR_LDAP_GARBAGE',
      /closed the connection in the middle of a message \(6 bytes of an incomplete LDAPMessage/,
    );
  });

  it('a forged 2 GB length → ERR_LDAP_GARBAGE (ERR_LIMIT), nothing allocated', async () => {
    const port = await hostile((s) => s.write(Uint8Array.of(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02)));
    await expectLdapError(rootDse(port), 'ERR_LDAP_GARBAGE', /an LDAPMessage of 2147483647 bytes \(limit 16777216\)/);
  });

  it('a well-framed message with a bad inside → the field and offset', async () => {
    // SEQUENCE { INTEGER 1, [APPLICATION 5] { ENUMERATED 0 } }: searchResDone without matchedDN
    const port = await hostile((s, on) => on(() => s.write(Uint8Array.of(0x30, 0x08, 0x02, 0x01, 0x01, 0x65, 0x03, 0x0a, 0x01, 0x00))));
    await expectLdapError(
      rootDse(port),
      'ERR_LDAP_GARBAGE',
      /matchedDN is missing in LDAPMessage\.protocolOp\.searchResDone\.matchedDN at offset 10/,
    );
  });

  it('a notice of disconnection → ERR_LDAP_CLOSED with its result code and text', async () => {
    const port = await hostile((s) =>
      s.end(
        encodeLdapMessage({
          messageID: 0,
          protocolOp: {
            type: 'extendedResp',
            resultCode: 52,
            matchedDN: '',
            diagnosticMessage: 'shutting down',
            responseName: '1.3.6.1.4.1.1466.20036',
          },
        }),
      ),
    );
    await expectLdapError(rootDse(port), 'ERR_LDAP_CLOSED', /notice of disconnection: unavailable \(52\) "shutting down"/);
  });

  it('the wrong answer (a bindResponse to a search) → ERR_LDAP_GARBAGE', async () => {
    const port = await hostile((s, on) =>
      on((m) =>
        s.write(
          encodeLdapMessage({
            messageID: m.messageID,
            protocolOp: { type: 'bindResponse', resultCode: 0, matchedDN: '', diagnosticMessage: '' },
          }),
        ),
      ),
    );
    await expectLdapError(rootDse(port), 'ERR_LDAP_GARBAGE', /answered a search with bindResponse/);
  });

  it('an error result → ERR_LDAP_RESULT with the RFC 4511 name', async () => {
    const port = await hostile((s, on) =>
      on((m) =>
        s.write(
          encodeLdapMessage({
            messageID: m.messageID,
            protocolOp: { type: 'searchResDone', resultCode: 8, matchedDN: '', diagnosticMessage: 'need SASL layer' },
          }),
        ),
      ),
    );
    const c = await LdapClient.connect('127.0.0.1', port, T);
    await expectLdapError(
      c.search({ base: 'DC=x', filter: '(cn=*)', attributes: ['cn'] }),
      'ERR_LDAP_RESULT',
      /strongerAuthRequired \(8\): need SASL layer/,
    );
    await c.close();
  });

  it('accepts and says nothing → ERR_LDAP_TIMEOUT', async () => {
    const port = await hostile(() => {});
    await expectLdapError(rootDse(port), 'ERR_LDAP_TIMEOUT', /within 800 ms/);
  });

  it('a refused port → ERR_LDAP_CONNECT; a name instead of an address → ERR_LDAP_ADDRESS', async () => {
    const port = await hostile(() => {});
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 50));
    await expectLdapError(LdapConnection.open('127.0.0.1', port, T), 'ERR_LDAP_CONNECT', /ECONNREFUSED/);
    await expectLdapError(LdapConnection.open('dc1.contoso.com', 389, T), 'ERR_LDAP_ADDRESS', /not an IP address/);
  });

  it('paged search: follows the cookie until the server returns an empty one', async () => {
    const { encodePagedResultsControl, pagedResultsOf } = await import('../../src/protocol/ldap/index.js');
    let pages = 0;
    const port = await hostile((s, on) =>
      on((m) => {
        if (m.protocolOp.type !== 'searchRequest') return;
        const req = pagedResultsOf(m.controls);
        assert.equal(req?.size, 500);
        pages++;
        s.write(
          encodeLdapMessage({ messageID: m.messageID, protocolOp: { type: 'searchResEntry', objectName: `CN=e${pages}`, attributes: [] } }),
        );
        const cookie = pages < 3 ? Uint8Array.of(pages) : new Uint8Array(0);
        s.write(
          encodeLdapMessage({
            messageID: m.messageID,
            protocolOp: { type: 'searchResDone', resultCode: 0, matchedDN: '', diagnosticMessage: '' },
            controls: [encodePagedResultsControl({ size: 0, cookie })],
          }),
        );
      }),
    );
    const c = await LdapClient.connect('127.0.0.1', port, T);
    const r = await c.search({ base: 'DC=x', filter: '(cn=*)', attributes: [] });
    await c.close();
    assert.deepEqual(
      r.entries.map((e) => e.dn),
      ['CN=e1', 'CN=e2', 'CN=e3'],
    );
    assert.equal(r.pages, 3);
  });
});

describe('SASL GSSAPI security layer (RFC 4752 §3.1, RFC 4121 Wrap tokens)', () => {
  const keyOf = (enctype: number): SessionKey => ({ enctype, key: randomToKey(enctype, randomBytes(enctype === 18 ? 32 : 16)) });
  for (const enctype of [17, 18])
    for (const sealed of [true, false])
      it(`wrapCfx → unwrapCfx, enctype ${enctype}, ${sealed ? 'sealed' : 'signed'}`, () => {
        const k = keyOf(enctype);
        const msg = new TextEncoder().encode('0\x05\x02\x01\x01B\x00 hello');
        const tok = wrapCfx(msg, k, { sentByAcceptor: true, sealed, acceptorSubkey: true, sndSeq: 7n });
        const t = decodePerMessageToken(tok);
        assert.equal(t.kind, 'wrap');
        if (t.kind !== 'wrap') return;
        assert.equal(t.sealed, sealed);
        assert.equal(t.sndSeq, 7n);
        assert.equal(t.acceptorSubkey, true);
        if (!sealed) assert.equal(t.ec, 12, 'EC = the HMAC-SHA1-96 length');
        const r = unwrapCfx(t, [k]);
        assert.equal(r.status, 'ok', r.notes.join('; '));
        assert.deepEqual(r.payload, msg);
        assert.equal(unwrapCfx(t, [keyOf(enctype)]).status, 'failed', 'another key does not open it');
      });

  it('micCfx → verifyCfxMic (the SPNEGO mechListMIC), and not under another key or message', () => {
    const k = keyOf(18);
    const msg = Uint8Array.of(0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02);
    const tok = micCfx(msg, k, { sentByAcceptor: false, acceptorSubkey: true, sndSeq: 42n });
    const t = decodePerMessageToken(tok);
    assert.ok(t.kind === 'mic' && t.sndSeq === 42n && t.acceptorSubkey && !t.sentByAcceptor);
    assert.equal(verifyCfxMic(t, msg, [k]).status, 'ok');
    assert.equal(verifyCfxMic(t, msg.subarray(1), [k]).status, 'failed');
    assert.equal(verifyCfxMic(t, msg, [keyOf(18)]).status, 'failed');
  });

  const ctxPair = (): { client: GssContext; server: GssContext } => {
    const key = keyOf(18);
    return {
      client: { key, acceptorSubkey: true, tokens: 'rfc4121', sendSeq: 100n, recvSeq: 5000n },
      server: { key, acceptorSubkey: true, tokens: 'rfc4121', sendSeq: 5000n, recvSeq: 100n },
    };
  };
  const serverWrap = (s: GssContext, msg: Uint8Array, sealed = false) => {
    const t = wrapCfx(msg, s.key, { sentByAcceptor: true, sealed, acceptorSubkey: true, sndSeq: s.sendSeq });
    s.sendSeq++;
    return t;
  };

  it('the layer offer: confidentiality chosen when offered, integrity otherwise; the answer is a signed Wrap token', () => {
    for (const [mask, want] of [
      [0x07, 'confidentiality'],
      [0x03, 'integrity'],
      [0x06, 'confidentiality'],
    ] as const) {
      const { client, server } = ctxPair();
      const offer = serverWrap(server, Uint8Array.of(mask, 0x00, 0x10, 0x00));
      const c = gssapiNegotiateLayer(client, offer);
      assert.equal(c.chosen, want);
      assert.equal(c.serverMaxBuffer, 0x1000);
      const t = decodePerMessageToken(c.token);
      assert.ok(t.kind === 'wrap' && !t.sealed && !t.sentByAcceptor && t.sndSeq === 100n);
      const r = unwrapCfx(t as Extract<typeof t, { kind: 'wrap' }>, [server.key]);
      assert.deepEqual(r.payload, Uint8Array.of(want === 'confidentiality' ? 4 : 2, 0xff, 0xff, 0xff));
    }
    const { client, server } = ctxPair();
    assert.equal(
      gssapiNegotiateLayer(client, serverWrap(server, Uint8Array.of(7, 0, 0x10, 0)), { prefer: 'integrity' }).chosen,
      'integrity',
    );
  });

  it('refusals: no layer but "none", a short offer, a reflected token, a wrong key, a replayed sequence number', () => {
    let p = ctxPair();
    assert.throws(
      () => gssapiNegotiateLayer(p.client, serverWrap(p.server, Uint8Array.of(1, 0, 0, 0))),
      (e: SaslError) => /needs integrity or confidentiality/.test(e.message),
    );
    p = ctxPair();
    assert.throws(
      () => gssapiNegotiateLayer(p.client, serverWrap(p.server, Uint8Array.of(7, 0))),
      (e: SaslError) => /2 octets, not 4/.test(e.message),
    );
    p = ctxPair();
    const reflected = wrapToServer(p.client, Uint8Array.of(7, 0, 0, 0), false);
    assert.throws(
      () => unwrapFromServer(p.client, reflected),
      (e: SaslError) => /reflected/.test(e.message),
    );
    p = ctxPair();
    const other = ctxPair();
    assert.throws(
      () => unwrapFromServer(p.client, serverWrap(other.server, Uint8Array.of(1))),
      (e: SaslError) => /does not verify/.test(e.message),
    );
    p = ctxPair();
    const t = serverWrap(p.server, Uint8Array.of(1));
    assert.deepEqual(unwrapFromServer(p.client, t), Uint8Array.of(1));
    assert.throws(
      () => unwrapFromServer(p.client, t),
      (e: SaslError) => /sequence number 5000, expected 5001/.test(e.message),
    );
    p = ctxPair();
    assert.throws(
      () => unwrapFromServer(p.client, serverWrap(p.server, Uint8Array.of(1)), 'wrap', true),
      (e: SaslError) => /not sealed/.test(e.message),
    );
    assert.throws(
      () => unwrapFromServer(p.client, Uint8Array.of(1, 2, 3)),
      (e: SaslError) => e instanceof SaslError && /not a GSS Wrap token/.test(e.message),
    );
  });
});

describe('SASL GSSAPI security layer with an RC4-HMAC context (RFC 4757 §7.3 Wrap tokens)', () => {
  const ctxPair = (): { client: GssContext; server: GssContext } => {
    const key: SessionKey = { enctype: 23, key: randomBytes(16) };
    return {
      client: { key, acceptorSubkey: false, tokens: 'rfc4757', sendSeq: 100n, recvSeq: 0xfffffffen },
      server: { key, acceptorSubkey: false, tokens: 'rfc4757', sendSeq: 0xfffffffen, recvSeq: 100n },
    };
  };
  const serverWrap = (s: GssContext, msg: Uint8Array, sealed = false) => {
    const t = wrapArcfour(msg, s.key, { initiator: false, sealed, seqNumber: Number(s.sendSeq) });
    s.sendSeq = (s.sendSeq + 1n) & 0xffffffffn;
    return t;
  };

  it('the layer offer and answer, then sealed messages both ways; the 32-bit sequence number wraps', () => {
    const { client, server } = ctxPair();
    const c = gssapiNegotiateLayer(client, serverWrap(server, Uint8Array.of(7, 0, 0x10, 0)));
    assert.equal(c.chosen, 'confidentiality');
    const t = decodeArcfourToken(c.token);
    assert.ok(t.kind === 'wrap' && !t.sealed && t.framed);
    const answer = unwrapArcfour(t, server.key, { from: 'initiator', expectSeq: 100 });
    assert.deepEqual(answer.payload, Uint8Array.of(4, 0xff, 0xff, 0xff));
    const msg = new TextEncoder().encode('0\x05\x02\x01\x02B\x00');
    const sealed = wrapToServer(client, msg, true);
    assert.equal(decodeArcfourToken(sealed).sealed, true);
    assert.deepEqual(unwrapArcfour(sealed, server.key, { from: 'initiator', expectSeq: 101 }).payload, msg);
    assert.deepEqual(unwrapFromServer(client, serverWrap(server, msg, true), 'wrap', true), msg);
    assert.equal(client.recvSeq, 0n, 'after 0xffffffff comes 0');
    assert.deepEqual(unwrapFromServer(client, serverWrap(server, msg, true), 'wrap', true), msg);
  });

  it('refusals: a reflected token, a wrong key, a replay, an unsealed token under confidentiality, an AES token, garbage', () => {
    let p = ctxPair();
    const reflected = wrapToServer(p.client, Uint8Array.of(7, 0, 0, 0), false);
    assert.throws(
      () => unwrapFromServer(p.client, reflected),
      (e: SaslError) => e instanceof SaslError && /reflected token/.test(e.message),
    );
    p = ctxPair();
    assert.throws(
      () => unwrapFromServer(p.client, serverWrap(ctxPair().server, Uint8Array.of(1))),
      (e: SaslError) => /does not verify with the context key .*GSS_S_BAD_SIG/.test(e.message),
    );
    p = ctxPair();
    const t = serverWrap(p.server, Uint8Array.of(1));
    assert.deepEqual(unwrapFromServer(p.client, t), Uint8Array.of(1));
    assert.throws(
      () => unwrapFromServer(p.client, t),
      (e: SaslError) => /sequence number 4294967294, expected 4294967295 .*GSS_S_DUPLICATE_TOKEN/.test(e.message),
    );
    p = ctxPair();
    assert.throws(
      () => unwrapFromServer(p.client, serverWrap(p.server, Uint8Array.of(1)), 'wrap', true),
      (e: SaslError) => /not sealed \(SEAL_ALG FF FF\)/.test(e.message),
    );
    p = ctxPair();
    const aes = wrapCfx(
      Uint8Array.of(1),
      { enctype: 18, key: randomBytes(32) },
      { sentByAcceptor: true, sealed: true, acceptorSubkey: true, sndSeq: 1n },
    );
    assert.throws(
      () => unwrapFromServer(p.client, aes),
      (e: SaslError) => /not an RFC 4757 \(RC4-HMAC\) Wrap token.*the context is not RC4/.test(e.message),
    );
    assert.throws(
      () => unwrapFromServer(p.client, Uint8Array.of(0x60, 0x03, 1, 2, 3)),
      (e: SaslError) => e instanceof SaslError && /not an RFC 4757/.test(e.message),
    );
    assert.throws(
      () =>
        gssapiNegotiateLayer(p.client, getMicArcfour(Uint8Array.of(7, 0, 0, 0), p.server.key, { initiator: false, seqNumber: 0xfffffffe })),
      (e: SaslError) => e instanceof SaslError && /MIC token \(01 01\) where a Wrap token/.test(e.message),
    );
  });
});
