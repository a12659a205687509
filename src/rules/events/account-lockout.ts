import { factsOf } from '../../facts/fact.js';
import type { Rule } from '../finding.js';
import { ps } from '../shell.js';
import { aggregated, evidenceLine, groupBy, names } from './helpers.js';

/** 4740: the account was locked out; the Caller Computer Name is where the bad passwords came from. */
export const accountLockout: Rule = {
  id: 'account-locked',
  step: 'account',
  evaluate(facts) {
    return [...groupBy(factsOf(facts, 'account-lockout'), (f) => f.account.toLowerCase())].map(([, list]) => {
      const f0 = list[0]!;
      const callers = names(list.flatMap((f) => (f.callerComputer ? [f.callerComputer] : [])));
      return aggregated(
        {
          id: 'account-locked',
          severity: 'error',
          step: 'account',
          title: `${f0.account} was locked out${callers ? ` (bad passwords from ${callers})` : ''}`,
          explanation:
            'The account reached the lockout threshold: every logon fails until it unlocks. The caller computer keeps sending an old password (a mapped drive, a service, a phone, a scheduled task) or is attacking.',
          evidence: list.map((f) =>
            evidenceLine(f, `${f.account} locked out${f.callerComputer ? `, caller computer ${f.callerComputer}` : ''}`),
          ),
          fix: [
            ps`Unlock-ADAccount ${f0.account || '<user>'}`,
            `On ${callers || 'the caller computer'}: remove saved credentials (cmdkey /list), services and tasks running as this user.`,
          ],
        },
        list,
      );
    });
  },
};
