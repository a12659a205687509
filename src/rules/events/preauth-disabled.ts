import { factsOf } from '../../facts/fact.js';
import type { Rule } from '../finding.js';
import { ps } from '../shell.js';
import { aggregated, evidenceLine, groupBy } from './helpers.js';

/** 4768 issued with Pre-Authentication Type 0: the account does not require pre-authentication (AS-REP roastable). */
export const preauthDisabled: Rule = {
  id: 'preauth-disabled',
  step: 'account',
  evaluate(facts) {
    const list = factsOf(facts, 'kdc-audit').filter((f) => f.eventId === 4768 && f.code === 0 && f.preAuthType === '0');
    return [...groupBy(list, (f) => f.account.toLowerCase())].map(([, l]) =>
      aggregated(
        {
          id: 'preauth-disabled',
          severity: 'warning',
          step: 'account',
          title: `${l[0]!.account} gets TGTs without pre-authentication`,
          explanation:
            'The DC issued a TGT with Pre-Authentication Type 0: the account has "Do not require Kerberos preauthentication" set, so anyone can ask for its AS-REP and crack the password offline (AS-REP roasting).',
          evidence: l.map((f) => evidenceLine(f, `TGT for ${f.account} without pre-authentication${f.client ? ` from ${f.client}` : ''}`)),
          fix: [ps`Set-ADAccountControl ${l[0]!.account || '<user>'} -DoesNotRequirePreAuth $false`],
        },
        l,
      ),
    );
  },
};
