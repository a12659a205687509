import { factsOf } from '../facts/fact.js';
import type { Finding, Rule } from './finding.js';
import { raw, sh } from './shell.js';

/**
 * The client cannot say which realm to use, or where that realm's KDC is (guidance: client configuration):
 * no default_realm (and no realm in the user name or ccache), or a realm with no `kdc =` in krb5.conf [realms]
 * while dns_lookup_kdc is off — MIT then fails with "Cannot find KDC for realm" before sending anything.
 */
export const realmUnknown: Rule = {
  id: 'realm-unknown',
  step: 'dc-discovery',
  explains: ['kdc-unreachable', 'dc-not-discoverable', 'no-credentials', 'ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    const out: Finding[] = [];
    for (const c of factsOf(facts, 'krb5-config')) {
      const files = c.files.length ? c.files.join(', ') : `none readable${c.missing.length ? ` (${c.missing.join(', ')} missing)` : ''}`;
      if (!c.realm) {
        out.push({
          id: 'realm-unknown',
          severity: 'error',
          step: 'dc-discovery',
          title: 'No Kerberos realm: krb5.conf has no default_realm and none was given',
          explanation: `The client does not know which realm to authenticate in: krb5.conf (${files}) has no [libdefaults] default_realm, the user name has no @REALM and the ccache names none${c.hostRealm ? '' : ', and [domain_realm] maps no entry for the target host'}. Without a realm no KDC can be located and no ticket requested.`,
          evidence: [`${c.where.label}: krb5.conf ${files}; default_realm ${c.defaultRealm ?? '(unset)'}`],
          fix: [
            'krb5.conf: [libdefaults] default_realm = EXAMPLE.COM (the AD domain in capitals)',
            sh`kerbscope check ${raw('<URL>')} --realm ${raw('<REALM>')}`,
          ],
        });
      } else if (c.kdcs.length === 0 && !c.dnsLookupKdc && !factsOf(facts, 'kdc-contact').length) {
        out.push({
          id: 'realm-unknown',
          severity: 'error',
          step: 'dc-discovery',
          title: `The realm ${c.realm} has no KDC in krb5.conf and dns_lookup_kdc is off`,
          explanation: `krb5.conf (${files}) lists no kdc = line under [realms] ${c.realm}, and dns_lookup_kdc = false forbids the DNS SRV lookup: the client has no way to find a KDC ("Cannot find KDC for realm").`,
          evidence: [`${c.where.label}: realm ${c.realm} (${c.realmSource}); [realms] kdc: none; dns_lookup_kdc = false`],
          fix: [
            `krb5.conf: [realms] ${c.realm} = { kdc = dc1.${c.realm.toLowerCase()} }`,
            'or [libdefaults] dns_lookup_kdc = true (AD publishes _kerberos SRV records)',
          ],
        });
      }
      if (c.realm && c.hostRealm && c.hostRealm !== c.realm)
        out.push({
          id: 'realm-mismatch',
          severity: 'info',
          step: 'dc-discovery',
          title: `The target is in realm ${c.hostRealm} per [domain_realm]; the client realm is ${c.realm}`,
          explanation:
            'The service ticket will be requested through a cross-realm referral; a missing trust or [capaths] entry shows up as KDC_ERR_S_PRINCIPAL_UNKNOWN or KDC_ERR_WRONG_REALM.',
          evidence: [`${c.where.label}: [domain_realm] maps the target to ${c.hostRealm}`],
          fix: ['Check the trust between the realms (netdom trust / krb5.conf [capaths]).'],
        });
    }
    return out;
  },
};
