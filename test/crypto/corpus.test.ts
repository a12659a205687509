// Real keys and ciphertexts from other implementations, decrypted end to end:
// gokrb5 keytab (known password), Kerberos.NET AP-REQs/AS-REP (Windows-made), MIT's saved PAC signatures.
// Keytab and DER are parsed by the tiny private readers below: the real codecs live elsewhere (src/formats, src/wire).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CryptoError, decrypt, KeyUsage, stringToKey, verifyChecksum } from '../../src/crypto/index.js';
import { corpus, hex, readCorpus, unhex } from './helpers.js';

// --- minimal MIT keytab reader (v0x502; grammar in MIT src/lib/krb5/keytab/kt_file.c) ---
interface KeytabEntry {
  principal: string;
  kvno: number;
  enctype: number;
  key: Uint8Array;
}

function readKeytab(b: Uint8Array): KeytabEntry[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  assert.equal(dv.getUint16(0), 0x0502, 'keytab version 0x502');
  const entries: KeytabEntry[] = [];
  let off = 2;
  while (off + 4 <= b.length) {
    const size = dv.getInt32(off);
    off += 4;
    if (size === 0) break;
    if (size < 0) {
      off += -size; // a hole left by a deleted entry
      continue;
    }
    const end = off + size;
    let p = off;
    const str = () => {
      const n = dv.getUint16(p);
      const s = new TextDecoder().decode(b.subarray(p + 2, p + 2 + n));
      p += 2 + n;
      return s;
    };
    const count = dv.getUint16(p);
    p += 2;
    const realm = str();
    const comps = Array.from({ length: count }, str);
    p += 4 + 4; // name_type, timestamp
    let kvno = b[p]!;
    p += 1;
    const enctype = dv.getUint16(p);
    const keyLen = dv.getUint16(p + 2);
    const key = b.slice(p + 4, p + 4 + keyLen);
    p += 4 + keyLen;
    if (end - p >= 4 && dv.getUint32(p) !== 0) kvno = dv.getUint32(p); // 32-bit kvno extension
    entries.push({ principal: `${comps.join('/')}@${realm}`, kvno, enctype, key });
    off = end;
  }
  return entries;
}

// --- minimal DER walker (single-byte tags are all Kerberos needs) ---
interface Tlv {
  tag: number;
  value: Uint8Array;
}

function tlv(b: Uint8Array, off = 0): Tlv & { end: number } {
  const tag = b[off]!;
  let len = b[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  return { tag, value: b.subarray(p, p + len), end: p + len };
}

function kids(v: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < v.length; ) {
    const t = tlv(v, off);
    out.push(t);
    off = t.end;
  }
  return out;
}

/** The inner value of context tag [n] inside a SEQUENCE value. */
function field(seq: Uint8Array, n: number): Uint8Array {
  const f = kids(seq).find((k) => k.tag === (0xa0 | n));
  assert.ok(f, `field [${n}]`);
  return tlv(f.value).value;
}

const int = (v: Uint8Array) => v.reduce((a, x, i) => (i === 0 && x & 0x80 ? x - 256 : a * 256 + x), 0);
const seqOf = (appTagged: Uint8Array) => tlv(tlv(appTagged).value).value; // [APPLICATION n] SEQUENCE {…} → fields

interface EncryptedData {
  etype: number;
  cipher: Uint8Array;
}
const encryptedData = (seq: Uint8Array): EncryptedData => ({ etype: int(field(seq, 0)), cipher: field(seq, 2) });

/** Finds the krb5 GSS AP-REQ (TOK_ID 01 00, then [APPLICATION 14]) in a raw or SPNEGO-wrapped token. */
function findApReq(token: Uint8Array): Uint8Array {
  for (let i = 0; i + 2 < token.length; i++) {
    if (token[i] === 0x01 && token[i + 1] === 0x00 && token[i + 2] === 0x6e) return token.subarray(i + 2);
  }
  assert.fail('no AP-REQ in token');
}

