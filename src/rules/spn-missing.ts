import { type Finding, hostOf, type Rule, spnOf } from './finding.js';
import { errorEvidence, type KrbErrorFact, krbErrors } from './krb-error-helpers.js';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^\[?[0-9a-f:]+\]?$/i;

/**
 * KDC_ERR_S_PRINCIPAL_UNKNOWN (7): the KDC has no account holding the SPN the client asked for. Two shapes of the
 * requested name point at the cause directly: an IP address (the URL used one: no SPN can match, the seed's
 * "DNS resolves the right host" step) and a port in the SPN (HTTP/host:8080, which is rarely what is registered).
 */
export const spnMissing: Rule = {
  id: 'spn-missing',
  step: 'spn',
  evaluate(facts) {
    return krbErrors(facts, 7).map((f) => {
      const host = hostOf(f.sname) ?? 'HOST';
      const bare = host.replace(/:\d+$/, '');
      if (IPV4.test(bare) || (bare.includes(':') && IPV6.test(host))) return urlIsIp(f, host);
      if (/:\d+$/.test(host)) return spnPort(f, host);
      const spn = spnOf(f.sname);
      return {
        id: 'spn-missing',
        severity: 'error',
        step: 'spn',
        title: `No account holds the SPN ${spn}`,
        explanation:
          `The KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN: it found no account (or more than one — Samba and MIT report a duplicate SPN the same way) with the service principal name ${spn}. ` +
          'Without a ticket the browser cannot use Kerberos and falls back to NTLM or prompts. Usual causes: the SPN was never registered, it is registered for another name than the one in the URL (a CNAME, a short name, a port), or it is on two accounts.',
        evidence: [errorEvidence(f)],
        fix: [
          `setspn -Q ${spn}            (who holds it? nothing → register it; two accounts → remove the wrong one with setspn -D)`,
          `setspn -S ${spn} CONTOSO\\<service-account>   (register it on the account the web site's application pool runs as)`,
          'setspn -X                    (list duplicate SPNs in the domain)',
          `klist purge && klist get ${spn}   (then retry: the ticket must now be issued)`,
          `Check that the URL the users type resolves to the host name in the SPN (Resolve-DnsName ${host}); a CNAME is followed only by some clients.`,
        ],
      };
    });
  },
};

function urlIsIp(f: KrbErrorFact, host: string): Finding {
  return {
    id: 'url-is-ip',
    severity: 'error',
    step: 'dns',
    title: `The client asked for a ticket to an IP address (${spnOf(f.sname)})`,
    explanation:
      'The URL (or UNC path) names the server by IP address, so the client builds the SPN from the address, and no account holds such an SPN: Kerberos fails and the client falls back to NTLM (Windows does not use Kerberos for IP addresses unless TryIPSPN is set and an IP SPN is registered).',
    evidence: [errorEvidence(f)],
    fix: [
      `Use the server's DNS host name in the URL instead of ${host} (Resolve-DnsName -Name ${host} to find it).`,
      'Only if an IP address must be used: register HTTP/<address> on the service account and enable TryIPSPN on clients (Windows 10 1507+).',
    ],
  };
}

function spnPort(f: KrbErrorFact, host: string): Finding {
  const spn = spnOf(f.sname);
  const noPort = spn.replace(/:\d+$/, '');
  return {
    id: 'spn-port',
    severity: 'error',
    step: 'spn',
    title: `The client asked for ${spn}, an SPN with a port`,
    explanation: `The client included the port (${host}) in the SPN, and no account holds that name. Browsers leave the port out by default (Edge/Chrome: EnableAuthNegotiatePort off), so either a client setting adds it or the SPN was registered without it while a client uses it.`,
    evidence: [errorEvidence(f)],
    fix: [
      `setspn -S ${spn} CONTOSO\\<service-account>   (register the SPN with the port), or`,
      `turn off EnableAuthNegotiatePort on the client so it asks for ${noPort}`,
    ],
  };
}
