/**
 * The NDR-encoded PAC buffers: KERB_VALIDATION_INFO (MS-PAC §2.5, type 1), PAC_DEVICE_INFO (§2.12, type 14) and
 * S4U_DELEGATION_INFO (§2.9, type 11). Each has one reader and one writer that walk the IDL in the same order;
 * round-trip tests hold them together.
 */
import { DecodeError } from '../../wire/errors.js';
import { decodeNdrTopLevel, type NdrReader, NdrWriter } from './ndr.js';
import { SecretBytes } from './secret.js';
import { isSid, sidWithRid } from './sid.js';

// ---------------------------------------------------------------------------------------------------------
// FILETIME (MS-DTYP §2.3.3): 100-ns intervals since 1601-01-01 UTC.

/** MS-PAC §2.5: "never" (e.g. LogoffTime, KickOffTime of an account that does not expire). */
export const FILETIME_NEVER = 0x7fffffffffffffffn;
const EPOCH_DIFF_MS = 11644473600000n;

/** 0 ("not set") and 0x7fffffffffffffff or above ("never") become null; sub-millisecond digits are dropped. */
export function filetimeToDate(ft: bigint): Date | null {
  if (ft === 0n || ft >= FILETIME_NEVER) return null;
  return new Date(Number(ft / 10000n - EPOCH_DIFF_MS));
}

/** The inverse of filetimeToDate; `ifNull` says which of the two null encodings this field uses. */
export function dateToFiletime(d: Date | null, ifNull: bigint): bigint {
  if (d === null) return ifNull;
  const ms = BigInt(d.getTime());
  const ft = (ms + EPOCH_DIFF_MS) * 10000n;
  return ft < 0n ? 0n : ft;
}

// ---------------------------------------------------------------------------------------------------------

/** MS-PAC §2.2.2 GROUP_MEMBERSHIP. Attributes: SE_GROUP_MANDATORY 1, ENABLED_BY_DEFAULT 2, ENABLED 4, ... */
export interface GroupMembership {
  relativeId: number;
  attributes: number;
}

/** MS-PAC §2.2.1 KERB_SID_AND_ATTRIBUTES. */
export interface KerbSidAndAttributes {
  sid: string;
  attributes: number;
}

/** MS-PAC §2.5 UserFlags bits. */
export const UserFlags = {
  LOGON_EXTRA_SIDS: 0x20, // D: ExtraSids is populated
  LOGON_RESOURCE_GROUPS: 0x200, // H: ResourceGroupIds is populated
} as const;

/** MS-PAC §2.2.1 / MS-DTYP group attribute bits (SE_GROUP_*). */
export const GroupAttributes = {
  SE_GROUP_MANDATORY: 0x1,
  SE_GROUP_ENABLED_BY_DEFAULT: 0x2,
  SE_GROUP_ENABLED: 0x4,
  SE_GROUP_OWNER: 0x8,
  SE_GROUP_RESOURCE: 0x20000000,
} as const;

/**
 * MS-PAC §2.5 KERB_VALIDATION_INFO (the Logon Information buffer, ulType 1).
 *
 *     typedef struct _KERB_VALIDATION_INFO {
 *       FILETIME LogonTime; FILETIME LogoffTime; FILETIME KickOffTime;
 *       FILETIME PasswordLastSet; FILETIME PasswordCanChange; FILETIME PasswordMustChange;
 *       RPC_UNICODE_STRING EffectiveName; RPC_UNICODE_STRING FullName; RPC_UNICODE_STRING LogonScript;
 *       RPC_UNICODE_STRING ProfilePath; RPC_UNICODE_STRING HomeDirectory; RPC_UNICODE_STRING HomeDirectoryDrive;
 *       USHORT LogonCount; USHORT BadPasswordCount; ULONG UserId; ULONG PrimaryGroupId;
 *       ULONG GroupCount; [size_is(GroupCount)] PGROUP_MEMBERSHIP GroupIds;
 *       ULONG UserFlags; USER_SESSION_KEY UserSessionKey;
 *       RPC_UNICODE_STRING LogonServer; RPC_UNICODE_STRING LogonDomainName; PISID LogonDomainId;
 *       ULONG Reserved1[2]; ULONG UserAccountControl; ULONG SubAuthStatus;
 *       FILETIME LastSuccessfulILogon; FILETIME LastFailedILogon; ULONG FailedILogonCount; ULONG Reserved3;
 *       ULONG SidCount; [size_is(SidCount)] PKERB_SID_AND_ATTRIBUTES ExtraSids;
 *       PISID ResourceGroupDomainSid; ULONG ResourceGroupCount;
 *       [size_is(ResourceGroupCount)] PGROUP_MEMBERSHIP ResourceGroupIds;
 *     } KERB_VALIDATION_INFO;
 *
 * Times: null = 0 ("not set") or 0x7fffffffffffffff ("never"). Strings: a null Buffer pointer reads as ''.
 * The counts (GroupCount, SidCount, ResourceGroupCount) are the array lengths.
 */
