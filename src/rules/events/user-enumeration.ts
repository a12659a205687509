import type { Fact } from '../../facts/fact.js';
import { factsOf } from '../../facts/fact.js';
import type { Finding, Rule } from '../finding.js';
import { aggregated, evidenceLine, groupBy, names } from './helpers.js';
import { SPRAY_ACCOUNTS } from './password-spray.js';

/**
 * User enumeration (kerbrute userenum and the like): one source asks the KDC for TGTs of many names without a
 * password, learning from the error which exist: KDC_ERR_C_PRINCIPAL_UNKNOWN (4768 0x6) for names that do not,
 * KDC_ERR_CLIENT_REVOKED (0x12) for disabled ones, and no error (pre-auth required is not audited) for the rest;
 * 4625/4776 0xC0000064 is the NTLM equivalent.
 */
export const userEnumeration: Rule = {
  id: 'user-enumeration',
  step: 'account',
  explains: ['unknown-user', 'account-revoked', 'account-disabled'],
  evaluate(facts) {
    const probes: { fact: Fact; client: string; account: string; code: string }[] = [];
    for (const f of factsOf(facts, 'kdc-audit'))
      if (f.client && f.eventId === 4768 && (f.code === 6 || f.code === 18))
        probes.push({ fact: f, client: f.client, account: f.account.toLowerCase(), code: f.code === 6 ? 'unknown' : 'revoked/disabled' });
    for (const f of factsOf(facts, 'logon-failure')) {
      const src = f.client ?? f.workstation;
      if (src && (f.status === 0xc0000064 || f.subStatus === 0xc0000064))
        probes.push({ fact: f, client: src, account: f.account.toLowerCase(), code: 'unknown' });
    }
    const out: Finding[] = [];
    for (const [client, list] of groupBy(probes, (p) => p.client)) {
      const accounts = new Set(list.map((p) => p.account));
      if (accounts.size < SPRAY_ACCOUNTS) continue;
      out.push(
        aggregated(
          {
            id: 'user-enumeration',
            severity: 'error',
            step: 'account',
            title: `User enumeration from ${client}: ${accounts.size} account names probed`,
            explanation: `One client (${client}) asked for ${accounts.size} different account names that do not exist or cannot log on: ${names(accounts)}. Many unknown names from one source is enumeration (kerbrute, a spray list) or a broken script, not a user's typo.`,
            evidence: list.map((p) => evidenceLine(p.fact, `${p.code} account ${p.account} from ${client}`)),
            fix: [
              `Identify and stop what runs on ${client}.`,
              'Accounts that answered without an error (4768 success from the same client) are the ones it now knows exist: watch them for spraying.',
            ],
          },
          list.map((p) => p.fact),
        ),
      );
    }
    return out;
  },
};
