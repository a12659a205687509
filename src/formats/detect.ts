/**
 * Content sniffing for `kerbscope decode`: what a blob of bytes (a file, stdin, a paste) most likely is, judged by
 * magic numbers and, where two formats share one (keytab and ccache versions 1 and 2 both start 0x05 0x01/0x02),
 * by which decoder reads it cleanly. Never throws: unknown input is `{ kind: 'unknown' }`.
 *
 * Magic numbers: keytab 0x05 0x01/0x02 (MIT kt_file.c), ccache 0x05 0x01..0x04 (MIT cc_file.c), kirbi = KRB-CRED
 * 0x76 ([APPLICATION 22], RFC 4120 §5.8), other Kerberos messages [APPLICATION 10..15, 30] (RFC 4120 §5.4–5.9.1),
 * GSS-API initial context token 0x60 (RFC 2743 §3.1), SPNEGO NegTokenResp 0xa1 / NegTokenInit 0xa0 (RFC 4178 §4.2),
 * NTLMSSP "NTLMSSP\0" (MS-NLMP §2.2), pcap 0xa1b2c3d4 / 0xa1b23c4d either order, pcapng 0x0a0d0d0a,
 * EVTX "ElfFile\0" (MS-EVEN6 file header). Kerberos per-message tokens: RFC 4121 Wrap 05 04 (which starts like a
 * version-4 ccache: told apart by structure, see perMessage below), MIC 04 04; RFC 1964 / RFC 4757 MIC 01 01 and
 * Wrap 02 01, bare or inside the GSS framing.
 */
import { looksLikeCfxToken } from '../protocol/gss/per-message-shape.js';
import { ApplicationTag } from '../protocol/krb5/constants.js';
import { fromBase64, fromHex } from '../wire/encoding.js';
import { decodeCcache } from './ccache.js';
import { decodeKeytab } from './keytab.js';

export type DetectedKind =
  | 'keytab'
  | 'ccache'
  | 'kirbi'
  | 'krb5' // a raw Kerberos message (detail names it)
  | 'gss-token'
  | 'gss-per-message' // an RFC 4121 MIC / Wrap token or an RFC 1964 / RC4 one (detail: which; framed ones too)
  | 'spnego-init'
  | 'spnego-resp'
  | 'ntlmssp'
  | 'pcap'
  | 'pcapng'
  | 'evtx'
  | 'http-header' // "Authorization: Negotiate ...", "WWW-Authenticate: ...", or a bare "Negotiate <token>"
  | 'base64'
  | 'hex'
  | 'klist-text'
  | 'text'
  | 'unknown';

export interface Detection {
  kind: DetectedKind;
  /** 0..1: 1 = the magic matched and the structure decodes; 0.5 = only the magic matched; lower = a guess. */
  confidence: number;
  /** More about it: the Kerberos message name, the GSS mechanism, the format version, the header scheme. */
  detail?: string;
  /** Where the message starts when it is wrapped (4 for a Kerberos-over-TCP record, RFC 4120 §7.2.2). */
  start?: number;
  /** For text encodings (base64, hex, a header line): what the decoded bytes are. */
  inner?: Detection;
}

/** Kerberos message [APPLICATION n] tags (RFC 4120 §5.10), the top-level ones a file or token can hold. */
const KRB5_APPLICATION: Readonly<Record<number, string>> = Object.fromEntries(
  [1, 10, 11, 12, 13, 14, 15, 20, 21, 22, 30].map((n) => [n, ApplicationTag[n as keyof typeof ApplicationTag]]),
);

const GSS_MECHS: [string, string][] = [
  ['2b0601050502', 'spnego'],
  ['2a864886f712010202', 'krb5'],
  ['2a864882f712010202', 'krb5 (Microsoft legacy OID)'],
  ['2b06010401823702020a', 'ntlmssp'],
  ['2b06010401823702021e', 'negoex'],
  ['2b0601050203', 'krb5 user-to-user'],
];

