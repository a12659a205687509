/**
 * Small additions to the schema engine in src/wire/asn1.ts that only the Kerberos messages need. They live here
 * (not in src/wire) so the engine stays owned by its author; each one says why it exists.
 */
import { type Asn1, int32, sequenceOf, TagClass, Universal, uint32 } from '../../wire/asn1.js';
import { decodeTlv, encodeInt, encodeTlv, readTlv, type Tlv, tagName } from '../../wire/der.js';
import { DecodeError } from '../../wire/errors.js';
import type { ByteReader } from '../../wire/reader.js';

/**
 * UInt32 as Windows and MIT write it (RFC 4120 §5.2.4 deviation): kvno, nonce and seq-number are encoded as
 * *signed* 32-bit INTEGERs, so 0xff000000 goes out as `02 04 ff 00 00 00` (MIT reference encoding
 * "enc_data(MSB-set kvno)"), not as the five-octet DER of the unsigned value. Reading accepts both forms
 * (the engine's `uint32`); writing uses the signed form so Windows/MIT messages round-trip byte for byte.
 */
export const uint32s: Asn1<number> = {
  name: 'UInt32',
  tag: uint32.tag,
  fromTlv: uint32.fromTlv,
  encode(v) {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) throw new RangeError(`UInt32 out of range: ${v}`);
    return encodeInt(v | 0);
  },
};

/** Microseconds ::= INTEGER (0..999999) — RFC 4120 §5.2.4. Range not enforced on read (data, not a crash). */
export const microseconds: Asn1<number> = { ...int32, name: 'Microseconds' };

/** UTF8String (IAKERB's target-realm, RFC draft-ietf-kitten-iakerb). Read as any string, written as UTF8String. */
export const utf8String: Asn1<string> = {
  name: 'UTF8String',
  tag: { cls: TagClass.UNIVERSAL, tag: Universal.UTF8_STRING },
  fromTlv(t) {
    return new TextDecoder('utf-8', { fatal: false }).decode(t.value);
  },
  encode(v) {
    return encodeTlv(TagClass.UNIVERSAL, false, Universal.UTF8_STRING, new TextEncoder().encode(v));
  },
};

/**
 * `SEQUENCE OF X` on the wire, or a bare `X` (both seen for KERB-AD-RESTRICTION-ENTRY): reads either, remembers
 * which one it was, and writes it back the same way.
 */
export function listOrOne<T>(item: Asn1<T>, name: string): Asn1<{ list: boolean; items: T[] }> {
  const many = sequenceOf(item);
  return {
    name,
    tag: many.tag,
    fromTlv(t, path) {
      const first = t.value[0];
      // A bare item whose own tag is SEQUENCE starts with a context tag; a list starts with the item's SEQUENCE.
      if (first !== undefined && (first & 0xc0) === 0x80) return { list: false, items: [item.fromTlv(t, path)] };
      return { list: true, items: many.fromTlv(t, path) };
    },
    encode(v) {
      if (!v.list && v.items.length === 1) return item.encode(v.items[0] as T);
      return many.encode(v.items);
    },
  };
}

/**
 * An APPLICATION-tagged Kerberos message whose `msg-type` must agree with its tag (RFC 4120 §5.4.1 etc.).
 * A mismatch is a decode error naming both, the way MIT's decoder refuses it (KRB5_BADMSGTYPE).
 */
export function checkMsgType<T extends { msgType: number }>(inner: Asn1<T>, want: number, label: string): Asn1<T> {
  return {
    name: label,
    tag: inner.tag,
    fromTlv(t, path) {
      const v = inner.fromTlv(t, path);
      if (v.msgType !== want)
        throw new DecodeError('ERR_BAD_VALUE', `msg-type ${v.msgType} does not match the ${label} tag [APPLICATION ${want}]`, {
          field: path ? `${path}.msg-type` : 'msg-type',
          offset: t.offset,
        });
      return v;
    },
    encode: inner.encode,
  };
}

/** Decodes one TLV at a ByteReader's cursor with a schema (the `readX(reader)` form). Sticky: failures land in `r`. */
export function readWith<T>(schema: Asn1<T>, r: ByteReader, path?: string): T | undefined {
  const t = readTlv(r, path ?? schema.name);
  if (!t) return undefined;
  try {
    if (schema.tag && (schema.tag.cls !== t.cls || schema.tag.tag !== t.tag))
      throw new DecodeError('ERR_BAD_TAG', `expected ${tagName(schema.tag.cls, schema.tag.tag)}, found ${tagName(t.cls, t.tag)}`, {
        field: path ?? schema.name,
        offset: t.offset,
      });
    return schema.fromTlv(t, path ?? '');
  } catch (e) {
    if (e instanceof DecodeError) {
      if (!r.error) r.error = e;
      return undefined;
    }
    throw e;
  }
}

/** The outer TLV of a buffer without decoding it (for dispatch on the APPLICATION tag). */
export function peekTlv(bytes: Uint8Array, base = 0): Tlv {
  return decodeTlv(bytes, 'message', base, true);
}
