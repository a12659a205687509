/**
 * msDS-SupportedEncryptionTypes, MS-KILE §2.2.7 "Supported Encryption Types Bit Flags". The same 32-bit value
 * travels in PA-SUPPORTED-ENCTYPES (MS-KILE §2.2.8) and in the KERB_SUPPORTED_ENCTYPES claim of event 4769.
 */
export const SupportedEncTypeFlag = {
  DES_CBC_CRC: 0x1,
  DES_CBC_MD5: 0x2,
  RC4_HMAC: 0x4,
  AES128_CTS_HMAC_SHA1_96: 0x8,
  AES256_CTS_HMAC_SHA1_96: 0x10,
  /** AES256 session keys even when the account has no AES keys (KB5021131, "AES256-SK") */
  AES256_CTS_HMAC_SHA1_96_SK: 0x20,
  FAST_SUPPORTED: 0x10000,
  COMPOUND_IDENTITY_SUPPORTED: 0x20000,
  CLAIMS_SUPPORTED: 0x40000,
  RESOURCE_SID_COMPRESSION_DISABLED: 0x80000,
} as const;

export type SupportedEncTypeFlagName = keyof typeof SupportedEncTypeFlag;

/** The flag bits that name an enctype, with its etype number. */
const ENCTYPE_OF_FLAG: ReadonlyArray<readonly [SupportedEncTypeFlagName, number]> = [
  ['DES_CBC_CRC', 1],
  ['DES_CBC_MD5', 3],
  ['RC4_HMAC', 23],
  ['AES128_CTS_HMAC_SHA1_96', 17],
  ['AES256_CTS_HMAC_SHA1_96', 18],
];

export interface DecodedSupportedEncTypes {
  readonly value: number;
  /** Every set flag's name, lowest bit first. */
  readonly flags: readonly SupportedEncTypeFlagName[];
  /** Etype numbers the enctype bits allow, lowest bit first (0x20 adds none: it only concerns session keys). */
  readonly enctypes: readonly number[];
  /** Set bits this table does not know (reported, never dropped). */
  readonly unknownBits: number;
}

export function decodeSupportedEncTypes(value: number): DecodedSupportedEncTypes {
  const v = value >>> 0;
  const flags: SupportedEncTypeFlagName[] = [];
  let known = 0;
  for (const [name, bit] of Object.entries(SupportedEncTypeFlag) as [SupportedEncTypeFlagName, number][]) {
    if (v & bit) flags.push(name);
    known |= bit;
  }
  const enctypes = ENCTYPE_OF_FLAG.filter(([name]) => v & SupportedEncTypeFlag[name]).map(([, id]) => id);
  return { value: v, flags, enctypes, unknownBits: (v & ~known) >>> 0 };
}

/** The enctype bits for a list of etype numbers (others are ignored): e.g. [17, 18] → 0x18. */
export function encodeSupportedEncTypes(enctypes: readonly number[]): number {
  let v = 0;
  for (const [name, id] of ENCTYPE_OF_FLAG) if (enctypes.includes(id)) v |= SupportedEncTypeFlag[name];
  return v;
}
