import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';

/** Evidence that does not decode: say what and where, so the user can fix the copy or trust the rest. */
export const malformedInput: Rule = {
  id: 'malformed-input',
  step: 'input',
  evaluate(facts) {
    return factsOf(facts, 'decode-error').map((f) => ({
      id: 'malformed-input',
      severity: 'warning' as const,
      step: 'input' as const,
      title: `Part of ${f.where.label} does not decode`,
      explanation: `${f.message}. Everything before that point is shown; a truncated copy/paste (a header cut at a line break, a capture with missing segments) is the usual reason.`,
      evidence: [`${f.where.label}: ${f.code}${f.field ? ` in ${f.field}` : ''}${f.offset !== undefined ? ` at offset ${f.offset}` : ''}`],
      fix: ['Copy the whole header value again (browsers’ dev tools can truncate long values), or take the token from a capture.'],
    }));
  },
};