/** Decrypts ticket (usage 2) then authenticator (usage 11) with the session key from the ticket. */
function openApReq(token: Uint8Array, serviceKey: Uint8Array): { etype: number; sessionKeyType: number; authenticator: Uint8Array } {
  const apReq = seqOf(findApReq(token));
  const ticket = seqOf(kidsRaw(apReq, 3));
  const encPart = encryptedData(field(ticket, 3));
  const encTicketPart = decrypt(encPart.etype, serviceKey, KeyUsage.KDC_REP_TICKET, encPart.cipher);
  assert.equal(encTicketPart[0], 0x63, 'EncTicketPart is [APPLICATION 3]');
  const key = field(seqOf(encTicketPart), 1);
  const sessionKeyType = int(field(key, 0));
  const sessionKey = field(key, 1);
  const auth = encryptedData(field(apReq, 4));
  const authenticator = decrypt(auth.etype, sessionKey, KeyUsage.AP_REQ_AUTHENTICATOR, auth.cipher);
  assert.equal(authenticator[0], 0x62, 'Authenticator is [APPLICATION 2]');
  return { etype: encPart.etype, sessionKeyType, authenticator };
}

/** The raw TLV inside context tag [n] (keeps the [APPLICATION] wrapper). */
function kidsRaw(seq: Uint8Array, n: number): Uint8Array {
  const f = kids(seq).find((k) => k.tag === (0xa0 | n));
  assert.ok(f);
  return f.value;
}

describe('gokrb5 testuser1.testtab (password "passwordvalue", salt "TEST.GOKRB5testuser1")', () => {
  const entries = readKeytab(readCorpus('vectors/gokrb5/testuser1.testtab'));
  it('string-to-key reproduces every AES and RC4 key; 3DES is refused', () => {
    assert.equal(entries.length, 12);
    let matched = 0;
    for (const e of entries) {
      assert.equal(e.principal, 'testuser1@TEST.GOKRB5');
      if (e.enctype === 16) {
        assert.throws(() => stringToKey(16, 'passwordvalue', 'TEST.GOKRB5testuser1'), { code: 'ERR_UNSUPPORTED_ENCTYPE' });
        continue;
      }
      assert.equal(hex(stringToKey(e.enctype, 'passwordvalue', 'TEST.GOKRB5testuser1')), hex(e.key), `enctype ${e.enctype} kvno ${e.kvno}`);
      matched++;
    }
    assert.equal(matched, 10); // 17, 18, 19, 20, 23 at kvno 1 and 2
  });
});

describe('Kerberos.NET AP-REQs with their service keys', () => {
  for (const [name, etype] of [
    ['rc4', 23],
    ['aes128', 17],
    ['aes256', 18],
  ] as const) {
    for (const kind of ['kerberos', 'spnego']) {
      it(`${name}-${kind}-data: ticket (usage 2) and authenticator (usage 11) decrypt`, () => {
        const key = readCorpus(`vectors/kerberos-net/${name}-key-data`);
        const r = openApReq(readCorpus(`vectors/kerberos-net/${name}-${kind}-data`), key);
        assert.equal(r.etype, etype);
      });
    }
  }
  it('the wrong key fails with ERR_INTEGRITY, not another error', () => {
    const key = readCorpus('vectors/kerberos-net/aes256-key-data').slice();
    key[0]! ^= 1;
    assert.throws(
      () => openApReq(readCorpus('vectors/kerberos-net/aes256-kerberos-data'), key),
      (e: unknown) => e instanceof CryptoError && e.code === 'ERR_INTEGRITY',
    );
  });
});

describe('Kerberos.NET Windows-made SPNEGO tokens with sample.keytab', () => {
  const keytab = readKeytab(readCorpus('vectors/kerberos-net/sample.keytab'));
  const rc4 = keytab.find((e) => e.enctype === 23);
  it('sample.keytab holds the RC4 key SOURCES.md names', () => {
    assert.equal(keytab.length, 5);
    assert.equal(hex(rc4!.key), '217e50203a5aba59cefa863c724bf61b');
  });
  for (const file of ['RC4Header.txt', 'RC4TicketClaims.txt', 'TicketContainingDelegation.txt']) {
    it(`${file}: RC4 ticket and authenticator decrypt`, () => {
      const text = readFileSync(new URL(`vectors/kerberos-net/extracted/${file}`, corpus), 'utf8')
        .replace(/^Negotiate\s+/, '')
        .trim();
      const r = openApReq(new Uint8Array(Buffer.from(text, 'base64')), rc4!.key);
      assert.equal(r.etype, 23);
    });
  }
});

