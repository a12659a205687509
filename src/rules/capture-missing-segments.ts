import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';

/**
 * The capture lacks bytes of a TCP stream (the peer acknowledged data the capture never held, or a hole never
 * filled): messages in those bytes are invisible, so a "missing" TGS-REP or AP-REP may only be missing from the
 * capture. A property of the evidence, not of the network: a warning, ranked with the input.
 */
export const captureMissingSegments: Rule = {
  id: 'capture-missing-segments',
  step: 'input',
  evaluate(facts) {
    const gaps = factsOf(facts, 'capture-missing-segments');
    if (!gaps.length) return [];
    const byFlow = new Map<string, { first: (typeof gaps)[number]; bytes: number; n: number }>();
    for (const g of gaps) {
      const k = `${g.client} → ${g.server}:${g.port}`;
      const e = byFlow.get(k);
      if (e) {
        e.bytes += g.bytes;
        e.n++;
      } else byFlow.set(k, { first: g, bytes: g.bytes, n: 1 });
    }
    const total = gaps.reduce((n, g) => n + g.bytes, 0);
    const times = gaps.map((g) => g.where.time).filter((t): t is Date => t instanceof Date);
    return [
      {
        id: 'capture-missing-segments',
        severity: 'warning',
        step: 'input',
        title: `The capture is missing ${total} bytes of ${byFlow.size} TCP stream${byFlow.size === 1 ? '' : 's'}`,
        explanation:
          'Segments were sent (the other side acknowledged them) but are not in the capture: the capturing host dropped them (a busy interface, a small buffer, a snap length) or the capture started late. Messages in those bytes cannot be read, so an answer that seems missing may only be missing from the capture.',
        evidence: [...byFlow.entries()]
          .slice(0, 10)
          .map(
            ([k, e]) =>
              `${e.first.where.label}: ${k} (${e.first.protocol}): ${e.bytes} bytes missing in ${e.n} place${e.n === 1 ? '' : 's'}`,
          ),
        fix: [
          'Capture again on the client with a full snap length and a larger buffer, e.g. dumpcap -i <if> -s 0 -B 64 -w client.pcapng (or netsh trace start capture=yes on Windows)',
          'Capture on the client itself rather than a SPAN port when the mirror drops packets.',
        ],
        count: gaps.length,
        ...(times.length ? { firstSeen: times[0]?.toISOString(), lastSeen: times[times.length - 1]?.toISOString() } : {}),
        refs: gaps.slice(0, 20).map((g) => ({ frame: g.where.frame, label: g.where.label })),
      },
    ];
  },
};
