import { userOf } from './account-helpers.js';
import type { Rule } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';

/** KDC_ERR_PREAUTH_FAILED (24): the encrypted timestamp did not decrypt with the account's key. */
export const badPassword: Rule = {
  id: 'bad-password',
  step: 'account',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return krbErrors(facts, 24).map((f) => ({
      id: 'bad-password',
      severity: 'error',
      step: 'account',
      title: `Pre-authentication failed for ${userOf(f) ?? 'the user'}: wrong password`,
      explanation:
        'KDC_ERR_PREAUTH_FAILED: the encrypted timestamp did not decrypt with the account’s key — the password is wrong (or cached credentials are stale). Repeated failures lock the account.',
      evidence: [errorEvidence(f)],
      fix: [
        'Retype the password; clear stale saved credentials (cmdkey /list, Credential Manager).',
        'Security log on the DCs: event 4771 failure code 0x18 shows the client address of the bad attempts.',
      ],
    }));
  },
};
