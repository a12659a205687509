import type { SystemCause } from '../../facts/events.js';
import { factsOf } from '../../facts/fact.js';
import type { Finding, Rule, Step } from '../finding.js';
import { raw, win } from '../shell.js';
import { aggregated, evidenceLine, groupBy, names } from './helpers.js';

/**
 * System-log conditions (KDC, Kerberos client, LsaSrv, NETLOGON, Time-Service) → the finding ids the other sources
 * use: spn-duplicate (KDC 11), dc-not-discoverable (NETLOGON 5719/5783), clock-skew (Time-Service), secure-channel
 * (NETLOGON 5722/5723/5805, LsaSrv 40970), enctype-unsupported (KDC 14/16/26/27, Kerberos 14/16/27) … One finding
 * per cause and subject (the SPN, the domain, the computer).
 */
const CAUSE: Record<
  SystemCause,
  { id: string; step: Step; severity: Finding['severity']; title: (s: string) => string; explanation: string; fix: (s: string) => string[] }
> = {
  'spn-duplicate': {
    id: 'spn-duplicate',
    step: 'spn',
    severity: 'error',
    title: (s) => `Duplicate SPN${s ? ` ${s}` : ''}: more than one account holds it`,
    explanation:
      'KDC event 11: the KDC found the same service principal name on two accounts and refuses to pick one, so clients get no ticket and fall back to NTLM (or fail).',
    fix: (s) => [
      s ? win`setspn -Q ${s}` : 'setspn -Q <SPN>',
      'setspn -X   (all duplicates in the domain)',
      win`setspn -D ${s || raw('<SPN>')} ${raw('<DOMAIN>\\<wrong-account>')}`,
    ],
  },
  'dc-not-discoverable': {
    id: 'dc-not-discoverable',
    step: 'dc-discovery',
    severity: 'error',
    title: (s) => `No domain controller reachable${s ? ` for ${s}` : ''}`,
    explanation:
      'NETLOGON 5719/5783: the computer could not find or keep a secure channel to a DC ("There are currently no logon servers available", error 1355). Kerberos cannot work without a DC: check DNS SRV records (_ldap._tcp.dc._msdcs.<domain>) and ports 88/389/445/135.',
    fix: (s) => [
      win`nltest /dsgetdc:${s || raw('<domain>')} /force`,
      `Resolve-DnsName -Type SRV _ldap._tcp.dc._msdcs.${s || '<domain>'}`,
      'Test-NetConnection <dc> -Port 88 / 389 / 445',
    ],
  },
  'secure-channel': {
    id: 'secure-channel',
    step: 'account',
    severity: 'error',
    title: (s) => `Secure channel / computer account failure${s ? ` for ${s}` : ''}`,
    explanation:
      'NETLOGON 5722/5723/5805: a computer’s session setup was refused — its computer account password no longer matches AD or the account is missing. Kerberos for that computer (and its services) fails until the trust is repaired.',
    fix: () => [
      'Test-ComputerSecureChannel -Repair -Credential <DOMAIN>\\<admin>   (on the computer)',
      'nltest /sc_verify:<domain>',
      'If the computer account is gone: rejoin the domain.',
    ],
  },
  'lsa-downgrade': {
    id: 'secure-channel',
    step: 'account',
    severity: 'error',
    title: (s) => `Kerberos to a DC service failed and NTLM was refused${s ? ` (${s})` : ''}`,
    explanation:
      'LsaSrv 40970: Kerberos toward a 3-part SPN (a DC service) failed and the downgrade to NTLM was refused. The error in the event is what `klist get` shows; 0xC000018B means the DC has no computer account for this workstation.',
    fix: () => ['klist get <the SPN in the event>', 'Test-ComputerSecureChannel -Repair'],
  },
  'time-sync': {
    id: 'clock-skew',
    step: 'clock',
    severity: 'warning',
    title: (s) => `The time service is not synchronising the clock${s ? ` (${s})` : ''}`,
    explanation:
      'Time-Service 36/47/129/134: no usable time source. The clock drifts until it passes the 5-minute Kerberos limit, then every ticket request fails with KRB_AP_ERR_SKEW.',
    fix: () => [
      'w32tm /query /status',
      'w32tm /query /peers',
      'w32tm /resync /force',
      'Domain members: w32tm /config /syncfromflags:domhier /update',
    ],
  },
  'enctype-mismatch': {
    id: 'enctype-unsupported',
    step: 'ticket',
    severity: 'error',
    title: (s) => `No common encryption type${s ? ` for ${s}` : ''}`,
    explanation:
      'The KDC (or the client) found no encryption type that both the request and the account’s keys support: RC4 disabled while the account has only RC4 keys, or an account whose password predates AES.',
    fix: () => [
      'Get-ADUser <account> -Properties msDS-SupportedEncryptionTypes,PasswordLastSet',
      'Reset the account’s password once (creates AES keys), set msDS-SupportedEncryptionTypes to 24 (AES).',
    ],
  },
  'kdc-certificate': {
    id: 'kdc-certificate',
    step: 'account',
    severity: 'warning',
    title: () => 'The KDC has no usable certificate for smart-card logon',
    explanation:
      'KDC 29/31: PKINIT (smart card, Windows Hello for Business) logons fail until the DC has a valid Kerberos Authentication / KDC certificate.',
    fix: () => ['certutil -dcinfo verify', 'Enrol the DC for a "Kerberos Authentication" certificate.'],
  },
  'kdc-sam-failure': {
    id: 'kdc-account-lookup',
    step: 'account',
    severity: 'warning',
    title: (s) => `The KDC could not look up an account${s ? ` (${s})` : ''}`,
    explanation:
      'KDC 7: the Security Account Manager failed a KDC request; the account lookup failed on this DC (directory database or replication problem).',
    fix: () => ['repadmin /showrepl', 'dcdiag /test:services /test:replications'],
  },
  'krbtgt-weak-keys': {
    id: 'weak-enctype',
    step: 'ticket',
    severity: 'warning',
    title: () => 'The krbtgt account has no strong (AES) keys',
    explanation: 'KDC 42: krbtgt’s password predates AES, so TGTs are RC4 and break once RC4 is disabled.',
    fix: () => ['Reset the krbtgt password (twice, with full replication in between; Microsoft’s New-KrbtgtKeys.ps1).'],
  },
  'lsa-auth-error': {
    id: 'negotiate-failed',
    step: 'ticket',
    severity: 'warning',
    title: (s) => `Authentication to ${s || 'a server'} failed`,
    explanation:
      'LsaSrv 40960: Negotiate failed toward a server; the failure code in the event (no logon servers, clock skew, account restriction) names the cause.',
    fix: (s) => [s ? win`klist get ${s}` : 'klist get <SPN>', 'nltest /dsgetdc:<domain>'],
  },
  'lsa-no-protocol': {
    id: 'negotiate-failed',
    step: 'dc-discovery',
    severity: 'warning',
    title: (s) => `No authentication protocol available toward ${s || 'a server'}`,
    explanation: 'LsaSrv 40961: neither Kerberos nor NTLM could be used: usually no DC reachable (Kerberos) while NTLM is restricted.',
    fix: () => ['nltest /dsgetdc:<domain> /force', 'klist get <SPN of the server>'],
  },
};

export const systemConditions: Rule = {
  id: 'system-conditions',
  step: 'dc-discovery',
  evaluate(facts) {
    const out: Finding[] = [];
    for (const [, list] of groupBy(factsOf(facts, 'system-condition'), (f) => `${f.cause}\u0000${(f.subject ?? '').toLowerCase()}`)) {
      const f0 = list[0]!;
      const c = CAUSE[f0.cause];
      const computers = names(list.flatMap((f) => (f.computer ? [f.computer] : [])));
      out.push(
        aggregated(
          {
            id: c.id,
            severity: c.severity,
            step: c.step,
            title: c.title(f0.subject ?? ''),
            explanation: `${c.explanation}${computers ? ` Logged on ${computers}.` : ''}`,
            evidence: list.map((f) => evidenceLine(f, `${f.provider} ${f.eventId}${f.detail ? `: ${f.detail}` : ''}`)),
            fix: c.fix(f0.subject ?? ''),
          },
          list,
        ),
      );
    }
    return out;
  },
};