export interface KerbValidationInfo {
  logonTime: Date | null;
  logoffTime: Date | null;
  kickOffTime: Date | null;
  passwordLastSet: Date | null;
  passwordCanChange: Date | null;
  passwordMustChange: Date | null;
  effectiveName: string;
  fullName: string;
  logonScript: string;
  profilePath: string;
  homeDirectory: string;
  homeDirectoryDrive: string;
  logonCount: number;
  badPasswordCount: number;
  userId: number;
  primaryGroupId: number;
  groupIds: GroupMembership[];
  userFlags: number;
  /** USER_SESSION_KEY (two CYPHER_BLOCKs): a secret, never printed. All zero in Kerberos PACs. */
  userSessionKey: SecretBytes;
  logonServer: string;
  logonDomainName: string;
  /** The user's domain SID (S-1-5-21-...); null only in malformed PACs. */
  logonDomainId: string | null;
  userAccountControl: number;
  subAuthStatus: number;
  lastSuccessfulILogon: Date | null;
  lastFailedILogon: Date | null;
  failedILogonCount: number;
  extraSids: KerbSidAndAttributes[];
  resourceGroupDomainSid: string | null;
  resourceGroupIds: GroupMembership[];
}

interface StrHeader {
  length: number;
  maximumLength: number;
  ptr: number;
}

/** RPC_UNICODE_STRING (MS-DTYP §2.3.10) inline part; the buffer is deferred. */
function readUnicodeString(n: NdrReader, field: string, set: (s: string) => void): void {
  const h: StrHeader = {
    length: n.u16(`${field}.Length`),
    maximumLength: n.u16(`${field}.MaximumLength`),
    ptr: n.pointer(`${field}.Buffer`),
  };
  if (!n.ok) return;
  if (h.length > h.maximumLength || h.length % 2) {
    n.fail(`bad RPC_UNICODE_STRING lengths (Length ${h.length}, MaximumLength ${h.maximumLength})`, field);
    return;
  }
  if (h.ptr === 0) return;
  n.defer(() => {
    // Length (bytes) normally equals ActualCount * 2; the array is what we trust (as Wireshark does).
    set(n.wcharArray(field).value);
  }, field);
}

/**
 * Writes an RPC_UNICODE_STRING the way Windows does: a non-null Buffer even for '', MaximumLength = Length,
 * except for the strings Windows stores with a terminating NUL counted in MaximumLength only (LogonServer,
 * LogonDomainName), where MaximumLength = Length + 2.
 */
function writeUnicodeString(n: NdrWriter, s: string, nulInMax = false): void {
  const len = s.length * 2;
  const max = len + (nulInMax ? 2 : 0);
  n.u16(len);
  n.u16(max);
  n.pointer(true);
  n.defer(() => n.wcharArray(s, max / 2));
}

/**
 * `[size_is(count)] T *field` (MS-RPCE §14.3.3.2, NDR 14.3.12.1): a unique pointer now; MaxCount and the `elemSize`-byte
 * elements among the deferred referents. MaxCount must equal the count field that came before (as Windows writes it).
 * Elements that hold pointers of their own queue their referents from readElem, in element order; a referent read
 * later can still fill its element through `out` (the array that set() receives).
 */
function readConformantArray<T>(
  n: NdrReader,
  count: number,
  field: string,
  elemSize: number,
  readElem: (index: number, out: T[]) => T,
  set: (items: T[]) => void,
): void {
  const ptr = n.pointer(field);
  if (!n.ok || ptr === 0) return;
  n.defer(() => {
    const max = n.conformance(elemSize, field);
    if (!n.ok) return;
    if (max !== count) {
      n.fail(`array MaxCount ${max} differs from its count ${count}`, field);
      return;
    }
    const out: T[] = [];
    for (let i = 0; i < max; i++) out.push(readElem(i, out));
    set(out);
  }, field);
}

