import { PASSWORD_EXPIRED_STATUSES, REVOKED_DISABLED, REVOKED_LOCKED, revoked, userOf } from './account-helpers.js';
import type { Rule } from './finding.js';
import { errorEvidence } from './krb-error-helpers.js';
import { ps, sh, win } from './shell.js';

const REASON: Record<string, string> = {
  STATUS_ACCOUNT_EXPIRED: 'the account has expired (accountExpires is in the past)',
  STATUS_INVALID_LOGON_HOURS: 'the account may not log on at this time (logon hours)',
  STATUS_INVALID_WORKSTATION: 'the account may not log on from this workstation (userWorkstations)',
};

/**
 * KDC_ERR_CLIENT_REVOKED (18) that the disabled/locked/password rules do not claim: an NTSTATUS that names another
 * reason (expired account, logon hours, workstation), or no NTSTATUS at all — then the KDC did not say which of
 * disabled, locked out or expired it is (Samba omits it for lockouts), and the fix says how to tell.
 */
export const accountRevoked: Rule = {
  id: 'account-revoked',
  step: 'account',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    const claimed = [REVOKED_DISABLED, REVOKED_LOCKED, ...PASSWORD_EXPIRED_STATUSES];
    return revoked(facts, (s) => s === undefined || !claimed.includes(s)).map((f) => {
      const user = userOf(f) ?? '<user>';
      const reason = f.ntStatusName ? (REASON[f.ntStatusName] ?? `the KDC says ${f.ntStatusName}`) : undefined;
      return {
        id: f.ntStatusName === 'STATUS_ACCOUNT_EXPIRED' ? 'account-expired' : 'account-revoked',
        severity: 'error',
        step: 'account',
        title: reason ? `${user}'s account cannot log on: ${reason}` : `${user}'s account is revoked: disabled, locked out or expired`,
        explanation: reason
          ? `KDC_ERR_CLIENT_REVOKED: the KDC refuses to issue tickets because ${reason}.`
          : 'KDC_ERR_CLIENT_REVOKED without an NTSTATUS: the account is disabled, locked out or expired, and this KDC did not say which (Samba leaves it out for lockouts). The account’s attributes tell.',
        evidence: [errorEvidence(f)],
        fix: [
          ps`Get-ADUser -Identity ${user} -Properties Enabled,LockedOut,AccountExpirationDate,lockoutTime,logonHours`,
          win`net user ${user} /domain`,
          'net user shows Account active, Account expires and Logon hours allowed.',
          sh`samba-tool user show ${user}`,
        ],
      };
    });
  },
};