export function detect(bytes: Uint8Array): Detection {
  try {
    return detectAt(bytes, 0);
  } catch {
    // Contract: never throw. The checks below only read in bounds, so this is a last line of defence.
    return { kind: 'unknown', confidence: 0 };
  }
}

function ascii(b: Uint8Array, start: number, n: number): string {
  let s = '';
  for (let i = start; i < start + n && i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const v of b) s += v.toString(16).padStart(2, '0');
  return s;
}

/** Reads a DER length at `i`; returns [length, header bytes] or undefined. */
function derLength(b: Uint8Array, i: number): [number, number] | undefined {
  const first = b[i];
  if (first === undefined) return undefined;
  if (first < 0x80) return [first, 1];
  const n = first & 0x7f;
  if (n === 0 || n > 4 || i + n >= b.length) return undefined;
  let len = 0;
  for (let k = 1; k <= n; k++) len = len * 256 + (b[i + k] as number);
  return [len, 1 + n];
}

/** True when b is exactly one TLV whose length matches the data (allowing `slack` trailing bytes). */
function wholeTlv(b: Uint8Array, slack = 0): boolean {
  const l = derLength(b, 1);
  if (!l) return false;
  const total = 1 + l[1] + l[0];
  return total <= b.length && b.length - total <= slack;
}

