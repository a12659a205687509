import { factsOf } from '../facts/fact.js';
import { configLine, identityOf } from './delegation-helpers.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { ps, psString } from './shell.js';

/**
 * Unconstrained delegation (UF_TRUSTED_FOR_DELEGATION): the front end receives each user's forwarded TGT and can act
 * as them anywhere. It works only when the client forwards its TGT (the ticket is OK-AS-DELEGATE and the user is not
 * sensitive) and is the riskiest setting: Microsoft recommends constrained or resource-based delegation instead.
 */
export const delegationUnconstrained: Rule = {
  id: 'delegation-unconstrained',
  step: 'delegation',
  explains: ['delegation-kdc-refused'],
  evaluate(facts) {
    return factsOf(facts, 'delegation-config')
      .filter((c) => c.delegationKind === 'unconstrained' && !c.frontEnd.uacFlags.includes('UF_SERVER_TRUST_ACCOUNT'))
      .map((c) => ({
        id: 'delegation-unconstrained',
        severity: 'warning' as const,
        step: 'delegation' as const,
        title: `${c.frontEnd.account} is trusted for unconstrained delegation`,
        explanation: `${c.frontEnd.account} has UF_TRUSTED_FOR_DELEGATION: clients send it their own TGT, and it can use it for any service. It does not use S4U2Proxy, so a kvno -U/-P test against it says nothing about the web site; the users' browsers must forward their TGT (Edge/IE do for intranet sites, Chrome needs AuthNegotiateDelegateAllowlist, Firefox network.negotiate-auth.delegation-uris). Prefer constrained delegation to the back end's SPN.`,
        evidence: [configLine(c)],
        fix: [
          ps`Set-ADAccountControl -Identity ${identityOf(c.frontEnd)} -TrustedForDelegation $false`,
          ...(c.target
            ? [ps`Set-ADObject -Identity ${identityOf(c.frontEnd)} -Add @{'msDS-AllowedToDelegateTo'=${psString(c.target.spn)}}`]
            : []),
        ],
        refs: refsOf([c]),
      }));
  },
};
