/**
 * Self-relative security descriptors (MS-DTYP §2.4.6), their ACLs (§2.4.5) and ACEs (§2.4.4), as stored in
 * `nTSecurityDescriptor` and in `msDS-AllowedToActOnBehalfOfOtherIdentity` (resource-based constrained delegation:
 * the DACL lists who may delegate to the account, MS-SFU §3.2.5.2.3 / MS-KILE §3.3.5.7.3).
 *
 * ```
 * SECURITY_DESCRIPTOR (self-relative) ::=
 *   Revision u8 (1) | Sbz1 u8 | Control u16le
 *   OffsetOwner u32le | OffsetGroup u32le | OffsetSacl u32le | OffsetDacl u32le   (0 = absent; from the SD start)
 *   ... the owner SID, group SID, SACL and DACL wherever the offsets say
 * ACL ::= AclRevision u8 (2, or 4 with object ACEs) | Sbz1 u8 | AclSize u16le | AceCount u16le | Sbz2 u16le | ACE*
 * ACE ::= AceType u8 | AceFlags u8 | AceSize u16le | Mask u32le | body
 *   body (ACCESS_ALLOWED, ACCESS_DENIED, SYSTEM_AUDIT, ..., callbacks) ::= Sid | ApplicationData
 *   body (the *_OBJECT_ACE types)  ::= Flags u32le | [ObjectType GUID] | [InheritedObjectType GUID] | Sid | ApplicationData
 * ```
 *
 * Nothing in the input is trusted: every offset and size is checked against its container before it is read,
 * AceCount is checked against AclSize before the loop, the four components may neither point into the header
 * nor overlap one another, and every failure is a DecodeError naming the field and its absolute offset.
 */
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';
import { readSid, sidLength, writeSid } from './sid.js';

// ---------------------------------------------------------------------------------------------------------------
// Constant tables

/** SECURITY_DESCRIPTOR Control bits (MS-DTYP §2.4.6). */
export const SecurityDescriptorControl = {
  SE_OWNER_DEFAULTED: 0x0001,
  SE_GROUP_DEFAULTED: 0x0002,
  SE_DACL_PRESENT: 0x0004,
  SE_DACL_DEFAULTED: 0x0008,
  SE_SACL_PRESENT: 0x0010,
  SE_SACL_DEFAULTED: 0x0020,
  SE_DACL_TRUSTED: 0x0040,
  SE_SERVER_SECURITY: 0x0080,
  SE_DACL_AUTO_INHERIT_REQ: 0x0100,
  SE_SACL_AUTO_INHERIT_REQ: 0x0200,
  SE_DACL_AUTO_INHERITED: 0x0400,
  SE_SACL_AUTO_INHERITED: 0x0800,
  SE_DACL_PROTECTED: 0x1000,
  SE_SACL_PROTECTED: 0x2000,
  SE_RM_CONTROL_VALID: 0x4000,
  SE_SELF_RELATIVE: 0x8000,
} as const;

/** ACE_HEADER AceType values (MS-DTYP §2.4.4.1). */
export const AceType = {
  ACCESS_ALLOWED_ACE_TYPE: 0x00,
  ACCESS_DENIED_ACE_TYPE: 0x01,
  SYSTEM_AUDIT_ACE_TYPE: 0x02,
  SYSTEM_ALARM_ACE_TYPE: 0x03,
  ACCESS_ALLOWED_COMPOUND_ACE_TYPE: 0x04,
  ACCESS_ALLOWED_OBJECT_ACE_TYPE: 0x05,
  ACCESS_DENIED_OBJECT_ACE_TYPE: 0x06,
  SYSTEM_AUDIT_OBJECT_ACE_TYPE: 0x07,
  SYSTEM_ALARM_OBJECT_ACE_TYPE: 0x08,
  ACCESS_ALLOWED_CALLBACK_ACE_TYPE: 0x09,
  ACCESS_DENIED_CALLBACK_ACE_TYPE: 0x0a,
  ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE: 0x0b,
  ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE: 0x0c,
  SYSTEM_AUDIT_CALLBACK_ACE_TYPE: 0x0d,
  SYSTEM_ALARM_CALLBACK_ACE_TYPE: 0x0e,
  SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE: 0x0f,
  SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE: 0x10,
  SYSTEM_MANDATORY_LABEL_ACE_TYPE: 0x11,
  SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE: 0x12,
  SYSTEM_SCOPED_POLICY_ID_ACE_TYPE: 0x13,
} as const;

