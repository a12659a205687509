import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { krbErrors } from './krb-error-helpers.js';
import { lower, refsOf } from './net-helpers.js';
import { raw, win } from './shell.js';

/**
 * spn-port, seen from the URL side (spn-missing.ts covers the other side, an SPN asked WITH a port): the site runs
 * on a non-default port, the SPN was registered with that port (HTTP/host:8080), and clients — which leave the port
 * out by default (EnableAuthNegotiatePort off; MIT never adds it) — ask for HTTP/host, which the KDC does not know.
 * Proven live when the KDC issues a ticket for HTTP/host:port (spn-alternative with-port).
 */
export const spnPortUrl: Rule = {
  id: 'spn-port',
  step: 'spn',
  explains: ['spn-missing', 'ntlm-fallback'],
  evaluate(facts) {
    return factsOf(facts, 'spn-alternative')
      .filter((a) => a.why === 'with-port' && a.exists)
      .map((a) => ({
        id: 'spn-port',
        severity: 'error' as const,
        step: 'spn' as const,
        title: `The SPN is registered with the port (${a.alternative}); clients ask for ${a.asked}`,
        explanation: `The site runs on a non-default port and its SPN was registered with it. Browsers and MIT/curl leave the port out of the SPN (Edge/Chrome only add it with EnableAuthNegotiatePort), so they ask for ${a.asked}, which no account holds (KDC_ERR_S_PRINCIPAL_UNKNOWN), and fall back to NTLM or prompt.`,
        evidence: [
          ...krbErrors(facts, 7)
            .filter((e) => lower(e.sname.join('/')) === lower(a.asked))
            .slice(0, 1)
            .map((e) => `${e.where.label}: the KDC answered ${e.name} (7) for ${e.sname.join('/')}@${e.realm}`),
          `${a.where.label}: the KDC issues a ticket for ${a.alternative}${a.kvno !== undefined ? ` (kvno ${a.kvno})` : ''}`,
        ],
        fix: [
          `${win`setspn -S ${a.asked} ${raw('<DOMAIN>\\<service account>')}`}   (the account that holds ${a.alternative}: register the name without the port too)`,
          'or turn on EnableAuthNegotiatePort on every client (Edge/Chrome policy) so they include the port',
        ],
        refs: refsOf([a]),
      }));
  },
};
