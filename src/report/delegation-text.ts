/** `kerbscope delegation` as text: the settings, the proof hop by hop, then the findings. Rendering only. */
import type { DelegationReport } from '../delegation/audit.js';
import { escapeText } from './escape.js';
import { renderFindings } from './findings-text.js';

const KIND: Record<DelegationReport['kind'], string> = {
  none: 'none (not trusted for delegation, no msDS-AllowedToDelegateTo)',
  unconstrained: 'unconstrained (UF_TRUSTED_FOR_DELEGATION: "Trust this user for delegation to any service")',
  constrained: 'constrained, Kerberos only (msDS-AllowedToDelegateTo, no protocol transition)',
  'constrained-any-protocol': 'constrained with protocol transition (msDS-AllowedToDelegateTo + UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION)',
  'resource-based': "resource-based (the back end's msDS-AllowedToActOnBehalfOfOtherIdentity lists the front end)",
};

export function renderDelegation(r: DelegationReport, head: string): string {
  const e = escapeText;
  const a = r.account;
  const lines = [
    e(head),
    '',
    `Front end  ${e(a.account)} (${e(a.objectClass)}, ${e(a.dn)})${a.sid ? ` ${e(a.sid)}` : ''}`,
    `  delegation: ${KIND[r.kind]}`,
    `  userAccountControl: ${a.uacFlags.map(e).join(' ') || '(none)'}`,
    `  msDS-AllowedToDelegateTo: ${r.allowedTo.length ? r.allowedTo.map(e).join(', ') : '(empty)'}`,
    `  SPNs: ${a.spns.length ? a.spns.map(e).join(', ') : '(none)'}`,
  ];
  if (r.target) {
    const t = r.target;
    lines.push(
      `Back end   ${e(t.spn)}: ${t.owners.length ? t.owners.map((o) => `${e(o.account)} (${e(o.objectClass)}, ${e(o.dn)})`).join('; ') : 'no account holds it'}${t.via ? ` (through ${e(t.via)})` : ''}`,
      `  in the front end's msDS-AllowedToDelegateTo: ${t.inAllowedTo ? 'yes' : 'no'}`,
      `  msDS-AllowedToActOnBehalfOfOtherIdentity: ${
        t.rbcd
          ? t.rbcd.error
            ? e(t.rbcd.error)
            : `${t.rbcd.allowed.map((x) => e(x.account ?? x.sid)).join(', ') || '(empty)'}${t.rbcd.frontEndAllowed ? ' (includes the front end)' : ''}`
          : '(not set)'
      }`,
    );
  }
  if (r.user)
    lines.push(
      `User       ${e(r.user.account)}: ${
        !r.user.found
          ? 'not found in the directory'
          : [
              r.user.notDelegated ? 'UF_NOT_DELEGATED (sensitive, cannot be delegated)' : '',
              r.user.protectedUsers ? 'member of Protected Users' : '',
            ]
              .filter(Boolean)
              .join(', ') || 'may be delegated'
      }`,
    );
  if (r.hops.length) {
    lines.push(
      '',
      r.hops[0]?.proof === 'kdc'
        ? 'Proof against the KDC (as kvno -U USER -P SPN):'
        : 'Chain as the directory allows it (no --keytab: not proven):',
    );
    for (const h of r.hops) {
      const step = h.step === 's4u2self' ? 'S4U2Self ' : h.step === 's4u2proxy' ? 'S4U2Proxy' : 'delegate ';
      const fwd = h.forwardable === undefined ? '' : h.forwardable ? ', forwardable' : ', NOT forwardable';
      lines.push(`  ${h.ok ? '✓' : '✗'} ${step} ${e(h.from)} → ${e(h.to)}${h.ok ? fwd : `: ${e(h.error ?? 'failed')}${fwd}`}`);
    }
  }
  return `${lines.join('\n')}\n\n${renderFindings(r.findings)}`;
}
