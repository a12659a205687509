import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type AuthenticateMessage,
  avPair,
  type ChallengeMessage,
  decodeNtlmMessage,
  encodeNtlmMessage,
  findAvPair,
  MaskedBytes,
  type NegotiateMessage,
  NtlmFlag,
  ntlmFlagNames,
  ntlmFlags,
} from '../../../src/protocol/ntlm/index.js';
import { DecodeError } from '../../../src/wire/errors.js';
import { assertRoundTrip, hex, mutations, onlyDecodeError, toHex } from '../gss/helpers.js';

// MS-NLMP §4.2.4.3 (NTLMv2 example messages; inputs in §4.2.1: User "User", Domain "Domain", Workstation "COMPUTER",
// ServerChallenge 0123456789abcdef, ClientChallenge aaaaaaaaaaaaaaaa, RandomSessionKey 55..55). The hex is the spec's
// dump as quoted in pidgin-sipe's NTLM tests; the expected values below come from the spec text, not from this code.
const SPEC_CHALLENGE_V2 =
  '4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c0053006500720076006500720000000000';
const SPEC_AUTHENTICATE_V2 =
  '4e544c4d5353500003000000180018006c00000054005400840000000c000c00480000000800080054000000100010005c00000010001000d8000000358288e20501280a0000000f44006f006d00610069006e00550073006500720043004f004d005000550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa68cd0ab851e51c96aabc927bebef6a1c01010000000000000000000000000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000c5dad2544fc9799094ce1ce90bc9d03e';

// A real Office Communications Server 2007 R2 exchange (pidgin-sipe NTLM tests, "real Communicator 2007 R2 tests"),
// expected values from the decode listing published next to it.
const OCS_CHALLENGE =
  '4E544C4D53535000020000000000000038000000F38298E2DD1BAAF4E7E218D1000000000000000096009600380000000502CE0E0000000F02000A0043004F0053004D004F000100180043004F0053004D004F002D004F00430053002D00520032000400160063006F0073006D006F002E006C006F00630061006C000300300063006F0073006D006F002D006F00630073002D00720032002E0063006F0073006D006F002E006C006F00630061006C000500160063006F0073006D006F002E006C006F00630061006C0000000000';
const OCS_AUTHENTICATE =
  '4E544C4D53535000030000001800180072000000C600C6008A0000000A000A00480000000800080052000000180018005A0000001000100050010000558298620502CE0E0000000F43004F0053004D004F00550073006500720043004F0053004D004F002D004F00430053002D0052003200A1E92EFE4E078BF7C5C0049ACC6166C2D6AE875CB0FDAA418DC0C800AE76ECA606D2B9FBEBD04731010100000000000059519A1727B9CA01D6AE875CB0FDAA410000000002000A0043004F0053004D004F000100180043004F0053004D004F002D004F00430053002D00520032000400160063006F0073006D006F002E006C006F00630061006C000300300063006F0073006D006F002D006F00630073002D00720032002E0063006F0073006D006F002E006C006F00630061006C000500160063006F0073006D006F002E006C006F00630061006C00000000000000000031CB739E1CA80A498591E8AE797115E4';

const rt = (b: Uint8Array) =>
  assertRoundTrip(
    b,
    (x, base) => decodeNtlmMessage(x, { base }),
    (m) => encodeNtlmMessage(m),
  );

