/**
 * Malformed PACs: every prefix, random byte mutations and random bytes only ever give a DecodeError (from
 * decodePac: only for a broken header; a broken buffer becomes an error entry), never another exception and never
 * a hang. Seeds: the MIT PACs and an encoder-built PAC that uses every NDR construct (strings, group arrays,
 * SID-and-attributes arrays with nested SID pointers, device info with nested domain groups, S4U string arrays).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeClaimsSetMetadata,
  decodeKerbValidationInfo,
  decodePac,
  decodePacAttributesInfo,
  decodePacClientInfo,
  decodePacDeviceInfo,
  decodePacRequestor,
  decodePacSignatureData,
  decodeS4uDelegationInfo,
  decodeUpnDnsInfo,
  encodeKerbValidationInfo,
  encodePac,
  encodePacDeviceInfo,
  encodeS4uDelegationInfo,
  encodeUpnDnsInfo,
  PacBufferType,
  SecretBytes,
  verifyPacSignatures,
} from '../../../src/protocol/pac/index.js';
import { DecodeError } from '../../../src/wire/errors.js';
import { readCorpus, testChecksum } from './helpers.js';

const decoders: Array<(b: Uint8Array) => unknown> = [
  (b) => decodeKerbValidationInfo(b),
  (b) => decodePacDeviceInfo(b),
  (b) => decodeS4uDelegationInfo(b),
  (b) => decodeClaimsSetMetadata(b),
  (b) => decodeUpnDnsInfo(b),
  (b) => decodePacClientInfo(b),
  (b) => decodePacSignatureData(b),
  (b) => decodePacAttributesInfo(b),
  (b) => decodePacRequestor(b),
];

let slowest = 0;
/** Runs `fn`; anything thrown must be a DecodeError; returns whether it threw. */
function onlyDecodeError(fn: () => unknown): boolean {
  const t0 = performance.now();
  try {
    fn();
    return false;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw new assert.AssertionError({ message: `non-DecodeError thrown: ${String(e)}` });
    assert.ok(e.code && e.message, 'DecodeError has a code and a message');
    return true;
  } finally {
    slowest = Math.max(slowest, performance.now() - t0);
  }
}

/** Exercises the whole PAC path: container, every buffer decoder, signature verification. */
function decodeAll(b: Uint8Array): void {
  onlyDecodeError(() => {
    const pac = decodePac(b);
    for (const e of pac.errors) assert.ok(e instanceof DecodeError);
    verifyPacSignatures(b, { serverKey: new Uint8Array(16), kdcKey: new Uint8Array(16) }, testChecksum);
  });
}

const richPac = encodePac([
  {
    type: PacBufferType.LOGON_INFO,
    data: encodeKerbValidationInfo({
      logonTime: new Date(0),
      logoffTime: null,
      kickOffTime: null,
      passwordLastSet: null,
      passwordCanChange: null,
      passwordMustChange: null,
      effectiveName: 'u',
      fullName: 'User',
      logonScript: 's',
      profilePath: '',
      homeDirectory: '',
      homeDirectoryDrive: '',
      logonCount: 1,
      badPasswordCount: 0,
      userId: 1000,
      primaryGroupId: 513,
      groupIds: [
        { relativeId: 513, attributes: 7 },
        { relativeId: 512, attributes: 7 },
      ],
      userFlags: 0x220,
      userSessionKey: new SecretBytes(new Uint8Array(16)),
      logonServer: 'DC',
      logonDomainName: 'D',
      logonDomainId: 'S-1-5-21-1-2-3',
      userAccountControl: 0x10,
      subAuthStatus: 0,
      lastSuccessfulILogon: null,
      lastFailedILogon: null,
      failedILogonCount: 0,
      extraSids: [
        { sid: 'S-1-18-1', attributes: 7 },
        { sid: 'S-1-5-21-4-5-6-7', attributes: 7 },
      ],
      resourceGroupDomainSid: 'S-1-5-21-7-8-9',
      resourceGroupIds: [{ relativeId: 1234, attributes: 0x20000007 }],
    }),
  },
  {
    type: PacBufferType.DEVICE_INFO,
    data: encodePacDeviceInfo({
      userId: 1,
      primaryGroupId: 515,
      accountDomainId: 'S-1-5-21-1-2-3',
      accountGroupIds: [{ relativeId: 515, attributes: 7 }],
      extraSids: [{ sid: 'S-1-18-1', attributes: 7 }],
      domainGroup: [{ domainId: 'S-1-5-21-7-8-9', groupIds: [{ relativeId: 1, attributes: 7 }] }],
    }),
  },
  {
    type: PacBufferType.CONSTRAINED_DELEGATION_INFO,
    data: encodeS4uDelegationInfo({ s4u2proxyTarget: 'cifs/fs', s4uTransitedServices: ['http/a', 'http/b'] }),
  },
  {
    type: PacBufferType.UPN_DNS_INFO,
    data: encodeUpnDnsInfo({ upn: 'u@d', dnsDomainName: 'D', flags: 0, upnConstructed: false, samName: 'u', sid: 'S-1-5-21-1-2-3-1000' }),
  },
]);

