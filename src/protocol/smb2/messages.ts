/**
 * The SMB2 messages an authentication probe needs (MS-SMB2 §2.2): NEGOTIATE (with the SMB 3.1.1 negotiate contexts),
 * SESSION_SETUP, TREE_CONNECT, LOGOFF and the ERROR response. A message is the 64-byte header (header.ts) and the
 * command's body; every offset in a body counts from the first byte of the header (MS-SMB2 §2.2.4 and others).
 *
 * Decoders never trust a length or offset: each is checked against the message before anything is read or
 * allocated, and the error names the field and the absolute offset (DecodeError). Encoders write what the decoders
 * read, so encode → decode → encode is byte-exact.
 */
import { utf16le } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';
import { isNtError, Smb2Command, Smb2Dialect, Smb2NegotiateContextType, Smb2Status } from './constants.js';
import { isResponse, readSmb2Header, SMB2_HEADER_SIZE, type Smb2Header, writeSmb2Header } from './header.js';

/** MS-SMB2 §2.2.3.1: one negotiate context; the known ones are decoded, every one keeps its raw data. */
export interface NegotiateContext {
  contextType: number;
  data: Uint8Array;
  /** §2.2.3.1.1 SMB2_PREAUTH_INTEGRITY_CAPABILITIES */
  preauth?: { hashAlgorithms: number[]; salt: Uint8Array };
  /** §2.2.3.1.2 SMB2_ENCRYPTION_CAPABILITIES */
  ciphers?: number[];
  /** §2.2.3.1.7 SMB2_SIGNING_CAPABILITIES */
  signingAlgorithms?: number[];
  /** §2.2.3.1.4 SMB2_NETNAME_NEGOTIATE_CONTEXT_ID */
  netName?: string;
}

/**
 * MS-SMB2 §2.2.3 SMB2 NEGOTIATE Request
 * ```
 * StructureSize 2 (36) · DialectCount 2 · SecurityMode 2 · Reserved 2 · Capabilities 4 · ClientGuid 16 ·
 * (0x0311 offered: NegotiateContextOffset 4 · NegotiateContextCount 2 · Reserved2 2 | else ClientStartTime 8) ·
 * Dialects 2×DialectCount · Padding · NegotiateContextList
 * ```
 */
export interface NegotiateRequest {
  securityMode: number;
  capabilities: number;
  clientGuid: Uint8Array;
  dialects: number[];
  /** only when 0x0311 is offered */
  negotiateContexts?: NegotiateContext[];
  /** ClientStartTime when 0x0311 is not offered (MUST be 0) */
  clientStartTime?: bigint;
}

/**
 * MS-SMB2 §2.2.4 SMB2 NEGOTIATE Response
 * ```
 * StructureSize 2 (65) · SecurityMode 2 · DialectRevision 2 · NegotiateContextCount/Reserved 2 · ServerGuid 16 ·
 * Capabilities 4 · MaxTransactSize 4 · MaxReadSize 4 · MaxWriteSize 4 · SystemTime 8 · ServerStartTime 8 ·
 * SecurityBufferOffset 2 · SecurityBufferLength 2 · NegotiateContextOffset/Reserved2 4 · Buffer · Padding ·
 * NegotiateContextList
 * ```
 */
export interface NegotiateResponse {
  securityMode: number;
  dialectRevision: number;
  serverGuid: Uint8Array;
  capabilities: number;
  maxTransactSize: number;
  maxReadSize: number;
  maxWriteSize: number;
  /** FILETIME */
  systemTime: bigint;
  serverStartTime: bigint;
  /** the server's GSS token (SPNEGO NegTokenInit2, MS-SPNG §2.2.1), possibly empty */
  securityBuffer: Uint8Array;
  /** only for dialect 0x0311 */
  negotiateContexts?: NegotiateContext[];
}

/**
 * MS-SMB2 §2.2.5 SMB2 SESSION_SETUP Request
 * ```
 * StructureSize 2 (25) · Flags 1 · SecurityMode 1 · Capabilities 4 · Channel 4 · SecurityBufferOffset 2 ·
 * SecurityBufferLength 2 · PreviousSessionId 8 · Buffer
 * ```
 */
