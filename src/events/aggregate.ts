/**
 * Aggregation, so memory stays flat however long the log: facts that say the same thing (same kind and fields, only
 * `where` differs) collapse into one representative carrying `seen` (count, first/last time, first record ids).
 * After the rulebook ran, each finding gets count / firstSeen / lastSeen / refs from the representatives its
 * evidence names, findings with the same id and title merge, and evidence lines are capped ("… and N more").
 */
import type { Occurrences } from '../facts/events.js';
import type { Fact } from '../facts/fact.js';
import type { Finding } from '../rules/finding.js';

export const MAX_REFS = 10;

function keyOf(f: Fact): string {
  return JSON.stringify(f, (k, v) => (k === 'where' || k === 'seen' ? undefined : v));
}

export class FactAggregator {
  private readonly byKey = new Map<string, { fact: Fact; seen: Occurrences }>();
  /** Representative label → its occurrences (to credit findings whose evidence names it). */
  readonly byLabel = new Map<string, Occurrences>();

  add(f: Fact): void {
    const k = keyOf(f);
    let e = this.byKey.get(k);
    if (!e) {
      const seen: Occurrences = { count: 0, records: [], labels: [] };
      e = { fact: 'seen' in f || isEventKind(f) ? ({ ...f, seen } as Fact) : f, seen };
      this.byKey.set(k, e);
      this.byLabel.set(f.where.label, seen);
    }
    const s = e.seen;
    s.count++;
    const t = f.where.time;
    if (t) {
      if (!s.first || t < s.first) s.first = t;
      if (!s.last || t > s.last) s.last = t;
    }
    if (s.records.length < MAX_REFS && f.where.record !== undefined) s.records.push(f.where.record);
    if (s.labels.length < MAX_REFS) s.labels.push(f.where.label);
  }

  facts(): Fact[] {
    return [...this.byKey.values()].map((e) => e.fact);
  }

  get size(): number {
    return this.byKey.size;
  }
}

function isEventKind(f: Fact): boolean {
  return f.kind === 'kdc-audit' || f.kind === 'logon-failure' || f.kind === 'account-lockout' || f.kind === 'system-condition';
}

/** Sums occurrences into one. */
export function mergeOccurrences(list: readonly Occurrences[]): Occurrences {
  const out: Occurrences = { count: 0, records: [], labels: [] };
  for (const o of list) {
    out.count += o.count;
    if (o.first && (!out.first || o.first < out.first)) out.first = o.first;
    if (o.last && (!out.last || o.last > out.last)) out.last = o.last;
    for (const r of o.records) if (out.records.length < MAX_REFS && !out.records.includes(r)) out.records.push(r);
    for (const l of o.labels) if (out.labels.length < MAX_REFS && !out.labels.includes(l)) out.labels.push(l);
  }
  return out;
}

/** count / firstSeen / lastSeen / refs on a finding, from occurrences. */
export function withOccurrences(f: Finding, o: Occurrences): Finding {
  return {
    ...f,
    count: o.count,
    ...(o.first ? { firstSeen: o.first.toISOString() } : {}),
    ...(o.last ? { lastSeen: o.last.toISOString() } : {}),
    refs: o.labels.map((label, i) => ({ label, ...(o.records[i] !== undefined ? { record: o.records[i] } : {}) })),
  };
}

/**
 * Findings from the rulebook → the events report's findings: occurrences credited from the evidence labels (for rules
 * that know nothing of `seen`), same id + title merged, evidence capped. Order is kept (evaluate ranked them).
 */
export function aggregateFindings(findings: readonly Finding[], byLabel: ReadonlyMap<string, Occurrences>): Finding[] {
  const merged = new Map<string, { f: Finding; occ: Occurrences[]; evidence: string[] }>();
  for (const f of findings) {
    const occ: Occurrences[] = [];
    if (!f.refs?.length) {
      // a rule that knows nothing of `seen` (the core rules): credit the representatives its evidence lines name
      for (const line of f.evidence) {
        const i = line.indexOf(': ');
        const o = i > 0 ? byLabel.get(line.slice(0, i)) : undefined;
        if (o) occ.push(o);
      }
    } else {
      occ.push({
        count: f.count ?? 1,
        ...(f.firstSeen ? { first: new Date(f.firstSeen) } : {}),
        ...(f.lastSeen ? { last: new Date(f.lastSeen) } : {}),
        records: (f.refs ?? []).flatMap((r) => (r.record !== undefined ? [r.record] : [])),
        labels: (f.refs ?? []).flatMap((r) => (r.label !== undefined ? [r.label] : [])),
      });
    }
    const key = `${f.id}\u0000${f.title}`;
    const m = merged.get(key);
    if (m) {
      m.occ.push(...occ);
      for (const e of f.evidence) if (!m.evidence.includes(e)) m.evidence.push(e);
    } else merged.set(key, { f, occ, evidence: [...f.evidence] });
  }
  return [...merged.values()].map(({ f, occ, evidence }) => {
    const capped = evidence.length > MAX_REFS ? [...evidence.slice(0, MAX_REFS), `… and ${evidence.length - MAX_REFS} more`] : evidence;
    const out = { ...f, evidence: capped };
    return occ.length ? withOccurrences(out, mergeOccurrences(occ)) : out;
  });
}
