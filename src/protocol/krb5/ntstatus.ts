/**
 * The NTSTATUS codes a Windows KDC puts in KERB-EXT-ERROR (MS-KILE §2.2.1/§2.2.2) and that users meet in
 * KRB-ERRORs, event 4768/4769/4771 "Failure Code"/"Status" fields and klist errors. Values from MS-ERREF §2.3.
 */

export interface NtStatusInfo {
  name: string;
  /** What it means for the person at the keyboard. */
  meaning: string;
}

// MS-ERREF §2.3.1
export const NtStatus = {
  STATUS_SUCCESS: 0x00000000,
  STATUS_UNSUCCESSFUL: 0xc0000001,
  STATUS_INVALID_PARAMETER: 0xc000000d,
  STATUS_ACCESS_DENIED: 0xc0000022,
  STATUS_NO_LOGON_SERVERS: 0xc000005e,
  STATUS_NO_SUCH_LOGON_SESSION: 0xc000005f,
  STATUS_NO_SUCH_USER: 0xc0000064,
  STATUS_WRONG_PASSWORD: 0xc000006a,
  STATUS_PASSWORD_RESTRICTION: 0xc000006c,
  STATUS_LOGON_FAILURE: 0xc000006d,
  STATUS_ACCOUNT_RESTRICTION: 0xc000006e,
  STATUS_INVALID_LOGON_HOURS: 0xc000006f,
  STATUS_INVALID_WORKSTATION: 0xc0000070,
  STATUS_PASSWORD_EXPIRED: 0xc0000071,
  STATUS_ACCOUNT_DISABLED: 0xc0000072,
  STATUS_NOT_SUPPORTED: 0xc00000bb,
  STATUS_NO_SUCH_DOMAIN: 0xc00000df,
  STATUS_TIME_DIFFERENCE_AT_DC: 0xc0000133,
  STATUS_LOGON_TYPE_NOT_GRANTED: 0xc000015b,
  STATUS_NO_TRUST_LSA_SECRET: 0xc000018a,
  STATUS_NO_TRUST_SAM_ACCOUNT: 0xc000018b,
  STATUS_TRUSTED_DOMAIN_FAILURE: 0xc000018c,
  STATUS_TRUSTED_RELATIONSHIP_FAILURE: 0xc000018d,
  STATUS_ACCOUNT_EXPIRED: 0xc0000193,
  STATUS_NOLOGON_INTERDOMAIN_TRUST_ACCOUNT: 0xc0000198,
  STATUS_NOLOGON_WORKSTATION_TRUST_ACCOUNT: 0xc0000199,
  STATUS_NOLOGON_SERVER_TRUST_ACCOUNT: 0xc000019a,
  STATUS_PASSWORD_MUST_CHANGE: 0xc0000224,
  STATUS_ACCOUNT_LOCKED_OUT: 0xc0000234,
  STATUS_NO_PA_DATA: 0xc00002f8,
  STATUS_PKINIT_NAME_MISMATCH: 0xc00002f9,
  STATUS_SMARTCARD_LOGON_REQUIRED: 0xc00002fa,
  STATUS_KDC_INVALID_REQUEST: 0xc00002fb,
  STATUS_KDC_UNABLE_TO_REFER: 0xc00002fc,
  STATUS_KDC_UNKNOWN_ETYPE: 0xc00002fd,
  STATUS_DOWNGRADE_DETECTED: 0xc0000388,
  STATUS_USER2USER_REQUIRED: 0xc0000408,
  STATUS_NO_S4U_PROT_SUPPORT: 0xc000040a,
  STATUS_CROSSREALM_DELEGATION_FAILURE: 0xc000040b,
  STATUS_REVOCATION_OFFLINE_KDC: 0xc000040c,
  STATUS_ISSUING_CA_UNTRUSTED_KDC: 0xc000040d,
  STATUS_KDC_CERT_EXPIRED: 0xc000040e,
  STATUS_KDC_CERT_REVOKED: 0xc000040f,
  STATUS_AUTHENTICATION_FIREWALL_FAILED: 0xc0000413,
} as const;

