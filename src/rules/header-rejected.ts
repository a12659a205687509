import { type Fact, type FactOf, factsOf } from '../facts/fact.js';
import type { Finding, Rule } from './finding.js';

/**
 * Seen in a capture (or a live request): the server answers 400 Bad Request (431 Request Header Fields Too Large,
 * 413) to the request that carries the Negotiate/Kerberos Authorization header, while it had answered the same
 * client's anonymous request with a 401. The header is over the server's limit (HTTP.sys MaxFieldLength /
 * MaxRequestBytes, Apache LimitRequestFieldSize, nginx large_client_header_buffers), whatever that limit is set
 * to: the token is too large for this server. (token-too-large's other path needs the PAC or an 8 KiB header.)
 */
export function rejectedHeaders(facts: readonly Fact[]) {
  return factsOf(facts, 'http-response').filter(
    (f) => (f.status === 400 || f.status === 431 || f.status === 413) && /^(negotiate|kerberos)$/i.test(f.requestScheme ?? ''),
  );
}

/** What the directory says about the user's groups, as one sentence (check asks it when the header is rejected). */
export function directoryTokenLine(t: FactOf<'directory-token'>): string {
  const g = t.groups;
  return g
    ? `The directory (${t.dc}) has ${t.user} in ${g.total} groups (tokenGroups: ${g.global} global, ${g.universal + g.universalOtherDomain} universal, ${g.domainLocal} domain-local${g.unresolved ? `, ${g.unresolved} unresolved` : ''}${t.sidHistory ? `; ${t.sidHistory} SID history` : ''}): MaxTokenSize estimate 1200 + 40·${t.otherSids} + 8·${t.groupsInDomain} = ${t.estimate} bytes, an Authorization header of about ${t.headerBytes} bytes`
    : '';
}

export const headerRejected: Rule = {
  id: 'header-rejected',
  step: 'token-size',
  evaluate(facts) {
    const hits = rejectedHeaders(facts);
    if (!hits.length) return [];
    const dir = factsOf(facts, 'directory-token').find((t) => !t.error && t.groups);
    const f = hits[0] as (typeof hits)[number];
    const bytes = Math.max(...hits.map((h) => h.requestHeaderBytes ?? 0));
    const out: Finding = {
      id: 'token-too-large',
      severity: 'error',
      step: 'token-size',
      title: `The server rejects the ${f.requestScheme} header (HTTP ${f.status})${bytes ? `: ${bytes} bytes` : ''}`,
      explanation: `The request that carried the Kerberos token in its Authorization header${bytes ? ` (${bytes} bytes)` : ''} was answered ${f.status} instead of being authenticated: the header is longer than the server accepts. The ticket's PAC grows with group membership, so users in many groups hit this first; the server's header limit (MaxFieldLength / LimitRequestFieldSize) may also have been set low.${dir ? ` ${directoryTokenLine(dir)}.` : ''}`,
      evidence: hits
        .slice(0, 10)
        .map(
          (h) =>
            `${h.where.label}: HTTP ${h.status} to a request with Authorization: ${h.requestScheme}${h.requestHeaderBytes ? ` (${h.requestHeaderBytes} bytes)` : ''}${h.url ? ` for ${h.url}` : ''}`,
        )
        .concat(dir ? [`${dir.where.label}: ${directoryTokenLine(dir)}`] : []),
      fix: [
        'IIS/HTTP.sys: raise HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters MaxFieldLength and MaxRequestBytes (e.g. 65534 / 16777216), then restart HTTP',
        'Apache: LimitRequestFieldSize 65536 (and LimitRequestLine) in the vhost; nginx: large_client_header_buffers 4 64k',
        'Reduce the user’s group membership (nested groups, SID history) if the token is large; decrypt the ticket with --keytab to see the group counts',
      ],
      ...(hits.length > 1 ? { count: hits.length } : {}),
      refs: hits.slice(0, 20).map((h) => ({ frame: h.where.frame, label: h.where.label })),
    };
    return [out];
  },
};
