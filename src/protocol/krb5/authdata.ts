/**
 * Authorization data (RFC 4120 §5.2.6 and its registered types, MS-KILE §2.2.5–§2.2.11): the containers
 * (AD-IF-RELEVANT, AD-KDC-ISSUED, AD-AND-OR, AD-MANDATORY-FOR-KDC), the Windows elements, and `findAuthData`.
 * The PAC inside AD-WIN2K-PAC is left as bytes: src/protocol/pac/ decodes it.
 */
import { type Asn1, decodeDer, field, type Infer, int32, octetString, optional, sequence, sequenceOf } from '../../wire/asn1.js';
import { utf16le } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { listOrOne, uint32s, utf8String } from './asn1-ext.js';
import { AdType, adTypeName, KERB_AP_OPTIONS_CBT } from './constants.js';
import { AuthorizationData, type AuthorizationDataEntry, Checksum, PrincipalName, Realm } from './messages.js';

// RFC 4120 §5.2.6.1
/** `AD-IF-RELEVANT ::= AuthorizationData` */
export const AdIfRelevant = AuthorizationData;

// RFC 4120 §5.2.6.2
/**
 * ```asn1
 * AD-KDCIssued            ::= SEQUENCE {
 *         ad-checksum     [0] Checksum,
 *         i-realm         [1] Realm OPTIONAL,
 *         i-sname         [2] PrincipalName OPTIONAL,
 *         elements        [3] AuthorizationData
 * }
 * ```
 */
export const AdKdcIssued = sequence('AD-KDCIssued', {
  adChecksum: field(0, Checksum),
  iRealm: optional(1, Realm),
  iSname: optional(2, PrincipalName),
  elements: field(3, AuthorizationData),
});
export type AdKdcIssued = Infer<typeof AdKdcIssued>;

// RFC 4120 §5.2.6.3
/**
 * ```asn1
 * AD-AND-OR               ::= SEQUENCE {
 *         condition-count [0] Int32,
 *         elements        [1] AuthorizationData
 * }
 * ```
 */
export const AdAndOr = sequence('AD-AND-OR', {
  conditionCount: field(0, int32),
  elements: field(1, AuthorizationData),
});
export type AdAndOr = Infer<typeof AdAndOr>;

// RFC 4120 §5.2.6.4
/** `AD-MANDATORY-FOR-KDC ::= AuthorizationData` */
export const AdMandatoryForKdc = AuthorizationData;

// RFC 7751 §4 (MIT KDCs put one inside AD-IF-RELEVANT in every ticket since krb5 1.15)
/**
 * ```asn1
 * AD-CAMMAC                   ::= SEQUENCE {
 *       elements              [0] AuthorizationData,
 *       kdc-verifier          [1] Verifier-MAC OPTIONAL,
 *       svc-verifier          [2] Verifier-MAC OPTIONAL,
 *       other-verifiers       [3] SEQUENCE (SIZE (1..MAX)) OF Verifier OPTIONAL
 * }
 * Verifier             ::= CHOICE { mac Verifier-MAC, ... }
 * Verifier-MAC         ::= SEQUENCE {
 *       identifier         [0] PrincipalName OPTIONAL,
 *       kvno               [1] UInt32 OPTIONAL,
 *       enctype            [2] Int32 OPTIONAL,
 *       mac                [3] Checksum
 * }
 * ```
 */
export const VerifierMac = sequence('Verifier-MAC', {
  identifier: optional(0, PrincipalName),
  kvno: optional(1, uint32s),
  enctype: optional(2, int32),
  mac: field(3, Checksum),
});
export type VerifierMac = Infer<typeof VerifierMac>;
export const AdCammac = sequence('AD-CAMMAC', {
  elements: field(0, AuthorizationData),
  kdcVerifier: optional(1, VerifierMac),
  svcVerifier: optional(2, VerifierMac),
  otherVerifiers: optional(3, sequenceOf(VerifierMac, 'SEQUENCE OF Verifier')),
});
export type AdCammac = Infer<typeof AdCammac>;

// RFC 8129 §5
/** `AD-AUTHENTICATION-INDICATOR ::= SEQUENCE OF UTF8String` */
export const AdAuthenticationIndicator = sequenceOf(utf8String, 'AD-AUTHENTICATION-INDICATOR');

