import { factsOf } from '../facts/fact.js';
import type { Finding, Rule } from './finding.js';

/**
 * NTLM where Kerberos was expected. A Negotiate header that carries NTLMSSP (directly, or as the SPNEGO mech token)
 * is the classic sign that the client could not get a Kerberos ticket for the site — SSO then "works" with NTLM
 * (or prompts, if NTLM is blocked), and delegation to a back end fails.
 */
export const ntlmFallback: Rule = {
  id: 'ntlm-fallback',
  step: 'ticket',
  evaluate(facts) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const f of factsOf(facts, 'ntlm-message')) {
      if (f.messageType === 2) continue; // the server's CHALLENGE follows the client's choice
      if (seen.has(f.where.label)) continue;
      seen.add(f.where.label);
      const user = f.user ? ` for ${f.domain ? `${f.domain}\\` : ''}${f.user}` : '';
      out.push({
        id: 'ntlm-fallback',
        severity: 'warning',
        step: 'ticket',
        title: f.viaNegotiate ? `The client used NTLM inside Negotiate${user}` : `The client authenticated with NTLM${user}`,
        explanation:
          (f.viaNegotiate
            ? 'The Negotiate (SPNEGO) token carries NTLMSSP, not a Kerberos AP-REQ: the client fell back to NTLM. '
            : 'The server offered (or the client chose) NTLM instead of Negotiate/Kerberos. ') +
          'This happens when the client cannot get a ticket for HTTP/<host>: the SPN is missing or duplicated, the URL uses an IP address or a name without an SPN (CNAME/alias), no domain controller is reachable (error 1355, blocked port 88), or the site is not in the Local intranet zone. NTLM breaks delegation to back ends and is blocked in hardened domains.',
        evidence: [
          `${f.where.label}: NTLMSSP ${['', 'NEGOTIATE', 'CHALLENGE', 'AUTHENTICATE'][f.messageType]} message${f.ntlmVersion ? ` (${f.ntlmVersion})` : ''}${f.workstation ? ` from workstation ${f.workstation}` : ''}`,
        ],
        fix: [
          'klist purge && klist get HTTP/<host from the URL>   (does the client get a ticket? the error names the cause)',
          'setspn -Q HTTP/<host>   (exactly one account must hold it)',
          'nltest /dsgetdc:<domain> /force /kdc   (is a DC reachable?)',
          'Use the server’s DNS host name in the URL (not an IP address) and put the site in the Local intranet zone (inetcpl.cpl).',
        ],
      });
      if (f.ntlmVersion === 'ntlmv1' || f.ntlmVersion === 'ntlmv1-ess') {
        out.push({
          id: 'ntlmv1',
          severity: 'warning',
          step: 'client-config',
          title: 'The client answered with NTLMv1',
          explanation:
            'The NT response is 24 bytes: NTLMv1, which is weak (crackable) and disabled in hardened domains (LmCompatibilityLevel 5 refuses it).',
          evidence: [`${f.where.label}: NTLM AUTHENTICATE with an ${f.ntlmVersion} response`],
          fix: [
            'Set "Network security: LAN Manager authentication level" to "Send NTLMv2 response only. Refuse LM & NTLM" (LmCompatibilityLevel = 5).',
          ],
        });
      }
    }
    for (const p of factsOf(facts, 'ntlm-probe')) {
      if (!p.accepted) continue;
      out.push({
        id: 'ntlm-fallback',
        severity: 'warning',
        step: 'ticket',
        title: `No Kerberos ticket for the site, and the server takes NTLM inside Negotiate: browsers fall back to NTLM`,
        explanation: `The client could not get a Kerberos ticket for ${p.url} (the cause is ranked above), and the web server answers an NTLM NEGOTIATE inside Negotiate with an NTLM CHALLENGE${p.targetName ? ` (target ${p.targetName})` : ''}. A browser in this state does not show an error: it completes the handshake with NTLM, so the site "works" — without Kerberos, without delegation to back ends, and it fails where NTLM is blocked.`,
        evidence: [`${p.where.label}: NTLM probe → ${p.detail}`],
        fix: [
          'Fix the Kerberos cause above, then confirm: klist purge && klist get HTTP/<host from the URL>',
          'To see the fallback on a client: a network trace shows NTLMSSP inside the Negotiate header (kerbscope trace), and the Security event 4624 on the server shows Authentication Package NTLM.',
        ],
      });
    }
    return out;
  },
};