/** ACE_HEADER AceFlags (MS-DTYP §2.4.4.1; CRITICAL_ACE_FLAG 0x20 is from winnt.h). */
export const AceFlags = {
  OBJECT_INHERIT_ACE: 0x01,
  CONTAINER_INHERIT_ACE: 0x02,
  NO_PROPAGATE_INHERIT_ACE: 0x04,
  INHERIT_ONLY_ACE: 0x08,
  INHERITED_ACE: 0x10,
  CRITICAL_ACE_FLAG: 0x20,
  SUCCESSFUL_ACCESS_ACE_FLAG: 0x40,
  FAILED_ACCESS_ACE_FLAG: 0x80,
} as const;

/** The Flags of the object ACEs (MS-DTYP §2.4.4.3): which GUIDs follow. */
export const ObjectAceFlags = {
  ACE_OBJECT_TYPE_PRESENT: 0x1,
  ACE_INHERITED_OBJECT_TYPE_PRESENT: 0x2,
} as const;

/**
 * ACCESS_MASK bits (MS-DTYP §2.4.3) with the directory-service meanings of the low 16 bits (MS-ADTS §5.1.3.2,
 * the ADS_RIGHT_* names of ADS_RIGHTS_ENUM). The SDDL abbreviations are CC DC LC SW RP WP DT LO CR SD RC WD WO.
 */
export const AccessMask = {
  ADS_RIGHT_DS_CREATE_CHILD: 0x00000001,
  ADS_RIGHT_DS_DELETE_CHILD: 0x00000002,
  ADS_RIGHT_ACTRL_DS_LIST: 0x00000004,
  ADS_RIGHT_DS_SELF: 0x00000008,
  ADS_RIGHT_DS_READ_PROP: 0x00000010,
  ADS_RIGHT_DS_WRITE_PROP: 0x00000020,
  ADS_RIGHT_DS_DELETE_TREE: 0x00000040,
  ADS_RIGHT_DS_LIST_OBJECT: 0x00000080,
  ADS_RIGHT_DS_CONTROL_ACCESS: 0x00000100,
  DELETE: 0x00010000,
  READ_CONTROL: 0x00020000,
  WRITE_DAC: 0x00040000,
  WRITE_OWNER: 0x00080000,
  SYNCHRONIZE: 0x00100000,
  ACCESS_SYSTEM_SECURITY: 0x01000000,
  MAXIMUM_ALLOWED: 0x02000000,
  GENERIC_ALL: 0x10000000,
  GENERIC_EXECUTE: 0x20000000,
  GENERIC_WRITE: 0x40000000,
  GENERIC_READ: 0x80000000,
} as const;

/**
 * GENERIC_ALL as the directory maps it (MS-ADTS §5.1.3.2): every ADS_RIGHT_DS_* bit plus DELETE, READ_CONTROL,
 * WRITE_DAC and WRITE_OWNER. This is the mask `samba-tool delegation add-principal` and
 * Set-ADComputer -PrincipalsAllowedToDelegateToAccount write into msDS-AllowedToActOnBehalfOfOtherIdentity.
 */
export const ADS_RIGHT_GENERIC_ALL_DS = 0x000f01ff;

const ACE_TYPE_NAMES = invert(AceType);

/** The object ACE layouts (MS-DTYP §2.4.4.3 and the callback/alarm variants). */
const OBJECT_ACE_TYPES: ReadonlySet<number> = new Set([0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0f, 0x10]);
/** Types whose body is Mask then Sid (then, for callbacks and resource attributes, application data). */
const SID_ACE_TYPES: ReadonlySet<number> = new Set([0x00, 0x01, 0x02, 0x03, 0x09, 0x0a, 0x0d, 0x0e, 0x11, 0x12, 0x13]);

