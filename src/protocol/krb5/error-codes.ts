/**
 * Kerberos error codes — the table the rulebook uses. Every code of RFC 4120 §7.5.9, the PKINIT codes of
 * RFC 4556 §3.1.3, the FAST codes of RFC 6113 §5.4.x / IANA "Kerberos Error Codes", and RFC 8636's KDF code.
 * `rfc` is the RFC table's own wording; `meaning` says it plainly; `causes` are what it usually turns out to be in
 * an Active Directory / IWA setup, in the words an administrator would act on.
 *
 * Numbers not assigned anywhere (30, 53–59, 82–89, 94–99) are absent; `krbErrorInfo` still answers for them.
 */

export interface KrbErrorInfo {
  code: number;
  /** The RFC / IANA name, e.g. KDC_ERR_S_PRINCIPAL_UNKNOWN. */
  name: string;
  /** The RFC's "Meaning" column (or the defining RFC's text). */
  rfc: string;
  /** Plain English: what the KDC or service is telling you. */
  meaning: string;
  /** The usual causes, most likely first. Empty for codes nobody meets in practice. */
  causes: readonly string[];
  /** Not a failure by itself (KDC_ERR_NONE, KDC_ERR_PREAUTH_REQUIRED's first round, KDC_ERR_MORE_PREAUTH_DATA_REQUIRED). */
  normal?: boolean;
  /** Where the number comes from. */
  source: 'RFC 4120' | 'RFC 4556' | 'RFC 6113' | 'RFC 8636' | 'MIT krb5';
}

const E = (
  code: number,
  name: string,
  rfc: string,
  meaning: string,
  causes: readonly string[] = [],
  extra: { normal?: boolean; source?: KrbErrorInfo['source'] } = {},
): KrbErrorInfo => ({ code, name, rfc, meaning, causes, source: extra.source ?? 'RFC 4120', ...(extra.normal ? { normal: true } : {}) });

const PKINIT = 'RFC 4556' as const;

