/**
 * Declarative ASN.1 (DER) schemas: each message is declared once, as data beside its ASN.1 text, and one generic
 * codec reads and writes it (the idea of Kerberos.NET's generated `Asn1/Entities/*.xml` codecs and MIT's
 * `asn1_k_encode.c` macro tables). Round trips hold by construction: the same declaration drives both directions.
 *
 * Decoding throws DecodeError with the field path ("ticket.enc-part.kvno") and the absolute offset.
 */
import {
  boolFrom,
  childrenOf,
  decodeTlv,
  encodeBool,
  encodeFlags,
  encodeGeneralString,
  encodeInt,
  encodeOctets,
  encodeOid,
  encodeSequence,
  encodeTime,
  encodeTlv,
  flagsFrom,
  intFrom,
  oidFrom,
  readTlv,
  stringFrom,
  TagClass,
  type Tlv,
  tagName,
  timeFrom,
  Universal,
} from './der.js';
import { DecodeError } from './errors.js';
import { ByteReader } from './reader.js';

export interface Tag {
  cls: number;
  tag: number;
}

export interface Asn1<T> {
  /** What the schema is called in error messages ("INTEGER", "Ticket"). */
  readonly name: string;
  /** The outer tag; undefined for ANY and CHOICE (they match any tag). */
  readonly tag: Tag | undefined;
  /** Decodes a TLV whose tag has already been matched. `path` names the field for errors. */
  fromTlv(t: Tlv, path: string): T;
  /** Encodes the value as a complete TLV. */
  encode(v: T): Uint8Array;
}

export type Infer<S> = S extends Asn1<infer T> ? T : never;

const U = (tag: number): Tag => ({ cls: TagClass.UNIVERSAL, tag });

function tagMatches(want: Tag | undefined, t: Tlv): boolean {
  return want === undefined || (want.cls === t.cls && want.tag === t.tag);
}

function wrongTag(want: Tag | undefined, t: Tlv, path: string, name: string): DecodeError {
  const w = want ? tagName(want.cls, want.tag) : name;
  return new DecodeError('ERR_BAD_TAG', `expected ${w}, found ${tagName(t.cls, t.tag)}`, { field: path || undefined, offset: t.offset });
}

/** Decodes a whole buffer with a schema (exactly one TLV; trailing bytes are an error unless allowed). */
export function decodeDer<T>(schema: Asn1<T>, bytes: Uint8Array, opts: { base?: number; allowTrailing?: boolean; path?: string } = {}): T {
  const path = opts.path ?? '';
  const t = decodeTlv(bytes, path || schema.name, opts.base ?? 0, opts.allowTrailing ?? false);
  if (!tagMatches(schema.tag, t)) throw wrongTag(schema.tag, t, path || schema.name, schema.name);
  return schema.fromTlv(t, path);
}

export function encodeDer<T>(schema: Asn1<T>, v: T): Uint8Array {
  return schema.encode(v);
}

function primitive<T>(name: string, tag: Tag, from: (t: Tlv, path: string) => T, enc: (v: T) => Uint8Array): Asn1<T> {
  return {
    name,
    tag,
    fromTlv(t, path) {
      if (t.constructed) throw new DecodeError('ERR_BAD_TAG', `${name} must be primitive`, { field: path || undefined, offset: t.offset });
      return from(t, path);
    },
    encode: enc,
  };
}

// ---- primitives ----

export const integer: Asn1<number> = primitive('INTEGER', U(Universal.INTEGER), (t, p) => intFrom(t, p), encodeInt);

/** Int32 (RFC 4120 §5.2.4). */
export const int32: Asn1<number> = primitive(
  'Int32',
  U(Universal.INTEGER),
  (t, p) => {
    const n = intFrom(t, p);
    if (n < -0x80000000 || n > 0x7fffffff)
      throw new DecodeError('ERR_BAD_VALUE', `Int32 out of range: ${n}`, { field: p, offset: t.offset });
    return n;
  },
  encodeInt,
);

