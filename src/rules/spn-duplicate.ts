import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { win } from './shell.js';

/**
 * The SPN is on two (or more) accounts (`setspn -X`): the KDC cannot choose whose key to encrypt the ticket with and
 * answers KDC_ERR_S_PRINCIPAL_UNKNOWN, exactly as for a missing SPN (Windows 2012 R2+, Samba; KDC event 11). Only
 * the directory tells the two apart: check asks it (an LDAP search over a Kerberos bind) when the KDC says 7.
 */
export const spnDuplicate: Rule = {
  id: 'spn-duplicate',
  step: 'spn',
  explains: ['spn-missing', 'ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return factsOf(facts, 'directory-spn')
      .filter((f) => !f.error && f.owners.length > 1)
      .map((f) => ({
        id: 'spn-duplicate',
        severity: 'error' as const,
        step: 'spn' as const,
        title: `The SPN ${f.spn} is registered on ${f.owners.length} accounts: ${f.owners.map((o) => o.account).join(', ')}`,
        explanation: `The directory (${f.dc}) has ${f.spn} on ${f.owners.length} accounts, so the KDC cannot tell whose key to make the ticket with and answers as if nobody held it (KDC_ERR_S_PRINCIPAL_UNKNOWN). Keep it on the account the site runs as (its application pool identity, or the computer account for a site running as Network Service) and remove it from the others.`,
        evidence: f.owners.map((o) => `${f.where.label}: ${f.spn} on ${o.account} (${o.objectClass}, ${o.dn})`),
        fix: [
          ...f.owners.map((o) => win`setspn -D ${f.spn} ${o.account}`),
          '(run the line for every account except the one the site runs as)',
          'setspn -X   (every duplicate in the domain)',
          win`klist purge`,
        ],
        refs: refsOf([f]),
      }));
  },
};
