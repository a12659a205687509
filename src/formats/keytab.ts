/**
 * MIT FILE keytab, versions 1 (0x0501) and 2 (0x0502): MIT `doc/formats/keytab_file_format.rst` and
 * `src/lib/krb5/keytab/kt_file.c` (`krb5_ktfileint_internal_read_entry`, `krb5_ktfileint_write_entry`).
 *
 *   keytab ::= 0x05 version (8 bits: 1 or 2) record*
 *   record ::= size (signed 32 bits)
 *              size > 0: entry, then zero padding up to `size` bytes
 *              size < 0: a zero-filled hole of -size bytes (a deleted entry), skipped
 *              size = 0: end of the keytab (MIT stops reading here)
 *   entry ::=
 *     count of components (16 bits) [includes the realm in version 1]
 *     realm (data)
 *     component1 (data) component2 (data) ...
 *     name type (32 bits) [omitted in version 1]
 *     timestamp (32 bits)
 *     key version (8 bits)
 *     enctype (16 bits)
 *     key length (16 bits)
 *     key contents
 *     [32-bit key version, if at least 4 bytes of the record are left; overrides the 8-bit one when non-zero]
 *   data ::= length (16 bits) value (length bytes)
 *
 * Version 1 uses the writer's native byte order (little-endian on every machine that still matters; we detect it),
 * version 2 is big-endian. MIT reads the 16-bit counts and lengths as signed and treats a count or length <= 0 as the
 * end of the keytab; we report such a record as an error and go on with the next record, since its size is known.
 *
 * The 32-bit kvno extension: MIT 1.14+ writes it after every entry (`ktadd`, `ktutil`) and reads it when present;
 * Windows `ktpass` and older writers do not. It is how kvnos above 255 (common on AD accounts whose passwords
 * changed often) survive in a keytab.
 */
import { fromUtf8, toHex, utf8OrLatin1 } from '../wire/encoding.js';
import { DecodeError } from '../wire/errors.js';
import { ByteReader } from '../wire/reader.js';
import { ByteWriter } from '../wire/writer.js';
import {
  type ByteOrder,
  decodeEitherByteOrder,
  type FileDecodeProblem,
  type IntIO,
  intIO,
  maskKey,
  type Principal,
  readFileFormatVersion,
  secondsFromTime,
  timeFromSeconds,
  withMaskedJSON,
} from './common.js';

export const KEYTAB_V1 = 0x0501;
export const KEYTAB_V2 = 0x0502;

/** How an entry sat in the file; the encoder reuses it so that an unchanged entry is written back byte for byte. */
export interface KeytabEntryLayout {
  /** Absolute offset of the record's size field. */
  offset: number;
  /** The record size (entry + 32-bit kvno + padding). */
  recordSize: number;
  /** The 8-bit kvno as stored. */
  kvno8: number;
  /** The 32-bit kvno extension as stored (0 = zero fill), absent when the record had no room for it. */
  kvno32?: number;
}

export interface KeytabEntry {
  principal: Principal;
  /** When the entry was written (MIT: time of `ktadd`). */
  timestamp: Date;
  /** The effective key version: the 32-bit extension when present and non-zero, else the 8-bit field. */
  kvno: number;
  enctype: number;
  /** The key. A secret: `JSON.stringify` masks it; use `keytabToJSON(kt, { showSecrets: true })` to see it. */
  key: Uint8Array;
  layout?: KeytabEntryLayout;
}

export interface KeytabHole {
  offset: number;
  /** Bytes in the hole (after its size field). */
  size: number;
}

export interface Keytab {
  version: 1 | 2;
  /** Byte order of the integers: always 'be' for version 2; detected for version 1. */
  byteOrder: ByteOrder;
  entries: KeytabEntry[];
  holes: KeytabHole[];
  /** Records that could not be decoded; the entries before and after them are still returned. */
  errors: FileDecodeProblem[];
  /** Offset of a zero size field (the end mark) followed by bytes MIT never reads, if any. */
  trailing?: { offset: number; length: number };
}

export interface DecodeKeytabOptions {
  /** Byte order of a version 1 keytab; by default both are tried and the one that decodes cleanly wins. */
  byteOrder?: ByteOrder;
}

/**
 * Decodes a keytab. Throws DecodeError only when the bytes are not a keytab at all (bad magic or version);
 * a corrupt record is recorded in `errors` and every other decodable entry is still returned.
 */
export function decodeKeytab(bytes: Uint8Array, opts: DecodeKeytabOptions = {}): Keytab {
  const version = readFileFormatVersion(bytes, 'keytab', [1, 2]);
  if (version === 2) return decodeBody(bytes, 2, 'be');
  return decodeEitherByteOrder(
    (o) => decodeBody(bytes, 1, o),
    (k) => k.entries.length,
    opts.byteOrder,
  );
}

const i16 = (n: number) => (n << 16) >> 16;

