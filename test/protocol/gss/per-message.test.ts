// Kerberos GSS per-message tokens (src/protocol/gss/per-message.ts) against tshark on real traffic:
//  - fixtures/per-message.pcapng (made in the Samba lab by fixtures/make-per-message.ts, see SOURCES.md there): LDAP
//    SASL/GSSAPI sealed (RFC 4121 Wrap, Sealed, Samba's RRC 28), integrity only (Wrap with a checksum, RRC 12 from
//    the DC), through GSS-SPNEGO, and with an RC4 service ticket (RFC 4757 Wrap tokens 02 01 inside the GSS framing).
//    Every token's fields are compared with tshark's spnego.krb5.* fields; the keys are the ones tshark learned from
//    the capture with the lab's keytab (kerberos.keyvalue: ticket session keys, authenticator and AP-REP subkeys);
//    every token must unwrap with one of them, and the plaintext must equal tshark's "Decrypted GSS-Krb5" data
//    (sealed) or carry the LDAP messageID / protocolOp tshark dissected (integrity only).
//  - ../shared/corpus scapy dcerpc_privacy_krb: Windows DCE/RPC with packet privacy: MIC tokens (SPNEGO
//    mechListMIC) and DCE-style Wrap tokens (EC 16, RRC 28), fields compared with tshark.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encrypt } from '../../../src/crypto/index.js';
import { encodeCcache } from '../../../src/formats/ccache.js';
import { detect } from '../../../src/formats/detect.js';
import {
  decodePerMessageToken,
  describePerMessageToken,
  encodeCfxHeader,
  encodePerMessageToken,
  rotateLeft,
  rotateRight,
  unwrapCfx,
  type WrapToken,
} from '../../../src/protocol/gss/per-message.js';
import { isDecodeError } from '../../../src/wire/errors.js';
import { requireOrSkip } from '../../helpers/prereq.js';

const FIX = new URL('./fixtures/', import.meta.url).pathname;
const PCAP = `${FIX}per-message.pcapng`;
const KEYTAB = `${FIX}per-message.keytab`;

import { capturedKeys, dataSources, fields, hex, ldapHead, TOKEN_FIELDS, tsharkMissing, unhex } from './per-message-helpers.js';

