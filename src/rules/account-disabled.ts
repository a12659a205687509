import { REVOKED_DISABLED, revoked, userOf } from './account-helpers.js';
import type { Rule } from './finding.js';
import { errorEvidence } from './krb-error-helpers.js';
import { ps, sh } from './shell.js';

/** KDC_ERR_CLIENT_REVOKED (18) with STATUS_ACCOUNT_DISABLED in the e-data: the account is disabled. */
export const accountDisabled: Rule = {
  id: 'account-disabled',
  step: 'account',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return revoked(facts, (s) => s === REVOKED_DISABLED).map((f) => {
      const user = userOf(f) ?? '<user>';
      return {
        id: 'account-disabled',
        severity: 'error',
        step: 'account',
        title: `${user}'s account is disabled`,
        explanation:
          'KDC_ERR_CLIENT_REVOKED with NTSTATUS STATUS_ACCOUNT_DISABLED: the KDC issues no tickets for a disabled account, so every Kerberos logon (and the browser’s SSO) fails until it is enabled.',
        evidence: [errorEvidence(f)],
        fix: [
          ps`Get-ADUser -Identity ${user} -Properties Enabled,whenChanged`,
          ps`Enable-ADAccount -Identity ${user}`,
          sh`samba-tool user enable ${user}`,
        ],
      };
    });
  },
};
