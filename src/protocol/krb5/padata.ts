/**
 * PA-DATA values (RFC 4120 §5.2.7, RFC 6113 FAST, MS-KILE, MS-SFU) and `decodePaData`, which turns one PA-DATA
 * into a tagged union by padata-type. Unknown types stay raw bytes; a malformed value becomes an `error` entry so
 * the message around it still decodes (a broken padata is data, not a crash).
 */
import {
  type Asn1,
  boolean,
  choice,
  decodeDer,
  explicit,
  field,
  type Infer,
  int32,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  octetString,
  optional,
  sequence,
  sequenceOf,
} from '../../wire/asn1.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { microseconds, uint32s } from './asn1-ext.js';
import { maskNames, paDataTypeName, SupportedEnctypeBits } from './constants.js';
import {
  ApReq,
  Checksum,
  EncryptedData,
  EncryptionKey,
  KdcReqBody,
  KrbError,
  MethodData,
  type PaData,
  PrincipalName,
  Realm,
} from './messages.js';

// RFC 4120 §5.2.7.2
/**
 * ```asn1
 * PA-ENC-TIMESTAMP        ::= EncryptedData -- PA-ENC-TS-ENC
 * PA-ENC-TS-ENC           ::= SEQUENCE {
 *         patimestamp     [0] KerberosTime -- client's time --,
 *         pausec          [1] Microseconds OPTIONAL
 * }
 * ```
 */
export const PaEncTsEnc = sequence('PA-ENC-TS-ENC', {
  patimestamp: field(0, kerberosTime),
  pausec: optional(1, microseconds),
});
export type PaEncTsEnc = Infer<typeof PaEncTsEnc>;

// RFC 4120 §5.2.7.4
/**
 * ```asn1
 * ETYPE-INFO-ENTRY        ::= SEQUENCE {
 *         etype           [0] Int32,
 *         salt            [1] OCTET STRING OPTIONAL
 * }
 * ETYPE-INFO              ::= SEQUENCE OF ETYPE-INFO-ENTRY
 * ```
 */
export const EtypeInfoEntry = sequence('ETYPE-INFO-ENTRY', {
  etype: field(0, int32),
  salt: optional(1, octetString),
});
export type EtypeInfoEntry = Infer<typeof EtypeInfoEntry>;
export const EtypeInfo = sequenceOf(EtypeInfoEntry, 'ETYPE-INFO');
export type EtypeInfo = EtypeInfoEntry[];

// RFC 4120 §5.2.7.5
/**
 * ```asn1
 * ETYPE-INFO2-ENTRY       ::= SEQUENCE {
 *         etype           [0] Int32,
 *         salt            [1] KerberosString OPTIONAL,
 *         s2kparams       [2] OCTET STRING OPTIONAL
 * }
 * ETYPE-INFO2             ::= SEQUENCE SIZE (1..MAX) OF ETYPE-INFO2-ENTRY
 * ```
 */
export const EtypeInfo2Entry = sequence('ETYPE-INFO2-ENTRY', {
  etype: field(0, int32),
  salt: optional(1, kerberosString),
  s2kparams: optional(2, octetString),
});
export type EtypeInfo2Entry = Infer<typeof EtypeInfo2Entry>;
export const EtypeInfo2 = sequenceOf(EtypeInfo2Entry, 'ETYPE-INFO2');
export type EtypeInfo2 = EtypeInfo2Entry[];

// MS-KILE §2.2.3
/**
 * ```asn1
 * KERB-PA-PAC-REQUEST ::= SEQUENCE {
 *     include-pac[0] BOOLEAN --If TRUE, and no pac present, include PAC.
 *                            --If FALSE, and PAC present, remove PAC
 * }
 * ```
 */
export const KerbPaPacRequest = sequence('KERB-PA-PAC-REQUEST', {
  includePac: field(0, boolean),
});
export type KerbPaPacRequest = Infer<typeof KerbPaPacRequest>;

