import { factsOf } from '../facts/fact.js';
import { hopLine, hopsOf } from './delegation-helpers.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { sh, win } from './shell.js';

/** What a KDC error on each S4U hop usually means (MS-SFU §3.2.5, MS-KILE §3.3.5.7). */
function meaning(step: 's4u2self' | 's4u2proxy', code: number | undefined, rbcd: boolean, crossRealm: boolean): string {
  if (step === 's4u2self') {
    if (code === 6) return 'the KDC does not know the user (KDC_ERR_C_PRINCIPAL_UNKNOWN): check the name and the realm';
    if (code === 7)
      return 'the KDC does not know the front end as a service (KDC_ERR_S_PRINCIPAL_UNKNOWN): S4U2Self needs an account with an SPN';
    if (code === 13 || code === 12) return 'the KDC does not allow this account to use S4U2Self';
    return 'the KDC refused protocol transition';
  }
  if (code === 7) return 'the back end SPN is not registered (KDC_ERR_S_PRINCIPAL_UNKNOWN): setspn -Q it';
  if (code === 13 && rbcd)
    return 'the back end lists the front end for resource-based delegation, but the KDC did not honour it: RBCD needs a Windows Server 2012 or later KDC (Samba 4.17 refuses it)';
  if (code === 13 && crossRealm)
    return 'the back end is in another domain: classic constrained delegation cannot cross a domain, resource-based delegation on the back end can';
  if (code === 13) return 'the KDC refused S4U2Proxy (KDC_ERR_BADOPTION): the evidence ticket or the delegation settings do not allow it';
  return 'the KDC refused S4U2Proxy';
}

/**
 * A hop of the live S4U proof failed and no configuration finding explains it: the KDC's answer, read per hop.
 * (Configuration rules mark themselves as its explanation, so this one is the root cause only when nothing else is.)
 */
export const delegationKdcRefused: Rule = {
  id: 'delegation-kdc-refused',
  step: 'delegation',
  // the KRB-ERROR itself (seen by trace in a capture) is this hop's error, read without its S4U context
  explains: ['krb-error'],
  evaluate(facts) {
    const configs = factsOf(facts, 'delegation-config');
    return hopsOf(facts)
      .filter((h) => !h.ok && !h.skipped)
      .map((h) => {
        const c = configs[0];
        const rbcd = c?.target?.rbcd?.frontEndAllowed === true;
        const realmOf = (s: string) => s.slice(s.lastIndexOf('@') + 1).toUpperCase();
        const crossRealm = c?.target ? !c.target.owners.length && realmOf(h.to) !== realmOf(h.from) : false;
        return {
          id: 'delegation-kdc-refused',
          severity: 'error' as const,
          step: 'delegation' as const,
          title: `${h.step === 's4u2self' ? 'S4U2Self' : 'S4U2Proxy'} ${h.from} → ${h.to} failed: ${h.errorName ?? 'refused'}${h.errorCode !== undefined ? ` (${h.errorCode})` : ''}`,
          explanation: `${meaning(h.step, h.errorCode, rbcd, crossRealm)}.${h.eText ? ` The KDC said: ${h.eText}.` : ''}`,
          evidence: [hopLine(h)],
          fix: [
            // what the directory says about this front end and back end (no configuration fact: a capture)
            ...(!c && h.step === 's4u2proxy'
              ? [sh`kerbscope delegation ${h.from.replace(/@[^@]*$/, '')} --to ${h.to.replace(/@[^@]*$/, '')}`]
              : []),
            h.step === 's4u2self' ? win`setspn -L ${h.to.replace(/@[^@]*$/, '')}` : win`setspn -Q ${h.to.replace(/@[^@]*$/, '')}`,
            'On the DC: Security event 4769 for this request (Failure Code, Transited Services) and the KDC system log',
          ],
          refs: refsOf([h]),
        };
      });
  },
};
