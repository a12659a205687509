import { factsOf } from '../facts/fact.js';
import type { Finding, Rule } from './finding.js';
import { dnsAnswersAtAll, dnsLine, lower, refsOf } from './net-helpers.js';
import { ps, raw, win } from './shell.js';

/**
 * Windows error 1355 ("The specified domain either does not exist or could not be contacted") named by its cause,
 * as `nltest /dsgetdc:DOMAIN /kdc` would: the DNS server answers but has no _kerberos/_ldap SRV records for the
 * realm (records missing, or the client asks the WRONG DNS server — one that does not hold the domain's zone), or
 * the DC found by DNS does not answer the CLDAP netlogon ping on UDP 389 while its LDAP TCP port is open.
 * A DNS server that does not answer at all is dns-unreachable; a blocked 389 is ldap-unreachable.
 */
export const dcNotDiscoverable: Rule = {
  id: 'dc-not-discoverable',
  step: 'dc-discovery',
  explains: ['kdc-unreachable', 'no-credentials', 'realm-unknown', 'ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    const out: Finding[] = [];
    const srv = factsOf(facts, 'dns-lookup').filter((f) => f.qtype === 'SRV' && /^_kerberos\._(udp|tcp)\./i.test(f.name));
    const found = srv.some((f) => f.outcome === 'answer');
    const missing = srv.filter((f) => f.outcome === 'nxdomain' || f.outcome === 'nodata');
    const cfg = factsOf(facts, 'krb5-config')[0];
    const kdcKnown = factsOf(facts, 'kdc-contact').length > 0;
    if (!found && missing.length && dnsAnswersAtAll(facts)) {
      const domain = lower(missing[0]?.name ?? '').replace(/^_kerberos\._(udp|tcp)\./, '');
      const needed = !kdcKnown && (!cfg || (cfg.kdcs.length === 0 && cfg.dnsLookupKdc));
      // the same server knows nothing of the domain at all (NXDOMAIN for every name in it): the wrong DNS server
      const inDomain = factsOf(facts, 'dns-lookup').filter((f) => lower(f.name).endsWith(`.${domain}`) && f.qtype !== 'SRV');
      const wrongServer = inDomain.length > 0 && inDomain.every((f) => f.outcome === 'nxdomain');
      const server = missing[0]?.server;
      out.push({
        id: 'dc-not-discoverable',
        severity: needed ? 'error' : 'warning',
        step: 'dc-discovery',
        title: wrongServer
          ? `The DNS server ${server ?? ''} does not know the domain ${domain}: wrong DNS server (error 1355)`
          : `No _kerberos SRV records for ${domain}: no KDC can be discovered (error 1355)`,
        explanation: wrongServer
          ? `The DNS server answers, but with NXDOMAIN for the domain's SRV records and for its host names alike: it does not hold (or forward to) the ${domain} zone. Domain members must use the domain's DNS servers (the DCs), not a public or ISP resolver.`
          : `The DNS server answers, but has no _kerberos._udp / _kerberos._tcp SRV records for ${domain}. The DC locator (nltest /dsgetdc) and MIT clients with dns_lookup_kdc find KDCs only through these records${needed ? '; no KDC is configured otherwise, so no ticket can be requested' : ' (this client has KDCs in krb5.conf, but Windows clients and dns_lookup_kdc clients will fail)'}. On AD the Netlogon service registers them; they were deleted, never registered (dynamic updates refused) or the zone is not the one clients use.`,
        evidence: missing.slice(0, 6).map(dnsLine),
        fix: [
          win`nltest /dsgetdc:${domain} /kdc /force`,
          ps`Resolve-DnsName -Type SRV ${`_kerberos._tcp.${domain}`}${server ? raw(` -Server ${server}`) : raw('')}`,
          wrongServer
            ? 'Point the client at the domain’s DNS servers (ipconfig /all, resolv.conf nameserver), or add a conditional forwarder for the domain.'
            : 'On a DC: net stop netlogon && net start netlogon (re-registers the SRV records from %SystemRoot%\\System32\\Config\\netlogon.dns), then ipconfig /registerdns; check the zone allows secure dynamic updates.',
          'MIT clients: or list the KDCs in krb5.conf [realms] (kdc = dc1.example.com).',
        ],
        refs: refsOf(missing),
      });
    }
    // the DC answered DNS and its TCP 389 is open, but the CLDAP ping (UDP 389) is not answered
    for (const c of factsOf(facts, 'cldap-ping').filter((x) => x.outcome === 'no-answer' || x.outcome === 'refused')) {
      const tcp = factsOf(facts, 'port-probe').find((p) => p.port === 389 && (p.address === c.server || p.host === c.server));
      if (tcp?.outcome !== 'open') continue; // 389 blocked altogether: ldap-unreachable says it
      out.push({
        id: 'dc-not-discoverable',
        severity: 'error',
        step: 'dc-discovery',
        title: `The DC ${c.server} does not answer the CLDAP ping (UDP 389) (error 1355)`,
        explanation:
          'The DC locator sends an LDAP search over UDP 389 (the netlogon ping) to each DC that DNS names and takes the first that answers. This DC accepts LDAP over TCP 389 but does not answer over UDP: UDP 389 is blocked on the way (firewalls often allow only TCP 389), so the locator finds no DC.',
        evidence: [
          `${c.where.label}: CLDAP netlogon ping to ${c.server}: ${c.outcome}${c.detail ? ` (${c.detail})` : ''}`,
          `${tcp.where.label}: TCP 389 open`,
        ],
        fix: [
          ps`Test-NetConnection ${c.server} -Port 389`,
          'Open UDP 389 from the clients to the DCs (the DC locator needs it, not only TCP 389).',
          win`nltest /dsgetdc:${c.domain ?? raw('<domain>')} /force`,
        ],
        refs: refsOf([c]),
      });
    }
    return out;
  },
};