export const KRB_ERROR_CODES: readonly KrbErrorInfo[] = [
  E(0, 'KDC_ERR_NONE', 'No error', 'No error.', [], { normal: true }),
  E(1, 'KDC_ERR_NAME_EXP', "Client's entry in database has expired", 'The client account has expired.', [
    'The account has passed its expiry date (AD accountExpires; MIT principal expiration): extend it.',
  ]),
  E(2, 'KDC_ERR_SERVICE_EXP', "Server's entry in database has expired", 'The service account has expired.', [
    'The service principal (or the account holding the SPN) has an expiry date in the past.',
  ]),
  E(3, 'KDC_ERR_BAD_PVNO', 'Requested protocol version number not supported', 'The request is not Kerberos version 5.', [
    'A non-Kerberos or Kerberos 4 client, or a corrupted/proxied packet.',
  ]),
  E(4, 'KDC_ERR_C_OLD_MAST_KVNO', "Client's key encrypted in old master key", "The client's key is stored under an old KDC master key.", [
    'MIT KDC database not re-keyed after a master key change (kdb5_util update_princ_encryption).',
  ]),
  E(5, 'KDC_ERR_S_OLD_MAST_KVNO', "Server's key encrypted in old master key", "The service's key is stored under an old KDC master key.", [
    'MIT KDC database not re-keyed after a master key change.',
  ]),
  E(6, 'KDC_ERR_C_PRINCIPAL_UNKNOWN', 'Client not found in Kerberos database', 'The KDC has no account with this user or computer name.', [
    'Typo in the user name, or the wrong realm/domain (realm names are case-sensitive: use upper case).',
    'UPN suffix not known to this domain, or the account lives in another forest (enterprise name without a trust route).',
    'The computer account was deleted or renamed (machine needs rejoining).',
    'Account not yet replicated to the DC that answered.',
  ]),
  E(7, 'KDC_ERR_S_PRINCIPAL_UNKNOWN', 'Server not found in Kerberos database', 'The KDC has no account with this SPN.', [
    'The SPN is not registered: register it on the service account (setspn -S HTTP/host.domain.com DOMAIN\\svc).',
    'The SPN is registered for a different host name than the one the client uses: clients build the SPN from the name they connect to (CNAME/alias, short name vs FQDN, or an IP address, which never matches).',
    'Duplicate SPN (setspn -X) makes Windows KDCs refuse; MIT/Samba KDCs can also fail on duplicates.',
    'Typo in the SPN, wrong service class (HTTP vs http is fine, HOST vs CIFS matters), or a port in the SPN that the client does not add (or vice versa).',
    'The service lives in another realm with no trust / referral path (cross-realm: check [domain_realm] or the trust).',
  ]),
  E(8, 'KDC_ERR_PRINCIPAL_NOT_UNIQUE', 'Multiple principal entries in database', 'More than one account claims this name or SPN.', [
    'Duplicate SPN or UPN in the forest (setspn -X, or search for the UPN): remove all but one.',
  ]),
  E(9, 'KDC_ERR_NULL_KEY', 'The client or server has a null key', 'The account has no usable key.', [
    'Account has no password-derived key for the requested enctypes (e.g. created without a password, or only DES keys).',
  ]),
  E(10, 'KDC_ERR_CANNOT_POSTDATE', 'Ticket not eligible for postdating', 'Postdating was asked for but is not allowed.', [
    'Client asked for a postdated ticket from a TGT without may-postdate; policy forbids postdating.',
  ]),
  E(11, 'KDC_ERR_NEVER_VALID', 'Requested starttime is later than end time', 'The requested ticket would never be valid.', [
    'Client clock far ahead of the KDC, or a requested lifetime that ends before it starts.',
  ]),
  E(12, 'KDC_ERR_POLICY', 'KDC policy rejects request', 'KDC policy forbids this request.', [
    'Windows: see the NTSTATUS in e-data (logon hours, workstation restriction, Protected Users, authentication policy silo).',
    'Constrained delegation not allowed for this service/target (msDS-AllowedToDelegateTo / RBCD), or cross-domain classic KCD.',
    'Account is "sensitive and cannot be delegated" and a delegated/forwardable ticket was asked for.',
    'MIT: the principal has +requires_preauth / -allow_tix / disallow_svr attributes.',
  ]),
  E(13, 'KDC_ERR_BADOPTION', 'KDC cannot accommodate requested option', 'The KDC cannot do one of the options asked for.', [
    'S4U2Proxy/constrained delegation refused: the evidence ticket is not forwardable or the service is not allowed to delegate to the target SPN.',
    'Renewal of a ticket that is not renewable, or validate/renew flags misused.',
    'Windows: see NTSTATUS in e-data (e.g. STATUS_NOT_SUPPORTED, STATUS_NO_MATCH).',
  ]),
  E(14, 'KDC_ERR_ETYPE_NOSUPP', 'KDC has no support for encryption type', 'Client, KDC and account have no encryption type in common.', [
    'The account has no key for any enctype the client offered: reset the password after enabling AES so AES keys exist.',
    'msDS-SupportedEncryptionTypes on the service account (or the domain/GPO "Network security: Configure encryption types") excludes what the client offers (e.g. RC4 disabled, client offers RC4 only).',
    'Old keytab/krb5.conf limiting enctypes (permitted_enctypes, default_tkt_enctypes), or DES-only clients.',
  ]),
  E(15, 'KDC_ERR_SUMTYPE_NOSUPP', 'KDC has no support for checksum type', 'The KDC does not support the checksum type used.', [
    'Old client using DES/MD5 checksums against a KDC that disabled them.',
  ]),
  E(
    16,
    'KDC_ERR_PADATA_TYPE_NOSUPP',
    'KDC has no support for padata type',
    'The KDC does not support the pre-authentication method used.',
    ['PKINIT/smart-card logon against a KDC without a KDC certificate, or FAST/SPAKE not enabled on the KDC.'],
  ),
  E(17, 'KDC_ERR_TRTYPE_NOSUPP', 'KDC has no support for transited type', 'The transited-realm encoding is not supported.', [
    'Cross-realm path encoding from a foreign KDC the local KDC does not understand.',
  ]),
  E(18, 'KDC_ERR_CLIENT_REVOKED', 'Clients credentials have been revoked', 'The client account may not log on now.', [
    'Windows: the NTSTATUS in e-data says which: account disabled (0xC0000072), locked out (0xC0000234), expired (0xC0000193), logon hours (0xC000006F), workstation restriction (0xC0000070).',
    'MIT: the principal is locked out by a password policy (kadmin: modprinc -unlock) or has -allow_tix.',
  ]),
  E(19, 'KDC_ERR_SERVICE_REVOKED', 'Credentials for server have been revoked', 'The service account may not be used now.', [
    'The account holding the SPN is disabled or locked out.',
  ]),
  E(20, 'KDC_ERR_TGT_REVOKED', 'TGT has been revoked', 'The TGT presented is no longer accepted.', [
    'The krbtgt key was reset (twice) or the user account changed since the TGT was issued: klist purge and log on again.',
    'RODC: the TGT was issued by an RODC whose krbtgt is not accepted by this writable DC.',
  ]),
  E(21, 'KDC_ERR_CLIENT_NOTYET', 'Client not yet valid; try again later', 'The client account is not valid yet.', [
    'Account start date in the future (MIT: principal not yet valid), or a clock behind.',
  ]),
  E(22, 'KDC_ERR_SERVICE_NOTYET', 'Server not yet valid; try again later', 'The service account is not valid yet.', [
    'Service principal start date in the future.',
  ]),
  E(23, 'KDC_ERR_KEY_EXPIRED', 'Password has expired; change password to reset', "The user's password has expired.", [
    'Password older than the maximum password age: change it (kpasswd, or Ctrl+Alt+Del on Windows).',
    '"User must change password at next logon" is set (NTSTATUS 0xC0000224).',
    'Service accounts: use a managed service account (gMSA) or "password never expires" for keytab-based services.',
  ]),
  E(24, 'KDC_ERR_PREAUTH_FAILED', 'Pre-authentication information was invalid', 'The password (or key) is wrong.', [
    'Wrong password typed, or a stale saved/cached password (mapped drives, services, scheduled tasks) — a frequent lockout source.',
    'Keytab created with the wrong password, wrong salt (UPN vs sAMAccountName, realm case) or an old kvno: regenerate it.',
    'Client clock skew with an encrypted timestamp outside the window is reported this way by some KDCs (check time too).',
  ]),
  E(
    25,
    'KDC_ERR_PREAUTH_REQUIRED',
    'Additional pre-authentication required',
    'The KDC wants proof of the password first (normal first step of a logon, not an error).',
    [
      'Expected on the first AS-REQ: the client retries with PA-ENC-TIMESTAMP using the salt from ETYPE-INFO2 in e-data.',
      'If the logon still fails, look at the next error (usually 24 wrong password, 14 enctype, or 37 clock).',
    ],
    { normal: true },
  ),
  E(
    26,
    'KDC_ERR_SERVER_NOMATCH',
    "Requested server and ticket don't match",
    'The ticket presented is for a different service than the one requested.',
    ['Renew/validate or user-to-user request with a ticket for another principal.'],
  ),
  E(
    27,
    'KDC_ERR_MUST_USE_USER2USER',
    'Server principal valid for user2user only',
    'The service has no key of its own; only user-to-user works.',
    ['SPN on an account without a password-derived key (user-to-user only).'],
  ),
  E(28, 'KDC_ERR_PATH_NOT_ACCEPTED', 'KDC Policy rejects transited path', 'The cross-realm path the ticket took is not allowed.', [
    'Cross-realm trust path not allowed by [capaths] or by trust settings (SID filtering / selective auth).',
  ]),
  E(29, 'KDC_ERR_SVC_UNAVAILABLE', 'A service is not available', 'The KDC cannot serve this request right now.', [
    'KDC database or DC services unavailable; Samba/AD DC starting up; RODC cannot forward.',
  ]),
  E(
    31,
    'KRB_AP_ERR_BAD_INTEGRITY',
    'Integrity check on decrypted field failed',
    'Decryption failed: the key used does not match the key that encrypted it.',
    [
      "The service's keytab key does not match the account's current password (password changed, keytab not updated).",
      'The SPN is registered on a different account than the one whose key the service uses.',
      'At the KDC: the TGT was encrypted with an older krbtgt key, or the message was altered in transit.',
    ],
  ),
  E(32, 'KRB_AP_ERR_TKT_EXPIRED', 'Ticket expired', 'The ticket has expired.', [
    'Normal after the ticket lifetime (default 10 h): the client should renew or get a new ticket (klist purge; kinit).',
    'Clock skew makes a valid ticket look expired: check time on client and server.',
  ]),
  E(33, 'KRB_AP_ERR_TKT_NYV', 'Ticket not yet valid', 'The ticket is not valid yet.', [
    'The server clock is behind the KDC clock: synchronise time (w32tm /resync, chrony).',
  ]),
  E(34, 'KRB_AP_ERR_REPEAT', 'Request is a replay', 'The server saw this authenticator before.', [
    'Replay cache hit: two requests in the same microsecond, a load balancer/proxy retransmitting, or a real replay.',
    'MIT/Apache: the replay cache is shared by processes with different clocks or is on slow storage (KRB5RCACHETYPE=none for testing).',
  ]),
  E(35, 'KRB_AP_ERR_NOT_US', "The ticket isn't for us", 'The ticket is for another service.', [
    'The client got a ticket for a different SPN than the one this service has keys for (DNS alias, load balancer, wrong host name).',
    'Keytab has the key for another principal than the one in the ticket.',
  ]),
  E(36, 'KRB_AP_ERR_BADMATCH', "Ticket and authenticator don't match", "The authenticator's client does not match the ticket's client.", [
    'Corrupted credentials cache or a client bug; clear the cache and retry.',
  ]),
  E(37, 'KRB_AP_ERR_SKEW', 'Clock skew too great', 'The clocks differ by more than the allowed skew (5 minutes by default).', [
    'Client or server clock wrong: synchronise with the domain (w32tm /resync; chronyc makestep / ntpdate).',
    'Wrong time zone on a host with the hardware clock in local time, or a VM restored from a snapshot.',
  ]),
  E(38, 'KRB_AP_ERR_BADADDR', 'Incorrect net address', 'The request came from an address not in the ticket.', [
    'Addressful tickets (noaddresses = false) used through NAT or from another host: set noaddresses = true.',
  ]),
  E(39, 'KRB_AP_ERR_BADVERSION', 'Protocol version mismatch', 'The message is not Kerberos version 5.', [
    'Non-Kerberos data where a Kerberos token was expected.',
  ]),
  E(40, 'KRB_AP_ERR_MSG_TYPE', 'Invalid msg type', 'The message type is not what was expected here.', [
    'A client sent the wrong token type (e.g. an NTLM or SPNEGO token to a raw Kerberos acceptor), or a protocol bug.',
  ]),
  E(41, 'KRB_AP_ERR_MODIFIED', 'Message stream modified', 'The service could not decrypt the ticket: wrong key, or altered message.', [
    "The service account's password changed but the keytab (or the service) still uses the old key: regenerate the keytab with the current kvno.",
    'The SPN is on a different account than the one the service runs as (duplicate or misplaced SPN).',
    'The client reached a different host than the SPN names (DNS round robin / load balancer without a shared service account).',
  ]),
  E(42, 'KRB_AP_ERR_BADORDER', 'Message out of order', 'A sequenced message arrived out of order.', [
    'KRB-SAFE/KRB-PRIV sequence numbers out of order (rare).',
  ]),
  E(
    43,
    'KRB_AP_ERR_ILL_CR_TKT',
    'Illegal cross-realm ticket',
    'A cross-realm ticket was used where it is not allowed.',
    ['Cross-realm TGT presented to a service directly, or a bad referral chain.'],
    { source: 'MIT krb5' },
  ),
  E(
    44,
    'KRB_AP_ERR_BADKEYVER',
    'Specified version of key is not available',
    'The service does not have the key version the ticket was encrypted with.',
    [
      'Stale keytab: the account password (and kvno) changed after the keytab was made; regenerate it (msDS-KeyVersionNumber vs klist -k).',
      'Replication: the KDC that issued the ticket knew a newer kvno than the keytab, or vice versa.',
    ],
  ),
  E(45, 'KRB_AP_ERR_NOKEY', 'Service key not available', 'The service has no key for this ticket.', [
    "The keytab lacks an entry for the principal or for the ticket's enctype (e.g. only RC4 in keytab, ticket is AES).",
    'Apache/mod_auth_gssapi cannot read the keytab (path, permissions, SELinux).',
  ]),
  E(46, 'KRB_AP_ERR_MUT_FAIL', 'Mutual authentication failed', 'The server could not prove its identity back to the client.', [
    'The AP-REP did not decrypt or did not match: server using a different key/session, or a proxy altering the response.',
  ]),
  E(47, 'KRB_AP_ERR_BADDIRECTION', 'Incorrect message direction', 'A message came back in the wrong direction (reflection).', [
    'Reflection attempt or a client/server bug.',
  ]),
  E(48, 'KRB_AP_ERR_METHOD', 'Alternative authentication method required', 'The service wants another authentication method.', [
    'Service does not accept Kerberos for this request; the e-data may say which method.',
  ]),
  E(49, 'KRB_AP_ERR_BADSEQ', 'Incorrect sequence number in message', 'A message had the wrong sequence number.', [
    'Lost or replayed messages in a KRB-SAFE/KRB-PRIV/GSS wrap stream.',
  ]),
  E(50, 'KRB_AP_ERR_INAPP_CKSUM', 'Inappropriate type of checksum in message', 'The checksum type is not acceptable here.', [
    'Unkeyed or weak checksum used where a keyed one is required (old clients, DES/MD5).',
  ]),
  E(51, 'KRB_AP_PATH_NOT_ACCEPTED', 'Policy rejects transited path', 'The service rejects the realms the ticket passed through.', [
    'Cross-realm path not acceptable to the service (capaths / trust policy).',
  ]),
  E(
    52,
    'KRB_ERR_RESPONSE_TOO_BIG',
    'Response too big for UDP; retry with TCP',
    'The answer does not fit in UDP; the client should retry over TCP.',
    [
      'Normal for users in many groups (large PAC): the client retries on TCP 88 automatically — make sure TCP 88 is open.',
      'MIT clients: set udp_preference_limit = 1 to use TCP from the start.',
    ],
    { normal: true },
  ),
  E(
    60,
    'KRB_ERR_GENERIC',
    'Generic error (description in e-text)',
    'An unspecified error; the KDC explains it in e-text (and, on Windows, the NTSTATUS in e-data).',
    ['Read e-text and the NTSTATUS: common ones are a request too large (token bloat), a bad S4U request, or a KDC-internal failure.'],
  ),
  E(
    61,
    'KRB_ERR_FIELD_TOOLONG',
    'Field is too long for this implementation',
    'A field in the request is longer than the receiver accepts.',
    ['Oversized request over UDP; very long principal names; token bloat.'],
  ),
  E(
    62,
    'KDC_ERROR_CLIENT_NOT_TRUSTED',
    'Reserved for PKINIT',
    'The KDC does not trust the client certificate (PKINIT / smart card).',
    ['The client certificate chains to a CA not in NTAuth (AD) or pkinit_anchors (MIT); the CA CRL is unreachable.'],
    { source: PKINIT },
  ),
  E(
    63,
    'KDC_ERROR_KDC_NOT_TRUSTED',
    'Reserved for PKINIT',
    'The client does not trust the KDC certificate (PKINIT).',
    ["The KDC certificate's CA is not trusted by the client, or the KDC certificate lacks the KDC EKU/SAN."],
    { source: PKINIT },
  ),
  E(
    64,
    'KDC_ERROR_INVALID_SIG',
    'Reserved for PKINIT',
    'A PKINIT signature did not verify.',
    ['Corrupted smart-card signature or mismatched certificate/key.'],
    { source: PKINIT },
  ),
  E(
    65,
    'KDC_ERR_KEY_TOO_WEAK',
    'Reserved for PKINIT',
    'The key or DH parameters are too weak for the KDC (PKINIT).',
    ['Client offered DH parameters or key sizes below the KDC minimum.'],
    { source: PKINIT },
  ),
  E(
    66,
    'KDC_ERR_CERTIFICATE_MISMATCH',
    'Reserved for PKINIT',
    'The certificate does not match the requested client (PKINIT).',
    ['Certificate mapped to another account (UPN SAN / altSecurityIdentities mismatch).'],
    { source: PKINIT },
  ),
  E(
    67,
    'KRB_AP_ERR_NO_TGT',
    'No TGT available to validate USER-TO-USER',
    'User-to-user authentication needs a TGT that was not supplied.',
    ['The server side of a user-to-user exchange has no TGT.'],
  ),
  E(68, 'KDC_ERR_WRONG_REALM', 'Reserved for future use', 'Wrong realm: the client must ask another realm (a referral).', [
    'Normal with referrals/canonicalization: the KDC points the client at the right realm (client realm in crealm).',
    'User typed user@wrongdomain, or [domain_realm]/default_realm maps the host to the wrong realm.',
  ]),
  E(69, 'KRB_AP_ERR_USER_TO_USER_REQUIRED', 'Ticket must be for USER-TO-USER', 'The service only accepts user-to-user tickets.', [
    'The service principal has no long-term key; the client must use user-to-user.',
  ]),
  E(
    70,
    'KDC_ERR_CANT_VERIFY_CERTIFICATE',
    'Reserved for PKINIT',
    'The KDC could not verify the client certificate chain (PKINIT).',
    ['Missing intermediate CA or unreachable AIA/CRL on the KDC.'],
    { source: PKINIT },
  ),
  E(
    71,
    'KDC_ERR_INVALID_CERTIFICATE',
    'Reserved for PKINIT',
    'The client certificate is invalid (PKINIT).',
    ['Expired certificate, missing Smart Card Logon EKU, or bad key usage.'],
    { source: PKINIT },
  ),
  E(
    72,
    'KDC_ERR_REVOKED_CERTIFICATE',
    'Reserved for PKINIT',
    'The client certificate is revoked (PKINIT).',
    ['Certificate on the CRL: issue a new one.'],
    { source: PKINIT },
  ),
  E(
    73,
    'KDC_ERR_REVOCATION_STATUS_UNKNOWN',
    'Reserved for PKINIT',
    'The revocation status of the client certificate is unknown (PKINIT).',
    ['CRL/OCSP not reachable from the KDC.'],
    { source: PKINIT },
  ),
  E(
    74,
    'KDC_ERR_REVOCATION_STATUS_UNAVAILABLE',
    'Reserved for PKINIT',
    'Revocation checking is unavailable (PKINIT).',
    ['CRL distribution point offline.'],
    { source: PKINIT },
  ),
  E(
    75,
    'KDC_ERR_CLIENT_NAME_MISMATCH',
    'Reserved for PKINIT',
    'The certificate names another client (PKINIT).',
    ['UPN in the certificate SAN does not match the account (certificate mapping).'],
    { source: PKINIT },
  ),
  E(
    76,
    'KDC_ERR_KDC_NAME_MISMATCH',
    'Reserved for PKINIT',
    'The KDC certificate names another KDC/realm (PKINIT).',
    ['KDC certificate without the right SAN (krbtgt/REALM) or DNS name.'],
    { source: PKINIT },
  ),
  E(
    77,
    'KDC_ERR_INCONSISTENT_KEY_PURPOSE',
    'Certificate cannot be used for PKINIT client authentication',
    'The certificate lacks the client-authentication key purpose (PKINIT).',
    ['Certificate template without the Smart Card Logon / id-pkinit-KPClientAuth EKU.'],
    { source: PKINIT },
  ),
  E(
    78,
    'KDC_ERR_DIGEST_IN_CERT_NOT_ACCEPTED',
    'Digest algorithm for the public key in the certificate is not acceptable',
    'The certificate uses a digest the KDC refuses (PKINIT).',
    ['SHA-1/MD5-signed certificate against a KDC that requires SHA-2.'],
    { source: PKINIT },
  ),
  E(
    79,
    'KDC_ERR_PA_CHECKSUM_MUST_BE_INCLUDED',
    'The paChecksum field in the request is not present',
    'The PKINIT request lacks its checksum.',
    ['Old PKINIT client.'],
    { source: PKINIT },
  ),
  E(
    80,
    'KDC_ERR_DIGEST_IN_SIGNED_DATA_NOT_ACCEPTED',
    'The digest algorithm used by the id-pkinit-authData is not acceptable',
    'The PKINIT signature digest is refused.',
    ['Client signs with SHA-1 where the KDC requires SHA-2.'],
    { source: PKINIT },
  ),
  E(
    81,
    'KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED',
    'The KDC does not support public key encryption key delivery',
    'The KDC only supports Diffie-Hellman PKINIT.',
    ['Client asked for RSA key transport; use DH.'],
    { source: PKINIT },
  ),
  E(
    90,
    'KDC_ERR_PREAUTH_EXPIRED',
    'Pre-authentication has expired',
    'The pre-authentication conversation is too old and must restart.',
    ['FAST/SPAKE/freshness exchange took too long (slow smart card, MFA prompt) or the cookie expired.'],
    { source: 'RFC 6113' },
  ),
  E(
    91,
    'KDC_ERR_MORE_PREAUTH_DATA_REQUIRED',
    'Additional pre-authentication data is required',
    'The KDC needs another round of pre-authentication (a normal step of multi-round methods).',
    ['Part of a multi-round exchange (SPAKE, OTP, FAST): the client continues with the cookie.'],
    { source: 'RFC 6113', normal: true },
  ),
  E(
    92,
    'KDC_ERR_PREAUTH_BAD_AUTHENTICATION_SET',
    'KDC cannot accommodate requested pre-authentication data element',
    'The chosen pre-authentication set cannot be used.',
    ['Client and KDC disagree on the authentication set (RFC 6113 PA-AUTHENTICATION-SET).'],
    { source: 'RFC 6113' },
  ),
  E(
    93,
    'KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS',
    'Unknown critical FAST option',
    'The KDC does not understand a FAST option marked critical.',
    ['Client requested a critical FAST option (e.g. hide-client-names) that the KDC does not implement.'],
    { source: 'RFC 6113' },
  ),
  E(
    100,
    'KDC_ERR_NO_ACCEPTABLE_KDF',
    'No acceptable KDF offered',
    'No PKINIT key-derivation function in common (PKINIT algorithm agility).',
    ['Client and KDC PKINIT KDF lists do not overlap.'],
    { source: 'RFC 8636' },
  ),
];

const BY_CODE = new Map<number, KrbErrorInfo>(KRB_ERROR_CODES.map((e) => [e.code, e]));

/** Name → code, e.g. `KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN === 7`. */
export const KrbErrorCode = Object.freeze(Object.fromEntries(KRB_ERROR_CODES.map((e) => [e.name, e.code]))) as Readonly<
  Record<string, number>
>;

/** The table entry for an error code; unassigned numbers get a generic entry named `KRB_ERR_<n>`. */
export function krbErrorInfo(code: number): KrbErrorInfo {
  return (
    BY_CODE.get(code) ?? {
      code,
      name: `KRB_ERR_${code}`,
      rfc: 'Unassigned',
      meaning: `Kerberos error ${code}, not assigned in RFC 4120 or the IANA registry.`,
      causes: [],
      source: 'RFC 4120',
    }
  );
}

/** The RFC name of an error code ("KDC_ERR_PREAUTH_REQUIRED"), `KRB_ERR_<n>` when unassigned. */
export function krbErrorName(code: number): string {
  return krbErrorInfo(code).name;
}
