import { enctypeName } from '../crypto/index.js';
import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { keytabAddCommand } from './fix.js';

/** The keytab holds the principal but not the encryption type the KDC chose for the ticket. */
export const keytabMissingEnctype: Rule = {
  id: 'keytab-missing-enctype',
  step: 'web-server',
  evaluate(facts) {
    return factsOf(facts, 'ticket-decrypt')
      .filter((d) => d.status === 'enctype-missing')
      .map((d) => ({
        id: 'keytab-missing-enctype',
        severity: 'error' as const,
        step: 'web-server' as const,
        title: `The keytab has no ${enctypeName(d.enctype)} key for ${d.principal}`,
        explanation: `The ticket is encrypted with ${enctypeName(d.enctype)} (the KDC picks it from the account's msDS-SupportedEncryptionTypes and the keys it has), but the keytab only has ${d.keyEnctypes.map(enctypeName).join(', ')}. MIT acceptors answer KRB_AP_ERR_BADKEYVER (44), Windows KRB_AP_ERR_MODIFIED.`,
        evidence: [`${d.where.label}: ${d.detail}`],
        fix: [
          `Add a ${enctypeName(d.enctype)} key: ktpass ... -crypto ${d.enctype === 23 ? 'RC4-HMAC-NT' : d.enctype === 17 ? 'AES128-SHA1' : 'AES256-SHA1'}, or:`,
          keytabAddCommand(d.principal, d.kvno, d.enctype) ??
            'kerbscope keytab add with the principal, its realm, the kvno and this --enctype',
          'Or set the account’s msDS-SupportedEncryptionTypes to the enctypes the keytab has (AES: 24 = 0x18) so the KDC issues those.',
        ],
      }));
  },
};
