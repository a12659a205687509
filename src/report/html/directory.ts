/**
 * `kerbscope delegation --html` and `kerbscope tokensize --html`: the directory's answers as a report.
 * Delegation: the chain drawn as a sequence diagram (Front end, DC/KDC, Back end: S4U2Self, S4U2Proxy, then the
 * ticket to the back end), the settings read from the directory, and the findings. Token size: the group counts,
 * the estimate against each limit, and the findings. Every value from the directory is hostile: all of it goes
 * through escapeHtml. Rendering only.
 */
import type { DelegationReport } from '../../delegation/audit.js';
import type { Finding } from '../../rules/finding.js';
import { h, kvTable, renderPage, section } from './document.js';
import { findingsHtml } from './findings.js';
import { type Arrow, type Lane, renderSequence } from './sequence.js';

/** The delegation chain as arrows: each hop a request to the KDC and its answer. */
export function delegationArrows(r: DelegationReport): Arrow[] {
  const out: Arrow[] = [];
  r.hops.forEach((hop, i) => {
    const n = String(i + 1);
    if (hop.step === 'delegation') {
      out.push({
        from: 'front',
        to: 'back',
        label: `delegate as the user to ${hop.to}`,
        number: n,
        status: hop.ok ? 'ok' : 'fail',
        title: hop.error ?? 'allowed by the directory',
      });
      return;
    }
    const what = hop.step === 's4u2self' ? `S4U2Self: ticket to ${hop.to} for ${hop.from}` : `S4U2Proxy: ticket to ${hop.to}`;
    const skipped = hop.skipped === true;
    out.push({
      from: 'front',
      to: 'kdc',
      label: `TGS-REQ ${what}`,
      number: n,
      status: skipped ? 'skip' : hop.ok ? 'ok' : 'fail',
      title: what,
    });
    if (!skipped)
      out.push({
        from: 'kdc',
        to: 'front',
        label: hop.ok
          ? `TGS-REP${hop.forwardable === undefined ? '' : hop.forwardable ? ' (forwardable)' : ' (NOT forwardable)'}`
          : `KRB-ERROR ${hop.error ?? ''}`,
        status: hop.ok ? (hop.forwardable === false ? 'warn' : 'ok') : 'fail',
        reply: true,
        title: hop.error ?? 'issued',
      });
    if (hop.step === 's4u2proxy' && hop.ok)
      out.push({
        from: 'front',
        to: 'back',
        label: `AP-REQ as ${hop.from.replace(/@.*$/, '')}'s user`,
        status: 'ok',
        title: `the back end sees the user's identity`,
      });
  });
  return out;
}

