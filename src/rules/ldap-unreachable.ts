import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { ps, raw, win } from './shell.js';

/**
 * LDAP/CLDAP on port 389 of the DC is blocked (guidance: ports 389 TCP/UDP). Kerberos may still work — kinit gets a
 * TGT — while the DC locator (CLDAP ping over UDP 389), domain join, LDAP lookups and GPO processing fail. Reads
 * cldap-ping and port-probe 389; dropped (no answer) and refused (RST/ICMP) are told apart.
 */
export const ldapUnreachable: Rule = {
  id: 'ldap-unreachable',
  step: 'ports',
  explains: ['dc-not-discoverable'],
  evaluate(facts) {
    const pings = factsOf(facts, 'cldap-ping').filter((c) => c.outcome === 'no-answer' || c.outcome === 'refused');
    if (!pings.length) return [];
    const dc = pings[0]?.server ?? '<DC>';
    const tcp = factsOf(facts, 'port-probe').filter(
      (p) => p.port === 389 && (p.address === dc || p.host === dc || pings.length > 0) && p.outcome !== 'open',
    );
    if (factsOf(facts, 'port-probe').some((p) => p.port === 389 && p.outcome === 'open' && (p.address === dc || p.host === dc))) return [];
    const dropped = pings.some((p) => p.outcome === 'no-answer') || tcp.some((p) => p.outcome === 'dropped');
    return [
      {
        id: 'ldap-unreachable',
        severity: 'error',
        step: 'ports',
        title: `LDAP port 389 on the DC ${dc} is ${dropped ? 'dropped' : 'refused'} (UDP CLDAP ping and TCP)`,
        explanation: `The DC does not answer on port 389: the CLDAP netlogon ping over UDP ${pings[0]?.outcome === 'refused' ? 'was refused' : 'got no reply'}${tcp.length ? ` and the TCP connect was ${tcp.map((t) => t.outcome).join('/')}` : ''}. ${dropped ? 'Packets are silently dropped, as a firewall drop rule does.' : 'Something rejects the port.'} Kerberos on port 88 can still work, but the DC locator (nltest /dsgetdc, error 1355), domain join, LDAP queries, Group Policy and LDAP SASL/GSSAPI binds fail.`,
        evidence: [
          ...pings.map(
            (p) => `${p.where.label}: CLDAP netlogon ping to ${p.server}:389/udp: ${p.outcome}${p.detail ? ` (${p.detail})` : ''}`,
          ),
          ...tcp.map((p) => `${p.where.label}: TCP connect ${p.address ?? p.host}:389 ${p.outcome}${p.detail ? ` — ${p.detail}` : ''}`),
        ],
        fix: [
          ps`Test-NetConnection ${dc} -Port 389`,
          'Open TCP and UDP 389 (and 636/3268 for LDAPS/GC) from the clients to the DCs on every firewall in between.',
          win`nltest /dsgetdc:${pings[0]?.domain ?? raw('<domain>')} /force`,
        ],
        refs: refsOf([...pings, ...tcp]),
      },
    ];
  },
};