/**
 * UInt32 (RFC 4120 §5.2.4). Deviation: Windows encodes kvno and nonce as *signed* 32-bit values, so a kvno above
 * 2^31 arrives negative (MIT `asn1_k_encode.c` accepts it the same way); we map -2^31..-1 onto 2^31..2^32-1.
 */
export const uint32: Asn1<number> = primitive(
  'UInt32',
  U(Universal.INTEGER),
  (t, p) => {
    const n = intFrom(t, p);
    if (n < -0x80000000 || n > 0xffffffff)
      throw new DecodeError('ERR_BAD_VALUE', `UInt32 out of range: ${n}`, { field: p, offset: t.offset });
    return n >>> 0;
  },
  encodeInt,
);

export const boolean: Asn1<boolean> = primitive('BOOLEAN', U(Universal.BOOLEAN), (t, p) => boolFrom(t, p), encodeBool);

export const enumerated: Asn1<number> = primitive(
  'ENUMERATED',
  U(Universal.ENUMERATED),
  (t, p) => intFrom(t, p),
  (n) => {
    const i = encodeInt(n);
    i[0] = Universal.ENUMERATED;
    return i;
  },
);

export const octetString: Asn1<Uint8Array> = primitive('OCTET STRING', U(Universal.OCTET_STRING), (t) => t.value.slice(), encodeOctets);

export const oid: Asn1<string> = primitive('OBJECT IDENTIFIER', U(Universal.OID), (t, p) => oidFrom(t, p), encodeOid);

export const nullValue: Asn1<null> = primitive(
  'NULL',
  U(Universal.NULL),
  () => null,
  () => encodeTlv(0, false, Universal.NULL, new Uint8Array(0)),
);

/** KerberosString ::= GeneralString (IA5String) — RFC 4120 §5.2.1. Reads any string type; writes GeneralString. */
export const kerberosString: Asn1<string> = {
  name: 'KerberosString',
  tag: U(Universal.GENERAL_STRING),
  fromTlv(t, p) {
    return stringFrom(t, p);
  },
  encode: encodeGeneralString,
};

/** Accepts any universal string type on read (GeneralString, IA5, UTF8, Printable, Visible, BMP). */
export const anyString: Asn1<string> = {
  name: 'string',
  tag: undefined,
  fromTlv(t, p) {
    if (t.cls !== TagClass.UNIVERSAL || t.constructed || ![12, 19, 22, 26, 27, 30].includes(t.tag))
      throw wrongTag(U(Universal.GENERAL_STRING), t, p, 'string');
    return stringFrom(t, p);
  },
  encode: encodeGeneralString,
};

/** KerberosTime ::= GeneralizedTime (RFC 4120 §5.2.3). */
export const kerberosTime: Asn1<Date> = {
  name: 'KerberosTime',
  tag: U(Universal.GENERALIZED_TIME),
  fromTlv(t, p) {
    return timeFrom(t, p);
  },
  encode: encodeTime,
};

/** KerberosFlags ::= BIT STRING (SIZE (32..MAX)) as an unsigned 32-bit number (RFC 4120 §5.2.8). */
export const kerberosFlags: Asn1<number> = primitive('KerberosFlags', U(Universal.BIT_STRING), (t, p) => flagsFrom(t, p), encodeFlags);

/** ANY: the whole TLV, undecoded (a copy). */
export const any: Asn1<Uint8Array> = {
  name: 'ANY',
  tag: undefined,
  fromTlv(t) {
    return t.der.slice();
  },
  encode(v) {
    return v;
  },
};

// ---- tagging ----

function explicitTag<T>(cls: number, n: number, inner: Asn1<T>, name?: string): Asn1<T> {
  const label = name ?? inner.name;
  return {
    name: label,
    tag: { cls, tag: n },
    fromTlv(t, path) {
      if (!t.constructed)
        throw new DecodeError('ERR_BAD_TAG', `explicit tag ${tagName(cls, n)} must be constructed`, {
          field: path || undefined,
          offset: t.offset,
        });
      const r = new ByteReader(t.value, t.valueOffset);
      const c = readTlv(r, path || label);
      r.expectEnd(path || label);
      r.check();
      const child = c as Tlv;
      if (!tagMatches(inner.tag, child)) throw wrongTag(inner.tag, child, path || label, inner.name);
      return inner.fromTlv(child, path);
    },
    encode(v) {
      return encodeTlv(cls, true, n, inner.encode(v));
    },
  };
}

