import type { Fact } from '../facts/fact.js';
import { type FactOf, factsOf } from '../facts/fact.js';

export type DelegationConfig = FactOf<'delegation-config'>;
export type DelegationHop = FactOf<'delegation-hop'>;

export function hopsOf(facts: readonly Fact[]): DelegationHop[] {
  return factsOf(facts, 'delegation-hop');
}

/** One evidence line for a hop: which step, between whom, and what the KDC said. */
export function hopLine(h: DelegationHop): string {
  return `${h.where.label}: ${h.step === 's4u2self' ? 'S4U2Self' : 'S4U2Proxy'} ${h.from} → ${h.to}: ${h.detail}`;
}

/** The account as PowerShell's AD cmdlets take it: the DN always works for users, computers and gMSAs. */
export function identityOf(a: { dn: string }): string {
  return a.dn;
}

export function configLine(c: DelegationConfig): string {
  const list = c.allowedTo.length ? c.allowedTo.join(', ') : '(empty)';
  return `${c.where.label}: ${c.frontEnd.account} (${c.frontEnd.objectClass}) userAccountControl ${c.frontEnd.uacFlags.filter((f) => /DELEGAT/.test(f)).join(' ') || 'has no delegation flag'}; msDS-AllowedToDelegateTo ${list}`;
}