describe('NTLMSSP: MS-NLMP §4.2.4 example messages', () => {
  it('CHALLENGE_MESSAGE: flags, challenge, target name, version, target info', () => {
    const m = rt(hex(SPEC_CHALLENGE_V2)) as ChallengeMessage;
    assert.equal(m.messageType, 2);
    assert.equal(m.negotiateFlags, 0xe28a8233);
    // §4.2.4: the thirteen "Challenge Flags"
    assert.deepEqual(
      [...m.flagNames].sort(),
      [
        'NTLMSSP_NEGOTIATE_KEY_EXCH',
        'NTLMSSP_NEGOTIATE_56',
        'NTLMSSP_NEGOTIATE_128',
        'NTLMSSP_NEGOTIATE_VERSION',
        'NTLMSSP_NEGOTIATE_TARGET_INFO',
        'NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY',
        'NTLMSSP_TARGET_TYPE_SERVER',
        'NTLMSSP_NEGOTIATE_ALWAYS_SIGN',
        'NTLMSSP_NEGOTIATE_NTLM',
        'NTLMSSP_NEGOTIATE_SEAL',
        'NTLMSSP_NEGOTIATE_SIGN',
        'NTLM_NEGOTIATE_OEM',
        'NTLMSSP_NEGOTIATE_UNICODE',
      ].sort(),
    );
    assert.equal(toHex(m.serverChallenge), '0123456789abcdef');
    assert.equal(m.targetName, 'Server');
    assert.equal(m.version?.productMajorVersion, 6);
    assert.equal(m.version?.productMinorVersion, 0);
    assert.equal(m.version?.productBuild, 6000);
    assert.equal(m.version?.ntlmRevisionCurrent, 0x0f);
    assert.equal(m.version?.windows, 'Windows Vista');
    assert.equal(findAvPair(m.targetInfo, 'MsvAvNbDomainName')?.text, 'Domain');
    assert.equal(findAvPair(m.targetInfo, 'MsvAvNbComputerName')?.text, 'Server');
    assert.equal(m.targetInfo?.eol, true);
    assert.deepEqual(m.layout?.fields.TargetInfoFields, { length: 36, maxLength: 36, offset: 68 });
  });

  it('AUTHENTICATE_MESSAGE: NTLMv2 with LMv2, names, masked session key', () => {
    const m = rt(hex(SPEC_AUTHENTICATE_V2)) as AuthenticateMessage;
    assert.equal(m.messageType, 3);
    assert.equal(m.negotiateFlags, 0xe2888235);
    assert.equal(m.domainName, 'Domain');
    assert.equal(m.userName, 'User');
    assert.equal(m.workstation, 'COMPUTER');
    assert.equal(m.ntlmVersion, 'ntlmv2');
    assert.equal(m.lmResponseKind, 'lmv2');
    assert.equal(toHex(m.lmChallengeResponse), '86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa'); // §4.2.4.2.1
    assert.equal(toHex(m.ntlmv2Response?.ntProofStr ?? new Uint8Array()), '68cd0ab851e51c96aabc927bebef6a1c'); // §4.2.4.2.2
    const cc = m.ntlmv2Response?.clientChallenge;
    assert.ok(cc);
    assert.equal(cc.respType, 1);
    assert.equal(cc.timeStampFiletime, 0n);
    assert.equal(toHex(cc.challengeFromClient), 'aaaaaaaaaaaaaaaa');
    assert.deepEqual(
      cc.avPairs.pairs.map((p) => [p.name, p.text]),
      [
        ['MsvAvNbDomainName', 'Domain'],
        ['MsvAvNbComputerName', 'Server'],
        ['MsvAvEOL', undefined],
      ],
    );
    assert.equal(toHex(cc.avPairs.trailing), '00000000');
    assert.equal(m.version?.productBuild, 2600);
    assert.equal(m.version?.windows, 'Windows XP');
    assert.equal(m.mic, undefined, 'the spec example has Version but no MIC');
    assert.equal(m.anonymous, false);
    // the EncryptedRandomSessionKey (§4.2.4.2.3: c5dad254...) is a secret: length yes, value only when asked
    assert.ok(m.encryptedRandomSessionKey instanceof MaskedBytes);
    assert.equal(m.encryptedRandomSessionKey.length, 16);
    const json = JSON.stringify(m, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    assert.ok(!json.includes('c5dad254'), 'session key leaked into JSON');
    assert.ok(json.includes('"masked":true'));
    assert.ok(!String(m.encryptedRandomSessionKey).includes('c5da'));
    const shown = decodeNtlmMessage(hex(SPEC_AUTHENTICATE_V2), { showSecrets: true }) as AuthenticateMessage;
    assert.equal(shown.encryptedRandomSessionKey?.toJSON().hex, 'c5dad2544fc9799094ce1ce90bc9d03e');
  });

  it('OCS 2007 R2 CHALLENGE: empty target name, five names in TargetInfo, Windows Server 2003', () => {
    const m = rt(hex(OCS_CHALLENGE)) as ChallengeMessage;
    assert.equal(toHex(m.serverChallenge), 'dd1baaf4e7e218d1');
    assert.equal(m.targetName, undefined);
    assert.equal(m.flagNames.length, 15);
    assert.ok(m.flagNames.includes('NTLMSSP_NEGOTIATE_IDENTIFY') && m.flagNames.includes('NTLMSSP_NEGOTIATE_DATAGRAM'));
    assert.equal(m.version?.windows, 'Windows Server 2003 / XP x64');
    assert.deepEqual(
      m.targetInfo?.pairs.filter((p) => p.text !== undefined).map((p) => [p.name, p.text]),
      [
        ['MsvAvNbDomainName', 'COSMO'],
        ['MsvAvNbComputerName', 'COSMO-OCS-R2'],
        ['MsvAvDnsDomainName', 'cosmo.local'],
        ['MsvAvDnsComputerName', 'cosmo-ocs-r2.cosmo.local'],
        ['MsvAvDnsTreeName', 'cosmo.local'],
      ],
    );
  });

  it('OCS 2007 R2 AUTHENTICATE: NTLMv2 with a client timestamp', () => {
    const m = rt(hex(OCS_AUTHENTICATE)) as AuthenticateMessage;
    assert.equal(m.negotiateFlags, 0x62988255);
    assert.equal(m.flagNames.length, 12);
    assert.deepEqual([m.domainName, m.userName, m.workstation], ['COSMO', 'User', 'COSMO-OCS-R2']);
    assert.deepEqual(m.layout?.fields.LmChallengeResponseFields, { length: 24, maxLength: 24, offset: 114 });
    assert.deepEqual(m.layout?.fields.NtChallengeResponseFields, { length: 198, maxLength: 198, offset: 138 });
    assert.equal(m.ntlmVersion, 'ntlmv2');
    assert.equal(m.ntlmv2Response?.clientChallenge?.timeStamp.toISOString(), '2010-03-01T10:08:08.433Z');
    assert.equal(m.encryptedRandomSessionKey?.length, 16);
  });
});

describe('NTLMSSP: analysis', () => {
  it('flags table has all 32 bits with distinct names', () => {
    const values = Object.values(NtlmFlag);
    assert.equal(values.length, 32);
    assert.equal(new Set(values).size, 32);
    assert.equal(ntlmFlagNames(0xffffffff).length, 32);
    assert.equal(ntlmFlags(ntlmFlagNames(0xe2888235)), 0xe2888235);
  });

  it('NTLMv1, NTLMv1 with ESS, anonymous, LM kinds', () => {
    const base = {
      negotiateFlags: ntlmFlags(['NTLMSSP_NEGOTIATE_UNICODE', 'NTLMSSP_NEGOTIATE_NTLM']),
      domainName: 'D',
      userName: 'u',
      workstation: 'W',
    };
    const nt = hex('67c43011f30298a2ad35ece64f16331c44bdbed927841f94'); // MS-NLMP §4.2.2.2.1
    const lm = hex('98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13'); // §4.2.2.2.2
    const v1 = decodeNtlmMessage(
      encodeNtlmMessage({ messageType: 3, flagNames: [], ...base, lmChallengeResponse: lm, ntChallengeResponse: nt }),
    );
    assert.equal(v1.messageType === 3 && v1.ntlmVersion, 'ntlmv1');
    assert.equal(v1.messageType === 3 && v1.lmResponseKind, 'lm');
    const essFlags = base.negotiateFlags | NtlmFlag.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
    const ess = decodeNtlmMessage(
      encodeNtlmMessage({
        messageType: 3,
        flagNames: [],
        ...base,
        negotiateFlags: essFlags,
        lmChallengeResponse: hex('aaaaaaaaaaaaaaaa00000000000000000000000000000000'), // §4.2.3.2.1
        ntChallengeResponse: hex('7537f803ae367128ca458204bde7caf81e97ed2683267232'), // §4.2.3.2.2
      }),
    ) as AuthenticateMessage;
    assert.equal(ess.ntlmVersion, 'ntlmv1-ess');
    assert.equal(ess.lmResponseKind, 'ess-client-challenge');
    const anon = decodeNtlmMessage(
      encodeNtlmMessage({
        messageType: 3,
        flagNames: [],
        ...base,
        userName: '',
        domainName: '',
        lmChallengeResponse: Uint8Array.of(0),
        ntChallengeResponse: new Uint8Array(0),
      }),
    ) as AuthenticateMessage;
    assert.equal(anon.anonymous, true);
    assert.equal(anon.ntlmVersion, 'anonymous');
    assert.equal(anon.lmResponseKind, 'z1');
  });

  it('canonical encoders: NEGOTIATE with OEM names and version, CHALLENGE with AV pairs, AUTHENTICATE with MIC', () => {
    const neg: NegotiateMessage = {
      messageType: 1,
      negotiateFlags: ntlmFlags([
        'NTLMSSP_NEGOTIATE_UNICODE',
        'NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED',
        'NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED',
        'NTLMSSP_NEGOTIATE_VERSION',
      ]),
      flagNames: [],
      domainName: 'CORP',
      workstation: 'WS01',
      version: {
        productMajorVersion: 10,
        productMinorVersion: 0,
        productBuild: 19041,
        reserved: new Uint8Array(3),
        ntlmRevisionCurrent: 15,
      },
    };
    const nb = encodeNtlmMessage(neg);
    // header 40 (with Version), then "CORP" at 40 and "WS01" at 44, OEM
    assert.equal(toHex(nb.subarray(16, 32)), '0400040028000000040004002c000000');
    const n2 = rt(nb) as NegotiateMessage;
    assert.equal(n2.domainName, 'CORP');
    assert.equal(n2.workstation, 'WS01');
    assert.equal(n2.version?.windows, 'Windows 10 2004');

    const ft = 133000000000000000n; // 13 300 000 000 s after 1601 = 1 655 526 400 s after 1970
    const ch: ChallengeMessage = {
      messageType: 2,
      negotiateFlags: ntlmFlags(['NTLMSSP_NEGOTIATE_UNICODE', 'NTLMSSP_NEGOTIATE_TARGET_INFO', 'NTLMSSP_TARGET_TYPE_DOMAIN']),
      flagNames: [],
      targetName: 'CORP',
      serverChallenge: hex('1122334455667788'),
      targetInfo: {
        pairs: [
          avPair.text('MsvAvNbDomainName', 'CORP'),
          avPair.text('MsvAvDnsComputerName', 'dc1.corp.example'),
          avPair.timestamp(ft),
          avPair.eol(),
        ],
        eol: true,
        trailing: new Uint8Array(0),
      },
    };
    const c2 = rt(encodeNtlmMessage(ch)) as ChallengeMessage;
    assert.equal(c2.targetName, 'CORP');
    assert.equal(findAvPair(c2.targetInfo, 'MsvAvTimestamp')?.timestamp?.toISOString(), '2022-06-18T04:26:40.000Z');

    const au: AuthenticateMessage = {
      messageType: 3,
      negotiateFlags: ntlmFlags(['NTLMSSP_NEGOTIATE_UNICODE', 'NTLMSSP_NEGOTIATE_KEY_EXCH']),
      flagNames: [],
      lmChallengeResponse: new Uint8Array(24),
      ntChallengeResponse: hex(
        `${'11'.repeat(16)}0101000000000000${'00'.repeat(8)}${'22'.repeat(8)}00000000` +
          '060004000200000000000000' + // MsvAvFlags = MIC_PRESENT, MsvAvEOL
          '00000000',
      ),
      domainName: 'CORP',
      userName: 'alice',
      workstation: 'WS01',
      encryptedRandomSessionKey: new MaskedBytes(hex('00112233445566778899aabbccddeeff')),
      mic: hex('ff'.repeat(16)),
    };
    const a2 = rt(encodeNtlmMessage(au)) as AuthenticateMessage;
    assert.equal(a2.lmResponseKind, 'zero');
    assert.equal(toHex(a2.mic ?? new Uint8Array()), 'ff'.repeat(16));
    assert.deepEqual(findAvPair(a2.ntlmv2Response?.clientChallenge?.avPairs, 'MsvAvFlags')?.flagNames, ['MIC_PRESENT']);
    assert.equal(a2.layout?.headerLength, 88);
  });

  it('a payload descriptor that points past the end names the field', () => {
    const b = hex(SPEC_AUTHENTICATE_V2);
    b[20] = 0xff; // NtChallengeResponseFields.Len
    b[21] = 0x0f;
    assert.throws(
      () => decodeNtlmMessage(b, { base: 100 }),
      (e: unknown) => e instanceof DecodeError && e.code === 'ERR_TRUNCATED' && e.field === 'NtChallengeResponseFields' && e.offset === 120,
    );
    const bad = hex(SPEC_CHALLENGE_V2);
    bad[0] = 0x4d;
    assert.throws(
      () => decodeNtlmMessage(bad),
      (e: unknown) => e instanceof DecodeError && e.field === 'Signature',
    );
  });

  it('property: generated AUTHENTICATE messages round-trip', () => {
    const bytes = (max: number) => fc.uint8Array({ maxLength: max });
    const name = fc.string({ maxLength: 20 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        bytes(24),
        bytes(120),
        name,
        name,
        name,
        fc.boolean(),
        (flags, lm, nt, d, u, w, withMic) => {
          const m: AuthenticateMessage = {
            messageType: 3,
            negotiateFlags: flags,
            flagNames: [],
            lmChallengeResponse: lm,
            ntChallengeResponse: nt,
            domainName: d,
            userName: u,
            workstation: w,
          };
          if (withMic) m.mic = new Uint8Array(16).fill(7);
          const unicode = (flags & 1) !== 0;
          const enc = encodeNtlmMessage(m);
          const back = decodeNtlmMessage(enc) as AuthenticateMessage;
          assert.equal(toHex(encodeNtlmMessage(back)), toHex(enc));
          if (unicode) assert.deepEqual([back.domainName, back.userName, back.workstation], [d, u, w]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('NTLMSSP: fuzz', () => {
  it('every prefix and random mutations of each message give only DecodeError', () => {
    let ok = 0;
    let rejected = 0;
    for (const v of [SPEC_CHALLENGE_V2, SPEC_AUTHENTICATE_V2, OCS_CHALLENGE, OCS_AUTHENTICATE]) {
      for (const m of mutations(hex(v), 3000)) {
        const r = onlyDecodeError(() => {
          const d = decodeNtlmMessage(m);
          encodeNtlmMessage(d);
          JSON.stringify(d, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
        }, toHex(m));
        if (r === 'ok') ok++;
        else rejected++;
      }
    }
    assert.ok(ok > 1000 && rejected > 1000, `decoded ${ok}, rejected ${rejected}`);
  });
});