describe('RFC 4121 / RFC 4757 per-message tokens from the Samba lab (LDAP SASL/GSSAPI), against tshark', () => {
  const extra = ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${KEYTAB}`];
  const NAMES = [
    ...TOKEN_FIELDS,
    'ldap.serverSaslCreds',
    'ldap.credentials',
    'ldap.sasl_buffer_length',
    'tcp.payload',
    'ldap.messageID',
    'ldap.protocolOp',
  ];

  it('every Wrap token: fields equal tshark, unwrapped with the capture keys, plaintext equals tshark’s', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    const rows = fields(PCAP, 'spnego.krb5.tok_id != 0x0001 && spnego.krb5.tok_id != 0x0002', NAMES, extra);
    const sources = dataSources(PCAP, 'spnego.krb5.tok_id != 0x0001 && spnego.krb5.tok_id != 0x0002', extra);
    const keys = capturedKeys(PCAP, extra);
    assert.ok(keys.length >= 6, `keys learned by tshark: ${keys.length}`);
    const counts = { cfxSealed: 0, cfxSigned: 0, rc4Sealed: 0, rc4Signed: 0, rotated: 0, acceptor: 0 };
    for (const row of rows) {
      const frame = Number(row['frame.number']);
      // the token: a bind request's credentials or a bind response's serverSaslCreds (RFC 4752 security-layer
      // negotiation), or the SASL buffer (4-octet length, then the token)
      let token: Uint8Array;
      const bind = row['ldap.serverSaslCreds'] || row['ldap.credentials'];
      if (bind) token = unhex(bind);
      else {
        const payload = unhex(row['tcp.payload'] ?? '');
        const len = Number(row['ldap.sasl_buffer_length']);
        assert.equal(payload.length, 4 + len, `frame ${frame}: one whole SASL buffer in the segment`);
        token = payload.subarray(4);
      }
      assert.equal(detect(token).kind, 'gss-per-message', `frame ${frame}: detected as ${JSON.stringify(detect(token))}`);
      const tok = decodePerMessageToken(token);
      // tshark shows TOK_ID as a little-endian 16-bit number (05 04 → 0x0405)
      const tokId = Number.parseInt(row['spnego.krb5.tok_id'] as string, 16);
      assert.equal(((tokId & 0xff) << 8) | (tokId >> 8), tok.tokId, `frame ${frame}: TOK_ID`);
      const d = describePerMessageToken(token, keys);
      assert.equal(d.decryption.status, 'ok', `frame ${frame}: ${d.decryption.notes.join('; ')}`);
      const plain = d.payload as Uint8Array;
      const decrypted = sources.get(frame)?.get('Decrypted GSS-Krb5');
      if (tok.kind === 'wrap') {
        assert.equal(tok.flags, Number.parseInt(row['spnego.krb5.cfx_flags'] as string, 16), `frame ${frame}: Flags`);
        assert.equal(tok.ec, Number(row['spnego.krb5.cfx_ec']), `frame ${frame}: EC`);
        assert.equal(tok.rrc, Number(row['spnego.krb5.cfx_rrc']), `frame ${frame}: RRC`);
        assert.equal(tok.sndSeq, BigInt(row['spnego.krb5.cfx_seq'] as string), `frame ${frame}: SND_SEQ`);
        assert.equal(d.sequenceNumber, row['spnego.krb5.cfx_seq']);
        if (tok.rrc) counts.rotated++;
        if (tok.sentByAcceptor) counts.acceptor++;
        if (tok.sealed) counts.cfxSealed++;
        else counts.cfxSigned++;
      } else {
        assert.equal(tok.kind, 'rfc1964-wrap');
        if (tok.kind !== 'rfc1964-wrap') continue;
        assert.equal(tok.sgnAlg, Number.parseInt(row['spnego.krb5.sgn_alg'] as string, 16), `frame ${frame}: SGN_ALG`);
        assert.equal(tok.sealAlg, Number.parseInt(row['spnego.krb5.seal_alg'] as string, 16), `frame ${frame}: SEAL_ALG`);
        assert.equal(hex(tok.sndSeq), row['spnego.krb5.snd_seq'], `frame ${frame}: SND_SEQ`);
        assert.equal(hex(tok.sgnCksum), row['spnego.krb5.sgn_cksum'], `frame ${frame}: SGN_CKSUM`);
        assert.equal(tok.framed, true);
        assert.ok(d.sender === 'initiator' || d.sender === 'acceptor', `frame ${frame}: RC4 direction decrypted`);
        if (tok.sealed) counts.rc4Sealed++;
        else counts.rc4Signed++;
      }
      if (decrypted) assert.equal(hex(plain), hex(decrypted), `frame ${frame}: plaintext equals tshark's Decrypted GSS-Krb5`);
      else if (!bind) {
        // integrity only: the LDAP message is in the clear inside the token; tshark dissected it
        const [id, op] = ldapHead(plain);
        assert.equal(id, Number(row['ldap.messageID']), `frame ${frame}: messageID`);
        assert.equal(op, Number(row['ldap.protocolOp']), `frame ${frame}: protocolOp`);
      } else {
        // RFC 4752 §3.1 security-layer offer inside the bind: 4 octets (layers bitmask, max buffer size)
        assert.equal(plain.length, 4, `frame ${frame}: SASL GSSAPI security-layer message`);
      }
      if ((tok.kind === 'wrap' && tok.sealed) || (tok.kind === 'rfc1964-wrap' && tok.sealed))
        assert.ok(decrypted, `frame ${frame}: tshark decrypted this sealed token too`);
    }
    assert.ok(counts.cfxSealed >= 6 && counts.cfxSigned >= 4 && counts.rc4Sealed >= 3 && counts.rc4Signed >= 2, JSON.stringify(counts));
    assert.ok(counts.rotated >= 4 && counts.acceptor >= 4, JSON.stringify(counts));
    t.diagnostic(`${rows.length} tokens: ${JSON.stringify(counts)}`);
  });

  it('a wrong key, a changed octet and a cut token are reported, not thrown (or a DecodeError)', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    const extraArgs = ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${KEYTAB}`];
    const keys = capturedKeys(PCAP, extraArgs);
    const [row] = fields(PCAP, 'spnego.krb5.cfx_flags == 0x06', ['tcp.payload'], extraArgs);
    const token = unhex(row?.['tcp.payload'] ?? '').subarray(4);
    assert.equal(describePerMessageToken(token, keys).decryption.status, 'ok');
    const wrong = keys.map((k) => ({ enctype: k.enctype, key: k.key.map((x) => x ^ 1) }));
    assert.equal(describePerMessageToken(token, wrong).decryption.status, 'failed');
    assert.equal(describePerMessageToken(token, []).decryption.status, 'no-key');
    const flipped = token.slice();
    flipped[40] = (flipped[40] as number) ^ 0x80;
    assert.equal(describePerMessageToken(flipped, keys).decryption.status, 'failed');
    // the header is inside the ciphertext too: a changed sequence number no longer matches the encrypted copy
    const seq = token.slice();
    seq[15] = (seq[15] as number) ^ 1;
    const r = describePerMessageToken(seq, keys);
    assert.equal(r.decryption.status, 'failed');
    assert.ok(
      r.decryption.notes.some((n) => /header copy/.test(n)),
      r.decryption.notes.join('\n'),
    );
    for (const n of [0, 1, 2, 8, 15]) {
      assert.throws(
        () => decodePerMessageToken(token.subarray(0, n)),
        (e: unknown) => isDecodeError(e) && e.offset !== undefined,
        `cut at ${n}`,
      );
    }
    const badFiller = token.slice();
    badFiller[3] = 0xfe;
    assert.notEqual(detect(badFiller).kind, 'gss-per-message');
  });
});

describe('per-message tokens: structure', () => {
  it('a Wrap token is not a version-4 ccache, and a version-4 ccache is still one', () => {
    const wrap = Uint8Array.of(0x05, 0x04, 0x06, 0xff, 0x00, 0x00, 0x00, 0x1c, 0, 0, 0, 0, 0, 0, 0, 7, ...new Array(60).fill(0xaa));
    assert.equal(detect(wrap).kind, 'gss-per-message');
    assert.match(detect(wrap).detail ?? '', /Wrap token/);
    const cc = encodeCcache({
      version: 4,
      byteOrder: 'be',
      header: [{ tag: 1, value: new Uint8Array(8) }],
      defaultPrincipal: { nameType: 1, realm: 'CONTOSO.COM', components: ['john'] },
      credentials: [],
    });
    assert.equal(hex(cc.subarray(0, 4)), '0504000c', 'MIT writes header length 12 where a Wrap token has flags + FF');
    assert.equal(detect(cc).kind, 'ccache');
    const mic = Uint8Array.of(0x04, 0x04, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1, ...new Array(12).fill(1));
    assert.equal(detect(mic).kind, 'gss-per-message');
    const m = decodePerMessageToken(mic);
    assert.equal(m.kind, 'mic');
    assert.equal(hex(encodePerMessageToken(m as never)), hex(mic), 'MIC round trip');
  });

  it('RRC rotation (RFC 4121 §4.2.5) and a sealed token built with a known key', () => {
    const b = Uint8Array.from({ length: 40 }, (_, i) => i);
    for (const rrc of [0, 1, 12, 28, 40, 41, 1000]) assert.equal(hex(rotateLeft(rotateRight(b, rrc), rrc)), hex(b), `rrc ${rrc}`);
    assert.equal(hex(rotateRight(Uint8Array.of(1, 2, 3, 4), 1)), '04010203');
    // RFC 4121 §4.2.4 by hand: E(plaintext || filler(EC) || header with RRC 0), rotated right by RRC
    const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const plaintext = new TextEncoder().encode('per-message test payload');
    for (const [ec, rrc] of [
      [0, 0],
      [0, 28],
      [3, 28],
      [16, 28],
    ] as const) {
      const hdr = encodeCfxHeader('wrap', { flags: 0x06, ec, rrc, sndSeq: 0x0102030405060708n });
      const copy = encodeCfxHeader('wrap', { flags: 0x06, ec, rrc: 0, sndSeq: 0x0102030405060708n });
      const ct = encrypt(18, key, 24, new Uint8Array([...plaintext, ...new Array(ec).fill(0xff), ...copy]));
      const token = new Uint8Array([...hdr, ...rotateRight(ct, rrc)]);
      const tok = decodePerMessageToken(token) as WrapToken;
      const r = unwrapCfx(tok, [{ enctype: 18, key }]);
      assert.equal(r.status, 'ok', r.notes.join('; '));
      assert.equal(r.usage, 24, 'KG-USAGE-INITIATOR-SEAL');
      assert.equal(new TextDecoder().decode(r.payload), 'per-message test payload');
      // sent by the initiator: the acceptor's usage (22) must not work
      const asAcceptor = { ...tok, sentByAcceptor: true };
      assert.equal(unwrapCfx(asAcceptor, [{ enctype: 18, key }]).status, 'failed');
    }
  });

  it('bad input: only DecodeError, with the field', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty', new Uint8Array(0), /TOK_ID/],
      ['short Wrap', Uint8Array.of(0x05, 0x04, 0x06, 0xff, 0, 0), /header/],
      ['MIC with Sealed', Uint8Array.of(0x04, 0x04, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9), /Sealed/],
      ['RFC 1964 unknown SGN_ALG', Uint8Array.of(0x02, 0x01, 0x99, 0x00, 0xff, 0xff, 0xff, 0xff, ...new Array(24).fill(0)), /SGN_ALG/],
      ['framed, not krb5', Uint8Array.of(0x60, 0x0f, 0x06, 0x09, 0x2b, 6, 1, 4, 1, 0x82, 0x37, 2, 2, 0x01, 0x01), /mechanism/],
    ];
    for (const [what, b, re] of cases) {
      assert.throws(
        () => decodePerMessageToken(b),
        (e: unknown) => isDecodeError(e) && re.test(e.message),
        what,
      );
    }
  });
});
