/**
 * The Kerberos V5 GSS-API mechanism's tokens (RFC 4121, which obsoletes the token formats of RFC 1964) and the
 * authenticator checksum that carries the GSS flags and a delegated TGT (RFC 4121 §4.1.1).
 *
 * Decoding the Kerberos messages themselves (AP-REQ, AP-REP, KRB-ERROR, KRB-CRED) belongs to src/protocol/krb5;
 * here the message is returned as bytes with its type told from the APPLICATION tag (RFC 4120 §5.10).
 */

import { type Asn1, anyString, decodeDer, encodeDer, octetString, optional, sequence, field as tagged } from '../../wire/asn1.js';
import { decodeTlv, encodeTlv, TagClass, Universal } from '../../wire/der.js';
import { concatBytes, fromUtf8, utf8OrLatin1 } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';
import { ApplicationTag } from '../krb5/constants.js';

// RFC 4121 §4.1 (context tokens), §4.2.6 (per-message tokens); RFC 1964 §1.1-§1.2 (the old per-message tokens)
export const Krb5TokId = {
  KRB_AP_REQ: 0x0100,
  KRB_AP_REP: 0x0200,
  KRB_ERROR: 0x0300,
  /** RFC 1964 §1.2.1 GSS_GetMIC token (DES / RC4 era). */
  RFC1964_MIC: 0x0101,
  /** RFC 1964 §1.2.2 GSS_Wrap token. */
  RFC1964_WRAP: 0x0201,
  /** RFC 1964 §1.2.3 context deletion token. */
  RFC1964_DELETE: 0x0102,
  /** RFC 4121 §4.2.6.1 MIC token. */
  MIC: 0x0404,
  /** RFC 4121 §4.2.6.2 Wrap token. */
  WRAP: 0x0504,
  /** IAKERB (draft-ietf-kitten-iakerb §3): IAKERB-HEADER then a Kerberos message proxied to the KDC. */
  IAKERB_PROXY: 0x0501,
} as const;

export type Krb5TokIdName = keyof typeof Krb5TokId;

export function krb5TokIdName(tokId: number): Krb5TokIdName | undefined {
  return (Object.keys(Krb5TokId) as Krb5TokIdName[]).find((k) => Krb5TokId[k] === tokId);
}

/** Kerberos message types by APPLICATION tag (RFC 4120 §5.10): the tag number is the msg-type. From the krb5 layer's table. */
export const Krb5AppTag = {
  10: ApplicationTag[10],
  11: ApplicationTag[11],
  12: ApplicationTag[12],
  13: ApplicationTag[13],
  14: ApplicationTag[14],
  15: ApplicationTag[15],
  20: ApplicationTag[20],
  21: ApplicationTag[21],
  22: ApplicationTag[22],
  30: ApplicationTag[30],
} as const;

export type Krb5MessageName = (typeof Krb5AppTag)[keyof typeof Krb5AppTag];

/**
 * The type of a Kerberos message from its first octet: [APPLICATION n] constructed is 0x60 | n for n < 31
 * (0x6e AP-REQ, 0x6f AP-REP, 0x76 KRB-CRED, 0x7e KRB-ERROR). Undefined when the octet is not one of them.
 */
export function peekKrb5MessageType(bytes: Uint8Array): { msgType: number; name: Krb5MessageName } | undefined {
  const b = bytes[0];
  if (b === undefined || (b & 0xe0) !== 0x60) return undefined;
  const n = b & 0x1f;
  const name = (Krb5AppTag as Record<number, Krb5MessageName>)[n];
  return name ? { msgType: n, name } : undefined;
}

const EXPECTED_MESSAGE: Record<number, number> = { [Krb5TokId.KRB_AP_REQ]: 14, [Krb5TokId.KRB_AP_REP]: 15, [Krb5TokId.KRB_ERROR]: 30 };

/** The RFC 4121 §4.2.6 per-message token header (MIC and Wrap). */
export interface Krb5PerMessageHeader {
  /** Flags octet: SentByAcceptor 1, Sealed 2, AcceptorSubkey 4 (RFC 4121 §4.2.2). */
  flags: number;
  sentByAcceptor: boolean;
  sealed: boolean;
  acceptorSubkey: boolean;
  /** Wrap only: extra count and right rotation count. */
  ec?: number;
  rrc?: number;
  sndSeq: bigint;
}

/**
 * A krb5 mechanism token: the innerToken of RFC 2743 framing for context tokens, or a whole per-message token.
 *
 * ```text
 * TOK_ID (2 octets, big-endian) || body
 * ```
 */
export interface Krb5MechToken {
  tokId: number;
  tokIdName: Krb5TokIdName | undefined;
  /** What follows TOK_ID: a DER Kerberos message for context tokens, the rest of the token otherwise. */
  body: Uint8Array;
  /** Absolute offset of body in the decoded input (not used when encoding). */
  bodyOffset?: number;
  /** For AP-REQ / AP-REP / KRB-ERROR tokens: the message type read from the body's APPLICATION tag. */
  message?: { msgType: number; name: Krb5MessageName };
  /** For RFC 4121 MIC / Wrap tokens. */
  perMessage?: Krb5PerMessageHeader;
  /** For IAKERB tokens: the header (the Kerberos message follows it in `body`, at `messageOffset`). */
  iakerb?: IakerbHeader;
  messageOffset?: number;
}