const seeds: Array<[string, Uint8Array]> = [
  ['saved_pac.bin', readCorpus('vectors/mit-krb5/fuzz_pac_seed_corpus/saved_pac.bin')],
  ['s4u_pac_regular.bin', readCorpus('vectors/mit-krb5/fuzz_pac_seed_corpus/s4u_pac_regular.bin')],
  ['encoder-built PAC', richPac],
];

describe('PAC fuzz', () => {
  it('the rich seed decodes cleanly (so mutations start from valid input)', () => {
    const pac = decodePac(richPac);
    assert.equal(pac.errors.length, 0);
    assert.deepEqual(pac.delegationInfo?.s4uTransitedServices, ['http/a', 'http/b']);
    assert.equal(pac.deviceInfo?.domainGroup[0]?.domainId, 'S-1-5-21-7-8-9');
  });

  for (const [name, seed] of seeds) {
    it(`${name}: every prefix, whole PAC and each buffer alone`, () => {
      let rejected = 0;
      for (let n = 0; n < seed.length; n++) decodeAll(seed.subarray(0, n));
      for (const b of decodePac(seed).buffers) {
        for (let n = 0; n < b.data.length; n++) {
          for (const d of decoders) if (onlyDecodeError(() => d(b.data.subarray(0, n)))) rejected++;
        }
      }
      assert.ok(rejected > 0);
    });

    it(`${name}: random byte mutations`, () => {
      let errors = 0;
      let decoded = 0;
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
          (muts) => {
            const b = seed.slice();
            for (const [i, v] of muts) b[i] = v;
            decodeAll(b);
            const pac = (() => {
              try {
                return decodePac(b);
              } catch {
                return undefined;
              }
            })();
            if (pac) {
              decoded++;
              errors += pac.errors.length;
            }
          },
        ),
        { numRuns: 1500 },
      );
      // Both outcomes occur: mutations that break a buffer are recorded while the PAC still decodes.
      assert.ok(decoded > 0 && errors > 0, `decoded ${decoded}, buffer errors ${errors}`);
    });
  }

  it('random bytes and hostile counts to every decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        decodeAll(b);
        for (const d of decoders) onlyDecodeError(() => d(b));
      }),
      { numRuns: 1500 },
    );
    // A header claiming 2^32-1 buffers, an NDR array claiming 2^32-1 elements: rejected before allocating.
    const huge = new Uint8Array(64).fill(0xff);
    assert.throws(() => decodePac(huge), DecodeError);
    const ndr = encodeKerbValidationInfo({ ...decodePac(richPac).logonInfo!, groupIds: [{ relativeId: 1, attributes: 7 }] });
    // GroupCount (NDR offset 20 + 6·8 + 6·8 + 2 + 2 + 4 + 4 = 128) and the array's MaxCount both set huge.
    const dv = new DataView(ndr.buffer);
    assert.equal(dv.getUint32(128, true), 1);
    const hexNdr = Buffer.from(ndr).toString('hex');
    const at = hexNdr.indexOf('010000000100000007000000') / 2; // MaxCount 1, { RelativeId 1, Attributes 7 }
    assert.ok(at > 128 && at % 4 === 0);
    dv.setUint32(128, 0xffffffff, true);
    dv.setUint32(at, 0xffffffff, true);
    assert.throws(
      () => decodeKerbValidationInfo(ndr),
      (e: unknown) => e instanceof DecodeError && e.code === 'ERR_TRUNCATED' && e.field === 'KERB_VALIDATION_INFO.GroupIds',
    );
  });

  it('repeated referent IDs (full-pointer aliasing) cannot loop', () => {
    const ndr = encodeKerbValidationInfo(decodePac(richPac).logonInfo!);
    const dv = new DataView(ndr.buffer);
    for (let i = 16; i + 4 <= ndr.length; i += 4)
      if ((dv.getUint32(i, true) & 0xffff0000) === 0x00020000) dv.setUint32(i, 0x00020000, true);
    onlyDecodeError(() => decodeKerbValidationInfo(ndr));
  });

  it('never takes long on one input', () => {
    assert.ok(slowest < 250, `slowest decode took ${slowest.toFixed(1)} ms`);
  });
});
