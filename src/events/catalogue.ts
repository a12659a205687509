/**
 * The events `kerbscope events` understands: for each, what it means at which step of Microsoft's Kerberos
 * troubleshooting guidance, and which fact it becomes (so which rule it feeds). Keyed `Channel:EventID` for the
 * Security log and `Provider:EventID` for the System log (one System log holds many providers' numbering).
 */
import type { SystemCause } from '../facts/events.js';
import type { Step } from '../rules/finding.js';

export interface CatalogueEntry {
  title: string;
  /** What it means for the walk-through. */
  meaning: string;
  step: Step;
  /** The fact kinds it becomes and the finding ids those feed. */
  feeds: string;
  /** System-log events: the cause key of their system-condition fact. */
  cause?: SystemCause;
}

const KDC = 'Microsoft-Windows-Kerberos-Key-Distribution-Center';
const KERB = 'Microsoft-Windows-Security-Kerberos';
const TIME = 'Microsoft-Windows-Time-Service';

/** Provider names as the System log writes them (new manifest name, or the classic event source name). */
export const PROVIDER_ALIASES: Record<string, string> = {
  kdc: KDC,
  [KDC.toLowerCase()]: KDC,
  kerberos: KERB,
  [KERB.toLowerCase()]: KERB,
  lsasrv: 'LsaSrv',
  netlogon: 'NETLOGON',
  'microsoft-windows-netlogon': 'NETLOGON',
  'microsoft-windows-time-service': TIME,
  w32time: TIME,
  'microsoft-windows-security-auditing': 'Microsoft-Windows-Security-Auditing',
  'microsoft windows security auditing.': 'Microsoft-Windows-Security-Auditing',
};

export function canonicalProvider(p: string): string {
  return PROVIDER_ALIASES[p.toLowerCase()] ?? p;
}

