/**
 * Key usage numbers, RFC 4120 §7.5.1 (names after the RFC's descriptions), plus the numbers other specs
 * assign in the same space. A key usage keys the derivation (RFC 3961 §5.3 DK(base-key, usage | 0xAA), …),
 * so decrypting with the right key but the wrong usage fails exactly like a wrong key: ERR_INTEGRITY.
 */
export const KeyUsage = {
  /** AS-REQ PA-ENC-TIMESTAMP padata timestamp, encrypted with the client key */
  PA_ENC_TIMESTAMP: 1,
  /** AS-REP Ticket and TGS-REP Ticket (the Ticket's enc-part, service key); also the ticket inside an AP-REQ */
  KDC_REP_TICKET: 2,
  /** AS-REP encrypted part (client key). RC4-HMAC sends this as T=8 (RFC 4757 §4) */
  AS_REP_ENC_PART: 3,
  /** TGS-REQ KDC-REQ-BODY AuthorizationData, encrypted with the TGS session key */
  TGS_REQ_AD_SESSION_KEY: 4,
  /** TGS-REQ KDC-REQ-BODY AuthorizationData, encrypted with the TGS authenticator subkey */
  TGS_REQ_AD_SUB_KEY: 5,
  /** TGS-REQ PA-TGS-REQ padata AP-REQ Authenticator cksum, keyed with the TGS session key */
  TGS_REQ_AUTH_CKSUM: 6,
  /** TGS-REQ PA-TGS-REQ padata AP-REQ Authenticator, encrypted with the TGS session key */
  TGS_REQ_AUTHENTICATOR: 7,
  /** TGS-REP encrypted part, encrypted with the TGS session key */
  TGS_REP_ENC_PART_SESSION_KEY: 8,
  /** TGS-REP encrypted part, encrypted with the TGS authenticator subkey */
  TGS_REP_ENC_PART_SUB_KEY: 9,
  /** AP-REQ Authenticator cksum, keyed with the application session key */
  AP_REQ_AUTH_CKSUM: 10,
  /** AP-REQ Authenticator, encrypted with the application session key */
  AP_REQ_AUTHENTICATOR: 11,
  /** AP-REP encrypted part, encrypted with the application session key */
  AP_REP_ENC_PART: 12,
  /** KRB-PRIV encrypted part */
  KRB_PRIV_ENC_PART: 13,
  /** KRB-CRED encrypted part */
  KRB_CRED_ENC_PART: 14,
  /** KRB-SAFE cksum */
  KRB_SAFE_CKSUM: 15,
  /** MS-KILE / MS-PAC: "KERB_NON_KERB_SALT", used by Windows for non-Kerberos encryption with Kerberos keys */
  KERB_NON_KERB_SALT: 16,
  /** MS-PAC §2.8 signatures and MS-SFU PA-FOR-USER checksum: "KERB_NON_KERB_CKSUM_SALT" */
  KERB_NON_KERB_CKSUM_SALT: 17,
  /** AD-KDC-ISSUED checksum (RFC 4120 §5.2.6.4 ad-checksum) */
  AD_KDC_ISSUED_CKSUM: 19,
  /** RFC 4121 §2: KG-USAGE-ACCEPTOR-SEAL */
  GSS_ACCEPTOR_SEAL: 22,
  /** RFC 4121 §2: KG-USAGE-ACCEPTOR-SIGN */
  GSS_ACCEPTOR_SIGN: 23,
  /** RFC 4121 §2: KG-USAGE-INITIATOR-SEAL */
  GSS_INITIATOR_SEAL: 24,
  /** RFC 4121 §2: KG-USAGE-INITIATOR-SIGN */
  GSS_INITIATOR_SIGN: 25,
  /** MS-SFU PA-S4U-X509-USER request checksum (MIT KRB5_KEYUSAGE_PA_S4U_X509_USER_REQUEST) */
  PA_S4U_X509_USER_REQUEST: 26,
  /** MS-SFU PA-S4U-X509-USER reply checksum (MIT KRB5_KEYUSAGE_PA_S4U_X509_USER_REPLY) */
  PA_S4U_X509_USER_REPLY: 27,
  /** RFC 6113 §5.4 KEY_USAGE_FAST_REQ_CHKSUM */
  FAST_REQ_CHKSUM: 50,
  /** RFC 6113 §5.4 KEY_USAGE_FAST_ENC */
  FAST_ENC: 51,
  /** RFC 6113 §5.4 KEY_USAGE_FAST_REP */
  FAST_REP: 52,
  /** RFC 6113 §5.4 KEY_USAGE_FAST_FINISHED */
  FAST_FINISHED: 53,
  /** RFC 6113 §5.4 KEY_USAGE_ENC_CHALLENGE_CLIENT */
  ENC_CHALLENGE_CLIENT: 54,
  /** RFC 6113 §5.4 KEY_USAGE_ENC_CHALLENGE_KDC */
  ENC_CHALLENGE_KDC: 55,
  /** RFC 4120 §7.5.1: encryption for application use in protocols that do not specify key usage values */
  APP_DATA_ENCRYPT: 1024,
  /** RFC 4120 §7.5.1: checksums for application use in protocols that do not specify key usage values */
  APP_DATA_CKSUM: 1025,
} as const;

export type KeyUsageName = keyof typeof KeyUsage;

const byNumber = new Map<number, KeyUsageName>(Object.entries(KeyUsage).map(([k, v]) => [v, k as KeyUsageName]));

/** The constant name for a usage number, or undefined. */
export function keyUsageName(usage: number): KeyUsageName | undefined {
  return byNumber.get(usage);
}
