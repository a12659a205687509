/**
 * Findings: what is wrong, why we think so (the evidence), and what to do (commands an admin would type).
 * Steps are the stages of Microsoft's "Kerberos authentication troubleshooting guidance" walk-through, so every
 * report reads in that order.
 */
import type { Fact } from '../facts/fact.js';

export const STEPS = {
  input: 'The evidence itself',
  'dc-discovery': 'Domain controller discovery (nltest /dsgetdc, error 1355)',
  dns: 'Name resolution (DNS)',
  clock: 'Clock synchronisation (5-minute skew limit)',
  ports: 'Network ports (88, 389, 53, 464, 445)',
  account: 'The user account',
  spn: 'Service principal name (setspn -Q / -X)',
  ticket: 'Getting a service ticket (klist get HTTP/host)',
  'client-config': 'Client configuration (intranet zone, Integrated Windows Authentication)',
  'token-size': 'Token size (MaxTokenSize, HTTP header limits)',
  'web-server': 'The web server accepting the AP-REQ (401 Negotiate)',
  delegation: 'Delegation',
  smb: 'Isolation through SMB (cifs/)',
} as const;

export type Step = keyof typeof STEPS;
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable, short, searchable: `spn-missing`, `clock-skew`, `ntlm-fallback`. */
  id: string;
  severity: Severity;
  step: Step;
  title: string;
  /** The root cause in plain words. */
  explanation: string;
  /** The facts behind it, each with where it was seen. */
  evidence: string[];
  /** What to do, most likely first; commands are written as the admin would type them. */
  fix: string[];
  /** How many times the cause was seen (merged occurrences: event records, frames, tokens); absent = once. */
  count?: number;
  /** First and last time the cause was seen (ISO 8601), when the evidence has times (captures, event logs). */
  firstSeen?: string;
  lastSeen?: string;
  /** Structured references to the evidence (frames, records, steps), beside the human `evidence` lines. */
  refs?: { frame?: number; record?: number; step?: string; label?: string }[];
  /** Set when another finding explains this one (its id): this one is a consequence, ranked after it. */
  explainedBy?: string;
}

export interface Rule {
  id: string;
  step: Step;
  evaluate(facts: readonly Fact[]): Finding[];
  /** Finding ids this rule's findings explain (a dropped KDC port explains the missing TGT): those rank after it. */
  explains?: readonly string[];
}

export function spnOf(sname: readonly string[], realm?: string): string {
  return realm ? `${sname.join('/')}@${realm}` : sname.join('/');
}

/** The host part of an SPN such as HTTP/iisserver.contoso.com[:port]. */
export function hostOf(sname: readonly string[]): string | undefined {
  return sname.length >= 2 ? sname[1] : undefined;
}
