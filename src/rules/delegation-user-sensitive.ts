import { factsOf } from '../facts/fact.js';
import { hopLine, hopsOf } from './delegation-helpers.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { ps } from './shell.js';

/**
 * The user cannot be delegated: "Account is sensitive and cannot be delegated" (UF_NOT_DELEGATED) or a member of
 * Protected Users. The KDC issues that user's S4U2Self and service tickets non-forwardable and refuses every kind of
 * delegation for them (MS-SFU §3.2.5.1.2, MS-KILE §3.3.5.7). On purpose for administrators: test with another user.
 */
export const delegationUserSensitive: Rule = {
  id: 'delegation-user-sensitive',
  step: 'delegation',
  explains: ['delegation-kdc-refused', 'delegation-protocol-transition'],
  evaluate(facts) {
    const hops = hopsOf(facts);
    return factsOf(facts, 'delegation-config')
      .filter((c) => c.user && (c.user.notDelegated || c.user.protectedUsers))
      .map((c) => {
        const u = c.user as NonNullable<typeof c.user>;
        const why = [
          u.notDelegated ? '"Account is sensitive and cannot be delegated" (UF_NOT_DELEGATED)' : '',
          u.protectedUsers ? 'a member of Protected Users' : '',
        ]
          .filter(Boolean)
          .join(' and ');
        // the KDC delegated anyway (Samba 4.17 does not enforce Protected Users): say so rather than contradict the proof
        const delegated = hops.some((h) => h.step === 's4u2proxy' && h.ok);
        return {
          id: 'delegation-user-sensitive',
          severity: delegated ? ('warning' as const) : ('error' as const),
          step: 'delegation' as const,
          title: `${u.account} cannot be delegated: the account is ${why}`,
          explanation: delegated
            ? `A Windows KDC never delegates ${u.account}, yet this KDC issued the delegated ticket: it does not enforce ${why} (Samba before 4.19 ignores Protected Users here). Expect delegation for this user to fail against Windows domain controllers.`
            : `Whatever the front end is allowed to do, the KDC never delegates ${u.account}: its tickets are not forwardable, S4U2Self gives the front end a non-forwardable ticket, and S4U2Proxy is refused (KDC_ERR_BADOPTION). This is meant for privileged accounts; test with an ordinary user, or lift the restriction only if the account does not need it.`,
          evidence: [`${c.where.label}: ${u.account} is ${why}`, ...hops.map(hopLine)],
          fix: [
            ...(u.notDelegated ? [ps`Set-ADAccountControl -Identity ${u.account} -AccountNotDelegated $false`] : []),
            ...(u.protectedUsers ? [ps`Remove-ADGroupMember -Identity 'Protected Users' -Members ${u.account}`] : []),
            '(or test the chain with a user who is not sensitive)',
          ],
          refs: refsOf([c]),
        };
      });
  },
};