export const SD_HEADER_SIZE = 20;
export const ACL_HEADER_SIZE = 8;
export const ACE_HEADER_SIZE = 4;
export const ACL_REVISION = 2;
export const ACL_REVISION_DS = 4;

// ---------------------------------------------------------------------------------------------------------------
// Types

/** An ACE (MS-DTYP §2.4.4). */
export interface Ace {
  /** AceType. */
  type: number;
  /** 'ACCESS_ALLOWED_ACE_TYPE' ..., or 'ACE_TYPE_0x..' for a type MS-DTYP does not define. */
  typeName: string;
  /** AceFlags. */
  flags: number;
  flagNames: string[];
  /** Mask (0 for an ACE type we do not know, whose body is all in applicationData). */
  mask: number;
  maskNames: string[];
  /** The trustee; '' for an ACE type we do not know. */
  sid: string;
  /** Object ACEs only: their Flags field (ACE_OBJECT_TYPE_PRESENT | ACE_INHERITED_OBJECT_TYPE_PRESENT). */
  objectFlags?: number;
  /** Object ACEs: the property, property set, extended right or child class (GUID text, as Windows prints it). */
  objectType?: string;
  /** Object ACEs: the class of child objects that inherit the ACE. */
  inheritedObjectType?: string;
  /**
   * Bytes after the SID within AceSize: a callback ACE's conditional expression, a resource attribute, or any
   * slack Windows ignores. For a type we do not know, the whole body after the ACE header.
   */
  applicationData?: Uint8Array;
}

/** An ACL (MS-DTYP §2.4.5). */
export interface Acl {
  /** AclRevision: ACL_REVISION (2) or ACL_REVISION_DS (4, required with object ACEs). */
  revision: number;
  aces: Ace[];
}

/** A SECURITY_DESCRIPTOR (MS-DTYP §2.4.6) read from its self-relative form. */
export interface SecurityDescriptor {
  revision: number;
  /** Sbz1: the resource manager control bits when SE_RM_CONTROL_VALID is set, else 0. */
  sbz1: number;
  control: number;
  controlFlags: string[];
  owner?: string;
  group?: string;
  sacl?: Acl;
  /**
   * The DACL. Absent with SE_DACL_PRESENT set is a NULL DACL (everyone has full access); absent without it,
   * no DACL (the same effect). An empty `aces` array denies everyone.
   */
  dacl?: Acl;
}

/** What encodeAce needs: a decoded Ace fits, and so does `{ type, mask, sid }`. */
export interface AceInit {
  type: number;
  flags?: number;
  mask: number;
  sid: string;
  objectFlags?: number;
  objectType?: string;
  inheritedObjectType?: string;
  applicationData?: Uint8Array;
}

export interface AclInit {
  /** Default: ACL_REVISION_DS when any ACE is an object ACE, else ACL_REVISION. */
  revision?: number;
  aces: AceInit[];
}

export interface SecurityDescriptorInit {
  /** Default 1. */
  revision?: number;
  sbz1?: number;
  /**
   * Written as given (plus SE_SELF_RELATIVE) so a decoded descriptor re-encodes to itself. When absent:
   * SE_SELF_RELATIVE, SE_DACL_PRESENT if there is a DACL, SE_SACL_PRESENT if there is a SACL.
   */
  control?: number;
  owner?: string;
  group?: string;
  sacl?: AclInit;
  dacl?: AclInit;
}

// ---------------------------------------------------------------------------------------------------------------
// Names

export function controlNames(control: number): string[] {
  return bitNames(control, SecurityDescriptorControl);
}

export function aceFlagNames(flags: number): string[] {
  return bitNames(flags, AceFlags);
}

/** Names of the bits of an access mask; bits without a name come out as hex ('0x00000200'). */
export function accessMaskNames(mask: number): string[] {
  return bitNames(mask, AccessMask);
}

export function aceTypeName(type: number): string {
  return ACE_TYPE_NAMES.get(type) ?? `ACE_TYPE_0x${type.toString(16).padStart(2, '0')}`;
}

