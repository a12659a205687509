import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';

/**
 * The server's 401 offers NTLM (or Basic) but not Negotiate: Kerberos is impossible whatever the client does
 * (IIS: Windows Authentication providers list without Negotiate; Apache: no mod_auth_gssapi / AuthType).
 */
export const ntlmOnly: Rule = {
  id: 'ntlm-only',
  step: 'web-server',
  evaluate(facts) {
    const challenges = factsOf(facts, 'auth-header').filter((f) => f.direction === 'response' && !f.hasToken);
    if (!challenges.length) return [];
    const schemes = [...new Set(challenges.map((c) => c.scheme.toLowerCase()))];
    if (schemes.includes('negotiate') || schemes.includes('kerberos')) return [];
    return [
      {
        id: 'ntlm-only',
        severity: 'error',
        step: 'web-server',
        title: `The server offers ${schemes.map((s) => s.toUpperCase()).join(', ')} but not Negotiate`,
        explanation:
          'The 401 response lists no Negotiate (or Kerberos) challenge, so the client cannot use Kerberos at all: browsers use NTLM (or prompt for Basic). The seed’s IIS example answers "WWW-Authenticate: Negotiate" and "WWW-Authenticate: NTLM".',
        evidence: challenges.map((c) => `${c.where.label}: WWW-Authenticate: ${c.scheme}`),
        fix: [
          ...(schemes.includes('ntlm')
            ? []
            : [
                'IIS: Authentication → enable Windows Authentication (and disable Basic, which sends the password itself): appcmd set config /section:windowsAuthentication /enabled:true',
              ]),
          "IIS: Authentication → Windows Authentication → Providers: put Negotiate first (or appcmd set config /section:windowsAuthentication /+providers.[value='Negotiate']).",
          'Apache: AuthType GSSAPI (mod_auth_gssapi) with GssapiCredStore keytab:/etc/httpd.keytab; nginx: spnego-http-auth.',
        ],
      },
    ];
  },
};
