import { PASSWORD_EXPIRED_STATUSES, userOf } from './account-helpers.js';
import type { Rule } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';
import { ps, sh } from './shell.js';

/** KDC_ERR_KEY_EXPIRED (23), or 18 with STATUS_PASSWORD_EXPIRED / _MUST_CHANGE: the password must be changed. */
export const passwordExpired: Rule = {
  id: 'password-expired',
  step: 'account',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return krbErrors(facts, 23, 18)
      .filter((f) => f.code === 23 || (f.ntStatusName !== undefined && PASSWORD_EXPIRED_STATUSES.includes(f.ntStatusName)))
      .map((f) => {
        const user = userOf(f) ?? '<user>';
        return {
          id: 'password-expired',
          severity: 'error',
          step: 'account',
          title: `${user}'s password has expired`,
          explanation:
            'KDC_ERR_KEY_EXPIRED: the password is expired or must be changed at next logon; the KDC issues no TGT until it is changed.',
          evidence: [errorEvidence(f)],
          fix: [sh`kpasswd ${user}`, 'Windows: Ctrl+Alt+Del → Change a password', ps`Set-ADAccountPassword -Identity ${user} -Reset`],
        };
      });
  },
};
