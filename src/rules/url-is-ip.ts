import { type Rule, spnOf } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';
import { ps } from './shell.js';
import { requestedHost } from './spn-helpers.js';

/** KDC_ERR_S_PRINCIPAL_UNKNOWN (7) for HTTP/<IP address>: the URL names the server by address. */
export const urlIsIp: Rule = {
  id: 'url-is-ip',
  step: 'dns',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return krbErrors(facts, 7)
      .filter((f) => requestedHost(f).shape === 'ip')
      .map((f) => {
        const { bare } = requestedHost(f);
        return {
          id: 'url-is-ip',
          severity: 'error',
          step: 'dns',
          title: `The client asked for a ticket to an IP address (${spnOf(f.sname)})`,
          explanation:
            'The URL (or UNC path) names the server by IP address, so the client builds the SPN from the address, and no account holds such an SPN: Kerberos fails and the client falls back to NTLM (Windows does not use Kerberos for IP addresses unless TryIPSPN is set and an IP SPN is registered).',
          evidence: [errorEvidence(f)],
          fix: [
            `Use the server's DNS host name in the URL instead of the address; find it with:`,
            ps`Resolve-DnsName -Name ${bare}`,
            'Only if an IP address must be used: register HTTP/<address> on the service account and enable TryIPSPN on clients (Windows 10 1507+).',
          ],
        };
      });
  },
};
