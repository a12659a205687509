import { factsOf } from '../facts/fact.js';
import { type Finding, type Rule, spnOf } from './finding.js';
import { keytabAddCommand } from './fix.js';
import { apReqKvno, decryptVerdict, errorEvidence, krbErrors } from './krb-error-helpers.js';
import { sh, win } from './shell.js';

/**
 * KRB_AP_ERR_BADKEYVER (44): the server has no key with the ticket's version. Usually a stale keytab: the account's
 * password (and so its kvno) changed after the keytab was exported. MIT acceptors also answer 44 when the keytab
 * has the kvno but not the ticket's enctype (see keytab-missing-enctype).
 */
export const keytabStaleKvno: Rule = {
  id: 'keytab-stale-kvno',
  step: 'web-server',
  evaluate(facts) {
    const out: Finding[] = krbErrors(facts, 44)
      // the keys proved a missing enctype, a wrong key or another principal: that rule speaks, not a password change
      .filter((f) => !['enctype-missing', 'wrong-key', 'not-us'].includes(decryptVerdict(facts, f.sname) ?? ''))
      .map((f) => ({
        id: 'keytab-stale-kvno',
        severity: 'error',
        step: 'web-server',
        title: `The web server has no key of the right version for ${spnOf(f.sname)}`,
        explanation:
          'KRB_AP_ERR_BADKEYVER: the ticket was encrypted with a key version (kvno) the server’s keytab does not hold — the account password changed after the keytab was made — or (MIT servers) with an encryption type missing from the keytab.',
        evidence: [errorEvidence(f)],
        fix: [
          sh`kvno ${spnOf(f.sname, f.realm)}`,
          win`klist get ${spnOf(f.sname)}`,
          '(which kvno and enctype does the KDC issue?)',
          'klist -k -t -e /etc/httpd.keytab   (which kvnos and enctypes does the server hold?)',
          keytabAddCommand(spnOf(f.sname, f.realm), apReqKvno(facts, f.sname)) ??
            'Export a new keytab after the last password change (ktpass, or kerbscope keytab add with the new --kvno) and restart the server.',
        ],
      }));
    for (const d of factsOf(facts, 'ticket-decrypt').filter((x) => x.status === 'kvno-mismatch')) {
      out.push({
        id: 'keytab-stale-kvno',
        severity: 'error',
        step: 'web-server',
        title: `Stale keytab for ${d.principal}: kvno ${d.kvno} needed, ${d.keyKvnos.join(', ')} present`,
        explanation:
          'The KDC encrypted the ticket with a newer key version than the keytab holds: the account password was changed (kvno incremented) after the keytab was exported. A server using it answers KRB_AP_ERR_BADKEYVER.',
        evidence: [`${d.where.label}: ${d.detail}`],
        fix: [
          `Export the current key: ktpass ... -kvno ${d.kvno} (Windows) or kadmin ktadd -norandkey (MIT), or:`,
          keytabAddCommand(d.principal, d.kvno, d.enctype) ?? 'kerbscope keytab add with the principal, the realm and the kvno',
          'Install it on every server that shares the SPN, then restart the web server.',
        ],
      });
    }
    for (const d of factsOf(facts, 'ticket-decrypt')) {
      if (d.status !== 'decrypted' || d.kvno === undefined || d.keyKvno === undefined || d.keyKvno === d.kvno) continue;
      out.push({
        id: 'keytab-stale-kvno',
        severity: 'warning',
        step: 'web-server',
        title: `The key decrypts the ticket, but its kvno (${d.keyKvno}) is not the ticket's (${d.kvno})`,
        explanation:
          'The key is right (same password) but the keytab records another key version. MIT-based servers (Apache mod_auth_gssapi, nginx, Java) look the key up by kvno and reject the ticket with KRB_AP_ERR_BADKEYVER; Windows tries the current and previous passwords and accepts it.',
        evidence: [`${d.where.label}: ticket kvno ${d.kvno}, key kvno ${d.keyKvno} (${d.principal})`],
        fix: [
          `Re-create the keytab entry with kvno ${d.kvno} (ktpass -kvno ${d.kvno}), or:`,
          keytabAddCommand(d.principal, d.kvno, d.enctype) ?? `kerbscope keytab add ... --kvno ${d.kvno}`,
        ],
      });
    }
    return out;
  },
};