function decodeBody(bytes: Uint8Array, version: 1 | 2, byteOrder: ByteOrder): Keytab {
  const io = intIO(byteOrder);
  const r = new ByteReader(bytes);
  r.skip(2);
  const kt: Keytab = { version, byteOrder, entries: [], holes: [], errors: [] };
  while (r.remaining > 0) {
    const offset = r.offset;
    if (r.remaining < 4) {
      // MIT: a short read of the size field is the end of the keytab.
      kt.trailing = { offset, length: r.remaining };
      break;
    }
    const size = io.i32(r, 'record.size');
    if (size === 0) {
      if (r.remaining > 0) kt.trailing = { offset, length: r.remaining + 4 };
      break;
    }
    if (size < 0) {
      if (size === -0x80000000) {
        kt.errors.push({ offset, error: new DecodeError('ERR_BAD_LENGTH', 'hole size -2^31', { field: 'record.size', offset }) });
        break;
      }
      if (-size > r.remaining) {
        kt.errors.push({
          offset,
          error: new DecodeError('ERR_TRUNCATED', `hole of ${-size} bytes runs past the end`, {
            field: 'hole',
            offset,
            needed: -size,
            left: r.remaining,
          }),
        });
        break;
      }
      kt.holes.push({ offset, size: -size });
      r.skip(-size);
      continue;
    }
    if (size > r.remaining) {
      // The record claims more than the file holds: decode what is there (MIT does the same: it reads the entry and
      // only fails if the entry itself is cut), and stop after it.
      const sub = new ByteReader(r.take(r.remaining), r.offset);
      // the layout records what is really there, so re-encoding cannot blow the forged size up into an allocation
      const e = readEntry(sub, version, io, offset, sub.bytes.length);
      if (e instanceof DecodeError) kt.errors.push({ offset, error: e });
      else {
        kt.entries.push(e);
        kt.errors.push({
          offset,
          error: new DecodeError('ERR_TRUNCATED', `record of ${size} bytes runs past the end`, {
            field: 'record.size',
            offset,
            needed: size,
            left: sub.bytes.length,
          }),
        });
      }
      break;
    }
    const sub = r.sub(size, 'record');
    const e = readEntry(sub, version, io, offset, size);
    if (e instanceof DecodeError) kt.errors.push({ offset, error: e });
    else kt.entries.push(e);
  }
  return kt;
}

function readData(r: ByteReader, io: IntIO, field: string): string {
  const at = r.offset;
  const len = i16(io.u16(r, `${field}.length`));
  if (!r.ok) return '';
  if (len <= 0) {
    r.error = new DecodeError('ERR_BAD_LENGTH', `${len === 0 ? 'empty' : 'negative length'} ${field} (MIT ends the keytab here)`, {
      field,
      offset: at,
    });
    return '';
  }
  return utf8OrLatin1(r.take(len, field));
}

function readEntry(r: ByteReader, version: 1 | 2, io: IntIO, offset: number, recordSize: number): KeytabEntry | DecodeError {
  const countAt = r.offset;
  let count = i16(io.u16(r, 'principal.count'));
  if (version === 1) count -= 1; // v1 counts the realm
  if (r.ok && count <= 0)
    r.error = new DecodeError('ERR_BAD_VALUE', `principal with ${count} components`, { field: 'principal.count', offset: countAt });
  count = r.count(count, 3, 'principal.count'); // each component: 2-byte length + at least 1 byte
  const realm = readData(r, io, 'principal.realm');
  const components: string[] = [];
  for (let i = 0; i < count && r.ok; i++) components.push(readData(r, io, `principal.components[${i}]`));
  const nameType = version === 2 ? io.i32(r, 'principal.name-type') : 0;
  const timestamp = timeFromSeconds(io.u32(r, 'timestamp'));
  const kvno8 = r.u8('kvno');
  const enctype = i16(io.u16(r, 'key.enctype'));
  const keyAt = r.offset;
  const keyLength = i16(io.u16(r, 'key.length'));
  if (r.ok && keyLength <= 0)
    r.error = new DecodeError('ERR_BAD_LENGTH', `key length ${keyLength}`, { field: 'key.length', offset: keyAt });
  const key = r.copy(Math.max(keyLength, 0), 'key.contents');
  let kvno = kvno8;
  let kvno32: number | undefined;
  if (r.remaining >= 4) {
    kvno32 = io.u32(r, 'kvno32');
    if (kvno32 !== 0) kvno = kvno32;
  }
  if (r.error) return r.error;
  const layout: KeytabEntryLayout = { offset, recordSize, kvno8 };
  if (kvno32 !== undefined) layout.kvno32 = kvno32;
  return maskEntry({ principal: { realm, components, nameType }, timestamp, kvno, enctype, key, layout });
}

function maskEntry(e: KeytabEntry): KeytabEntry {
  return withMaskedJSON(e, (c) => {
    c.key = maskKey(e.key);
  });
}