export interface SessionSetupRequest {
  /** SMB2_SESSION_FLAG_BINDING 0x01 */
  flags: number;
  securityMode: number;
  capabilities: number;
  channel: number;
  previousSessionId: bigint;
  securityBuffer: Uint8Array;
}

/**
 * MS-SMB2 §2.2.6 SMB2 SESSION_SETUP Response
 * ```
 * StructureSize 2 (9) · SessionFlags 2 · SecurityBufferOffset 2 · SecurityBufferLength 2 · Buffer
 * ```
 */
export interface SessionSetupResponse {
  sessionFlags: number;
  securityBuffer: Uint8Array;
}

/**
 * MS-SMB2 §2.2.9 SMB2 TREE_CONNECT Request
 * ```
 * StructureSize 2 (9) · Flags/Reserved 2 · PathOffset 2 · PathLength 2 · Buffer (UTF-16LE "\\server\share")
 * ```
 */
export interface TreeConnectRequest {
  flags: number;
  path: string;
}

/**
 * MS-SMB2 §2.2.10 SMB2 TREE_CONNECT Response
 * ```
 * StructureSize 2 (16) · ShareType 1 · Reserved 1 · ShareFlags 4 · Capabilities 4 · MaximalAccess 4
 * ```
 */
export interface TreeConnectResponse {
  shareType: number;
  shareFlags: number;
  capabilities: number;
  maximalAccess: number;
}

/**
 * MS-SMB2 §2.2.2 SMB2 ERROR Response
 * ```
 * StructureSize 2 (9) · ErrorContextCount 1 · Reserved 1 · ByteCount 4 · ErrorData (ByteCount bytes, or 1 byte when 0)
 * ```
 * Deviation: a body that stops after ByteCount = 0 (8 bytes, no ErrorData byte) is accepted; some servers send it.
 */
export interface ErrorResponse {
  errorContextCount: number;
  errorData: Uint8Array;
}

export type Smb2Body =
  | { kind: 'negotiate-request'; value: NegotiateRequest }
  | { kind: 'negotiate-response'; value: NegotiateResponse }
  | { kind: 'session-setup-request'; value: SessionSetupRequest }
  | { kind: 'session-setup-response'; value: SessionSetupResponse }
  | { kind: 'tree-connect-request'; value: TreeConnectRequest }
  | { kind: 'tree-connect-response'; value: TreeConnectResponse }
  /** MS-SMB2 §2.2.7 / §2.2.8: StructureSize 2 (4) · Reserved 2 */
  | { kind: 'logoff-request' }
  | { kind: 'logoff-response' }
  | { kind: 'error-response'; value: ErrorResponse }
  /** a command this codec does not decode: the body as sent */
  | { kind: 'other'; body: Uint8Array };

export interface Smb2Message {
  header: Smb2Header;
  body: Smb2Body;
}

// ---- helpers ------------------------------------------------------------------------------------------------------

/** The bytes at [offset, offset+length) of the message, after checking they lie inside it and past `minOffset`. */
function region(r: ByteReader, msg: Uint8Array, offset: number, length: number, minOffset: number, field: string): Uint8Array {
  if (!r.ok || length === 0) return new Uint8Array(0);
  if (offset < minOffset) {
    r.fail('ERR_BAD_VALUE', `offset ${offset} points inside the fixed part (the buffer starts at ${minOffset} at the earliest)`, field);
    return new Uint8Array(0);
  }
  if (offset + length > msg.length) {
    r.fail('ERR_TRUNCATED', `offset ${offset} + length ${length} runs past the end of the ${msg.length}-byte message`, field, {
      needed: offset + length,
      left: msg.length,
    });
    return new Uint8Array(0);
  }
  return msg.slice(offset, offset + length);
}

function structureSize(r: ByteReader, expected: number, what: string): void {
  const s = r.u16le('StructureSize');
  if (r.ok && s !== expected) r.fail('ERR_BAD_VALUE', `${what} StructureSize ${s}, expected ${expected}`, 'StructureSize');
}

const CONTEXT_HEADER = 8;

