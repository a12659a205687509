import type { Finding, Rule } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';

/**
 * The user's account cannot get tickets: KDC_ERR_CLIENT_REVOKED (18: disabled, locked out, expired — the NTSTATUS
 * in the e-data says which), KDC_ERR_KEY_EXPIRED (23: password expired), KDC_ERR_C_PRINCIPAL_UNKNOWN (6),
 * KDC_ERR_PREAUTH_FAILED (24: wrong password).
 */
const STATUS_REASON: Record<string, string> = {
  STATUS_ACCOUNT_DISABLED: 'the account is disabled',
  STATUS_ACCOUNT_LOCKED_OUT: 'the account is locked out',
  STATUS_ACCOUNT_EXPIRED: 'the account has expired',
  STATUS_INVALID_LOGON_HOURS: 'the account may not log on at this time',
  STATUS_INVALID_WORKSTATION: 'the account may not log on from this workstation',
  STATUS_PASSWORD_EXPIRED: 'the password has expired',
  STATUS_PASSWORD_MUST_CHANGE: 'the password must be changed at next logon',
};

export const accountProblem: Rule = {
  id: 'account-problem',
  step: 'account',
  evaluate(facts) {
    const out: Finding[] = [];
    for (const f of krbErrors(facts, 18, 23, 6, 24)) {
      const user = f.cname?.join('/') ?? 'the user';
      if (f.code === 18) {
        const reason =
          (f.ntStatusName && STATUS_REASON[f.ntStatusName]) ??
          'the account is disabled, locked out or expired (the KDC sent no NTSTATUS saying which; Samba omits it for lockouts)';
        const id =
          f.ntStatusName === 'STATUS_ACCOUNT_DISABLED'
            ? 'account-disabled'
            : f.ntStatusName === 'STATUS_ACCOUNT_LOCKED_OUT'
              ? 'account-locked'
              : 'account-revoked';
        out.push({
          id,
          severity: 'error',
          step: 'account',
          title: `${user}'s account cannot log on: ${reason}`,
          explanation: `KDC_ERR_CLIENT_REVOKED: the KDC refuses to issue tickets for this account because ${reason}.`,
          evidence: [errorEvidence(f)],
          fix: [
            `Get-ADUser ${user} -Properties Enabled,LockedOut,AccountExpirationDate,lockoutTime`,
            `Unlock-ADAccount ${user} / Enable-ADAccount ${user} (Samba: samba-tool user unlock|enable ${user})`,
            'If it locks again: find the source of bad passwords (event 4740 on the PDC emulator, 4771 failure code 0x18 on DCs).',
          ],
        });
      } else if (f.code === 23) {
        out.push({
          id: 'password-expired',
          severity: 'error',
          step: 'account',
          title: `${user}'s password has expired`,
          explanation:
            'KDC_ERR_KEY_EXPIRED: the password is expired or must be changed at next logon; the KDC issues no TGT until it is changed.',
          evidence: [errorEvidence(f)],
          fix: [
            `Change the password (kpasswd ${user}, or Ctrl+Alt+Del → Change a password), or reset it: Set-ADAccountPassword ${user} -Reset`,
          ],
        });
      } else if (f.code === 6) {
        out.push({
          id: 'unknown-user',
          severity: 'error',
          step: 'account',
          title: `The KDC does not know ${user}@${f.realm}`,
          explanation:
            'KDC_ERR_C_PRINCIPAL_UNKNOWN: no account with this name in the realm. A typo, the wrong realm (UPN suffix vs. NetBIOS domain), or an account in another domain without a trust.',
          evidence: [errorEvidence(f)],
          fix: [
            `Get-ADUser -Filter "sAMAccountName -eq '${user}' -or userPrincipalName -eq '${user}@${f.realm.toLowerCase()}'"`,
            'kinit user@REALM with the realm in capitals',
          ],
        });
      } else {
        out.push({
          id: 'bad-password',
          severity: 'error',
          step: 'account',
          title: `Pre-authentication failed for ${user}: wrong password`,
          explanation:
            'KDC_ERR_PREAUTH_FAILED: the encrypted timestamp did not decrypt with the account’s key — the password is wrong (or cached credentials are stale). Repeated failures lock the account.',
          evidence: [errorEvidence(f)],
          fix: [
            'Retype the password; clear stale saved credentials (cmdkey /list, Credential Manager).',
            'Security log on the DCs: event 4771 failure code 0x18 shows the client address of the bad attempts.',
          ],
        });
      }
    }
    return out;
  },
};
