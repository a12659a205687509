/**
 * A small NDR (C706 ch. 14, as profiled by MS-RPCE §2.2.5) reader and writer: just what the PAC needs.
 *
 * Grammar handled (little-endian NDR20 only, which is what every KDC emits):
 *
 *   serialized  = common-header(8) private-header(8) top-level-pointer(4) referent pad-to-8
 *   common-hdr  = Version(1)=1 Endianness(1)=0x10 CommonHeaderLength(2)=8 Filler(4)=0xcccccccc   (MS-RPCE §2.2.6.1)
 *   private-hdr = ObjectBufferLength(4) Filler(4)=0                                             (MS-RPCE §2.2.6.2)
 *
 * Primitives align to their size (u16→2, u32→4, u64→8), relative to the start of the NDR stream.
 * Pointers are written inline as a 4-byte referent ID (0 = null); the referent is *deferred*: it follows the
 * outermost structure that contains the pointer, in the order the pointers appeared, and a referent's own
 * embedded pointers follow right after that referent (depth first). `defer()` queues a closure and `flush()`
 * runs the queue with exactly that ordering; reader and writer share it so the two cannot drift.
 *
 * Loops: MS-PAC's IDL uses unique pointers only (pointer_default(unique)); a full pointer could alias an earlier
 * referent, but this reader never follows a referent ID back to earlier bytes. It always reads forward, every
 * pointer costs 4 input bytes and the PAC types are not recursive, so decoding always terminates; a referent ID
 * seen twice is simply read again from the current position (a DecodeError at worst, never a cycle).
 */
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';
import { formatSid, parseSid, type SidParts } from './sid.js';

/** MS-RPCE §2.2.6.1: Version 1, little-endian, 8-byte common header. */
const COMMON_HEADER = [0x01, 0x10, 0x08, 0x00, 0xcc, 0xcc, 0xcc, 0xcc] as const;
/** Limit on queued deferred referents (guards memory on hostile input; a real PAC has a few dozen). */
const MAX_DEFERRED = 1 << 20;
/** MS-DTYP §2.4.2: at most 15 sub-authorities in a SID. */
export const SID_MAX_SUB_AUTHORITIES = 15;

export class NdrReader {
  readonly r: ByteReader;
  /** Position (in r) where the NDR stream starts; alignment is relative to it. */
  private readonly start: number;
  private queue: Array<() => void> = [];
  private deferredTotal = 0;

  constructor(r: ByteReader, start = r.pos) {
    this.r = r;
    this.start = start;
  }

  get ok(): boolean {
    return this.r.ok;
  }

  fail(reason: string, field: string, code: 'ERR_BAD_VALUE' | 'ERR_LIMIT' | 'ERR_UNSUPPORTED' = 'ERR_BAD_VALUE'): void {
    this.r.fail(code, reason, field);
  }

  align(n: number, field = 'ndr.align'): void {
    const rel = this.r.pos - this.start;
    const pad = (n - (rel % n)) % n;
    if (pad) this.r.skip(Math.min(pad, this.r.remaining), field);
  }

  u8(field: string): number {
    return this.r.u8(field);
  }

  u16(field: string): number {
    this.align(2);
    return this.r.u16le(field);
  }

  u32(field: string): number {
    this.align(4);
    return this.r.u32le(field);
  }

  i32(field: string): number {
    return this.u32(field) | 0;
  }