function readNegotiateContexts(r: ByteReader, msg: Uint8Array, base: number, offset: number, count: number, minOffset: number) {
  const out: NegotiateContext[] = [];
  if (!r.ok || count === 0) return out;
  if (offset < minOffset || offset > msg.length) {
    r.fail(
      'ERR_BAD_VALUE',
      `NegotiateContextOffset ${offset} is outside the message (${minOffset}..${msg.length})`,
      'NegotiateContextOffset',
    );
    return out;
  }
  const c = new ByteReader(msg.subarray(offset), base + offset);
  const n = c.count(count, CONTEXT_HEADER, 'NegotiateContextCount');
  for (let i = 0; i < n && c.ok; i++) {
    if (i > 0) {
      // §2.2.3.1: every context after the first starts 8-byte aligned (from the start of the header)
      const pad = (8 - ((offset + c.pos) % 8)) % 8;
      c.skip(Math.min(pad, c.remaining), `NegotiateContextList[${i}].padding`);
    }
    const contextType = c.u16le(`NegotiateContextList[${i}].ContextType`);
    const dataLength = c.u16le(`NegotiateContextList[${i}].DataLength`);
    c.skip(4, `NegotiateContextList[${i}].Reserved`);
    const data = c.copy(dataLength, `NegotiateContextList[${i}].Data`);
    if (!c.ok) break;
    out.push(parseContext(contextType, data, base + offset + c.pos - dataLength, c, i));
  }
  r.adopt(c);
  return out;
}

function parseContext(contextType: number, data: Uint8Array, at: number, outer: ByteReader, i: number): NegotiateContext {
  const d = new ByteReader(data, at);
  const f = `NegotiateContextList[${i}]`;
  const ctx: NegotiateContext = { contextType, data };
  switch (contextType) {
    case Smb2NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES: {
      const hc = d.u16le(`${f}.HashAlgorithmCount`);
      const saltLength = d.u16le(`${f}.SaltLength`);
      const n = d.count(hc, 2, `${f}.HashAlgorithmCount`);
      const hashAlgorithms: number[] = [];
      for (let k = 0; k < n; k++) hashAlgorithms.push(d.u16le(`${f}.HashAlgorithms`));
      const salt = d.copy(saltLength, `${f}.Salt`);
      if (d.ok) ctx.preauth = { hashAlgorithms, salt };
      break;
    }
    case Smb2NegotiateContextType.ENCRYPTION_CAPABILITIES: {
      const n = d.count(d.u16le(`${f}.CipherCount`), 2, `${f}.CipherCount`);
      const ciphers: number[] = [];
      for (let k = 0; k < n; k++) ciphers.push(d.u16le(`${f}.Ciphers`));
      if (d.ok) ctx.ciphers = ciphers;
      break;
    }
    case Smb2NegotiateContextType.SIGNING_CAPABILITIES: {
      const n = d.count(d.u16le(`${f}.SigningAlgorithmCount`), 2, `${f}.SigningAlgorithmCount`);
      const algs: number[] = [];
      for (let k = 0; k < n; k++) algs.push(d.u16le(`${f}.SigningAlgorithms`));
      if (d.ok) ctx.signingAlgorithms = algs;
      break;
    }
    case Smb2NegotiateContextType.NETNAME_NEGOTIATE_CONTEXT_ID:
      ctx.netName = utf16le(data.length % 2 ? data.subarray(0, data.length - 1) : data);
      break;
    default:
      break;
  }
  outer.adopt(d);
  return ctx;
}

function writeContexts(w: ByteWriter, contexts: readonly NegotiateContext[]): void {
  contexts.forEach((c, i) => {
    if (i > 0) while (w.length % 8) w.u8(0);
    w.u16le(c.contextType);
    w.u16le(c.data.length);
    w.u32le(0);
    w.bytes(c.data);
  });
}

