import type { Rule } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';

/**
 * KRB_AP_ERR_SKEW (37): the clocks of client and KDC, or client and server, differ by more than the allowed skew.
 * KRB_AP_ERR_TKT_NYV (33) from a service is the same fault seen from the other side: the server's clock is behind,
 * so a ticket the KDC just issued starts in its future (the lab's clock-skew-web-behind scenario).
 */
export const clockSkew: Rule = {
  id: 'clock-skew',
  step: 'clock',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return krbErrors(facts, 37, 33).map((f) => {
      const drift = f.ctime && f.stime ? Math.round((f.ctime.getTime() - f.stime.getTime()) / 1000) : undefined;
      const ev = [errorEvidence(f)];
      if (drift !== undefined)
        ev.push(
          `client time ${f.ctime?.toISOString()} vs ${f.from === 'service' ? 'server' : 'KDC'} time ${f.stime?.toISOString()}: ${drift} s apart`,
        );
      else if (f.stime) ev.push(`${f.from === 'service' ? 'server' : 'KDC'} time in the error: ${f.stime.toISOString()}`);
      const where = f.from === 'service' ? 'the client and the web server' : 'the client and the domain controller';
      return {
        id: 'clock-skew',
        severity: 'error',
        step: 'clock',
        title: `Clock skew between ${where}`,
        explanation:
          f.code === 33
            ? `KRB_AP_ERR_TKT_NYV: the ticket's start time is in the future for ${f.from === 'service' ? 'the web server' : 'the KDC'} — its clock is behind the KDC's (or the ticket was post-dated). Fix the time source, not the tolerance.`
            : `KRB_AP_ERR_SKEW: the timestamps in the request are more than 5 minutes (the default MaxClockSkew) away from the clock of ${f.from === 'service' ? 'the web server' : 'the KDC'}. Kerberos rejects them to stop replays. Fix the time source, not the tolerance.`,
        evidence: ev,
        fix: [
          'w32tm /query /status      (on the client, the server and the DC: which source, how far off?)',
          'w32tm /resync /force      (domain members sync from the domain hierarchy; the PDC emulator from a reliable source)',
          'Linux: chronyc tracking / timedatectl, and point chrony at the domain controllers',
          'Check the time zone and daylight-saving settings: Kerberos compares UTC.',
        ],
      };
    });
  },
};
