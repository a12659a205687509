// RFC 4757 §7 RC4-HMAC per-message tokens (src/protocol/gss/arcfour.ts) against a real peer pair:
//  - the five RC4 tokens of test/protocol/gss/fixtures/per-message.pcapng (made in the Samba lab by
//    fixtures/make-per-message.ts, see SOURCES.md there: ldapsearch -Y GSSAPI, MIT krb5 1.20 + cyrus-sasl, against
//    Samba 4.17's Heimdal acceptor, with an arcfour-hmac ldap/ ticket): frame 154 the DC's security-layer offer (signed),
//    155 MIT's choice (signed), 157 and 159 MIT's sealed search and unbind, 158 the DC's sealed answer. The key is the
//    AP-REP subkey of frame 151, the first sequence numbers the authenticator's (frame 149) and the AP-REP's
//    (frame 151) seq-number, as tshark 4.0 reads them with the lab keytab; with tshark installed the test reads
//    them from the capture itself and checks the copies here.
//  - every token we build must open with per-message.ts's own RC4 verifier (written apart, for `inspect`), and
//    re-wrapping each real token's plaintext with its confounder and sequence number must give the real bytes back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digest, hmac, randomBytes, rc4 } from '../../src/crypto/index.js';
import {
  ArcfourError,
  decodeArcfourToken,
  encodeArcfourToken,
  getMicArcfour,
  unwrapArcfour,
  verifyMicArcfour,
  wrapArcfour,
} from '../../src/protocol/gss/arcfour.js';
import { describePerMessageToken } from '../../src/protocol/gss/per-message.js';
import { decodeLdapMessage, Framer, ldapMessageLength } from '../../src/protocol/ldap/index.js';
import { DecodeError } from '../../src/wire/errors.js';
import { requireOrSkip } from '../helpers/prereq.js';
import { fields, hex, tsharkMissing, unhex } from './gss/per-message-helpers.js';

const PCAP = new URL('./gss/fixtures/per-message.pcapng', import.meta.url).pathname;
const KEYTAB = new URL('./gss/fixtures/per-message.keytab', import.meta.url).pathname;

/** frame 151: the AP-REP's subkey (= the authenticator's: Samba echoes it), arcfour-hmac */
const KEY = { enctype: 23, key: unhex('4edd2bd32ef99005e1bbf91210e98953') };
/** frame 149: the authenticator's seq-number (MIT's first SND_SEQ); frame 151: the AP-REP's (Samba's first) */
const INITIATOR_SEQ = 44035561;
const ACCEPTOR_SEQ = 339946138;

interface Real {
  frame: number;
  from: 'initiator' | 'acceptor';
  token: string;
}
const REAL: Real[] = [
  {
    frame: 154,
    from: 'acceptor',
    token: '603006092a864886f71201020202011100ffffffffc0530b544bcae1169a0e091771040f266328b5ddad9009ab0701000001',
  },
  {
    frame: 155,
    from: 'initiator',
    token: '603006092a864886f71201020202011100ffffffffb1150284cb71898c8436bc152cc0529503b4f1d91366550b04ffffff01',
  },
  {
    frame: 157,
    from: 'initiator',
    token:
      '607106092a864886f712010202020111001000ffff704afc4342c689104b450c496ac1e28d615d9e8625ff491cb8fc40f3a66898114447018ecd58eeeb0bedd3e2204219d77f25184ea1029f7e4f8931a9a950073634a62ef270a3edd68848c2fe01481bb877fe3bbdb366cb2f5b70d089165b',
  },
  {
    frame: 158,
    from: 'acceptor',
    token:
      '605606092a864886f712010202020111001000ffff857329cbf859435365df640ea066a4187d303fc21f3ae0d76ac3dd759863c9dc9b4276bae566f9833254ec89878a1a591f479f58d714498287f5afd9ce8f092d92df78',
  },
  {
    frame: 159,
    from: 'initiator',
    token: '603306092a864886f712010202020111001000ffffe1b5d45b0ba31629155b3c0bbec3f75eea7b36a0a0414bbffed68a20709ad0af',
  },
];

const rejects = (f: () => unknown, want: 'decode' | 'arcfour', re?: RegExp) =>
  assert.throws(f, (e: unknown) => {
    if (want === 'decode') assert.ok(e instanceof DecodeError, `DecodeError, got ${String(e)}`);
    else assert.ok(e instanceof ArcfourError, `ArcfourError, got ${String(e)}`);
    if (re) assert.match((e as Error).message, re);
    return true;
  });