  /** FILETIME (MS-DTYP §2.3.3): two DWORDs (low, high), 4-byte aligned: not an NDR hyper. */
  filetime(field: string): bigint {
    this.align(4);
    const lo = this.r.u32le(field);
    const hi = this.r.u32le(field);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  bytes(n: number, field: string): Uint8Array {
    return this.r.copy(n, field);
  }

  /** A pointer's referent ID (0 = null). */
  pointer(field: string): number {
    return this.u32(field);
  }

  /** Queues a referent to be read after the enclosing structure (see the file comment). */
  defer(fn: () => void, field: string): void {
    if (!this.r.ok) return;
    if (++this.deferredTotal > MAX_DEFERRED) {
      this.fail('too many deferred pointers', field, 'ERR_LIMIT');
      return;
    }
    this.queue.push(fn);
  }

  /** Runs the deferred referents, depth first. Call once after the top-level structure. */
  flush(): void {
    const q = this.queue;
    this.queue = [];
    for (const fn of q) {
      if (!this.r.ok) return;
      fn();
      this.flush();
    }
  }

  /** A conformance (MaxCount) for an array of `elemSize`-byte elements, checked against the bytes left. */
  conformance(elemSize: number, field: string): number {
    const n = this.u32(`${field}.MaxCount`);
    return this.r.count(n, elemSize, field);
  }

  /**
   * The deferred part of RPC_UNICODE_STRING (MS-DTYP §2.3.10): a conformant-varying WCHAR array
   * (MaxCount, Offset, ActualCount, then ActualCount UTF-16LE units).
   */
  wcharArray(field: string): { value: string; maxCount: number } {
    const maxCount = this.u32(`${field}.MaxCount`);
    const offset = this.u32(`${field}.Offset`);
    const actual = this.u32(`${field}.ActualCount`);
    if (!this.r.ok) return { value: '', maxCount: 0 };
    if (offset !== 0 || actual > maxCount) {
      this.fail(`bad conformant-varying array (max ${maxCount}, offset ${offset}, actual ${actual})`, field);
      return { value: '', maxCount: 0 };
    }
    const n = this.r.count(actual, 2, field);
    const b = this.r.take(n * 2, field);
    let s = '';
    for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] as number) | ((b[i + 1] as number) << 8));
    return { value: s, maxCount };
  }

  /** The referent of a PISID / PRPC_SID (MS-DTYP §2.4.2.3): conformance, then the SID with its sub-authorities. */
  sid(field: string): string {
    const max = this.u32(`${field}.MaxCount`);
    const revision = this.u8(`${field}.Revision`);
    const count = this.u8(`${field}.SubAuthorityCount`);
    const auth = this.r.take(6, `${field}.IdentifierAuthority`);
    if (!this.r.ok) return '';
    if (max !== count || count > SID_MAX_SUB_AUTHORITIES) {
      this.fail(`bad SID (MaxCount ${max}, SubAuthorityCount ${count})`, field);
      return '';
    }
    const sub: number[] = [];
    for (let i = 0; i < count; i++) sub.push(this.r.u32le(`${field}.SubAuthority`));
    return formatSid({ revision, authority: authorityFromBytes(auth), subAuthorities: sub });
  }

  /** Reads the MS-RPCE §2.2.6 type serialization version 1 headers; returns the ObjectBufferLength. */
  serializationHeader(field: string): number {
    const r = this.r;
    const version = r.u8(`${field}.Version`);
    const endianness = r.u8(`${field}.Endianness`);
    const hdrLen = r.u16le(`${field}.CommonHeaderLength`);
    r.u32le(`${field}.Filler`);
    const objectLen = r.u32le(`${field}.ObjectBufferLength`);
    r.u32le(`${field}.Filler2`);
    if (!r.ok) return 0;
    if (version !== 1) r.fail('ERR_UNSUPPORTED', `NDR serialization version ${version}`, `${field}.Version`);
    else if (endianness !== 0x10)
      r.fail('ERR_UNSUPPORTED', `NDR data representation 0x${endianness.toString(16)} (only little-endian)`, `${field}.Endianness`);
    else if (hdrLen !== 8) r.fail('ERR_BAD_VALUE', `common header length ${hdrLen}`, `${field}.CommonHeaderLength`);
    else if (objectLen > r.remaining)
      r.fail('ERR_TRUNCATED', 'object buffer longer than the data', `${field}.ObjectBufferLength`, {
        needed: objectLen,
        left: r.remaining,
      });
    return objectLen;
  }
}

export class NdrWriter {
  readonly w = new ByteWriter(512);
  private start = 0;
  private queue: Array<() => void> = [];
  private nextRef = 0x00020000;

  align(n: number): void {
    while ((this.w.length - this.start) % n) this.w.u8(0);
  }

  u8(v: number): void {
    this.w.u8(v);
  }

  u16(v: number): void {
    this.align(2);
    this.w.u16le(v);
  }

