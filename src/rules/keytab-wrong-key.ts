import { enctypeName } from '../crypto/index.js';
import { type Fact, factsOf } from '../facts/fact.js';
import { type Finding, type Rule, spnOf } from './finding.js';
import { accountArg, keytabAddCommand } from './fix.js';
import { apReqKvno, decryptVerdict, errorEvidence, krbErrors } from './krb-error-helpers.js';
import { win } from './shell.js';

const FIX = (facts: readonly Fact[], spn: string, principal: string, kvno: number | undefined, enctype: number | undefined) => [
  win`setspn -Q ${spn}`,
  "(exactly one account must hold the SPN, and it must be the one the server's keytab was made for)",
  'Re-create the keytab from the account’s current password:',
  win`ktpass -princ ${principal} -mapuser ${accountArg(facts, 'account')} -pass * -crypto AES256-SHA1 -ptype KRB5_NT_PRINCIPAL -out http.keytab`,
  keytabAddCommand(principal, kvno, enctype) ??
    'or kerbscope keytab add with the principal, the realm and the kvno the KDC issues (kvno SPN shows it)',
  'If the account’s password was reset, every keytab made before is stale: install the new one and restart the web server.',
  win`klist purge`,
  win`klist get ${spn}`,
];

/**
 * KRB_AP_ERR_MODIFIED (41, Windows) / KRB_AP_ERR_BAD_INTEGRITY (31, MIT acceptors): the server's key does not
 * decrypt the ticket although its version matches — the keytab holds another password's key.
 */
export const keytabWrongKey: Rule = {
  id: 'keytab-wrong-key',
  step: 'web-server',
  evaluate(facts) {
    const out: Finding[] = krbErrors(facts, 31, 41)
      .filter((f) => !['enctype-missing', 'kvno-mismatch', 'not-us'].includes(decryptVerdict(facts, f.sname) ?? ''))
      .map((f) => ({
        id: 'keytab-wrong-key',
        severity: 'error',
        step: 'web-server',
        title: `The web server's key for ${spnOf(f.sname)} is not the one the KDC used`,
        explanation: `${f.name}: the server could not decrypt the ticket with its key. The SPN is registered on an account whose password does not match the server's keytab (a wrong password in ktpass, a password reset after the keytab was made, or the SPN on a different account than the one the server runs as).`,
        evidence: [errorEvidence(f)],
        fix: FIX(facts, spnOf(f.sname), spnOf(f.sname, f.realm), apReqKvno(facts, f.sname), undefined),
      }));
    for (const d of factsOf(facts, 'ticket-decrypt').filter((x) => x.status === 'wrong-key')) {
      out.push({
        id: 'keytab-wrong-key',
        severity: 'error',
        step: 'web-server',
        title: `The keytab's key for ${d.principal} does not decrypt the ticket`,
        explanation: `The key with the ticket's version (${d.kvno ?? 'no kvno'}) and enctype (${enctypeName(d.enctype)}) failed the integrity check: the KDC encrypted the ticket with another key. A server using this keytab answers KRB_AP_ERR_MODIFIED (Windows) or KRB_AP_ERR_BAD_INTEGRITY (MIT).`,
        evidence: [`${d.where.label}: ${d.detail}`],
        fix: FIX(facts, d.principal.replace(/@.*/, ''), d.principal, d.kvno, d.enctype),
      });
    }
    return out;
  },
};
