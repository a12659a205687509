import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { raw, sh, win } from './shell.js';

/**
 * The client has nothing to authenticate with (guidance: "the user is logged on with a domain account"): no valid
 * TGT in the ccache, no password, no client keytab. A browser in this state cannot do Kerberos at all and prompts
 * or falls back to NTLM. An expired TGT is tgt-expired.
 */
export const noCredentials: Rule = {
  id: 'no-credentials',
  step: 'account',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return factsOf(facts, 'credentials')
      .filter((c) => c.source === 'none')
      .map((c) => ({
        id: 'no-credentials',
        severity: 'error' as const,
        step: 'account' as const,
        title: 'No Kerberos credentials: no TGT in the ccache, no password, no keytab',
        explanation: `Nothing to get a ticket with: ${c.detail ?? 'no credentials were found'}. On Windows this is a local (non-domain) logon or a session without a TGT (klist shows nothing); on Linux no kinit was run for this user or KRB5CCNAME points elsewhere.`,
        evidence: [`${c.where.label}: ${c.detail ?? 'no credentials'}${c.ccache ? ` (ccache ${c.ccache})` : ''}`],
        fix: [sh`kinit ${raw('<user>@<REALM>')}`, sh`kerbscope check ${raw('<URL>')} --user ${raw('<user>')} --password-stdin`, win`klist`],
      }));
  },
};
