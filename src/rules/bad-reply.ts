import { factsOf } from '../facts/fact.js';
import type { Finding, Rule } from './finding.js';

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
