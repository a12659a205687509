/**
 * Kerberos number tables: message types, name types, pre-authentication and authorization-data types, address
 * types, and the three flag words (ticket flags, KDC options, AP options) with their renderings in the words
 * Windows `klist` and MIT `klist -f` use.
 */

// RFC 4120 §7.5.6
export const KRB5_PVNO = 5;

// RFC 4120 §7.5.7 (+ the APPLICATION tags of the encrypted parts, §5.3–§5.8)
export const MessageType = {
  KRB_AS_REQ: 10,
  KRB_AS_REP: 11,
  KRB_TGS_REQ: 12,
  KRB_TGS_REP: 13,
  KRB_AP_REQ: 14,
  KRB_AP_REP: 15,
  KRB_RESERVED16: 16,
  KRB_RESERVED17: 17,
  KRB_SAFE: 20,
  KRB_PRIV: 21,
  KRB_CRED: 22,
  KRB_ERROR: 30,
} as const;

/** APPLICATION tag → the ASN.1 type name (RFC 4120 §5.3–§5.9.1). */
export const ApplicationTag = {
  1: 'Ticket',
  2: 'Authenticator',
  3: 'EncTicketPart',
  10: 'AS-REQ',
  11: 'AS-REP',
  12: 'TGS-REQ',
  13: 'TGS-REP',
  14: 'AP-REQ',
  15: 'AP-REP',
  20: 'KRB-SAFE',
  21: 'KRB-PRIV',
  22: 'KRB-CRED',
  25: 'EncASRepPart',
  26: 'EncTGSRepPart',
  27: 'EncAPRepPart',
  28: 'EncKrbPrivPart',
  29: 'EncKrbCredPart',
  30: 'KRB-ERROR',
} as const;

// RFC 4120 §7.5.8, RFC 6111 (NT-WELLKNOWN), MS-KILE §2.2 / MS-SFU (negative Microsoft types)
export const NameType = {
  NT_UNKNOWN: 0,
  NT_PRINCIPAL: 1,
  NT_SRV_INST: 2,
  NT_SRV_HST: 3,
  NT_SRV_XHST: 4,
  NT_UID: 5,
  NT_X500_PRINCIPAL: 6,
  NT_SMTP_NAME: 7,
  NT_ENTERPRISE: 10,
  NT_WELLKNOWN: 11,
  NT_SRV_HST_DOMAIN: 12,
  NT_MS_PRINCIPAL: -128,
  NT_MS_PRINCIPAL_AND_ID: -129,
  NT_ENT_PRINCIPAL_AND_ID: -130,
} as const;

// RFC 4120 §7.5.2 + IANA "Kerberos Pre-authentication and Typed Data" registry + MS-KILE §2.2 / MS-SFU §2.2
export const PaDataType = {
  'PA-TGS-REQ': 1,
  'PA-ENC-TIMESTAMP': 2,
  'PA-PW-SALT': 3,
  'PA-ENC-UNIX-TIME': 5,
  'PA-SANDIA-SECUREID': 6,
  'PA-SESAME': 7,
  'PA-OSF-DCE': 8,
  'PA-CYBERSAFE-SECUREID': 9,
  'PA-AFS3-SALT': 10,
  'PA-ETYPE-INFO': 11,
  'PA-SAM-CHALLENGE': 12,
  'PA-SAM-RESPONSE': 13,
  'PA-PK-AS-REQ_OLD': 14,
  'PA-PK-AS-REP_OLD': 15,
  'PA-PK-AS-REQ': 16,
  'PA-PK-AS-REP': 17,
  'PA-PK-OCSP-RESPONSE': 18,
  'PA-ETYPE-INFO2': 19,
  'PA-USE-SPECIFIED-KVNO': 20,
  'PA-SAM-REDIRECT': 21,
  'TD-PADATA': 22,
  'PA-SAM-ETYPE-INFO': 23,
  'PA-ALT-PRINC': 24,
  'PA-SERVER-REFERRAL': 25,
  'PA-SAM-CHALLENGE2': 30,
  'PA-SAM-RESPONSE2': 31,
  'PA-EXTRA-TGT': 41,
  'TD-PKINIT-CMS-CERTIFICATES': 101,
  'TD-KRB-PRINCIPAL': 102,
  'TD-KRB-REALM': 103,
  'TD-TRUSTED-CERTIFIERS': 104,
  'TD-CERTIFICATE-INDEX': 105,
  'TD-APP-DEFINED-ERROR': 106,
  'TD-REQ-NONCE': 107,
  'TD-REQ-SEQ': 108,
  'TD-DH-PARAMETERS': 109,
  'TD-CMS-DIGEST-ALGORITHMS': 111,
  'TD-CERT-DIGEST-ALGORITHMS': 112,
  'PA-PAC-REQUEST': 128,
  'PA-FOR-USER': 129,
  'PA-FOR-X509-USER': 130,
  'PA-FOR-CHECK_DUPS': 131,
  'PA-AS-CHECKSUM': 132,
  'PA-FX-COOKIE': 133,
  'PA-AUTHENTICATION-SET': 134,
  'PA-AUTH-SET-SELECTED': 135,
  'PA-FX-FAST': 136,
  'PA-FX-ERROR': 137,
  'PA-ENCRYPTED-CHALLENGE': 138,
  'PA-OTP-CHALLENGE': 141,
  'PA-OTP-REQUEST': 142,
  'PA-OTP-CONFIRM': 143,
  'PA-OTP-PIN-CHANGE': 144,
  'PA-EPAK-AS-REQ': 145,
  'PA-EPAK-AS-REP': 146,
  'PA-PKINIT-KX': 147,
  'PA-PKU2U-NAME': 148,
  'PA-REQ-ENC-PA-REP': 149,
  'PA-AS-FRESHNESS': 150,
  'PA-SPAKE': 151,
  'PA-REDHAT-IDP-OAUTH2': 152,
  'PA-REDHAT-PASSKEY': 153,
  'KERB-KEY-LIST-REQ': 161,
  'KERB-KEY-LIST-REP': 162,
  'PA-SUPPORTED-ENCTYPES': 165,
  'PA-EXTENDED-ERROR': 166,
  'PA-PAC-OPTIONS': 167,
} as const;

