import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';

/** The capture file is truncated or corrupt: what follows the damage was not read (everything before it was). */
export const captureDamaged: Rule = {
  id: 'capture-damaged',
  step: 'input',
  evaluate(facts) {
    return factsOf(facts, 'capture-damage').map((d) => ({
      id: 'capture-damaged',
      severity: 'warning' as const,
      step: 'input' as const,
      title: `The capture file is damaged at byte ${d.offset}`,
      explanation: `${d.message}. Every packet before that point was read; nothing after it. A capture copied while it was still being written, or cut by a size limit, ends like this.`,
      evidence: [`${d.where.label}: ${d.message}`],
      fix: ['Stop the capture before copying the file (or copy a finished ring-buffer file), then run kerbscope trace on it again.'],
      refs: [{ label: d.where.label }],
    }));
  },
};
