/**
 * Every message type through the round-trip helper (encode → decode → encode, also at an offset), plus the
 * behaviours around the edges: msg-type vs tag, kvno absent vs 0, EncASRepPart/EncTGSRepPart, the tables
 * checked against RFC 4120's own text, flags as Windows klist and MIT klist print them, principals, e-data.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as k from '../../../src/protocol/krb5/index.js';
import { decodeDer } from '../../../src/wire/asn1.js';
import { DecodeError } from '../../../src/wire/errors.js';
import { ByteReader } from '../../../src/wire/reader.js';
import { CORPUS, fromHex, hex, roundTrip } from './helpers.js';

const T = new Date('2024-03-01T12:34:56Z');
const T2 = new Date('2024-03-01T22:34:56Z');
const REALM = 'EXAMPLE.COM';
const user: k.PrincipalName = { nameType: 1, nameString: ['alice'] };
const http: k.PrincipalName = { nameType: 2, nameString: ['HTTP', 'web.example.com'] };
const tgs: k.PrincipalName = { nameType: 2, nameString: ['krbtgt', REALM] };
const enc = (etype: number, kvno?: number): k.EncryptedData =>
  kvno === undefined ? { etype, cipher: Uint8Array.of(1, 2, 3) } : { etype, kvno, cipher: Uint8Array.of(1, 2, 3) };
const key: k.EncryptionKey = { keytype: 18, keyvalue: new Uint8Array(32).fill(7) };
const cksum: k.Checksum = { cksumtype: 16, checksum: new Uint8Array(12).fill(9) };
const addr: k.HostAddress = { addrType: 2, address: Uint8Array.of(10, 0, 0, 1) };
const ticket: k.Ticket = { tktVno: 5, realm: REALM, sname: http, encPart: enc(18, 3) };
const ad: k.AuthorizationData = [{ adType: 1, adData: k.AuthorizationData.encode([{ adType: 128, adData: Uint8Array.of(4, 0, 0, 0) }]) }];
const body: k.KdcReqBody = {
  kdcOptions: 0x40810010,
  cname: user,
  realm: REALM,
  sname: tgs,
  from: T,
  till: T2,
  rtime: T2,
  nonce: 0x9abcdef0, // > 2^31: Windows writes it as a negative INTEGER
  etype: [18, 17, 23],
  addresses: [addr, { addrType: 20, address: new TextEncoder().encode('WKS01           ') }],
  encAuthorizationData: enc(18),
  additionalTickets: [ticket],
};
const padata: k.PaData[] = [
  { padataType: 2, padataValue: k.EncryptedData.encode(enc(18)) },
  { padataType: 128, padataValue: k.KerbPaPacRequest.encode({ includePac: true }) },
];
const repPart: k.EncKdcRepPartBody = {
  key,
  lastReq: [{ lrType: 0, lrValue: T }],
  nonce: 12345,
  keyExpiration: T2,
  flags: 0x40e10000,
  authtime: T,
  starttime: T,
  endtime: T2,
  renewTill: T2,
  srealm: REALM,
  sname: tgs,
  caddr: [addr],
  encryptedPaData: [{ padataType: 149, padataValue: k.Checksum.encode(cksum) }],
};

describe('round trip of every message type', () => {
  it('basic types', () => {
    roundTrip(k.PrincipalName, http);
    roundTrip(k.EncryptedData, enc(23, 0));
    roundTrip(k.EncryptionKey, key);
    roundTrip(k.Checksum, cksum);
    roundTrip(k.HostAddresses, [addr]);
    roundTrip(k.AuthorizationData, ad);
    roundTrip(k.MethodData, padata);
    roundTrip(k.TypedData, [{ dataType: 3, dataValue: Uint8Array.of(1) }, { dataType: 4 }]);
    roundTrip(k.LastReq, [{ lrType: -5, lrValue: T }]);
    roundTrip(k.TransitedEncoding, { trType: 1, contents: new Uint8Array(0) });
  });

  it('tickets and KDC exchanges', () => {
    roundTrip(k.Ticket, ticket);
    roundTrip(k.EncTicketPart, {
      flags: 0x40e10000,
      key,
      crealm: REALM,
      cname: user,
      transited: { trType: 1, contents: new Uint8Array(0) },
      authtime: T,
      starttime: T,
      endtime: T2,
      renewTill: T2,
      caddr: [addr],
      authorizationData: ad,
    });
    roundTrip(k.KdcReqBody, body);
    roundTrip(k.AsReq, { pvno: 5, msgType: 10, padata, reqBody: body });
    roundTrip(k.TgsReq, { pvno: 5, msgType: 12, padata, reqBody: { ...body, cname: undefined } });
    const rep = { pvno: 5, msgType: 11, padata, crealm: REALM, cname: user, ticket, encPart: enc(18, 2) };
    roundTrip(k.AsRep, rep);
    roundTrip(k.TgsRep, { ...rep, msgType: 13, padata: undefined });
    roundTrip(k.EncKdcRepPart, { type: 'EncASRepPart', value: repPart });
    roundTrip(k.EncKdcRepPart, { type: 'EncTGSRepPart', value: repPart });
  });

  it('AP, SAFE, PRIV, CRED, ERROR', () => {
    roundTrip(k.ApReq, { pvno: 5, msgType: 14, apOptions: 0x20000000, ticket, authenticator: enc(18) });
    roundTrip(k.Authenticator, {
      authenticatorVno: 5,
      crealm: REALM,
      cname: user,
      cksum: { cksumtype: 0x8003, checksum: new Uint8Array(24) },
      cusec: 999999,
      ctime: T,
      subkey: key,
      seqNumber: 0xfffffffe,
      authorizationData: ad,
    });
    roundTrip(k.ApRep, { pvno: 5, msgType: 15, encPart: enc(18) });
    roundTrip(k.EncApRepPart, { ctime: T, cusec: 1, subkey: key, seqNumber: 7 });
    const sb = { userData: Uint8Array.of(1), timestamp: T, usec: 5, seqNumber: 1, sAddress: addr, rAddress: addr };
    roundTrip(k.KrbSafe, { pvno: 5, msgType: 20, safeBody: sb, cksum });
    roundTrip(k.KrbPriv, { pvno: 5, msgType: 21, encPart: enc(18) });
    roundTrip(k.EncKrbPrivPart, sb);
    roundTrip(k.KrbCred, { pvno: 5, msgType: 22, tickets: [ticket, ticket], encPart: enc(0) });
    roundTrip(k.EncKrbCredPart, {
      ticketInfo: [{ key, prealm: REALM, pname: user, flags: 0x40e10000, authtime: T, endtime: T2, srealm: REALM, sname: tgs }, { key }],
      nonce: 1,
      timestamp: T,
      usec: 2,
      sAddress: addr,
    });
    roundTrip(k.KrbError, {
      pvno: 5,
      msgType: 30,
      ctime: T,
      cusec: 1,
      stime: T2,
      susec: 2,
      errorCode: 7,
      crealm: REALM,
      cname: user,
      realm: REALM,
      sname: http,
      eText: 'no such SPN',
      eData: Uint8Array.of(0x30, 0),
    });
  });

  it('PA-DATA values, FAST, authorization data, wrappers', () => {
    roundTrip(k.PaEncTsEnc, { patimestamp: T, pausec: 12 });
    roundTrip(k.EtypeInfo, [{ etype: 23 }, { etype: 3, salt: Uint8Array.of(65) }]);
    roundTrip(k.EtypeInfo2, [{ etype: 18, salt: 'EXAMPLE.COMalice', s2kparams: Uint8Array.of(0, 0, 16, 0) }]);
    roundTrip(k.PaForUser, { userName: user, userRealm: REALM, cksum, authPackage: 'Kerberos' });
    roundTrip(k.PaS4uX509User, { userId: { nonce: 0x80000001, cname: user, crealm: REALM, options: 0x20000000 }, checksum: cksum });
    roundTrip(k.PaPacOptions, { options: 0x10000000 });
    roundTrip(k.PaFxFastRequest, { armor: { armorType: 1, armorValue: Uint8Array.of(1) }, reqChecksum: cksum, encFastReq: enc(18) });
    roundTrip(k.PaFxFastReply, { encFastRep: enc(18) });
    roundTrip(k.KrbFastReq, { fastOptions: 0, padata, reqBody: body });
    roundTrip(k.KrbFastResponse, {
      padata,
      strengthenKey: key,
      finished: { timestamp: T, usec: 1, crealm: REALM, cname: user, ticketChecksum: cksum },
      nonce: 5,
    });
    roundTrip(k.PaSpake, { type: 'challenge', value: { group: 1, pubkey: Uint8Array.of(1), factors: [{ type: 1 }] } });
    roundTrip(k.AdKdcIssued, { adChecksum: cksum, iRealm: REALM, iSname: tgs, elements: ad });
    roundTrip(k.AdAndOr, { conditionCount: 1, elements: ad });
    roundTrip(k.AdCammac, { elements: ad, kdcVerifier: { identifier: tgs, kvno: 1, enctype: 18, mac: cksum } });
    roundTrip(k.KerbAdRestrictionEntry, { list: true, items: [{ restrictionType: 0, restriction: new Uint8Array(40) }] });
    roundTrip(k.KerbAdRestrictionEntry, { list: false, items: [{ restrictionType: 0, restriction: new Uint8Array(40) }] });
    roundTrip(k.KerbErrorData, { dataType: 3, dataValue: new Uint8Array(12) });
    roundTrip(k.KdcProxyMessage, { kerbMessage: Uint8Array.of(0, 0, 0, 1, 5), targetDomain: REALM, dclocatorHint: 0 });
  });

  it('decodeKrb5Message/encodeKrb5Message cover every APPLICATION tag', () => {
    const all: Uint8Array[] = [
      k.encodeTicket(ticket),
      k.encodeAsReq({ pvno: 5, msgType: 10, reqBody: body }),
      k.encodeEncKdcRepPart({ type: 'EncASRepPart', value: repPart }),
      k.encodeEncKdcRepPart({ type: 'EncTGSRepPart', value: repPart }),
      k.encodeKrbError({ pvno: 5, msgType: 30, stime: T, susec: 0, errorCode: 25, realm: REALM, sname: tgs }),
    ];
    const names = all.map((b) => {
      const m = k.decodeKrb5Message(b);
      assert.equal(hex(k.encodeKrb5Message(m)), hex(b));
      return m.name;
    });
    assert.deepEqual(names, ['Ticket', 'AS-REQ', 'EncASRepPart', 'EncTGSRepPart', 'KRB-ERROR']);
    assert.throws(
      () => k.decodeKrb5Message(Uint8Array.of(0x30, 0)),
      (e: unknown) => e instanceof DecodeError && e.code === 'ERR_BAD_TAG',
    );
  });
});

describe('edge behaviour', () => {
  it('readWith reads consecutive messages at a cursor and records errors in the reader', () => {
    const a = k.encodeTicket(ticket);
    const b = k.encodeApRep({ pvno: 5, msgType: 15, encPart: enc(18) });
    const r = new ByteReader(new Uint8Array([...a, ...b, 0x6e, 0x05]), 100);
    assert.deepEqual(k.readWith(k.Ticket, r)?.sname, http);
    assert.equal(k.readWith(k.ApRep, r)?.msgType, 15);
    assert.equal(k.readWith(k.ApReq, r), undefined);
    assert.equal(r.error?.code, 'ERR_TRUNCATED');
    assert.equal(r.error?.offset, 100 + a.length + b.length + 1);
  });

  it('kvno absent and kvno 0 are different encodings (hand-computed DER)', () => {
    assert.equal(hex(k.EncryptedData.encode({ etype: 18, cipher: Uint8Array.of(1, 2) })), '300ba003020112a204040201 02'.replace(/ /g, ''));
    assert.equal(hex(k.EncryptedData.encode({ etype: 18, kvno: 0, cipher: Uint8Array.of(1, 2) })), '3010a003020112a103020100a20404020102');
    assert.equal(decodeDer(k.EncryptedData, fromHex('300ba003020112a2040402010 2'.replace(/ /g, ''))).kvno, undefined);
    assert.equal(decodeDer(k.EncryptedData, fromHex('3010a003020112a103020100a20404020102')).kvno, 0);
  });

  it('UInt32 above 2^31 is written as Windows/MIT do (4 signed octets) and read in both forms', () => {
    assert.equal(hex(k.uint32s.encode(0x9abcdef0)), '02049abcdef0');
    assert.equal(
      k.uint32s.fromTlv(
        {
          cls: 0,
          tag: 2,
          constructed: false,
          offset: 0,
          headerLength: 2,
          valueOffset: 2,
          value: fromHex('009abcdef0'),
          der: new Uint8Array(),
        },
        '',
      ),
      0x9abcdef0,
    );
  });

  it('msg-type that disagrees with the APPLICATION tag is a DecodeError naming both', () => {
    const asReq = k.encodeAsReq({ pvno: 5, msgType: 10, reqBody: body });
    const bad = asReq.slice();
    const i = hex(bad).indexOf('a20302010a') / 2 + 4; // msg-type [2] INTEGER 10
    bad[i] = 12;
    assert.throws(
      () => k.decodeAsReq(bad),
      (e: unknown) => e instanceof DecodeError && /msg-type 12/.test(e.message) && /AS-REQ/.test(e.message) && e.field === 'msg-type',
    );
    assert.throws(() => k.decodeKrb5Message(bad), DecodeError);
  });

  it('AS-REP enc-part accepted with either [APPLICATION 25] or [26]', () => {
    const b25 = k.EncAsRepPart.encode(repPart);
    const b26 = k.EncTgsRepPart.encode(repPart);
    assert.equal(b25[0], 0x79);
    assert.equal(b26[0], 0x7a);
    assert.equal(k.decodeEncKdcRepPart(b25).type, 'EncASRepPart');
    assert.equal(k.decodeEncKdcRepPart(b26).type, 'EncTGSRepPart');
    assert.deepEqual(k.decodeEncKdcRepPart(b26).value.sname, tgs);
  });

  it('a malformed padata value becomes an error entry; the message still decodes', () => {
    const req = k.encodeAsReq({
      pvno: 5,
      msgType: 10,
      padata: [{ padataType: 19, padataValue: Uint8Array.of(0x30, 5, 1) }, ...padata],
      reqBody: body,
    });
    const m = k.decodeAsReq(req);
    const d = k.decodePaDataList(m.padata);
    assert.equal(d[0]?.kind, 'error');
    assert.ok(d[0]?.kind === 'error' && d[0].error instanceof DecodeError && d[0].name === 'PA-ETYPE-INFO2');
    assert.equal(d[1]?.kind, 'value');
    assert.deepEqual(k.decodePaData({ padataType: 9999, padataValue: Uint8Array.of(1) }), {
      kind: 'raw',
      type: 9999,
      name: 'PA-9999',
      raw: Uint8Array.of(1),
    });
    const se = k.decodePaData({ padataType: 165, padataValue: Uint8Array.of(0x1c, 0, 0, 0) });
    assert.ok(se.kind === 'value' && se.name === 'PA-SUPPORTED-ENCTYPES');
    assert.deepEqual(se.value.names, ['RC4-HMAC', 'AES128-CTS-HMAC-SHA1-96', 'AES256-CTS-HMAC-SHA1-96']);
  });

  it('KERB-ERROR-DATA with KERB_ERR_TYPE_EXTENDED gives the NTSTATUS (MS-KILE §2.2.1)', () => {
    // 30 15 { [1] INTEGER 3, [2] OCTET STRING { status 0xC0000072 LE, reserved 0, flags 1 } }
    const eData = fromHex('3015a103020103a20e040c720000c00000000001000000');
    const d = k.describeKrbError({ errorCode: 18, eData });
    assert.equal(d.name, 'KDC_ERR_CLIENT_REVOKED');
    assert.equal(d.ntStatus?.status, 0xc0000072);
    assert.equal(d.ntStatus?.statusName, 'STATUS_ACCOUNT_DISABLED');
    assert.equal(k.ntStatusName(0xc000018b), 'STATUS_NO_TRUST_SAM_ACCOUNT');
    assert.equal(k.ntStatusName(0xc0000123), '0xc0000123');
    assert.equal(k.decodeEData(Uint8Array.of(1, 2, 3)).kind, 'raw');
    const td = k.decodeEData(k.TypedData.encode([{ dataType: 104, dataValue: Uint8Array.of(1) }]));
    assert.equal(td.kind, 'typed-data');
  });

  it('findAuthData walks into AD-IF-RELEVANT; Windows AD elements decode', () => {
    const lsap = new Uint8Array(40);
    lsap.set([1, 0, 0, 0, 0, 0x20, 0, 0]);
    const inner: k.AuthorizationData = [
      { adType: 141, adData: k.KerbAdRestrictionEntry.encode({ list: true, items: [{ restrictionType: 0, restriction: lsap }] }) },
      { adType: 143, adData: Uint8Array.of(0, 0x40, 0, 0) },
      { adType: 144, adData: new Uint8Array(Buffer.from('HTTP/web', 'utf16le')) },
      { adType: 128, adData: Uint8Array.of(9, 9) },
    ];
    const list: k.AuthorizationData = [{ adType: 1, adData: k.AuthorizationData.encode(inner) }];
    assert.deepEqual(k.findAuthData(list, 128)?.adData, Uint8Array.of(9, 9));
    assert.equal(k.findAuthData(list, 96), undefined);
    const r = k.decodeAuthData(k.findAuthData(list, 141) as k.AuthorizationDataEntry);
    assert.ok(r.kind === 'value' && r.name === 'KERB-AD-RESTRICTION-ENTRY');
    assert.deepEqual([r.value[0]?.tokenInfo?.flags, r.value[0]?.tokenInfo?.tokenIL], [1, 0x2000]);
    const o = k.decodeAuthData(k.findAuthData(list, 143) as k.AuthorizationDataEntry);
    assert.ok(o.kind === 'value' && o.name === 'AD-AUTH-DATA-AP-OPTIONS' && o.value.cbt);
    const tp = k.decodeAuthData(k.findAuthData(list, 144) as k.AuthorizationDataEntry);
    assert.ok(tp.kind === 'value' && tp.value === 'HTTP/web');
    assert.equal(k.findAllAuthData([{ adType: 1, adData: Uint8Array.of(0xff) }], 128).length, 0); // broken container: skipped
  });
});

describe('tables', () => {
  const rfc = readFileSync(join(CORPUS, 'vectors/rfc/rfc4120.txt'), 'utf8');
  const section = (from: string, to: string) =>
    rfc.slice(rfc.indexOf(from, rfc.indexOf('7.5.1.  Key Usage Numbers')), rfc.indexOf(to, rfc.indexOf(from) + 10));

  it('error codes: every row of RFC 4120 §7.5.9 with the same name and number, each with a meaning', () => {
    const rows = [...section('7.5.9.  Error Codes', '8.  Interoperability').matchAll(/^ {3}(K[A-Z0-9_]+)\s+(\d+)\s/gm)];
    assert.equal(rows.length, 68); // 0–29, 31–42, 44–52, 60–76
    for (const [, name, n] of rows) {
      assert.equal(k.krbErrorInfo(Number(n)).name, name, `code ${n}`);
      assert.ok(k.krbErrorInfo(Number(n)).meaning.length > 5);
    }
    for (const c of [6, 7, 12, 13, 14, 18, 23, 24, 25, 31, 37, 41, 44, 52, 68])
      assert.ok(k.krbErrorInfo(c).causes.length > 0, `causes for ${c}`);
    assert.equal(k.KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 7);
    assert.equal(k.krbErrorName(93), 'KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS');
    assert.equal(k.krbErrorName(55), 'KRB_ERR_55');
  });

  it('padata types, message types and name types agree with RFC 4120 §7.5.2 / §7.5.7 / §7.5.8', () => {
    for (const [, name, n] of section('7.5.2.  PreAuthentication Data Types', '7.5.3.').matchAll(
      /^ {3}((?:PA|TD)-[A-Z0-9_-]+)\s+(\d+)/gm,
    )) {
      if (name === 'PA-GET-FROM-TYPED-DATA') continue; // shares 22 with TD-PADATA
      assert.equal((k.PaDataType as Record<string, number>)[name as string], Number(n), name);
    }
    for (const [, name, n] of section('7.5.7.  Kerberos Message Types', '7.5.8.').matchAll(/^ {3}(KRB_[A-Z0-9_]+)\s+(\d+)/gm))
      assert.equal((k.MessageType as Record<string, number>)[name as string], Number(n), name);
    for (const [, name, n] of section('7.5.8.  Name Types', '7.5.9.').matchAll(/^ {3}KRB_(NT_[A-Z0-9_]+)\s+(\d+)/gm))
      assert.equal((k.NameType as Record<string, number>)[name as string], Number(n), name);
  });

  it('ticket flags as Windows klist and MIT klist -f print them', () => {
    // Windows klist: "Ticket Flags 0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize"
    assert.equal(k.formatTicketFlags(0x40e10000), '0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize');
    assert.equal(k.formatTicketFlags(0x60a10000), '0x60a10000 -> forwardable forwarded renewable pre_authent name_canonicalize');
    assert.equal(k.renderFlags(0x40a50000).windows, 'forwardable renewable pre_authent ok_as_delegate name_canonicalize');
    // MIT klist -f on a TGT from kinit: "Flags: FRIA"; H comes before A in klist.c
    assert.equal(k.renderFlags(0x40e00000).mit, 'FRIA');
    assert.equal(k.renderFlags(0x00300000).mit, 'HA');
    assert.deepEqual(k.renderFlags(0x40e10000).names, ['forwardable', 'renewable', 'initial', 'pre-authent', 'enc-pa-rep']);
    assert.equal(k.flagsFromNames(['forwardable', 'renewable', 'initial', 'pre-authent', 'name_canonicalize']), 0x40e10000);
    assert.equal(k.KdcOption.canonicalize, 0x00010000);
    assert.equal(k.KdcOption['cname-in-addl-tkt'], 0x00020000);
    assert.equal(k.ApOption['mutual-required'], 0x20000000);
  });

  it('principal text with MIT quoting', () => {
    assert.equal(k.principalToString(http, REALM), 'HTTP/web.example.com@EXAMPLE.COM');
    assert.equal(k.principalToString({ nameString: ['a/b', 'c@d', 'e\\f'] }, 'R@'), 'a\\/b/c\\@d/e\\\\f@R\\@');
    assert.deepEqual(k.parsePrincipal('HTTP/web.example.com@EXAMPLE.COM'), {
      name: { nameType: 1, nameString: ['HTTP', 'web.example.com'] },
      realm: REALM,
    });
    assert.deepEqual(k.parsePrincipal('krbtgt/EXAMPLE.COM').name, tgs);
    assert.deepEqual(k.parsePrincipal('a\\/b/c\\@d@R').name.nameString, ['a/b', 'c@d']);
    assert.deepEqual(k.parsePrincipal('user@upn.example@EXAMPLE.COM', { enterprise: true }), {
      name: { nameType: 10, nameString: ['user@upn.example'] },
      realm: REALM,
    });
    assert.deepEqual(k.parsePrincipal('user@upn.example', { enterprise: true }).realm, undefined);
    assert.throws(() => k.parsePrincipal('a@b@c'), DecodeError);
    assert.throws(() => k.parsePrincipal('bad\\'), DecodeError);
    const p = k.parsePrincipal('x\\/y/z@R\\@S');
    assert.equal(k.principalToString(p.name, p.realm), 'x\\/y/z@R\\@S');
  });
});
