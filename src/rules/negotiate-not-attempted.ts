import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';

/**
 * The server offered Negotiate (a bare `WWW-Authenticate: Negotiate` in a 401) and the client never answered with a
 * token: it did not even try Kerberos (or NTLM). The guidance's client-side causes: the site is not in the Local
 * intranet zone (IE/Edge) or the allow-list (Chrome AuthServerAllowlist, Firefox network.negotiate-auth.trusted-uris),
 * Integrated Windows Authentication is off, or the client has no credentials (not domain-joined, no TGT: kinit).
 */
export const negotiateNotAttempted: Rule = {
  id: 'negotiate-not-attempted',
  step: 'client-config',
  evaluate(facts) {
    const offers = [
      ...factsOf(facts, 'auth-header')
        .filter((f) => f.direction !== 'request' && !f.hasToken && /^negotiate$/i.test(f.scheme))
        .map((f) => `${f.where.label}: WWW-Authenticate: ${f.scheme} (no token: the server's first challenge)`),
      ...factsOf(facts, 'http-response')
        .filter((f) => f.status === 401 && f.challenges.some((c) => /^negotiate$/i.test(c)) && !f.requestScheme)
        .map((f) => `${f.where.label}: HTTP 401 offering ${f.challenges.join(', ')}${f.url ? ` for ${f.url}` : ''}`),
    ];
    if (!offers.length) return [];
    const tried =
      factsOf(facts, 'auth-header').some((f) => f.direction === 'request' && f.hasToken) ||
      factsOf(facts, 'http-response').some((f) => f.requestScheme !== undefined) ||
      factsOf(facts, 'ap-req').length > 0 ||
      factsOf(facts, 'ntlm-message').length > 0 ||
      factsOf(facts, 'ntlm-probe').length > 0 ||
      factsOf(facts, 'kdc-request').some((f) => f.msgType === 12);
    if (tried) return [];
    return [
      {
        id: 'negotiate-not-attempted',
        severity: 'warning',
        step: 'client-config',
        title: 'The server asked for Negotiate, and the client never sent a token',
        explanation:
          'A 401 with "WWW-Authenticate: Negotiate" is the normal first answer; the client should answer it with "Authorization: Negotiate <token>". Here no token followed, so the client did not try Kerberos at all: the browser does not consider the site intranet (or allow-listed), Integrated Windows Authentication is off, or the client has no credentials (not domain-joined, no TGT).',
        evidence: offers,
        fix: [
          'Internet Options (inetcpl.cpl) → Security → Local intranet → Sites: add the site; Advanced → "Enable Integrated Windows Authentication" on.',
          'Chrome/Edge: policy AuthServerAllowlist (AuthNegotiateDelegateAllowlist for delegation); Firefox: network.negotiate-auth.trusted-uris.',
          'klist   (does the user hold a TGT? Linux/macOS: kinit user@REALM first)',
          'curl --negotiate -u : -v URL   (a client that always tries: does it get past the 401?)',
        ],
      },
    ];
  },
};