const PA_NAMES = new Map<number, string>(Object.entries(PaDataType).map(([k, v]) => [v, k]));

/** The registry name of a padata-type ("PA-ETYPE-INFO2"), or `PA-<n>` when unknown. */
export function paDataTypeName(type: number): string {
  return PA_NAMES.get(type) ?? `PA-${type}`;
}

// RFC 4120 §7.5.4 + RFC 6113 §5.4.1.1 (FAST) + RFC 7751 (CAMMAC) + MS-KILE §2.2.5–§2.2.11 / MS-PAC
export const AdType = {
  'AD-IF-RELEVANT': 1,
  'AD-INTENDED-FOR-SERVER': 2,
  'AD-INTENDED-FOR-APPLICATION-CLASS': 3,
  'AD-KDC-ISSUED': 4,
  'AD-AND-OR': 5,
  'AD-MANDATORY-TICKET-EXTENSIONS': 6,
  'AD-IN-TICKET-EXTENSIONS': 7,
  'AD-MANDATORY-FOR-KDC': 8,
  'AD-INITIAL-VERIFIED-CAS': 9,
  'OSF-DCE': 64,
  SESAME: 65,
  'AD-OSF-DCE-PKI-CERTID': 66,
  'AD-AUTHENTICATION-STRENGTH': 70,
  'AD-FX-FAST-ARMOR': 71,
  'AD-FX-FAST-USED': 72,
  'AD-CAMMAC': 96,
  'AD-AUTHENTICATION-INDICATOR': 97,
  'AD-WIN2K-PAC': 128,
  'AD-ETYPE-NEGOTIATION': 129,
  'KERB-AD-RESTRICTION-ENTRY': 141,
  'KERB-LOCAL': 142,
  'AD-AUTH-DATA-AP-OPTIONS': 143,
  'AD-TARGET-PRINCIPAL': 144,
} as const;

const AD_NAMES = new Map<number, string>(Object.entries(AdType).map(([k, v]) => [v, k]));

export function adTypeName(type: number): string {
  return AD_NAMES.get(type) ?? `AD-${type}`;
}

// RFC 4120 §7.5.3 (+ 24 IPv6, 20 NetBIOS which Windows sends in AS-REQ addresses)
export const AddressType = {
  IPv4: 2,
  Directional: 3,
  ChaosNet: 5,
  XNS: 6,
  ISO: 7,
  'DECNET Phase IV': 12,
  'AppleTalk DDP': 16,
  NetBios: 20,
  IPv6: 24,
} as const;

// MS-KILE §2.2.10: KERB_AP_OPTIONS_CBT in AD-AUTH-DATA-AP-OPTIONS (the client will send channel bindings)
export const KERB_AP_OPTIONS_CBT = 0x4000;

// MS-KILE §2.2.2: KERB-ERROR-DATA data-type values
export const KerbErrorDataType = {
  KERB_AP_ERR_TYPE_SKEW_RECOVERY: 2,
  KERB_ERR_TYPE_EXTENDED: 3,
} as const;