// MS-SFU §2.2.1
/**
 * ```asn1
 * PA-FOR-USER ::= SEQUENCE {
 *     -- PA TYPE 129
 *     userName        [0] PrincipalName,
 *     userRealm       [1] Realm,
 *     cksum           [2] Checksum,
 *     auth-package    [3] KerberosString
 * }
 * ```
 */
export const PaForUser = sequence('PA-FOR-USER', {
  userName: field(0, PrincipalName),
  userRealm: field(1, Realm),
  cksum: field(2, Checksum),
  authPackage: field(3, kerberosString),
});
export type PaForUser = Infer<typeof PaForUser>;

// MS-SFU §2.2.2
/**
 * ```asn1
 * PA-S4U-X509-USER::= SEQUENCE {
 *     user-id[0] S4UUserID,
 *     checksum[1] Checksum
 * }
 * S4UUserID ::= SEQUENCE {
 *     nonce [0] UInt32, -- the nonce in KDC-REQ-BODY
 *     cname [1] PrincipalName OPTIONAL,
 *     -- Certificate mapping hints
 *     crealm [2] Realm,
 *     subject-certificate [3] OCTET STRING OPTIONAL,
 *     options [4] BIT STRING OPTIONAL,
 *     ...
 * }
 * ```
 */
export const S4uUserId = sequence('S4UUserID', {
  nonce: field(0, uint32s),
  cname: optional(1, PrincipalName),
  crealm: field(2, Realm),
  subjectCertificate: optional(3, octetString),
  options: optional(4, kerberosFlags),
});
export type S4uUserId = Infer<typeof S4uUserId>;
export const PaS4uX509User = sequence('PA-S4U-X509-USER', {
  userId: field(0, S4uUserId),
  checksum: field(1, Checksum),
});
export type PaS4uX509User = Infer<typeof PaS4uX509User>;

// MS-KILE §2.2.10
/**
 * ```asn1
 * PA-PAC-OPTIONS ::= SEQUENCE {
 *     KerberosFlags
 *       -- Claims (0)
 *       -- Branch Aware (1)
 *       -- Forward to Full DC (2)
 *       -- Resource-based Constrained Delegation (3)
 * }
 * ```
 * (The flags sit under context tag [0] on the wire.)
 */
export const PaPacOptions = sequence('PA-PAC-OPTIONS', {
  options: field(0, kerberosFlags),
});
export type PaPacOptions = Infer<typeof PaPacOptions>;

// MS-KILE §2.2.11 (Windows Server 2016 key list, used by RODC / Azure AD Kerberos)
/** `KERB-KEY-LIST-REQ ::= SEQUENCE OF Int32 -- encryption types` */
export const KerbKeyListReq = sequenceOf(int32, 'KERB-KEY-LIST-REQ');
/** `KERB-KEY-LIST-REP ::= SEQUENCE OF EncryptionKey` (secrets: never log) */
export const KerbKeyListRep = sequenceOf(EncryptionKey, 'KERB-KEY-LIST-REP');

// RFC 6113 §5.4.1
/**
 * ```asn1
 * KrbFastArmor ::= SEQUENCE {
 *     armor-type   [0] Int32,
 *     armor-value  [1] OCTET STRING,
 *     ...
 * }
 * KrbFastArmoredReq ::= SEQUENCE {
 *     armor        [0] KrbFastArmor OPTIONAL,
 *     req-checksum [1] Checksum,
 *     enc-fast-req [2] EncryptedData, -- KrbFastReq --
 *     ...
 * }
 * PA-FX-FAST-REQUEST ::= CHOICE {
 *     armored-data [0] KrbFastArmoredReq,
 *     ...
 * }
 * ```
 */
