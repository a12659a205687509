/**
 * CLDAP netlogon ping (MS-ADTS §6.3.3): an LDAP SearchRequest (RFC 4511 §4.5.1) over UDP 389 with an empty base,
 * filter (&(DnsDomain=D)(NtVer=\06\00\00\00)) and the attribute Netlogon; the DC answers with a SearchResultEntry
 * whose Netlogon value is a NETLOGON_SAM_LOGON_RESPONSE_EX (MS-ADTS §6.3.1.9). Pure codec, no I/O.
 *
 * ```text
 * NETLOGON_SAM_LOGON_RESPONSE_EX (little-endian)
 *   Opcode u16 (23 = LOGON_SAM_LOGON_RESPONSE_EX, 25 = ..._USER_UNKNOWN_EX)   Sbz u16   Flags u32 (DS_FLAG, §6.3.1.2)
 *   DomainGuid 16   DnsForestName  DnsDomainName  DnsHostName  NetbiosDomainName  NetbiosComputerName  UserName
 *   DcSiteName  ClientSiteName   (RFC 1035 §4.1.4 compressed names, pointers relative to the structure)
 *   [DcSockAddrSize u8 + DcSockAddr]  NextClosestSiteName (NtVer 0x2)   NtVersion u32  LmNtToken u16  Lm20Token u16
 * ```
 */
import { childrenOf, decodeTlv, encodeBool, encodeInt, encodeOctets, encodeTlv, intFrom, TagClass } from '../../wire/der.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';

const ctx = (tag: number, constructed: boolean, v: Uint8Array) => encodeTlv(TagClass.CONTEXT, constructed, tag, v);
const seq = (...parts: Uint8Array[]) => encodeTlv(TagClass.UNIVERSAL, true, 16, cat(parts));
const octets = (s: string | Uint8Array) => encodeOctets(typeof s === 'string' ? new TextEncoder().encode(s) : s);
const enumerated = (n: number) => encodeTlv(TagClass.UNIVERSAL, false, 10, Uint8Array.of(n));

function cat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** DS_FLAG bits (MS-ADTS §6.3.1.2). */
export const DsFlag = {
  PDC: 0x1,
  GC: 0x4,
  LDAP: 0x8,
  DS: 0x10,
  KDC: 0x20,
  TIMESERV: 0x40,
  CLOSEST: 0x80,
  WRITABLE: 0x100,
  GOOD_TIMESERV: 0x200,
  NDNC: 0x400,
  SELECT_SECRET_DOMAIN_6: 0x800,
  FULL_SECRET_DOMAIN_6: 0x1000,
  WS: 0x2000,
  DS_8: 0x4000,
  DS_9: 0x8000,
  DS_10: 0x10000,
  DNS_CONTROLLER: 0x20000000,
  DNS_DOMAIN: 0x40000000,
  DNS_FOREST: 0x80000000,
} as const;

export function dsFlagNames(flags: number): string[] {
  return Object.entries(DsFlag)
    .filter(([, v]) => (flags & v) >>> 0 === v)
    .map(([k]) => k);
}

/** The LDAP message of a netlogon ping (NtVer 6 = V5 | V5EX, as Samba's `net ads lookup` sends). */
export function encodeNetlogonPing(messageId: number, dnsDomain: string, ntVer = 0x00000006): Uint8Array {
  const ntv = Uint8Array.of(ntVer & 0xff, (ntVer >>> 8) & 0xff, (ntVer >>> 16) & 0xff, ntVer >>> 24);
  const filter = ctx(
    0,
    true,
    cat([ctx(3, true, cat([octets('DnsDomain'), octets(dnsDomain)])), ctx(3, true, cat([octets('NtVer'), octets(ntv)]))]),
  );
  const search = encodeTlv(
    TagClass.APPLICATION,
    true,
    3,
    cat([octets(''), enumerated(0), enumerated(0), encodeInt(0), encodeInt(0), encodeBool(false), filter, seq(octets('Netlogon'))]),
  );
  return seq(encodeInt(messageId), search);
}

export interface NetlogonSamLogonResponseEx {
  opcode: number;
  flags: number;
  flagNames: string[];
  domainGuid: Uint8Array;
  dnsForestName: string;
  dnsDomainName: string;
  dnsHostName: string;
  netbiosDomainName: string;
  netbiosComputerName: string;
  userName: string;
  dcSiteName: string;
  clientSiteName: string;
}

