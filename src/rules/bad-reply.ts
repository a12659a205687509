import { type Fact, factsOf } from '../facts/fact.js';
import type { Finding, Rule } from './finding.js';
import { ps } from './shell.js';

const STEP = { kerberos: 'ticket', dns: 'dns', http: 'web-server', cldap: 'dc-discovery' } as const;

/**
 * A peer answered with something that is not its protocol: a KDC reply that is no Kerberos message, a DNS reply
 * that does not parse, an HTTP server that closes the connection. Usually another service on the port (a web
 * server on 88, a middlebox), a broken proxy, or a hostile host.
 */
export const badReply: Rule = {
  id: 'bad-reply',
  step: 'ports',
  evaluate(facts) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    // DNS replies that are no answer to the question, one finding per server with every lookup as evidence
    const byServer = new Map<string, Extract<Fact, { kind: 'dns-lookup' }>[]>();
    for (const d of factsOf(facts, 'dns-lookup')) {
      if (!d.malformed) continue;
      const k = d.server ?? 'the DNS server';
      byServer.set(k, [...(byServer.get(k) ?? []), d]);
    }
    for (const [server, list] of byServer)
      out.push({
        id: 'bad-reply',
        severity: 'error',
        step: 'dns',
        title: `${server} did not answer with a DNS reply`,
        explanation: `The DNS server at ${server} answered ${list.length} question(s) with something that is not a DNS reply to them (undecodable, or the wrong message ID). Another service on port 53, a broken forwarder or middlebox, or a hostile host answers there; every name this client resolves through it is suspect.`,
        evidence: list.map((d) => `${d.where.label}: ${d.qtype} ${d.name} @${server}: ${d.detail ?? 'not a DNS reply'}`),
        fix: [
          ps`Resolve-DnsName -Server ${server} ${list[0]?.name ?? '<name>'} -Type ${list[0]?.qtype ?? 'A'}`,
          'Check what listens on port 53 at that address, and that the client (resolv.conf, the NIC’s DNS servers, DHCP) uses the domain’s DNS servers.',
        ],
      });
    for (const f of factsOf(facts, 'bad-reply')) {
      const k = `${f.protocol}|${f.peer}|${f.detail}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({
        id: 'bad-reply',
        severity: 'error',
        step: STEP[f.protocol],
        title: `${f.peer} did not answer with ${f.protocol === 'kerberos' ? 'a Kerberos message' : f.protocol === 'dns' ? 'a DNS reply' : f.protocol === 'http' ? 'an HTTP response' : 'a CLDAP reply'}`,
        explanation: `${f.detail}. Something else than the expected service answers at that address and port (another service, a middlebox, a misconfigured load balancer) or the server is broken.`,
        evidence: [`${f.where.label}: ${f.detail}`],
        fix: [
          `Check what listens at ${f.peer} (the configured ${f.protocol === 'kerberos' ? 'KDC' : f.protocol === 'dns' ? 'DNS server' : f.protocol === 'http' ? 'web server' : 'DC'}), and that the configuration names the right host.`,
        ],
      });
    }
    return out;
  },
};
