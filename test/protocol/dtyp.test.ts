// MS-DTYP SIDs and security descriptors (src/protocol/dtyp) against Samba 4.17's own NDR code: descriptors and
// SIDs are built at test time by /usr/bin/python3 with the samba bindings (from SDDL, as `samba-tool delegation
// add-principal` builds msDS-AllowedToActOnBehalfOfOtherIdentity) and our decoding is compared field by field with
// Samba's; what we encode is unpacked by Samba and compared as SDDL. Then hostile inputs, then a quick fuzz run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  type Ace,
  ADS_RIGHT_GENERIC_ALL_DS,
  allowedSids,
  decodeSecurityDescriptor,
  decodeSid,
  decodeSidExact,
  EVERYONE_SID,
  encodeSecurityDescriptor,
  encodeSid,
  formatGuid,
  parseGuid,
  type SecurityDescriptor,
} from '../../src/protocol/dtyp/index.js';
import { fromHex, toHex } from '../../src/wire/encoding.js';
import { DecodeError } from '../../src/wire/errors.js';
import { DTYP_TARGETS, SAMBA_SD_SEEDS, SAMBA_SID_SEEDS } from '../fuzz/dtyp-targets.js';
import { generate, replayLine, runOne } from '../fuzz/harness.js';
import type { FuzzCorpus } from '../fuzz/seeds.js';

const PY = '/usr/bin/python3';
const DOMAIN = 'S-1-5-21-1-2-3';

const SDDLS = [
  // what samba-tool delegation add-principal writes for one principal
  'O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)',
  // several principals, one of them also denied
  'O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1105)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1106)(D;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1106)(A;;RPWP;;;S-1-5-21-1-2-3-1107)',
  // object ACEs with one or both GUIDs, inheritance flags, a deny object ACE, a SACL with audit flags
  'O:DAG:DAD:PAI(OA;CI;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;bf967aba-0de6-11d0-a285-00aa003049e2;WD)(OD;;WP;bf967a86-0de6-11d0-a285-00aa003049e2;;AU)(OA;CIIO;RP;;bf967aba-0de6-11d0-a285-00aa003049e2;ED)(D;;GA;;;S-1-5-21-1-2-3-500)(A;OICINP;GR;;;SY)S:(AU;SAFA;WP;;;WD)(OU;CISA;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;;WD)',
  // generic bits, a mask without names, fifteen sub-authorities, the builtin domain
  'O:SYG:BAD:(A;;GRGWGX;;;BA)(A;;0x12345678;;;WD)(A;ID;GA;;;S-1-5-21-4294967295-1-2-3-4-5-6-7-8-9-10-11-12-13)',
  // an empty DACL (denies everyone)
  'O:BAD:',
  // only a SACL
  'S:(AU;FA;GA;;;WD)',
];

const SIDS = [
  'S-1-5-21-1-2-3-1105',
  'S-1-5-32-544',
  'S-1-1-0',
  'S-1-5',
  'S-1-0x123456789ABC-1',
  'S-1-5-21-4294967295-1-2-3-4-5-6-7-8-9-10-11-12-13',
];

const SCRIPT = `
import json, sys
from samba.ndr import ndr_pack, ndr_unpack
from samba.dcerpc import security
req = json.load(sys.stdin)
d = security.dom_sid(req['domain'])
def acl(a):
    if a is None: return None
    out = []
    for x in a.aces:
        e = {'type': x.type, 'flags': x.flags, 'mask': x.access_mask, 'sid': str(x.trustee)}
        if x.type in (5, 6, 7, 8):
            e['objectFlags'] = x.object.flags
            if x.object.flags & 1: e['objectType'] = str(x.object.type)
            if x.object.flags & 2: e['inheritedObjectType'] = str(x.object.inherited_type)
        out.append(e)
    return {'revision': a.revision, 'aces': out}
def desc(sd):
    return {'type': sd.type, 'revision': sd.revision, 'owner': str(sd.owner_sid) if sd.owner_sid else None,
            'group': str(sd.group_sid) if sd.group_sid else None, 'dacl': acl(sd.dacl), 'sacl': acl(sd.sacl),
            'sddl': sd.as_sddl(d)}
out = {'sds': [], 'sids': [], 'ours': []}
for s in req['sddls']:
    sd = security.descriptor.from_sddl(s, d)
    b = ndr_pack(sd)
    out['sds'].append(dict(desc(ndr_unpack(security.descriptor, b)), hex=b.hex()))
for s in req['sids']:
    out['sids'].append(ndr_pack(security.dom_sid(s)).hex())
for h in req['ours']:
    out['ours'].append(desc(ndr_unpack(security.descriptor, bytes.fromhex(h))))
# a NULL DACL: SE_DACL_PRESENT with no DACL (Samba 4.17's SDDL parser has no NO_ACCESS_CONTROL)
sd = security.descriptor()
sd.type = security.SEC_DESC_SELF_RELATIVE | security.SEC_DESC_DACL_PRESENT
sd.owner_sid = security.dom_sid('S-1-5-32-544')
out['nullDacl'] = ndr_pack(sd).hex()
print(json.dumps(out))
`;