// ---- flag words ----

/** One bit of a KerberosFlags word (RFC 4120 §5.2.8: bit 0 is the most significant bit). */
export interface FlagBit {
  bit: number;
  /** The RFC name ("pre-authent"). */
  name: string;
  /** The name Windows `klist` prints ("pre_authent"), when it prints one. */
  windows?: string;
  /** The letter MIT `klist -f` prints. */
  mit?: string;
}

/** Bit n of a KerberosFlags word as the unsigned 32-bit mask Windows prints (bit 0 = 0x80000000). */
export function flagMask(bit: number): number {
  return (0x80000000 >>> bit) >>> 0;
}

// RFC 4120 §5.3 TicketFlags (+ RFC 6806 §11 enc-pa-rep, RFC 8062 anonymous). Bit 15 is what Windows klist calls
// name_canonicalize (KERB_TICKET_FLAGS_name_canonicalize 0x00010000); RFC 6806 later gave it to enc-pa-rep, so
// a Windows ticket printed as "name_canonicalize" is the same bit. The MIT letters follow klist.c's order.
export const TICKET_FLAGS: readonly FlagBit[] = [
  { bit: 0, name: 'reserved', windows: 'reserved' },
  { bit: 1, name: 'forwardable', windows: 'forwardable', mit: 'F' },
  { bit: 2, name: 'forwarded', windows: 'forwarded', mit: 'f' },
  { bit: 3, name: 'proxiable', windows: 'proxiable', mit: 'P' },
  { bit: 4, name: 'proxy', windows: 'proxy', mit: 'p' },
  { bit: 5, name: 'may-postdate', windows: 'may_postdate', mit: 'D' },
  { bit: 6, name: 'postdated', windows: 'postdated', mit: 'd' },
  { bit: 7, name: 'invalid', windows: 'invalid', mit: 'i' },
  { bit: 8, name: 'renewable', windows: 'renewable', mit: 'R' },
  { bit: 9, name: 'initial', windows: 'initial', mit: 'I' },
  { bit: 10, name: 'pre-authent', windows: 'pre_authent', mit: 'A' },
  { bit: 11, name: 'hw-authent', windows: 'hw_authent', mit: 'H' },
  { bit: 12, name: 'transited-policy-checked', windows: 'transited_policy_checked', mit: 'T' },
  { bit: 13, name: 'ok-as-delegate', windows: 'ok_as_delegate', mit: 'O' },
  { bit: 15, name: 'enc-pa-rep', windows: 'name_canonicalize' },
  { bit: 16, name: 'anonymous', windows: 'anonymous', mit: 'a' },
];

export const TicketFlag = Object.fromEntries(TICKET_FLAGS.map((f) => [f.name, flagMask(f.bit)])) as Record<string, number>;

// MIT klist.c prints H before A (not in bit order); keep its order so strings compare equal to klist output.
const MIT_ORDER = 'FfPpDdiRIHATOa';

// RFC 4120 §5.4.1 KDCOptions (+ RFC 6806 canonicalize, RFC 8062 request-anonymous, MS-SFU cname-in-addl-tkt)
export const KDC_OPTIONS: readonly FlagBit[] = [
  { bit: 0, name: 'reserved' },
  { bit: 1, name: 'forwardable', windows: 'forwardable' },
  { bit: 2, name: 'forwarded', windows: 'forwarded' },
  { bit: 3, name: 'proxiable', windows: 'proxiable' },
  { bit: 4, name: 'proxy', windows: 'proxy' },
  { bit: 5, name: 'allow-postdate', windows: 'allow_postdate' },
  { bit: 6, name: 'postdated', windows: 'postdated' },
  { bit: 7, name: 'unused7' },
  { bit: 8, name: 'renewable', windows: 'renewable' },
  { bit: 9, name: 'unused9' },
  { bit: 10, name: 'unused10' },
  { bit: 11, name: 'opt-hardware-auth' },
  { bit: 12, name: 'unused12' },
  { bit: 13, name: 'unused13' },
  { bit: 14, name: 'cname-in-addl-tkt', windows: 'cname_in_addl_tkt' },
  { bit: 15, name: 'canonicalize', windows: 'name_canonicalize' },
  { bit: 16, name: 'request-anonymous', windows: 'request_anonymous' },
  { bit: 26, name: 'disable-transited-check', windows: 'disable_transited_check' },
  { bit: 27, name: 'renewable-ok', windows: 'renewable_ok' },
  { bit: 28, name: 'enc-tkt-in-skey', windows: 'enc_tkt_in_skey' },
  { bit: 30, name: 'renew', windows: 'renew' },
  { bit: 31, name: 'validate', windows: 'validate' },
];