function detectAt(b: Uint8Array, depth: number): Detection {
  if (b.length === 0) return { kind: 'unknown', confidence: 0, detail: 'empty input' };
  const b0 = b[0] as number;
  const b1 = b[1];

  const pm = perMessage(b);
  if (pm) return pm;
  if (b0 === 0x05 && b1 !== undefined && b1 >= 1 && b1 <= 4) return fileFormat(b, b1);

  if (ascii(b, 0, 8) === 'NTLMSSP\0') {
    const t = b.length >= 12 ? (b[8] as number) | ((b[9] as number) << 8) : 0;
    const names: Record<number, string> = { 1: 'NEGOTIATE', 2: 'CHALLENGE', 3: 'AUTHENTICATE' };
    return { kind: 'ntlmssp', confidence: names[t] ? 1 : 0.6, detail: names[t] ?? 'unknown message type' };
  }
  if (ascii(b, 0, 8) === 'ElfFile\0') return { kind: 'evtx', confidence: 1 };
  if (b.length >= 4) {
    const m = hexOf(b.subarray(0, 4));
    if (m === 'a1b2c3d4' || m === 'd4c3b2a1') return { kind: 'pcap', confidence: 1, detail: 'microsecond timestamps' };
    if (m === 'a1b23c4d' || m === '4d3cb2a1') return { kind: 'pcap', confidence: 1, detail: 'nanosecond timestamps' };
    if (m === '0a0d0d0a') return { kind: 'pcapng', confidence: 1 };
  }

  // Kerberos over TCP (RFC 4120 §7.2.2): a 4-byte big-endian length, then the message. Captures and test data
  // (Kerberos.NET's Messages/*) often keep it.
  if (b.length > 6 && b0 === 0 && (((b1 as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) === b.length - 4) {
    const inner = detectAt(b.subarray(4), depth + 1);
    if (inner.kind === 'krb5' || inner.kind === 'kirbi')
      return { ...inner, detail: inner.detail, start: 4, confidence: Math.min(1, inner.confidence) };
  }

  // DER: [APPLICATION n] constructed = 0x60 | n for n < 31
  if ((b0 & 0xe0) === 0x60) {
    const n = b0 & 0x1f;
    if (n === 0) return gssToken(b);
    const name = KRB5_APPLICATION[n];
    if (name) {
      const ok = wholeTlv(b);
      if (n === 22) return { kind: 'kirbi', confidence: ok ? 1 : 0.5, detail: name };
      return { kind: 'krb5', confidence: ok ? (n === 1 || n === 20 || n === 21 ? 0.8 : 1) : 0.4, detail: name };
    }
  }
  if (b0 === 0xa1 && wholeTlv(b)) {
    const l = derLength(b, 1);
    return { kind: 'spnego-resp', confidence: l && b[1 + l[1]] === 0x30 ? 0.9 : 0.6, detail: 'NegTokenResp' };
  }
  if (b0 === 0xa0 && wholeTlv(b)) return { kind: 'spnego-init', confidence: 0.6, detail: 'NegTokenInit without GSS framing' };

  return textual(b, depth);
}

function fileFormat(b: Uint8Array, version: number): Detection {
  if (version >= 3) {
    // only a ccache has versions 3 and 4
    const cc = decodeCcache(b);
    return { kind: 'ccache', confidence: cc.errors.length === 0 ? 1 : 0.6, detail: `version ${version}` };
  }
  const kt = decodeKeytab(b);
  const cc = decodeCcache(b);
  const ktOk = kt.errors.length === 0;
  const ccOk = cc.errors.length === 0 && cc.defaultPrincipal !== undefined;
  if (ktOk && (!ccOk || kt.entries.length > 0)) return { kind: 'keytab', confidence: ccOk ? 0.7 : 1, detail: `version ${version}` };
  if (ccOk) return { kind: 'ccache', confidence: ktOk ? 0.7 : 1, detail: `version ${version}` };
  // Both broken: the one that got further.
  return kt.entries.length >= cc.credentials.length
    ? { kind: 'keytab', confidence: 0.4, detail: `version ${version}, damaged` }
    : { kind: 'ccache', confidence: 0.4, detail: `version ${version}, damaged` };
}

/** RFC 1964 §1.2 / RFC 4757 §7.1 token body: TOK_ID 01 01 (MIC) or 02 01 (Wrap), a known SGN_ALG, FF FF filler. */
function legacyPerMessage(b: Uint8Array, at: number): string | undefined {
  const t0 = b[at];
  if (b.length < at + 24 || (t0 !== 0x01 && t0 !== 0x02) || b[at + 1] !== 0x01) return undefined;
  const sgn = ((b[at + 3] as number) << 8) | (b[at + 2] as number);
  if (![0x0000, 0x0001, 0x0002, 0x0004, 0x0011].includes(sgn) || b[at + 6] !== 0xff || b[at + 7] !== 0xff) return undefined;
  const seal = ((b[at + 5] as number) << 8) | (b[at + 4] as number);
  if (t0 === 0x01 && seal !== 0xffff) return undefined;
  if (t0 === 0x02 && ![0x0000, 0x0002, 0x0010, 0xffff].includes(seal)) return undefined;
  const alg = sgn === 0x0011 ? 'RC4-HMAC' : 'DES/DES3';
  return `${t0 === 0x01 ? 'MIC' : 'Wrap'} token (RFC 1964, ${alg})`;
}

/**
 * Per-message tokens by structure. A Wrap token (05 04, Flags, FF, EC, RRC, SND_SEQ) and a version-4 ccache
 * (05 04, a 16-bit header length, header fields) share their first two octets: a ccache's third and fourth octets are
 * its header length (12 for MIT's one KDC-offset field), a Wrap token's are the flags (only bits 0-2 defined) and the
 * FF filler. A ccache whose header length happened to read as flags + FF is still a ccache if it decodes cleanly.
 */
function perMessage(b: Uint8Array): Detection | undefined {
  const cfx = looksLikeCfxToken(b);
  if (cfx === 'wrap') {
    const cc = (() => {
      try {
        const c = decodeCcache(b);
        return c.errors.length === 0 && c.defaultPrincipal !== undefined;
      } catch {
        return false;
      }
    })();
    if (!cc) return { kind: 'gss-per-message', confidence: 0.9, detail: 'Wrap token (RFC 4121)' };
    return undefined;
  }
  if (cfx === 'mic') return { kind: 'gss-per-message', confidence: 0.9, detail: 'MIC token (RFC 4121)' };
  const legacy = legacyPerMessage(b, 0);
  if (legacy) return { kind: 'gss-per-message', confidence: 0.7, detail: legacy };
  return undefined;
}

function gssToken(b: Uint8Array): Detection {
  const l = derLength(b, 1);
  if (!l) return { kind: 'gss-token', confidence: 0.3 };
  const at = 1 + l[1];
  if (b[at] !== 0x06) return { kind: 'gss-token', confidence: 0.3, detail: 'no mechanism OID' };
  const oidLen = b[at + 1] ?? 0;
  const oid = hexOf(b.subarray(at + 2, at + 2 + oidLen));
  const mech = GSS_MECHS.find(([h]) => h === oid)?.[1];
  // RFC 1964 per-message tokens are framed like context tokens (DCE/RPC and old Windows send them so)
  const legacy = mech?.startsWith('krb5') ? legacyPerMessage(b, at + 2 + oidLen) : undefined;
  if (legacy) return { kind: 'gss-per-message', confidence: 0.9, detail: `${legacy}, framed` };
  return { kind: 'gss-token', confidence: mech ? (wholeTlv(b, 0) ? 1 : 0.7) : 0.5, detail: mech ?? `mechanism ${oid}` };
}

function isText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 65536);
  for (let i = 0; i < n; i++) {
    const c = b[i] as number;
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

const HEADER_RE =
  /^\s*(?:(?:authorization|www-authenticate|proxy-authorization|proxy-authenticate)\s*:\s*)?(negotiate|kerberos|ntlm)(?:\s+([A-Za-z0-9+/=_-]+))?\s*$/i;

function textual(b: Uint8Array, depth: number): Detection {
  if (!isText(b)) return { kind: 'unknown', confidence: 0 };
  let s = '';
  const n = Math.min(b.length, 1 << 20);
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[i] as number);
  const t = s.trim();
  if (/^(Ticket cache:|Keytab name:|Credentials cache:)/m.test(t) || /^Current LogonId is/m.test(t) || /^Cached Tickets:/m.test(t))
    return { kind: 'klist-text', confidence: 0.9, detail: /Current LogonId|Cached Tickets/.test(t) ? 'Windows klist' : 'MIT klist' };
  const firstLine = t.split(/\r?\n/, 1)[0] ?? '';
  const h = HEADER_RE.exec(firstLine);
  if (h) {
    const d: Detection = { kind: 'http-header', confidence: h[2] ? 1 : 0.7, detail: (h[1] as string).toLowerCase() };
    if (h[2] && depth < 2) {
      const raw = fromBase64(h[2]);
      if (raw) d.inner = detectAt(raw, depth + 1);
    }
    return d;
  }
  const compact = t.replace(/\s+/g, '');
  const known = (d: Detection | undefined) => d !== undefined && d.kind !== 'unknown' && d.kind !== 'text';
  let hex: Detection | undefined;
  if (compact.length >= 2 && /^(0x)?[0-9a-fA-F:]+$/.test(compact)) {
    const raw = fromHex(t);
    if (raw) {
      hex = { kind: 'hex', confidence: 0.8 };
      if (depth < 2) hex.inner = detectAt(raw, depth + 1);
      if (known(hex.inner)) return { ...hex, confidence: 0.95 };
    }
  }
  // base64 may be wrapped over lines but has no spaces between words
  if (compact.length >= 8 && !/[ \t]/.test(t) && /^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
    const raw = fromBase64(compact);
    if (raw) {
      const d: Detection = { kind: 'base64', confidence: 0.6 };
      if (depth < 2) d.inner = detectAt(raw, depth + 1);
      if (known(d.inner)) return { ...d, confidence: 0.95 };
      if (!hex) return d;
    }
  }
  return hex ?? { kind: 'text', confidence: 0.5 };
}