export const KrbFastArmor = sequence('KrbFastArmor', {
  armorType: field(0, int32),
  armorValue: field(1, octetString),
});
export type KrbFastArmor = Infer<typeof KrbFastArmor>;
export const KrbFastArmoredReq = sequence('KrbFastArmoredReq', {
  armor: optional(0, KrbFastArmor),
  reqChecksum: field(1, Checksum),
  encFastReq: field(2, EncryptedData),
});
export type KrbFastArmoredReq = Infer<typeof KrbFastArmoredReq>;

// RFC 6113 §5.4.3
/**
 * ```asn1
 * KrbFastArmoredRep ::= SEQUENCE {
 *     enc-fast-rep      [0] EncryptedData, -- KrbFastResponse --
 *     ...
 * }
 * PA-FX-FAST-REPLY ::= CHOICE {
 *     armored-data [0] KrbFastArmoredRep,
 *     ...
 * }
 * ```
 */
export const KrbFastArmoredRep = sequence('KrbFastArmoredRep', {
  encFastRep: field(0, EncryptedData),
});
export type KrbFastArmoredRep = Infer<typeof KrbFastArmoredRep>;

/** `PA-FX-FAST-REQUEST ::= CHOICE { armored-data [0] KrbFastArmoredReq }` (RFC 6113 §5.4.2) */
export const PaFxFastRequest = explicit(0, KrbFastArmoredReq);
/** `PA-FX-FAST-REPLY ::= CHOICE { armored-data [0] KrbFastArmoredRep }` (RFC 6113 §5.4.3) */
export const PaFxFastReply = explicit(0, KrbFastArmoredRep);

// RFC 6113 §5.4.2
/**
 * ```asn1
 * KrbFastReq ::= SEQUENCE {
 *     fast-options [0] FastOptions,
 *     padata       [1] SEQUENCE OF PA-DATA,
 *     req-body     [2] KDC-REQ-BODY,
 *     ...
 * }
 * ```
 * (the plaintext of enc-fast-req)
 */
export const KrbFastReq = sequence('KrbFastReq', {
  fastOptions: field(0, kerberosFlags),
  padata: field(1, MethodData),
  reqBody: field(2, KdcReqBody),
});
export type KrbFastReq = Infer<typeof KrbFastReq>;

// RFC 6113 §5.4.3
/**
 * ```asn1
 * KrbFastFinished ::= SEQUENCE {
 *     timestamp       [0] KerberosTime,
 *     usec            [1] Microseconds,
 *     crealm          [2] Realm,
 *     cname           [3] PrincipalName,
 *     ticket-checksum [4] Checksum,
 *     ...
 * }
 * KrbFastResponse ::= SEQUENCE {
 *     padata         [0] SEQUENCE OF PA-DATA,
 *     strengthen-key [1] EncryptionKey OPTIONAL,
 *     finished       [2] KrbFastFinished OPTIONAL,
 *     nonce          [3] UInt32,
 *     ...
 * }
 * ```
 */
export const KrbFastFinished = sequence('KrbFastFinished', {
  timestamp: field(0, kerberosTime),
  usec: field(1, microseconds),
  crealm: field(2, Realm),
  cname: field(3, PrincipalName),
  ticketChecksum: field(4, Checksum),
});
export type KrbFastFinished = Infer<typeof KrbFastFinished>;
export const KrbFastResponse = sequence('KrbFastResponse', {
  padata: field(0, MethodData),
  strengthenKey: optional(1, EncryptionKey),
  finished: optional(2, KrbFastFinished),
  nonce: field(3, uint32s),
});
export type KrbFastResponse = Infer<typeof KrbFastResponse>;

// draft-ietf-kitten-krb-spake-preauth §5 (PA-SPAKE 151, MIT krb5 1.17+)
/**
 * ```asn1
 * SPAKESupport ::= SEQUENCE { groups [0] SEQUENCE (SIZE(1..MAX)) OF Int32, ... }
 * SPAKESecondFactor ::= SEQUENCE { type [0] Int32, data [1] OCTET STRING OPTIONAL }
 * SPAKEChallenge ::= SEQUENCE {
 *     group   [0] Int32,
 *     pubkey  [1] OCTET STRING,
 *     factors [2] SEQUENCE (SIZE(1..MAX)) OF SPAKESecondFactor, ...
 * }
 * SPAKEResponse ::= SEQUENCE { pubkey [0] OCTET STRING, factor [1] EncryptedData, ... }
 * PA-SPAKE ::= CHOICE {
 *     support   [0] SPAKESupport,
 *     challenge [1] SPAKEChallenge,
 *     response  [2] SPAKEResponse,
 *     encdata   [3] EncryptedData, ...
 * }
 * ```
 */
