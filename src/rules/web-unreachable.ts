import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { ps } from './shell.js';

/** The web site's own port does not accept connections (dropped or refused): nothing to authenticate to. */
export const webUnreachable: Rule = {
  id: 'web-unreachable',
  step: 'ports',
  evaluate(facts) {
    const choice = factsOf(facts, 'spn-choice')[0];
    if (!choice) return [];
    return factsOf(facts, 'port-probe')
      .filter((p) => p.host === choice.host && p.port === choice.port && p.outcome !== 'open')
      .map((p) => ({
        id: 'web-unreachable',
        severity: 'error' as const,
        step: 'ports' as const,
        title: `The web server ${p.host} (${p.address ?? '?'}) port ${p.port} is ${p.outcome}`,
        explanation:
          p.outcome === 'dropped'
            ? 'The TCP SYN to the site got no answer: a firewall drops it or the address is wrong.'
            : 'The connection to the site was refused: nothing listens there (service down, wrong address or port).',
        evidence: [`${p.where.label}: TCP ${p.address ?? p.host}:${p.port} ${p.outcome}${p.detail ? ` — ${p.detail}` : ''}`],
        fix: [ps`Test-NetConnection ${p.host} -Port ${String(p.port)}`],
      }));
  },
};