export function renderDelegationHtml(r: DelegationReport, o: { head: string; generator?: string }): string {
  const lanes: Lane[] = [
    { id: 'front', title: 'Front end', subtitle: r.frontEnd },
    { id: 'kdc', title: 'DC/KDC', subtitle: r.realm },
    { id: 'back', title: 'Back end', subtitle: r.target?.spn ?? '(no --to)' },
  ];
  const errors = r.findings.filter((f) => f.severity === 'error');
  const t = r.target;
  return renderPage({
    title: `Delegation: ${r.frontEnd}${t ? ` → ${t.spn}` : ''}`,
    subtitle: [o.head],
    verdict: errors.length
      ? { text: `${errors[0]?.title ?? 'delegation fails'}`, bad: true }
      : { text: r.hops.length ? 'The chain works' : 'No error found in the settings', bad: false },
    sections: [
      r.hops.length
        ? section('flow', 'The chain', renderSequence({ title: `Delegation chain of ${r.frontEnd}`, lanes, arrows: delegationArrows(r) }))
        : '',
      section('findings', 'Findings', findingsHtml(r.findings)),
      section(
        'front-end',
        'Front end',
        kvTable([
          ['account', `${r.account.account} (${r.account.objectClass})`],
          ['dn', r.account.dn],
          ['objectSid', r.account.sid],
          ['delegation', r.kind],
          ['userAccountControl', r.account.uacFlags],
          ['msDS-AllowedToDelegateTo', r.allowedTo.length ? r.allowedTo : '(empty)'],
          ['servicePrincipalName', r.account.spns],
        ]),
      ),
      t
        ? section(
            'back-end',
            'Back end',
            kvTable([
              ['SPN', t.spn],
              ['held by', t.owners.length ? t.owners.map((x) => `${x.account} (${x.objectClass}, ${x.dn})`) : 'no account'],
              ['through', t.via],
              ["in the front end's msDS-AllowedToDelegateTo", t.inAllowedTo ? 'yes' : 'no'],
              [
                'msDS-AllowedToActOnBehalfOfOtherIdentity',
                t.rbcd ? (t.rbcd.error ?? (t.rbcd.allowed.map((a) => a.account ?? a.sid).join(', ') || '(empty)')) : '(not set)',
              ],
            ]),
          )
        : '',
      r.user
        ? section(
            'user',
            'User',
            kvTable([
              ['account', r.user.account],
              ['found', r.user.found ? 'yes' : 'no'],
              ['UF_NOT_DELEGATED', r.user.notDelegated ? 'yes (sensitive)' : 'no'],
              ['Protected Users', r.user.protectedUsers ? 'member' : 'no'],
            ]),
          )
        : '',
    ],
    generator: o.generator,
  });
}

export interface TokenSizeHtmlInput {
  user: string;
  dn: string;
  groups: Record<string, number>;
  sidHistory: number;
  estimate: { s: number; d: number; tokenBytes: number; headerBytes: number };
  real?: { spn: string; ticketBytes?: number; tokenBytes?: number; headerBytes?: number; error?: string };
  limits: { name: string; limit: number; of: string; value: number; exceeded: boolean }[];
  findings: Finding[];
}

export function renderTokenSizeHtml(r: TokenSizeHtmlInput, o: { head: string; generator?: string }): string {
  const over = r.limits.filter((l) => l.exceeded);
  const rows = r.limits
    .map(
      (l) =>
        `<tr class="${l.exceeded ? 'bad' : 'good'}"><td>${h(l.name)}</td><td class="mono">${h(l.limit)}</td><td class="mono">${h(`${l.of} ${l.value}`)}</td><td>${l.exceeded ? '✘ over' : '✔ within'}</td></tr>`,
    )
    .join('');
  return renderPage({
    title: `Token size: ${r.user}`,
    subtitle: [o.head],
    verdict: over.length ? { text: `Over ${over.map((l) => l.name).join(', ')}`, bad: true } : { text: 'Within every limit', bad: false },
    sections: [
      section('findings', 'Findings', findingsHtml(r.findings)),
      section(
        'estimate',
        'Estimate (KB 327825: 1200 + 40·d + 8·s)',
        kvTable([
          ['user', `${r.user} (${r.dn})`],
          ['tokenGroups', Object.entries(r.groups).map(([k, v]) => `${k} ${v}`)],
          ['sIDHistory', r.sidHistory],
          ['s, d', `${r.estimate.s}, ${r.estimate.d}`],
          ['token estimate', `${r.estimate.tokenBytes} bytes`],
          ['Authorization header estimate', `${r.estimate.headerBytes} bytes`],
          [
            'real ticket',
            r.real
              ? (r.real.error ??
                `${r.real.spn}: ticket ${r.real.ticketBytes}, token ${r.real.tokenBytes}, header ${r.real.headerBytes} bytes`)
              : undefined,
          ],
        ]),
      ),
      section(
        'limits',
        'Limits',
        `<table><thead><tr><th>limit</th><th>limit</th><th>value</th><th></th></tr></thead><tbody>${rows}</tbody></table>`,
      ),
    ],
    generator: o.generator,
  });
}