/** The writer of readConformantArray: NULL for an empty array (as Windows writes it), else MaxCount + elements. */
function writeConformantArray<T>(n: NdrWriter, items: readonly T[], writeElem: (item: T) => void): void {
  n.pointer(items.length > 0);
  if (items.length === 0) return;
  n.defer(() => {
    n.u32(items.length);
    for (const item of items) writeElem(item);
  });
}

/** Type serialization version 1 (MS-RPCE §2.2.6) of a top-level structure: its referent pointer, then the structure. */
function encodeNdrTopLevel<T>(v: T, write: (n: NdrWriter, v: T) => void): Uint8Array {
  return NdrWriter.serialize((n) => {
    n.pointer(true);
    write(n, v);
  });
}

function readGroupArray(n: NdrReader, count: number, field: string, set: (g: GroupMembership[]) => void): void {
  readConformantArray(
    n,
    count,
    field,
    8,
    () => ({ relativeId: n.u32(`${field}.RelativeId`), attributes: n.u32(`${field}.Attributes`) }),
    set,
  );
}

function writeGroupArray(n: NdrWriter, groups: readonly GroupMembership[]): void {
  writeConformantArray(n, groups, (g) => {
    n.u32(g.relativeId);
    n.u32(g.attributes);
  });
}

function readSidPointer(n: NdrReader, field: string, set: (s: string) => void): void {
  const ptr = n.pointer(field);
  if (!n.ok || ptr === 0) return;
  n.defer(() => set(n.sid(field)), field);
}

function writeSidPointer(n: NdrWriter, sid: string | null): void {
  n.pointer(sid !== null);
  if (sid !== null) n.defer(() => n.sid(sid));
}

function readSidAndAttributesArray(n: NdrReader, count: number, field: string, set: (s: KerbSidAndAttributes[]) => void): void {
  readConformantArray(
    n,
    count,
    field,
    8,
    () => {
      const item: KerbSidAndAttributes = { sid: '', attributes: 0 };
      readSidPointer(n, `${field}.Sid`, (s) => {
        item.sid = s;
      });
      item.attributes = n.u32(`${field}.Attributes`);
      return item;
    },
    set,
  );
}

function writeSidAndAttributesArray(n: NdrWriter, sids: readonly KerbSidAndAttributes[]): void {
  writeConformantArray(n, sids, (s) => {
    writeSidPointer(n, s.sid);
    n.u32(s.attributes);
  });
}

