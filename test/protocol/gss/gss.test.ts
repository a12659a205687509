import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  contextFlags,
  decodeGssChecksum,
  decodeGssToken,
  decodeInitialContextToken,
  decodeKrb5MechToken,
  decodeNegotiationToken,
  encodeGssChecksum,
  encodeInitialContextToken,
  encodeKrb5MechToken,
  encodeNegotiationToken,
  GssOid,
  type GssTokenResult,
  mechName,
  type NegotiationToken,
} from '../../../src/protocol/gss/index.js';
import { encodeNtlmMessage, ntlmFlags } from '../../../src/protocol/ntlm/index.js';
import { fromBase64 } from '../../../src/wire/encoding.js';
import { DecodeError } from '../../../src/wire/errors.js';
import { assertRoundTrip, CORPUS, hex, mutations, onlyDecodeError, toHex } from './helpers.js';

const file = (p: string) => new Uint8Array(readFileSync(CORPUS + p));
const header = (p: string) => fromBase64(readFileSync(CORPUS + p, 'utf8').replace(/^Negotiate\s+/, '')) as Uint8Array;

const KNET = 'vectors/kerberos-net/';
const MIT = 'vectors/mit-krb5/fuzz_gss_seed_corpus/';

/** Re-encodes every layer of a layered result and compares with the input bytes. */
function assertLayersRoundTrip(bytes: Uint8Array, r: GssTokenResult): void {
  for (const l of r.layers) {
    const own = bytes.subarray(l.offset, l.offset + l.length);
    if (l.kind === 'gss-framing') {
      assertRoundTrip(own, (b, base) => decodeInitialContextToken(b, { base }), encodeInitialContextToken);
    } else if (l.kind === 'spnego') {
      assertRoundTrip(own, (b, base) => decodeNegotiationToken(b, { base }), encodeNegotiationToken);
    } else if (l.kind === 'krb5') {
      assertRoundTrip(own, (b, base) => decodeKrb5MechToken(b, { base }), encodeKrb5MechToken);
    } else if (l.kind === 'ntlmssp') {
      assert.equal(toHex(encodeNtlmMessage(l.message)), toHex(own));
    }
  }
}

describe('GSS tokens from Kerberos.NET (HTTP Negotiate)', () => {
  for (const etype of ['aes128', 'aes256', 'rc4']) {
    it(`${etype}-spnego-data: SPNEGO NegTokenInit → krb5 AP-REQ`, () => {
      const b = file(`${KNET}${etype}-spnego-data`);
      const r = decodeGssToken(b);
      assert.equal(r.error, undefined);
      assert.equal(r.mechanism, 'kerberos');
      assert.deepEqual(
        r.layers.map((l) => l.kind),
        ['gss-framing', 'spnego', 'gss-framing', 'krb5', 'krb5-message'],
      );
      const outer = r.layers[0];
      assert.ok(outer?.kind === 'gss-framing' && outer.thisMech === '1.3.6.1.5.5.2' && outer.mechName === 'SPNEGO');
      assert.equal(r.spnego?.type, 'negTokenInit');
      // read off the hex dump: 06 09 2a 86 48 82 f7 12 01 02 02, 06 09 2a 86 48 86 f7 12 01 02 02, 06 0a 2b 06 01 04 01 82 37 02 02 0a
      assert.deepEqual(r.spnego?.type === 'negTokenInit' && r.spnego.value.mechTypes, [
        '1.2.840.48018.1.2.2',
        '1.2.840.113554.1.2.2',
        '1.3.6.1.4.1.311.2.2.10',
      ]);
      const tok = r.layers[3];
      assert.ok(tok?.kind === 'krb5');
      assert.equal(tok.token.tokId, 0x0100);
      assert.equal(tok.token.tokIdName, 'KRB_AP_REQ');
      assert.deepEqual(tok.token.message, { msgType: 14, name: 'AP-REQ' });
      assert.ok(r.inner.kind === 'krb5-message' && r.inner.name === 'AP-REQ');
      // the AP-REQ of the matching *-kerberos-data file is the same message
      const raw = decodeGssToken(file(`${KNET}${etype}-kerberos-data`));
      const rawTok = raw.layers[1];
      assert.ok(rawTok?.kind === 'krb5');
      assert.equal(toHex(rawTok.token.body), toHex(tok.token.body));
      assertLayersRoundTrip(b, r);
      assertLayersRoundTrip(file(`${KNET}${etype}-kerberos-data`), raw);
    });
  }

  it('browser Negotiate headers (RC4Header, RC4TicketClaims, TicketContainingDelegation) list NegoEx too', () => {
    for (const f of ['RC4Header.txt', 'RC4TicketClaims.txt', 'TicketContainingDelegation.txt']) {
      const b = header(`${KNET}extracted/${f}`);
      const r = decodeGssToken(b);
      assert.equal(r.mechanism, 'kerberos', f);
      assert.equal(r.error, undefined);
      const mechs = r.spnego?.type === 'negTokenInit' ? r.spnego.value.mechTypes : undefined;
      assert.deepEqual(mechs?.map(mechName), ['Kerberos 5 (Microsoft legacy OID)', 'Kerberos 5', 'NegoEx', 'NTLMSSP'], f);
      assert.ok(r.inner.kind === 'krb5-message' && r.inner.decoded.msgType === 14);
      if (r.inner.decoded.msgType === 14) {
        // SOURCES.md: realm IDENTITYINTERVENTION.COM (CORP. for the delegation token), Windows-produced tickets
        assert.match(r.inner.decoded.message.ticket.realm, /IDENTITYINTERVENTION\.COM$/);
      }
      assertLayersRoundTrip(b, r);
    }
  });
});

