/** Small readers over the shared network facts (facts/network.ts) used by the NETWORK/LIVE rules. */
import { type Fact, type FactOf, factsOf } from '../facts/fact.js';

export type DnsFact = FactOf<'dns-lookup'>;

export const lower = (s: string) => s.toLowerCase().replace(/\.$/, '');

/** DNS questions about names whose every attempt went unanswered (timeout / unreachable), and the servers asked. */
export function unansweredDns(facts: readonly Fact[]): { names: string[]; servers: string[]; facts: DnsFact[] } {
  const dns = factsOf(facts, 'dns-lookup').filter((f) => f.source !== 'hosts');
  const answered = new Set(
    dns.filter((f) => f.outcome !== 'timeout' && f.outcome !== 'unreachable').map((f) => `${lower(f.name)}|${f.qtype}`),
  );
  const bad = dns.filter((f) => (f.outcome === 'timeout' || f.outcome === 'unreachable') && !answered.has(`${lower(f.name)}|${f.qtype}`));
  return { names: [...new Set(bad.map((f) => f.name))], servers: [...new Set(bad.map((f) => f.server ?? '?'))], facts: bad };
}

/** True when some DNS server answered some question (the DNS path works). */
export function dnsAnswersAtAll(facts: readonly Fact[]): boolean {
  return factsOf(facts, 'dns-lookup').some(
    (f) => f.source !== 'hosts' && f.outcome !== 'timeout' && f.outcome !== 'unreachable' && f.outcome !== 'error',
  );
}

export function dnsLine(f: DnsFact): string {
  const ans = f.answers.length ? ` → ${f.answers.map((a) => `${a.type} ${a.data}`).join(', ')}` : '';
  return `${f.where.label}: ${f.qtype} ${f.name}${f.server ? ` @${f.server}` : ''}: ${f.outcome}${ans}${f.detail ? ` (${f.detail})` : ''}`;
}

export function refsOf(fs: readonly { where: { frame?: number; record?: number; step?: string; label: string } }[]) {
  return fs.slice(0, 20).map((f) => ({ frame: f.where.frame, step: f.where.step, label: f.where.label }));
}