/** The Data of a negotiate context built from its decoded fields (§2.2.3.1.x). */
export function negotiateContext(
  c:
    | { contextType: 1; hashAlgorithms: number[]; salt: Uint8Array }
    | { contextType: 2; ciphers: number[] }
    | { contextType: 8; signingAlgorithms: number[] },
): NegotiateContext {
  const w = new ByteWriter(64);
  if (c.contextType === 1) {
    w.u16le(c.hashAlgorithms.length).u16le(c.salt.length);
    for (const h of c.hashAlgorithms) w.u16le(h);
    w.bytes(c.salt);
    return { contextType: 1, data: w.finish(), preauth: { hashAlgorithms: [...c.hashAlgorithms], salt: c.salt.slice() } };
  }
  if (c.contextType === 2) {
    w.u16le(c.ciphers.length);
    for (const x of c.ciphers) w.u16le(x);
    return { contextType: 2, data: w.finish(), ciphers: [...c.ciphers] };
  }
  w.u16le(c.signingAlgorithms.length);
  for (const x of c.signingAlgorithms) w.u16le(x);
  return { contextType: 8, data: w.finish(), signingAlgorithms: [...c.signingAlgorithms] };
}

const align8 = (n: number) => (n + 7) & ~7;

// ---- bodies -------------------------------------------------------------------------------------------------------

function readNegotiateRequest(r: ByteReader, msg: Uint8Array, base: number): NegotiateRequest {
  structureSize(r, 36, 'NEGOTIATE request');
  const dialectCount = r.u16le('DialectCount');
  const securityMode = r.u16le('SecurityMode');
  r.skip(2, 'Reserved');
  const capabilities = r.u32le('Capabilities');
  const clientGuid = r.copy(16, 'ClientGuid');
  const tail = r.take(8, 'NegotiateContextOffset/ClientStartTime');
  const n = r.count(dialectCount, 2, 'DialectCount');
  if (r.ok && dialectCount === 0)
    r.fail('ERR_BAD_VALUE', 'DialectCount 0: a NEGOTIATE request offers at least one dialect', 'DialectCount');
  const dialects: number[] = [];
  for (let i = 0; i < n; i++) dialects.push(r.u16le('Dialects'));
  const out: NegotiateRequest = { securityMode, capabilities, clientGuid, dialects };
  if (!r.ok) return out;
  const t = new ByteReader(tail, 0);
  if (dialects.includes(Smb2Dialect.SMB3_1_1)) {
    const offset = t.u32le();
    const count = t.u16le();
    out.negotiateContexts = readNegotiateContexts(r, msg, base, offset, count, r.pos);
  } else out.clientStartTime = t.u64le();
  return out;
}

function writeNegotiateRequest(w: ByteWriter, v: NegotiateRequest): void {
  const with311 = v.dialects.includes(Smb2Dialect.SMB3_1_1);
  const contexts = with311 ? (v.negotiateContexts ?? []) : [];
  const dialectsEnd = SMB2_HEADER_SIZE + 36 + 2 * v.dialects.length;
  const ctxOffset = contexts.length ? align8(dialectsEnd) : 0;
  w.u16le(36)
    .u16le(v.dialects.length)
    .u16le(v.securityMode)
    .u16le(0)
    .u32le(v.capabilities >>> 0);
  const g = new Uint8Array(16);
  g.set(v.clientGuid.subarray(0, 16));
  w.bytes(g);
  if (with311) w.u32le(ctxOffset).u16le(contexts.length).u16le(0);
  else w.u64le(v.clientStartTime ?? 0n);
  for (const d of v.dialects) w.u16le(d);
  if (contexts.length) {
    while (w.length < ctxOffset) w.u8(0);
    writeContexts(w, contexts);
  }
}

