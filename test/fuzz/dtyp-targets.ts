/**
 * Fuzz targets for the MS-DTYP codecs (src/protocol/dtyp), in the shape of the registry in targets.ts so the lead
 * can add them to TARGETS. Seeds: descriptors Samba 4.17 built from SDDL (below, with the command) and
 * descriptors our encoder builds (object ACEs, a callback ACE with application data, an ACE type MS-DTYP does not
 * define, a NULL DACL).
 */
import { isDeepStrictEqual } from 'node:util';
import {
  ADS_RIGHT_GENERIC_ALL_DS,
  allowedSids,
  decodeSecurityDescriptor,
  decodeSid,
  encodeSecurityDescriptor,
  encodeSid,
} from '../../src/protocol/dtyp/index.js';
import { fromHex } from '../../src/wire/encoding.js';
import { isDecodeError } from '../../src/wire/errors.js';
import type { FuzzTarget, Outcome } from './targets.js';

/**
 * Produced with Debian's samba 4.17 Python bindings (the way `samba-tool delegation add-principal` builds
 * msDS-AllowedToActOnBehalfOfOtherIdentity):
 *   /usr/bin/python3 -c "from samba.ndr import ndr_pack; from samba.dcerpc import security; \
 *     print(ndr_pack(security.descriptor.from_sddl(SDDL, security.dom_sid('S-1-5-21-1-2-3'))).hex())"
 */
export const SAMBA_SD_SEEDS: ReadonlyArray<{ sddl: string; hex: string }> = [
  {
    sddl: 'O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)',
    hex: '01000480140000000000000000000000240000000102000000000005200000002002000004002c000100000000002400ff010f0001050000000000051500000001000000020000000300000051040000',
  },
  {
    sddl: 'O:DAG:DAD:PAI(OA;CI;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;bf967aba-0de6-11d0-a285-00aa003049e2;WD)(D;;GA;;;S-1-5-21-1-2-3-500)S:(AU;SAFA;WP;;;WD)',
    hex: '0100149414000000300000004c00000068000000010500000000000515000000010000000200000003000000000200000105000000000005150000000100000002000000030000000002000004001c000100000002c01400200000000101000000000001000000000400640002000000050238000001000003000000531a72ab2f1ed011981900aa0040529bba7a96bfe60dd011a28500aa003049e20101000000000001000000000100240000000010010500000000000515000000010000000200000003000000f4010000',
  },
  {
    sddl: 'D:(A;;GA;;;S-1-5-21-4294967295-1-2-3-4-5-6-7-8-9-10-11-12-13)',
    hex: '0100048000000000000000000000000014000000040054000100000000004c0000000010010f00000000000515000000ffffffff0100000002000000030000000400000005000000060000000700000008000000090000000a0000000b0000000c0000000d000000',
  },
  { sddl: 'D:', hex: '01000480000000000000000000000000140000000400080000000000' },
  {
    sddl: 'O:BAD:(A;;0x12345678;;;WD)',
    hex: '01000480140000000000000000000000240000000102000000000005200000002002000004001c00010000000000140078563412010100000000000100000000',
  },
];

/** Binary SIDs from the same bindings: ndr_pack(security.dom_sid(S)). */
export const SAMBA_SID_SEEDS: ReadonlyArray<{ sid: string; hex: string }> = [
  { sid: 'S-1-5-21-1-2-3-1105', hex: '01050000000000051500000001000000020000000300000051040000' },
  { sid: 'S-1-0x123456789abc-1', hex: '0101123456789abc01000000' },
  { sid: 'S-1-5', hex: '0100000000000005' },
];

/** Descriptors our encoder builds: the ACE kinds Samba 4.17's SDDL parser cannot write. */
export function builtSdSeeds(): Uint8Array[] {
  const dom = 'S-1-5-21-1004336348-1177238915-682003330';
  return [
    encodeSecurityDescriptor({
      owner: 'S-1-5-32-544',
      dacl: {
        aces: [
          { type: 0x06, mask: 0x20, sid: `${dom}-1105`, objectType: 'bf967a86-0de6-11d0-a285-00aa003049e2' },
          { type: 0x05, flags: 0x1a, mask: 0x100, sid: 'S-1-5-11', inheritedObjectType: 'bf967aba-0de6-11d0-a285-00aa003049e2' },
          { type: 0x09, mask: ADS_RIGHT_GENERIC_ALL_DS, sid: `${dom}-1106`, applicationData: Uint8Array.from([0x61, 0x72, 0x74, 0x78]) },
          { type: 0x00, mask: ADS_RIGHT_GENERIC_ALL_DS, sid: `${dom}-1107` },
        ],
      },
    }),
    encodeSecurityDescriptor({
      control: 0x8014,
      group: `${dom}-513`,
      sacl: { aces: [{ type: 0x11, mask: 1, sid: 'S-1-16-12288' }] },
      dacl: { revision: 2, aces: [{ type: 0x42, mask: 0, sid: '', applicationData: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }] },
    }),
    encodeSecurityDescriptor({ control: 0x8004, owner: `${dom}-512` }), // a NULL DACL
  ];
}

export function sdSeeds(): Uint8Array[] {
  return [...SAMBA_SD_SEEDS.map((s) => fromHex(s.hex) as Uint8Array), ...builtSdSeeds()];
}

export function sidSeeds(): Uint8Array[] {
  return [...SAMBA_SID_SEEDS.map((s) => fromHex(s.hex) as Uint8Array), encodeSid('S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14')];
}

function decoding(f: () => { outcome: Outcome; result?: unknown }): { outcome: Outcome; result?: unknown } {
  try {
    return f();
  } catch (e) {
    if (isDecodeError(e)) return { outcome: { kind: 'rejected', code: e.code } };
    throw e;
  }
}

export const DTYP_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'dtyp-security-descriptor',
    what: 'protocol/dtyp decodeSecurityDescriptor, encodeSecurityDescriptor of what decoded (must decode to the same), allowedSids',
    seeds: () => sdSeeds(),
    run(input) {
      return decoding(() => {
        const sd = decodeSecurityDescriptor(input);
        const again = decodeSecurityDescriptor(encodeSecurityDescriptor(sd));
        if (!isDeepStrictEqual(again, sd)) throw new Error('decode → encode → decode changed the descriptor');
        const allowed = allowedSids(sd);
        const tags = [sd.dacl ? `aces:${Math.min(sd.dacl.aces.length, 4)}` : 'no-dacl', sd.sacl ? 'sacl' : 'no-sacl'];
        return { outcome: { kind: 'ok', tags }, result: { sd, allowed } };
      });
    },
  },
  {
    name: 'dtyp-sid',
    what: 'protocol/dtyp decodeSid at offset 0, encodeSid of what decoded (must give the same bytes)',
    seeds: () => sidSeeds(),
    run(input) {
      return decoding(() => {
        const { sid, length } = decodeSid(input);
        const enc = encodeSid(sid);
        if (enc.length !== length || Buffer.compare(enc, input.subarray(0, length)) !== 0)
          throw new Error(`SID ${sid} re-encodes differently`);
        return { outcome: { kind: 'ok', tags: [length === input.length ? 'exact' : 'trailing'] }, result: { sid } };
      });
    },
  },
];