/** What the encoder needs of an entry (a decoded entry fits; `timestamp` defaults to the epoch). */
export interface KeytabEntryInput {
  principal: Principal;
  timestamp?: Date;
  kvno: number;
  enctype: number;
  key: Uint8Array;
  layout?: KeytabEntryLayout;
}

export interface EncodeKeytabOptions {
  /** 2 (default, big-endian) or 1 (native order, see `byteOrder`). */
  version?: 1 | 2;
  /** Byte order for version 1 (default little-endian). */
  byteOrder?: ByteOrder;
  /**
   * The 32-bit kvno extension: 'auto' (default) writes it when the kvno does not fit in 8 bits, or where a decoded
   * entry had it; 'always' writes it after every entry as MIT's `ktadd` does; 'never' refuses kvnos above 255.
   */
  kvno32?: 'auto' | 'always' | 'never';
}

/** Encodes a keytab (holes are not written: the result is compacted). Throws RangeError for values that do not fit. */
export function encodeKeytab(
  kt: { version?: 1 | 2; byteOrder?: ByteOrder; entries: readonly KeytabEntryInput[] },
  opts: EncodeKeytabOptions = {},
): Uint8Array {
  const version = opts.version ?? kt.version ?? 2;
  const io = intIO(version === 2 ? 'be' : (opts.byteOrder ?? (kt.version === 1 ? kt.byteOrder : undefined) ?? 'le'));
  const w = new ByteWriter(1024);
  w.u8(5).u8(version);
  for (const e of kt.entries) writeEntry(w, e, version, io, opts.kvno32 ?? 'auto');
  return w.finish();
}

function dataBytes(s: string, field: string): Uint8Array {
  const b = fromUtf8(s);
  if (b.length === 0 || b.length > 0x7fff) throw new RangeError(`${field}: ${b.length} bytes does not fit a keytab (1..32767)`);
  return b;
}

function writeEntry(out: ByteWriter, e: KeytabEntryInput, version: 1 | 2, io: IntIO, mode: 'auto' | 'always' | 'never'): void {
  if (!Number.isInteger(e.kvno) || e.kvno < 0 || e.kvno > 0xffffffff)
    throw new RangeError(`kvno ${e.kvno} is not a 32-bit unsigned integer`);
  if (mode === 'never' && e.kvno > 255) throw new RangeError(`kvno ${e.kvno} needs the 32-bit kvno extension`);
  if (e.key.length === 0 || e.key.length > 0x7fff) throw new RangeError(`key of ${e.key.length} bytes does not fit a keytab`);
  const comps = e.principal.components;
  if (comps.length === 0 || comps.length + 1 > 0x7fff) throw new RangeError(`principal with ${comps.length} components`);
  const l = e.layout;
  const layoutMatches = l !== undefined && (l.kvno32 ? l.kvno32 : l.kvno8) === e.kvno;
  const w = new ByteWriter(128);
  io.w16(w, comps.length + (version === 1 ? 1 : 0));
  for (const [i, s] of [e.principal.realm, ...comps].entries()) {
    const b = dataBytes(s, i === 0 ? 'realm' : `component ${i}`);
    io.w16(w, b.length);
    w.bytes(b);
  }
  if (version === 2) io.w32(w, e.principal.nameType);
  io.w32(w, secondsFromTime(e.timestamp ?? new Date(0)));
  w.u8(layoutMatches ? l.kvno8 : e.kvno & 0xff);
  io.w16(w, e.enctype & 0xffff);
  io.w16(w, e.key.length);
  w.bytes(e.key);
  if (mode === 'always') io.w32(w, e.kvno);
  else if (mode === 'auto') {
    if (layoutMatches && l.kvno32 !== undefined) io.w32(w, l.kvno32);
    else if (e.kvno > 255) io.w32(w, e.kvno);
  }
  const body = w.finish();
  // Reuse a decoded record's padding (at most 64 KiB of it: a layout is a hint, not a licence to allocate).
  const size = Math.max(body.length, layoutMatches ? Math.min(l.recordSize, body.length + 0x10000) : 0);
  io.w32(out, size);
  out.bytes(body);
  if (size > body.length) out.bytes(new Uint8Array(size - body.length));
}

/** A JSON-ready view of a keytab; keys are masked unless `showSecrets`. */
export function keytabToJSON(kt: Keytab, opts: { showSecrets?: boolean } = {}): Record<string, unknown> {
  return {
    version: kt.version,
    byteOrder: kt.byteOrder,
    entries: kt.entries.map((e) => ({
      principal: e.principal,
      timestamp: e.timestamp.toISOString(),
      kvno: e.kvno,
      enctype: e.enctype,
      key: opts.showSecrets ? toHex(e.key) : maskKey(e.key),
      offset: e.layout?.offset,
    })),
    holes: kt.holes,
    errors: kt.errors.map((p) => ({ offset: p.offset, error: p.error.toJSON() })),
  };
}
