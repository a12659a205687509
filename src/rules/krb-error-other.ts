import { factsOf } from '../facts/fact.js';
import { krbErrorInfo } from '../protocol/krb5/index.js';
import type { Rule } from './finding.js';
import { errorEvidence } from './krb-error-helpers.js';

/** Codes the specific rules handle; everything else is explained from the error table. */
const HANDLED = new Set([6, 7, 14, 18, 23, 24, 31, 33, 35, 37, 41, 44, 45]);

/** Any other KRB-ERROR: name, meaning and usual causes from the RFC 4120 / MS-KILE table. */
export const krbErrorOther: Rule = {
  id: 'krb-error',
  step: 'ticket',
  evaluate(facts) {
    return factsOf(facts, 'krb-error')
      .filter((f) => !HANDLED.has(f.code))
      .map((f) => {
        const info = krbErrorInfo(f.code);
        return {
          id: 'krb-error',
          severity: info.normal ? ('info' as const) : ('error' as const),
          step: f.from === 'service' ? ('web-server' as const) : ('ticket' as const),
          title: `${info.name} (${f.code})${info.normal ? ': a normal step of the exchange' : ''}`,
          explanation: info.meaning,
          evidence: [errorEvidence(f)],
          fix: info.causes.length ? info.causes.map((c) => `Check: ${c}`) : ['See RFC 4120 §7.5.9 for this code.'],
        };
      });
  },
};