// RFC 4537 §3
/** `AD-ETYPE-NEGOTIATION ::= SEQUENCE OF Int32` (the client's enctypes, in preference order) */
export const AdEtypeNegotiation = sequenceOf(int32, 'AD-ETYPE-NEGOTIATION');

// MS-KILE §2.2.6
/**
 * ```asn1
 * KERB-AD-RESTRICTION-ENTRY ::= SEQUENCE {
 *     restriction-type    [0] Int32,
 *     restriction         [1] OCTET STRING -- LSAP_TOKEN_INFO_INTEGRITY when restriction-type is 0
 * }
 * ```
 * Windows sends it inside a SEQUENCE OF (one entry); a bare entry is read too and written back as it came.
 */
export const KerbAdRestrictionEntryItem = sequence('KERB-AD-RESTRICTION-ENTRY', {
  restrictionType: field(0, int32),
  restriction: field(1, octetString),
});
export type KerbAdRestrictionEntryItem = Infer<typeof KerbAdRestrictionEntryItem>;
export const KerbAdRestrictionEntry = listOrOne(KerbAdRestrictionEntryItem, 'KERB-AD-RESTRICTION-ENTRY');
export type KerbAdRestrictionEntry = Infer<typeof KerbAdRestrictionEntry>;

// MS-KILE §2.2.5
/**
 * ```c
 * typedef struct _LSAP_TOKEN_INFO_INTEGRITY {
 *   unsigned long Flags;      // 0 full token, 1 UAC-restricted token
 *   unsigned long TokenIL;    // mandatory integrity level RID (0x2000 medium, 0x3000 high...)
 *   unsigned char MachineID[32];
 * } LSAP_TOKEN_INFO_INTEGRITY;   -- little-endian, 40 bytes
 * ```
 */
export interface LsapTokenInfoIntegrity {
  flags: number;
  tokenIL: number;
  machineId: Uint8Array;
}

export function decodeLsapTokenInfoIntegrity(b: Uint8Array): LsapTokenInfoIntegrity {
  const r = new ByteReader(b);
  const flags = r.u32le('Flags');
  const tokenIL = r.u32le('TokenIL');
  const machineId = r.copy(32, 'MachineID');
  r.expectEnd('LSAP_TOKEN_INFO_INTEGRITY');
  r.check();
  return { flags, tokenIL, machineId };
}

export interface RestrictionEntry extends KerbAdRestrictionEntryItem {
  /** Present when restriction-type is 0 and the bytes are a well-formed LSAP_TOKEN_INFO_INTEGRITY. */
  tokenInfo?: LsapTokenInfoIntegrity;
}

function decodeRestrictions(b: Uint8Array): RestrictionEntry[] {
  return decodeDer(KerbAdRestrictionEntry, b, { path: 'ad-data' }).items.map((e) =>
    e.restrictionType === 0 ? { ...e, tokenInfo: decodeLsapTokenInfoIntegrity(e.restriction) } : e,
  );
}

// MS-KILE §2.2.10: AD-AUTH-DATA-AP-OPTIONS carries a 32-bit little-endian option word
export interface AuthDataApOptions {
  options: number;
  /** KERB_AP_OPTIONS_CBT (0x4000): the client sent channel bindings and wants them checked. */
  cbt: boolean;
}

function decodeApOptions(b: Uint8Array): AuthDataApOptions {
  const r = new ByteReader(b);
  const options = r.u32le('AD-AUTH-DATA-AP-OPTIONS');
  r.expectEnd('AD-AUTH-DATA-AP-OPTIONS');
  r.check();
  return { options, cbt: (options & KERB_AP_OPTIONS_CBT) !== 0 };
}

// MS-KILE §2.2.11: AD-TARGET-PRINCIPAL is the target SPN as UTF-16LE text
function decodeTargetPrincipal(b: Uint8Array): string {
  if (b.length % 2 !== 0) throw new DecodeError('ERR_BAD_VALUE', 'UTF-16 string of odd length', { field: 'ad-data', offset: 0 });
  return utf16le(b);
}

export interface AdValues {
  'AD-IF-RELEVANT': AuthorizationDataEntry[];
  'AD-KDC-ISSUED': AdKdcIssued;
  'AD-AND-OR': AdAndOr;
  'AD-MANDATORY-FOR-KDC': AuthorizationDataEntry[];
  'AD-CAMMAC': AdCammac;
  'AD-AUTHENTICATION-INDICATOR': string[];
  'AD-WIN2K-PAC': Uint8Array;
  'AD-ETYPE-NEGOTIATION': number[];
  'KERB-AD-RESTRICTION-ENTRY': RestrictionEntry[];
  'AD-AUTH-DATA-AP-OPTIONS': AuthDataApOptions;
  'AD-TARGET-PRINCIPAL': string;
}

