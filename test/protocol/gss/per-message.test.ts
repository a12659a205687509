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
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encrypt } from '../../../src/crypto/index.js';
import { encodeCcache } from '../../../src/formats/ccache.js';
import { detect } from '../../../src/formats/detect.js';
import { encodeKeytab } from '../../../src/formats/keytab.js';
import {
  decodePerMessageToken,
  describePerMessageToken,
  encodeCfxHeader,
  encodePerMessageToken,
  rotateLeft,
  rotateRight,
  type SessionKey,
  unwrapCfx,
  unwrapCfxDce,
  type WrapToken,
} from '../../../src/protocol/gss/per-message.js';
import { decodeNegotiationToken, MechTypeList } from '../../../src/protocol/gss/spnego.js';
import { encodeDer } from '../../../src/wire/asn1.js';
import { isDecodeError } from '../../../src/wire/errors.js';
import { corpusPath } from '../../helpers/corpus.js';
import { requireOrSkip } from '../../helpers/prereq.js';

const FIX = new URL('./fixtures/', import.meta.url).pathname;
const PCAP = `${FIX}per-message.pcapng`;
const KEYTAB = `${FIX}per-message.keytab`;

const haveTshark = (() => {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const tsharkMissing = haveTshark ? undefined : 'tshark not installed';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex'));

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
}

/** tshark -T fields, one row per frame, first occurrence of each field. */
function fields(pcap: string, filter: string, names: string[], extra: string[] = []): Record<string, string>[] {
  const out = tshark([
    '-r',
    pcap,
    ...extra,
    '-Y',
    filter,
    '-T',
    'fields',
    '-E',
    'separator=\t',
    '-E',
    'occurrence=f',
    ...names.flatMap((n) => ['-e', n]),
  ]);
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [names[i] as string, v])));
}

/** tshark -P -x: per frame, the named data sources ("Decrypted GSS-Krb5", "GSSAPI CFX", ...) as bytes. */
function dataSources(pcap: string, filter: string, extra: string[]): Map<number, Map<string, Uint8Array>> {
  const out = tshark(['-r', pcap, ...extra, '-Y', filter, '-P', '-x']);
  const frames = new Map<number, Map<string, Uint8Array>>();
  let cur: Map<string, Uint8Array> | undefined;
  let name = 'Frame';
  let acc: string[] = [];
  const flush = () => {
    if (cur && acc.length) cur.set(name, unhex(acc.join('')));
    acc = [];
  };
  for (const line of out.split('\n')) {
    const f = /^\s*(\d+)\s+\d+\.\d+\s/.exec(line);
    if (f) {
      flush();
      cur = new Map();
      frames.set(Number(f[1]), cur);
      name = 'Frame';
      continue;
    }
    const src = /^(.+) \(\d+ bytes\):$/.exec(line);
    if (src) {
      flush();
      name = src[1] as string;
      continue;
    }
    const h = /^[0-9a-f]{4} {2}((?:[0-9a-f]{2} ){1,16})/.exec(line);
    if (h) acc.push(h[1] as string);
  }
  flush();
  return frames;
}

/** Every key tshark learned from the capture (kerberos.keytype / kerberos.keyvalue), deduplicated. */
function capturedKeys(pcap: string, extra: string[]): SessionKey[] {
  const out = tshark([
    '-r',
    pcap,
    ...extra,
    '-Y',
    'kerberos.keyvalue',
    '-T',
    'fields',
    '-e',
    'kerberos.keytype',
    '-e',
    'kerberos.keyvalue',
  ]);
  const seen = new Map<string, SessionKey>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [types, values] = line.split('\t') as [string, string];
    const t = types.split(',');
    for (const [i, v] of values.split(',').entries()) seen.set(`${t[i]}:${v}`, { enctype: Number(t[i]), key: unhex(v) });
  }
  return [...seen.values()];
}

/** LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp [APPLICATION n] ... } → [messageID, n] of the first one. */
function ldapHead(b: Uint8Array): [number, number] {
  assert.equal(b[0], 0x30, 'LDAPMessage SEQUENCE');
  let i = 1;
  const l = b[i] as number;
  i += l & 0x80 ? 1 + (l & 0x7f) : 1;
  assert.equal(b[i], 0x02, 'messageID INTEGER');
  const n = b[i + 1] as number;
  let id = 0;
  for (let k = 0; k < n; k++) id = id * 256 + (b[i + 2 + k] as number);
  return [id, (b[i + 2 + n] as number) & 0x1f];
}