interface PyAcl {
  revision: number;
  aces: Array<{
    type: number;
    flags: number;
    mask: number;
    sid: string;
    objectFlags?: number;
    objectType?: string;
    inheritedObjectType?: string;
  }>;
}
interface PyDesc {
  type: number;
  revision: number;
  owner: string | null;
  group: string | null;
  dacl: PyAcl | null;
  sacl: PyAcl | null;
  sddl: string;
  hex?: string;
}
interface PyOut {
  sds: PyDesc[];
  sids: string[];
  ours: PyDesc[];
  nullDacl: string;
}

function samba(ours: string[] = []): PyOut | string {
  const p = spawnSync(PY, ['-c', SCRIPT], { input: JSON.stringify({ domain: DOMAIN, sddls: SDDLS, sids: SIDS, ours }), encoding: 'utf8' });
  if (p.error) return `${PY} not runnable: ${p.error.message}`;
  if (p.status !== 0) {
    if (/No module named 'samba'|ModuleNotFoundError|ImportError/.test(p.stderr))
      return `${PY} cannot import samba: ${p.stderr.trim().split('\n').pop()}`;
    throw new Error(`samba script failed: ${p.stderr}`);
  }
  return JSON.parse(p.stdout) as PyOut;
}

const first = samba();
const skip = typeof first === 'string' ? first : false;

const h = (s: string) => fromHex(s) as Uint8Array;
const sidEq = (a: string | undefined, b: string | null) => assert.equal((a ?? null)?.toLowerCase() ?? null, b?.toLowerCase() ?? null);

function sameAcl(ours: SecurityDescriptor['dacl'], theirs: PyAcl | null, what: string): void {
  if (!theirs) {
    assert.equal(ours, undefined, `${what} present in ours only`);
    return;
  }
  assert.ok(ours, `${what} missing`);
  assert.equal(ours.revision, theirs.revision, `${what}.revision`);
  assert.equal(ours.aces.length, theirs.aces.length, `${what} ACE count`);
  theirs.aces.forEach((t, i) => {
    const a = ours.aces[i] as Ace;
    assert.equal(a.type, t.type, `${what}[${i}].type`);
    assert.equal(a.flags, t.flags, `${what}[${i}].flags`);
    assert.equal(a.mask, t.mask, `${what}[${i}].mask`);
    sidEq(a.sid, t.sid);
    assert.equal(a.objectFlags, t.objectFlags, `${what}[${i}].objectFlags`);
    assert.equal(a.objectType, t.objectType, `${what}[${i}].objectType`);
    assert.equal(a.inheritedObjectType, t.inheritedObjectType, `${what}[${i}].inheritedObjectType`);
  });
}

function sameDesc(sd: SecurityDescriptor, py: PyDesc): void {
  assert.equal(sd.revision, py.revision);
  assert.equal(sd.control, py.type, 'control');
  sidEq(sd.owner, py.owner);
  sidEq(sd.group, py.group);
  sameAcl(sd.dacl, py.dacl, 'dacl');
  sameAcl(sd.sacl, py.sacl, 'sacl');
}

