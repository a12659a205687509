/**
 * NTLMSSP messages, MS-NLMP §2.2.1: NEGOTIATE_MESSAGE, CHALLENGE_MESSAGE, AUTHENTICATE_MESSAGE.
 *
 * ```text
 * Signature "NTLMSSP\0" (8) | MessageType (4, LE) | message-dependent fixed fields | Payload
 * ```
 * Variable fields are (Len u16, MaxLen u16, BufferOffset u32) descriptors pointing into the Payload, offsets relative
 * to the start of the message, in any order. Optional fixed fields (Version, MIC, and in old peers even Reserved /
 * TargetInfoFields) are recognised the way Wireshark and Samba do it: a field exists when the payload starts after it.
 * The decoded message keeps its `layout` (descriptors, header length, uncovered octets) so re-encoding is exact;
 * without a layout the encoder writes the canonical layout (payload in field order right after the header).
 */
import { fromUtf16le, toHex, utf16le } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';
import { type AvPairList, decodeAvPairs, encodeAvPairs } from './avpairs.js';
import { hasFlag, type NtlmFlagName, ntlmFlagNames } from './flags.js';
import { type NtlmVersion, readVersion, writeVersion } from './version.js';

/** "NTLMSSP\0" (MS-NLMP §2.2.1). */
export const NTLMSSP_SIGNATURE = Uint8Array.of(0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00);

export const NtlmMessageType = { NtLmNegotiate: 1, NtLmChallenge: 2, NtLmAuthenticate: 3 } as const;

export function hasNtlmSignature(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== NTLMSSP_SIGNATURE[i]) return false;
  return true;
}

/** A session key or other secret: its length is data, its value is shown only when asked for. */
export class MaskedBytes {
  readonly #bytes: Uint8Array;
  readonly length: number;
  /** When true, toJSON includes the value in hex (`--show-secrets`). */
  readonly revealed: boolean;

  constructor(bytes: Uint8Array, revealed = false) {
    this.#bytes = bytes.slice();
    this.length = bytes.length;
    this.revealed = revealed;
  }

  /** The secret bytes (a copy). */
  reveal(): Uint8Array {
    return this.#bytes.slice();
  }