/** Reads KERB_VALIDATION_INFO at the NDR cursor (inline part + queued referents). */
export function readKerbValidationInfo(n: NdrReader): KerbValidationInfo {
  const f = 'KERB_VALIDATION_INFO';
  const v: KerbValidationInfo = {
    logonTime: filetimeToDate(n.filetime(`${f}.LogonTime`)),
    logoffTime: filetimeToDate(n.filetime(`${f}.LogoffTime`)),
    kickOffTime: filetimeToDate(n.filetime(`${f}.KickOffTime`)),
    passwordLastSet: filetimeToDate(n.filetime(`${f}.PasswordLastSet`)),
    passwordCanChange: filetimeToDate(n.filetime(`${f}.PasswordCanChange`)),
    passwordMustChange: filetimeToDate(n.filetime(`${f}.PasswordMustChange`)),
    effectiveName: '',
    fullName: '',
    logonScript: '',
    profilePath: '',
    homeDirectory: '',
    homeDirectoryDrive: '',
    logonCount: 0,
    badPasswordCount: 0,
    userId: 0,
    primaryGroupId: 0,
    groupIds: [],
    userFlags: 0,
    userSessionKey: new SecretBytes(new Uint8Array(16)),
    logonServer: '',
    logonDomainName: '',
    logonDomainId: null,
    userAccountControl: 0,
    subAuthStatus: 0,
    lastSuccessfulILogon: null,
    lastFailedILogon: null,
    failedILogonCount: 0,
    extraSids: [],
    resourceGroupDomainSid: null,
    resourceGroupIds: [],
  };
  readUnicodeString(n, `${f}.EffectiveName`, (s) => {
    v.effectiveName = s;
  });
  readUnicodeString(n, `${f}.FullName`, (s) => {
    v.fullName = s;
  });
  readUnicodeString(n, `${f}.LogonScript`, (s) => {
    v.logonScript = s;
  });
  readUnicodeString(n, `${f}.ProfilePath`, (s) => {
    v.profilePath = s;
  });
  readUnicodeString(n, `${f}.HomeDirectory`, (s) => {
    v.homeDirectory = s;
  });
  readUnicodeString(n, `${f}.HomeDirectoryDrive`, (s) => {
    v.homeDirectoryDrive = s;
  });
  v.logonCount = n.u16(`${f}.LogonCount`);
  v.badPasswordCount = n.u16(`${f}.BadPasswordCount`);
  v.userId = n.u32(`${f}.UserId`);
  v.primaryGroupId = n.u32(`${f}.PrimaryGroupId`);
  const groupCount = n.u32(`${f}.GroupCount`);
  readGroupArray(n, groupCount, `${f}.GroupIds`, (g) => {
    v.groupIds = g;
  });
  v.userFlags = n.u32(`${f}.UserFlags`);
  v.userSessionKey = new SecretBytes(n.bytes(16, `${f}.UserSessionKey`));
  readUnicodeString(n, `${f}.LogonServer`, (s) => {
    v.logonServer = s;
  });
  readUnicodeString(n, `${f}.LogonDomainName`, (s) => {
    v.logonDomainName = s;
  });
  readSidPointer(n, `${f}.LogonDomainId`, (s) => {
    v.logonDomainId = s;
  });
  n.u32(`${f}.Reserved1`);
  n.u32(`${f}.Reserved1`);
  v.userAccountControl = n.u32(`${f}.UserAccountControl`);
  v.subAuthStatus = n.u32(`${f}.SubAuthStatus`);
  v.lastSuccessfulILogon = filetimeToDate(n.filetime(`${f}.LastSuccessfulILogon`));
  v.lastFailedILogon = filetimeToDate(n.filetime(`${f}.LastFailedILogon`));
  v.failedILogonCount = n.u32(`${f}.FailedILogonCount`);
  n.u32(`${f}.Reserved3`);
  const sidCount = n.u32(`${f}.SidCount`);
  readSidAndAttributesArray(n, sidCount, `${f}.ExtraSids`, (s) => {
    v.extraSids = s;
  });
  readSidPointer(n, `${f}.ResourceGroupDomainSid`, (s) => {
    v.resourceGroupDomainSid = s;
  });
  const resourceGroupCount = n.u32(`${f}.ResourceGroupCount`);
  readGroupArray(n, resourceGroupCount, `${f}.ResourceGroupIds`, (g) => {
    v.resourceGroupIds = g;
  });
  return v;
}

function checkSid(sid: string | null, field: string): void {
  if (sid !== null && !isSid(sid)) throw new DecodeError('ERR_BAD_VALUE', `not a SID: ${JSON.stringify(sid)}`, { field });
}

export function writeKerbValidationInfo(n: NdrWriter, v: KerbValidationInfo): void {
  checkSid(v.logonDomainId, 'logonDomainId');
  checkSid(v.resourceGroupDomainSid, 'resourceGroupDomainSid');
  for (const s of v.extraSids) checkSid(s.sid, 'extraSids');
  const key = v.userSessionKey.reveal();
  if (key.length !== 16) throw new DecodeError('ERR_BAD_LENGTH', 'UserSessionKey must be 16 bytes', { field: 'userSessionKey' });
  n.filetime(dateToFiletime(v.logonTime, 0n));
  n.filetime(dateToFiletime(v.logoffTime, FILETIME_NEVER));
  n.filetime(dateToFiletime(v.kickOffTime, FILETIME_NEVER));
  n.filetime(dateToFiletime(v.passwordLastSet, 0n));
  n.filetime(dateToFiletime(v.passwordCanChange, 0n));
  n.filetime(dateToFiletime(v.passwordMustChange, FILETIME_NEVER));
  writeUnicodeString(n, v.effectiveName);
  writeUnicodeString(n, v.fullName);
  writeUnicodeString(n, v.logonScript);
  writeUnicodeString(n, v.profilePath);
  writeUnicodeString(n, v.homeDirectory);
  writeUnicodeString(n, v.homeDirectoryDrive);
  n.u16(v.logonCount);
  n.u16(v.badPasswordCount);
  n.u32(v.userId);
  n.u32(v.primaryGroupId);
  n.u32(v.groupIds.length);
  writeGroupArray(n, v.groupIds);
  n.u32(v.userFlags);
  n.bytes(key);
  writeUnicodeString(n, v.logonServer, true);
  writeUnicodeString(n, v.logonDomainName, true);
  writeSidPointer(n, v.logonDomainId);
  n.u32(0);
  n.u32(0);
  n.u32(v.userAccountControl);
  n.u32(v.subAuthStatus);
  n.filetime(dateToFiletime(v.lastSuccessfulILogon, 0n));
  n.filetime(dateToFiletime(v.lastFailedILogon, 0n));
  n.u32(v.failedILogonCount);
  n.u32(0);
  n.u32(v.extraSids.length);
  writeSidAndAttributesArray(n, v.extraSids);
  writeSidPointer(n, v.resourceGroupDomainSid);
  n.u32(v.resourceGroupIds.length);
  writeGroupArray(n, v.resourceGroupIds);
}

