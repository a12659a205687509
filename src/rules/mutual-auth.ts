import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';

/**
 * Mutual authentication (RFC 4120 §3.2.5; the browser's GSS_C_MUTUAL_FLAG): a 200 must come with an AP-REP that
 * opens with the ticket's session key and echoes the authenticator time. An AP-REP that does not verify means the
 * answer did not come from the holder of the service key (a proxy answering for it, a replay); no AP-REP at all
 * means the server did not prove itself (some servers omit it; strict clients then fail).
 */
export const mutualAuth: Rule = {
  id: 'mutual-auth-failed',
  step: 'web-server',
  evaluate(facts) {
    return factsOf(facts, 'mutual-auth')
      .filter((m) => m.status !== 'verified')
      .map((m) => ({
        id: 'mutual-auth-failed',
        severity: m.status === 'absent' ? ('warning' as const) : ('error' as const),
        step: 'web-server' as const,
        title:
          m.status === 'absent'
            ? `The server accepted the ticket for ${m.spn} without proving itself (no AP-REP)`
            : `The server's AP-REP for ${m.spn} does not verify`,
        explanation:
          m.status === 'absent'
            ? 'The request was accepted, but the final WWW-Authenticate carried no AP-REP: the client cannot tell the server is the holder of the SPN key. Clients that insist on mutual authentication (curl --negotiate with GSS_C_MUTUAL_FLAG, some SDKs) fail here. A reverse proxy that terminates Negotiate and drops the header does this.'
            : `${m.detail}. The answer did not come from the service the ticket was made for (a proxy or another server answering), or it is a replay.`,
        evidence: [`${m.where.label}: ${m.detail}`],
        fix: [
          'Make the server (or the proxy in front of it) return WWW-Authenticate: Negotiate <AP-REP> with the 200 (mod_auth_gssapi and IIS do by default).',
        ],
      }));
  },
};