  toJSON(): { length: number; masked: boolean; hex?: string } {
    return this.revealed ? { length: this.length, masked: false, hex: toHex(this.#bytes) } : { length: this.length, masked: true };
  }

  toString(): string {
    return this.revealed ? toHex(this.#bytes) : `<${this.length} secret bytes>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MaskedBytes(${this.toString()})`;
  }
}

/** One (Len, MaxLen, BufferOffset) descriptor as sent. */
export interface PayloadField {
  length: number;
  maxLength: number;
  offset: number;
}

export interface NtlmLayout {
  /** Octets before the Payload: which optional fixed fields the sender included. */
  headerLength: number;
  fields: Record<string, PayloadField>;
  /** Octets after the header that no field covers (padding, trailing bytes), kept for exact re-encoding. */
  gaps: { offset: number; bytes: Uint8Array }[];
  /** CHALLENGE_MESSAGE Reserved (8 octets, should be zero). */
  reserved?: Uint8Array;
}

interface Common {
  negotiateFlags: number;
  flagNames: NtlmFlagName[];
  version?: NtlmVersion;
  layout?: NtlmLayout;
}

// MS-NLMP §2.2.1.1
/**
 * ```text
 * Signature (8) | MessageType = 1 (4) | NegotiateFlags (4) | DomainNameFields (8) | WorkstationFields (8) |
 * Version (8, when NTLMSSP_NEGOTIATE_VERSION) | Payload: DomainName, WorkstationName (OEM)
 * ```
 */
export interface NegotiateMessage extends Common {
  messageType: 1;
  /** OEM, only meaningful with NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED. Absent when the field is empty. */
  domainName?: string;
  /** OEM, only meaningful with NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED. */
  workstation?: string;
}

// MS-NLMP §2.2.1.2
/**
 * ```text
 * Signature (8) | MessageType = 2 (4) | TargetNameFields (8) | NegotiateFlags (4) | ServerChallenge (8) |
 * Reserved (8) | TargetInfoFields (8) | Version (8) | Payload: TargetName, TargetInfo (AV_PAIRs)
 * ```
 */
export interface ChallengeMessage extends Common {
  messageType: 2;
  /** Unicode or OEM per NTLMSSP_NEGOTIATE_UNICODE. Absent when the field is empty. */
  targetName?: string;
  serverChallenge: Uint8Array;
  targetInfo?: AvPairList;
}

/** How the client answered (MS-NLMP §3.3): told apart by the NtChallengeResponse length. */
export type NtlmResponseVersion = 'ntlmv1' | 'ntlmv1-ess' | 'ntlmv2' | 'anonymous' | 'unknown';

/** What the LmChallengeResponse holds. */
export type LmResponseKind =
  | 'empty' // no LM response
  | 'z1' // one zero octet: anonymous (MS-NLMP §3.2.5.1.2)
  | 'zero' // 24 zero octets: NTLMv2 client with MsvAvTimestamp (MS-NLMP §3.3.2) or LM disabled
  | 'lmv2' // HMAC || client challenge, with an NTLMv2 NT response
  | 'ess-client-challenge' // NTLMv1 ESS: client challenge padded with zeros (MS-NLMP §3.3.1)
  | 'nt-copy' // the NT response repeated (LM disabled on an NTLMv1 client)
  | 'lm' // a real DES LM response (weak: LM hash)
  | 'unknown';

// MS-NLMP §2.2.2.7
/**
 * ```text
 * RespType (1) = 1 | HiRespType (1) = 1 | Reserved1 (2) | Reserved2 (4) | TimeStamp (8, FILETIME) |
 * ChallengeFromClient (8) | Reserved3 (4) | AvPairs (variable)
 * ```
 */
export interface Ntlmv2ClientChallenge {
  respType: number;
  hiRespType: number;
  timeStampFiletime: bigint;
  timeStamp: Date;
  challengeFromClient: Uint8Array;
  avPairs: AvPairList;
}

// MS-NLMP §2.2.2.8
export interface Ntlmv2Response {
  /** Response (16): the NTProofStr. */
  ntProofStr: Uint8Array;
  clientChallenge?: Ntlmv2ClientChallenge;
  /** Why the client challenge did not decode (the message itself did). */
  clientChallengeError?: DecodeError;
}

// MS-NLMP §2.2.1.3
/**
 * ```text
 * Signature (8) | MessageType = 3 (4) | LmChallengeResponseFields (8) | NtChallengeResponseFields (8) |
 * DomainNameFields (8) | UserNameFields (8) | WorkstationFields (8) | EncryptedRandomSessionKeyFields (8) |
 * NegotiateFlags (4) | Version (8) | MIC (16) | Payload
 * ```
 */
export interface AuthenticateMessage extends Common {
  messageType: 3;
  lmChallengeResponse: Uint8Array;
  ntChallengeResponse: Uint8Array;
  /** Unicode or OEM per NTLMSSP_NEGOTIATE_UNICODE. */
  domainName: string;
  userName: string;
  workstation: string;
  /** Present when sent (NTLMSSP_NEGOTIATE_KEY_EXCH); masked unless decoded with showSecrets. */
  encryptedRandomSessionKey?: MaskedBytes;
  mic?: Uint8Array;
  // ---- analysis (not encoded) ----
  ntlmVersion?: NtlmResponseVersion;
  lmResponseKind?: LmResponseKind;
  ntlmv2Response?: Ntlmv2Response;
  /** MS-NLMP §3.2.5.1.2: empty user name, empty NT response, LM response empty or Z(1). */
  anonymous?: boolean;
}

export type NtlmMessage = NegotiateMessage | ChallengeMessage | AuthenticateMessage;

export interface NtlmDecodeOptions {
  /** Absolute offset of bytes[0] in the outer input (for error offsets). */
  base?: number;
  /** Let MaskedBytes serialise their value. */
  showSecrets?: boolean;
}

// ---------------- decoding ----------------

interface Desc extends PayloadField {
  name: string;
  /** Absolute offset of the descriptor itself. */
  at: number;
}

function readDesc(r: ByteReader, name: string): Desc {
  const at = r.offset;
  const length = r.u16le(`${name}.Len`);
  const maxLength = r.u16le(`${name}.MaxLen`);
  const offset = r.u32le(`${name}.BufferOffset`);
  return { name, at, length, maxLength, offset };
}

function minPayload(descs: Desc[], total: number): number | undefined {
  let m: number | undefined;
  for (const d of descs) if (d.length > 0 && d.offset < total) m = m === undefined ? d.offset : Math.min(m, d.offset);
  return m;
}

/** Optional fixed field of `size` octets at `at`: present when the payload starts after it (or, with no payload, per the flag). */
function fits(at: number, size: number, total: number, payloadStart: number | undefined, flag: boolean): boolean {
  if (total < at + size) return false;
  return payloadStart === undefined ? flag : payloadStart >= at + size;
}

class Payload {
  readonly layout: NtlmLayout;
  private readonly covered: Uint8Array;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly base: number,
    headerLength: number,
  ) {
    this.layout = { headerLength, fields: {}, gaps: [] };
    this.covered = new Uint8Array(bytes.length);
  }

  take(d: Desc): Uint8Array {
    const { length, offset } = d;
    if (length > 0) {
      if (offset < this.layout.headerLength)
        throw new DecodeError('ERR_BAD_VALUE', `BufferOffset ${offset} points into the fixed header`, { field: d.name, offset: d.at + 4 });
      if (offset + length > this.bytes.length)
        throw new DecodeError('ERR_TRUNCATED', `payload ${offset}+${length} goes past the end of the message`, {
          field: d.name,
          offset: d.at,
          needed: offset + length,
          left: this.bytes.length,
        });
      this.covered.fill(1, offset, offset + length);
    }
    this.layout.fields[d.name] = { length, maxLength: d.maxLength, offset };
    return this.bytes.slice(offset, offset + length);
  }

  absolute(d: Desc): number {
    return this.base + d.offset;
  }

  finish(): NtlmLayout {
    let i = this.layout.headerLength;
    while (i < this.bytes.length) {
      if (this.covered[i]) {
        i++;
        continue;
      }
      const s = i;
      while (i < this.bytes.length && !this.covered[i]) i++;
      this.layout.gaps.push({ offset: s, bytes: this.bytes.slice(s, i) });
    }
    return this.layout;
  }
}

function oem(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

function fromOem(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function text(b: Uint8Array, unicode: boolean): string {
  return unicode ? utf16le(b) : oem(b);
}

function textBytes(s: string, unicode: boolean): Uint8Array {
  return unicode ? fromUtf16le(s) : fromOem(s);
}

/** Decodes any NTLMSSP message (the type is read from the message). Throws DecodeError. */
export function decodeNtlmMessage(bytes: Uint8Array, opts: NtlmDecodeOptions = {}): NtlmMessage {
  const base = opts.base ?? 0;
  const r = new ByteReader(bytes, base);
  const sig = r.take(8, 'Signature');
  r.check();
  if (!hasNtlmSignature(sig))
    throw new DecodeError('ERR_BAD_VALUE', 'missing "NTLMSSP\\0" signature', { field: 'Signature', offset: base });
  const type = r.u32le('MessageType');
  r.check();
  switch (type) {
    case 1:
      return decodeNegotiate(bytes, r, base);
    case 2:
      return decodeChallenge(bytes, r, base);
    case 3:
      return decodeAuthenticate(bytes, r, base, opts.showSecrets ?? false);
    default:
      throw new DecodeError('ERR_UNSUPPORTED', `unknown NTLMSSP MessageType ${type}`, { field: 'MessageType', offset: base + 8 });
  }
}

function decodeNegotiate(bytes: Uint8Array, r: ByteReader, base: number): NegotiateMessage {
  const negotiateFlags = r.u32le('NegotiateFlags');
  r.check();
  const msg: NegotiateMessage = { messageType: 1, negotiateFlags, flagNames: ntlmFlagNames(negotiateFlags) };
  // the 16-octet form (flags only) is what very old clients send
  if (bytes.length < 32) {
    msg.layout = new Payload(bytes, base, 16).finish();
    return msg;
  }
  const dom = readDesc(r, 'DomainNameFields');
  const ws = readDesc(r, 'WorkstationFields');
  r.check();
  const start = minPayload([dom, ws], bytes.length);
  const hasVersion = fits(32, 8, bytes.length, start, hasFlag(negotiateFlags, 'NTLMSSP_NEGOTIATE_VERSION'));
  const p = new Payload(bytes, base, hasVersion ? 40 : 32);
  if (hasVersion) {
    msg.version = readVersion(r);
    r.check();
  }
  const d = p.take(dom);
  const w = p.take(ws);
  // MS-NLMP §2.2.1.1: both names are OEM strings in the NEGOTIATE_MESSAGE, whatever the Unicode flag says
  if (dom.length > 0) msg.domainName = oem(d);
  if (ws.length > 0) msg.workstation = oem(w);
  msg.layout = p.finish();
  return msg;
}

function decodeChallenge(bytes: Uint8Array, r: ByteReader, base: number): ChallengeMessage {
  const tn = readDesc(r, 'TargetNameFields');
  const negotiateFlags = r.u32le('NegotiateFlags');
  const serverChallenge = r.copy(8, 'ServerChallenge');
  r.check();
  const msg: ChallengeMessage = { messageType: 2, negotiateFlags, flagNames: ntlmFlagNames(negotiateFlags), serverChallenge };
  const unicode = hasFlag(negotiateFlags, 'NTLMSSP_NEGOTIATE_UNICODE');
  // Reserved + TargetInfoFields exist unless the target name starts right after the 32-octet NTLMv1-era header
  let header = 32;
  let ti: Desc | undefined;
  let reserved: Uint8Array | undefined;
  if (fits(32, 16, bytes.length, minPayload([tn], bytes.length), true)) {
    reserved = r.copy(8, 'Reserved');
    ti = readDesc(r, 'TargetInfoFields');
    r.check();
    header = 48;
    const start = minPayload([tn, ti], bytes.length);
    if (fits(48, 8, bytes.length, start, hasFlag(negotiateFlags, 'NTLMSSP_NEGOTIATE_VERSION'))) {
      msg.version = readVersion(r);
      r.check();
      header = 56;
    }
  }
  const p = new Payload(bytes, base, header);
  const t = p.take(tn);
  if (tn.length > 0) msg.targetName = text(t, unicode);
  if (ti) {
    const info = p.take(ti);
    if (ti.length > 0) msg.targetInfo = decodeAvPairs(info, { base: p.absolute(ti), field: 'TargetInfo' });
  }
  msg.layout = p.finish();
  if (reserved) msg.layout.reserved = reserved;
  return msg;
}

function decodeAuthenticate(bytes: Uint8Array, r: ByteReader, base: number, showSecrets: boolean): AuthenticateMessage {
  const lm = readDesc(r, 'LmChallengeResponseFields');
  const nt = readDesc(r, 'NtChallengeResponseFields');
  const dom = readDesc(r, 'DomainNameFields');
  const user = readDesc(r, 'UserNameFields');
  const ws = readDesc(r, 'WorkstationFields');
  r.check();
  const descs = [lm, nt, dom, user, ws];
  let header = 52;
  let negotiateFlags = 0;
  let key: Desc | undefined;
  // Windows NT 4 / 9x sent a 52-octet header without the session key and flags
  if (fits(52, 12, bytes.length, minPayload(descs, bytes.length), true)) {
    key = readDesc(r, 'EncryptedRandomSessionKeyFields');
    negotiateFlags = r.u32le('NegotiateFlags');
    r.check();
    descs.push(key);
    header = 64;
  }
  const start = minPayload(descs, bytes.length);
  let version: NtlmVersion | undefined;
  let mic: Uint8Array | undefined;
  if (header === 64 && fits(64, 8, bytes.length, start, hasFlag(negotiateFlags, 'NTLMSSP_NEGOTIATE_VERSION'))) {
    version = readVersion(r);
    header = 72;
    // the MIC (MS-NLMP §2.2.1.3) follows the Version when the payload leaves room for it
    if (fits(72, 16, bytes.length, start, false)) {
      mic = r.copy(16, 'MIC');
      header = 88;
    }
    r.check();
  }
  const unicode = header === 52 ? false : hasFlag(negotiateFlags, 'NTLMSSP_NEGOTIATE_UNICODE');
  const p = new Payload(bytes, base, header);
  const lmChallengeResponse = p.take(lm);
  const ntChallengeResponse = p.take(nt);
  const msg: AuthenticateMessage = {
    messageType: 3,
    negotiateFlags,
    flagNames: ntlmFlagNames(negotiateFlags),
    lmChallengeResponse,
    ntChallengeResponse,
    domainName: text(p.take(dom), unicode),
    userName: text(p.take(user), unicode),
    workstation: text(p.take(ws), unicode),
  };
  if (key) {
    const k = p.take(key);
    if (key.length > 0) msg.encryptedRandomSessionKey = new MaskedBytes(k, showSecrets);
  }
  if (version) msg.version = version;
  if (mic) msg.mic = mic;
  msg.layout = p.finish();
  analyseAuthenticate(msg, p.absolute(nt));
  return msg;
}

/** Decodes an NTLMv2_RESPONSE (MS-NLMP §2.2.2.8). */
export function decodeNtlmv2Response(bytes: Uint8Array, opts: { base?: number } = {}): Ntlmv2Response {
  const r = new ByteReader(bytes, opts.base ?? 0);
  const ntProofStr = r.copy(16, 'NTLMv2_RESPONSE.Response');
  r.check();
  const out: Ntlmv2Response = { ntProofStr };
  try {
    const respType = r.u8('NTLMv2_CLIENT_CHALLENGE.RespType');
    const hiRespType = r.u8('NTLMv2_CLIENT_CHALLENGE.HiRespType');
    r.skip(6, 'NTLMv2_CLIENT_CHALLENGE.Reserved');
    const timeStampFiletime = r.u64le('NTLMv2_CLIENT_CHALLENGE.TimeStamp');
    const challengeFromClient = r.copy(8, 'NTLMv2_CLIENT_CHALLENGE.ChallengeFromClient');
    r.skip(4, 'NTLMv2_CLIENT_CHALLENGE.Reserved3');
    r.check();
    if (respType !== 1 || hiRespType !== 1)
      throw new DecodeError('ERR_BAD_VALUE', `RespType ${respType}/HiRespType ${hiRespType}, expected 1/1`, {
        field: 'NTLMv2_CLIENT_CHALLENGE.RespType',
        offset: (opts.base ?? 0) + 16,
      });
    const avOffset = r.offset;
    const avPairs = decodeAvPairs(r.rest(), { base: avOffset, field: 'NTLMv2_CLIENT_CHALLENGE.AvPairs' });
    out.clientChallenge = {
      respType,
      hiRespType,
      timeStampFiletime,
      timeStamp: new Date(Number((timeStampFiletime - 116444736000000000n) / 10000n)),
      challengeFromClient,
      avPairs,
    };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    out.clientChallengeError = e;
  }
  return out;
}

function analyseAuthenticate(msg: AuthenticateMessage, ntOffset: number): void {
  const lm = msg.lmChallengeResponse;
  const nt = msg.ntChallengeResponse;
  const lmEmpty = lm.length === 0 || (lm.length === 1 && lm[0] === 0);
  msg.anonymous = msg.userName === '' && nt.length === 0 && lmEmpty;
  const ess = hasFlag(msg.negotiateFlags, 'NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY');
  if (nt.length === 0) msg.ntlmVersion = msg.anonymous ? 'anonymous' : 'unknown';
  else if (nt.length === 24) msg.ntlmVersion = ess ? 'ntlmv1-ess' : 'ntlmv1';
  else if (nt.length > 24) msg.ntlmVersion = 'ntlmv2';
  else msg.ntlmVersion = 'unknown';
  if (msg.ntlmVersion === 'ntlmv2') {
    if (nt.length >= 16 + 28) msg.ntlmv2Response = decodeNtlmv2Response(nt, { base: ntOffset });
    else
      msg.ntlmv2Response = {
        ntProofStr: nt.slice(0, 16),
        clientChallengeError: new DecodeError('ERR_TRUNCATED', 'NTLMv2 response shorter than its fixed part', {
          field: 'NtChallengeResponse',
          offset: ntOffset,
          needed: 44,
          left: nt.length,
        }),
      };
  }
  const allZero = lm.every((b) => b === 0);
  if (lm.length === 0) msg.lmResponseKind = 'empty';
  else if (lm.length === 1 && lm[0] === 0) msg.lmResponseKind = 'z1';
  else if (lm.length === 24 && allZero) msg.lmResponseKind = 'zero';
  else if (lm.length === 24 && msg.ntlmVersion === 'ntlmv2') msg.lmResponseKind = 'lmv2';
  else if (lm.length === 24 && msg.ntlmVersion === 'ntlmv1-ess' && lm.subarray(8).every((b) => b === 0))
    msg.lmResponseKind = 'ess-client-challenge';
  else if (lm.length === 24 && nt.length === 24 && lm.every((b, i) => b === nt[i])) msg.lmResponseKind = 'nt-copy';
  else if (lm.length === 24) msg.lmResponseKind = 'lm';
  else msg.lmResponseKind = 'unknown';
}

// ---------------- encoding ----------------

interface Out {
  name: string;
  data: Uint8Array;
}

function buildPayload(w: ByteWriter, headerLength: number, outs: Out[], layout: NtlmLayout | undefined): Uint8Array {
  // the sender's layout is reused when every field still has the length it had
  const keep =
    layout !== undefined && layout.headerLength === headerLength && outs.every((o) => layout.fields[o.name]?.length === o.data.length);
  const fields: Record<string, PayloadField> = {};
  let end = headerLength;
  if (keep) {
    for (const o of outs) fields[o.name] = layout.fields[o.name] as PayloadField;
    for (const o of outs) if (o.data.length > 0) end = Math.max(end, fields[o.name]!.offset + o.data.length);
    for (const g of layout.gaps) end = Math.max(end, g.offset + g.bytes.length);
  } else {
    for (const o of outs) {
      fields[o.name] = { length: o.data.length, maxLength: o.data.length, offset: end };
      end += o.data.length;
    }
  }
  const out = new Uint8Array(end);
  const head = w.finish();
  out.set(head, 0);
  if (keep) for (const g of layout.gaps) out.set(g.bytes, g.offset);
  // descriptors sit at the positions recorded while writing the header
  for (const o of outs) {
    const f = fields[o.name]!;
    const at = descAt.get(o.name);
    if (at === undefined) continue;
    out[at] = f.length & 0xff;
    out[at + 1] = f.length >> 8;
    out[at + 2] = f.maxLength & 0xff;
    out[at + 3] = f.maxLength >> 8;
    out[at + 4] = f.offset & 0xff;
    out[at + 5] = (f.offset >>> 8) & 0xff;
    out[at + 6] = (f.offset >>> 16) & 0xff;
    out[at + 7] = (f.offset >>> 24) & 0xff;
    if (o.data.length > 0) out.set(o.data, f.offset);
  }
  descAt.clear();
  return out;
}

// descriptor positions of the message being encoded (encoding is synchronous, so one map suffices)
const descAt = new Map<string, number>();

function placeholder(w: ByteWriter, name: string, data: Uint8Array): void {
  if (data.length > 0xffff) throw new RangeError(`${name} longer than 65535 octets`);
  descAt.set(name, w.length);
  w.u32le(0).u32le(0);
}

function header(type: number): ByteWriter {
  return new ByteWriter(128).bytes(NTLMSSP_SIGNATURE).u32le(type);
}

export function encodeNegotiateMessage(
  m: Omit<NegotiateMessage, 'messageType' | 'flagNames'> & { flagNames?: NtlmFlagName[] },
): Uint8Array {
  const w = header(1).u32le(m.negotiateFlags >>> 0);
  const headerLength = m.layout?.headerLength === 16 ? 16 : m.version ? 40 : 32;
  if (headerLength === 16) return buildPayload(w, 16, [], m.layout);
  const outs: Out[] = [
    { name: 'DomainNameFields', data: fromOem(m.domainName ?? '') },
    { name: 'WorkstationFields', data: fromOem(m.workstation ?? '') },
  ];
  for (const o of outs) placeholder(w, o.name, o.data);
  if (m.version) writeVersion(w, m.version);
  return buildPayload(w, headerLength, outs, m.layout);
}

export function encodeChallengeMessage(
  m: Omit<ChallengeMessage, 'messageType' | 'flagNames'> & { flagNames?: NtlmFlagName[] },
): Uint8Array {
  const unicode = hasFlag(m.negotiateFlags, 'NTLMSSP_NEGOTIATE_UNICODE');
  const w = header(2);
  const tn: Out = { name: 'TargetNameFields', data: textBytes(m.targetName ?? '', unicode) };
  placeholder(w, tn.name, tn.data);
  w.u32le(m.negotiateFlags >>> 0);
  if (m.serverChallenge.length !== 8) throw new RangeError('ServerChallenge must be 8 octets');
  w.bytes(m.serverChallenge);
  const short = m.layout?.headerLength === 32 && !m.targetInfo && !m.version;
  if (short) return buildPayload(w, 32, [tn], m.layout);
  w.bytes(m.layout?.reserved ?? new Uint8Array(8));
  const ti: Out = { name: 'TargetInfoFields', data: m.targetInfo ? encodeAvPairs(m.targetInfo) : new Uint8Array(0) };
  placeholder(w, ti.name, ti.data);
  if (m.version) writeVersion(w, m.version);
  return buildPayload(w, m.version ? 56 : 48, [tn, ti], m.layout);
}

export function encodeAuthenticateMessage(
  m: Omit<AuthenticateMessage, 'messageType' | 'flagNames'> & { flagNames?: NtlmFlagName[] },
): Uint8Array {
  const legacy = m.layout?.headerLength === 52 && !m.version && !m.mic && !m.encryptedRandomSessionKey && m.negotiateFlags === 0;
  const unicode = !legacy && hasFlag(m.negotiateFlags, 'NTLMSSP_NEGOTIATE_UNICODE');
  const w = header(3);
  const outs: Out[] = [
    { name: 'LmChallengeResponseFields', data: m.lmChallengeResponse },
    { name: 'NtChallengeResponseFields', data: m.ntChallengeResponse },
    { name: 'DomainNameFields', data: textBytes(m.domainName, unicode) },
    { name: 'UserNameFields', data: textBytes(m.userName, unicode) },
    { name: 'WorkstationFields', data: textBytes(m.workstation, unicode) },
  ];
  for (const o of outs) placeholder(w, o.name, o.data);
  if (legacy) return buildPayload(w, 52, outs, m.layout);
  const key: Out = { name: 'EncryptedRandomSessionKeyFields', data: m.encryptedRandomSessionKey?.reveal() ?? new Uint8Array(0) };
  placeholder(w, key.name, key.data);
  outs.push(key);
  w.u32le(m.negotiateFlags >>> 0);
  let headerLength = 64;
  if (m.version || m.mic) {
    writeVersion(
      w,
      m.version ?? { productMajorVersion: 0, productMinorVersion: 0, productBuild: 0, reserved: new Uint8Array(3), ntlmRevisionCurrent: 0 },
    );
    headerLength = 72;
  }
  if (m.mic) {
    if (m.mic.length !== 16) throw new RangeError('MIC must be 16 octets');
    w.bytes(m.mic);
    headerLength = 88;
  }
  return buildPayload(w, headerLength, outs, m.layout);
}

/** Encodes any NTLMSSP message (its `layout`, when present, is reproduced exactly). */
export function encodeNtlmMessage(m: NtlmMessage): Uint8Array {
  switch (m.messageType) {
    case 1:
      return encodeNegotiateMessage(m);
    case 2:
      return encodeChallengeMessage(m);
    case 3:
      return encodeAuthenticateMessage(m);
  }
}