describe('Kerberos.NET AS-REP (password "P@ssw0rd!", salt "CORP.IDENTITYINTERVENTION.COMtestuser")', () => {
  const asRep = seqOf(readCorpus('vectors/kerberos-net/Messages/as-rep').subarray(4));
  it('the enc-part decrypts with the password-derived key (usage 3)', () => {
    const enc = encryptedData(field(asRep, 6));
    assert.equal(enc.etype, 18);
    const key = stringToKey(enc.etype, 'P@ssw0rd!', 'CORP.IDENTITYINTERVENTION.COMtestuser');
    const plain = decrypt(enc.etype, key, KeyUsage.AS_REP_ENC_PART, enc.cipher);
    assert.ok(plain[0] === 0x79 || plain[0] === 0x7a, 'EncASRepPart (Windows may tag it EncTGSRepPart)');
    assert.throws(() => decrypt(enc.etype, key, KeyUsage.TGS_REP_ENC_PART_SESSION_KEY, enc.cipher), { code: 'ERR_INTEGRITY' });
  });
  it('the ticket decrypts with the krbtgt AES256 key (usage 2)', () => {
    const ticket = seqOf(kidsRaw(asRep, 5));
    const enc = encryptedData(field(ticket, 3));
    const krbtgt = unhex('ef7422cb49e2f5b09292cbd825c295249f2a31465dc9ab4a3080edf3168a8857');
    assert.equal(decrypt(enc.etype, krbtgt, KeyUsage.KDC_REP_TICKET, enc.cipher)[0], 0x63);
  });
});

describe('MIT t_pac.c saved_pac.bin signatures (KERB_CHECKSUM_HMAC_MD5, usage 17)', () => {
  // MS-PAC §2.3-2.8: PACTYPE header, PAC_INFO_BUFFERs (type 6 server checksum, 7 KDC checksum);
  // the server signature covers the PAC with both signature fields zeroed; the KDC signature covers the server signature.
  const pac = readCorpus('vectors/mit-krb5/fuzz_pac_seed_corpus/saved_pac.bin');
  const dv = new DataView(pac.buffer, pac.byteOffset, pac.byteLength);
  const buffers = Array.from({ length: dv.getUint32(0, true) }, (_, i) => ({
    type: dv.getUint32(8 + i * 16, true),
    size: dv.getUint32(12 + i * 16, true),
    offset: Number(dv.getBigUint64(16 + i * 16, true)),
  }));
  const sig = (type: number) => {
    const b = buffers.find((x) => x.type === type)!;
    return { cksumtype: dv.getInt32(b.offset, true), at: b.offset + 4, value: pac.slice(b.offset + 4, b.offset + b.size) };
  };
  const server = sig(6);
  const kdc = sig(7);
  const zeroed = pac.slice();
  zeroed.fill(0, server.at, server.at + server.value.length);
  zeroed.fill(0, kdc.at, kdc.at + kdc.value.length);
  const serverKey = unhex('d217faeae5e6b5f95ccc94077ab8a5fc');
  const kdcKey = unhex('b286757148af7fd252c53603a150b7e7');

  it('server signature verifies with the member RC4 key', () => {
    assert.equal(server.cksumtype, -138);
    assert.ok(verifyChecksum(server.cksumtype, serverKey, KeyUsage.KERB_NON_KERB_CKSUM_SALT, zeroed, server.value));
    assert.ok(!verifyChecksum(server.cksumtype, kdcKey, KeyUsage.KERB_NON_KERB_CKSUM_SALT, zeroed, server.value));
  });
  it('KDC signature verifies with the KDC RC4 key', () => {
    assert.equal(kdc.cksumtype, -138);
    assert.ok(verifyChecksum(kdc.cksumtype, kdcKey, KeyUsage.KERB_NON_KERB_CKSUM_SALT, server.value, kdc.value));
  });
});
