/**
 * DER (ITU-T X.690) at the TLV level: tags, lengths, and the primitive types Kerberos and SPNEGO use.
 * Kerberos (RFC 4120 §5.2) requires DER; we read leniently where real implementations are sloppy
 * (non-minimal integers and lengths, any string type where GeneralString is expected) and always write DER.
 */
import { concatBytes, fromUtf8, utf8OrLatin1 } from './encoding.js';
import { DecodeError } from './errors.js';
import { ByteReader } from './reader.js';

export const TagClass = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;

export const Universal = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  GENERAL_STRING: 27,
  BMP_STRING: 30,
} as const;

/** One decoded TLV. `value` is a view into the input; offsets are absolute. */
export interface Tlv {
  cls: number;
  constructed: boolean;
  tag: number;
  /** Absolute offset of the identifier octet. */
  offset: number;
  headerLength: number;
  /** Absolute offset of the first content octet. */
  valueOffset: number;
  value: Uint8Array;
  /** The whole TLV (header + value), a view into the input. */
  der: Uint8Array;
}

const MAX_TAG_BYTES = 4;

/** Reads one TLV at the cursor. Sticky: returns undefined and records the error in `r` on bad input. */
export function readTlv(r: ByteReader, field?: string): Tlv | undefined {
  const start = r.pos;
  const offset = r.offset;
  const id = r.u8(field);
  if (!r.ok) return undefined;
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    // high-tag-number form, X.690 §8.1.2.4
    tag = 0;
    for (let i = 0; ; i++) {
      const b = r.u8(field);
      if (!r.ok) return undefined;
      if (i >= MAX_TAG_BYTES) {
        r.fail('ERR_BAD_TAG', 'tag number too large', field);
        return undefined;
      }
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  const lenOffset = r.offset;
  const first = r.u8(field);
  if (!r.ok) return undefined;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    r.error = new DecodeError('ERR_BAD_LENGTH', 'indefinite length (BER) is not allowed in DER', { field, offset: lenOffset });
    return undefined;
  } else {
    const n = first & 0x7f;
    if (n > 4) {
      r.error = new DecodeError('ERR_BAD_LENGTH', `length of ${n} octets is too large`, { field, offset: lenOffset });
      return undefined;
    }
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + r.u8(field);
    if (!r.ok) return undefined;
  }
  const left = r.bytes.length - r.pos;
  if (length > left) {
    r.error = new DecodeError('ERR_TRUNCATED', `value of ${length} bytes is longer than the input`, {
      field,
      offset: lenOffset,
      needed: length,
      left,
    });
    return undefined;
  }
  const headerLength = r.pos - start;
  const valueOffset = r.offset;
  const value = r.take(length, field);
  return { cls, constructed, tag, offset, headerLength, valueOffset, value, der: r.bytes.subarray(start, r.pos) };
}

/** Reads exactly one TLV from `bytes` (throws DecodeError; trailing bytes are an error unless allowed). */
export function decodeTlv(bytes: Uint8Array, field?: string, base = 0, allowTrailing = false): Tlv {
  const r = new ByteReader(bytes, base);
  const t = readTlv(r, field);
  if (!allowTrailing) r.expectEnd(field);
  r.check();
  return t as Tlv;
}

/** Reads every TLV inside a constructed value. */
export function childrenOf(t: Tlv, field?: string): Tlv[] {
  const r = new ByteReader(t.value, t.valueOffset);
  const out: Tlv[] = [];
  while (r.remaining > 0) {
    const c = readTlv(r, field);
    if (!c) break;
    out.push(c);
  }
  r.check();
  return out;
}

export function tagName(cls: number, tag: number, constructed?: boolean): string {
  if (cls === TagClass.UNIVERSAL) {
    const name = Object.entries(Universal).find(([, v]) => v === tag)?.[0];
    return name ? name.replace(/_/g, ' ') : `UNIVERSAL ${tag}`;
  }
  const c = cls === TagClass.APPLICATION ? 'APPLICATION ' : cls === TagClass.CONTEXT ? '' : 'PRIVATE ';
  return `[${c}${tag}]${constructed === undefined ? '' : ''}`;
}

