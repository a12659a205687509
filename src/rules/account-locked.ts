import { REVOKED_LOCKED, revoked, userOf } from './account-helpers.js';
import type { Rule } from './finding.js';
import { errorEvidence } from './krb-error-helpers.js';
import { ps, sh } from './shell.js';

/** KDC_ERR_CLIENT_REVOKED (18) with STATUS_ACCOUNT_LOCKED_OUT: too many bad passwords locked the account. */
export const accountLocked: Rule = {
  id: 'account-locked',
  step: 'account',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return revoked(facts, (s) => s === REVOKED_LOCKED).map((f) => {
      const user = userOf(f) ?? '<user>';
      return {
        id: 'account-locked',
        severity: 'error',
        step: 'account',
        title: `${user}'s account is locked out`,
        explanation:
          'KDC_ERR_CLIENT_REVOKED with NTSTATUS STATUS_ACCOUNT_LOCKED_OUT: the account passed the lockout threshold of bad passwords. It unlocks after the lockout duration or when an admin unlocks it; if something keeps sending an old password, it locks again.',
        evidence: [errorEvidence(f)],
        fix: [
          ps`Get-ADUser -Identity ${user} -Properties LockedOut,lockoutTime,badPwdCount`,
          ps`Unlock-ADAccount -Identity ${user}`,
          sh`samba-tool user unlock ${user}`,
          'Find the source of the bad passwords: event 4740 on the PDC emulator, 4771 failure code 0x18 on the DCs (Client Address).',
        ],
      };
    });
  },
};