function readNegotiateResponse(r: ByteReader, msg: Uint8Array, base: number): NegotiateResponse {
  structureSize(r, 65, 'NEGOTIATE response');
  const securityMode = r.u16le('SecurityMode');
  const dialectRevision = r.u16le('DialectRevision');
  const contextCount = r.u16le('NegotiateContextCount');
  const serverGuid = r.copy(16, 'ServerGuid');
  const capabilities = r.u32le('Capabilities');
  const maxTransactSize = r.u32le('MaxTransactSize');
  const maxReadSize = r.u32le('MaxReadSize');
  const maxWriteSize = r.u32le('MaxWriteSize');
  const systemTime = r.u64le('SystemTime');
  const serverStartTime = r.u64le('ServerStartTime');
  const sbOffset = r.u16le('SecurityBufferOffset');
  const sbLength = r.u16le('SecurityBufferLength');
  const ctxOffset = r.u32le('NegotiateContextOffset');
  const fixedEnd = r.pos;
  const securityBuffer = region(r, msg, sbOffset, sbLength, fixedEnd, 'SecurityBuffer');
  const out: NegotiateResponse = {
    securityMode,
    dialectRevision,
    serverGuid,
    capabilities,
    maxTransactSize,
    maxReadSize,
    maxWriteSize,
    systemTime,
    serverStartTime,
    securityBuffer,
  };
  if (r.ok && dialectRevision === Smb2Dialect.SMB3_1_1)
    out.negotiateContexts = readNegotiateContexts(r, msg, base, ctxOffset, contextCount, fixedEnd);
  return out;
}

function writeNegotiateResponse(w: ByteWriter, v: NegotiateResponse): void {
  const contexts = v.dialectRevision === Smb2Dialect.SMB3_1_1 ? (v.negotiateContexts ?? []) : [];
  const sbOffset = SMB2_HEADER_SIZE + 64;
  const ctxOffset = contexts.length ? align8(sbOffset + v.securityBuffer.length) : 0;
  w.u16le(65).u16le(v.securityMode).u16le(v.dialectRevision).u16le(contexts.length);
  const g = new Uint8Array(16);
  g.set(v.serverGuid.subarray(0, 16));
  w.bytes(g);
  w.u32le(v.capabilities >>> 0)
    .u32le(v.maxTransactSize >>> 0)
    .u32le(v.maxReadSize >>> 0)
    .u32le(v.maxWriteSize >>> 0);
  w.u64le(v.systemTime).u64le(v.serverStartTime);
  w.u16le(v.securityBuffer.length ? sbOffset : 0)
    .u16le(v.securityBuffer.length)
    .u32le(ctxOffset);
  w.bytes(v.securityBuffer);
  if (contexts.length) {
    while (w.length < ctxOffset) w.u8(0);
    writeContexts(w, contexts);
  }
}

function readSessionSetupRequest(r: ByteReader, msg: Uint8Array): SessionSetupRequest {
  structureSize(r, 25, 'SESSION_SETUP request');
  const flags = r.u8('Flags');
  const securityMode = r.u8('SecurityMode');
  const capabilities = r.u32le('Capabilities');
  const channel = r.u32le('Channel');
  const sbOffset = r.u16le('SecurityBufferOffset');
  const sbLength = r.u16le('SecurityBufferLength');
  const previousSessionId = r.u64le('PreviousSessionId');
  const securityBuffer = region(r, msg, sbOffset, sbLength, r.pos, 'SecurityBuffer');
  return { flags, securityMode, capabilities, channel, previousSessionId, securityBuffer };
}

function writeSessionSetupRequest(w: ByteWriter, v: SessionSetupRequest): void {
  w.u16le(25)
    .u8(v.flags)
    .u8(v.securityMode)
    .u32le(v.capabilities >>> 0)
    .u32le(v.channel >>> 0);
  w.u16le(v.securityBuffer.length ? SMB2_HEADER_SIZE + 24 : 0)
    .u16le(v.securityBuffer.length)
    .u64le(v.previousSessionId);
  w.bytes(v.securityBuffer);
}

function readSessionSetupResponse(r: ByteReader, msg: Uint8Array): SessionSetupResponse {
  structureSize(r, 9, 'SESSION_SETUP response');
  const sessionFlags = r.u16le('SessionFlags');
  const sbOffset = r.u16le('SecurityBufferOffset');
  const sbLength = r.u16le('SecurityBufferLength');
  const securityBuffer = region(r, msg, sbOffset, sbLength, r.pos, 'SecurityBuffer');
  return { sessionFlags, securityBuffer };
}

