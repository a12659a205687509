/**
 * SPNEGO (RFC 4178) with Microsoft's NegTokenInit2 (MS-SPNG §2.2.1), declared once as schemas for the DER engine.
 */
import {
  type Asn1,
  choice,
  decodeDer,
  encodeDer,
  enumerated,
  explicit,
  kerberosString,
  mapped,
  octetString,
  oid,
  optional,
  sequence,
  sequenceOf,
} from '../../wire/asn1.js';
import { encodeTlv, TagClass, Universal } from '../../wire/der.js';
import { DecodeError } from '../../wire/errors.js';

/** OCTET STRING that remembers where its content sat in the input (for layered error offsets). */
const contentOffsets = new WeakMap<Uint8Array, number>();

const trackedOctets: Asn1<Uint8Array> = {
  ...octetString,
  fromTlv(t, path) {
    const v = octetString.fromTlv(t, path);
    contentOffsets.set(v, t.valueOffset);
    return v;
  },
};

/** Absolute offset of a decoded mechToken / responseToken in the input, when known. */
export function contentOffsetOf(v: Uint8Array): number | undefined {
  return contentOffsets.get(v);
}

// RFC 4178 §4.2.1
/** MechTypeList ::= SEQUENCE OF MechType; MechType ::= OBJECT IDENTIFIER */
export const MechTypeList = sequenceOf(oid, 'MechTypeList');

// RFC 4178 §4.2.1
export const ContextFlag = {
  delegFlag: 0,
  mutualFlag: 1,
  replayFlag: 2,
  sequenceFlag: 3,
  anonFlag: 4,
  confFlag: 5,
  integFlag: 6,
} as const;

export type ContextFlagName = keyof typeof ContextFlag;

/**
 * ```asn1
 * ContextFlags ::= BIT STRING { delegFlag (0), mutualFlag (1), replayFlag (2), sequenceFlag (3),
 *                               anonFlag (4), confFlag (5), integFlag (6) } (SIZE (32))
 * ```
 * Kept as sent (`raw` = the BIT STRING contents, unused-bits octet first) so re-encoding is exact: peers disagree
 * on whether named-bit trailing zeros are stripped. RFC 4178 says reqFlags SHOULD be ignored; we show them.
 */
export interface ContextFlags {
  raw: Uint8Array;
  names: ContextFlagName[];
}

function flagBit(raw: Uint8Array, bit: number): boolean {
  const byte = raw[1 + (bit >> 3)];
  return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
}

export const ContextFlagsSchema: Asn1<ContextFlags> = {
  name: 'ContextFlags',
  tag: { cls: TagClass.UNIVERSAL, tag: Universal.BIT_STRING },
  fromTlv(t, path) {
    if (t.constructed || t.value.length === 0 || (t.value[0] as number) > 7)
      throw new DecodeError('ERR_BAD_VALUE', 'malformed BIT STRING', { field: path || 'ContextFlags', offset: t.offset });
    const raw = t.value.slice();
    const names = (Object.keys(ContextFlag) as ContextFlagName[]).filter((k) => flagBit(raw, ContextFlag[k]));
    return { raw, names };
  },
  encode(v) {
    return encodeTlv(TagClass.UNIVERSAL, false, Universal.BIT_STRING, v.raw);
  },
};

/** Builds DER ContextFlags (trailing zero bits removed, X.690 §11.2.2) from flag names. */
export function contextFlags(names: ContextFlagName[]): ContextFlags {
  let v = 0;
  for (const n of names) v |= 0x80 >> ContextFlag[n];
  if (v === 0) return { raw: Uint8Array.of(0), names: [] };
  let unused = 0;
  while (((v >> unused) & 1) === 0) unused++;
  return { raw: Uint8Array.of(unused, v), names: (Object.keys(ContextFlag) as ContextFlagName[]).filter((k) => names.includes(k)) };
}

// MS-SPNG §2.2.1
/**
 * ```asn1
 * NegHints ::= SEQUENCE {
 *     hintName    [0] GeneralString OPTIONAL,   -- Windows: "not_defined_in_RFC4178@please_ignore"
 *     hintAddress [1] OCTET STRING  OPTIONAL }
 * ```
 */
export const NegHints = sequence('NegHints', {
  hintName: optional(0, kerberosString),
  hintAddress: optional(1, octetString),
});

export type NegHints = { hintName?: string; hintAddress?: Uint8Array };

// RFC 4178 §4.2.1 NegTokenInit, MS-SPNG §2.2.1 NegTokenInit2
/**
 * ```asn1
 * NegTokenInit ::= SEQUENCE {                 -- RFC 4178
 *     mechTypes   [0] MechTypeList,
 *     reqFlags    [1] ContextFlags  OPTIONAL,
 *     mechToken   [2] OCTET STRING  OPTIONAL,
 *     mechListMIC [3] OCTET STRING  OPTIONAL,
 *     ... }
 * NegTokenInit2 ::= SEQUENCE {                -- MS-SPNG: what a Windows server sends unasked (SMB negotiate)
 *     mechTypes   [0] MechTypeList  OPTIONAL,
 *     reqFlags    [1] ContextFlags  OPTIONAL,
 *     mechToken   [2] OCTET STRING  OPTIONAL,
 *     negHints    [3] NegHints      OPTIONAL,
 *     mechListMIC [4] OCTET STRING  OPTIONAL,
 *     ... }
 * ```
 * Both layouts share tag [3]; the one schema tells them apart by what [3] holds (OCTET STRING or SEQUENCE).
 * Deviation: mechTypes is read as OPTIONAL in both (MS-SPNG makes it optional in NegTokenInit2).
 */
