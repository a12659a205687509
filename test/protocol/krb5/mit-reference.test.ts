/**
 * MIT krb5's ASN.1 reference encodings (src/tests/asn.1/reference_encode.out, see corpus SOURCES.md): each line is
 * the DER MIT's encoder produced for one test structure. Every Kerberos one must decode and re-encode to exactly
 * the same bytes. The fuzz seed corpus (same values, plus MIT's decoder edge cases) is decoded and a few fields are
 * checked against MIT's own textual dump (trval_reference.out).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as k from '../../../src/protocol/krb5/index.js';
import type { Asn1 } from '../../../src/wire/asn1.js';
import { decodeDer } from '../../../src/wire/asn1.js';
import { DecodeError } from '../../../src/wire/errors.js';
import { CORPUS, corpusFile, fromHex, hex, reencodes } from './helpers.js';

/** MIT test name (without "encode_krb5_" and the "(variant)") → our schema. */
const SCHEMAS: Record<string, Asn1<unknown>> = {
  authenticator: k.Authenticator,
  ticket: k.Ticket,
  keyblock: k.EncryptionKey,
  encryption_key: k.EncryptionKey,
  enc_tkt_part: k.EncTicketPart,
  enc_kdc_rep_part: k.EncKdcRepPart,
  as_rep: k.AsRep,
  tgs_rep: k.TgsRep,
  ap_req: k.ApReq,
  ap_rep: k.ApRep,
  ap_rep_enc_part: k.EncApRepPart,
  as_req: k.AsReq,
  tgs_req: k.TgsReq,
  kdc_req_body: k.KdcReqBody,
  safe: k.KrbSafe,
  priv: k.KrbPriv,
  enc_priv_part: k.EncKrbPrivPart,
  cred: k.KrbCred,
  enc_cred_part: k.EncKrbCredPart,
  error: k.KrbError,
  authorization_data: k.AuthorizationData,
  authdata: k.AuthorizationData,
  padata_sequence: k.MethodData,
  typed_data: k.TypedData,
  etype_info: k.EtypeInfo,
  etype_info2: k.EtypeInfo2,
  pa_enc_ts: k.PaEncTsEnc,
  enc_data: k.EncryptedData,
  pa_for_user: k.PaForUser,
  pa_s4u_x509_user: k.PaS4uX509User,
  ad_kdcissued: k.AdKdcIssued,
  iakerb_header: k.IakerbHeader,
  iakerb_finished: k.IakerbFinished,
  fast_response: k.KrbFastResponse,
  pa_fx_fast_reply: k.PaFxFastReply,
  kkdcp_message: k.KdcProxyMessage,
  cammac: k.AdCammac,
  spake_factor: k.SpakeSecondFactor,
  pa_spake: k.PaSpake as Asn1<unknown>,
};

/** Deliberately not implemented, with the reason (reported by the test). */
const SKIPPED: Record<string, string> = {
  sam_challenge_2: 'SAM-2 (draft-ietf-krb-wg-kerberos-sam) was never deployed by AD or current MIT',
  sam_challenge_2_body: 'SAM-2, as above',
  sam_response_2: 'SAM-2, as above',
  enc_sam_response_enc_2: 'SAM-2, as above',
  otp_tokeninfo: 'RFC 6560 OTP pre-auth (IMPLICIT-tagged); not met in AD/IWA troubleshooting, padata kept raw',
  pa_otp_challenge: 'RFC 6560 OTP, as above',
  pa_otp_req: 'RFC 6560 OTP, as above',
  pa_otp_enc_req: 'RFC 6560 OTP, as above',
  secure_cookie: "MIT's private KDC cookie plaintext, never on the wire in clear",
  auth_pack: 'PKINIT (RFC 4556) CMS structures are out of scope; PA-PK-AS-REQ stays raw',
  kdc_dh_key_info: 'PKINIT, as above',
  pa_pk_as_rep: 'PKINIT, as above',
  reply_key_pack: 'PKINIT, as above',
  sp80056a_other_info: 'PKINIT (RFC 8636 KDF input), as above',
};