/** [n] EXPLICIT (context-specific). */
export function explicit<T>(n: number, inner: Asn1<T>): Asn1<T> {
  return explicitTag(TagClass.CONTEXT, n, inner);
}

/** [APPLICATION n] EXPLICIT, e.g. `Ticket ::= [APPLICATION 1] SEQUENCE {...}`. */
export function application<T>(n: number, inner: Asn1<T>, name?: string): Asn1<T> {
  return explicitTag(TagClass.APPLICATION, n, inner, name ?? inner.name);
}

/** [n] IMPLICIT for primitive inner types (the inner tag is replaced). */
export function implicit<T>(n: number, inner: Asn1<T>, cls: number = TagClass.CONTEXT): Asn1<T> {
  return {
    name: inner.name,
    tag: { cls, tag: n },
    fromTlv(t, path) {
      const it = inner.tag ?? { cls: TagClass.UNIVERSAL, tag: 0 };
      return inner.fromTlv({ ...t, cls: it.cls, tag: it.tag }, path);
    },
    encode(v) {
      const der = inner.encode(v);
      const t = decodeTlv(der);
      return encodeTlv(cls, t.constructed, n, t.value);
    },
  };
}

// ---- constructed ----

export interface FieldSpec<T, O extends boolean> {
  tag: number;
  schema: Asn1<T>;
  optional: O;
  /** The ASN.1 name, used in error paths ("enc-part"). */
  asn1Name?: string;
}

/** A required field with an explicit context tag: `name [tag] Type`. */
export function field<T>(tag: number, schema: Asn1<T>, asn1Name?: string): FieldSpec<T, false> {
  return { tag, schema, optional: false, asn1Name };
}

/** An OPTIONAL field with an explicit context tag. */
export function optional<T>(tag: number, schema: Asn1<T>, asn1Name?: string): FieldSpec<T, true> {
  return { tag, schema, optional: true, asn1Name };
}

type Fields = Record<string, FieldSpec<unknown, boolean>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K] extends FieldSpec<unknown, false> ? K : never }[keyof F];
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends FieldSpec<unknown, true> ? K : never }[keyof F];
export type SeqOf<F extends Fields> = Simplify<
  { [K in RequiredKeys<F>]: F[K] extends FieldSpec<infer T, boolean> ? T : never } & {
    [K in OptionalKeys<F>]?: F[K] extends FieldSpec<infer T, boolean> ? T : never;
  }
>;

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * SEQUENCE whose components all carry explicit context tags (the Kerberos and SPNEGO style).
 * Decoding is lenient the way RFC 4120's extensibility markers require: unknown tags are skipped.
 */
export function sequence<F extends Fields>(name: string, fields: F): Asn1<SeqOf<F>> {
  const entries = Object.entries(fields) as [string, FieldSpec<unknown, boolean>][];
  const byTag = new Map<number, [string, FieldSpec<unknown, boolean>]>();
  for (const e of entries) byTag.set(e[1].tag, e);
  return {
    name,
    tag: U(Universal.SEQUENCE),
    fromTlv(t, path) {
      if (!t.constructed)
        throw new DecodeError('ERR_BAD_TAG', `${name} must be a constructed SEQUENCE`, { field: path || undefined, offset: t.offset });
      const out: Record<string, unknown> = {};
      for (const c of childrenOf(t, path || name)) {
        if (c.cls !== TagClass.CONTEXT) {
          throw new DecodeError('ERR_BAD_TAG', `unexpected ${tagName(c.cls, c.tag)} in ${name}`, { field: path || name, offset: c.offset });
        }
        const e = byTag.get(c.tag);
        if (!e) continue; // an extension we do not know
        const [key, spec] = e;
        const fpath = path ? `${path}.${spec.asn1Name ?? kebab(key)}` : (spec.asn1Name ?? kebab(key));
        if (key in out) throw new DecodeError('ERR_BAD_VALUE', `field [${c.tag}] appears twice`, { field: fpath, offset: c.offset });
        out[key] = explicit(spec.tag, spec.schema).fromTlv(c, fpath);
      }
      for (const [key, spec] of entries) {
        if (!spec.optional && !(key in out)) {
          const fpath = path ? `${path}.${spec.asn1Name ?? kebab(key)}` : (spec.asn1Name ?? kebab(key));
          throw new DecodeError('ERR_BAD_VALUE', `required field [${spec.tag}] is missing from ${name}`, {
            field: fpath,
            offset: t.offset,
          });
        }
      }
      return out as SeqOf<F>;
    },
    encode(v) {
      const rec = v as Record<string, unknown>;
      const parts: Uint8Array[] = [];
      for (const [key, spec] of [...entries].sort((a, b) => a[1].tag - b[1].tag)) {
        const fv = rec[key];
        if (fv === undefined) {
          if (!spec.optional) throw new TypeError(`${name}.${key} is required`);
          continue;
        }
        parts.push(encodeTlv(TagClass.CONTEXT, true, spec.tag, spec.schema.encode(fv)));
      }
      return encodeSequence(parts);
    },
  };
}

