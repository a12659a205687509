/**
 * GSS-API token framing, RFC 2743 §3.1 "Mechanism-Independent Token Format".
 *
 * ```asn1
 * InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {
 *     thisMech   MechType,                       -- OBJECT IDENTIFIER
 *     innerToken ANY DEFINED BY thisMech }       -- mechanism-specific, not necessarily DER
 * ```
 *
 * Only the first context-establishment token of a mechanism is framed this way by the standard; Kerberos (RFC 4121
 * §4.1) frames its AP-REP and KRB-ERROR tokens the same way, SPNEGO answers with a bare NegTokenResp.
 */
import { type Asn1, decodeDer, encodeDer } from '../../wire/asn1.js';
import { encodeOid, encodeTlv, oidFrom, readTlv, TagClass, Universal } from '../../wire/der.js';
import { concatBytes } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';

export interface InitialContextToken {
  thisMech: string;
  /** The mechanism's token, exactly as it appears after the OID. */
  innerToken: Uint8Array;
  /** Absolute offset of innerToken in the decoded input (not used when encoding). */
  innerOffset?: number;
}

// RFC 2743 §3.1
export const InitialContextTokenSchema: Asn1<InitialContextToken> = {
  name: 'InitialContextToken',
  tag: { cls: TagClass.APPLICATION, tag: 0 },
  fromTlv(t, path) {
    const field = path || 'InitialContextToken';
    if (!t.constructed)
      throw new DecodeError('ERR_BAD_TAG', 'InitialContextToken [APPLICATION 0] must be constructed', { field, offset: t.offset });
    const r = new ByteReader(t.value, t.valueOffset);
    const mech = readTlv(r, `${field}.thisMech`);
    r.check();
    if (!mech || mech.cls !== TagClass.UNIVERSAL || mech.tag !== Universal.OID || mech.constructed)
      throw new DecodeError('ERR_BAD_TAG', 'thisMech must be an OBJECT IDENTIFIER', { field: `${field}.thisMech`, offset: t.valueOffset });
    const thisMech = oidFrom(mech, `${field}.thisMech`);
    const innerOffset = r.offset;
    return { thisMech, innerToken: r.rest().slice(), innerOffset };
  },
  encode(v) {
    return encodeTlv(TagClass.APPLICATION, true, 0, concatBytes(encodeOid(v.thisMech), v.innerToken));
  },
};

/** Decodes a framed token (0x60 ...). `base` is the absolute offset of bytes[0] for error messages. */
export function decodeInitialContextToken(bytes: Uint8Array, opts: { base?: number; allowTrailing?: boolean } = {}): InitialContextToken {
  return decodeDer(InitialContextTokenSchema, bytes, opts);
}

export function encodeInitialContextToken(t: InitialContextToken): Uint8Array {
  return encodeDer(InitialContextTokenSchema, t);
}

/** True when the bytes start like a framed GSS token (cheap sniff, no validation). */
export function looksFramed(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x60;
}
