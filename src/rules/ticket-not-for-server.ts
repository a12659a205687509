import { factsOf } from '../facts/fact.js';
import { type Finding, type Rule, spnOf } from './finding.js';
import { accountArg } from './fix.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';
import { win } from './shell.js';

/** KRB_AP_ERR_NOT_US (35): the ticket names another service than the ones this server has keys for. */
export const ticketNotForServer: Rule = {
  id: 'ticket-not-for-server',
  step: 'web-server',
  evaluate(facts) {
    const out: Finding[] = krbErrors(facts, 35).map((f) => ({
      id: 'ticket-not-for-server',
      severity: 'error',
      step: 'web-server',
      title: `The ticket is for ${spnOf(f.sname)}, which this server has no key for`,
      explanation:
        'KRB_AP_ERR_NOT_US: the client asked the KDC for a ticket to the name in the URL, but the web server’s keytab holds other principals. Typical when a site is reached through an alias (CNAME, load-balancer name) whose SPN is not in the keytab.',
      evidence: [errorEvidence(f)],
      fix: [
        win`setspn -S ${spnOf(f.sname)} ${accountArg(facts)}`,
        '(add the SPN to the account the server runs as, and to its keytab), or make users use the host name whose SPN the server has',
        'klist -k /etc/httpd.keytab   (which principals does the server accept?)',
      ],
    }));
    for (const d of factsOf(facts, 'ticket-decrypt').filter((x) => x.status === 'not-us')) {
      out.push({
        id: 'ticket-not-for-server',
        severity: 'warning',
        step: 'web-server',
        title: `No key for ${d.principal} in the keys given`,
        explanation:
          'The ticket is for a service principal the keytab does not contain. A server with this keytab answers KRB_AP_ERR_NOT_US ("the ticket isn\'t for us").',
        evidence: [`${d.where.label}: ${d.detail}`],
        fix: ['Use the keytab of the ticket’s principal, or add that SPN to the server’s account and keytab.'],
      });
    }
    return out;
  },
};
