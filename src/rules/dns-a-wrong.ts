import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { krbErrors } from './krb-error-helpers.js';
import { lower, refsOf } from './net-helpers.js';
import { ps } from './shell.js';

/**
 * The site's A record points at another server (guidance: "DNS resolves the right host"): the ticket is made for
 * HTTP/<name>, but the name's address belongs to another machine, which answers KRB_AP_ERR_NOT_US (35) or
 * KRB_AP_ERR_MODIFIED. Proven when the address's PTR names another host than the URL's (and than its CNAME
 * target), or when the name has several A records and they disagree with the PTRs. Without a PTR record a
 * client cannot tell this from a server whose keytab lacks the SPN (ticket-not-for-server).
 */
export const dnsAWrong: Rule = {
  id: 'dns-a-wrong',
  step: 'dns',
  explains: ['ticket-not-for-server', 'keytab-wrong-key', 'spn-wrong-account'],
  evaluate(facts) {
    const errs = krbErrors(facts, 35, 41, 31).filter((e) => e.from === 'service');
    if (!errs.length) return [];
    const choice = factsOf(facts, 'spn-choice')[0];
    const host = lower(choice?.host ?? errs[0]?.sname[1] ?? '');
    const spnHost = lower(errs[0]?.sname[1] ?? host);
    const a = factsOf(facts, 'dns-lookup').find((f) => f.qtype === 'A' && lower(f.name) === host && f.outcome === 'answer');
    if (!a) return [];
    const names = new Set([host, spnHost, ...a.answers.filter((x) => x.type === 'CNAME').map((x) => lower(x.data))]);
    const addrs = a.answers.filter((x) => x.type === 'A').map((x) => x.data);
    const ptrs = factsOf(facts, 'dns-lookup').filter((f) => f.qtype === 'PTR' && f.outcome === 'answer');
    const foreign = ptrs.flatMap((p) =>
      p.answers.filter((x) => x.type === 'PTR' && !names.has(lower(x.data))).map((x) => ({ p, name: lower(x.data) })),
    );
    if (!foreign.length || ptrs.some((p) => p.answers.some((x) => x.type === 'PTR' && names.has(lower(x.data))))) return [];
    const other = foreign[0]?.name ?? '';
    return [
      {
        id: 'dns-a-wrong',
        severity: 'error',
        step: 'dns',
        title: `${host} resolves to ${addrs.join(', ')}, which is ${other}, not the server holding HTTP/${spnHost}`,
        explanation: `The client got a ticket for HTTP/${spnHost} and sent it to ${addrs.join(', ')} — but that address belongs to ${other} (its PTR record), another server without the key for that SPN, which rejected it (${errs[0]?.name}). The A record of ${host} is stale or wrong (a moved site, a copied record, a load-balancer VIP).`,
        evidence: [
          `${a.where.label}: A ${host} → ${addrs.join(', ')}`,
          ...foreign.slice(0, 3).map((f) => `${f.p.where.label}: PTR ${f.p.name} → ${f.name}`),
          ...errs.slice(0, 2).map((e) => `${e.where.label}: the server answered ${e.name} (${e.code}) for ${e.sname.join('/')}`),
        ],
        fix: [
          ps`Resolve-DnsName ${host}`,
          `Correct the A record of ${host} to the address of the server that holds HTTP/${spnHost} (or register the SPN on the account of the server at ${addrs[0] ?? 'that address'} if it really serves ${host}).`,
          'ipconfig /flushdns (and klist purge) on the client after the fix; check the HOSTS file too.',
        ],
        refs: refsOf([a, ...errs]),
      },
    ];
  },
};
