import { factsOf } from '../facts/fact.js';
import { type Rule, spnOf } from './finding.js';
import { accountArg } from './fix.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';
import { ps, win } from './shell.js';
import { requestedHost } from './spn-helpers.js';

/**
 * KDC_ERR_S_PRINCIPAL_UNKNOWN (7) for a plain host name: the KDC has no account holding the SPN the client asked
 * for (or, on Samba/MIT and Windows 2012 R2+, more than one: a duplicate is reported the same way). The shapes
 * that name their own cause (an IP address, a port) are url-is-ip and spn-port.
 */
export const spnMissing: Rule = {
  id: 'spn-missing',
  step: 'spn',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return krbErrors(facts, 7)
      .filter((f) => requestedHost(f).shape === 'name')
      .map((f) => {
        const spn = spnOf(f.sname);
        const { bare } = requestedHost(f);
        // the account the site runs as, when check was told (--site-account) or read it from the keytab
        const site = factsOf(facts, 'directory-spn').find((d) => d.siteAccount && d.spn.toLowerCase() === spn.toLowerCase())?.siteAccount;
        return {
          id: 'spn-missing',
          severity: 'error',
          step: 'spn',
          title: `No account holds the SPN ${spn}`,
          explanation:
            `The KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN: it found no account (or more than one — Samba and MIT report a duplicate SPN the same way) with the service principal name ${spn}. ` +
            'Without a ticket the browser cannot use Kerberos and falls back to NTLM or prompts. Usual causes: the SPN was never registered, it is registered for another name than the one in the URL (a CNAME, a short name, a port), or it is on two accounts.',
          evidence: [
            errorEvidence(f),
            // what the directory says (check asks it when it can bind): nobody holds it
            ...factsOf(facts, 'directory-spn')
              .filter((d) => !d.error && d.owners.length === 0 && d.spn.toLowerCase() === spn.toLowerCase())
              .map((d) => `${d.where.label}: the directory (${d.dc}) has no account with ${d.spn} (setspn -Q)`),
          ],
          fix: [
            win`setspn -Q ${spn}`,
            '(who holds it? nothing → register it; two accounts → remove the wrong one with setspn -D)',
            site ? win`setspn -S ${spn} ${site}` : win`setspn -S ${spn} ${accountArg(facts)}`,
            "(register it on the account the web site's application pool runs as)",
            'setspn -X   (list duplicate SPNs in the domain)',
            win`klist purge`,
            win`klist get ${spn}`,
            bare ? ps`Resolve-DnsName -Name ${bare}` : '',
            'The URL users type must resolve to the host name in the SPN; a CNAME is followed only by some clients.',
          ].filter(Boolean),
        };
      });
  },
};