/** Expects a DecodeError with this code, field (prefix) and absolute offset. */
function rejects(
  bytes: Uint8Array,
  code: string,
  field: string,
  offset: number,
  decode: (b: Uint8Array) => unknown = (b) => decodeSecurityDescriptor(b),
): void {
  assert.throws(
    () => decode(bytes),
    (e: unknown) => {
      assert.ok(e instanceof DecodeError, `not a DecodeError: ${e}`);
      assert.equal(e.code, code, e.message);
      assert.ok(e.field?.startsWith(field), `field ${e.field}, wanted ${field} (${e.message})`);
      assert.equal(e.offset, offset, e.message);
      return true;
    },
  );
}

describe('dtyp against Samba 4.17 (descriptors and SIDs built by /usr/bin/python3 + samba)', { skip }, () => {
  const py = first as PyOut;

  it('decodes every descriptor as Samba does, and re-encodes it byte for byte', () => {
    assert.equal(py.sds.length, SDDLS.length);
    py.sds.forEach((d, i) => {
      const bytes = h(d.hex as string);
      const sd = decodeSecurityDescriptor(bytes);
      sameDesc(sd, d);
      assert.equal(toHex(encodeSecurityDescriptor(sd)), d.hex, `re-encode of ${SDDLS[i]}`);
      assert.deepEqual(decodeSecurityDescriptor(encodeSecurityDescriptor(sd)), sd);
    });
  });

  it('names the RBCD mask, the control bits, the flags and the object GUIDs', () => {
    const rbcd = decodeSecurityDescriptor(h(py.sds[0]?.hex as string));
    assert.deepEqual(rbcd.controlFlags, ['SE_DACL_PRESENT', 'SE_SELF_RELATIVE']);
    const ace = rbcd.dacl?.aces[0] as Ace;
    assert.equal(ace.typeName, 'ACCESS_ALLOWED_ACE_TYPE');
    assert.equal(ace.mask, ADS_RIGHT_GENERIC_ALL_DS);
    for (const n of ['ADS_RIGHT_DS_CONTROL_ACCESS', 'DELETE', 'READ_CONTROL', 'WRITE_DAC', 'WRITE_OWNER', 'ADS_RIGHT_DS_WRITE_PROP'])
      assert.ok(ace.maskNames.includes(n), n);
    assert.equal(ace.maskNames.length, 13);

    const obj = decodeSecurityDescriptor(h(py.sds[2]?.hex as string));
    assert.ok(obj.controlFlags.includes('SE_DACL_PROTECTED') && obj.controlFlags.includes('SE_SACL_PRESENT'));
    const oa = obj.dacl?.aces[0] as Ace;
    assert.equal(oa.typeName, 'ACCESS_ALLOWED_OBJECT_ACE_TYPE');
    assert.deepEqual(oa.flagNames, ['CONTAINER_INHERIT_ACE']);
    assert.deepEqual(oa.maskNames, ['ADS_RIGHT_DS_CONTROL_ACCESS']);
    assert.equal(oa.objectType, 'ab721a53-1e2f-11d0-9819-00aa0040529b'); // as the SDDL wrote it
    assert.equal(obj.dacl?.aces[1]?.typeName, 'ACCESS_DENIED_OBJECT_ACE_TYPE');
    assert.deepEqual(obj.sacl?.aces[0]?.flagNames, ['SUCCESSFUL_ACCESS_ACE_FLAG', 'FAILED_ACCESS_ACE_FLAG']);
    const generic = decodeSecurityDescriptor(h(py.sds[3]?.hex as string)).dacl?.aces ?? [];
    assert.deepEqual(generic[0]?.maskNames, ['GENERIC_EXECUTE', 'GENERIC_WRITE', 'GENERIC_READ']);
    assert.ok(generic[1]?.maskNames.includes('0x00000200'), 'an unnamed bit comes out as hex');
  });

  it('allowedSids: the RBCD principals, minus a fully denied one; empty DACL → none; NULL DACL → Everyone', () => {
    assert.deepEqual(allowedSids(decodeSecurityDescriptor(h(py.sds[0]?.hex as string))), ['S-1-5-21-1-2-3-1105']);
    assert.deepEqual(allowedSids(decodeSecurityDescriptor(h(py.sds[1]?.hex as string))), ['S-1-5-21-1-2-3-1105', 'S-1-5-21-1-2-3-1107']);
    // ED's ACE is inherit-only, SY's applies; WD's object ACE is allowed, AU only has a deny
    assert.deepEqual(allowedSids(decodeSecurityDescriptor(h(py.sds[2]?.hex as string))), ['S-1-1-0', 'S-1-5-18']);
    assert.deepEqual(allowedSids(decodeSecurityDescriptor(h(py.sds[4]?.hex as string))), []);
    const nul = decodeSecurityDescriptor(h(py.nullDacl));
    assert.ok(nul.controlFlags.includes('SE_DACL_PRESENT'));
    assert.equal(nul.dacl, undefined);
    assert.deepEqual(allowedSids(nul), [EVERYONE_SID]);
    assert.equal(toHex(encodeSecurityDescriptor(nul)), py.nullDacl);
  });

  it('what we encode, Samba decodes to the same SDDL and ACEs', () => {
    const ours = py.sds.map((d) => decodeSecurityDescriptor(h(d.hex as string)));
    // built from scratch (no control given), the RBCD value the embedded lab would write
    const built = encodeSecurityDescriptor({
      owner: 'S-1-5-32-544',
      dacl: {
        aces: [
          { type: 0, mask: ADS_RIGHT_GENERIC_ALL_DS, sid: 'S-1-5-21-1-2-3-1105' },
          { type: 5, flags: 2, mask: 0x100, sid: 'S-1-1-0', objectType: 'ab721a53-1e2f-11d0-9819-00aa0040529b' },
        ],
      },
    });
    const back = samba([...ours.map((s) => toHex(encodeSecurityDescriptor(s))), toHex(built)]);
    assert.ok(typeof back !== 'string');
    back.ours.slice(0, ours.length).forEach((d, i) => {
      assert.equal(d.sddl, py.sds[i]?.sddl);
    });
    const b = back.ours[ours.length] as PyDesc;
    // Samba's rendering of the one-principal RBCD descriptor, plus the object ACE
    assert.equal(b.sddl, `${py.sds[0]?.sddl}(OA;CI;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)`);
    sameDesc(decodeSecurityDescriptor(built), b);
  });

  it('binary SIDs: decode and encode as Samba does, also at an offset and inside a larger buffer', () => {
    py.sids.forEach((hex, i) => {
      const want = SIDS[i] as string;
      const bytes = h(hex);
      const d = decodeSid(bytes);
      assert.equal(d.sid.toLowerCase(), want.toLowerCase());
      assert.equal(d.length, bytes.length);
      assert.equal(decodeSidExact(bytes).toLowerCase(), want.toLowerCase());
      assert.equal(toHex(encodeSid(want)), hex);
      const padded = new Uint8Array(bytes.length + 7);
      padded.set(bytes, 5);
      assert.deepEqual(decodeSid(padded, 5), d);
    });
  });

  it('the fuzz seeds embedded in dtyp-targets.ts are what Samba makes today', () => {
    for (const s of SAMBA_SD_SEEDS) {
      const p = spawnSync(
        PY,
        [
          '-c',
          `from samba.ndr import ndr_pack; from samba.dcerpc import security; import sys; print(ndr_pack(security.descriptor.from_sddl(sys.argv[1], security.dom_sid('${DOMAIN}'))).hex())`,
          s.sddl,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(p.stdout.trim(), s.hex, s.sddl);
    }
    for (const s of SAMBA_SID_SEEDS) assert.equal(toHex(encodeSid(s.sid)), s.hex);
  });
});

describe('dtyp hostile input: DecodeError with field and offset, never a crash', () => {
  const rbcd = h(SAMBA_SD_SEEDS[0]?.hex as string); // owner at 20 (16 bytes), DACL at 36: one ACE at 44 of 36 bytes
  const patch = (b: Uint8Array, at: number, ...v: number[]) => {
    const c = b.slice();
    c.set(v, at);
    return c;
  };
  const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

  it('header: truncated, wrong revision, absolute form', () => {
    rejects(rbcd.subarray(0, 19), 'ERR_TRUNCATED', 'OffsetDacl', 16);
    rejects(patch(rbcd, 0, 2), 'ERR_UNSUPPORTED', 'Revision', 0);
    rejects(patch(rbcd, 3, 0x00), 'ERR_UNSUPPORTED', 'Control', 2);
  });

  it('offsets outside the buffer, into the header, overlapping', () => {
    rejects(patch(rbcd, 4, ...u32(0xffffffff)), 'ERR_BAD_LENGTH', 'OffsetOwner', 4);
    rejects(patch(rbcd, 16, ...u32(rbcd.length)), 'ERR_BAD_LENGTH', 'OffsetDacl', 16);
    rejects(patch(rbcd, 8, ...u32(4)), 'ERR_BAD_LENGTH', 'OffsetGroup', 8);
    rejects(patch(rbcd, 8, ...u32(20)), 'ERR_BAD_VALUE', 'GroupSid', 20); // group = owner
    rejects(patch(rbcd, 8, ...u32(52)), 'ERR_BAD_VALUE', 'Dacl', 36); // group = the SID inside the DACL's ACE
    rejects(patch(rbcd, 12, ...u32(36)), 'ERR_BAD_VALUE', 'Dacl', 36); // SACL and DACL the same bytes
  });

  it('SIDs: more than 15 sub-authorities, another revision, running past the end', () => {
    rejects(patch(rbcd, 21, 16), 'ERR_LIMIT', 'OwnerSid.SubAuthorityCount', 21);
    rejects(patch(rbcd, 20, 2), 'ERR_UNSUPPORTED', 'OwnerSid.Revision', 20);
    rejects(patch(rbcd, 53, 15), 'ERR_TRUNCATED', 'Dacl.Ace[0].Sid', 80); // the ACE's SID claims 15, AceSize holds 5
    rejects(h('0105000000000005150000000100'), 'ERR_TRUNCATED', 'Sid.SubAuthority', 12, (b) => decodeSid(b));
    rejects(h('0101000000000001000000000000'), 'ERR_TRAILING', 'Sid', 12, (b) => decodeSidExact(b));
    rejects(h('0101000000000001'), 'ERR_BAD_LENGTH', 'Sid', 0, (b) => decodeSid(b, 9));
    rejects(h('0101000000000001'), 'ERR_TRUNCATED', 'Sid.Revision', 8, (b) => decodeSid(b, 8));
    assert.throws(() => encodeSid('S-2-5-21'), RangeError);
    assert.throws(() => encodeSid('S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16'), RangeError);
  });

  it('ACL and ACE sizes and counts', () => {
    rejects(patch(rbcd, 36, 9), 'ERR_UNSUPPORTED', 'Dacl.AclRevision', 36);
    rejects(patch(rbcd, 38, 4, 0), 'ERR_BAD_LENGTH', 'Dacl.AclSize', 38);
    rejects(patch(rbcd, 38, 0xff, 0), 'ERR_TRUNCATED', 'Dacl.AclSize', 38);
    rejects(patch(rbcd, 40, 0xff, 0xff), 'ERR_TRUNCATED', 'Dacl.AceCount', 44); // 65535 ACEs in 36 bytes
    rejects(patch(rbcd, 40, 2, 0), 'ERR_TRUNCATED', 'Dacl.Ace[1].AceType', 80); // AceCount 2, room for 1
    rejects(patch(rbcd, 46, 0, 0), 'ERR_BAD_LENGTH', 'Dacl.Ace[0].AceSize', 46); // AceSize 0 must not loop
    rejects(patch(rbcd, 46, 3, 0), 'ERR_BAD_LENGTH', 'Dacl.Ace[0].AceSize', 46);
    rejects(patch(rbcd, 46, 40, 0), 'ERR_TRUNCATED', 'Dacl.Ace[0].AceSize', 46); // past AclSize
    rejects(patch(rbcd, 46, 12, 0), 'ERR_TRUNCATED', 'Dacl.Ace[0].Sid.IdentifierAuthority', 54); // SID cut by AceSize
    // as an object ACE, the SID's first bytes are read as Flags (0x0501: ObjectType present), so the SID lands on a sub-authority
    rejects(patch(rbcd, 44, 5), 'ERR_UNSUPPORTED', 'Dacl.Ace[0].Sid.Revision', 72);
  });

  it('every prefix and every single-byte change of a real descriptor ends in a result or a DecodeError', () => {
    const big = h(SAMBA_SD_SEEDS[1]?.hex as string);
    let ok = 0;
    let rejected = 0;
    for (let n = 0; n <= big.length; n++)
      try {
        decodeSecurityDescriptor(big.subarray(0, n));
        ok++;
      } catch (e) {
        assert.ok(e instanceof DecodeError, String(e));
        rejected++;
      }
    assert.equal(ok, 1, 'only the whole descriptor decodes');
    assert.equal(rejected, big.length);
    for (let i = 0; i < big.length; i++)
      for (const v of [0x00, 0xff, (big[i] as number) ^ 0x10])
        try {
          decodeSecurityDescriptor(patch(big, i, v));
        } catch (e) {
          assert.ok(e instanceof DecodeError, `byte ${i} = ${v}: ${e}`);
        }
  });

  it('error offsets are absolute with base', () => {
    rejects(patch(rbcd, 21, 16), 'ERR_LIMIT', 'OwnerSid.SubAuthorityCount', 121, (b) => decodeSecurityDescriptor(b, { base: 100 }));
  });

  it('opaque ACEs (callback application data, an undefined type) and object flags survive a round trip', () => {
    const sd = decodeSecurityDescriptor(
      encodeSecurityDescriptor({
        dacl: {
          aces: [
            { type: 0x09, mask: 1, sid: 'S-1-1-0', applicationData: Uint8Array.from([0x61, 0x72, 0x74, 0x78, 0, 0, 0, 0]) },
            { type: 0x42, mask: 0, sid: '', applicationData: Uint8Array.from([9, 9, 9, 9]) },
            { type: 0x05, mask: 0x10, sid: 'S-1-5-11', objectFlags: 0, objectType: 'bf967a86-0de6-11d0-a285-00aa003049e2' },
          ],
        },
      }),
    );
    const [cb, unk, obj] = sd.dacl?.aces ?? [];
    assert.equal(cb?.typeName, 'ACCESS_ALLOWED_CALLBACK_ACE_TYPE');
    assert.deepEqual([...(cb?.applicationData ?? [])], [0x61, 0x72, 0x74, 0x78, 0, 0, 0, 0]);
    assert.equal(unk?.typeName, 'ACE_TYPE_0x42');
    assert.deepEqual([...(unk?.applicationData ?? [])], [9, 9, 9, 9]);
    assert.equal(obj?.objectType, undefined, 'Flags 0: no GUID on the wire');
    assert.equal(sd.dacl?.revision, 4, 'ACL_REVISION_DS with an object ACE');
    assert.deepEqual(decodeSecurityDescriptor(encodeSecurityDescriptor(sd)), sd);
    assert.deepEqual(allowedSids(sd), ['S-1-5-11'], 'callback ACEs are not counted');
  });

  it('GUID text ↔ bytes (mixed endian)', () => {
    const g = parseGuid('{BF967ABA-0DE6-11D0-A285-00AA003049E2}');
    assert.equal(toHex(g), 'ba7a96bfe60dd011a28500aa003049e2');
    assert.equal(formatGuid(g), 'bf967aba-0de6-11d0-a285-00aa003049e2');
    assert.throws(() => parseGuid('bf967aba-0de6-11d0-a285'), RangeError);
  });
});

const SEED = 0xd7e9;
const PER_TARGET = Number(process.env.KERBSCOPE_FUZZ_N ?? 4000);

describe('fuzz: dtyp decoders only fail with DecodeError', () => {
  for (const t of DTYP_TARGETS)
    it(`${t.name}: ${PER_TARGET} inputs`, () => {
      const seeds = t.seeds({} as FuzzCorpus);
      assert.ok(seeds.length >= 4, `${t.name}: ${seeds.length} seeds`);
      const kinds = { ok: 0, partial: 0, rejected: 0 };
      for (let i = 0; i < PER_TARGET; i++) {
        const input = generate(seeds, SEED, i);
        const r = runOne(t, input);
        if (r.crash) assert.fail(`${t.name} crashed: ${r.crash.message}\n${replayLine(t.name, SEED, i, input)}\n${r.crash.stack}`);
        assert.ok(r.ms < 500, `${t.name} took ${r.ms.toFixed(0)} ms\n${replayLine(t.name, SEED, i, input)}`);
        kinds[r.outcome.kind]++;
      }
      assert.ok(kinds.ok > 0, `${t.name}: nothing decoded`);
      assert.ok(kinds.rejected > 0, `${t.name}: nothing refused`);
      process.stderr.write(`${t.name}: ${JSON.stringify(kinds)}\n`);
    });
});
