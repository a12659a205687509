import { getEnctype } from '../crypto/index.js';
import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';

/** The service ticket uses RC4 or DES: works today, breaks when RC4 is disabled (and is cheaper to crack offline). */
export const weakEnctype: Rule = {
  id: 'weak-enctype',
  step: 'ticket',
  evaluate(facts) {
    const tickets = [
      ...factsOf(facts, 'ap-req').map((f) => ({ where: f.where, sname: f.sname, enctype: f.enctype })),
      ...factsOf(facts, 'cached-ticket')
        .filter((f) => f.ticketEnctype !== undefined)
        .map((f) => ({ where: f.where, sname: f.sname, enctype: f.ticketEnctype as number })),
    ];
    return tickets
      .filter((f) => {
        const et = getEnctype(f.enctype);
        return et ? et.weak || et.deprecated : false;
      })
      .map((f) => {
        const et = getEnctype(f.enctype);
        return {
          id: 'weak-enctype',
          severity: (et?.weak ? 'warning' : 'info') as 'warning' | 'info',
          step: 'ticket' as const,
          title: `The ticket for ${f.sname.join('/')} is encrypted with ${et?.name ?? f.enctype}`,
          explanation:
            'RC4-HMAC and DES are deprecated (RFC 8429, RFC 6649). AD issues RC4 tickets to accounts without msDS-SupportedEncryptionTypes (typical for user service accounts); once RC4 is disabled in the domain these services stop working, and RC4 tickets are the Kerberoasting target.',
          evidence: [`${f.where.label}: ticket enctype ${et?.name ?? f.enctype} (${f.enctype})`],
          fix: [
            `Set-ADUser <service-account> -Replace @{"msDS-SupportedEncryptionTypes"=24}   (AES), then reset its password and re-export the keytab with AES keys`,
          ],
        };
      });
  },
};