const der =
  <T>(s: Asn1<T>) =>
  (b: Uint8Array): T =>
    decodeDer(s, b, { path: 'ad-data' });

const AD_DECODERS: { [K in keyof AdValues]: (b: Uint8Array) => AdValues[K] } = {
  'AD-IF-RELEVANT': der(AdIfRelevant),
  'AD-KDC-ISSUED': der(AdKdcIssued),
  'AD-AND-OR': der(AdAndOr),
  'AD-MANDATORY-FOR-KDC': der(AdMandatoryForKdc),
  'AD-CAMMAC': der(AdCammac),
  'AD-AUTHENTICATION-INDICATOR': der(AdAuthenticationIndicator),
  'AD-WIN2K-PAC': (b) => b.slice(),
  'AD-ETYPE-NEGOTIATION': der(AdEtypeNegotiation),
  'KERB-AD-RESTRICTION-ENTRY': decodeRestrictions,
  'AD-AUTH-DATA-AP-OPTIONS': decodeApOptions,
  'AD-TARGET-PRINCIPAL': decodeTargetPrincipal,
};

export type DecodedAuthData =
  | { [K in keyof AdValues]: { kind: 'value'; type: number; name: K; value: AdValues[K]; raw: Uint8Array } }[keyof AdValues]
  | { kind: 'raw'; type: number; name: string; raw: Uint8Array }
  | { kind: 'error'; type: number; name: string; raw: Uint8Array; error: DecodeError };

/** Decodes one authorization-data element by ad-type. Never throws for bad input (see DecodedAuthData 'error'). */
export function decodeAuthData(ad: AuthorizationDataEntry): DecodedAuthData {
  const type = ad.adType;
  const name = adTypeName(type);
  const raw = ad.adData;
  const dec = (AD_DECODERS as Record<string, ((b: Uint8Array) => unknown) | undefined>)[name];
  if (!dec) return { kind: 'raw', type, name, raw };
  try {
    return { kind: 'value', type, name, value: dec(raw), raw } as DecodedAuthData;
  } catch (e) {
    if (e instanceof DecodeError) return { kind: 'error', type, name, raw, error: e };
    throw e;
  }
}

const CONTAINERS = new Set<number>([AdType['AD-IF-RELEVANT'], AdType['AD-MANDATORY-FOR-KDC']]);
const MAX_AD_DEPTH = 8;

/**
 * Every element of `type` in an AuthorizationData list, looking inside AD-IF-RELEVANT and AD-MANDATORY-FOR-KDC
 * containers (and AD-KDC-ISSUED / AD-CAMMAC elements), depth-first in wire order. Malformed containers are skipped.
 * This is how a PAC is found in a ticket: AD-IF-RELEVANT { AD-WIN2K-PAC }.
 */
export function findAllAuthData(list: readonly AuthorizationDataEntry[] | undefined, type: number): AuthorizationDataEntry[] {
  const out: AuthorizationDataEntry[] = [];
  const walk = (l: readonly AuthorizationDataEntry[], depth: number) => {
    for (const ad of l) {
      if (ad.adType === type) out.push(ad);
      if (depth >= MAX_AD_DEPTH) continue;
      const inner = CONTAINERS.has(ad.adType)
        ? tryDecode(() => decodeDer(AuthorizationData, ad.adData))
        : ad.adType === AdType['AD-KDC-ISSUED']
          ? tryDecode(() => decodeDer(AdKdcIssued, ad.adData).elements)
          : ad.adType === AdType['AD-CAMMAC']
            ? tryDecode(() => decodeDer(AdCammac, ad.adData).elements)
            : undefined;
      if (inner) walk(inner, depth + 1);
    }
  };
  walk(list ?? [], 0);
  return out;
}

/** The first element of `type`, looking inside AD-IF-RELEVANT containers (see findAllAuthData). */
export function findAuthData(list: readonly AuthorizationDataEntry[] | undefined, type: number): AuthorizationDataEntry | undefined {
  return findAllAuthData(list, type)[0];
}

function tryDecode<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}