export const SpakeSecondFactor = sequence('SPAKESecondFactor', {
  type: field(0, int32),
  data: optional(1, octetString),
});
export type SpakeSecondFactor = Infer<typeof SpakeSecondFactor>;
export const SpakeSupport = sequence('SPAKESupport', { groups: field(0, sequenceOf(int32)) });
export const SpakeChallenge = sequence('SPAKEChallenge', {
  group: field(0, int32),
  pubkey: field(1, octetString),
  factors: field(2, sequenceOf(SpakeSecondFactor)),
});
export const SpakeResponse = sequence('SPAKEResponse', {
  pubkey: field(0, octetString),
  factor: field(1, EncryptedData),
});

// ---------------------------------------------------------------------------------------------------------------
// decodePaData
// ---------------------------------------------------------------------------------------------------------------

/** PA-SUPPORTED-ENCTYPES (MS-KILE §2.2.8, padata 165): a 32-bit little-endian msDS-SupportedEncryptionTypes mask. */
export interface SupportedEnctypes {
  mask: number;
  names: string[];
}

export function decodeSupportedEnctypes(b: Uint8Array): SupportedEnctypes {
  const r = new ByteReader(b);
  const mask = r.u32le('PA-SUPPORTED-ENCTYPES');
  r.expectEnd('PA-SUPPORTED-ENCTYPES');
  r.check();
  return { mask, names: maskNames(mask, SupportedEnctypeBits) };
}

export type PaFxFast = { direction: 'request'; armoredData: KrbFastArmoredReq } | { direction: 'reply'; armoredData: KrbFastArmoredRep };

/** PA-SPAKE: `{ type: 'support' | 'challenge' | 'response' | 'encdata', value }`. */
export const PaSpake = choice('PA-SPAKE', {
  support: explicit(0, SpakeSupport),
  challenge: explicit(1, SpakeChallenge),
  response: explicit(2, SpakeResponse),
  encdata: explicit(3, EncryptedData),
});
export type PaSpake = Infer<typeof PaSpake>;

/** What each known padata-type decodes to. */
export interface PaValues {
  'PA-TGS-REQ': ApReq;
  'PA-ENC-TIMESTAMP': EncryptedData;
  'PA-PW-SALT': Uint8Array;
  'PA-ETYPE-INFO': EtypeInfo;
  'PA-ETYPE-INFO2': EtypeInfo2;
  'PA-PAC-REQUEST': KerbPaPacRequest;
  'PA-FOR-USER': PaForUser;
  'PA-FOR-X509-USER': PaS4uX509User;
  'PA-FX-COOKIE': Uint8Array;
  'PA-FX-FAST': PaFxFast;
  'PA-FX-ERROR': KrbError;
  'PA-ENCRYPTED-CHALLENGE': EncryptedData;
  'PA-REQ-ENC-PA-REP': Checksum;
  'PA-AS-FRESHNESS': Uint8Array;
  'PA-SPAKE': PaSpake;
  'KERB-KEY-LIST-REQ': number[];
  'KERB-KEY-LIST-REP': EncryptionKey[];
  'PA-SUPPORTED-ENCTYPES': SupportedEnctypes;
  'PA-PAC-OPTIONS': PaPacOptions;
}

const der =
  <T>(s: Asn1<T>) =>
  (b: Uint8Array): T =>
    decodeDer(s, b, { path: 'padata-value' });

