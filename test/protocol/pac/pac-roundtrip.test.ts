/**
 * Encoder/decoder agreement: decode(encode(x)) = x and encode(decode(encode(x))) = encode(x) byte for byte, for
 * generated values (fast-check) and for real PACs; a large signed PAC built with the encoder (the lab and the
 * token-size checks need users with many groups); token-size arithmetic checked by hand against the KB formula.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeKerbValidationInfo,
  decodePac,
  decodePacAttributesInfo,
  decodePacClientInfo,
  decodePacDeviceInfo,
  decodePacRequestor,
  decodeS4uDelegationInfo,
  decodeUpnDnsInfo,
  emptySignatureData,
  encodeKerbValidationInfo,
  encodePac,
  encodePacAttributesInfo,
  encodePacClientInfo,
  encodePacDeviceInfo,
  encodePacRequestor,
  encodePacSignatureData,
  encodeS4uDelegationInfo,
  encodeUpnDnsInfo,
  estimateTokenSize,
  type KerbValidationInfo,
  PacBufferType,
  pacBufferTypeName,
  pacSids,
  SecretBytes,
  signPac,
  tokenSizeFromCounts,
  verifyPacSignatures,
} from '../../../src/protocol/pac/index.js';
import { findPacInEncTicketPart, findTicketEncParts, hex, rc4HmacDecrypt, readCorpus, testChecksum } from './helpers.js';

/** fast-check may build null-prototype records, which deepStrictEqual tells apart from decoded objects. */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const str = fc.string({ unit: 'binary', maxLength: 24 });
// ms-precision dates strictly inside (1601, "never"): both ends of FILETIME mean null.
const date = fc.option(fc.date({ min: new Date('1601-01-02T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }), {
  nil: null,
});
const sid = fc
  .record({
    revision: fc.integer({ min: 0, max: 255 }),
    authority: fc.bigInt({ min: 0n, max: 0xffffffffffffn }),
    sub: fc.array(u32, { maxLength: 15 }),
  })
  .map(({ revision, authority, sub }) => {
    const a = authority < 0x100000000n ? authority.toString() : `0x${authority.toString(16).padStart(12, '0').toUpperCase()}`;
    return [`S-${revision}-${a}`, ...sub.map(String)].join('-');
  });
const groups = (max: number) => fc.array(rec({ relativeId: u32, attributes: u32 }), { maxLength: max });
const sidAttrs = (max: number) => fc.array(rec({ sid, attributes: u32 }), { maxLength: max });

const kerbValidationInfo: fc.Arbitrary<KerbValidationInfo> = fc
  .record({
    logonTime: date,
    logoffTime: date,
    kickOffTime: date,
    passwordLastSet: date,
    passwordCanChange: date,
    passwordMustChange: date,
    effectiveName: str,
    fullName: str,
    logonScript: str,
    profilePath: str,
    homeDirectory: str,
    homeDirectoryDrive: str,
    logonCount: u16,
    badPasswordCount: u16,
    userId: u32,
    primaryGroupId: u32,
    groupIds: groups(20),
    userFlags: u32,
    key: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    logonServer: str,
    logonDomainName: str,
    logonDomainId: fc.option(sid, { nil: null }),
    userAccountControl: u32,
    subAuthStatus: u32,
    lastSuccessfulILogon: date,
    lastFailedILogon: date,
    failedILogonCount: u32,
    extraSids: sidAttrs(8),
    resourceGroupDomainSid: fc.option(sid, { nil: null }),
    resourceGroupIds: groups(8),
  })
  .map(({ key, ...rest }) => ({ ...rest, userSessionKey: new SecretBytes(key) }));

/** SecretBytes hides its bytes from deepEqual (private field): compare them explicitly. */
function assertSameInfo(a: KerbValidationInfo, b: KerbValidationInfo): void {
  assert.deepEqual({ ...a, userSessionKey: a.userSessionKey.reveal() }, { ...b, userSessionKey: b.userSessionKey.reveal() });
}

describe('KERB_VALIDATION_INFO round trip', () => {
  it('decode(encode(x)) = x and re-encoding is byte-identical (fast-check)', () => {
    fc.assert(
      fc.property(kerbValidationInfo, (x) => {
        const enc = encodeKerbValidationInfo(x);
        assert.equal(enc.length % 8, 0);
        const back = decodeKerbValidationInfo(enc);
        assertSameInfo(back, x);
        assert.deepEqual(encodeKerbValidationInfo(back), enc);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes at a non-zero base with absolute error offsets', () => {
    const x = fc.sample(kerbValidationInfo, { numRuns: 1, seed: 7 })[0] as KerbValidationInfo;
    const enc = encodeKerbValidationInfo(x);
    assertSameInfo(decodeKerbValidationInfo(enc, 1000), x);
    try {
      decodeKerbValidationInfo(enc.subarray(0, 40), 1000);
      assert.fail('expected a DecodeError');
    } catch (e) {
      assert.equal((e as { name: string }).name, 'DecodeError');
      assert.ok(((e as { offset: number }).offset ?? 0) >= 1000);
    }
  });

  // Real PACs: our encoder reproduces Windows' and Samba's layout byte for byte except the sub-millisecond
  // digits of the six leading FILETIMEs (NDR offsets 20..67), which the Date model drops.
  const realPacs: Array<[string, Uint8Array]> = [
    ['saved_pac.bin', readCorpus('vectors/mit-krb5/fuzz_pac_seed_corpus/saved_pac.bin')],
    ['s4u_pac_regular.bin', readCorpus('vectors/mit-krb5/fuzz_pac_seed_corpus/s4u_pac_regular.bin')],
  ];
  const [enc] = findTicketEncParts(readCorpus('vectors/kerberos-net/rc4-kerberos-data'));
  const plain = enc && rc4HmacDecrypt(readCorpus('vectors/kerberos-net/rc4-key-data'), 2, enc.cipher);
  const knet = plain && findPacInEncTicketPart(plain);
  if (knet) realPacs.push(['Kerberos.NET rc4 ticket', knet]);
  for (const [name, bytes] of realPacs) {
    it(`re-encodes the logon info of ${name} (only FILETIME sub-ms digits differ)`, () => {
      const buf = decodePac(bytes).buffers.find((b) => b.type === PacBufferType.LOGON_INFO);
      assert.ok(buf?.value?.kind === 'logonInfo');
      const again = encodeKerbValidationInfo(buf.value.logonInfo);
      assert.equal(again.length, buf.data.length);
      for (let i = 0; i < again.length; i++) if (again[i] !== buf.data[i]) assert.ok(i >= 20 && i < 68, `byte ${i} differs`);
      assertSameInfo(decodeKerbValidationInfo(again), buf.value.logonInfo);
    });
  }
});

describe('other buffers round trip', () => {
  it('PAC_DEVICE_INFO, S4U_DELEGATION_INFO, UPN_DNS_INFO, PAC_CLIENT_INFO, attributes, requestor', () => {
    fc.assert(
      fc.property(
        rec({
          userId: u32,
          primaryGroupId: u32,
          accountDomainId: fc.option(sid, { nil: null }),
          accountGroupIds: groups(5),
          extraSids: sidAttrs(4),
          domainGroup: fc.array(rec({ domainId: fc.option(sid, { nil: null }), groupIds: groups(4) }), { maxLength: 4 }),
        }),
        rec({ s4u2proxyTarget: str, s4uTransitedServices: fc.array(str, { maxLength: 5 }) }),
        rec({ upn: str, dnsDomainName: str, u: fc.boolean(), ext: fc.option(rec({ samName: str, sid }), { nil: undefined }) }),
        rec({ clientId: date, name: str }),
        fc.integer({ min: 0, max: 3 }),
        sid,
        (dev, s4u, upn, ci, attr, req) => {
          assert.deepEqual(decodePacDeviceInfo(encodePacDeviceInfo(dev)), dev);
          assert.deepEqual(decodeS4uDelegationInfo(encodeS4uDelegationInfo(s4u)), s4u);
          const u = {
            upn: upn.upn,
            dnsDomainName: upn.dnsDomainName,
            flags: (upn.u ? 1 : 0) | (upn.ext ? 2 : 0),
            upnConstructed: upn.u,
            ...(upn.ext ?? {}),
          };
          assert.deepEqual(decodeUpnDnsInfo(encodeUpnDnsInfo(u)), u);
          assert.deepEqual(decodePacClientInfo(encodePacClientInfo(ci)), ci);
          const a = decodePacAttributesInfo(encodePacAttributesInfo(attr));
          assert.deepEqual([a.pacWasRequested, a.pacWasGivenImplicitly], [(attr & 1) !== 0, (attr & 2) !== 0]);
          assert.deepEqual(decodePacRequestor(encodePacRequestor({ sid: req })), { sid: req });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('PACTYPE container keeps types, sizes and bytes; offsets 8-aligned', () => {
    fc.assert(
      fc.property(
        fc.array(rec({ type: fc.integer({ min: 100, max: 0xffffffff }), data: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 8 }),
        (bufs) => {
          const pac = decodePac(encodePac(bufs));
          assert.equal(pac.errors.length, 0);
          assert.deepEqual(
            pac.buffers.map((b) => ({ type: b.type, data: b.data.slice() })),
            bufs,
          );
          for (const b of pac.buffers) {
            assert.equal(b.offset % 8, 0);
            assert.equal(b.value?.kind, 'unknown');
            assert.match(b.typeName, /^Unknown PAC buffer type/);
          }
        },
      ),
    );
  });
});

describe('a large PAC built with the encoder', () => {
  const domain = 'S-1-5-21-1004336348-1177238915-682003330';
  const info: KerbValidationInfo = {
    logonTime: new Date('2024-05-01T08:00:00Z'),
    logoffTime: null,
    kickOffTime: null,
    passwordLastSet: new Date('2024-04-01T08:00:00Z'),
    passwordCanChange: new Date('2024-04-02T08:00:00Z'),
    passwordMustChange: null,
    effectiveName: 'manygroups',
    fullName: 'Many Groups',
    logonScript: '',
    profilePath: '',
    homeDirectory: '',
    homeDirectoryDrive: '',
    logonCount: 3,
    badPasswordCount: 0,
    userId: 1105,
    primaryGroupId: 513,
    groupIds: Array.from({ length: 1500 }, (_, i) => ({ relativeId: 10000 + i, attributes: 7 })),
    userFlags: 0x220,
    userSessionKey: new SecretBytes(new Uint8Array(16)),
    logonServer: 'DC1',
    logonDomainName: 'EXAMPLE',
    logonDomainId: domain,
    userAccountControl: 0x10,
    subAuthStatus: 0,
    lastSuccessfulILogon: null,
    lastFailedILogon: null,
    failedILogonCount: 0,
    extraSids: [
      { sid: 'S-1-18-1', attributes: 7 },
      ...Array.from({ length: 299 }, (_, i) => ({ sid: `S-1-5-21-1-2-3-${2000 + i}`, attributes: 7 })),
    ],
    resourceGroupDomainSid: 'S-1-5-21-9-8-7',
    resourceGroupIds: Array.from({ length: 200 }, (_, i) => ({ relativeId: 3000 + i, attributes: 0x20000007 })),
  };
  const serverKey = hex('d217faeae5e6b5f95ccc94077ab8a5fc');
  const kdcKey = hex('b286757148af7fd252c53603a150b7e7');
  const unsigned = encodePac([
    { type: PacBufferType.LOGON_INFO, data: encodeKerbValidationInfo(info) },
    { type: PacBufferType.CLIENT_INFO, data: encodePacClientInfo({ clientId: new Date('2024-05-01T08:00:00Z'), name: 'manygroups' }) },
    {
      type: PacBufferType.UPN_DNS_INFO,
      data: encodeUpnDnsInfo({
        upn: 'manygroups@example.com',
        dnsDomainName: 'EXAMPLE.COM',
        flags: 0,
        upnConstructed: false,
        samName: 'manygroups',
        sid: `${domain}-1105`,
      }),
    },
    { type: PacBufferType.ATTRIBUTES_INFO, data: encodePacAttributesInfo(1) },
    { type: PacBufferType.REQUESTOR, data: encodePacRequestor({ sid: `${domain}-1105` }) },
    { type: 0x99, data: new Uint8Array([1, 2, 3]) },
    { type: PacBufferType.SERVER_CHECKSUM, data: encodePacSignatureData(emptySignatureData(-138)) },
    { type: PacBufferType.PRIVSVR_CHECKSUM, data: encodePacSignatureData(emptySignatureData(-138)) },
    { type: PacBufferType.FULL_CHECKSUM, data: encodePacSignatureData(emptySignatureData(-138)) },
  ]);
  const signed = signPac(unsigned, { serverKey, kdcKey }, testChecksum);

  it('decodes back to what was encoded', () => {
    const pac = decodePac(signed);
    assert.equal(pac.errors.length, 0);
    assert.ok(pac.logonInfo);
    assertSameInfo(pac.logonInfo, info);
    assert.equal(pac.upnDnsInfo?.samName, 'manygroups');
    assert.equal(pac.upnDnsInfo?.sid, `${domain}-1105`);
    assert.equal(pac.attributesInfo?.pacWasRequested, true);
    assert.equal(pac.requestor?.sid, `${domain}-1105`);
    assert.equal(pac.buffers.find((b) => b.type === 0x99)?.value?.kind, 'unknown');
    assert.equal(pacBufferTypeName(19), 'Extended KDC (full PAC) checksum');
    const sids = pacSids(pac.logonInfo);
    assert.equal(sids.groupSids[0], `${domain}-10000`);
    assert.equal(sids.resourceGroupSids[199], 'S-1-5-21-9-8-7-3199');
  });

  it('its signatures (server, KDC, full) verify, and fail after tampering', () => {
    const v = verifyPacSignatures(signed, { serverKey, kdcKey }, testChecksum);
    assert.deepEqual([v.server.status, v.kdc.status, v.full.status, v.ok], ['valid', 'valid', 'valid', true]);
    const tampered = signed.slice();
    tampered[200] = (tampered[200] as number) ^ 0x40;
    const t = verifyPacSignatures(tampered, { serverKey, kdcKey }, testChecksum);
    assert.deepEqual([t.server.status, t.full.status, t.ok], ['invalid', 'invalid', false]);
    const unsupported = verifyPacSignatures(signed, { serverKey, kdcKey }, () => {
      throw new Error('no such checksum');
    });
    assert.equal(unsupported.server.status, 'unsupported');
  });

  it('token size: 1200 + 40·(300 ExtraSids + 200 resource groups) + 8·1500 = 33200', () => {
    const t = estimateTokenSize(info);
    assert.equal(t.estimate, 33200);
    assert.equal(t.groupsInDomain, 1500);
    assert.equal(t.otherSids, 500);
    assert.equal(t.exceeds12000, true);
    assert.equal(t.exceeds48000, false);
    assert.equal(t.headerBytes, 25 + 44268); // "Authorization: Negotiate " + base64 of 33200 bytes
    assert.equal(t.exceedsHttpSys16k, true);
    assert.equal(t.exceedsApache8k, true);
  });
});

describe('token-size thresholds', () => {
  it('follows the KB 327825 arithmetic at the edges', () => {
    assert.equal(tokenSizeFromCounts(0, 0).estimate, 1200);
    // 12000 = 1200 + 8·1350: exactly at the limit is not over it.
    assert.equal(tokenSizeFromCounts(1350, 0).exceeds12000, false);
    assert.equal(tokenSizeFromCounts(1351, 0).exceeds12000, true);
    // 48000 = 1200 + 40·1170
    assert.equal(tokenSizeFromCounts(0, 1170).exceeds48000, false);
    assert.equal(tokenSizeFromCounts(0, 1171).exceeds48000, true);
    // Apache 8190: 25 + 4·ceil(n/3) > 8190 from n = 6124 bytes of token
    assert.equal(tokenSizeFromCounts(0, 0, 6123).exceedsApache8k, false);
    assert.equal(tokenSizeFromCounts(0, 0, 6124).exceedsApache8k, true);
    // HTTP.sys 16384: from n = 12270
    assert.equal(tokenSizeFromCounts(0, 0, 12267).exceedsHttpSys16k, false);
    assert.equal(tokenSizeFromCounts(0, 0, 12270).exceedsHttpSys16k, true);
  });
});