function readName(b: Uint8Array, r: ByteReader, field: string): string {
  const labels: string[] = [];
  let pos = r.offset;
  let jumped = false;
  for (let hops = 0; hops < 64; hops++) {
    const len = b[pos];
    if (len === undefined) throw new DecodeError('ERR_TRUNCATED', `${field}: name runs past the end`, { field, offset: pos });
    if (len === 0) {
      if (!jumped) r.skip(pos + 1 - r.offset);
      return labels.join('.');
    }
    if ((len & 0xc0) === 0xc0) {
      const ptr = ((len & 0x3f) << 8) | (b[pos + 1] ?? 0);
      if (!jumped) r.skip(pos + 2 - r.offset);
      jumped = true;
      if (ptr >= b.length) throw new DecodeError('ERR_BAD_VALUE', `${field}: pointer ${ptr} outside the structure`, { field, offset: pos });
      pos = ptr;
      continue;
    }
    if (pos + 1 + len > b.length) throw new DecodeError('ERR_TRUNCATED', `${field}: label runs past the end`, { field, offset: pos });
    labels.push(new TextDecoder().decode(b.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
  throw new DecodeError('ERR_BAD_VALUE', `${field}: name compression loop`, { field, offset: pos });
}

/** MS-ADTS §6.3.1.9. Throws DecodeError on malformed input. */
export function decodeNetlogonSamLogonResponseEx(b: Uint8Array): NetlogonSamLogonResponseEx {
  const r = new ByteReader(b);
  const opcode = r.u16le('Opcode');
  r.u16le('Sbz');
  const flags = r.u32le('Flags') >>> 0;
  const domainGuid = r.copy(16, 'DomainGuid');
  r.check();
  if (opcode !== 23 && opcode !== 25)
    throw new DecodeError('ERR_BAD_VALUE', `Opcode ${opcode} is not LOGON_SAM_LOGON_RESPONSE_EX (23/25)`, { field: 'Opcode', offset: 0 });
  const n = (f: string) => readName(b, r, f);
  return {
    opcode,
    flags,
    flagNames: dsFlagNames(flags),
    domainGuid,
    dnsForestName: n('DnsForestName'),
    dnsDomainName: n('DnsDomainName'),
    dnsHostName: n('DnsHostName'),
    netbiosDomainName: n('NetbiosDomainName'),
    netbiosComputerName: n('NetbiosComputerName'),
    userName: n('UserName'),
    dcSiteName: n('DcSiteName'),
    clientSiteName: n('ClientSiteName'),
  };
}

/** The Netlogon attribute value of a CLDAP SearchResultEntry (RFC 4511 §4.5.2), or undefined when there is none. */
export function netlogonFromLdap(msg: Uint8Array): Uint8Array | undefined {
  const m = decodeTlv(msg, 'LDAPMessage', 0, true);
  const [id, op] = childrenOf(m, 'LDAPMessage');
  if (!id || !op) throw new DecodeError('ERR_BAD_VALUE', 'LDAPMessage without messageID/protocolOp', { field: 'LDAPMessage', offset: 0 });
  intFrom(id, 'messageID');
  if (op.cls !== TagClass.APPLICATION || op.tag !== 4) return undefined; // SearchResultDone or another op: no entry
  const [, attrs] = childrenOf(op, 'SearchResultEntry');
  if (!attrs) return undefined;
  for (const a of childrenOf(attrs, 'attributes')) {
    const [type, vals] = childrenOf(a, 'PartialAttribute');
    if (!type || !vals) continue;
    if (new TextDecoder().decode(type.value).toLowerCase() !== 'netlogon') continue;
    const first = childrenOf(vals, 'vals')[0];
    return first?.value;
  }
  return undefined;
}

// ---- the DC's side (the embedded lab's CLDAP responder) -------------------------------------------------------

/** What a netlogon ping asks (MS-ADTS §6.3.3.2): the equality terms of its filter, by attribute name. */
export interface NetlogonPing {
  messageId: number;
  dnsDomain?: string;
  /** NtVer, little-endian u32 (NETLOGON_NT_VERSION_* bits, §6.3.1.1) */
  ntVer?: number;
  host?: string;
  user?: string;
  /** the requested attributes (a ping asks for Netlogon) */
  attributes: string[];
}

/** Decodes a CLDAP SearchRequest (RFC 4511 §4.5.1) as a netlogon ping. Throws DecodeError on malformed input. */
export function decodeNetlogonPing(msg: Uint8Array): NetlogonPing {
  const m = decodeTlv(msg, 'LDAPMessage', 0, true);
  const [id, op] = childrenOf(m, 'LDAPMessage');
  if (!id || !op) throw new DecodeError('ERR_BAD_VALUE', 'LDAPMessage without messageID/protocolOp', { field: 'LDAPMessage', offset: 0 });
  const messageId = intFrom(id, 'messageID');
  if (op.cls !== TagClass.APPLICATION || op.tag !== 3)
    throw new DecodeError('ERR_BAD_VALUE', `protocolOp [APPLICATION ${op.tag}] is not a SearchRequest`, {
      field: 'protocolOp',
      offset: op.offset,
    });
  const parts = childrenOf(op, 'SearchRequest');
  const filter = parts[6];
  const attrs = parts[7];
  if (!filter || !attrs)
    throw new DecodeError('ERR_TRUNCATED', 'SearchRequest without filter/attributes', { field: 'SearchRequest', offset: op.offset });
  const terms = new Map<string, Uint8Array>();
  const walk = (f: typeof filter, depth: number): void => {
    if (depth > 8 || f.cls !== TagClass.CONTEXT) return;
    // and [0], or [1], not [2] hold filters; equalityMatch [3] is an AttributeValueAssertion
    if (f.tag <= 2 && f.constructed) for (const c of childrenOf(f, 'filter')) walk(c, depth + 1);
    else if (f.tag === 3 && f.constructed) {
      const [k, v] = childrenOf(f, 'equalityMatch');
      if (k && v) terms.set(new TextDecoder().decode(k.value).toLowerCase(), v.value);
    }
  };
  walk(filter, 0);
  const text = (k: string) => {
    const v = terms.get(k);
    return v === undefined ? undefined : new TextDecoder().decode(v);
  };
  const nt = terms.get('ntver');
  return {
    messageId,
    dnsDomain: text('dnsdomain'),
    ntVer: nt && nt.length === 4 ? ((nt[0] ?? 0) | ((nt[1] ?? 0) << 8) | ((nt[2] ?? 0) << 16) | ((nt[3] ?? 0) << 24)) >>> 0 : undefined,
    host: text('host'),
    user: text('user'),
    attributes: childrenOf(attrs, 'attributes').map((a) => new TextDecoder().decode(a.value)),
  };
}

/** A dotted name as RFC 1035 labels (uncompressed; compression is optional for the sender). */
function encodeName(name: string): Uint8Array {
  const labels = name.split('.').filter(Boolean);
  const parts = labels.map((l) => {
    const b = new TextEncoder().encode(l);
    if (b.length > 63) throw new RangeError(`label longer than 63 bytes: ${l}`);
    return cat([Uint8Array.of(b.length), b]);
  });
  return cat([...parts, Uint8Array.of(0)]);
}

/**
 * NETLOGON_SAM_LOGON_RESPONSE_EX (MS-ADTS §6.3.1.9) for NtVer without 5EX_WITH_IP / WITH_CLOSEST_SITE: no
 * DcSockAddr, no NextClosestSiteName; NtVersion 1|4 (V1 | V5EX), LmNtToken and Lm20Token 0xFFFF.
 */
export function encodeNetlogonSamLogonResponseEx(r: Omit<NetlogonSamLogonResponseEx, 'flagNames'>): Uint8Array {
  const head = new Uint8Array(24);
  const v = new DataView(head.buffer);
  v.setUint16(0, r.opcode, true);
  v.setUint32(4, r.flags >>> 0, true);
  head.set(r.domainGuid.subarray(0, 16), 8);
  const names = [
    r.dnsForestName,
    r.dnsDomainName,
    r.dnsHostName,
    r.netbiosDomainName,
    r.netbiosComputerName,
    r.userName,
    r.dcSiteName,
    r.clientSiteName,
  ].map(encodeName);
  const tail = new Uint8Array(8);
  const t = new DataView(tail.buffer);
  t.setUint32(0, 0x00000005, true);
  t.setUint16(4, 0xffff, true);
  t.setUint16(6, 0xffff, true);
  return cat([head, ...names, tail]);
}

/** The DC's CLDAP answer: a SearchResultEntry with the Netlogon value, then SearchResultDone (RFC 4511 §4.5.2). */
export function encodeCldapNetlogonReply(messageId: number, netlogon: Uint8Array): Uint8Array {
  const entry = encodeTlv(
    TagClass.APPLICATION,
    true,
    4,
    cat([octets(''), seq(seq(octets('Netlogon'), encodeTlv(TagClass.UNIVERSAL, true, 17, octets(netlogon))))]),
  );
  const done = encodeTlv(TagClass.APPLICATION, true, 5, cat([enumerated(0), octets(''), octets('')]));
  return cat([seq(encodeInt(messageId), entry), seq(encodeInt(messageId), done)]);
}