function decodeFxFast(b: Uint8Array): PaFxFast {
  try {
    return { direction: 'request', armoredData: decodeDer(PaFxFastRequest, b, { path: 'padata-value' }) };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    try {
      return { direction: 'reply', armoredData: decodeDer(PaFxFastReply, b, { path: 'padata-value' }) };
    } catch (e2) {
      if (!(e2 instanceof DecodeError)) throw e2;
      throw e; // the request error is the more telling one
    }
  }
}

const PA_DECODERS: { [K in keyof PaValues]: (b: Uint8Array) => PaValues[K] } = {
  'PA-TGS-REQ': der(ApReq),
  'PA-ENC-TIMESTAMP': der(EncryptedData),
  'PA-PW-SALT': (b) => b.slice(),
  'PA-ETYPE-INFO': der(EtypeInfo),
  'PA-ETYPE-INFO2': der(EtypeInfo2),
  'PA-PAC-REQUEST': der(KerbPaPacRequest),
  'PA-FOR-USER': der(PaForUser),
  'PA-FOR-X509-USER': der(PaS4uX509User),
  'PA-FX-COOKIE': (b) => b.slice(),
  'PA-FX-FAST': decodeFxFast,
  'PA-FX-ERROR': der(KrbError),
  'PA-ENCRYPTED-CHALLENGE': der(EncryptedData),
  'PA-REQ-ENC-PA-REP': der(Checksum),
  'PA-AS-FRESHNESS': (b) => b.slice(),
  'PA-SPAKE': der(PaSpake),
  'KERB-KEY-LIST-REQ': der(KerbKeyListReq),
  'KERB-KEY-LIST-REP': der(KerbKeyListRep),
  'PA-SUPPORTED-ENCTYPES': decodeSupportedEnctypes,
  'PA-PAC-OPTIONS': der(PaPacOptions),
};

export type DecodedPaData =
  | { [K in keyof PaValues]: { kind: 'value'; type: number; name: K; value: PaValues[K]; raw: Uint8Array } }[keyof PaValues]
  /** An empty value: in METHOD-DATA a hint ("this method is available"), in requests a flag (PA-REQ-ENC-PA-REP). */
  | { kind: 'empty'; type: number; name: string; raw: Uint8Array }
  /** A type we do not decode (PKINIT, OTP, SAM...): the bytes as they came. */
  | { kind: 'raw'; type: number; name: string; raw: Uint8Array }
  /** A known type whose value is malformed. */
  | { kind: 'error'; type: number; name: string; raw: Uint8Array; error: DecodeError };

/**
 * Decodes one PA-DATA's value by its padata-type. Never throws for bad input: a malformed value comes back as
 * `{ kind: 'error', error }` (a DecodeError whose field path starts at `padata-value`).
 */
export function decodePaData(pa: PaData): DecodedPaData {
  const type = pa.padataType;
  const name = paDataTypeName(type);
  const raw = pa.padataValue;
  const dec = (PA_DECODERS as Record<string, ((b: Uint8Array) => unknown) | undefined>)[name];
  if (!dec) return { kind: 'raw', type, name, raw };
  if (raw.length === 0) return { kind: 'empty', type, name, raw };
  try {
    return { kind: 'value', type, name, value: dec(raw), raw } as DecodedPaData;
  } catch (e) {
    if (e instanceof DecodeError) return { kind: 'error', type, name, raw, error: e };
    throw e;
  }
}

/** Decodes every PA-DATA in a list (padata of a KDC-REQ/REP, or METHOD-DATA from a KRB-ERROR). */
export function decodePaDataList(list: readonly PaData[] | undefined): DecodedPaData[] {
  return (list ?? []).map(decodePaData);
}

/** The first PA-DATA of a type, decoded (or undefined). */
export function findPaData(list: readonly PaData[] | undefined, type: number): DecodedPaData | undefined {
  const pa = list?.find((p) => p.padataType === type);
  return pa ? decodePaData(pa) : undefined;
}