describe('GSS tokens from MIT krb5 fuzz seeds', () => {
  it('gss_accept_sec_context_kerberos / _spnego: AP-REQ (SPNEGO mechTypes name MIT test mechs)', () => {
    const k = decodeGssToken(file(`${MIT}gss_accept_sec_context_kerberos.bin`));
    assert.equal(k.mechanism, 'kerberos');
    assert.ok(k.inner.kind === 'krb5-message' && k.inner.name === 'AP-REQ');
    const s = decodeGssToken(file(`${MIT}gss_accept_sec_context_spnego.bin`));
    assert.equal(s.mechanism, 'kerberos');
    assert.equal(s.spnego?.type === 'negTokenInit' && s.spnego.value.mechTypes?.[0], '1.2.840.113554.1.2.2');
    assertLayersRoundTrip(file(`${MIT}gss_accept_sec_context_spnego.bin`), s);
  });

  it('establish_contexts_ex: SPNEGO with a NegoEx mechToken (NEGOEXTS messages)', () => {
    const r = decodeGssToken(file(`${MIT}establish_contexts_ex.bin`));
    assert.equal(r.mechanism, 'negoex');
    assert.equal(r.error, undefined);
    assert.ok(r.inner.kind === 'negoex');
    const first = r.inner.messages[0];
    assert.equal(first?.messageTypeName, 'MESSAGE_TYPE_INITIATOR_NEGO');
    assert.ok((first?.authSchemes?.length ?? 0) >= 1);
    assert.equal(
      r.inner.messages.reduce((n, m) => n + m.cbMessageLength, 0),
      r.inner.length,
      'the messages tile the token',
    );
  });

  it('IAKERB (realm_query, start_accept_context): header realm and the proxied AS-REQ', () => {
    const q = decodeGssToken(file(`${MIT}realm_query.bin`));
    assert.ok(q.layers[0]?.kind === 'gss-framing' && q.layers[0].mechName === 'IAKERB');
    assert.ok(q.inner.kind === 'krb5');
    assert.equal(q.inner.token.tokIdName, 'IAKERB_PROXY');
    assert.equal(q.inner.token.iakerb?.targetRealm, '');
    const s = decodeGssToken(file(`${MIT}start_accept_context.bin`));
    const st = s.layers[1];
    assert.ok(st?.kind === 'krb5');
    assert.equal(st.token.iakerb?.targetRealm, 'KRBTEST.COM');
    assert.deepEqual(st.token.message, { msgType: 10, name: 'AS-REQ' });
    assert.ok(s.inner.kind === 'krb5-message' && s.inner.name === 'AS-REQ');
  });
});

