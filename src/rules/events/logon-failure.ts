import { factsOf } from '../../facts/fact.js';
import type { Finding, Rule, Step } from '../finding.js';
import { ps, raw, win } from '../shell.js';
import { aggregated, evidenceLine, groupBy, hex32, names } from './helpers.js';

/**
 * Failed logons (4625) and failed NTLM validations (4776), by NTSTATUS (MS-ERREF 2.3). When Status is the generic
 * 0xC000006D/0xC000006E, SubStatus holds the reason. One finding per cause and account.
 */
const CAUSES: Record<number, { id: string; step: Step; what: string; fix: (user: string, domain: string) => string[] }> = {
  3221225578: {
    id: 'bad-password',
    step: 'account',
    what: 'wrong password',
    fix: (u) => [
      'Retype the password; clear stale saved credentials (cmdkey /list, Credential Manager), mapped drives and services that run as this user.',
      ps`Get-ADUser ${u} -Properties badPwdCount,LastBadPasswordAttempt,lockoutTime`,
    ],
  },
  3221225572: {
    id: 'unknown-user',
    step: 'account',
    what: 'no such user',
    fix: (u) => [
      `${ps`Get-ADUser -Identity ${u}`}   (not found: the name is wrong, or the account is in another domain)`,
      'Check the spelling and the domain part (DOMAIN\\user or user@upn-suffix).',
    ],
  },
  3221225586: {
    id: 'account-disabled',
    step: 'account',
    what: 'the account is disabled',
    fix: (u) => [ps`Enable-ADAccount ${u}`, ps`Get-ADUser ${u} -Properties Enabled`],
  },
  3221226036: {
    id: 'account-locked',
    step: 'account',
    what: 'the account is locked out',
    fix: (u) => [
      ps`Unlock-ADAccount ${u}`,
      'Find the source of the bad passwords: 4740 on the PDC emulator (Caller Computer Name), 4771 0x18 / 4625 0xC000006A with their client addresses.',
    ],
  },
  3221225585: {
    id: 'password-expired',
    step: 'account',
    what: 'the password has expired',
    fix: (u) => [ps`Set-ADAccountPassword ${u} -Reset`, 'or let the user change it (Ctrl+Alt+Del → Change a password).'],
  },
  3221226020: {
    id: 'password-expired',
    step: 'account',
    what: 'the password must be changed at next logon',
    fix: (u) => [ps`Set-ADUser ${u} -ChangePasswordAtLogon $false`, 'or let the user change it interactively first.'],
  },
  3221225875: {
    id: 'account-expired',
    step: 'account',
    what: 'the account has expired',
    fix: (u) => [ps`Get-ADUser ${u} -Properties AccountExpirationDate`, ps`Clear-ADAccountExpiration ${u}`],
  },
  3221225867: {
    id: 'secure-channel',
    step: 'account',
    what: 'no trust: the DC has no computer account for this workstation (0xC000018B, STATUS_NO_TRUST_SAM_ACCOUNT)',
    fix: (_u, d) => [
      win`Test-ComputerSecureChannel -Repair -Credential ${raw(d ? `${d}\\<admin>` : '<DOMAIN>\\<admin>')}`,
      win`nltest /sc_verify:${raw(d || '<DOMAIN>')}`,
      'If the computer account was deleted: rejoin the computer to the domain.',
    ],
  },
  3221225779: {
    id: 'clock-skew',
    step: 'clock',
    what: 'the clocks of the workstation and the DC are too far apart (0xC0000133)',
    fix: () => ['w32tm /query /status', 'w32tm /resync /force'],
  },
  3221225583: {
    id: 'logon-hours',
    step: 'account',
    what: 'outside the allowed logon hours',
    fix: (u) => [ps`Get-ADUser ${u} -Properties logonHours`],
  },
  3221225584: {
    id: 'logon-workstation',
    step: 'account',
    what: 'not allowed to log on from this workstation',
    fix: (u) => [ps`Get-ADUser ${u} -Properties userWorkstations`],
  },
};

const GENERIC = new Set([0xc000006d, 0xc000006e]);

export const logonFailure: Rule = {
  id: 'logon-failure',
  step: 'account',
  evaluate(facts) {
    const out: Finding[] = [];
    const failures = factsOf(facts, 'logon-failure');
    const groups = groupBy(failures, (f) => {
      const code = GENERIC.has(f.status) && f.subStatus ? f.subStatus : f.status;
      return `${code}\u0000${f.account.toLowerCase()}`;
    });
    for (const [k, list] of groups) {
      const code = Number(k.split('\u0000')[0]);
      const f0 = list[0]!;
      const cause = CAUSES[code];
      const user = f0.domain ? `${f0.domain}\\${f0.account}` : f0.account;
      const clients = names(list.flatMap((f) => (f.client ? [f.client] : f.workstation ? [f.workstation] : [])));
      const evidence = list.map((f) =>
        evidenceLine(
          f,
          `${f.eventId === 4625 ? 'logon failed' : 'NTLM validation failed'} for ${f.account || '(no name)'}: ${hex32(f.status)}${f.subStatus ? `/${hex32(f.subStatus)}` : ''}${f.client ? ` from ${f.client}` : ''}${f.workstation ? ` (workstation ${f.workstation})` : ''}${f.logonType !== undefined ? `, logon type ${f.logonType}` : ''}${f.package ? `, ${f.package}` : ''}`,
        ),
      );
      if (!cause) {
        out.push(
          aggregated(
            {
              id: 'logon-failed',
              severity: 'warning',
              step: 'account',
              title: `Logons of ${user} fail with ${hex32(code)}`,
              explanation:
                'A failed logon whose NTSTATUS is not one of the account causes this tool names; look the code up (certutil -error <code>).',
              evidence,
              fix: [`certutil -error ${hex32(code)}`],
            },
            list,
          ),
        );
        continue;
      }
      out.push(
        aggregated(
          {
            id: cause.id,
            severity: 'error',
            step: cause.step,
            title: `Logons of ${user} fail: ${cause.what}`,
            explanation: `Event ${f0.eventId === 4625 ? '4625 (logon failed)' : '4776 (NTLM credential validation)'} with status ${hex32(code)}: ${cause.what}.${clients ? ` Attempts came from ${clients}.` : ''}`,
            evidence,
            fix: cause.fix(f0.account || '<user>', f0.domain ?? ''),
          },
          list,
        ),
      );
    }
    return out;
  },
};
