import { factsOf } from '../facts/fact.js';
import { configLine, hopLine, hopsOf, identityOf } from './delegation-helpers.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { ps } from './shell.js';

/**
 * Constrained delegation "Kerberos only": the front end is not trusted to authenticate for delegation
 * (UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION, "Use any authentication protocol"), so the ticket it gets from
 * S4U2Self (protocol transition) is not forwardable and S4U2Proxy refuses it (KDC_ERR_BADOPTION). Users who reach
 * the front end with Kerberos are delegated; users who log on with forms, NTLM or a certificate are not.
 */
export const delegationProtocolTransition: Rule = {
  id: 'delegation-protocol-transition',
  step: 'delegation',
  explains: ['delegation-kdc-refused'],
  evaluate(facts) {
    const hops = hopsOf(facts);
    return factsOf(facts, 'delegation-config')
      .filter((c) => !c.protocolTransition && c.allowedTo.length > 0 && (!c.target || c.target.inAllowedTo))
      .filter((c) => !c.user?.notDelegated && !c.user?.protectedUsers)
      .map((c) => {
        const self = hops.find((h) => h.step === 's4u2self' && h.ok);
        const proxy = hops.find((h) => h.step === 's4u2proxy' && !h.ok && !h.skipped);
        const proven = self?.forwardable === false && proxy !== undefined;
        return {
          id: 'delegation-protocol-transition',
          severity: proven ? ('error' as const) : ('warning' as const),
          step: 'delegation' as const,
          title: proven
            ? `${c.frontEnd.account} cannot use protocol transition: its S4U2Self ticket is not forwardable, so S4U2Proxy was refused`
            : `${c.frontEnd.account} is set to "Kerberos only" constrained delegation (no protocol transition)`,
          explanation: `${c.frontEnd.account} lacks UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION ("Use any authentication protocol"). The KDC then makes the S4U2Self ticket non-forwardable and refuses to use it for S4U2Proxy (KDC_ERR_BADOPTION). Delegation works only for users who authenticated to the front end with Kerberos; with forms, NTLM, basic or certificate logons (and in kvno -U tests) it fails.`,
          evidence: [configLine(c), ...hops.map(hopLine)],
          fix: [
            ps`Set-ADAccountControl -Identity ${identityOf(c.frontEnd)} -TrustedToAuthForDelegation $true`,
            'klist purge   (on the front end, then retry)',
          ],
          refs: refsOf([c]),
        };
      });
  },
};