export const KdcOption = Object.fromEntries(KDC_OPTIONS.map((f) => [f.name, flagMask(f.bit)])) as Record<string, number>;

// RFC 4120 §5.5.1 APOptions
export const AP_OPTIONS: readonly FlagBit[] = [
  { bit: 0, name: 'reserved' },
  { bit: 1, name: 'use-session-key', windows: 'use_session_key' },
  { bit: 2, name: 'mutual-required', windows: 'mutual_required' },
];

export const ApOption = Object.fromEntries(AP_OPTIONS.map((f) => [f.name, flagMask(f.bit)])) as Record<string, number>;

// MS-KILE §2.2.10 PA-PAC-OPTIONS
export const PAC_OPTIONS: readonly FlagBit[] = [
  { bit: 0, name: 'claims' },
  { bit: 1, name: 'branch-aware' },
  { bit: 2, name: 'forward-to-full-dc' },
  { bit: 3, name: 'resource-based-constrained-delegation' },
];

// RFC 6113 §5.4.1 FastOptions
export const FAST_OPTIONS: readonly FlagBit[] = [
  { bit: 0, name: 'reserved' },
  { bit: 1, name: 'hide-client-names' },
  { bit: 16, name: 'kdc-follow-referrals' },
];

// MS-KILE §2.2.7 msDS-SupportedEncryptionTypes bits (carried by PA-SUPPORTED-ENCTYPES, little-endian)
export const SupportedEnctypeBits = {
  'DES-CBC-CRC': 0x1,
  'DES-CBC-MD5': 0x2,
  'RC4-HMAC': 0x4,
  'AES128-CTS-HMAC-SHA1-96': 0x8,
  'AES256-CTS-HMAC-SHA1-96': 0x10,
  'AES256-CTS-HMAC-SHA1-96-SK': 0x20,
  'FAST-supported': 0x10000,
  'Compound-identity-supported': 0x20000,
  'Claims-supported': 0x40000,
  'Resource-SID-compression-disabled': 0x80000,
} as const;

/** The names of the bits set in a little-endian bit mask table like SupportedEnctypeBits. */
export function maskNames(mask: number, table: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  let known = 0;
  for (const [name, bit] of Object.entries(table)) {
    if ((mask & bit) >>> 0 === bit) out.push(name);
    known |= bit;
  }
  const rest = (mask & ~known) >>> 0;
  if (rest) out.push(`0x${rest.toString(16).padStart(8, '0')}`);
  return out;
}

export interface RenderedFlags {
  /** The Windows hex form: "0x40e10000". */
  hex: string;
  /** RFC names of the bits set, in bit order; unknown bits as "bit21". */
  names: string[];
  /** Windows klist's words joined by spaces ("forwardable renewable initial pre_authent name_canonicalize"). */
  windows: string;
  /** MIT `klist -f` letters ("FRIA"); empty for words without letters. */
  mit: string;
}

/** Renders a flag word against a table (ticket flags, KDC options, AP options). */
export function renderFlags(flags: number, table: readonly FlagBit[] = TICKET_FLAGS): RenderedFlags {
  const n = flags >>> 0;
  const names: string[] = [];
  const windows: string[] = [];
  const letters: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if ((n & flagMask(bit)) === 0) continue;
    const f = table.find((x) => x.bit === bit);
    names.push(f?.name ?? `bit${bit}`);
    windows.push(f?.windows ?? f?.name ?? `bit${bit}`);
    if (f?.mit) letters.push(f.mit);
  }
  const mit = table === TICKET_FLAGS ? [...letters].sort((a, b) => MIT_ORDER.indexOf(a) - MIT_ORDER.indexOf(b)).join('') : letters.join('');
  return { hex: `0x${n.toString(16).padStart(8, '0')}`, names, windows: windows.join(' '), mit };
}

/** Windows klist's line for ticket flags: "0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize". */
export function formatTicketFlags(flags: number): string {
  const r = renderFlags(flags, TICKET_FLAGS);
  return `${r.hex} -> ${r.windows}`;
}

/** Builds a flag word from RFC names (the inverse of renderFlags(...).names). Unknown names throw TypeError. */
export function flagsFromNames(names: readonly string[], table: readonly FlagBit[] = TICKET_FLAGS): number {
  let n = 0;
  for (const name of names) {
    const f = table.find((x) => x.name === name || x.windows === name);
    if (!f) throw new TypeError(`unknown flag ${name}`);
    n |= flagMask(f.bit);
  }
  return n >>> 0;
}
