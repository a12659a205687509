/**
 * The BER subset LDAP needs (RFC 4511 §5.1: definite lengths only, OCTET STRING and SEQUENCE primitive/constructed as
 * the grammar says), on kerbscope's DER layer. We write DER (a valid BER) and read what Active Directory and Samba send:
 * long-form lengths that are not minimal, BOOLEAN TRUE as any non-zero octet. Pure, no I/O.
 */
import { encodeTlv, intFrom, readTlv, TagClass, type Tlv, Universal } from '../../wire/der.js';
import { concatBytes, fromUtf8, utf8OrLatin1 } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';

export const app = (tag: number, constructed: boolean, ...v: Uint8Array[]) =>
  encodeTlv(TagClass.APPLICATION, constructed, tag, concatBytes(...v));
export const ctx = (tag: number, constructed: boolean, ...v: Uint8Array[]) =>
  encodeTlv(TagClass.CONTEXT, constructed, tag, concatBytes(...v));
export const seq = (...v: Uint8Array[]) => encodeTlv(TagClass.UNIVERSAL, true, Universal.SEQUENCE, concatBytes(...v));
export const set = (...v: Uint8Array[]) => encodeTlv(TagClass.UNIVERSAL, true, Universal.SET, concatBytes(...v));
export const octets = (s: string | Uint8Array) =>
  encodeTlv(TagClass.UNIVERSAL, false, Universal.OCTET_STRING, typeof s === 'string' ? fromUtf8(s) : s);
export const enumerated = (n: number) => {
  const i = encodeInteger(n);
  i[0] = Universal.ENUMERATED;
  return i;
};
export const bool = (b: boolean) => encodeTlv(TagClass.UNIVERSAL, false, Universal.BOOLEAN, Uint8Array.of(b ? 0xff : 0));

export function encodeInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  let v = n;
  for (;;) {
    const b = ((v % 256) + 256) % 256;
    bytes.unshift(b);
    v = Math.floor(v / 256);
    if ((v === 0 && (b & 0x80) === 0) || (v === -1 && (b & 0x80) !== 0)) break;
  }
  return encodeTlv(TagClass.UNIVERSAL, false, Universal.INTEGER, Uint8Array.from(bytes));
}

/** A cursor over the children of one constructed value, with the field path for errors. */
export class BerCursor {
  readonly r: ByteReader;
  constructor(
    readonly parent: Tlv,
    readonly path: string,
  ) {
    this.r = new ByteReader(parent.value, parent.valueOffset);
  }

  get done(): boolean {
    return this.r.remaining === 0;
  }

  /** The next child's class/tag without consuming it (undefined at the end). */
  peek(): { cls: number; tag: number; constructed: boolean } | undefined {
    const b = this.r.peekU8();
    if (b === undefined) return undefined;
    return { cls: b >> 6, tag: b & 0x1f, constructed: (b & 0x20) !== 0 };
  }

  /** The next child, which must have this class and tag. */
  next(cls: number, tag: number, field: string): Tlv {
    const f = `${this.path}.${field}`;
    if (this.done)
      throw new DecodeError('ERR_TRUNCATED', `${field} is missing`, {
        field: f,
        offset: this.parent.valueOffset + this.parent.value.length,
      });
    const t = readTlv(this.r, f);
    if (!t) throw this.r.error as DecodeError;
    if (t.cls !== cls || t.tag !== tag)
      throw new DecodeError('ERR_BAD_TAG', `expected ${tagText(cls, tag)}, found ${tagText(t.cls, t.tag)}`, { field: f, offset: t.offset });
    return t;
  }

  /** The next child whatever its tag. */
  any(field: string): Tlv {
    const f = `${this.path}.${field}`;
    if (this.done)
      throw new DecodeError('ERR_TRUNCATED', `${field} is missing`, {
        field: f,
        offset: this.parent.valueOffset + this.parent.value.length,
      });
    const t = readTlv(this.r, f);
    if (!t) throw this.r.error as DecodeError;
    return t;
  }

  optional(cls: number, tag: number, field: string): Tlv | undefined {
    const p = this.peek();
    return p && p.cls === cls && p.tag === tag ? this.next(cls, tag, field) : undefined;
  }

  int(field: string): number {
    return intFrom(this.next(TagClass.UNIVERSAL, Universal.INTEGER, field), `${this.path}.${field}`);
  }

  enumerated(field: string): number {
    const t = this.next(TagClass.UNIVERSAL, Universal.ENUMERATED, field);
    return intFrom(t, `${this.path}.${field}`);
  }

  bool(field: string): boolean {
    const t = this.next(TagClass.UNIVERSAL, Universal.BOOLEAN, field);
    if (t.value.length !== 1)
      throw new DecodeError('ERR_BAD_VALUE', 'BOOLEAN must be one octet', { field: `${this.path}.${field}`, offset: t.offset });
    return t.value[0] !== 0;
  }

  octets(field: string): Uint8Array {
    return this.next(TagClass.UNIVERSAL, Universal.OCTET_STRING, field).value.slice();
  }

  string(field: string): string {
    return utf8OrLatin1(this.next(TagClass.UNIVERSAL, Universal.OCTET_STRING, field).value);
  }

  /** Extensibility (RFC 4511 §4): elements after the known ones are ignored, as the RFC asks of receivers. */
  end(): void {
    this.r.check();
  }
}

export function tagText(cls: number, tag: number): string {
  const c = ['UNIVERSAL', 'APPLICATION', 'CONTEXT', 'PRIVATE'][cls] ?? '?';
  if (cls === TagClass.UNIVERSAL) {
    const name = Object.entries(Universal).find(([, v]) => v === tag)?.[0];
    if (name) return name.replace(/_/g, ' ');
  }
  return `[${c} ${tag}]`;
}

/** Reads one TLV that must be constructed (a SEQUENCE, SET, or an APPLICATION/CONTEXT tag over one). */
export function constructed(t: Tlv, field: string): Tlv {
  if (!t.constructed) throw new DecodeError('ERR_BAD_TAG', `${tagText(t.cls, t.tag)} must be constructed`, { field, offset: t.offset });
  return t;
}
