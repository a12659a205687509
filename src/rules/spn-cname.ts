import { factsOf } from '../facts/fact.js';
import type { Finding, Rule } from './finding.js';
import { krbErrors } from './krb-error-helpers.js';
import { lower, refsOf } from './net-helpers.js';
import { raw, win } from './shell.js';

/**
 * The URL's host is a CNAME and the SPN is registered for the other name than the one the client asks for
 * (guidance: "SPN for the DNS alias vs the host name"). Windows/Chrome follow the CNAME and ask for the canonical
 * name; MIT/curl/Firefox ask for the alias unless dns_canonicalize_hostname. Proven live when the KDC knows the
 * other name (spn-alternative), or from DNS alone: a CNAME chain whose alias or target is the SPN that the KDC
 * answered KDC_ERR_S_PRINCIPAL_UNKNOWN for.
 */
export const spnCname: Rule = {
  id: 'spn-cname',
  step: 'dns',
  explains: ['spn-missing', 'ntlm-fallback'],
  evaluate(facts) {
    const out: Finding[] = [];
    const alts = factsOf(facts, 'spn-alternative').filter((a) => (a.why === 'canonical-name' || a.why === 'alias-name') && a.exists);
    for (const a of alts) {
      const askedHost = a.asked.split('/')[1] ?? '';
      const otherHost = a.alternative.split('/')[1] ?? '';
      out.push({
        id: 'spn-cname',
        severity: 'error',
        step: 'dns',
        title: `The client asks for ${a.asked}, but the SPN exists for the ${a.why === 'canonical-name' ? 'canonical name' : 'alias'}: ${a.alternative}`,
        explanation:
          a.why === 'canonical-name'
            ? `The URL's host ${askedHost} is a CNAME for ${otherHost}. This client asks for the alias (MIT/curl/Firefox without dns_canonicalize_hostname), the KDC has no such SPN (KDC_ERR_S_PRINCIPAL_UNKNOWN), while ${a.alternative} exists. Windows SSPI and Chrome would follow the CNAME and succeed; this client falls back to NTLM or fails.`
            : `The URL's host is an alias (CNAME) of ${askedHost}; this client follows the CNAME and asks for ${a.asked} (Windows SSPI, Chrome, or MIT with dns_canonicalize_hostname = true), but the SPN is registered only for the alias ${a.alternative}, which the KDC knows.`,
        evidence: [
          ...krbErrors(facts, 7)
            .filter((e) => e.from !== 'service' && lower(e.sname.join('/')) === lower(a.asked))
            .slice(0, 1)
            .map((e) => `${e.where.label}: the KDC answered ${e.name} (7) for ${e.sname.join('/')}@${e.realm}`),
          `${a.where.label}: the KDC issues a ticket for ${a.alternative}${a.kvno !== undefined ? ` (kvno ${a.kvno})` : ''}`,
        ],
        fix: [
          win`setspn -Q ${a.alternative}`,
          `${win`setspn -S ${a.asked} ${raw('<DOMAIN>\\<service account>')}`}   (the account that holds ${a.alternative})`,
          a.why === 'canonical-name'
            ? 'or make the client canonicalise: krb5.conf dns_canonicalize_hostname = true (MIT/curl), or use the canonical name in the URL'
            : 'or stop the client from canonicalising (Chrome: DisableAuthNegotiateCnameLookup; MIT: dns_canonicalize_hostname = false), or use an A record instead of the CNAME',
        ],
        refs: refsOf([a]),
      });
    }
    if (out.length) return out;
    // from DNS alone (a capture, or a check without neighbouring probes): a CNAME whose ends meet the unknown SPN
    for (const e of krbErrors(facts, 7).filter((x) => x.from !== 'service')) {
      const h = lower(e.sname[1] ?? '');
      const d = factsOf(facts, 'dns-lookup').find((f) =>
        f.answers.some((x) => x.type === 'CNAME' && (lower(x.name) === h || lower(x.data) === h)),
      );
      if (!d) continue;
      const cn = d.answers.find((x) => x.type === 'CNAME');
      if (!cn) continue;
      const other = lower(cn.name) === h ? lower(cn.data) : lower(cn.name);
      out.push({
        id: 'spn-cname',
        severity: 'error',
        step: 'dns',
        title: `${e.sname.join('/')} is unknown, and ${h} is one end of the CNAME ${lower(cn.name)} → ${lower(cn.data)}`,
        explanation: `The client asked for an SPN built from ${h}, one name of a CNAME pair; the KDC does not know it. Clients differ in which name they use (Windows/Chrome: the canonical name; MIT/curl/Firefox: the name typed), so the SPN is likely registered for ${other}.`,
        evidence: [
          `${d.where.label}: CNAME ${cn.name} → ${cn.data}`,
          `${e.where.label}: the KDC answered ${e.name} (7) for ${e.sname.join('/')}@${e.realm}`,
        ],
        fix: [
          win`setspn -Q ${`${e.sname[0] ?? 'HTTP'}/${other}`}`,
          win`setspn -S ${e.sname.join('/')} ${raw('<DOMAIN>\\<service account>')}`,
        ],
        refs: refsOf([d, e]),
      });
    }
    return out;
  },
};