const MEANINGS: Record<keyof typeof NtStatus, string> = {
  STATUS_SUCCESS: 'Success.',
  STATUS_UNSUCCESSFUL: 'Unspecified failure.',
  STATUS_INVALID_PARAMETER: 'The KDC found a request parameter invalid.',
  STATUS_ACCESS_DENIED: 'Access denied.',
  STATUS_NO_LOGON_SERVERS: 'No domain controller could be reached to process the logon (DNS SRV records, firewall, site).',
  STATUS_NO_SUCH_LOGON_SESSION: 'The logon session does not exist (credentials gone, e.g. after a purge or password change).',
  STATUS_NO_SUCH_USER: 'The user name does not exist in the domain (typo, wrong domain, or the UPN suffix is not routed).',
  STATUS_WRONG_PASSWORD: 'The password is wrong (or the client used a stale cached password / keytab).',
  STATUS_PASSWORD_RESTRICTION: 'The new password does not meet the password policy.',
  STATUS_LOGON_FAILURE: 'Logon failed: unknown user name or bad password.',
  STATUS_ACCOUNT_RESTRICTION: 'An account restriction prevents logon (e.g. blank password not allowed, Protected Users).',
  STATUS_INVALID_LOGON_HOURS: 'The account is not allowed to log on at this time of day (logonHours).',
  STATUS_INVALID_WORKSTATION: 'The account may not log on from this computer (userWorkstations / "Log On To").',
  STATUS_PASSWORD_EXPIRED: "The account's password has expired and must be changed.",
  STATUS_ACCOUNT_DISABLED: 'The account is disabled.',
  STATUS_NOT_SUPPORTED: 'The request is not supported.',
  STATUS_NO_SUCH_DOMAIN: 'The domain does not exist or cannot be contacted.',
  STATUS_TIME_DIFFERENCE_AT_DC: "The client's clock differs too much from the domain controller's (default 5 minutes).",
  STATUS_LOGON_TYPE_NOT_GRANTED: 'The user has not been granted this logon type on this computer (user rights assignment).',
  STATUS_NO_TRUST_LSA_SECRET: "The computer's secure channel secret is missing (machine not joined correctly).",
  STATUS_NO_TRUST_SAM_ACCOUNT:
    'The domain has no computer account matching this machine\'s trust (account deleted/reset or the machine was re-imaged: rejoin, or Reset-ComputerMachinePassword). Windows klist shows this as 0xc000018b "The SAM database on the Windows Server does not have a computer account for this workstation trust relationship".',
  STATUS_TRUSTED_DOMAIN_FAILURE: 'The trust relationship with the other domain failed.',
  STATUS_TRUSTED_RELATIONSHIP_FAILURE:
    'The trust relationship between this workstation and the domain failed (machine password out of sync).',
  STATUS_ACCOUNT_EXPIRED: 'The account has expired (accountExpires).',
  STATUS_NOLOGON_INTERDOMAIN_TRUST_ACCOUNT: 'A trust account was used to log on interactively; use a user account.',
  STATUS_NOLOGON_WORKSTATION_TRUST_ACCOUNT: 'A computer account was used where a user account is needed.',
  STATUS_NOLOGON_SERVER_TRUST_ACCOUNT: 'A server trust account was used where a user account is needed.',
  STATUS_PASSWORD_MUST_CHANGE: 'The user must change the password at next logon ("User must change password" is set).',
  STATUS_ACCOUNT_LOCKED_OUT: 'The account is locked out after too many bad passwords (find the source of the bad attempts).',
  STATUS_NO_PA_DATA: 'The KDC expected pre-authentication data that was not sent.',
  STATUS_PKINIT_NAME_MISMATCH: 'The smart-card certificate does not map to the account (PKINIT name mismatch).',
  STATUS_SMARTCARD_LOGON_REQUIRED: 'The account requires smart-card logon; a password logon was attempted.',
  STATUS_KDC_INVALID_REQUEST: 'The KDC rejected the request as invalid.',
  STATUS_KDC_UNABLE_TO_REFER: 'The KDC could not build a referral to another domain (trust or routing problem).',
  STATUS_KDC_UNKNOWN_ETYPE: 'No common encryption type between client, KDC and account (msDS-SupportedEncryptionTypes, RC4/DES disabled).',
  STATUS_DOWNGRADE_DETECTED: 'The system detected a possible downgrade (often a wrong time, SPN, or DNS resolving to another host).',
  STATUS_USER2USER_REQUIRED: 'The service requires user-to-user authentication (no service key; SPN on a user without a password key).',
  STATUS_NO_S4U_PROT_SUPPORT: 'The KDC does not support S4U (protocol transition) for this request.',
  STATUS_CROSSREALM_DELEGATION_FAILURE:
    'Classic constrained delegation across domains is not supported; use resource-based constrained delegation.',
  STATUS_REVOCATION_OFFLINE_KDC: "The revocation status of the KDC's certificate could not be checked.",
  STATUS_ISSUING_CA_UNTRUSTED_KDC: "The KDC certificate's issuing CA is not trusted.",
  STATUS_KDC_CERT_EXPIRED: 'The KDC certificate has expired.',
  STATUS_KDC_CERT_REVOKED: 'The KDC certificate has been revoked.',
  STATUS_AUTHENTICATION_FIREWALL_FAILED:
    'Selective authentication on the trust does not allow this user to this computer ("Allowed to authenticate").',
};

const BY_VALUE = new Map<number, NtStatusInfo>(
  (Object.entries(NtStatus) as [keyof typeof NtStatus, number][]).map(([name, v]) => [v, { name, meaning: MEANINGS[name] }]),
);

/** The name and meaning of an NTSTATUS, or undefined when it is not one users meet in Kerberos failures. */
export function ntStatusInfo(status: number): NtStatusInfo | undefined {
  return BY_VALUE.get(status >>> 0);
}

/** "STATUS_ACCOUNT_DISABLED" or "0xc0000123" for unknown values. */
export function ntStatusName(status: number): string {
  return ntStatusInfo(status)?.name ?? `0x${(status >>> 0).toString(16).padStart(8, '0')}`;
}