const NegTokenInitWire = sequence('NegTokenInit', {
  mechTypes: optional(0, MechTypeList),
  reqFlags: optional(1, ContextFlagsSchema),
  mechToken: optional(2, trackedOctets),
  mic3OrHints: optional(3, choice('mechListMIC or negHints', { mechListMIC: octetString, negHints: NegHints }), 'mechListMIC'),
  mechListMIC4: optional(4, octetString, 'mechListMIC'),
});

export interface NegTokenInit {
  /** 'NegTokenInit2' when negHints or the [4] mechListMIC is present (MS-SPNG layout). */
  form: 'NegTokenInit' | 'NegTokenInit2';
  mechTypes?: string[];
  reqFlags?: ContextFlags;
  mechToken?: Uint8Array;
  negHints?: NegHints;
  mechListMIC?: Uint8Array;
}

export const NegTokenInitSchema: Asn1<NegTokenInit> = mapped(
  NegTokenInitWire,
  'NegTokenInit',
  (w) => {
    const out: NegTokenInit = {
      form: w.mic3OrHints?.type === 'negHints' || w.mechListMIC4 !== undefined ? 'NegTokenInit2' : 'NegTokenInit',
    };
    if (w.mechTypes) out.mechTypes = w.mechTypes;
    if (w.reqFlags) out.reqFlags = w.reqFlags;
    if (w.mechToken) out.mechToken = w.mechToken;
    if (w.mic3OrHints?.type === 'negHints') out.negHints = w.mic3OrHints.value;
    if (w.mic3OrHints?.type === 'mechListMIC') out.mechListMIC = w.mic3OrHints.value;
    else if (w.mechListMIC4) out.mechListMIC = w.mechListMIC4;
    return out;
  },
  (v) => {
    const init2 = v.form === 'NegTokenInit2' || v.negHints !== undefined;
    return {
      mechTypes: v.mechTypes,
      reqFlags: v.reqFlags,
      mechToken: v.mechToken,
      mic3OrHints: init2
        ? v.negHints && { type: 'negHints' as const, value: v.negHints }
        : v.mechListMIC && { type: 'mechListMIC' as const, value: v.mechListMIC },
      mechListMIC4: init2 ? v.mechListMIC : undefined,
    };
  },
);

// RFC 4178 §4.2.2
export const NegState = {
  'accept-completed': 0,
  'accept-incomplete': 1,
  reject: 2,
  'request-mic': 3,
} as const;

export type NegStateName = keyof typeof NegState;

const NegStateSchema: Asn1<NegStateName> = mapped(
  enumerated,
  'NegState',
  (n, t, path) => {
    const name = (Object.keys(NegState) as NegStateName[]).find((k) => NegState[k] === n);
    if (!name) throw new DecodeError('ERR_BAD_VALUE', `unknown negState ${n}`, { field: path || 'negState', offset: t.offset });
    return name;
  },
  (name) => NegState[name],
);

/**
 * ```asn1
 * NegTokenResp ::= SEQUENCE {
 *     negState      [0] ENUMERATED { accept-completed (0), accept-incomplete (1), reject (2), request-mic (3) } OPTIONAL,
 *     supportedMech [1] MechType     OPTIONAL,
 *     responseToken [2] OCTET STRING OPTIONAL,
 *     mechListMIC   [3] OCTET STRING OPTIONAL,
 *     ... }
 * ```
 */
export const NegTokenRespSchema = sequence('NegTokenResp', {
  negState: optional(0, NegStateSchema),
  supportedMech: optional(1, oid),
  responseToken: optional(2, trackedOctets),
  mechListMIC: optional(3, octetString),
});

export interface NegTokenResp {
  negState?: NegStateName;
  supportedMech?: string;
  responseToken?: Uint8Array;
  mechListMIC?: Uint8Array;
}

// RFC 4178 §4.2
/**
 * ```asn1
 * NegotiationToken ::= CHOICE {
 *     negTokenInit [0] NegTokenInit,    -- (or NegTokenInit2, MS-SPNG)
 *     negTokenResp [1] NegTokenResp }
 * ```
 */
export const NegotiationTokenSchema = choice('NegotiationToken', {
  negTokenInit: explicit(0, NegTokenInitSchema),
  negTokenResp: explicit(1, NegTokenRespSchema),
});

export type NegotiationToken = { type: 'negTokenInit'; value: NegTokenInit } | { type: 'negTokenResp'; value: NegTokenResp };

export function decodeNegotiationToken(bytes: Uint8Array, opts: { base?: number; allowTrailing?: boolean } = {}): NegotiationToken {
  return decodeDer(NegotiationTokenSchema, bytes, { ...opts, path: 'NegotiationToken' }) as NegotiationToken;
}

export function encodeNegotiationToken(t: NegotiationToken): Uint8Array {
  return encodeDer(NegotiationTokenSchema, t);
}