function writeSessionSetupResponse(w: ByteWriter, v: SessionSetupResponse): void {
  w.u16le(9)
    .u16le(v.sessionFlags)
    .u16le(v.securityBuffer.length ? SMB2_HEADER_SIZE + 8 : 0)
    .u16le(v.securityBuffer.length);
  w.bytes(v.securityBuffer.length ? v.securityBuffer : Uint8Array.of(0));
}

function readTreeConnectRequest(r: ByteReader, msg: Uint8Array): TreeConnectRequest {
  structureSize(r, 9, 'TREE_CONNECT request');
  const flags = r.u16le('Flags');
  const pathOffset = r.u16le('PathOffset');
  const pathLength = r.u16le('PathLength');
  if (r.ok && pathLength % 2) r.fail('ERR_BAD_VALUE', `PathLength ${pathLength} is odd (UTF-16LE)`, 'PathLength');
  const path = utf16le(region(r, msg, pathOffset, pathLength, r.pos, 'Path'));
  return { flags, path };
}

function encodeUtf16(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >>> 8;
  }
  return out;
}

function writeTreeConnectRequest(w: ByteWriter, v: TreeConnectRequest): void {
  const p = encodeUtf16(v.path);
  w.u16le(9)
    .u16le(v.flags)
    .u16le(p.length ? SMB2_HEADER_SIZE + 8 : 0)
    .u16le(p.length);
  w.bytes(p.length ? p : Uint8Array.of(0));
}

function readTreeConnectResponse(r: ByteReader): TreeConnectResponse {
  structureSize(r, 16, 'TREE_CONNECT response');
  const shareType = r.u8('ShareType');
  r.skip(1, 'Reserved');
  const shareFlags = r.u32le('ShareFlags');
  const capabilities = r.u32le('Capabilities');
  const maximalAccess = r.u32le('MaximalAccess');
  return { shareType, shareFlags, capabilities, maximalAccess };
}

function writeTreeConnectResponse(w: ByteWriter, v: TreeConnectResponse): void {
  w.u16le(16)
    .u8(v.shareType)
    .u8(0)
    .u32le(v.shareFlags >>> 0)
    .u32le(v.capabilities >>> 0)
    .u32le(v.maximalAccess >>> 0);
}

function readErrorResponse(r: ByteReader): ErrorResponse {
  structureSize(r, 9, 'ERROR response');
  const errorContextCount = r.u8('ErrorContextCount');
  r.skip(1, 'Reserved');
  const byteCount = r.u32le('ByteCount');
  const errorData = byteCount === 0 ? new Uint8Array(0) : r.copy(byteCount, 'ErrorData');
  return { errorContextCount, errorData };
}

function writeErrorResponse(w: ByteWriter, v: ErrorResponse): void {
  w.u16le(9).u8(v.errorContextCount).u8(0).u32le(v.errorData.length);
  w.bytes(v.errorData.length ? v.errorData : Uint8Array.of(0));
}

function readLogoff(r: ByteReader): void {
  structureSize(r, 4, 'LOGOFF');
  r.skip(2, 'Reserved');
}

/**
 * Which body layout a response has: an ERROR response (§2.2.2) for an error status or an interim STATUS_PENDING,
 * except SESSION_SETUP's STATUS_MORE_PROCESSING_REQUIRED, which carries a normal SESSION_SETUP response (§3.3.4.4).
 */
export function isErrorResponse(h: Pick<Smb2Header, 'flags' | 'status' | 'command'>): boolean {
  if (!isResponse(h)) return false;
  if (h.command === Smb2Command.SESSION_SETUP && h.status >>> 0 === Smb2Status.STATUS_MORE_PROCESSING_REQUIRED) return false;
  return isNtError(h.status) || h.status >>> 0 === Smb2Status.STATUS_PENDING;
}

/**
 * One SMB2 message (header + body). When the header's NextCommand is set (a compound, §3.2.4.1.4), only this first
 * message is decoded: `bytes` beyond NextCommand are the next one (see splitCompound). Throws DecodeError.
 */
