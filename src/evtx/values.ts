/**
 * Substitution values (MS-EVEN6 §3.1.4.7.x; the value types of EVT_VARIANT_TYPE in winevt.h) rendered as text the
 * way Windows renders them in XML (wevtutil qe /f:xml): decimal integers, `0x%08x` / `0x%016x` hex integers and
 * size_t, `{GUID}` in capitals, `S-1-...` SIDs, binary as capital hex, FILETIME/SYSTEMTIME as ISO 8601 UTC with
 * 100 ns digits. An array type (0x80 bit) renders its items one after another, comma-separated.
 */
import type { ChunkContext } from './binxml.js';

export interface ValueRef {
  /** EVT_VARIANT_TYPE (0x80 bit = array). */
  type: number;
  /** Offset of the value bytes inside the chunk. */
  offset: number;
  size: number;
}

export const VALUE_TYPES = {
  0: 'Null',
  1: 'String',
  2: 'AnsiString',
  3: 'SByte',
  4: 'Byte',
  5: 'Int16',
  6: 'UInt16',
  7: 'Int32',
  8: 'UInt32',
  9: 'Int64',
  10: 'UInt64',
  11: 'Single',
  12: 'Double',
  13: 'Boolean',
  14: 'Binary',
  15: 'Guid',
  16: 'SizeT',
  17: 'FileTime',
  18: 'SysTime',
  19: 'Sid',
  20: 'HexInt32',
  21: 'HexInt64',
  32: 'EvtHandle',
  33: 'BinXml',
  35: 'EvtXml',
} as const;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

const FIXED: Record<number, number> = {
  3: 1,
  4: 1,
  5: 2,
  6: 2,
  7: 4,
  8: 4,
  9: 8,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  15: 16,
  17: 8,
  18: 16,
  20: 4,
  21: 8,
};

/** Text of one substitution value. */
export function valueText(c: ChunkContext, v: ValueRef): string {
  const end = v.offset + v.size;
  if (end > c.bytes.length) c.fail('value runs past the chunk', 'value', v.offset, 'ERR_TRUNCATED');
  if (v.type & 0x80) return arrayText(c, v);
  return scalar(c, v.type, v.offset, v.size);
}

function arrayText(c: ChunkContext, v: ValueRef): string {
  return arrayItems(c, v).join(', ');
}

/** The items of an array value (type with the 0x80 bit) as text. */
export function arrayItems(c: ChunkContext, v: ValueRef): string[] {
  if (v.offset + v.size > c.bytes.length) c.fail('value runs past the chunk', 'value', v.offset, 'ERR_TRUNCATED');
  const base = v.type & 0x7f;
  const parts: string[] = [];
  if (base === 0x01) {
    // UTF-16 strings, each NUL-terminated
    let start = v.offset;
    const end = v.offset + (v.size & ~1);
    for (let p = v.offset; p < end; p += 2) {
      if (c.bytes[p] === 0 && c.bytes[p + 1] === 0) {
        parts.push(str16(c, start, p - start));
        start = p + 2;
      }
    }
    if (start < end) parts.push(str16(c, start, end - start));
  } else if (base === 0x02) {
    let start = v.offset;
    for (let p = v.offset; p < v.offset + v.size; p++)
      if (c.bytes[p] === 0) {
        parts.push(ansi(c, start, p - start));
        start = p + 1;
      }
    if (start < v.offset + v.size) parts.push(ansi(c, start, v.offset + v.size - start));
  } else {
    const w = base === 0x10 ? (v.size % 8 === 0 ? 8 : 4) : base === 0x13 ? 0 : FIXED[base];
    if (!w) return [hex(c, v.offset, v.size)];
    for (let p = v.offset; p + w <= v.offset + v.size; p += w) parts.push(scalar(c, base, p, w));
  }
  return parts;
}

function scalar(c: ChunkContext, type: number, o: number, size: number): string {
  const fixed = FIXED[type];
  if (fixed !== undefined && size < fixed) c.fail(`${size}-byte value of type 0x${type.toString(16)}`, 'value', o, 'ERR_TRUNCATED');
  const dv = c.view;
  switch (type) {
    case 0x00:
      return '';
    case 0x01:
      return str16(c, o, size);
    case 0x02:
      return ansi(c, o, size);
    case 0x03:
      return String(dv.getInt8(o));
    case 0x04:
      return String(dv.getUint8(o));
    case 0x05:
      return String(dv.getInt16(o, true));
    case 0x06:
      return String(dv.getUint16(o, true));
    case 0x07:
      return String(dv.getInt32(o, true));
    case 0x08:
      return String(dv.getUint32(o, true));
    case 0x09:
      return dv.getBigInt64(o, true).toString();
    case 0x0a:
      return dv.getBigUint64(o, true).toString();
    case 0x0b:
      return String(dv.getFloat32(o, true));
    case 0x0c:
      return String(dv.getFloat64(o, true));
    case 0x0d:
      return dv.getUint32(o, true) ? 'true' : 'false';
    case 0x0e:
      return hex(c, o, size);
    case 0x0f:
      return guidText(c.bytes, o);
    case 0x10:
      // size_t: decimal, as libevtx renders it (Windows' own XML shows 0x-hex for pointers)
      return size >= 8 ? dv.getBigUint64(o, true).toString() : String(dv.getUint32(o, true));
    case 0x11:
      return fileTimeParts(dv.getUint32(o, true), dv.getUint32(o + 4, true));
    case 0x12:
      return systemTimeText(dv, o);
    case 0x13:
      return sidText(c, o, size);
    case 0x14:
      return `0x${dv.getUint32(o, true).toString(16).padStart(8, '0')}`;
    case 0x15:
      return `0x${dv.getBigUint64(o, true).toString(16).padStart(16, '0')}`;
    default:
      return hex(c, o, size);
  }
}

