import { factsOf } from '../facts/fact.js';
import { configLine } from './delegation-helpers.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { win } from './shell.js';

/**
 * The back end's SPN is on no account in the directory searched: S4U2Proxy to it fails with
 * KDC_ERR_S_PRINCIPAL_UNKNOWN whatever the delegation settings (or it lives in another domain: search the forest).
 */
export const delegationTargetUnknown: Rule = {
  id: 'delegation-target-unknown',
  step: 'delegation',
  explains: ['delegation-kdc-refused'],
  evaluate(facts) {
    return factsOf(facts, 'delegation-config')
      .filter((c) => c.target && c.target.owners.length === 0)
      .map((c) => {
        const spn = (c.target as NonNullable<typeof c.target>).spn;
        return {
          id: 'delegation-target-unknown',
          severity: 'error' as const,
          step: 'delegation' as const,
          title: `No account in the directory holds the back end's SPN ${spn}`,
          explanation: `The KDC cannot issue a ticket to ${spn} for anyone, delegated or not (KDC_ERR_S_PRINCIPAL_UNKNOWN). Register the SPN on the account the back end runs as (for SMB and most Windows services, its computer account), or, if the back end is in another domain of the forest, search the forest and set up resource-based delegation there.`,
          evidence: [configLine(c), `${c.where.label}: (servicePrincipalName=${spn}) matched nothing`],
          fix: [win`setspn -Q ${spn}`, win`setspn -F -Q ${spn}`, win`setspn -S ${spn} BACKEND-ACCOUNT`],
          refs: refsOf([c]),
        };
      });
  },
};