  u32(v: number): void {
    this.align(4);
    this.w.u32le(v >>> 0);
  }

  filetime(v: bigint): void {
    this.align(4);
    this.w.u64le(v);
  }

  bytes(b: Uint8Array): void {
    this.w.bytes(b);
  }

  /** Writes a referent ID (Windows numbers them 0x00020000, 0x00020004, ...) or 0 for null. */
  pointer(present: boolean): void {
    if (!present) {
      this.u32(0);
      return;
    }
    this.u32(this.nextRef);
    this.nextRef += 4;
  }

  defer(fn: () => void): void {
    this.queue.push(fn);
  }

  flush(): void {
    const q = this.queue;
    this.queue = [];
    for (const fn of q) {
      fn();
      this.flush();
    }
  }

  wcharArray(s: string, maxCount: number): void {
    this.u32(maxCount);
    this.u32(0);
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.w.u16le(s.charCodeAt(i));
  }

  sid(sid: string): void {
    const p = parseSid(sid);
    this.u32(p.subAuthorities.length);
    this.w.u8(p.revision);
    this.w.u8(p.subAuthorities.length);
    this.w.bytes(authorityToBytes(p.authority));
    for (const s of p.subAuthorities) this.w.u32le(s);
  }

  /**
   * Wraps `body` (which writes the top-level pointer and its referent) in the MS-RPCE §2.2.6 headers;
   * the object buffer is padded to a multiple of 8 as Windows does.
   */
  static serialize(body: (n: NdrWriter) => void): Uint8Array {
    const n = new NdrWriter();
    for (const b of COMMON_HEADER) n.w.u8(b);
    n.w.u32le(0); // ObjectBufferLength, patched below
    n.w.u32le(0);
    n.start = n.w.length;
    body(n);
    n.flush();
    n.align(8);
    const out = n.w.finish();
    const len = out.length - 16;
    out[8] = len & 0xff;
    out[9] = (len >>> 8) & 0xff;
    out[10] = (len >>> 16) & 0xff;
    out[11] = (len >>> 24) & 0xff;
    return out;
  }
}

/**
 * Decodes a type-serialized NDR buffer (MS-RPCE §2.2.6) whose top-level type is a unique pointer to a
 * structure: header, referent ID, structure, deferred referents. `read` reads the structure inline.
 */
export function decodeNdrTopLevel<T>(bytes: Uint8Array, base: number, field: string, read: (n: NdrReader) => T): T {
  const r = new ByteReader(bytes, base);
  const hdr = new NdrReader(r);
  const objectLen = hdr.serializationHeader(field);
  r.check();
  const body = r.sub(objectLen, field);
  const n = new NdrReader(body, 0);
  const ref = n.pointer(`${field}.ReferentID`);
  if (n.ok && ref === 0) n.fail('null top-level pointer', field);
  const v = read(n);
  n.flush();
  body.check();
  return v;
}

export function authorityFromBytes(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function authorityToBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(6);
  for (let i = 5; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Reads a plain (non-NDR) SID (MS-DTYP §2.4.2.2), as in PAC_REQUESTOR and UPN_DNS_INFO's Sid. */
export function readRawSid(r: ByteReader, field: string): string {
  const revision = r.u8(`${field}.Revision`);
  const count = r.u8(`${field}.SubAuthorityCount`);
  const auth = r.take(6, `${field}.IdentifierAuthority`);
  if (!r.ok) return '';
  if (count > SID_MAX_SUB_AUTHORITIES) {
    r.fail('ERR_BAD_VALUE', `SID with ${count} sub-authorities`, field);
    return '';
  }
  const sub: number[] = [];
  for (let i = 0; i < count; i++) sub.push(r.u32le(`${field}.SubAuthority`));
  return r.ok ? formatSid({ revision, authority: authorityFromBytes(auth), subAuthorities: sub }) : '';
}

export function writeRawSid(w: ByteWriter, sid: string): void {
  const p: SidParts = parseSid(sid);
  w.u8(p.revision);
  w.u8(p.subAuthorities.length);
  w.bytes(authorityToBytes(p.authority));
  for (const s of p.subAuthorities) w.u32le(s);
}