/** Decodes a Logon Information buffer (type-serialized NDR, MS-PAC §2.5). `base` = its offset in the PAC. */
export function decodeKerbValidationInfo(bytes: Uint8Array, base = 0): KerbValidationInfo {
  return decodeNdrTopLevel(bytes, base, 'KERB_VALIDATION_INFO', readKerbValidationInfo);
}

export function encodeKerbValidationInfo(v: KerbValidationInfo): Uint8Array {
  return encodeNdrTopLevel(v, writeKerbValidationInfo);
}

/** The SIDs a Windows token built from this PAC would hold (MS-PAC §3.3.5.2 / MS-KILE §3.4.5.3 order). */
export interface PacSids {
  userSid: string | null;
  primaryGroupSid: string | null;
  /** GroupIds as full SIDs (LogonDomainId + RID), in PAC order. */
  groupSids: string[];
  extraSids: string[];
  /** ResourceGroupIds as full SIDs (ResourceGroupDomainSid + RID). */
  resourceGroupSids: string[];
}

/** Convenience: full SIDs from the domain SID + RID pairs. */
export function pacSids(v: KerbValidationInfo): PacSids {
  const d = v.logonDomainId;
  const rd = v.resourceGroupDomainSid;
  return {
    userSid: d ? sidWithRid(d, v.userId) : null,
    primaryGroupSid: d ? sidWithRid(d, v.primaryGroupId) : null,
    groupSids: d ? v.groupIds.map((g) => sidWithRid(d, g.relativeId)) : [],
    extraSids: v.extraSids.map((s) => s.sid),
    resourceGroupSids: rd ? v.resourceGroupIds.map((g) => sidWithRid(rd, g.relativeId)) : [],
  };
}

// ---------------------------------------------------------------------------------------------------------

/** MS-PAC §2.12.1 DOMAIN_GROUP_MEMBERSHIP. */
export interface DomainGroupMembership {
  domainId: string | null;
  groupIds: GroupMembership[];
}

/**
 * MS-PAC §2.12 PAC_DEVICE_INFO (ulType 14, compound identity / FAST armor device):
 *
 *     typedef struct _PAC_DEVICE_INFO {
 *       ULONG UserId; ULONG PrimaryGroupId; PISID AccountDomainId;
 *       ULONG AccountGroupCount; [size_is(AccountGroupCount)] PGROUP_MEMBERSHIP AccountGroupIds;
 *       ULONG SidCount; [size_is(SidCount)] PKERB_SID_AND_ATTRIBUTES ExtraSids;
 *       ULONG DomainGroupCount; [size_is(DomainGroupCount)] PDOMAIN_GROUP_MEMBERSHIP DomainGroup;
 *     } PAC_DEVICE_INFO;
 */
export interface PacDeviceInfo {
  userId: number;
  primaryGroupId: number;
  accountDomainId: string | null;
  accountGroupIds: GroupMembership[];
  extraSids: KerbSidAndAttributes[];
  domainGroup: DomainGroupMembership[];
}