/** SEQUENCE OF T. */
export function sequenceOf<T>(item: Asn1<T>, name = `SEQUENCE OF ${item.name}`): Asn1<T[]> {
  return {
    name,
    tag: U(Universal.SEQUENCE),
    fromTlv(t, path) {
      if (!t.constructed)
        throw new DecodeError('ERR_BAD_TAG', `${name} must be constructed`, { field: path || undefined, offset: t.offset });
      return childrenOf(t, path || name).map((c, i) => {
        const p = `${path || name}[${i}]`;
        if (!tagMatches(item.tag, c)) throw wrongTag(item.tag, c, p, item.name);
        return item.fromTlv(c, p);
      });
    },
    encode(v) {
      return encodeSequence(v.map((x) => item.encode(x)));
    },
  };
}

/** Maps a schema's value to another type (e.g. numbers to enum names) without changing the bytes. */
export function mapped<A, B>(inner: Asn1<A>, name: string, to: (a: A, t: Tlv, path: string) => B, from: (b: B) => A): Asn1<B> {
  return {
    name,
    tag: inner.tag,
    fromTlv(t, path) {
      return to(inner.fromTlv(t, path), t, path);
    },
    encode(v) {
      return inner.encode(from(v));
    },
  };
}

/** CHOICE between alternatives told apart by their tags. */
export function choice<C extends Record<string, Asn1<unknown>>>(
  name: string,
  alts: C,
): Asn1<{ [K in keyof C]: { type: K; value: Infer<C[K]> } }[keyof C]> {
  const list = Object.entries(alts);
  return {
    name,
    tag: undefined,
    fromTlv(t, path) {
      for (const [k, s] of list) {
        if (tagMatches(s.tag, t)) return { type: k, value: s.fromTlv(t, path) } as never;
      }
      throw new DecodeError('ERR_BAD_TAG', `${tagName(t.cls, t.tag)} is none of the ${name} alternatives`, {
        field: path || name,
        offset: t.offset,
      });
    },
    encode(v) {
      const s = alts[v.type as keyof C] as Asn1<unknown>;
      return s.encode(v.value);
    },
  };
}

/**
 * Keeps the exact DER of a decoded value beside it, for fields that must be reused byte for byte
 * (a Ticket copied into a ccache, a KDC-REQ-BODY covered by a checksum).
 */
const derOfValue = new WeakMap<object, Uint8Array>();

export function keepDer<T extends object>(inner: Asn1<T>): Asn1<T> {
  return {
    name: inner.name,
    tag: inner.tag,
    fromTlv(t, path) {
      const v = inner.fromTlv(t, path);
      derOfValue.set(v, t.der.slice());
      return v;
    },
    encode: inner.encode,
  };
}

/** The DER a value was decoded from, when its schema was wrapped in `keepDer`. */
export function derOf(v: object): Uint8Array | undefined {
  return derOfValue.get(v);
}

export { TagClass, Universal };