export function isObjectAceType(type: number): boolean {
  return OBJECT_ACE_TYPES.has(type);
}

function bitNames(v: number, table: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [name, bit] of Object.entries(table)) {
    if ((rest & bit) >>> 0 === bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  for (let b = 0; b < 32; b++) {
    const bit = (1 << b) >>> 0;
    if (rest & bit) out.push(`0x${bit.toString(16).padStart(8, '0')}`);
  }
  return out;
}

function invert(t: Readonly<Record<string, number>>): Map<number, string> {
  return new Map(Object.entries(t).map(([k, v]) => [v, k]));
}

// ---------------------------------------------------------------------------------------------------------------
// GUIDs (MS-DTYP §2.3.4): Data1, Data2, Data3 little-endian, Data4 as bytes; printed the way SDDL prints them.

/** A 16-byte GUID in its text form, e.g. 'bf967aba-0de6-11d0-a285-00aa003049e2'. */
export function formatGuid(b: Uint8Array, at = 0): string {
  const h = (i: number) => (b[at + i] as number).toString(16).padStart(2, '0');
  const g = (...idx: number[]) => idx.map(h).join('');
  return `${g(3, 2, 1, 0)}-${g(5, 4)}-${g(7, 6)}-${g(8, 9)}-${g(10, 11, 12, 13, 14, 15)}`;
}

const GUID_RE = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

/** The 16 bytes of a GUID text (braces optional). Throws RangeError when it is not one. */
export function parseGuid(s: string): Uint8Array {
  const m = GUID_RE.exec(s);
  if (!m) throw new RangeError(`not a GUID: ${s}`);
  const hex = (x: string) => Array.from({ length: x.length / 2 }, (_, i) => Number.parseInt(x.slice(2 * i, 2 * i + 2), 16));
  const [d1, d2, d3, d4, d5] = (m.slice(1) as string[]).map(hex) as [number[], number[], number[], number[], number[]];
  return Uint8Array.from([...d1.reverse(), ...d2.reverse(), ...d3.reverse(), ...d4, ...d5]);
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

/**
 * Decodes a self-relative SECURITY_DESCRIPTOR. `base` is where `bytes` starts in a larger buffer (for error
 * offsets only; the descriptor's own offsets are from its first byte). Bytes not covered by any component are
 * allowed (Windows leaves slack too) and ignored.
 */
export function decodeSecurityDescriptor(bytes: Uint8Array, opts: { base?: number } = {}): SecurityDescriptor {
  const base = opts.base ?? 0;
  const r = new ByteReader(bytes, base);
  const revision = r.u8('Revision');
  const sbz1 = r.u8('Sbz1');
  const control = r.u16le('Control');
  const offsets = {
    OffsetOwner: r.u32le('OffsetOwner'),
    OffsetGroup: r.u32le('OffsetGroup'),
    OffsetSacl: r.u32le('OffsetSacl'),
    OffsetDacl: r.u32le('OffsetDacl'),
  };
  r.check();
  if (revision !== 1)
    throw new DecodeError('ERR_UNSUPPORTED', `security descriptor revision ${revision}`, { field: 'Revision', offset: base });
  // The absolute form holds pointers, not offsets; it never leaves the process that built it.
  if (!(control & SecurityDescriptorControl.SE_SELF_RELATIVE))
    throw new DecodeError('ERR_UNSUPPORTED', 'not a self-relative security descriptor (SE_SELF_RELATIVE clear)', {
      field: 'Control',
      offset: base + 2,
    });

  const sd: SecurityDescriptor = { revision, sbz1, control, controlFlags: controlNames(control) };
  const spans: Array<{ field: string; start: number; end: number }> = [];
  const fieldAt = { OffsetOwner: 4, OffsetGroup: 8, OffsetSacl: 12, OffsetDacl: 16 } as const;

  /** A reader at a component's offset; the offset itself must lie past the header and inside the buffer. */
  const at = (name: keyof typeof offsets): ByteReader | undefined => {
    const off = offsets[name];
    if (off === 0) return undefined;
    if (off < SD_HEADER_SIZE || off >= bytes.length)
      throw new DecodeError('ERR_BAD_LENGTH', `${name} ${off} outside ${SD_HEADER_SIZE}..${bytes.length - 1}`, {
        field: name,
        offset: base + fieldAt[name],
      });
    return new ByteReader(bytes.subarray(off), base + off);
  };
  const claim = (field: string, start: number, end: number) => {
    for (const s of spans)
      if (start < s.end && s.start < end)
        throw new DecodeError('ERR_BAD_VALUE', `${field} [${start}, ${end}) overlaps ${s.field} [${s.start}, ${s.end})`, {
          field,
          offset: base + start,
        });
    spans.push({ field, start, end });
  };

  for (const [name, key] of [
    ['OffsetOwner', 'owner'],
    ['OffsetGroup', 'group'],
  ] as const) {
    const sr = at(name);
    if (!sr) continue;
    const field = name === 'OffsetOwner' ? 'OwnerSid' : 'GroupSid';
    const sid = readSid(sr, field);
    sr.check();
    claim(field, offsets[name], offsets[name] + sr.pos);
    sd[key] = sid;
  }
  for (const [name, key] of [
    ['OffsetSacl', 'sacl'],
    ['OffsetDacl', 'dacl'],
  ] as const) {
    const ar = at(name);
    if (!ar) continue;
    const field = name === 'OffsetSacl' ? 'Sacl' : 'Dacl';
    const { acl, size } = readAcl(ar, field);
    claim(field, offsets[name], offsets[name] + size);
    sd[key] = acl;
  }
  return sd;
}

/** Reads an ACL at the cursor; throws DecodeError. Returns the ACL and its AclSize. */
export function readAcl(r: ByteReader, field = 'Acl'): { acl: Acl; size: number } {
  const start = r.offset;
  const revision = r.u8(`${field}.AclRevision`);
  r.u8(`${field}.Sbz1`);
  const aclSize = r.u16le(`${field}.AclSize`);
  const aceCount = r.u16le(`${field}.AceCount`);
  r.u16le(`${field}.Sbz2`);
  r.check();
  if (revision < ACL_REVISION || revision > ACL_REVISION_DS)
    throw new DecodeError('ERR_UNSUPPORTED', `ACL revision ${revision}`, { field: `${field}.AclRevision`, offset: start });
  if (aclSize < ACL_HEADER_SIZE)
    throw new DecodeError('ERR_BAD_LENGTH', `AclSize ${aclSize} smaller than the ACL header`, {
      field: `${field}.AclSize`,
      offset: start + 2,
    });
  if (aclSize - ACL_HEADER_SIZE > r.remaining)
    throw new DecodeError('ERR_TRUNCATED', `AclSize ${aclSize} runs past the end of the descriptor`, {
      field: `${field}.AclSize`,
      offset: start + 2,
      needed: aclSize - ACL_HEADER_SIZE,
      left: r.remaining,
    });
  const body = r.sub(aclSize - ACL_HEADER_SIZE, field);
  // every ACE has at least its 4-byte header: AceCount cannot claim more ACEs than AclSize holds
  const n = body.count(aceCount, ACE_HEADER_SIZE, `${field}.AceCount`);
  body.check();
  const aces: Ace[] = [];
  for (let i = 0; i < n; i++) aces.push(readAce(body, `${field}.Ace[${i}]`));
  return { acl: { revision, aces }, size: aclSize };
}

/** Reads one ACE at the cursor; throws DecodeError. AceSize bounds everything inside the ACE. */
export function readAce(r: ByteReader, field = 'Ace'): Ace {
  const start = r.offset;
  const type = r.u8(`${field}.AceType`);
  const flags = r.u8(`${field}.AceFlags`);
  const size = r.u16le(`${field}.AceSize`);
  r.check();
  if (size < ACE_HEADER_SIZE)
    throw new DecodeError('ERR_BAD_LENGTH', `AceSize ${size} smaller than the ACE header`, {
      field: `${field}.AceSize`,
      offset: start + 2,
    });
  if (size - ACE_HEADER_SIZE > r.remaining)
    throw new DecodeError('ERR_TRUNCATED', `AceSize ${size} runs past AclSize`, {
      field: `${field}.AceSize`,
      offset: start + 2,
      needed: size - ACE_HEADER_SIZE,
      left: r.remaining,
    });
  const b = r.sub(size - ACE_HEADER_SIZE, field);
  const ace: Ace = { type, typeName: aceTypeName(type), flags, flagNames: aceFlagNames(flags), mask: 0, maskNames: [], sid: '' };
  const known = SID_ACE_TYPES.has(type) || OBJECT_ACE_TYPES.has(type);
  if (known) {
    ace.mask = b.u32le(`${field}.Mask`);
    ace.maskNames = accessMaskNames(ace.mask);
    if (OBJECT_ACE_TYPES.has(type)) {
      const objectFlags = b.u32le(`${field}.Flags`);
      ace.objectFlags = objectFlags;
      if (objectFlags & ObjectAceFlags.ACE_OBJECT_TYPE_PRESENT) {
        const g = b.take(16, `${field}.ObjectType`);
        if (b.ok) ace.objectType = formatGuid(g);
      }
      if (objectFlags & ObjectAceFlags.ACE_INHERITED_OBJECT_TYPE_PRESENT) {
        const g = b.take(16, `${field}.InheritedObjectType`);
        if (b.ok) ace.inheritedObjectType = formatGuid(g);
      }
    }
    ace.sid = readSid(b, `${field}.Sid`);
  }
  b.check();
  if (b.remaining > 0) ace.applicationData = b.copy(b.remaining, `${field}.ApplicationData`);
  return ace;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

/**
 * Encodes a self-relative SECURITY_DESCRIPTOR, components in the order Samba's NDR writes them (owner, group,
 * SACL, DACL), so descriptors made by `security.descriptor.from_sddl` + `ndr_pack` re-encode byte for byte.
 * Throws RangeError for a SID or GUID that is not one, or an ACE/ACL over 65535 bytes.
 */
export function encodeSecurityDescriptor(sd: SecurityDescriptorInit): Uint8Array {
  const C = SecurityDescriptorControl;
  const control = (sd.control ?? (sd.dacl ? C.SE_DACL_PRESENT : 0) | (sd.sacl ? C.SE_SACL_PRESENT : 0)) | C.SE_SELF_RELATIVE;
  const parts: Array<Uint8Array | undefined> = [
    sd.owner === undefined ? undefined : sidBytes(sd.owner),
    sd.group === undefined ? undefined : sidBytes(sd.group),
    sd.sacl ? encodeAcl(sd.sacl) : undefined,
    sd.dacl ? encodeAcl(sd.dacl) : undefined,
  ];
  const offsets: number[] = [];
  let pos = SD_HEADER_SIZE;
  for (const p of parts) {
    offsets.push(p ? pos : 0);
    pos += p?.length ?? 0;
  }
  const w = new ByteWriter(pos);
  w.u8(sd.revision ?? 1)
    .u8(sd.sbz1 ?? 0)
    .u16le(control);
  for (const o of offsets) w.u32le(o);
  for (const p of parts) if (p) w.bytes(p);
  return w.finish();
}

export function encodeAcl(acl: AclInit): Uint8Array {
  const aces = acl.aces.map(encodeAce);
  const size = aces.reduce((n, a) => n + a.length, ACL_HEADER_SIZE);
  if (size > 0xffff) throw new RangeError(`ACL of ${size} bytes (AclSize is 16 bits)`);
  if (aces.length > 0xffff) throw new RangeError(`${aces.length} ACEs (AceCount is 16 bits)`);
  const revision = acl.revision ?? (acl.aces.some((a) => OBJECT_ACE_TYPES.has(a.type)) ? ACL_REVISION_DS : ACL_REVISION);
  const w = new ByteWriter(size);
  w.u8(revision).u8(0).u16le(size).u16le(aces.length).u16le(0);
  for (const a of aces) w.bytes(a);
  return w.finish();
}

export function encodeAce(ace: AceInit): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(ace.type)
    .u8(ace.flags ?? 0)
    .u16le(0); // AceSize, set below
  const known = SID_ACE_TYPES.has(ace.type) || OBJECT_ACE_TYPES.has(ace.type);
  if (known) {
    w.u32le(ace.mask >>> 0);
    if (OBJECT_ACE_TYPES.has(ace.type)) {
      const F = ObjectAceFlags;
      const flags =
        ace.objectFlags ??
        (ace.objectType ? F.ACE_OBJECT_TYPE_PRESENT : 0) | (ace.inheritedObjectType ? F.ACE_INHERITED_OBJECT_TYPE_PRESENT : 0);
      w.u32le(flags);
      if (flags & F.ACE_OBJECT_TYPE_PRESENT) w.bytes(parseGuid(need(ace.objectType, 'objectType')));
      if (flags & F.ACE_INHERITED_OBJECT_TYPE_PRESENT) w.bytes(parseGuid(need(ace.inheritedObjectType, 'inheritedObjectType')));
    }
    writeSid(w, ace.sid);
  }
  if (ace.applicationData) w.bytes(ace.applicationData);
  const out = w.finish();
  if (out.length > 0xffff) throw new RangeError(`ACE of ${out.length} bytes (AceSize is 16 bits)`);
  out[2] = out.length & 0xff;
  out[3] = out.length >>> 8;
  return out;
}

function need(v: string | undefined, what: string): string {
  if (v === undefined) throw new RangeError(`object ACE Flags say ${what} is present but it is not given`);
  return v;
}

function sidBytes(sid: string): Uint8Array {
  const w = new ByteWriter(sidLength(15));
  writeSid(w, sid);
  return w.finish();
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a DACL

/** Everyone (MS-DTYP §2.4.2.4), what a missing or NULL DACL lets in. */
export const EVERYONE_SID = 'S-1-1-0';

const ALLOW_TYPES: ReadonlySet<number> = new Set([AceType.ACCESS_ALLOWED_ACE_TYPE, AceType.ACCESS_ALLOWED_OBJECT_ACE_TYPE]);
const DENY_TYPES: ReadonlySet<number> = new Set([AceType.ACCESS_DENIED_ACE_TYPE, AceType.ACCESS_DENIED_OBJECT_ACE_TYPE]);

/**
 * The SIDs the DACL lets in, for msDS-AllowedToActOnBehalfOfOtherIdentity: each SID with an ACCESS_ALLOWED_ACE or
 * ACCESS_ALLOWED_OBJECT_ACE that some deny ACE of the same SID does not cancel, in order of first appearance.
 *
 * Deliberately simple, not AccessCheck:
 * - a deny ACE (ACCESS_DENIED_ACE or ACCESS_DENIED_OBJECT_ACE) cancels an allow ACE of the same SID when its mask
 *   covers every bit of the allow's mask and, if the deny names an ObjectType, the allow names the same one;
 *   ACE order is not considered (a canonical DACL puts denies first anyway);
 * - INHERIT_ONLY_ACE entries are skipped (they do not apply to the object itself);
 * - callback (conditional) ACEs are skipped: their conditions cannot be evaluated here;
 * - group membership is not expanded: a SID here may be a group;
 * - no DACL at all, or a NULL DACL (SE_DACL_PRESENT with OffsetDacl 0), lets everyone in: ['S-1-1-0'].
 *   An empty DACL lets no one in: [].
 */
export function allowedSids(sd: SecurityDescriptor): string[] {
  if (!sd.dacl) return [EVERYONE_SID];
  const applies = sd.dacl.aces.filter((a) => !(a.flags & AceFlags.INHERIT_ONLY_ACE));
  const denies = applies.filter((a) => DENY_TYPES.has(a.type));
  const out: string[] = [];
  for (const a of applies) {
    if (!ALLOW_TYPES.has(a.type) || out.includes(a.sid)) continue;
    const cancelled = denies.some(
      (d) => d.sid === a.sid && (d.mask & a.mask) >>> 0 === a.mask >>> 0 && (d.objectType === undefined || d.objectType === a.objectType),
    );
    if (!cancelled) out.push(a.sid);
  }
  return out;
}