function bad(t: Tlv, reason: string, field?: string): DecodeError {
  return new DecodeError('ERR_BAD_VALUE', reason, { field, offset: t.offset });
}

// ---- primitive decoders (from a TLV whose tag has been checked) ----

/** INTEGER as a JS number; values beyond ±2^53 are refused (Kerberos integers are 32-bit). */
export function intFrom(t: Tlv, field?: string): number {
  const v = t.value;
  if (v.length === 0) throw bad(t, 'empty INTEGER', field);
  if (v.length > 7) {
    // allow redundant leading sign octets (non-minimal encodings seen in the wild)
    let i = 0;
    while (
      i < v.length - 1 &&
      ((v[i] === 0 && ((v[i + 1] as number) & 0x80) === 0) || (v[i] === 0xff && ((v[i + 1] as number) & 0x80) !== 0))
    )
      i++;
    if (v.length - i > 7) throw new DecodeError('ERR_UNSUPPORTED', 'INTEGER too large', { field, offset: t.offset });
    return intFrom({ ...t, value: v.subarray(i) }, field);
  }
  // two's complement
  let u = 0;
  for (let i = 0; i < v.length; i++) u = u * 256 + (v[i] as number);
  return (v[0] as number) & 0x80 ? u - 2 ** (8 * v.length) : u;
}

export function boolFrom(t: Tlv, field?: string): boolean {
  if (t.value.length !== 1) throw bad(t, 'BOOLEAN must be one octet', field);
  return t.value[0] !== 0;
}

export function oidFrom(t: Tlv, field?: string): string {
  const v = t.value;
  if (v.length === 0) throw bad(t, 'empty OBJECT IDENTIFIER', field);
  const arcs: number[] = [];
  let acc = 0;
  let len = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    acc = acc * 128 + (b & 0x7f);
    len++;
    if (len > 8) throw bad(t, 'OBJECT IDENTIFIER arc too large', field);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = acc < 40 ? 0 : acc < 80 ? 1 : 2;
        arcs.push(first, acc - first * 40);
      } else arcs.push(acc);
      acc = 0;
      len = 0;
    }
  }
  if (len !== 0) throw bad(t, 'OBJECT IDENTIFIER ends inside an arc', field);
  return arcs.join('.');
}

/** Any ASN.1 character string; KerberosString is GeneralString but Windows and others send UTF-8 bytes in it. */
export function stringFrom(t: Tlv, field?: string): string {
  if (t.tag === Universal.BMP_STRING) {
    let s = '';
    for (let i = 0; i + 1 < t.value.length; i += 2) s += String.fromCharCode(((t.value[i] as number) << 8) | (t.value[i + 1] as number));
    return s;
  }
  void field;
  return utf8OrLatin1(t.value);
}

/**
 * KerberosTime ::= GeneralizedTime, "YYYYMMDDHHMMSSZ" (RFC 4120 §5.2.3). We also accept fractional seconds and
 * UTCTime, which some encoders emit. Returns a Date (ms precision).
 */
export function timeFrom(t: Tlv, field?: string): Date {
  const s = utf8OrLatin1(t.value);
  const m =
    t.tag === Universal.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,9}))?Z$/.exec(s);
  if (!m) throw bad(t, `invalid time "${s.slice(0, 32)}"`, field);
  let year = Number(m[1]);
  if (t.tag === Universal.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const frac = t.tag === Universal.UTC_TIME ? 0 : Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), frac);
  const d = new Date(ms);
  if (Number.isNaN(ms) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3]))
    throw bad(t, `invalid time "${s}"`, field);
  return d;
}

/**
 * BIT STRING as used by KerberosFlags (RFC 4120 §5.2.8): bit 0 is the most significant bit of the first octet.
 * Returned as an unsigned 32-bit number, the form Windows `klist` prints (e.g. 0x40e10000). Longer strings keep
 * their first 32 bits (RFC 4120 says receivers must accept them); shorter ones are zero-padded.
 */