// draft-ietf-kitten-iakerb §3
/**
 * ```asn1
 * IAKERB-HEADER ::= SEQUENCE {
 *     target-realm [1] UTF8String,
 *     cookie       [2] OCTET STRING OPTIONAL,
 *     ... }
 * ```
 */
/** target-realm: the draft says UTF8String, MIT krb5 sends an OCTET STRING; both are read, UTF8String is written. */
const realmText: Asn1<string> = {
  name: 'UTF8String',
  tag: undefined,
  fromTlv(t, path) {
    if (t.cls === TagClass.UNIVERSAL && t.tag === Universal.OCTET_STRING && !t.constructed) return utf8OrLatin1(t.value);
    return anyString.fromTlv(t, path);
  },
  encode(v) {
    return encodeTlv(TagClass.UNIVERSAL, false, Universal.UTF8_STRING, fromUtf8(v));
  },
};

export const IakerbHeaderSchema = sequence('IAKERB-HEADER', {
  targetRealm: tagged(1, realmText, 'target-realm'),
  cookie: optional(2, octetString),
});

export interface IakerbHeader {
  targetRealm: string;
  cookie?: Uint8Array;
}

// RFC 4121 §4.1
export function decodeKrb5MechToken(bytes: Uint8Array, opts: { base?: number } = {}): Krb5MechToken {
  const r = new ByteReader(bytes, opts.base ?? 0);
  const tokId = r.u16be('TOK_ID');
  r.check();
  const tokIdName = krb5TokIdName(tokId);
  const bodyOffset = r.offset;
  const out: Krb5MechToken = { tokId, tokIdName, body: bytes.slice(2), bodyOffset };
  const want = EXPECTED_MESSAGE[tokId];
  if (want !== undefined) {
    const m = peekKrb5MessageType(out.body);
    if (!m)
      throw new DecodeError('ERR_BAD_TAG', `${tokIdName} token does not hold a Kerberos message`, {
        field: 'innerToken',
        offset: bodyOffset,
      });
    if (m.msgType !== want)
      throw new DecodeError('ERR_BAD_VALUE', `${tokIdName} token holds a ${m.name}`, { field: 'innerToken', offset: bodyOffset });
    out.message = m;
  } else if (tokId === Krb5TokId.MIC || tokId === Krb5TokId.WRAP) {
    const flags = r.u8('Flags');
    let ec: number | undefined;
    let rrc: number | undefined;
    if (tokId === Krb5TokId.MIC) {
      r.take(5, 'Filler');
    } else {
      r.u8('Filler');
      ec = r.u16be('EC');
      rrc = r.u16be('RRC');
    }
    const sndSeq = r.u64be('SND_SEQ');
    r.check();
    out.perMessage = { flags, sentByAcceptor: (flags & 1) !== 0, sealed: (flags & 2) !== 0, acceptorSubkey: (flags & 4) !== 0, sndSeq };
    if (ec !== undefined) out.perMessage.ec = ec;
    if (rrc !== undefined) out.perMessage.rrc = rrc;
  } else if (tokId === Krb5TokId.IAKERB_PROXY) {
    const base = bodyOffset;
    const first = decodeTlv(out.body, 'IAKERB-HEADER', base, true);
    out.iakerb = decodeDer(IakerbHeaderSchema, first.der, { base, path: 'IAKERB-HEADER' });
    out.messageOffset = base + first.der.length;
    const rest = out.body.subarray(first.der.length);
    if (rest.length > 0) {
      const m = peekKrb5MessageType(rest);
      if (!m)
        throw new DecodeError('ERR_BAD_TAG', 'IAKERB token does not hold a Kerberos message', {
          field: 'innerToken',
          offset: out.messageOffset,
        });
      out.message = m;
    }
  } else if (tokIdName === undefined) {
    throw new DecodeError('ERR_UNSUPPORTED', `unknown krb5 TOK_ID 0x${tokId.toString(16).padStart(4, '0')}`, {
      field: 'TOK_ID',
      offset: opts.base ?? 0,
    });
  }
  return out;
}

export function encodeIakerbHeader(h: IakerbHeader): Uint8Array {
  return encodeDer(IakerbHeaderSchema, h);
}

export function encodeKrb5MechToken(t: Pick<Krb5MechToken, 'tokId' | 'body'>): Uint8Array {
  return concatBytes(Uint8Array.of((t.tokId >> 8) & 0xff, t.tokId & 0xff), t.body);
}

// ---- the authenticator checksum, RFC 4121 §4.1.1 ----

/** cksumtype of the GSS authenticator checksum (RFC 4121 §4.1.1). */
export const GSS_CHECKSUM_TYPE = 0x8003;

