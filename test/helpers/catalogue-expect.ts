/**
 * What each source must name as findings[0] for each lab catalogue scenario. The catalogue's `rootCause` is the
 * contract; the entries below are the scenarios where a source's evidence cannot tell the root cause from another
 * one, what it names instead (asserted exactly, never skipped), and why. The closing notes and the README quote
 * this list; it is the only one.
 */
import type { BackendId } from '../../lab/types.js';

export type Source = 'check' | 'trace';

interface Indistinguishable {
  sources: Source[];
  backends: BackendId[];
  names: string;
  /** a finding that must be present too, explained by `names` */
  alsoNamed?: string;
  why: string;
}

export const INDISTINGUISHABLE: Record<string, Indistinguishable[]> = {
  'account-disabled': [
    {
      sources: ['check', 'trace'],
      backends: ['mit'],
      names: 'account-revoked',
      why: 'an MIT KDC answers KDC_ERR_CLIENT_REVOKED (18) without an NTSTATUS in e-data for a disabled principal (-allow_tix) and for a locked-out one alike (Samba and Windows send STATUS_ACCOUNT_DISABLED); the rulebook names the shared cause account-revoked and says how to tell (kadmin getprinc / Get-ADUser).',
    },
  ],
  'account-locked': [
    {
      sources: ['check', 'trace'],
      backends: ['mit', 'samba'],
      names: 'account-revoked',
      why: 'an MIT KDC answers KDC_ERR_CLIENT_REVOKED (18) without an NTSTATUS for a lockout exactly as for a disabled principal; Samba 4.17 too sends 18 for a locked-out account with only PA-ETYPE-INFO2 in e-data (no STATUS_ACCOUNT_LOCKED_OUT, while it does send STATUS_ACCOUNT_DISABLED for a disabled one; Windows sends it). The rulebook names the shared cause account-revoked.',
    },
  ],
  'duplicate-spn': [
    {
      sources: ['trace'],
      backends: ['samba', 'embedded'],
      names: 'spn-missing',
      why: 'Samba (like Windows) answers a duplicate SPN with KDC_ERR_S_PRINCIPAL_UNKNOWN (7), exactly as for a missing one; only a directory search (setspn -X) shows the second account, and a capture holds none. check asks the directory and names spn-duplicate.',
    },
    {
      sources: ['check'],
      backends: ['embedded'],
      names: 'spn-missing',
      why: 'the embedded lab has no LDAP directory for check to ask (its 389/tcp accepts and closes): the KDC answer 7 alone cannot tell a duplicate from a missing SPN.',
    },
  ],
  'spn-wrong-account': [
    {
      sources: ['trace'],
      backends: ['samba', 'embedded'],
      names: 'keytab-wrong-key',
      why: "the web server answers KRB_AP_ERR_BAD_INTEGRITY (31), the same as a keytab with a wrong key; which account holds the SPN is directory data, which a capture does not hold (check asks the directory when told the site's account: --site-account).",
    },
    {
      sources: ['check'],
      backends: ['embedded'],
      names: 'keytab-wrong-key',
      why: "the embedded lab has no LDAP directory for check to ask who holds the SPN, so the server's KRB_AP_ERR_BAD_INTEGRITY (31) reads as a keytab with a wrong key.",
    },
  ],
  'dns-a-wrong': [
    {
      sources: ['check', 'trace'],
      backends: ['mit', 'samba'],
      names: 'ticket-not-for-server',
      why: "the other server answers KRB_AP_ERR_NOT_US (35), the same as a server whose keytab lacks the SPN. A PTR record does not settle it (many sites share one server address, so a PTR naming another host is normal); it takes the directory: the account holding the SPN and its dNSHostName's address.",
    },
    {
      sources: ['trace'],
      backends: ['embedded'],
      names: 'ticket-not-for-server',
      why: "the embedded zone has a PTR for the other server's address (webalias), and check, which looks it up, names dns-a-wrong; a browser's capture holds no PTR lookup, so trace sees only the KRB_AP_ERR_NOT_US (35) and names what that means alone.",
    },
  ],
  'keytab-missing-enctype': [
    {
      sources: ['check', 'trace'],
      backends: ['mit', 'samba', 'embedded'],
      names: 'keytab-stale-kvno',
      why: "the server answers KRB_AP_ERR_BADKEYVER (44) for a missing enctype exactly as for a stale kvno; only the server's own keytab (decode/check --keytab, acceptor side) tells them apart, and the client and the wire carry no copy of it.",
    },
  ],
  'ntlm-fallback': [
    {
      sources: ['check', 'trace'],
      backends: ['mit', 'samba', 'embedded'],
      names: 'spn-missing',
      alsoNamed: 'ntlm-fallback',
      why: "issue 7 ranks 'a missing SPN explains the NTLM fallback': the fallback's cause is the missing SPN (KDC_ERR_S_PRINCIPAL_UNKNOWN for HTTP/webfallback), so spn-missing is first and ntlm-fallback follows, explained by it (check proves the fallback with its NTLM probe; trace sees the NTLMSSP messages).",
    },
  ],
  'spn-with-port': [
    {
      sources: ['trace'],
      backends: ['mit', 'samba', 'embedded'],
      names: 'spn-missing',
      why: 'on the wire the KDC answers KDC_ERR_S_PRINCIPAL_UNKNOWN for HTTP/portsrv.contoso.com, exactly as for a missing SPN; check asks the KDC for HTTP/portsrv.contoso.com:8080 too and proves the port SPN, a capture of the browser cannot.',
    },
  ],
};

/** What `source` must name first for `scenario` on `backend`, and what it must name besides. */
export function expectedFor(
  source: Source,
  backend: BackendId,
  scenario: string,
  rootCause: string,
): { expected: string; alsoNamed?: string } {
  const odd = INDISTINGUISHABLE[scenario]?.find((x) => x.sources.includes(source) && x.backends.includes(backend));
  return odd ? { expected: odd.names, ...(odd.alsoNamed ? { alsoNamed: odd.alsoNamed } : {}) } : { expected: rootCause };
}
