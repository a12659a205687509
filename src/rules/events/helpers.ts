/** Shared by the event rules: occurrences of representative facts, grouping, and short lists of names. */

import { mergeOccurrences, withOccurrences } from '../../events/aggregate.js';
import type { Occurrences } from '../../facts/events.js';
import type { Fact } from '../../facts/fact.js';
import type { Finding } from '../finding.js';

export function seenOf(f: Fact): Occurrences {
  const s = (f as { seen?: Occurrences }).seen;
  if (s) return s;
  const t = f.where.time;
  return {
    count: 1,
    ...(t ? { first: t, last: t } : {}),
    records: f.where.record !== undefined ? [f.where.record] : [],
    labels: [f.where.label],
  };
}

/** A finding carrying the summed occurrences of `facts`. */
export function aggregated(finding: Finding, facts: readonly Fact[]): Finding {
  return withOccurrences(finding, mergeOccurrences(facts.map(seenOf)));
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    if (k === undefined) continue;
    const l = m.get(k);
    if (l) l.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** "a, b, c and 12 more" */
export function names(list: Iterable<string>, max = 8): string {
  const all = [...new Set(list)];
  return all.length > max ? `${all.slice(0, max).join(', ')} and ${all.length - max} more` : all.join(', ');
}

export function hex32(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** "Security record 4211 (4769): …" lines, one per representative (the finding's refs list the records). */
export function evidenceLine(f: Fact, text: string): string {
  const s = seenOf(f);
  return `${f.where.label}: ${text}${s.count > 1 ? ` (×${s.count})` : ''}`;
}
