/**
 * Where authentication tokens ride inside other protocols: LDAP SASL binds and CLDAP netlogon pings, SMB2
 * SESSION_SETUP security blobs, DCE/RPC auth verifiers. Pure decoders returning the token bytes and the little
 * context troubleshooting needs; anything else in those protocols is skipped by the framers.
 */
import { DecodeError } from '../wire/errors.js';
import type { FrameDecision } from './framer.js';

// ---- BER (X.690 §8.1) just deep enough for LDAP -------------------------------------------------------------

interface Tlv {
  tag: number;
  start: number;
  vstart: number;
  end: number;
}

function tlv(b: Uint8Array, o: number, limit = b.length): Tlv {
  if (o + 2 > limit) throw new DecodeError('ERR_TRUNCATED', 'BER element cut short', { field: 'tlv', offset: o });
  const tag = b[o] as number;
  if ((tag & 0x1f) === 0x1f) throw new DecodeError('ERR_UNSUPPORTED', 'multi-byte BER tag', { field: 'tag', offset: o });
  let len = b[o + 1] as number;
  let p = o + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DecodeError('ERR_BAD_LENGTH', 'unsupported BER length form', { field: 'length', offset: o + 1 });
    if (p + n > limit) throw new DecodeError('ERR_TRUNCATED', 'BER length cut short', { field: 'length', offset: p });
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[p + i] as number);
    p += n;
  }
  if (p + len > limit)
    throw new DecodeError('ERR_TRUNCATED', 'BER value runs past its container', {
      field: 'value',
      offset: p,
      needed: len,
      left: limit - p,
    });
  return { tag, start: o, vstart: p, end: p + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = t.vstart;
  while (p < t.end && out.length < 4096) {
    const c = tlv(b, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

const str = (b: Uint8Array, t: Tlv) => new TextDecoder().decode(b.subarray(t.vstart, t.end));
const int = (b: Uint8Array, t: Tlv) => {
  let v = 0;
  for (let i = t.vstart; i < t.end && i < t.vstart + 4; i++) v = v * 256 + (b[i] as number);
  return v;
};

/** LDAP over TCP is a stream of BER LDAPMessages (RFC 4511 §5.1); after a SASL layer is installed, of 4-byte-length buffers. */
export function ldapFrame(h: Uint8Array): FrameDecision {
  if (h.length < 2) return { more: 2 };
  if (h[0] === 0x30) {
    const l = h[1] as number;
    if (!(l & 0x80)) return { total: 2 + l, keep: true };
    const n = l & 0x7f;
    if (n === 0 || n > 4) return { bad: 'LDAP message with an unsupported length form' };
    if (h.length < 2 + n) return { more: 2 + n };
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (h[2 + i] as number);
    return { total: 2 + n + len, keep: len < 1 << 20 };
  }
  // RFC 4752 §3.3 / RFC 4422: a SASL security layer buffer (sign/seal): length-prefixed, not read
  if (h.length < 4) return { more: 4 };
  const len = (((h[0] as number) << 24) | ((h[1] as number) << 16) | ((h[2] as number) << 8) | (h[3] as number)) >>> 0;
  if (len === 0 || len > 16 << 20) return { bad: 'neither an LDAP message nor a SASL buffer' };
  return { total: 4 + len, keep: false };
}

export type LdapOp =
  | { op: 'bind-request'; messageId: number; name: string; mechanism: string; credentials?: Uint8Array }
  | { op: 'bind-response'; messageId: number; resultCode: number; diagnostic: string; serverSaslCreds?: Uint8Array }
  | { op: 'search-request'; messageId: number; base: string; filterText: string; attributes: string[] }
  | { op: 'search-entry'; messageId: number; dn: string; attributes: Record<string, Uint8Array[]> }
  | { op: 'search-done'; messageId: number; resultCode: number }
  | { op: 'other'; messageId: number; tag: number };

/**
 *   LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp CHOICE { bindRequest [APPLICATION 0], bindResponse
 *     [APPLICATION 1], searchRequest [APPLICATION 3], searchResEntry [APPLICATION 4], searchResDone [APPLICATION 5] ... } }
 *   BindRequest ::= [APPLICATION 0] SEQUENCE { version INTEGER, name LDAPDN, authentication CHOICE { simple [0],
 *     sasl [3] SaslCredentials { mechanism LDAPString, credentials OCTET STRING OPTIONAL },
 *     sicilyNegotiate [10], sicilyResponse [11] (MS-ADTS 5.1.1.1.3: NTLM without SASL) } }
 *   BindResponse ::= [APPLICATION 1] SEQUENCE { COMPONENTS OF LDAPResult, serverSaslCreds [7] OCTET STRING OPTIONAL }
 */
export function decodeLdapMessage(b: Uint8Array): LdapOp {
  const m = tlv(b, 0);
  if (m.tag !== 0x30) throw new DecodeError('ERR_BAD_TAG', 'LDAPMessage is not a SEQUENCE', { field: 'LDAPMessage', offset: 0 });
  const [idT, opT] = children(b, m);
  if (!idT || !opT) throw new DecodeError('ERR_TRUNCATED', 'LDAPMessage without an operation', { field: 'protocolOp', offset: m.vstart });
  const messageId = int(b, idT);
  const f = () => children(b, opT);
  switch (opT.tag) {
    case 0x60: {
      const [, name, auth] = f();
      if (!name || !auth) throw new DecodeError('ERR_TRUNCATED', 'bindRequest cut short', { field: 'bindRequest', offset: opT.vstart });
      if (auth.tag === 0xa3) {
        const [mech, cred] = children(b, auth);
        return {
          op: 'bind-request',
          messageId,
          name: str(b, name),
          mechanism: mech ? str(b, mech) : '',
          ...(cred ? { credentials: b.subarray(cred.vstart, cred.end) } : {}),
        };
      }
      if (auth.tag === 0x8a || auth.tag === 0x8b || auth.tag === 0x89)
        return {
          op: 'bind-request',
          messageId,
          name: str(b, name),
          mechanism: 'NTLM (sicily)',
          credentials: b.subarray(auth.vstart, auth.end),
        };
      return { op: 'bind-request', messageId, name: str(b, name), mechanism: auth.tag === 0x80 ? 'simple' : `0x${auth.tag.toString(16)}` };
    }
    case 0x61: {
      const parts = f();
      const rc = parts[0] ? int(b, parts[0]) : -1;
      const diag = parts[2] ? str(b, parts[2]) : '';
      const creds = parts.find((p) => p.tag === 0x87);
      // MS-ADTS sicily: the NTLM challenge comes back in matchedDN
      const sicily = parts[1] && b[parts[1].vstart] === 0x4e && b[parts[1].vstart + 1] === 0x54 ? parts[1] : undefined;
      const c = creds ?? sicily;
      return {
        op: 'bind-response',
        messageId,
        resultCode: rc,
        diagnostic: diag,
        ...(c ? { serverSaslCreds: b.subarray(c.vstart, c.end) } : {}),
      };
    }
    case 0x63: {
      const parts = f();
      const attrs = parts[7] ? children(b, parts[7]).map((a) => str(b, a)) : [];
      return {
        op: 'search-request',
        messageId,
        base: parts[0] ? str(b, parts[0]) : '',
        filterText: parts[6] ? filterText(b, parts[6]) : '',
        attributes: attrs,
      };
    }
    case 0x64: {
      const [dn, attrsT] = f();
      const attributes: Record<string, Uint8Array[]> = {};
      if (attrsT)
        for (const a of children(b, attrsT)) {
          const [t, vals] = children(b, a);
          if (!t) continue;
          attributes[str(b, t)] = vals ? children(b, vals).map((v) => b.subarray(v.vstart, v.end)) : [];
        }
      return { op: 'search-entry', messageId, dn: dn ? str(b, dn) : '', attributes };
    }
    case 0x65: {
      const [rc] = f();
      return { op: 'search-done', messageId, resultCode: rc ? int(b, rc) : -1 };
    }
    default:
      return { op: 'other', messageId, tag: opT.tag };
  }
}

/** RFC 4515 text of the equality/and/or/present parts of a filter (enough to read a netlogon ping). */
function filterText(b: Uint8Array, t: Tlv, depth = 0): string {
  if (depth > 8) return '…';
  switch (t.tag) {
    case 0xa0:
    case 0xa1:
      return `(${t.tag === 0xa0 ? '&' : '|'}${children(b, t)
        .map((c) => filterText(b, c, depth + 1))
        .join('')})`;
    case 0xa3: {
      const [a, v] = children(b, t);
      if (!a || !v) return '';
      const val = b.subarray(v.vstart, v.end);
      const printable = val.every((x) => x >= 0x20 && x < 0x7f);
      return `(${str(b, a)}=${printable ? str(b, v) : [...val].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('')})`;
    }
    case 0x87:
      return `(${str(b, t)}=*)`;
    default:
      return '';
  }
}

/** MS-ADTS 6.3.1.9 NETLOGON_SAM_LOGON_RESPONSE_EX (opcode 23): flags and the compressed names. */
export interface NetlogonResponse {
  opcode: number;
  flags: number;
  forest?: string;
  domain?: string;
  dcName?: string;
  netbiosDomain?: string;
  netbiosName?: string;
  user?: string;
  dcSite?: string;
  clientSite?: string;
}

export function decodeNetlogonResponse(b: Uint8Array): NetlogonResponse {
  if (b.length < 24)
    throw new DecodeError('ERR_TRUNCATED', 'netlogon response shorter than its fixed part', {
      field: 'NETLOGON_SAM_LOGON_RESPONSE_EX',
      offset: 0,
    });
  const opcode = (b[0] as number) | ((b[1] as number) << 8);
  const r: NetlogonResponse = {
    opcode,
    flags: ((b[4] as number) | ((b[5] as number) << 8) | ((b[6] as number) << 16) | ((b[7] as number) << 24)) >>> 0,
  };
  if (opcode !== 23 && opcode !== 25) return r;
  let p = 24; // opcode 2, sbz 2, flags 4, DomainGuid 16
  const names: string[] = [];
  for (let i = 0; i < 8 && p < b.length; i++) {
    const [n, q] = dnsName(b, p);
    names.push(n);
    p = q;
  }
  [r.forest, r.domain, r.dcName, r.netbiosDomain, r.netbiosName, r.user, r.dcSite, r.clientSite] = names;
  return r;
}

/** RFC 1035 §4.1.4 compressed name inside the netlogon structure (pointers relative to its start). */
function dnsName(b: Uint8Array, o: number): [string, number] {
  const labels: string[] = [];
  let p = o;
  let end = -1;
  for (let jumps = 0; jumps < 32; ) {
    if (p >= b.length) break;
    const l = b[p] as number;
    if (l === 0) {
      p++;
      break;
    }
    if ((l & 0xc0) === 0xc0) {
      if (end < 0) end = p + 2;
      p = ((l & 0x3f) << 8) | (b[p + 1] ?? 0);
      jumps++;
      continue;
    }
    labels.push(new TextDecoder().decode(b.subarray(p + 1, Math.min(b.length, p + 1 + l))));
    p += 1 + l;
  }
  return [labels.join('.'), end >= 0 ? end : p];
}

// ---- SMB2 (MS-SMB2 §2.2) --------------------------------------------------------------------------------------

/** Direct TCP / NetBIOS session framing (MS-SMB2 §2.1, RFC 1002 §4.3.1): 0x00 · 24-bit length. SESSION_SETUPs are kept. */
export function smbFrame(h: Uint8Array): FrameDecision {
  if (h.length < 4) return { more: 4 };
  const type = h[0] as number;
  const len = ((h[1] as number) << 16) | ((h[2] as number) << 8) | (h[3] as number);
  if (type !== 0x00) {
    // NetBIOS keep-alive (0x85) and session request/response: no SMB inside
    if (type === 0x85 || type === 0x81 || type === 0x82 || type === 0x83) return { total: 4 + len, keep: false };
    return { bad: 'not a NetBIOS session message' };
  }
  if (h.length < 4 + 16) return { more: 20 };
  const smb2 = h[4] === 0xfe && h[5] === 0x53 && h[6] === 0x4d && h[7] === 0x42;
  const smb1 = h[4] === 0xff && h[5] === 0x53 && h[6] === 0x4d && h[7] === 0x42;
  const enc = h[4] === 0xfd && h[5] === 0x53;
  if (!smb2 && !smb1 && !enc) return { bad: 'not an SMB message' };
  const command = smb2 ? (h[16] as number) | ((h[17] as number) << 8) : smb1 ? (h[8] as number) : -1;
  // SMB2 NEGOTIATE (0) and SESSION_SETUP (1); SMB1 NEGOTIATE (0x72) and SESSION_SETUP_ANDX (0x73)
  const keep = smb2 ? command === 1 || command === 0 : smb1 ? command === 0x73 || command === 0x72 : false;
  return { total: 4 + len, keep };
}

export interface SmbSecurityBlob {
  dialect: 'smb2' | 'smb1';
  command: number;
  response: boolean;
  status: number;
  sessionId?: bigint;
  blob: Uint8Array;
}

/** The security buffers of SESSION_SETUP (and NEGOTIATE) messages in one NetBIOS record (compound chains followed). */
export function smbSecurityBlobs(rec: Uint8Array): SmbSecurityBlob[] {
  const out: SmbSecurityBlob[] = [];
  const m = rec.subarray(4);
  const dv = new DataView(m.buffer, m.byteOffset, m.byteLength);
  if (m[0] === 0xfe) {
    let o = 0;
    for (let i = 0; i < 16 && o + 64 <= m.length; i++) {
      const status = dv.getUint32(o + 8, true);
      const command = dv.getUint16(o + 12, true);
      const flags = dv.getUint32(o + 16, true);
      const next = dv.getUint32(o + 20, true);
      const response = (flags & 1) === 1;
      const sessionId = dv.getBigUint64(o + 40, true);
      const body = o + 64;
      let off = 0;
      let len = 0;
      if (command === 1 && !response && body + 16 <= m.length) {
        off = dv.getUint16(body + 12, true);
        len = dv.getUint16(body + 14, true);
      } else if (command === 1 && response && body + 8 <= m.length) {
        off = dv.getUint16(body + 4, true);
        len = dv.getUint16(body + 6, true);
      } else if (command === 0 && response && body + 64 <= m.length) {
        off = dv.getUint16(body + 56, true);
        len = dv.getUint16(body + 58, true);
      }
      if (len && o + off + len <= m.length)
        out.push({ dialect: 'smb2', command, response, status, sessionId, blob: m.subarray(o + off, o + off + len) });
      else if (command === 1) out.push({ dialect: 'smb2', command, response, status, sessionId, blob: new Uint8Array(0) });
      if (!next) break;
      o += next;
    }
    return out;
  }
  if (m[0] === 0xff && m.length >= 33) {
    // SMB1 (MS-CIFS §2.2.4.53 / MS-SMB §2.2.4.6): extended-security SESSION_SETUP_ANDX, word count 12 (request) / 4 (response)
    const command = m[4] as number;
    const status = dv.getUint32(5, true);
    const flags = m[9] as number;
    const response = (flags & 0x80) !== 0;
    const wc = m[32] as number;
    const words = 33;
    const bytesOff = words + wc * 2 + 2;
    if (command === 0x73) {
      let len = 0;
      if (!response && wc === 12) len = dv.getUint16(words + 14, true);
      else if (response && wc === 4) len = dv.getUint16(words + 6, true);
      if (len && bytesOff + len <= m.length)
        out.push({ dialect: 'smb1', command, response, status, blob: m.subarray(bytesOff, bytesOff + len) });
    } else if (command === 0x72 && response && wc === 17) {
      const byteCount = dv.getUint16(words + 34, true);
      // extended security: 16-byte ServerGUID then the SPNEGO blob
      if (byteCount > 16 && bytesOff + byteCount <= m.length)
        out.push({ dialect: 'smb1', command, response, status, blob: m.subarray(bytesOff + 16, bytesOff + byteCount) });
    }
  }
  return out;
}

// ---- DCE/RPC connection-oriented PDUs (C706 §12.6, MS-RPCE §2.2.2.11) --------------------------------------------

/** Common header: rpc_vers 5 · minor · ptype · flags · drep[4] · frag_length u16 · auth_length u16 · call_id u32. */
export function dcerpcFrame(h: Uint8Array): FrameDecision {
  if (h.length < 10) return { more: 10 };
  if (h[0] !== 5 || (h[1] !== 0 && h[1] !== 1)) return { bad: 'not a DCE/RPC PDU' };
  const le = ((h[4] as number) & 0x10) !== 0;
  const flen = le ? (h[8] as number) | ((h[9] as number) << 8) : ((h[8] as number) << 8) | (h[9] as number);
  if (flen < 16) return { bad: 'DCE/RPC fragment shorter than its header' };
  const ptype = h[2] as number;
  // bind 11, bind_ack 12, bind_nak 13, alter_context 14, alter_context_resp 15, auth3 16 carry the authentication tokens
  return { total: flen, keep: ptype >= 11 && ptype <= 16 };
}

export interface DcerpcAuth {
  ptype: number;
  /** 9 SPNEGO, 10 NTLMSSP, 16 Kerberos, 68 Netlogon secure channel */
  authType: number;
  authLevel: number;
  token: Uint8Array;
}

export function dcerpcAuth(pdu: Uint8Array): DcerpcAuth | undefined {
  if (pdu.length < 16) return undefined;
  const le = ((pdu[4] as number) & 0x10) !== 0;
  const u16 = (o: number) => (le ? (pdu[o] as number) | ((pdu[o + 1] as number) << 8) : ((pdu[o] as number) << 8) | (pdu[o + 1] as number));
  const flen = Math.min(u16(8), pdu.length);
  const alen = u16(10);
  if (!alen || alen + 8 + 16 > flen) return undefined;
  const trailer = flen - alen - 8;
  return {
    ptype: pdu[2] as number,
    authType: pdu[trailer] as number,
    authLevel: pdu[trailer + 1] as number,
    token: pdu.subarray(trailer + 8, flen),
  };
}

/** True when a stream starts like a DCE/RPC bind or alter_context (any port: the endpoint mapper hands out dynamic ones). */
export function looksLikeDcerpc(b: Uint8Array): boolean {
  return b.length >= 16 && b[0] === 5 && b[1] === 0 && (b[2] === 11 || b[2] === 14 || b[2] === 12 || b[2] === 0);
}

/**
 * MS-KILE §2.2.4 / draft-swift-win2k-krb-user2user: KERB-TGT-REQUEST ::= SEQUENCE { pvno [0] INTEGER, msg-type [1]
 * INTEGER (16), server-name [2] PrincipalName OPTIONAL, realm [3] Realm OPTIONAL } — the GSS token a client sends
 * (TOK_ID 04 00) to ask a server for its TGT (user-to-user).
 */
export function decodeTgtRequest(b: Uint8Array): { msgType: number; realm?: string; sname?: string[] } {
  const s = tlv(b, 0);
  if (s.tag !== 0x30) throw new DecodeError('ERR_BAD_TAG', 'KERB-TGT-REQUEST is not a SEQUENCE', { field: 'KERB-TGT-REQUEST', offset: 0 });
  const out: { msgType: number; realm?: string; sname?: string[] } = { msgType: 16 };
  for (const f of children(b, s)) {
    const inner = tlv(b, f.vstart, f.end);
    if (f.tag === 0xa1) out.msgType = int(b, inner);
    else if (f.tag === 0xa3) out.realm = str(b, inner);
    else if (f.tag === 0xa2) {
      const names = children(b, inner).find((x) => x.tag === 0xa1);
      if (names) out.sname = children(b, tlv(b, names.vstart, names.end)).map((x) => str(b, x));
    }
  }
  return out;
}
