/**
 * The mechanism OIDs a Negotiate / Kerberos / NTLM header can carry, with the names people search for.
 */

// RFC 4178 §3 (SPNEGO), RFC 4121 §4.1 / RFC 1964 §1 (Kerberos V5), MS-SPNG §1.9 and MS-NLMP §1.9 (NTLM),
// MS-NEGOEX §1.9 (NegoEx), RFC 4121 §4.1 / RFC 4120 user-to-user, draft-ietf-kitten-iakerb (IAKERB).
export const GssOid = {
  SPNEGO: '1.3.6.1.5.5.2',
  KRB5: '1.2.840.113554.1.2.2',
  /**
   * Microsoft's legacy Kerberos OID. Windows 2000 encoded 1.2.840.113554 with a truncated arc (48018 is
   * 113554 & 0xffff), and for bug compatibility every Windows client still lists this OID *first* in mechTypes,
   * followed by the correct one (MS-SPNG §3.3.5.1 and RFC 4178 Appendix C). Treat it as Kerberos V5.
   */
  MS_KRB5: '1.2.840.48018.1.2.2',
  KRB5_USER_TO_USER: '1.2.840.113554.1.2.2.3',
  NTLMSSP: '1.3.6.1.4.1.311.2.2.10',
  NEGOEX: '1.3.6.1.4.1.311.2.2.30',
  IAKERB: '1.3.6.1.5.2.5',
} as const;

export type GssOidValue = (typeof GssOid)[keyof typeof GssOid];

const NAMES: Record<string, string> = {
  [GssOid.SPNEGO]: 'SPNEGO',
  [GssOid.KRB5]: 'Kerberos 5',
  [GssOid.MS_KRB5]: 'Kerberos 5 (Microsoft legacy OID)',
  [GssOid.KRB5_USER_TO_USER]: 'Kerberos 5 user-to-user',
  [GssOid.NTLMSSP]: 'NTLMSSP',
  [GssOid.NEGOEX]: 'NegoEx',
  [GssOid.IAKERB]: 'IAKERB',
};

/** A readable name for a mechanism OID ("Kerberos 5"), or the OID itself when unknown. */
export function mechName(oid: string): string {
  return NAMES[oid] ?? oid;
}

/** True for both Kerberos V5 OIDs (the standard one and Microsoft's legacy one). */
export function isKrb5Oid(oid: string): boolean {
  return oid === GssOid.KRB5 || oid === GssOid.MS_KRB5;
}