describe('RFC 4757 §7 tokens from MIT krb5 and Samba (per-message.pcapng)', () => {
  it('every real token unwraps with the context key, in sequence from both sides, with the security-layer and LDAP plaintexts', () => {
    const next = { initiator: INITIATOR_SEQ, acceptor: ACCEPTOR_SEQ };
    const plain = new Map<number, Uint8Array>();
    for (const r of REAL) {
      const t = decodeArcfourToken(unhex(r.token));
      assert.equal(t.kind, 'wrap');
      assert.ok(t.framed);
      const u = unwrapArcfour(t, KEY, { from: r.from, expectSeq: next[r.from] });
      next[r.from]++;
      assert.equal(u.direction, r.from);
      assert.equal(u.sealed, t.sealed);
      plain.set(r.frame, u.payload);
    }
    // RFC 4752 §3.1: the DC offers none|integrity|confidentiality (07) and a max buffer; MIT takes confidentiality (04)
    assert.equal(plain.get(154)?.[0], 0x07);
    assert.equal(plain.get(154)?.length, 4);
    assert.deepEqual(plain.get(155), Uint8Array.of(0x04, 0xff, 0xff, 0xff));
    // what make-per-message.ts asked: a base search of DC=contoso,DC=com for dnsHostName, then unbind
    const search = decodeLdapMessage(plain.get(157) as Uint8Array);
    assert.equal(search.protocolOp.type, 'searchRequest');
    if (search.protocolOp.type === 'searchRequest') {
      assert.equal(search.protocolOp.baseObject, 'DC=contoso,DC=com');
      assert.deepEqual(search.protocolOp.attributes, ['dnsHostName']);
    }
    // the DC's answer: searchResEntry and searchResDone in one SASL buffer
    const answer = new Framer(ldapMessageLength).push(plain.get(158) as Uint8Array).map((m) => decodeLdapMessage(m));
    assert.deepEqual(
      answer.map((m) => [m.messageID, m.protocolOp.type]),
      [
        [search.messageID, 'searchResEntry'],
        [search.messageID, 'searchResDone'],
      ],
    );
    assert.equal(decodeLdapMessage(plain.get(159) as Uint8Array).protocolOp.type, 'unbindRequest');
  });

  it('re-wrapping each plaintext with its confounder and sequence number gives the real bytes back (MIT’s and Samba’s)', () => {
    const next = { initiator: INITIATOR_SEQ, acceptor: ACCEPTOR_SEQ };
    for (const r of REAL) {
      const t = decodeArcfourToken(unhex(r.token));
      const u = unwrapArcfour(t, KEY, { from: r.from });
      const again = wrapArcfour(u.payload, KEY, {
        initiator: r.from === 'initiator',
        sealed: t.sealed,
        seqNumber: next[r.from]++,
        confounder: u.confounder,
      });
      assert.equal(hex(again), r.token, `frame ${r.frame}`);
      assert.equal(hex(encodeArcfourToken(t)), r.token, `frame ${r.frame}: decode → encode`);
    }
  });

  it('the copies here are the capture’s (tshark: tokens, AP-REP subkey, both seq-numbers)', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    const extra = ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${KEYTAB}`];
    const sub = fields(PCAP, 'frame.number == 151', ['kerberos.keyvalue', 'kerberos.seq_number'], extra)[0];
    assert.equal(sub?.['kerberos.keyvalue'], hex(KEY.key));
    assert.equal(Number(sub?.['kerberos.seq_number']), ACCEPTOR_SEQ);
    const auth = fields(PCAP, 'frame.number == 149', ['kerberos.seq_number'], extra)[0];
    assert.equal(Number(auth?.['kerberos.seq_number']), INITIATOR_SEQ);
    const rows = fields(PCAP, 'spnego.krb5.tok_id == 0x0102', ['frame.number', 'tcp.payload'], extra);
    assert.deepEqual(
      rows.map((x) => Number(x['frame.number'])),
      REAL.map((r) => r.frame),
    );
    for (const [i, row] of rows.entries())
      assert.ok(row['tcp.payload']?.includes(REAL[i]?.token as string), `frame ${row['frame.number']}`);
  });
});

describe('RFC 4757 §7 tokens we build', () => {
  const msg = new TextEncoder().encode('0\x05\x02\x01\x03B\x00 kerbscope');
  for (const enctype of [23, 24])
    for (const sealed of [true, false])
      it(`wrap → unwrap, enctype ${enctype}, ${sealed ? 'sealed' : 'signed'}; per-message.ts's verifier agrees (23)`, () => {
        const k = { enctype, key: randomBytes(16) };
        const tok = wrapArcfour(msg, k, { initiator: true, sealed, seqNumber: 0xfffffffe });
        const t = decodeArcfourToken(tok);
        assert.equal(t.sealAlg, sealed ? 0x1000 : 0xffff);
        assert.equal(t.data.length, msg.length + 1, 'one pad octet');
        if (sealed) assert.notDeepEqual(t.data.subarray(0, msg.length), msg);
        else assert.deepEqual(t.data.subarray(0, msg.length), msg);
        const u = unwrapArcfour(tok, k, { from: 'initiator', expectSeq: 0xfffffffe });
        assert.deepEqual(u.payload, msg);
        assert.equal(u.seqNumber, 0xfffffffe);
        if (enctype === 23) {
          const d = describePerMessageToken(tok, [k]);
          assert.equal(d.decryption.status, 'ok', d.decryption.notes.join('; '));
          assert.deepEqual(d.payload, msg);
          assert.equal(d.sender, 'initiator');
          assert.equal(d.sequenceNumber, String(0xfffffffe));
        }
        rejects(() => unwrapArcfour(tok, { enctype, key: randomBytes(16) }, { from: 'initiator' }), 'arcfour', /does not verify/);
      });

  it('MIC → verify, T = 15 (per-message.ts agrees); another message or key fails', () => {
    const k = { enctype: 23, key: randomBytes(16) };
    const mic = getMicArcfour(msg, k, { initiator: false, seqNumber: 7 });
    assert.equal(mic.length, 11 + 2 + 24, 'framed 24-octet MIC token');
    const v = verifyMicArcfour(mic, msg, k, { from: 'acceptor', expectSeq: 7 });
    assert.equal(v.seqNumber, 7);
    const d = describePerMessageToken(mic, [k], { message: msg });
    assert.equal(d.decryption.status, 'ok', d.decryption.notes.join('; '));
    assert.equal(d.sender, 'acceptor');
    rejects(() => verifyMicArcfour(mic, msg.subarray(1), k, { from: 'acceptor' }), 'arcfour', /SGN_CKSUM/);
    rejects(() => verifyMicArcfour(mic, msg, { enctype: 23, key: randomBytes(16) }, { from: 'acceptor' }), 'arcfour');
    rejects(() => unwrapArcfour(mic, k, { from: 'acceptor' }), 'arcfour', /MIC token .* where a Wrap token/);
    // bare (DCE/RPC, SMB) round trip
    const bare = getMicArcfour(msg, k, { initiator: true, seqNumber: 1, framed: false });
    assert.equal(bare.length, 24);
    assert.equal(verifyMicArcfour(bare, msg, k, { from: 'initiator' }).seqNumber, 1);
  });

  it('Kcrypt and Kseq by hand (RFC 4757 §7.3 text, Klocal = K xor F0): the sealed bytes are RC4 under them', () => {
    const k = { enctype: 23, key: randomBytes(16) };
    const conf = randomBytes(8);
    const tok = decodeArcfourToken(wrapArcfour(msg, k, { initiator: false, sealed: true, seqNumber: 0x01020304, confounder: conf }));
    const t0 = new Uint8Array(4);
    const kcrypt = hmac(
      'md5',
      hmac(
        'md5',
        k.key.map((x) => x ^ 0xf0),
        t0,
      ),
      Uint8Array.of(1, 2, 3, 4),
    );
    assert.deepEqual(rc4(kcrypt, new Uint8Array([...(tok.confounder as Uint8Array), ...tok.data])), new Uint8Array([...conf, ...msg, 1]));
    const kseq = hmac('md5', hmac('md5', k.key, t0), tok.sgnCksum);
    assert.deepEqual(rc4(kseq, tok.sndSeq), Uint8Array.of(1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff));
    const ksign = hmac('md5', k.key, new TextEncoder().encode('signaturekey\0'));
    const cks = hmac('md5', ksign, digest('md5', Uint8Array.of(13, 0, 0, 0), tok.header, conf, msg, Uint8Array.of(1))).subarray(0, 8);
    assert.deepEqual(tok.sgnCksum, cks);
  });
});

