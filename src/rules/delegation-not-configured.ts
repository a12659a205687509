import { factsOf } from '../facts/fact.js';
import { configLine, hopLine, hopsOf, identityOf } from './delegation-helpers.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { ps, psString } from './shell.js';

/**
 * The front end may not delegate to the back end at all: no msDS-AllowedToDelegateTo (constrained), no entry in the
 * back end's msDS-AllowedToActOnBehalfOfOtherIdentity (resource-based), not trusted for (unconstrained) delegation.
 * S4U2Proxy then fails with KDC_ERR_BADOPTION (MS-SFU §3.2.5.2; Windows adds STATUS_NOT_SUPPORTED / event 4769 0xD).
 */
export const delegationNotConfigured: Rule = {
  id: 'delegation-not-configured',
  step: 'delegation',
  explains: ['delegation-kdc-refused'],
  evaluate(facts) {
    const hops = hopsOf(facts).filter((h) => h.step === 's4u2proxy' && !h.ok);
    return factsOf(facts, 'delegation-config')
      .filter((c) => c.target && c.target.owners.length > 0 && c.delegationKind === 'none' && c.allowedTo.length === 0)
      .map((c) => {
        const t = c.target as NonNullable<typeof c.target>;
        const back = t.owners[0] as (typeof t.owners)[number];
        const rbcd = t.rbcd;
        return {
          id: 'delegation-not-configured',
          severity: 'error' as const,
          step: 'delegation' as const,
          title: `${c.frontEnd.account} is not allowed to delegate to ${t.spn}: no constrained or resource-based delegation is set up`,
          explanation: `The front end ${c.frontEnd.account} has an empty msDS-AllowedToDelegateTo and is not trusted for delegation, and ${back.account} (which holds ${t.spn}) ${rbcd ? `lets only ${rbcd.allowed.map((a) => a.account ?? a.sid).join(', ') || 'nobody'} delegate to it (msDS-AllowedToActOnBehalfOfOtherIdentity)` : 'has no msDS-AllowedToActOnBehalfOfOtherIdentity'}. The KDC therefore refuses S4U2Proxy (KDC_ERR_BADOPTION) and the back end sees the front end's own identity or an anonymous request, never the user's. Set up constrained delegation on the front end (Delegation tab: "Trust this user for delegation to specified services only"), or resource-based delegation on the back end.`,
          evidence: [configLine(c), `${c.where.label}: ${t.spn} is held by ${back.account} (${back.dn})`, ...hops.map(hopLine)],
          fix: [
            ps`Set-ADObject -Identity ${identityOf(c.frontEnd)} -Add @{'msDS-AllowedToDelegateTo'=${psString(t.spn)}}`,
            `${
              back.objectClass === 'computer'
                ? ps`Set-ADComputer -Identity ${back.account.replace(/\$$/, '')} -PrincipalsAllowedToDelegateToAccount ${c.frontEnd.account}`
                : ps`Set-ADUser -Identity ${back.account} -PrincipalsAllowedToDelegateToAccount ${c.frontEnd.account}`
            }   (resource-based, instead)`,
            'klist purge   (on the front end, then retry)',
          ],
          refs: refsOf([c]),
        };
      });
  },
};