describe('RFC 4121 / RFC 4757 per-message tokens from the Samba lab (LDAP SASL/GSSAPI), against tshark', () => {
  const extra = ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${KEYTAB}`];
  const NAMES = [
    'frame.number',
    'spnego.krb5.tok_id',
    'spnego.krb5.cfx_flags',
    'spnego.krb5.cfx_ec',
    'spnego.krb5.cfx_rrc',
    'spnego.krb5.cfx_seq',
    'spnego.krb5.sgn_alg',
    'spnego.krb5.seal_alg',
    'spnego.krb5.snd_seq',
    'spnego.krb5.sgn_cksum',
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

describe('DCE/RPC packet privacy (scapy dcerpc_privacy_krb, Windows): MIC and DCE-style Wrap tokens, against tshark', () => {
  const scapyPcap = (): string => {
    const gz = corpusPath('pcap/scapy/dcerpc_privacy_krb.pcapng.gz');
    const dir = mkdtempSync(join(tmpdir(), 'ks-pm-'));
    const pcap = join(dir, 'dcerpc_privacy_krb.pcapng');
    writeFileSync(pcap, execFileSync('gzip', ['-dc', gz]));
    return pcap;
  };

  it('the SPNEGO mechListMIC of both sides verifies over the DER MechTypeList with the session keys tshark learns', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    const pcap = scapyPcap();
    // the service key scapy publishes (corpus SOURCES.md): ldap/dc1.domain.local/domain.local@DOMAIN.LOCAL kvno 14 AES256
    const kt = join(pcap, '..', 'service.keytab');
    writeFileSync(
      kt,
      encodeKeytab({
        entries: [
          {
            principal: { nameType: 2, realm: 'DOMAIN.LOCAL', components: ['ldap', 'dc1.domain.local', 'domain.local'] },
            kvno: 14,
            enctype: 18,
            key: unhex('85abb9b61dc2fa49d4cc04317bbd108f8f79df28239155ed7b144c5d2ebcf016'),
          },
        ],
      }),
    );
    const extra = ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${kt}`];
    const keys = capturedKeys(pcap, extra);
    assert.ok(keys.length >= 3, `tshark learned ${keys.length} keys`);
    // the NegTokenInit of the bind: what the MIC covers is the DER of its mechTypes (RFC 4178 §5)
    const [bind] = fields(pcap, 'spnego.negTokenInit_element', ['tcp.payload'], extra);
    const payload = unhex(bind?.['tcp.payload'] ?? '');
    const oid = hex(Uint8Array.of(0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02));
    const at = hex(payload).indexOf(oid) / 2 + 8;
    const init = decodeNegotiationToken(payload.subarray(at), { allowTrailing: true });
    assert.equal(init.type, 'negTokenInit');
    const mechTypes = encodeDer(MechTypeList, (init.value as { mechTypes: string[] }).mechTypes);
    assert.notEqual(hex(payload).indexOf(hex(mechTypes)), -1, 'the re-encoded MechTypeList is the one on the wire');
    const mics = fields(pcap, 'spnego.mechListMIC', ['frame.number', 'spnego.mechListMIC'], extra);
    assert.equal(mics.length, 2);
    const senders: string[] = [];
    for (const m of mics) {
      const token = unhex(m['spnego.mechListMIC'] as string);
      const d = describePerMessageToken(token, keys, { message: mechTypes });
      assert.equal(d.decryption.status, 'ok', `frame ${m['frame.number']}: ${d.decryption.notes.join('; ')}`);
      assert.equal(d.decryption.usage, d.sender === 'acceptor' ? 23 : 25);
      senders.push(d.sender as string);
      // and not over anything else
      const other = describePerMessageToken(token, keys, { message: mechTypes.subarray(1) });
      assert.equal(other.decryption.status, 'failed');
      assert.equal(describePerMessageToken(token, keys).decryption.status, 'no-message');
    }
    assert.deepEqual(senders.sort(), ['acceptor', 'initiator']);
  });

  it('every sealed request and response stub decrypts (DCE style, RRC + EC rotation, checksum over the PDU) to tshark’s plaintext', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    const pcap = scapyPcap();
    const kt = join(pcap, '..', 'service.keytab');
    writeFileSync(
      kt,
      encodeKeytab({
        entries: [
          {
            principal: { nameType: 2, realm: 'DOMAIN.LOCAL', components: ['ldap', 'dc1.domain.local', 'domain.local'] },
            kvno: 14,
            enctype: 18,
            key: unhex('85abb9b61dc2fa49d4cc04317bbd108f8f79df28239155ed7b144c5d2ebcf016'),
          },
        ],
      }),
    );
    const extra = ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${kt}`];
    const keys = capturedKeys(pcap, extra);
    const filter = 'spnego.krb5.tok_id == 0x0405 && dcerpc.encrypted_stub_data';
    const rows = fields(pcap, filter, ['frame.number', 'spnego.krb5.blob', 'dcerpc.encrypted_stub_data', 'tcp.payload'], extra);
    const sources = dataSources(pcap, filter, extra);
    let n = 0;
    for (const row of rows) {
      const frame = Number(row['frame.number']);
      const blob = unhex(row['spnego.krb5.blob'] as string);
      const stub = unhex(row['dcerpc.encrypted_stub_data'] as string);
      const pdu = unhex(row['tcp.payload'] as string);
      const si = Buffer.from(pdu).indexOf(Buffer.from(stub));
      const bi = Buffer.from(pdu).indexOf(Buffer.from(blob));
      if (si < 0 || bi < 0) continue; // a PDU split over segments
      const tok = decodePerMessageToken(blob) as WrapToken;
      const r = unwrapCfxDce(tok, stub, { before: pdu.subarray(0, si), after: pdu.subarray(si + stub.length, bi) }, keys);
      assert.equal(r.status, 'ok', `frame ${frame}: ${r.notes.join('; ')}`);
      const reference = sources.get(frame)?.get('Decrypted stub data');
      assert.ok(reference, `frame ${frame}: tshark decrypted it`);
      assert.equal(hex(r.payload as Uint8Array), hex(reference), `frame ${frame}: stub plaintext`);
      const d = describePerMessageToken(blob, keys, {
        dce: { stub, before: pdu.subarray(0, si), after: pdu.subarray(si + stub.length, bi) },
      });
      assert.equal(hex(d.payload as Uint8Array), hex(reference));
      // one changed octet of the (unencrypted) PDU header breaks the checksum
      const before = pdu.slice(0, si);
      before[2] = (before[2] as number) ^ 1;
      assert.equal(unwrapCfxDce(tok, stub, { before, after: pdu.subarray(si + stub.length, bi) }, keys).status, 'failed');
      n++;
    }
    assert.ok(n >= 6, `${n} DCE-style tokens decrypted`);
    t.diagnostic(`${n} sealed DCE/RPC PDUs decrypted`);
  });

  it('fields of every per-message token equal tshark’s', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    const pcap = scapyPcap();
    const rows = fields(pcap, 'spnego.krb5.tok_id == 0x0404 || spnego.krb5.tok_id == 0x0405', [
      'frame.number',
      'spnego.krb5.tok_id',
      'spnego.krb5.cfx_flags',
      'spnego.krb5.cfx_ec',
      'spnego.krb5.cfx_rrc',
      'spnego.krb5.cfx_seq',
      'spnego.krb5.sgn_cksum',
      'spnego.mechListMIC',
      'spnego.krb5.blob',
    ]);
    let mics = 0;
    let wraps = 0;
    for (const row of rows) {
      const frame = row['frame.number'];
      // MIC tokens come whole in the SPNEGO mechListMIC; a DCE-style Wrap token's header and trailer in the auth
      // verifier (the sealed stub is the PDU body)
      const bytes = unhex(row['spnego.mechListMIC'] || (row['spnego.krb5.blob'] as string));
      if (!row['spnego.mechListMIC'] && bytes[0] === 0x6f) continue; // the AP-REP frame also shows a blob
      const tok = decodePerMessageToken(bytes);
      assert.notEqual(tok.kind, 'rfc1964-mic');
      if (tok.kind !== 'mic' && tok.kind !== 'wrap') continue;
      assert.equal(tok.flags, Number.parseInt(row['spnego.krb5.cfx_flags'] as string, 16), `frame ${frame}: Flags`);
      assert.equal(tok.sndSeq, BigInt(row['spnego.krb5.cfx_seq'] as string), `frame ${frame}: SND_SEQ`);
      if (tok.kind === 'mic') {
        assert.equal(hex(tok.checksum), row['spnego.krb5.sgn_cksum'], `frame ${frame}: SGN_CKSUM`);
        assert.equal(detect(bytes).kind, 'gss-per-message');
        mics++;
      } else {
        assert.equal(tok.ec, Number(row['spnego.krb5.cfx_ec']), `frame ${frame}: EC`);
        assert.equal(tok.rrc, Number(row['spnego.krb5.cfx_rrc']), `frame ${frame}: RRC`);
        assert.equal(tok.sealed, true);
        wraps++;
      }
    }
    assert.ok(mics >= 2 && wraps >= 6, `MIC ${mics}, Wrap ${wraps}`);
    t.diagnostic(`MIC ${mics}, Wrap ${wraps}`);
  });
});

describe('Windows LDAP SASL (zeek corpus): RC4 sealed and AES signed-only tokens, against tshark', () => {
  const NAMES = [
    'frame.number',
    'spnego.krb5.tok_id',
    'spnego.krb5.cfx_flags',
    'spnego.krb5.cfx_ec',
    'spnego.krb5.cfx_rrc',
    'spnego.krb5.cfx_seq',
    'spnego.krb5.sgn_alg',
    'spnego.krb5.seal_alg',
    'spnego.krb5.snd_seq',
    'spnego.krb5.sgn_cksum',
    'spnego.krb5.confounder',
    'ldap.sasl_buffer_length',
    'tcp.payload',
    'ldap.messageID',
    'ldap.protocolOp',
  ];
  it('fields equal tshark; a signed-only Wrap token carries the LDAP message tshark dissects (after RRC and EC)', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    let rc4 = 0;
    let signed = 0;
    for (const file of ['pcap/zeek/ldap/krb5-sign-seal-01.pcap', 'pcap/zeek/ldap/missing_krbtgt_ldap_request.pcapng']) {
      const rows = fields(corpusPath(file), 'spnego.krb5.tok_id == 0x0102 || spnego.krb5.tok_id == 0x0405', NAMES);
      for (const row of rows) {
        const where = `${file} frame ${row['frame.number']}`;
        const payload = unhex(row['tcp.payload'] ?? '');
        const len = Number(row['ldap.sasl_buffer_length']);
        if (payload.length !== 4 + len) continue; // a SASL buffer split over segments
        const token = payload.subarray(4);
        assert.equal(detect(token).kind, 'gss-per-message', where);
        const tok = decodePerMessageToken(token);
        if (tok.kind === 'rfc1964-wrap') {
          assert.equal(tok.sgnAlg, Number.parseInt(row['spnego.krb5.sgn_alg'] as string, 16), `${where}: SGN_ALG`);
          assert.equal(tok.sealAlg, Number.parseInt(row['spnego.krb5.seal_alg'] as string, 16), `${where}: SEAL_ALG`);
          assert.equal(hex(tok.sndSeq), row['spnego.krb5.snd_seq'], `${where}: SND_SEQ`);
          assert.equal(hex(tok.sgnCksum), row['spnego.krb5.sgn_cksum'], `${where}: SGN_CKSUM`);
          assert.equal(hex(tok.confounder as Uint8Array), row['spnego.krb5.confounder'], `${where}: Confounder`);
          assert.equal(describePerMessageToken(token).decryption.status, 'no-key');
          rc4++;
        } else if (tok.kind === 'wrap') {
          assert.equal(tok.flags, Number.parseInt(row['spnego.krb5.cfx_flags'] as string, 16), `${where}: Flags`);
          assert.equal(tok.ec, Number(row['spnego.krb5.cfx_ec']), `${where}: EC`);
          assert.equal(tok.rrc, Number(row['spnego.krb5.cfx_rrc']), `${where}: RRC`);
          assert.equal(tok.sndSeq, BigInt(row['spnego.krb5.cfx_seq'] as string), `${where}: SND_SEQ`);
          assert.equal(tok.sealed, false);
          // RFC 4121 §4.2.4 without confidentiality: message || checksum(EC octets), rotated right by RRC
          const body = rotateLeft(tok.data, tok.rrc);
          const [id, op] = ldapHead(body.subarray(0, body.length - tok.ec));
          assert.equal(id, Number(row['ldap.messageID']), `${where}: messageID`);
          assert.equal(op, Number(row['ldap.protocolOp']), `${where}: protocolOp`);
          signed++;
        } else assert.fail(`${where}: ${tok.kind}`);
      }
    }
    assert.ok(rc4 >= 1 && signed >= 4, `RC4 ${rc4}, signed ${signed}`);
    t.diagnostic(`Windows RC4 sealed ${rc4}, AES signed-only ${signed}`);
  });
});
