import { factsOf } from '../facts/fact.js';
import { configLine, hopLine, hopsOf, identityOf } from './delegation-helpers.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { ps, psString } from './shell.js';

/** The SPN without its port and with the host's first label, to spot near misses (cifs/web vs cifs/web.contoso.com). */
function shape(spn: string): string {
  const [svc, host = ''] = spn.toLowerCase().split('/');
  return `${svc}/${host.replace(/:\d+$/, '').split('.')[0]}`;
}

/**
 * Constrained delegation is set up, but to other services: the back end's SPN is not in msDS-AllowedToDelegateTo
 * (an exact, case-insensitive match is needed: a short host name, a different port or the wrong service class such
 * as http/ for cifs/ does not count) and the back end does not list the front end for resource-based delegation.
 */
export const delegationSpnNotAllowed: Rule = {
  id: 'delegation-spn-not-allowed',
  step: 'delegation',
  explains: ['delegation-kdc-refused'],
  evaluate(facts) {
    const hops = hopsOf(facts).filter((h) => h.step === 's4u2proxy' && !h.ok);
    return factsOf(facts, 'delegation-config')
      .filter(
        (c) =>
          c.target &&
          c.target.owners.length > 0 &&
          c.allowedTo.length > 0 &&
          !c.target.inAllowedTo &&
          !c.target.rbcd?.frontEndAllowed &&
          c.delegationKind !== 'unconstrained',
      )
      .map((c) => {
        const t = c.target as NonNullable<typeof c.target>;
        const near = c.allowedTo.filter((s) => shape(s) === shape(t.spn));
        return {
          id: 'delegation-spn-not-allowed',
          severity: 'error' as const,
          step: 'delegation' as const,
          title: `${c.frontEnd.account} may delegate to ${c.allowedTo.join(', ')}, but not to ${t.spn}`,
          explanation: `Constrained delegation only reaches the SPNs listed in the front end's msDS-AllowedToDelegateTo, compared exactly (case aside). ${t.spn} is not in the list${near.length ? ` (${near.join(', ')} is close, but a different host name form or port is a different SPN)` : ''}, so the KDC refuses S4U2Proxy with KDC_ERR_BADOPTION.`,
          evidence: [configLine(c), ...hops.map(hopLine)],
          fix: [
            ps`Set-ADObject -Identity ${identityOf(c.frontEnd)} -Add @{'msDS-AllowedToDelegateTo'=${psString(t.spn)}}`,
            ...(near.length
              ? near.map(
                  (s) =>
                    `${ps`Set-ADObject -Identity ${identityOf(c.frontEnd)} -Remove @{'msDS-AllowedToDelegateTo'=${psString(s)}}`}   (if unused)`,
                )
              : []),
            'klist purge   (on the front end, then retry)',
          ],
          refs: refsOf([c]),
        };
      });
  },
};
