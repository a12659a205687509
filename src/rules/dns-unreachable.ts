import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { dnsAnswersAtAll, dnsLine, refsOf, unansweredDns } from './net-helpers.js';
import { ps } from './shell.js';

/**
 * The DNS server does not answer (guidance: DNS is the first thing the DC locator and the browser need; error 1355
 * "the domain could not be contacted" when the SRV query times out). Every question to the configured DNS
 * server(s) timed out or was refused at the transport level — the DNS path itself is down, not a missing record.
 */
export const dnsUnreachable: Rule = {
  id: 'dns-unreachable',
  step: 'dns',
  explains: [
    'dc-not-discoverable',
    'kdc-unreachable',
    'ldap-unreachable',
    'realm-unknown',
    'no-credentials',
    'dns-a-wrong',
    'spn-cname',
    'ntlm-fallback',
  ],
  evaluate(facts) {
    const bad = unansweredDns(facts);
    if (!bad.facts.length || dnsAnswersAtAll(facts)) return [];
    // nothing in this run needed DNS: PTR lookups are for information, and SRV records are not needed when the KDCs
    // are configured (krb5.conf [realms] kdc, --kdc) — those failed lookups are listed by their step, not claimed as
    // the cause of anything
    const kdcsConfigured = factsOf(facts, 'krb5-config').some((c) => c.kdcs.length > 0);
    if (bad.facts.every((f) => f.qtype === 'PTR' || (f.qtype === 'SRV' && kdcsConfigured))) return [];
    const server = bad.servers[0] ?? '<DNS server>';
    return [
      {
        id: 'dns-unreachable',
        severity: 'error',
        step: 'dns',
        title: `The DNS server ${bad.servers.join(', ')} does not answer`,
        explanation: `No DNS question got an answer (${bad.facts.some((f) => f.outcome === 'timeout') ? 'no reply within the timeout: UDP/TCP 53 is dropped on the way or the server is down' : 'the server refused the connection: nothing listens on port 53'}). Nothing can be resolved: not the web site's name, not the _kerberos/_ldap SRV records the DC locator needs (error 1355), so no KDC can be found and no ticket requested.`,
        evidence: bad.facts.slice(0, 8).map(dnsLine),
        fix: [
          ps`Resolve-DnsName -Name ${bad.names[0] ?? 'host'} -Server ${server}`,
          ps`Test-NetConnection ${server} -Port 53`,
          'Open UDP and TCP 53 from the clients to the DNS servers (the DCs in an AD domain), or point the client at a DNS server that answers (ipconfig /all; resolv.conf).',
        ],
        refs: refsOf(bad.facts),
      },
    ];
  },
};