export function readPacDeviceInfo(n: NdrReader): PacDeviceInfo {
  const f = 'PAC_DEVICE_INFO';
  const v: PacDeviceInfo = { userId: 0, primaryGroupId: 0, accountDomainId: null, accountGroupIds: [], extraSids: [], domainGroup: [] };
  v.userId = n.u32(`${f}.UserId`);
  v.primaryGroupId = n.u32(`${f}.PrimaryGroupId`);
  readSidPointer(n, `${f}.AccountDomainId`, (s) => {
    v.accountDomainId = s;
  });
  const groupCount = n.u32(`${f}.AccountGroupCount`);
  readGroupArray(n, groupCount, `${f}.AccountGroupIds`, (g) => {
    v.accountGroupIds = g;
  });
  const sidCount = n.u32(`${f}.SidCount`);
  readSidAndAttributesArray(n, sidCount, `${f}.ExtraSids`, (s) => {
    v.extraSids = s;
  });
  const domainGroupCount = n.u32(`${f}.DomainGroupCount`);
  readConformantArray(
    n,
    domainGroupCount,
    `${f}.DomainGroup`,
    12,
    () => {
      const d: DomainGroupMembership = { domainId: null, groupIds: [] };
      readSidPointer(n, `${f}.DomainGroup.DomainId`, (s) => {
        d.domainId = s;
      });
      const c = n.u32(`${f}.DomainGroup.GroupCount`);
      readGroupArray(n, c, `${f}.DomainGroup.GroupIds`, (g) => {
        d.groupIds = g;
      });
      return d;
    },
    (groups) => {
      v.domainGroup = groups;
    },
  );
  return v;
}

export function writePacDeviceInfo(n: NdrWriter, v: PacDeviceInfo): void {
  n.u32(v.userId);
  n.u32(v.primaryGroupId);
  writeSidPointer(n, v.accountDomainId);
  n.u32(v.accountGroupIds.length);
  writeGroupArray(n, v.accountGroupIds);
  n.u32(v.extraSids.length);
  writeSidAndAttributesArray(n, v.extraSids);
  n.u32(v.domainGroup.length);
  writeConformantArray(n, v.domainGroup, (d) => {
    writeSidPointer(n, d.domainId);
    n.u32(d.groupIds.length);
    writeGroupArray(n, d.groupIds);
  });
}

export function decodePacDeviceInfo(bytes: Uint8Array, base = 0): PacDeviceInfo {
  return decodeNdrTopLevel(bytes, base, 'PAC_DEVICE_INFO', readPacDeviceInfo);
}

export function encodePacDeviceInfo(v: PacDeviceInfo): Uint8Array {
  return encodeNdrTopLevel(v, writePacDeviceInfo);
}

// ---------------------------------------------------------------------------------------------------------

/**
 * MS-PAC §2.9 S4U_DELEGATION_INFO (ulType 11, constrained delegation):
 *
 *     typedef struct _S4U_DELEGATION_INFO {
 *       RPC_UNICODE_STRING S4U2proxyTarget;
 *       ULONG TransitedListSize;
 *       [size_is(TransitedListSize)] PRPC_UNICODE_STRING S4UTransitedServices;
 *     } S4U_DELEGATION_INFO;
 */
export interface S4uDelegationInfo {
  s4u2proxyTarget: string;
  s4uTransitedServices: string[];
}

export function readS4uDelegationInfo(n: NdrReader): S4uDelegationInfo {
  const f = 'S4U_DELEGATION_INFO';
  const v: S4uDelegationInfo = { s4u2proxyTarget: '', s4uTransitedServices: [] };
  readUnicodeString(n, `${f}.S4U2proxyTarget`, (s) => {
    v.s4u2proxyTarget = s;
  });
  const count = n.u32(`${f}.TransitedListSize`);
  readConformantArray<string>(
    n,
    count,
    `${f}.S4UTransitedServices`,
    8,
    (i, out) => {
      readUnicodeString(n, `${f}.S4UTransitedServices`, (s) => {
        out[i] = s; // the string's referent comes after the array
      });
      return '';
    },
    (items) => {
      v.s4uTransitedServices = items;
    },
  );
  return v;
}

export function writeS4uDelegationInfo(n: NdrWriter, v: S4uDelegationInfo): void {
  writeUnicodeString(n, v.s4u2proxyTarget);
  n.u32(v.s4uTransitedServices.length);
  writeConformantArray(n, v.s4uTransitedServices, (s) => writeUnicodeString(n, s));
}

export function decodeS4uDelegationInfo(bytes: Uint8Array, base = 0): S4uDelegationInfo {
  return decodeNdrTopLevel(bytes, base, 'S4U_DELEGATION_INFO', readS4uDelegationInfo);
}

export function encodeS4uDelegationInfo(v: S4uDelegationInfo): Uint8Array {
  return encodeNdrTopLevel(v, writeS4uDelegationInfo);
}