/** "encode_krb5_as_req(optionals NULL except server)" → "as_req". */
function baseName(testName: string): string {
  return testName
    .replace(/^(encode|decode)_(fail_)?(krb5_)?/, '')
    .replace(/\s*\(.*\)$/, '')
    .replace(/_\(.*\)$/, '')
    .trim();
}

/** A seed file's type: "encode_pa_spake_73.bin" → "pa_spake" (the trailing number is MIT's test index). */
function seedBaseName(file: string): string {
  return baseName(file.replace(/\.bin$/, '').replace(/_\d+$/, ''));
}

const reference = readFileSync(join(CORPUS, 'vectors/mit-krb5/asn.1/reference_encode.out'), 'utf8')
  .split('\n')
  .filter((l) => l.includes(': '))
  .map((l) => {
    const i = l.indexOf(': ');
    return { name: l.slice(0, i), bytes: fromHex(l.slice(i + 2)) };
  });

describe('MIT reference_encode.out', () => {
  const passed: string[] = [];
  const skipped: string[] = [];
  for (const { name, bytes } of reference) {
    const base = baseName(name);
    const schema = SCHEMAS[base];
    if (!schema) {
      it(`${name} (skipped: ${SKIPPED[base] ?? 'NO REASON'})`, () => {
        assert.ok(SKIPPED[base], `${name} has neither a schema nor a skip reason`);
        skipped.push(name);
      });
      continue;
    }
    it(`${name} decodes and re-encodes byte for byte`, () => {
      reencodes(schema, bytes);
      passed.push(name);
    });
  }
  it('counts', () => {
    // 78 lines: every Kerberos message and type we implement passes; the rest are the SKIPPED families.
    assert.equal(passed.length + skipped.length, reference.length);
    assert.equal(passed.length, 66, `passed ${passed.length}: ${passed.join(', ')}`);
    assert.equal(skipped.length, 12);
  });
});