// RFC 4121 §4.1.1.1 (and RFC 2744 for the values); MS-KILE §3.2.5.2 for DCE_STYLE, IDENTIFY, EXTENDED_ERROR
export const GssChecksumFlag = {
  GSS_C_DELEG_FLAG: 0x1,
  GSS_C_MUTUAL_FLAG: 0x2,
  GSS_C_REPLAY_FLAG: 0x4,
  GSS_C_SEQUENCE_FLAG: 0x8,
  GSS_C_CONF_FLAG: 0x10,
  GSS_C_INTEG_FLAG: 0x20,
  GSS_C_DCE_STYLE: 0x1000,
  GSS_C_IDENTIFY_FLAG: 0x2000,
  GSS_C_EXTENDED_ERROR_FLAG: 0x4000,
} as const;

export type GssChecksumFlagName = keyof typeof GssChecksumFlag;

export function gssChecksumFlagNames(flags: number): GssChecksumFlagName[] {
  return (Object.keys(GssChecksumFlag) as GssChecksumFlagName[]).filter((k) => (flags & GssChecksumFlag[k]) !== 0);
}

/**
 * The checksum field of the Authenticator when cksumtype = 0x8003 (RFC 4121 §4.1.1):
 *
 * ```text
 * Octet  Name    Description
 * 0..3   Lgth    Number of octets in Bnd field; always 16 (little-endian)
 * 4..19  Bnd     MD5 hash of channel bindings (all zero: no bindings)
 * 20..23 Flags   context-establishment flags (little-endian)
 * 24..25 DlgOpt  delegation option identifier, 1 (only with GSS_C_DELEG_FLAG)
 * 26..27 Dlgth   length of Deleg (little-endian)
 * 28..   Deleg   KRB-CRED message (the forwarded TGT)
 * n..    Exts    extensions (optional)
 * ```
 */
export interface GssAuthenticatorChecksum {
  /** Lgth as sent (16 in every real implementation). */
  lgth: number;
  bnd: Uint8Array;
  /** True when Bnd is all zero: the client sent no channel bindings. */
  noChannelBindings: boolean;
  flags: number;
  flagNames: GssChecksumFlagName[];
  /** Present only when the delegation fields are (GSS_C_DELEG_FLAG set and room for them). */
  dlgOpt?: number;
  /** The KRB-CRED carrying the forwarded TGT (DER). Decode it with the krb5 layer's decodeKrbCred. */
  deleg?: Uint8Array;
  delegOffset?: number;
  /** Trailing extension octets, kept as sent. */
  exts?: Uint8Array;
  /** Exts split into big-endian type/length/data records when they parse exactly that way (MIT's KRB5_GSS_EXTS). */
  extensions?: { type: number; data: Uint8Array }[];
}

export function decodeGssChecksum(bytes: Uint8Array, opts: { base?: number } = {}): GssAuthenticatorChecksum {
  const r = new ByteReader(bytes, opts.base ?? 0);
  const lgth = r.u32le('Lgth');
  if (r.ok && lgth !== 16 && lgth > r.remaining) r.fail('ERR_BAD_LENGTH', `Lgth ${lgth} is larger than the checksum`, 'Lgth');
  const bnd = r.copy(lgth, 'Bnd');
  const flags = r.u32le('Flags');
  r.check();
  const out: GssAuthenticatorChecksum = {
    lgth,
    bnd,
    noChannelBindings: bnd.every((b) => b === 0),
    flags,
    flagNames: gssChecksumFlagNames(flags),
  };
  // MIT (kg_accept_krb5) reads the delegation fields only when the flag is set *and* they are there; we do the same.
  if ((flags & GssChecksumFlag.GSS_C_DELEG_FLAG) !== 0 && r.remaining >= 4) {
    out.dlgOpt = r.u16le('DlgOpt');
    const dlgth = r.u16le('Dlgth');
    out.delegOffset = r.offset;
    out.deleg = r.copy(dlgth, 'Deleg');
    r.check();
  }
  if (r.remaining > 0) {
    out.exts = r.rest().slice();
    const list = splitExts(out.exts);
    if (list) out.extensions = list;
  }
  return out;
}

function splitExts(b: Uint8Array): { type: number; data: Uint8Array }[] | undefined {
  const r = new ByteReader(b);
  const out: { type: number; data: Uint8Array }[] = [];
  while (r.ok && r.remaining > 0) {
    const type = r.u32be();
    const len = r.u32be();
    const data = r.copy(len);
    if (r.ok) out.push({ type, data });
  }
  return r.ok ? out : undefined;
}

export function encodeGssChecksum(c: Pick<GssAuthenticatorChecksum, 'bnd' | 'flags' | 'dlgOpt' | 'deleg' | 'exts'>): Uint8Array {
  const w = new ByteWriter(64 + (c.deleg?.length ?? 0));
  w.u32le(c.bnd.length)
    .bytes(c.bnd)
    .u32le(c.flags >>> 0);
  if (c.deleg !== undefined) {
    if (c.deleg.length > 0xffff) throw new RangeError('Deleg longer than 65535 octets');
    w.u16le(c.dlgOpt ?? 1)
      .u16le(c.deleg.length)
      .bytes(c.deleg);
  }
  if (c.exts) w.bytes(c.exts);
  return w.finish();
}
