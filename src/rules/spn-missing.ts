import { hostOf, type Rule, spnOf } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';

/** KDC_ERR_S_PRINCIPAL_UNKNOWN (7): the KDC has no account holding the SPN the client asked for. */
export const spnMissing: Rule = {
  id: 'spn-missing',
  step: 'spn',
  evaluate(facts) {
    return krbErrors(facts, 7).map((f) => {
      const spn = spnOf(f.sname);
      const host = hostOf(f.sname) ?? 'HOST';
      return {
        id: 'spn-missing',
        severity: 'error',
        step: 'spn',
        title: `No account holds the SPN ${spn}`,
        explanation:
          `The KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN: it found no account (or more than one — Samba and MIT report a duplicate SPN the same way) with the service principal name ${spn}. ` +
          'Without a ticket the browser cannot use Kerberos and falls back to NTLM or prompts. Usual causes: the SPN was never registered, it is registered for another name than the one in the URL (a CNAME, a short name, an IP address, a port), or it is on two accounts.',
        evidence: [errorEvidence(f)],
        fix: [
          `setspn -Q ${spn}            (who holds it? nothing → register it; two accounts → remove the wrong one with setspn -D)`,
          `setspn -S ${spn} CONTOSO\\<service-account>   (register it on the account the web site's application pool runs as)`,
          'setspn -X                    (list duplicate SPNs in the domain)',
          `klist purge && klist get ${spn}   (then retry: the ticket must now be issued)`,
          `Check that the URL the users type resolves to the host name in the SPN (Resolve-DnsName ${host}).`,
        ],
      };
    });
  },
};