describe('MIT reference values', () => {
  const get = (name: string) => (reference.find((r) => r.name === name) as { bytes: Uint8Array }).bytes;

  it('enc_data(MSB-set kvno) and (kvno=-1): Windows/MIT signed UInt32', () => {
    assert.equal(decodeDer(k.EncryptedData, get('encode_krb5_enc_data(MSB-set kvno)')).kvno, 0xff000000);
    assert.equal(decodeDer(k.EncryptedData, get('encode_krb5_enc_data(kvno=-1)')).kvno, 0xffffffff);
  });

  it('enc_kdc_rep_part is written by MIT with [APPLICATION 26] and keeps it', () => {
    const v = decodeDer(k.EncKdcRepPart, get('encode_krb5_enc_kdc_rep_part'));
    assert.equal(v.type, 'EncTGSRepPart');
    assert.equal(v.value.nonce, 42);
    assert.equal(k.renderFlags(v.value.flags).hex, '0xfedcba98');
  });

  it('error: every field', () => {
    const e = k.decodeKrbError(get('encode_krb5_error'));
    assert.equal(e.errorCode, 60);
    assert.equal(e.susec, 123456);
    assert.equal(e.stime.toISOString(), '1994-06-10T06:03:17.000Z');
    assert.equal(k.principalToString(e.sname, e.realm), 'hftsai/extra@ATHENA.MIT.EDU');
    assert.equal(e.eText, 'krb5data');
    assert.equal(Buffer.from(e.eData as Uint8Array).toString(), 'krb5data');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// fuzz seed corpora + trval_reference.out
// ---------------------------------------------------------------------------------------------------------------

/** trval dump → its "[label] [Type] value" leaves, in order. */
function trvalSections(): Map<string, { label: string; value: string }[]> {
  const text = readFileSync(join(CORPUS, 'vectors/mit-krb5/asn.1/trval_reference.out'), 'utf8');
  const out = new Map<string, { label: string; value: string }[]>();
  let cur: { label: string; value: string }[] | undefined;
  for (const line of text.split('\n')) {
    const head = /^(encode_\S.*):$/.exec(line);
    if (head) {
      cur = [];
      out.set(head[1] as string, cur);
      continue;
    }
    const leaf = /\[([a-z0-9-]+)\] \[[A-Za-z ]+\] (.*)$/.exec(line);
    if (leaf && cur) cur.push({ label: leaf[1] as string, value: (leaf[2] as string).replace(/^"(.*)"$/, '$1') });
  }
  return out;
}

describe('MIT fuzz seed corpora', () => {
  const dir = join(CORPUS, 'vectors/mit-krb5/fuzz_asn_seed_corpus');
  const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
  const trval = trvalSections();

  // Five seed files carry the name of a neighbouring test (encode_krb5_ap_req_14.bin is the AP-REP,
  // encode_krb5_tgs_rep_13.bin the AP-REQ, ...): the type is taken from the reference line with the same bytes.
  const byBytes = new Map(reference.map((r) => [hex(r.bytes), r.name]));
  const seedType = (f: string, bytes: Uint8Array) => {
    const ref = byBytes.get(hex(bytes));
    return ref ? baseName(ref) : seedBaseName(f);
  };

  it('every seed of a type we implement decodes (decode_fail_* must fail) and encode_* seeds re-encode', () => {
    let decoded = 0;
    let failedAsExpected = 0;
    const skipped: string[] = [];
    for (const f of files) {
      const name = f.replace(/\.bin$/, '');
      const bytes = corpusFile(`vectors/mit-krb5/fuzz_asn_seed_corpus/${f}`);
      const type = seedType(f, bytes);
      const schema = SCHEMAS[type];
      if (!schema) {
        assert.ok(SKIPPED[type], `${f}: no schema and no skip reason`);
        skipped.push(f);
        continue;
      }
      if (name.startsWith('decode_fail_')) {
        assert.throws(() => decodeDer(schema, bytes), DecodeError, f);
        failedAsExpected++;
        continue;
      }
      const v = decodeDer(schema, bytes);
      // The encode_* seeds are canonical DER; the decode_* ones are MIT's non-canonical decoder tests.
      if (name.startsWith('encode_')) assert.equal(hex(schema.encode(v)), hex(bytes), f);
      decoded++;
    }
    assert.equal(decoded + failedAsExpected + skipped.length, files.length);
    assert.equal(failedAsExpected, 1);
    assert.equal(decoded, 57, `decoded ${decoded}, skipped ${skipped.join(' ')}`);
  });

  it("MIT's decoder edge cases: unsigned 5-byte, signed and padded integers, short flags, unknown fields", () => {
    const seed = (f: string) => corpusFile(`vectors/mit-krb5/fuzz_asn_seed_corpus/${f}`);
    assert.equal(decodeDer(k.Authenticator, seed('decode_authenticator_3.bin')).seqNumber, 255);
    assert.equal(decodeDer(k.Authenticator, seed('decode_authenticator_4.bin')).seqNumber, 0xffffffff);
    assert.equal(decodeDer(k.Authenticator, seed('decode_authenticator_6.bin')).seqNumber, 0xffffffff);
    assert.equal(decodeDer(k.EncTicketPart, seed('decode_enc_tkt_part_30.bin')).flags, 0xfedcba00);
    assert.equal(decodeDer(k.EncryptionKey, seed('decode_encryption_key_15.bin')).keytype, 1); // extra [2] skipped
    assert.equal(decodeDer(k.EncryptionKey, seed('decode_encryption_key_21.bin')).keytype, -255);
    assert.equal(decodeDer(k.EncryptionKey, seed('decode_encryption_key_22.bin')).keytype, 255);
    assert.equal(decodeDer(k.EncryptionKey, seed('decode_encryption_key_24.bin')).keytype, 0x7fffffff);
  });

  it('fields agree with trval_reference.out (authenticator, enc_tkt_part, error, pa_for_user, as_req)', () => {
    const leaves = (section: string, label: string) => (trval.get(section) ?? []).filter((l) => l.label === label).map((l) => l.value);
    const seed = (f: string) => corpusFile(`vectors/mit-krb5/fuzz_asn_seed_corpus/${f}`);

    const a = decodeDer(k.Authenticator, seed('encode_krb5_authenticator_2.bin'));
    const sec = 'encode_krb5_authenticator(optionals empty)';
    assert.deepEqual([String(a.authenticatorVno)], leaves(sec, 'authenticator-vno'));
    assert.deepEqual([a.crealm], leaves(sec, 'crealm'));
    assert.deepEqual([String(a.cusec)], leaves(sec, 'cusec'));
    assert.equal(leaves(sec, 'ctime')[0], '19940610060317Z');
    assert.equal(a.ctime.toISOString(), '1994-06-10T06:03:17.000Z');

    const t = decodeDer(k.EncTicketPart, seed('encode_krb5_enc_tkt_part_5.bin'));
    const ts = 'encode_krb5_enc_tkt_part';
    assert.deepEqual([t.crealm], leaves(ts, 'crealm'));
    assert.deepEqual([String(t.key.keytype)], leaves(ts, 'keytype'));
    assert.deepEqual([Buffer.from(t.key.keyvalue).toString()], leaves(ts, 'keyvalue'));
    // trval labels TransitedEncoding's fields "flags" and "key" (its own quirk): the second "flags" is tr-type.
    assert.deepEqual([k.renderFlags(t.flags).hex, String(t.transited.trType)], leaves(ts, 'flags'));
    assert.deepEqual([Buffer.from(t.transited.contents).toString()], leaves(ts, 'key'));
    assert.deepEqual(
      (t.caddr ?? []).map((x) => String(x.addrType)),
      leaves(ts, 'addr-type'),
    );
    assert.deepEqual(
      (t.authorizationData ?? []).map((x) => String(x.adType)),
      leaves(ts, 'ad-type'),
    );

    const e = decodeDer(k.KrbError, seed('encode_krb5_error_34.bin'));
    const es = 'encode_krb5_error';
    assert.deepEqual([String(e.errorCode)], leaves(es, 'error-code'));
    assert.deepEqual([String(e.susec)], leaves(es, 'susec'));
    assert.deepEqual([e.eText], leaves(es, 'e-text'));

    const p = decodeDer(k.PaForUser, seed('encode_pa_for_user_53.bin'));
    const ps = 'encode_krb5_pa_for_user';
    // trval prints PA-FOR-USER with bare tag numbers: [1] userRealm (and the checksum bytes), [3] auth-package.
    assert.deepEqual([p.userRealm, Buffer.from(p.cksum.checksum).toString()], leaves(ps, '1'));
    assert.deepEqual([p.authPackage], leaves(ps, '3'));
    assert.deepEqual(p.userName.nameString, ['hftsai', 'extra']);

    const r = decodeDer(k.AsReq, seed('encode_krb5_as_req_19.bin'));
    const rs = trval.has('encode_krb5_as_req(optionals NULL except server)') ? 'encode_krb5_as_req(optionals NULL except server)' : '';
    assert.deepEqual([String(r.reqBody.nonce)], leaves(rs, 'nonce'));
    assert.deepEqual([r.reqBody.realm], leaves(rs, 'realm'));
  });

  it('fuzz_krb5_ticket_seed_corpus: raw Tickets', () => {
    for (const f of ['gcred.bin', 's4u2proxy.bin']) {
      const bytes = corpusFile(`vectors/mit-krb5/fuzz_krb5_ticket_seed_corpus/${f}`);
      const m = k.decodeKrb5Message(bytes);
      assert.equal(m.name, 'Ticket', f);
      if (m.name !== 'Ticket') continue;
      assert.equal(m.message.tktVno, 5);
      assert.equal(hex(k.encodeKrb5Message(m)), hex(bytes), f);
      assert.equal(hex(k.derOf(m.message) as Uint8Array), hex(bytes));
    }
  });
});
