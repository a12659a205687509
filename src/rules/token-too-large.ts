import { factsOf } from '../facts/fact.js';
import type { Finding, Rule } from './finding.js';
import { directoryTokenLine, rejectedHeaders } from './header-rejected.js';

/**
 * MS KB 327825 / "Problems with Kerberos authentication when a user belongs to many groups": the PAC grows with
 * group membership; past MaxTokenSize (12000 legacy, 48000 default) Windows cannot build the token, and the
 * base64 Authorization header can exceed HTTP.sys's 16 KB MaxFieldLength (HTTP 400 "Request header too long")
 * or Apache's LimitRequestFieldSize (8190).
 */
export const tokenTooLarge: Rule = {
  id: 'token-too-large',
  step: 'token-size',
  evaluate(facts) {
    const out: Finding[] = [];
    for (const f of factsOf(facts, 'pac-size')) {
      const problems: string[] = [];
      if (f.estimate > 48000) problems.push(`estimated token ${f.estimate} bytes > MaxTokenSize default 48000`);
      else if (f.estimate > 12000)
        problems.push(`estimated token ${f.estimate} bytes > legacy MaxTokenSize 12000 (Windows 7 / 2008 R2 and older)`);
      if (f.headerBytes > 16384) problems.push(`Authorization header ≈ ${f.headerBytes} bytes > HTTP.sys MaxFieldLength 16384`);
      else if (f.headerBytes > 8190) problems.push(`Authorization header ≈ ${f.headerBytes} bytes > Apache LimitRequestFieldSize 8190`);
      if (!problems.length) continue;
      out.push({
        id: 'token-too-large',
        severity: f.estimate > 48000 || f.headerBytes > 16384 ? 'error' : 'warning',
        step: 'token-size',
        title: `${f.user ?? 'The user'}'s Kerberos token is too large`,
        explanation: `The user is in ${f.groupsInDomain} groups of the domain and has ${f.otherSids} other SIDs; MaxTokenSize estimate = 1200 + 40·${f.otherSids} + 8·${f.groupsInDomain} = ${f.estimate} bytes. ${problems.join('; ')}.`,
        evidence: [
          `${f.where.label}: ${f.groupsInDomain} domain groups, ${f.otherSids} extra/resource SIDs, token ${f.tokenBytes ?? '?'} bytes`,
        ],
        fix: [
          'Reduce group membership (nested groups, SID history), or raise the limits:',
          'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\Kerberos\\Parameters MaxTokenSize = 48000 (clients and servers)',
          'HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters MaxFieldLength / MaxRequestBytes (IIS/HTTP.sys), or LimitRequestFieldSize (Apache)',
        ],
      });
    }
    // the directory's estimate (kerbscope tokensize, or check when the header is large): when no server said 400
    // (header-rejected then names it, with these counts) and no decrypted PAC gives the real counts
    if (!rejectedHeaders(facts).length && !factsOf(facts, 'pac-size').length)
      for (const t of factsOf(facts, 'directory-token')) {
        if (t.error || t.estimate === undefined || t.headerBytes === undefined) continue;
        const header = t.tokenBytes !== undefined ? 25 + 4 * Math.ceil(t.tokenBytes / 3) : t.headerBytes;
        const problems: string[] = [];
        if (t.estimate > 48000) problems.push(`estimated token ${t.estimate} bytes > MaxTokenSize default 48000`);
        else if (t.estimate > 12000)
          problems.push(`estimated token ${t.estimate} bytes > legacy MaxTokenSize 12000 (Windows 7 / 2008 R2 and older)`);
        if (header > 16384) problems.push(`Authorization header ≈ ${header} bytes > HTTP.sys MaxFieldLength 16384`);
        else if (header > 8190) problems.push(`Authorization header ≈ ${header} bytes > Apache LimitRequestFieldSize 8190`);
        const sids = (t.groups?.total ?? 0) + (t.sidHistory ?? 0) + 1;
        if (sids > 1015) problems.push(`${sids} SIDs > 1015: Windows cannot build the logon token, so the logon itself fails (KB 328889)`);
        if (!problems.length) continue;
        out.push({
          id: 'token-too-large',
          severity: t.estimate > 48000 || header > 16384 || sids > 1015 ? 'error' : 'warning',
          step: 'token-size',
          title: `${t.user}'s Kerberos token is too large (${t.groups?.total ?? '?'} groups)`,
          explanation: `${directoryTokenLine(t)}${t.tokenBytes !== undefined ? `; the real token is ${t.tokenBytes} bytes` : ''}. ${problems.join('; ')}.`,
          evidence: [`${t.where.label}: ${directoryTokenLine(t)}`],
          fix: [
            'Reduce group membership (nested groups, SID history), or raise the limits:',
            'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\Kerberos\\Parameters MaxTokenSize = 48000 (clients and servers)',
            'HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters MaxFieldLength / MaxRequestBytes (IIS/HTTP.sys), LimitRequestFieldSize (Apache), large_client_header_buffers (nginx)',
          ],
        });
      }
    for (const f of factsOf(facts, 'ap-req')) {
      if (f.carrier !== 'http') continue;
      const header = 25 + 4 * Math.ceil(f.tokenBytes / 3);
      if (header <= 8190 || factsOf(facts, 'pac-size').length) continue;
      out.push({
        id: 'token-too-large',
        severity: header > 16384 ? 'error' : 'warning',
        step: 'token-size',
        title: `The Negotiate header is ${header} bytes`,
        explanation: `The AP-REQ is ${f.tokenBytes} bytes, so the base64 Authorization header is about ${header} bytes: more than Apache's default LimitRequestFieldSize (8190)${header > 16384 ? ' and HTTP.sys MaxFieldLength (16384)' : ''}. Servers answer 400 "Request header too long".`,
        evidence: [`${f.where.label}: AP-REQ of ${f.tokenBytes} bytes`],
        fix: [
          'Decrypt the ticket (--keytab) to see the group counts; reduce group membership or raise MaxFieldLength / LimitRequestFieldSize.',
        ],
      });
    }
    return out;
  },
};
