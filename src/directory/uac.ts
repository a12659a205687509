/**
 * userAccountControl (MS-ADTS §2.2.16 "userAccountControl Bits"; the same bits as ADS_USER_FLAG_ENUM). The names are
 * the UF_ constants of lmaccess.h that `Get-ADUser` and the documentation of the attribute use.
 */
export const UserAccountControl = {
  UF_SCRIPT: 0x1,
  UF_ACCOUNTDISABLE: 0x2,
  UF_HOMEDIR_REQUIRED: 0x8,
  UF_LOCKOUT: 0x10,
  UF_PASSWD_NOTREQD: 0x20,
  UF_PASSWD_CANT_CHANGE: 0x40,
  UF_ENCRYPTED_TEXT_PASSWORD_ALLOWED: 0x80,
  UF_TEMP_DUPLICATE_ACCOUNT: 0x100,
  UF_NORMAL_ACCOUNT: 0x200,
  UF_INTERDOMAIN_TRUST_ACCOUNT: 0x800,
  UF_WORKSTATION_TRUST_ACCOUNT: 0x1000,
  UF_SERVER_TRUST_ACCOUNT: 0x2000,
  UF_DONT_EXPIRE_PASSWD: 0x10000,
  UF_MNS_LOGON_ACCOUNT: 0x20000,
  UF_SMARTCARD_REQUIRED: 0x40000,
  UF_TRUSTED_FOR_DELEGATION: 0x80000,
  UF_NOT_DELEGATED: 0x100000,
  UF_USE_DES_KEY_ONLY: 0x200000,
  UF_DONT_REQUIRE_PREAUTH: 0x400000,
  UF_PASSWORD_EXPIRED: 0x800000,
  UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION: 0x1000000,
  UF_NO_AUTH_DATA_REQUIRED: 0x2000000,
  UF_PARTIAL_SECRETS_ACCOUNT: 0x4000000,
} as const;

export type UserAccountControlName = keyof typeof UserAccountControl;

export interface DecodedUac {
  value: number;
  flags: UserAccountControlName[];
  /** set bits MS-ADTS does not name (reported, never dropped) */
  unknownBits: number;
}

export function decodeUserAccountControl(value: number): DecodedUac {
  const v = value >>> 0;
  let known = 0;
  const flags: UserAccountControlName[] = [];
  for (const [name, bit] of Object.entries(UserAccountControl) as [UserAccountControlName, number][]) {
    known |= bit;
    if (v & bit) flags.push(name);
  }
  return { value: v, flags, unknownBits: (v & ~known) >>> 0 };
}