describe('SPNEGO', () => {
  it('negTokenResp: accept-incomplete with an NTLMSSP CHALLENGE, and a bare accept-completed', () => {
    const challenge = encodeNtlmMessage({
      messageType: 2,
      flagNames: [],
      negotiateFlags: ntlmFlags(['NTLMSSP_NEGOTIATE_UNICODE']),
      serverChallenge: hex('0123456789abcdef'),
      targetName: 'CORP',
    });
    const tok: NegotiationToken = {
      type: 'negTokenResp',
      value: { negState: 'accept-incomplete', supportedMech: GssOid.NTLMSSP, responseToken: challenge },
    };
    const b = encodeNegotiationToken(tok);
    assert.equal(b[0], 0xa1);
    const r = decodeGssToken(b);
    assert.equal(r.mechanism, 'ntlm');
    assert.ok(r.inner.kind === 'ntlmssp' && r.inner.message.messageType === 2);
    assertLayersRoundTrip(b, r);
    // RFC 4178 §4.2.2: "a1 07 30 05 a0 03 0a 01 00" is the final accept-completed (seen in every SMB capture)
    const done = decodeGssToken(hex('a1073005a0030a0100'));
    assert.equal(done.mechanism, 'spnego-only');
    assert.deepEqual(done.spnego, { type: 'negTokenResp', value: { negState: 'accept-completed' } });
  });

  it('NegTokenInit2 (MS-SPNG) with negHints and mechListMIC at [4] round-trips in its own layout', () => {
    const init2: NegotiationToken = {
      type: 'negTokenInit',
      value: {
        form: 'NegTokenInit2',
        mechTypes: [GssOid.MS_KRB5, GssOid.KRB5, GssOid.NTLMSSP],
        negHints: { hintName: 'not_defined_in_RFC4178@please_ignore' },
        mechListMIC: hex('0102'),
      },
    };
    const framed = encodeInitialContextToken({ thisMech: GssOid.SPNEGO, innerToken: encodeNegotiationToken(init2) });
    const r = decodeGssToken(framed);
    assert.equal(r.mechanism, 'spnego-only');
    assert.deepEqual(r.spnego, init2);
    assert.ok(toHex(framed).includes('a4040402'), 'mechListMIC sits at [4]');
    assertLayersRoundTrip(framed, r);
  });

  it('ContextFlags are DER named bits', () => {
    assert.deepEqual([...contextFlags(['mutualFlag', 'integFlag']).raw], [1, 0x42]);
    const t = decodeNegotiationToken(
      encodeNegotiationToken({
        type: 'negTokenInit',
        value: { form: 'NegTokenInit', mechTypes: [GssOid.KRB5], reqFlags: contextFlags(['delegFlag', 'mutualFlag']) },
      }),
    );
    assert.deepEqual(t.type === 'negTokenInit' && t.value.reqFlags?.names, ['delegFlag', 'mutualFlag']);
  });
});

describe('krb5 mechanism tokens and the 0x8003 checksum', () => {
  it('RFC 4121 MIC and Wrap tokens are told apart by TOK_ID', () => {
    const mic = decodeKrb5MechToken(hex(`0404 05 ffffffffff 0000000000000007 ${'ab'.repeat(12)}`));
    assert.equal(mic.tokIdName, 'MIC');
    assert.deepEqual({ ...mic.perMessage }, { flags: 5, sentByAcceptor: true, sealed: false, acceptorSubkey: true, sndSeq: 7n });
    const wrap = decodeGssToken(hex(`0504 02 ff 0010 001c 0000000000000001 ${'cd'.repeat(28)}`));
    assert.ok(wrap.inner.kind === 'krb5' && wrap.inner.token.tokIdName === 'WRAP');
    assert.equal(wrap.inner.token.perMessage?.ec, 16);
    assert.equal(wrap.inner.token.perMessage?.rrc, 28);
    assert.equal(decodeKrb5MechToken(hex('0101 0000 ffff')).tokIdName, 'RFC1964_MIC');
    assert.equal(decodeKrb5MechToken(hex('0201 0000')).tokIdName, 'RFC1964_WRAP');
    assert.throws(
      () => decodeKrb5MechToken(hex('0100 6f00'), { base: 40 }),
      (e: unknown) => e instanceof DecodeError && e.offset === 42 && /AP-REP/.test(e.message),
    );
  });

  it('checksum with delegation: DlgOpt, Dlgth, the KRB-CRED and extensions round-trip', () => {
    const krbCred = hex('7603020100'); // [APPLICATION 22] — only the framing matters here
    const bytes = encodeGssChecksum({ bnd: new Uint8Array(16), flags: 0x103f, deleg: krbCred, exts: hex('00000002 00000003 aabbcc') });
    // RFC 4121 §4.1.1 layout, little-endian: Lgth=16, Bnd, Flags, DlgOpt=1, Dlgth=5
    assert.equal(toHex(bytes.subarray(0, 4)), '10000000');
    assert.equal(toHex(bytes.subarray(20, 28)), '3f10000001000500');
    const c = assertRoundTrip(bytes, (b, base) => decodeGssChecksum(b, { base }), encodeGssChecksum);
    assert.equal(c.noChannelBindings, true);
    assert.deepEqual(c.flagNames, [
      'GSS_C_DELEG_FLAG',
      'GSS_C_MUTUAL_FLAG',
      'GSS_C_REPLAY_FLAG',
      'GSS_C_SEQUENCE_FLAG',
      'GSS_C_CONF_FLAG',
      'GSS_C_INTEG_FLAG',
      'GSS_C_DCE_STYLE',
    ]);
    assert.equal(c.dlgOpt, 1);
    assert.equal(toHex(c.deleg ?? new Uint8Array()), '7603020100');
    assert.deepEqual(
      c.extensions?.map((e) => [e.type, toHex(e.data)]),
      [[2, 'aabbcc']],
    );
  });
});

