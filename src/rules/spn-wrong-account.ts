import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { win } from './shell.js';

const same = (a: string, b: string) => a.toLowerCase().replace(/\$$/, '') === b.toLowerCase().replace(/\$$/, '');

/**
 * The SPN is registered, but on another account than the one the site runs as: the KDC encrypts the ticket with the
 * holder's key, which the site (its application pool identity, its keytab) does not have, so the server answers
 * KRB_AP_ERR_MODIFIED / BAD_INTEGRITY (41/31) or BADKEYVER (44). Only the directory and the site's account tell
 * this apart from a keytab with a wrong key: check asks the directory when it knows the account (--site-account,
 * or the account a --keytab entry names) and the server rejected the ticket.
 */
export const spnWrongAccount: Rule = {
  id: 'spn-wrong-account',
  step: 'spn',
  explains: ['keytab-wrong-key', 'ticket-not-for-server', 'keytab-stale-kvno', 'ntlm-fallback'],
  evaluate(facts) {
    return factsOf(facts, 'directory-spn')
      .filter(
        (d) =>
          !d.error &&
          d.asked !== 'kdc-enctype' &&
          d.siteAccount &&
          d.owners.length > 0 &&
          !d.owners.some((o) => same(o.account, d.siteAccount as string)),
      )
      .map((d) => {
        const site = d.siteAccount as string;
        const holders = d.owners.map((o) => o.account);
        return {
          id: 'spn-wrong-account',
          severity: 'error' as const,
          step: 'spn' as const,
          title: `The SPN ${d.spn} is on ${holders.join(', ')}, but the site runs as ${site}`,
          explanation: `The KDC makes tickets for ${d.spn} with the key of the account that holds it (${holders.join(', ')}). The site runs as ${site}, whose key is different, so it cannot decrypt them and answers with an error instead of accepting the logon (KRB_AP_ERR_MODIFIED / BAD_INTEGRITY, or BADKEYVER). Move the SPN to ${site}, or run the site as ${holders[0]} (for IIS: the application pool identity, or useAppPoolCredentials with kernel-mode authentication).`,
          evidence: d.owners.map(
            (o) =>
              `${d.where.label}: the directory (${d.dc}) has ${d.spn} on ${o.account} (${o.objectClass}, ${o.dn}); the site's account is ${site}`,
          ),
          fix: [
            ...holders.map((h) => win`setspn -D ${d.spn} ${h}`),
            win`setspn -S ${d.spn} ${site}`,
            win`klist purge`,
            win`klist get ${d.spn}`,
          ],
          refs: refsOf([d]),
        };
      });
  },
};
