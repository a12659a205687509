import { getEnctype } from '../../crypto/index.js';
import { factsOf } from '../../facts/fact.js';
import type { Rule } from '../finding.js';
import { ps } from '../shell.js';
import { aggregated, evidenceLine, groupBy, names } from './helpers.js';

/**
 * RC4 (or DES) tickets a DC issued (4768/4769/4770 Ticket Encryption Type 0x17/0x18/0x1/0x3), per service: the
 * service account has no AES keys or no msDS-SupportedEncryptionTypes, so it breaks when RC4 is turned off, and its
 * tickets are the Kerberoasting target. Same id as the token/ccache rule (weak-enctype).
 */
export const weakTicketIssued: Rule = {
  id: 'weak-enctype',
  step: 'ticket',
  evaluate(facts) {
    const weak = factsOf(facts, 'kdc-audit').filter((f) => {
      if (f.code !== 0 || f.eventId === 4771 || f.ticketEnctype === undefined) return false;
      const et = getEnctype(f.ticketEnctype);
      return et ? et.weak || et.deprecated : false;
    });
    return [...groupBy(weak, (f) => `${(f.service ?? 'krbtgt').toLowerCase()}\u0000${f.ticketEnctype}`)].map(([, list]) => {
      const f0 = list[0]!;
      const et = getEnctype(f0.ticketEnctype!);
      const service = f0.service ?? 'krbtgt';
      const account = service.includes('/') ? '<service-account>' : service;
      return aggregated(
        {
          id: 'weak-enctype',
          severity: et?.weak ? 'warning' : 'info',
          step: 'ticket',
          title: `The DC issued ${et?.name ?? f0.ticketEnctype} tickets for ${service}`,
          explanation: `Tickets for ${service} are encrypted with ${et?.name ?? f0.ticketEnctype} (0x${f0.ticketEnctype!.toString(16)}), requested by ${names(list.map((f) => f.account))}. The account has no AES keys or no msDS-SupportedEncryptionTypes; RC4 service tickets are what Kerberoasting cracks offline, and the service stops working when RC4 is disabled.`,
          evidence: list.map((f) =>
            evidenceLine(
              f,
              `${f.eventId} ${f.account} → ${service}, ticket ${et?.name ?? f.ticketEnctype}${f.client ? ` from ${f.client}` : ''}`,
            ),
          ),
          fix: [
            ps`Set-ADUser ${account} -Replace @{"msDS-SupportedEncryptionTypes"=24}`,
            'then reset the account’s password once (so AES keys exist) and re-export any keytab with AES keys.',
          ],
        },
        list,
      );
    });
  },
};
