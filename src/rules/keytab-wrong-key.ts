import { enctypeName } from '../crypto/index.js';
import { factsOf } from '../facts/fact.js';
import { type Finding, type Rule, spnOf } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';

const FIX = (spn: string) => [
  `setspn -Q ${spn}        (make sure exactly one account holds the SPN, and it is the one the server's keytab was made for)`,
  'Re-create the keytab from the account’s current password: ktpass -princ ' +
    `${spn} -mapuser CONTOSO\\<account> -pass * -crypto AES256-SHA1 -ptype KRB5_NT_PRINCIPAL -out http.keytab` +
    ` (or: kerbscope keytab add http.keytab --principal ${spn} --kvno N --enctype aes256-cts-hmac-sha1-96 --password-stdin)`,
  'If the account’s password was reset, every keytab made before is stale: install the new one and restart the web server.',
  `klist purge && klist get ${spn}   (the client then fetches a ticket with the new key)`,
];

/**
 * KRB_AP_ERR_MODIFIED (41, Windows) / KRB_AP_ERR_BAD_INTEGRITY (31, MIT acceptors): the server's key does not
 * decrypt the ticket although its version matches — the keytab holds another password's key.
 */
export const keytabWrongKey: Rule = {
  id: 'keytab-wrong-key',
  step: 'web-server',
  evaluate(facts) {
    const out: Finding[] = krbErrors(facts, 31, 41).map((f) => ({
      id: 'keytab-wrong-key',
      severity: 'error',
      step: 'web-server',
      title: `The web server's key for ${spnOf(f.sname)} is not the one the KDC used`,
      explanation: `${f.name}: the server could not decrypt the ticket with its key. The SPN is registered on an account whose password does not match the server's keytab (a wrong password in ktpass, a password reset after the keytab was made, or the SPN on a different account than the one the server runs as).`,
      evidence: [errorEvidence(f)],
      fix: FIX(spnOf(f.sname)),
    }));
    for (const d of factsOf(facts, 'ticket-decrypt').filter((x) => x.status === 'wrong-key')) {
      out.push({
        id: 'keytab-wrong-key',
        severity: 'error',
        step: 'web-server',
        title: `The keytab's key for ${d.principal} does not decrypt the ticket`,
        explanation: `The key with the ticket's version (${d.kvno ?? 'no kvno'}) and enctype (${enctypeName(d.enctype)}) failed the integrity check: the KDC encrypted the ticket with another key. A server using this keytab answers KRB_AP_ERR_MODIFIED (Windows) or KRB_AP_ERR_BAD_INTEGRITY (MIT).`,
        evidence: [`${d.where.label}: ${d.detail}`],
        fix: FIX(d.principal.replace(/@.*/, '')),
      });
    }
    return out;
  },
};