export const CATALOGUE: Record<string, CatalogueEntry> = {
  'Security:4624': {
    title: 'An account was successfully logged on',
    meaning:
      'On the target server: which package authenticated the logon. Negotiate with LmPackageName NTLM is the NTLM fallback the guidance hunts (the client got no Kerberos ticket).',
    step: 'ticket',
    feeds: 'ntlm-message {messageType 3, viaNegotiate} → ntlm-fallback (Negotiate logons that used NTLM; anonymous logons left out)',
  },
  'Security:4625': {
    title: 'An account failed to log on',
    meaning:
      'Status/SubStatus name the account problem: 0xC000006A bad password, 0xC0000064 unknown user, 0xC0000072 disabled, 0xC0000234 locked, 0xC0000071/0xC0000224 password expired/must change, 0xC000018B no trust (computer account), 0xC0000133 clock skew.',
    step: 'account',
    feeds:
      'logon-failure → bad-password, unknown-user, account-disabled, account-locked, password-expired, secure-channel, clock-skew, password-spray, user-enumeration',
  },
  'Security:4740': {
    title: 'A user account was locked out',
    meaning: 'The lockout threshold was reached; the Caller Computer Name is where the bad passwords came from.',
    step: 'account',
    feeds: 'account-lockout → account-locked',
  },
  'Security:4768': {
    title: 'A Kerberos authentication ticket (TGT) was requested',
    meaning:
      'On a DC: the AS exchange. Result Code is the Kerberos error (0x6 unknown user, 0x12 revoked/disabled/locked, 0x17 password expired, 0x18 bad password, 0x25 skew); Client Address is the client.',
    step: 'account',
    feeds:
      'krb-error (from kdc) → unknown-user, account-revoked, password-expired…; kdc-audit → user-enumeration, password-spray; kdc-reply (RC4 TGT) → weak-enctype',
  },
  'Security:4769': {
    title: 'A Kerberos service ticket was requested',
    meaning:
      'On a DC: the TGS exchange the client makes for HTTP/host (klist get). 0x7 = no account holds the SPN; Ticket Encryption Type 0x17 = an RC4 ticket was issued.',
    step: 'spn',
    feeds: 'krb-error → spn-missing (0x7), clock-skew (0x25)…; kdc-reply {ticketEnctype} → weak-enctype',
  },
  'Security:4770': {
    title: 'A Kerberos service ticket was renewed',
    meaning: 'Ticket renewal; its encryption type shows RC4 tickets still in use.',
    step: 'ticket',
    feeds: 'kdc-reply (RC4) → weak-enctype',
  },
  'Security:4771': {
    title: 'Kerberos pre-authentication failed',
    meaning: 'On a DC: 0x18 wrong password (the Client Address shows where), 0x25 clock skew between client and DC.',
    step: 'account',
    feeds: 'krb-error 24 → bad-password, 37 → clock-skew; kdc-audit → password-spray',
  },
  'Security:4776': {
    title: 'The computer attempted to validate the credentials for an account (NTLM)',
    meaning:
      'NTLM validation on a DC (or a server for local accounts); its Error Code is an NTSTATUS like 4625’s. NTLM at all where Kerberos was expected is the fallback sign.',
    step: 'account',
    feeds: 'logon-failure → bad-password, unknown-user, account-locked, password-spray, user-enumeration',
  },
  [`${KERB}:3`]: {
    title: 'A Kerberos error message was received',
    meaning: 'The client logged a KRB-ERROR: ErrorCode is the RFC 4120 code, ServerName/TargetName the SPN asked for.',
    step: 'ticket',
    feeds: 'krb-error (from the KDC or the service) → the rule for that code (spn-missing, clock-skew, …)',
  },
  [`${KERB}:4`]: {
    title: 'The Kerberos client received KRB_AP_ERR_MODIFIED from a server',
    meaning:
      'The server could not decrypt the ticket: the SPN is registered on another account than the one the service runs as (duplicate SPN or wrong account), or the service’s keytab/password is stale.',
    step: 'spn',
    feeds: 'krb-error 41 (from service) → keytab-wrong-key / spn-wrong-account',
  },
  [`${KERB}:5`]: {
    title: 'The Kerberos client received KRB_AP_ERR_TKT_NYV',
    meaning: 'The ticket is not yet valid for the server: the server’s clock is behind the KDC’s.',
    step: 'clock',
    feeds: 'krb-error 33 (from service) → clock-skew',
  },
  [`${KERB}:14`]: {
    title: 'Kerberos: no common encryption type',
    meaning: 'The client and the KDC or the account have no encryption type in common (RC4 disabled, account without AES keys).',
    step: 'ticket',
    feeds: 'system-condition enctype-mismatch → enctype-unsupported',
    cause: 'enctype-mismatch',
  },
  [`${KERB}:16`]: {
    title: 'Kerberos: encryption type not supported for the target',
    meaning: 'The encryption types the client offered are not supported for the target account.',
    step: 'ticket',
    feeds: 'system-condition enctype-mismatch → enctype-unsupported',
    cause: 'enctype-mismatch',
  },
  [`${KERB}:27`]: {
    title: 'Kerberos: no suitable key for the ticket',
    meaning: 'The KDC had no key of a requested encryption type for the account.',
    step: 'ticket',
    feeds: 'system-condition enctype-mismatch → enctype-unsupported',
    cause: 'enctype-mismatch',
  },
  [`${KDC}:7`]: {
    title: 'The Security Account Manager failed a KDC request',
    meaning: 'The KDC could not look an account up in the directory (replication, database or name problem).',
    step: 'account',
    feeds: 'system-condition kdc-sam-failure → kdc-account-lookup',
    cause: 'kdc-sam-failure',
  },
  [`${KDC}:11`]: {
    title: 'The KDC encountered duplicate names (duplicate SPN)',
    meaning: 'Two accounts hold the same SPN: the KDC refuses tickets for it and the client falls back to NTLM (setspn -X).',
    step: 'spn',
    feeds: 'system-condition spn-duplicate → spn-duplicate',
    cause: 'spn-duplicate',
  },
  [`${KDC}:14`]: {
    title: 'AS request: the account has no suitable key',
    meaning: 'No key of the requested encryption types for the account (no AES keys before a password reset, RC4 disabled).',
    step: 'ticket',
    feeds: 'system-condition enctype-mismatch → enctype-unsupported',
    cause: 'enctype-mismatch',
  },
  [`${KDC}:16`]: {
    title: 'TGS request: the target account has no suitable key',
    meaning: 'The service account has no key of an encryption type the client supports (msDS-SupportedEncryptionTypes, policy).',
    step: 'ticket',
    feeds: 'system-condition enctype-mismatch → enctype-unsupported',
    cause: 'enctype-mismatch',
  },
  [`${KDC}:26`]: {
    title: 'AS request: no common encryption type (requested vs available etypes)',
    meaning: 'The client’s requested encryption types and the account’s available keys do not meet.',
    step: 'ticket',
    feeds: 'system-condition enctype-mismatch → enctype-unsupported',
    cause: 'enctype-mismatch',
  },
  [`${KDC}:27`]: {
    title: 'TGS request: no common encryption type (requested vs available etypes)',
    meaning: 'The service’s keys and the client’s requested encryption types do not meet.',
    step: 'ticket',
    feeds: 'system-condition enctype-mismatch → enctype-unsupported',
    cause: 'enctype-mismatch',
  },
  [`${KDC}:29`]: {
    title: 'The KDC cannot find a suitable certificate',
    meaning: 'Smart-card / PKINIT logons fail: the DC has no valid KDC certificate.',
    step: 'account',
    feeds: 'system-condition kdc-certificate → kdc-certificate',
    cause: 'kdc-certificate',
  },
  [`${KDC}:31`]: {
    title: 'The KDC certificate is not suitable for smart-card logon',
    meaning: 'The DC’s certificate lacks what PKINIT needs (KDC EKU, DNS name); smart-card logons fail.',
    step: 'account',
    feeds: 'system-condition kdc-certificate → kdc-certificate',
    cause: 'kdc-certificate',
  },
  [`${KDC}:42`]: {
    title: 'The krbtgt account lacks strong keys',
    meaning:
      'krbtgt has no AES keys (its password predates AES): RC4 TGTs, and failures once RC4 is disabled. Reset the krbtgt password (twice, with replication between).',
    step: 'ticket',
    feeds: 'system-condition krbtgt-weak-keys → weak-enctype',
    cause: 'krbtgt-weak-keys',
  },
  'LsaSrv:40960': {
    title: 'The Security System detected an authentication error for a server',
    meaning:
      'A client-side Kerberos/Negotiate failure toward a server (the failure code says which: no logon servers, clock skew, account problem).',
    step: 'ticket',
    feeds: 'system-condition lsa-auth-error → negotiate-failed',
    cause: 'lsa-auth-error',
  },
  'LsaSrv:40961': {
    title: 'The Security System could not establish a secured connection (no authentication protocol)',
    meaning: 'Neither Kerberos nor NTLM was available toward a server: usually no DC reachable or an SPN problem with NTLM blocked.',
    step: 'dc-discovery',
    feeds: 'system-condition lsa-no-protocol → negotiate-failed',
    cause: 'lsa-no-protocol',
  },
  'LsaSrv:40970': {
    title: 'The Security System detected a downgrade attempt (Kerberos failed toward a 3-part SPN)',
    meaning:
      'Kerberos to a DC service failed and NTLM was refused; the error (often 0xC000018B, no computer account/trust) is the `klist get` error of the guidance.',
    step: 'account',
    feeds: 'system-condition lsa-downgrade → secure-channel',
    cause: 'lsa-downgrade',
  },
  'NETLOGON:5719': {
    title: 'No domain controller available for a secure session',
    meaning:
      'This computer could not find or reach a DC (error 1355 "no logon servers"): DNS SRV records, ports 88/389/445 or the network. Nothing Kerberos works until it can.',
    step: 'dc-discovery',
    feeds: 'system-condition dc-not-discoverable → dc-not-discoverable',
    cause: 'dc-not-discoverable',
  },
  'NETLOGON:5722': {
    title: 'A computer’s session setup failed to authenticate',
    meaning:
      'The computer account password the client uses does not match AD (broken secure channel): reset the computer account / Test-ComputerSecureChannel -Repair.',
    step: 'account',
    feeds: 'system-condition secure-channel → secure-channel',
    cause: 'secure-channel',
  },
  'NETLOGON:5723': {
    title: 'No trust account for a computer’s session setup',
    meaning: 'The DC has no computer account for the client (deleted or never joined): rejoin the computer to the domain.',
    step: 'account',
    feeds: 'system-condition secure-channel → secure-channel',
    cause: 'secure-channel',
  },
  'NETLOGON:5783': {
    title: 'The session setup to a domain controller is not responsive',
    meaning: 'The DC in use stopped answering the secure channel: network, ports or an overloaded DC.',
    step: 'dc-discovery',
    feeds: 'system-condition dc-not-discoverable → dc-not-discoverable',
    cause: 'dc-not-discoverable',
  },
  'NETLOGON:5805': {
    title: 'A computer’s session setup failed (access denied)',
    meaning: 'The machine account’s secure channel was refused: stale computer password (or a Netlogon attack such as Zerologon).',
    step: 'account',
    feeds: 'system-condition secure-channel → secure-channel',
    cause: 'secure-channel',
  },
  [`${TIME}:36`]: {
    title: 'The time service has not synchronised the clock',
    meaning: 'No usable time source for a day: the clock drifts toward the 5-minute Kerberos limit.',
    step: 'clock',
    feeds: 'system-condition time-sync → clock-skew',
    cause: 'time-sync',
  },
  [`${TIME}:47`]: {
    title: 'No valid response from a manually configured time peer',
    meaning: 'The configured NTP server does not answer (UDP 123, name).',
    step: 'clock',
    feeds: 'system-condition time-sync → clock-skew',
    cause: 'time-sync',
  },
  [`${TIME}:129`]: {
    title: 'NtpClient could not find a domain peer for time',
    meaning: 'Domain-hierarchy time sync failed to find a DC (discovery error): the clock is not being corrected.',
    step: 'clock',
    feeds: 'system-condition time-sync → clock-skew',
    cause: 'time-sync',
  },
  [`${TIME}:134`]: {
    title: 'NtpClient could not resolve a manual time peer',
    meaning: 'The configured NTP server name does not resolve (DNS): the clock is not being corrected.',
    step: 'clock',
    feeds: 'system-condition time-sync → clock-skew',
    cause: 'time-sync',
  },
};

/** The catalogue key of a record: Security events by channel, System events by provider. */
export function catalogueKey(channel: string, provider: string, eventId: number): string {
  return channel.toLowerCase() === 'security' ? `Security:${eventId}` : `${canonicalProvider(provider)}:${eventId}`;
}