describe('layered decoding keeps what decoded', () => {
  it('a broken krb5 token inside SPNEGO: outer layers returned, error with its offset', () => {
    const b = file(`${KNET}aes128-spnego-data`).slice();
    const ok = decodeGssToken(b);
    const inner = ok.layers[3];
    assert.ok(inner?.kind === 'krb5');
    b[inner.offset] = 0x09; // TOK_ID 01 00 → 09 00
    const r = decodeGssToken(b);
    assert.deepEqual(
      r.layers.map((l) => l.kind),
      ['gss-framing', 'spnego', 'gss-framing'],
    );
    assert.equal(r.mechanism, 'kerberos');
    assert.ok(r.error instanceof DecodeError);
    assert.equal(r.error.code, 'ERR_UNSUPPORTED');
    assert.equal(r.error.offset, inner.offset);
  });

  it('a truncated NTLMSSP inside negTokenResp: SPNEGO layer kept, mechanism from supportedMech', () => {
    const b = encodeNegotiationToken({
      type: 'negTokenResp',
      value: { negState: 'accept-incomplete', supportedMech: GssOid.NTLMSSP, responseToken: hex('4e544c4d5353500002000000') },
    });
    const r = decodeGssToken(b);
    assert.equal(r.mechanism, 'ntlm');
    assert.equal(r.layers.length, 1);
    assert.equal(r.error?.code, 'ERR_TRUNCATED');
    assert.ok((r.error?.offset ?? 0) > 0);
  });

  it('input that is no GSS token at all throws DecodeError', () => {
    assert.throws(
      () => decodeGssToken(hex('48656c6c6f')),
      (e: unknown) => e instanceof DecodeError && e.code === 'ERR_UNSUPPORTED',
    );
    assert.throws(() => decodeGssToken(new Uint8Array(0)), DecodeError);
  });
});

describe('fuzz: only DecodeError, never another exception', () => {
  it('every prefix and random mutations of each corpus token', () => {
    const seeds = [
      file(`${KNET}rc4-spnego-data`),
      file(`${KNET}aes256-kerberos-data`),
      header(`${KNET}extracted/TicketContainingDelegation.txt`).subarray(0, 600),
      file(`${MIT}establish_contexts_ex.bin`),
      file(`${MIT}start_accept_context.bin`),
      file(`${MIT}realm_query.bin`),
      hex('a1073005a0030a0100'),
      encodeGssChecksum({ bnd: new Uint8Array(16), flags: 0x103f, deleg: hex('7603020100'), exts: hex('00000002 00000003 aabbcc') }),
    ];
    let ok = 0;
    let rejected = 0;
    for (const s of seeds) {
      const n = s.length > 1000 ? 1500 : 2500;
      for (const m of mutations(s, n)) {
        for (const f of [() => decodeGssToken(m), () => decodeGssChecksum(m), () => decodeNegotiationToken(m)]) {
          if (onlyDecodeError(f, toHex(m.subarray(0, 64))) === 'ok') ok++;
          else rejected++;
        }
      }
    }
    assert.ok(ok > 500 && rejected > 500, `decoded ${ok}, rejected ${rejected}`);
  });
});