export function decodeSmb2Message(bytes: Uint8Array, base = 0): Smb2Message {
  const r0 = new ByteReader(bytes, base);
  const header = readSmb2Header(r0);
  r0.check();
  const end = header.nextCommand ? header.nextCommand : bytes.length;
  if (end > bytes.length)
    throw new DecodeError('ERR_TRUNCATED', `NextCommand ${end} runs past the end of the ${bytes.length}-byte frame`, {
      field: 'NextCommand',
      offset: base + 20,
      needed: end,
      left: bytes.length,
    });
  const msg = bytes.subarray(0, end);
  const r = new ByteReader(msg, base);
  r.pos = SMB2_HEADER_SIZE;
  const body = readBody(r, msg, base, header);
  r.check();
  return { header, body };
}

function readBody(r: ByteReader, msg: Uint8Array, base: number, h: Smb2Header): Smb2Body {
  const resp = isResponse(h);
  if (isErrorResponse(h)) return { kind: 'error-response', value: readErrorResponse(r) };
  switch (h.command) {
    case Smb2Command.NEGOTIATE:
      return resp
        ? { kind: 'negotiate-response', value: readNegotiateResponse(r, msg, base) }
        : { kind: 'negotiate-request', value: readNegotiateRequest(r, msg, base) };
    case Smb2Command.SESSION_SETUP:
      return resp
        ? { kind: 'session-setup-response', value: readSessionSetupResponse(r, msg) }
        : { kind: 'session-setup-request', value: readSessionSetupRequest(r, msg) };
    case Smb2Command.TREE_CONNECT:
      return resp
        ? { kind: 'tree-connect-response', value: readTreeConnectResponse(r) }
        : { kind: 'tree-connect-request', value: readTreeConnectRequest(r, msg) };
    case Smb2Command.LOGOFF:
      readLogoff(r);
      return resp ? { kind: 'logoff-response' } : { kind: 'logoff-request' };
    default:
      return { kind: 'other', body: msg.slice(SMB2_HEADER_SIZE) };
  }
}

/** The header and body as bytes (the Signature is written as given: sign afterwards with signing.ts). */
export function encodeSmb2Message(m: Smb2Message): Uint8Array {
  const w = new ByteWriter(256);
  writeSmb2Header(w, m.header);
  const b = m.body;
  switch (b.kind) {
    case 'negotiate-request':
      writeNegotiateRequest(w, b.value);
      break;
    case 'negotiate-response':
      writeNegotiateResponse(w, b.value);
      break;
    case 'session-setup-request':
      writeSessionSetupRequest(w, b.value);
      break;
    case 'session-setup-response':
      writeSessionSetupResponse(w, b.value);
      break;
    case 'tree-connect-request':
      writeTreeConnectRequest(w, b.value);
      break;
    case 'tree-connect-response':
      writeTreeConnectResponse(w, b.value);
      break;
    case 'logoff-request':
    case 'logoff-response':
      w.u16le(4).u16le(0);
      break;
    case 'error-response':
      writeErrorResponse(w, b.value);
      break;
    case 'other':
      w.bytes(b.body);
      break;
  }
  return w.finish();
}

/**
 * The messages of a compounded frame (MS-SMB2 §3.2.4.1.4): each header's NextCommand is the offset of the next one.
 * Returns the slices with their offsets; throws DecodeError when a NextCommand points outside the frame.
 */
export function splitCompound(frame: Uint8Array, base = 0): { offset: number; bytes: Uint8Array }[] {
  const out: { offset: number; bytes: Uint8Array }[] = [];
  let off = 0;
  for (let i = 0; off < frame.length; i++) {
    if (i >= 64) throw new DecodeError('ERR_LIMIT', 'more than 64 compounded messages in one frame', { offset: base + off });
    const r = new ByteReader(frame.subarray(off), base + off);
    const h = readSmb2Header(r);
    r.check();
    const next = h.nextCommand;
    if (next && off + next > frame.length)
      throw new DecodeError('ERR_TRUNCATED', `NextCommand ${next} runs past the end of the frame`, {
        field: 'NextCommand',
        offset: base + off + 20,
        needed: off + next,
        left: frame.length,
      });
    out.push({ offset: off, bytes: frame.subarray(off, next ? off + next : frame.length) });
    if (!next) break;
    off += next;
  }
  return out;
}
