import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { win } from './shell.js';

/**
 * The guidance's isolation step: "if HTTP fails, does SMB (cifs/server) work against the same server?". When a
 * Kerberos SMB session to the site's own server succeeds while the site fails, the user, the password, the clock,
 * the KDC and the network are fine: what is left is specific to HTTP/host (its SPN, the web server's keytab or
 * its configuration). Information that narrows the root cause the other findings name; never the root cause itself.
 */
export const smbWorksHttpFails: Rule = {
  id: 'smb-works-http-fails',
  step: 'smb',
  evaluate(facts) {
    const ok = factsOf(facts, 'smb-session').find((f) => f.outcome === 'ok' && f.alongHttp);
    if (!ok) return [];
    const httpFailed =
      factsOf(facts, 'krb-error').some((e) => !e.where.step?.startsWith('smb')) ||
      factsOf(facts, 'http-response').some((r) => r.status === 401 && !factsOf(facts, 'mutual-auth').some((m) => m.status === 'verified'));
    if (!httpFailed) return [];
    return [
      {
        id: 'smb-works-http-fails',
        severity: 'info',
        step: 'smb',
        title: `Kerberos works for SMB on ${ok.server} (${ok.spn}) but not for the web site: the problem is specific to HTTP`,
        explanation: `The same user, clock and KDC got a ticket for ${ok.spn} and opened \\\\${ok.server}\\${ok.share} with it (mutual authentication ${ok.mutualAuth ?? 'not checked'}). So the domain, the account and the network are fine; look at what only the site has: the HTTP/ SPN (setspn -Q), the account the site runs as and its keytab, the site's authentication settings.`,
        evidence: [`${ok.where.label}: ${ok.detail}`],
        fix: [win`setspn -Q ${`HTTP/${ok.server}`}`, win`klist get ${`HTTP/${ok.server}`}`],
        refs: refsOf([ok]),
      },
    ];
  },
};