describe('hostile RFC 4757 tokens → DecodeError or ArcfourError, never a crash or a wrong success', () => {
  const real = unhex((REAL[3] as Real).token);
  const opts = { from: 'acceptor' as const };

  it('every truncation of a real token', () => {
    for (let n = 0; n < real.length; n++) {
      const cut = real.subarray(0, n);
      assert.throws(
        () => unwrapArcfour(cut, KEY, opts),
        (e: unknown) => e instanceof DecodeError || e instanceof ArcfourError,
        `cut at ${n}`,
      );
    }
  });

  it('every single-bit flip of every real token is refused (SND_SEQ of a signed token: by the sequence check)', () => {
    const next = { initiator: INITIATOR_SEQ, acceptor: ACCEPTOR_SEQ };
    for (const r of REAL) {
      const b = unhex(r.token);
      const expectSeq = next[r.from]++;
      for (let i = 0; i < b.length; i++)
        for (const bit of [0x01, 0x80]) {
          const x = b.slice();
          x[i] = (x[i] as number) ^ bit;
          assert.throws(
            () => unwrapArcfour(x, KEY, { from: r.from, expectSeq }),
            (e: unknown) => e instanceof DecodeError || e instanceof ArcfourError,
            `frame ${r.frame} octet ${i} bit ${bit}`,
          );
        }
    }
  });

  it('the fields: TOK_ID, SGN_ALG, SEAL_ALG, filler, framing length, mechanism, a MIC with trailing octets', () => {
    const at = (i: number, v: number) => {
      const x = real.slice();
      x[i] = v;
      return x;
    };
    rejects(() => decodeArcfourToken(at(13, 0x05)), 'decode', /TOK_ID 05 01 is not an RFC 4757/);
    rejects(() => decodeArcfourToken(at(15, 0x04)), 'decode', /SGN_ALG 04 00/);
    rejects(() => decodeArcfourToken(at(17, 0x02)), 'decode', /SEAL_ALG 02 00 is not RC4/);
    rejects(() => decodeArcfourToken(at(19, 0x00)), 'decode', /filler 00 ff is not FF FF/);
    rejects(() => decodeArcfourToken(at(1, 0x57)), 'decode', /framing says 87 octets but 86 follow/);
    rejects(() => decodeArcfourToken(at(12, 0x03)), 'decode', /not Kerberos V5/);
    rejects(() => decodeArcfourToken(at(1, 0x85)), 'decode', /5-octet DER length/);
    const mic = getMicArcfour(Uint8Array.of(1), KEY, { initiator: true, seqNumber: 1, framed: false });
    rejects(() => decodeArcfourToken(new Uint8Array([...mic, 0])), 'decode', /after the MIC token/);
    rejects(
      () => decodeArcfourToken(Uint8Array.of(0x05, 0x04, 0x06, 0xff, 0, 0, 0, 0x1c, 0, 0, 0, 0, 0, 0, 0, 1)),
      'decode',
      /RFC 4121 token/,
    );
  });

  it('a replayed token, a gap, a reflected token, bad padding, a non-RC4 key', () => {
    const k = { enctype: 23, key: randomBytes(16) };
    const t = wrapArcfour(Uint8Array.of(9), k, { initiator: false, sealed: true, seqNumber: 10 });
    assert.deepEqual(unwrapArcfour(t, k, { from: 'acceptor', expectSeq: 10 }).payload, Uint8Array.of(9));
    rejects(() => unwrapArcfour(t, k, { from: 'acceptor', expectSeq: 11 }), 'arcfour', /sequence number 10, expected 11 \(a replayed/);
    rejects(
      () => unwrapArcfour(t, k, { from: 'acceptor', expectSeq: 9 }),
      'arcfour',
      /sequence number 10, expected 9 \(a message was lost/,
    );
    assert.throws(
      () => unwrapArcfour(t, k, { from: 'acceptor', expectSeq: 0xffffffff }),
      (e: ArcfourError) => e.code === 'GSS_S_GAP_TOKEN',
      'the 32-bit sequence wraps',
    );
    rejects(() => unwrapArcfour(t, k, { from: 'initiator' }), 'arcfour', /sent by the acceptor .* a reflected token/);
    // a well-signed token whose message does not end in the 01 pad (built by hand, as a broken peer would)
    const header = Uint8Array.of(0x02, 0x01, 0x11, 0x00, 0xff, 0xff, 0xff, 0xff);
    const conf = randomBytes(8);
    const data = Uint8Array.of(9, 2);
    const ksign = hmac('md5', k.key, new TextEncoder().encode('signaturekey\0'));
    const cks = hmac('md5', ksign, digest('md5', Uint8Array.of(13, 0, 0, 0), header, conf, data)).slice(0, 8);
    const kseq = hmac('md5', hmac('md5', k.key, new Uint8Array(4)), cks);
    const bad = encodeArcfourToken({
      tokId: 0x0201,
      sealAlg: 0xffff,
      sndSeq: rc4(kseq, Uint8Array.of(0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff)),
      sgnCksum: cks,
      confounder: conf,
      data,
      framed: true,
    });
    rejects(() => unwrapArcfour(bad, k, { from: 'acceptor' }), 'arcfour', /ends in 0x02, not the pad 01/);
    rejects(
      () => wrapArcfour(Uint8Array.of(1), { enctype: 18, key: randomBytes(32) }, { initiator: true, sealed: true, seqNumber: 0 }),
      'arcfour',
      /RC4-HMAC key/,
    );
  });
});
