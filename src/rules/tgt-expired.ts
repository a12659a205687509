import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { sh, win } from './shell.js';

/**
 * The only TGT the client has is expired (guidance: klist shows the ticket times): nothing renews it without the
 * password, so every new service ticket request fails until the user logs on again / runs kinit.
 */
export const tgtExpired: Rule = {
  id: 'tgt-expired',
  step: 'account',
  explains: ['no-credentials', 'ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return factsOf(facts, 'credentials')
      .filter((c) => c.source === 'ccache' && c.tgt?.expired)
      .map((c) => ({
        id: 'tgt-expired',
        severity: 'error' as const,
        step: 'account' as const,
        title: `The TGT in ${c.ccache ?? 'the ccache'} expired at ${c.tgt?.endtime?.toISOString() ?? '?'}`,
        explanation: `${c.tgt?.server ?? 'The TGT'} for ${c.principal ?? 'the user'} is past its end time and no password or keytab was given to get a new one: the client cannot request service tickets (MIT: "Ticket expired"; Windows refreshes it at unlock/logon).`,
        evidence: [`${c.where.label}: ${c.tgt?.server} in ${c.ccache}, end time ${c.tgt?.endtime?.toISOString() ?? '?'}`],
        fix: [c.principal ? sh`kinit ${c.principal}` : sh`kinit`, sh`klist`, win`klist purge`],
      }));
  },
};
