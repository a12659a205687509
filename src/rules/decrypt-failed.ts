import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';

/**
 * The password (or keytab) the user gave kerbscope does not open a KDC reply that was issued to that user. The
 * reply was real — the KDC encrypted it with the account's current key — so the password typed here is not the
 * account's current password, or the salt is wrong (a renamed account keeps its old salt; PA-ETYPE-INFO2 says which).
 */
export const decryptFailed: Rule = {
  id: 'decrypt-failed',
  step: 'input',
  evaluate(facts) {
    return factsOf(facts, 'reply-decrypt')
      .filter((f) => f.status === 'failed' || f.status === 'malformed')
      .map((f) => ({
        id: 'decrypt-failed',
        severity: 'warning' as const,
        step: 'input' as const,
        title: `The key given does not open the reply to ${f.client}`,
        explanation:
          'The KDC encrypted this reply with the account’s current key, and the password or keytab given here does not produce that key: it is not the current password, or the salt differs (accounts renamed after the password was set keep the old salt; --salt sets it).',
        evidence: [`${f.where.label}: ${f.detail}`],
        fix: ['Retry with the account’s current password (--password-stdin), and --salt with the salt PA-ETYPE-INFO2 announces.'],
      }));
  },
};
