import type { Rule } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';
import { win } from './shell.js';

/** KDC_ERR_ETYPE_NOSUPP (14): client, KDC and the target account have no encryption type in common. */
export const enctypeUnsupported: Rule = {
  id: 'enctype-unsupported',
  step: 'ticket',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return krbErrors(facts, 14).map((f) => ({
      id: 'enctype-unsupported',
      severity: 'error' as const,
      step: 'ticket' as const,
      title: `No common encryption type for ${f.sname.join('/')}`,
      explanation:
        'KDC_ERR_ETYPE_NOSUPP: none of the encryption types the client offered is allowed for the account (msDS-SupportedEncryptionTypes), has keys on it (accounts whose password predates AES have no AES keys), or is permitted by policy (e.g. RC4 disabled).',
      evidence: [errorEvidence(f)],
      fix: [
        win`setspn -Q ${f.sname.join('/')}`,
        '(which account holds the SPN? Then, for that account:)',
        'Get-ADUser <account> -Properties msDS-SupportedEncryptionTypes,PasswordLastSet   (AES keys exist only after a password set on a 2008+ domain functional level)',
        'Set-ADUser <account> -Replace @{"msDS-SupportedEncryptionTypes"=24}   (AES128+AES256), then reset the password once so AES keys are generated',
        'Check the client’s policy: "Network security: Configure encryption types allowed for Kerberos" / permitted_enctypes in krb5.conf',
      ],
    }));
  },
};
