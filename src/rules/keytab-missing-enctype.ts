import { enctypeName } from '../crypto/index.js';
import { factsOf } from '../facts/fact.js';
import { enctypeLine, enctypeOwners } from './enctype-unsupported.js';
import { type Rule, spnOf } from './finding.js';
import { keytabAddCommand } from './fix.js';
import { decryptVerdict, errorEvidence, krbErrors } from './krb-error-helpers.js';
import { win } from './shell.js';

/**
 * The keytab holds the principal but not the encryption type the KDC chose for the ticket: proven by the keys
 * (a ticket-decrypt with enctype-missing), or said by the server itself with KRB_AP_ERR_NOKEY (45, "service key not
 * available": Heimdal/Samba and Windows acceptors; MIT answers 44, which keytab-stale-kvno reads).
 */
export const keytabMissingEnctype: Rule = {
  id: 'keytab-missing-enctype',
  step: 'web-server',
  evaluate(facts) {
    const nokey = krbErrors(facts, 45)
      .filter((f) => f.from !== 'kdc' && !['wrong-key', 'not-us', 'kvno-mismatch'].includes(decryptVerdict(facts, f.sname) ?? ''))
      .map((f) => ({
        id: 'keytab-missing-enctype',
        severity: 'error' as const,
        step: 'web-server' as const,
        title: `The web server has no key of the ticket's encryption type for ${spnOf(f.sname)}`,
        explanation:
          'KRB_AP_ERR_NOKEY: the server holds no key for the ticket’s encryption type (the KDC chose it from the account’s msDS-SupportedEncryptionTypes and the keys it has; the keytab was exported with other enctypes).',
        evidence: [errorEvidence(f), ...enctypeOwners(facts, spnOf(f.sname).replace(/@[^@]*$/, '')).map(enctypeLine)],
        fix: [
          win`klist get ${spnOf(f.sname)}`,
          '(which enctype does the KDC issue? then) klist -k -t -e /etc/httpd.keytab   (which does the server hold?)',
          'Re-export the keytab with that enctype (ktpass -crypto AES256-SHA1 / kerbscope keytab add --enctype), or set msDS-SupportedEncryptionTypes to the enctypes the keytab has.',
        ],
      }));
    return factsOf(facts, 'ticket-decrypt')
      .filter((d) => d.status === 'enctype-missing')
      .map((d) => ({
        id: 'keytab-missing-enctype',
        severity: 'error' as const,
        step: 'web-server' as const,
        title: `The keytab has no ${enctypeName(d.enctype)} key for ${d.principal}`,
        explanation: `The ticket is encrypted with ${enctypeName(d.enctype)} (the KDC picks it from the account's msDS-SupportedEncryptionTypes and the keys it has), but the keytab only has ${d.keyEnctypes.map(enctypeName).join(', ')}. MIT acceptors answer KRB_AP_ERR_BADKEYVER (44), Windows KRB_AP_ERR_MODIFIED.`,
        evidence: [`${d.where.label}: ${d.detail}`, ...enctypeOwners(facts, d.principal.replace(/@[^@]*$/, '')).map(enctypeLine)],
        fix: [
          `Add a ${enctypeName(d.enctype)} key: ktpass ... -crypto ${d.enctype === 23 ? 'RC4-HMAC-NT' : d.enctype === 17 ? 'AES128-SHA1' : 'AES256-SHA1'}, or:`,
          keytabAddCommand(d.principal, d.kvno, d.enctype) ??
            'kerbscope keytab add with the principal, its realm, the kvno and this --enctype',
          'Or set the account’s msDS-SupportedEncryptionTypes to the enctypes the keytab has (AES: 24 = 0x18) so the KDC issues those.',
        ],
      }))
      .concat(nokey);
  },
};