export function flagsFrom(t: Tlv, field?: string): number {
  const v = t.value;
  if (v.length === 0) throw bad(t, 'BIT STRING without its unused-bits octet', field);
  if ((v[0] as number) > 7) throw bad(t, 'BIT STRING unused-bits octet > 7', field);
  let n = 0;
  for (let i = 0; i < 4; i++) n = n * 256 + (i + 1 < v.length ? (v[i + 1] as number) : 0);
  return n >>> 0;
}

// ---- encoders (always DER) ----

function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | out.length, ...out];
}

export function encodeTlv(cls: number, constructed: boolean, tag: number, value: Uint8Array): Uint8Array {
  const head: number[] = [];
  const first = (cls << 6) | (constructed ? 0x20 : 0);
  if (tag < 31) head.push(first | tag);
  else {
    const bytes: number[] = [];
    let t = tag;
    do {
      bytes.unshift(t & 0x7f);
      t = Math.floor(t / 128);
    } while (t > 0);
    for (let i = 0; i < bytes.length - 1; i++) bytes[i] = (bytes[i] as number) | 0x80;
    head.push(first | 0x1f, ...bytes);
  }
  head.push(...lengthOctets(value.length));
  const out = new Uint8Array(head.length + value.length);
  out.set(head, 0);
  out.set(value, head.length);
  return out;
}

export function encodeInt(n: number): Uint8Array {
  if (!Number.isSafeInteger(n)) throw new RangeError(`INTEGER ${n} is not a safe integer`);
  const bytes: number[] = [];
  let v = n;
  // two's complement, minimal
  for (;;) {
    const b = ((v % 256) + 256) % 256;
    bytes.unshift(b);
    v = Math.floor(v / 256);
    if ((v === 0 && (b & 0x80) === 0) || (v === -1 && (b & 0x80) !== 0)) break;
  }
  return encodeTlv(TagClass.UNIVERSAL, false, Universal.INTEGER, Uint8Array.from(bytes));
}

export function encodeBool(b: boolean): Uint8Array {
  return encodeTlv(TagClass.UNIVERSAL, false, Universal.BOOLEAN, Uint8Array.of(b ? 0xff : 0));
}

export function encodeOctets(b: Uint8Array): Uint8Array {
  return encodeTlv(TagClass.UNIVERSAL, false, Universal.OCTET_STRING, b);
}

export function encodeGeneralString(s: string): Uint8Array {
  return encodeTlv(TagClass.UNIVERSAL, false, Universal.GENERAL_STRING, fromUtf8(s));
}

export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new RangeError(`bad OID ${oid}`);
  const out: number[] = [];
  const push = (a: number) => {
    const b: number[] = [];
    do {
      b.unshift(a & 0x7f);
      a = Math.floor(a / 128);
    } while (a > 0);
    for (let i = 0; i < b.length - 1; i++) b[i] = (b[i] as number) | 0x80;
    out.push(...b);
  };
  push((arcs[0] as number) * 40 + (arcs[1] as number));
  for (const a of arcs.slice(2)) push(a);
  return encodeTlv(TagClass.UNIVERSAL, false, Universal.OID, Uint8Array.from(out));
}

/** KerberosTime: whole seconds, "YYYYMMDDHHMMSSZ". */
export function encodeTime(d: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const s = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return encodeTlv(TagClass.UNIVERSAL, false, Universal.GENERALIZED_TIME, fromUtf8(s));
}

/** KerberosFlags: always 32 bits (RFC 4120 §5.2.8: "at least 32 bits"). */
export function encodeFlags(n: number): Uint8Array {
  return encodeTlv(
    TagClass.UNIVERSAL,
    false,
    Universal.BIT_STRING,
    Uint8Array.of(0, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff),
  );
}

export function encodeSequence(children: Uint8Array[]): Uint8Array {
  return encodeTlv(TagClass.UNIVERSAL, true, Universal.SEQUENCE, concatBytes(...children));
}
