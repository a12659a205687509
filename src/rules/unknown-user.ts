import { userOf } from './account-helpers.js';
import type { Rule } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';
import { ps, sh } from './shell.js';

/** KDC_ERR_C_PRINCIPAL_UNKNOWN (6): the realm has no such user. */
export const unknownUser: Rule = {
  id: 'unknown-user',
  step: 'account',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return krbErrors(facts, 6).map((f) => {
      const user = userOf(f) ?? '<user>';
      return {
        id: 'unknown-user',
        severity: 'error',
        step: 'account',
        title: `The KDC does not know ${user}@${f.realm}`,
        explanation:
          'KDC_ERR_C_PRINCIPAL_UNKNOWN: no account with this name in the realm. A typo, the wrong realm (UPN suffix vs. NetBIOS domain), or an account in another domain without a trust.',
        evidence: [errorEvidence(f)],
        fix: [
          ps`Get-ADUser -Identity ${user}`,
          sh`kinit ${`${user}@${f.realm.toUpperCase()}`}`,
          'The realm is the DNS domain in capitals.',
        ],
      };
    });
  },
};