function str16(c: ChunkContext, o: number, size: number): string {
  let n = size >>> 1;
  // values are usually NUL-terminated inside their size
  while (n > 0 && c.bytes[o + 2 * n - 2] === 0 && c.bytes[o + 2 * n - 1] === 0) n--;
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(c.bytes[o + 2 * i]! | (c.bytes[o + 2 * i + 1]! << 8));
  return s;
}

function ansi(c: ChunkContext, o: number, size: number): string {
  let n = size;
  while (n > 0 && c.bytes[o + n - 1] === 0) n--;
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(c.bytes[o + i]!);
  return s;
}

function hex(c: ChunkContext, o: number, size: number): string {
  let s = '';
  for (let i = 0; i < size; i++) s += HEX[c.bytes[o + i]!];
  return s;
}

/** {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}: Data1..3 little-endian, Data4 as bytes. */
export function guidText(b: Uint8Array, o: number): string {
  const h = (i: number) => HEX[b[o + i]!]!;
  return `{${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}}`;
}

/** S-R-A-S1-S2...: revision, identifier authority (48-bit big-endian), sub-authorities little-endian (MS-DTYP 2.4.2.2). */
function sidText(c: ChunkContext, o: number, size: number): string {
  if (size < 8) c.fail('SID shorter than 8 bytes', 'sid', o, 'ERR_TRUNCATED');
  const n = c.bytes[o + 1]!;
  if (8 + 4 * n > size) c.fail(`SID with ${n} sub-authorities in ${size} bytes`, 'sid', o, 'ERR_TRUNCATED');
  let auth = 0;
  for (let i = 2; i < 8; i++) auth = auth * 256 + c.bytes[o + i]!;
  let s = `S-${c.bytes[o]}-${auth}`;
  for (let i = 0; i < n; i++) s += `-${c.view.getUint32(o + 8 + 4 * i, true)}`;
  return s;
}

const EPOCH_DIFF = 116444736000000000n; // 100 ns intervals between 1601-01-01 and 1970-01-01

/** FILETIME (100 ns since 1601) → 2016-06-29T15:24:34.3460000Z (7 fractional digits, as Windows writes it). */
export function fileTimeText(ft: bigint): string {
  const unix100 = ft - EPOCH_DIFF;
  const frac = ((unix100 % 10000000n) + 10000000n) % 10000000n;
  // whole seconds, rounded down (BigInt division truncates toward zero: before 1970 that is a second late)
  const d = new Date(Number((unix100 - frac) / 10000n));
  if (Number.isNaN(d.getTime())) return `0x${ft.toString(16).padStart(16, '0')}`;
  const iso = d.toISOString();
  return `${iso.slice(0, 19)}.${frac.toString().padStart(7, '0')}Z`;
}

/**
 * The same text from the two 32-bit halves without BigInt (every record's TimeCreated goes through here): with
 * ft = hi·2³² + lo and 2³² = 429·10⁷ + 4967296, seconds = hi·429 + ⌊a/10⁷⌋ and the 100 ns digits a mod 10⁷, where
 * a = hi·4967296 + lo stays exact in a double while hi < 2²⁶ (FILETIMEs before the year 2200); later ones take BigInt.
 */
function fileTimeParts(lo: number, hi: number): string {
  if (hi >= 1 << 26) return fileTimeText((BigInt(hi) << 32n) | BigInt(lo));
  const a = hi * 4967296 + lo;
  const secs = hi * 429 + Math.floor(a / 10_000_000) - 11_644_473_600;
  const frac = a % 10_000_000;
  if (secs !== lastSecs) {
    const d = new Date(secs * 1000);
    if (Number.isNaN(d.getTime())) return fileTimeText((BigInt(hi) << 32n) | BigInt(lo));
    lastSecs = secs;
    lastPrefix = d.toISOString().slice(0, 19);
  }
  return `${lastPrefix}.${String(frac).padStart(7, '0')}Z`;
}

/** The last second rendered: records of a chunk are mostly written within the same few seconds. */
let lastSecs = Number.NaN;
let lastPrefix = '';

/** FILETIME → Date (millisecond precision), or undefined when out of range. */
export function fileTimeDate(ft: bigint): Date | undefined {
  const d = new Date(Number((ft - EPOCH_DIFF) / 10000n));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** SYSTEMTIME (MS-DTYP 2.3.13: year, month, day-of-week, day, hour, minute, second, milliseconds) as ISO 8601 UTC. */
function systemTimeText(dv: DataView, o: number): string {
  const f = (i: number) => dv.getUint16(o + 2 * i, true);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(f(0), 4)}-${p(f(1))}-${p(f(3))}T${p(f(4))}:${p(f(5))}:${p(f(6))}.${p(f(7), 3)}0000Z`;
}
