import { type Fact, factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';
import { ps, psString, win } from './shell.js';

/** The directory's msDS-SupportedEncryptionTypes for the holders of an SPN (check asks on KDC_ERR_ETYPE_NOSUPP). */
export function enctypeOwners(facts: readonly Fact[], spn: string) {
  return factsOf(facts, 'directory-spn')
    .filter((d) => !d.error && d.spn.toLowerCase() === spn.toLowerCase())
    .flatMap((d) => d.owners.map((o) => ({ ...o, where: d.where, dc: d.dc })));
}

/** One line: the account and its attribute, as Get-ADUser -Properties shows it. */
export function enctypeLine(o: ReturnType<typeof enctypeOwners>[number]): string {
  const a = o.supportedEncryptionTypes;
  return `${o.where.label}: ${o.account} (${o.objectClass}) msDS-SupportedEncryptionTypes = ${a ? `${a.value} (${a.enctypes.join(', ') || 'no usable enctype'})` : 'not set (the domain default: RC4 for user accounts on DCs before the November 2022 updates)'}`;
}

function setEnctypes(o: { account: string; objectClass: string }): string {
  return o.objectClass === 'computer'
    ? ps`Set-ADComputer -Identity ${o.account.replace(/\$$/, '')} -Replace @{${psString('msDS-SupportedEncryptionTypes')}=24}`
    : ps`Set-ADUser -Identity ${o.account} -Replace @{${psString('msDS-SupportedEncryptionTypes')}=24}`;
}

/** KDC_ERR_ETYPE_NOSUPP (14): client, KDC and the target account have no encryption type in common. */
export const enctypeUnsupported: Rule = {
  id: 'enctype-unsupported',
  step: 'ticket',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return krbErrors(facts, 14).map((f) => {
      const spn = f.sname.join('/');
      const owners = enctypeOwners(facts, spn);
      const named = owners.map((o) => {
        const a = o.supportedEncryptionTypes;
        return `${o.account}'s msDS-SupportedEncryptionTypes is ${a ? `${a.value} (${a.enctypes.join(', ') || 'nothing usable'})` : 'not set'}`;
      });
      return {
        id: 'enctype-unsupported',
        severity: 'error' as const,
        step: 'ticket' as const,
        title: `No common encryption type for ${spn}${named.length ? `: ${named.join('; ')}` : ''}`,
        explanation:
          'KDC_ERR_ETYPE_NOSUPP: none of the encryption types the client offered is allowed for the account (msDS-SupportedEncryptionTypes), has keys on it (accounts whose password predates AES have no AES keys), or is permitted by policy (e.g. RC4 disabled).' +
          (named.length
            ? ` The directory says ${named.join('; ')}: compare with what the client offers (permitted_enctypes, or the "Configure encryption types allowed for Kerberos" policy).`
            : ''),
        evidence: [errorEvidence(f), ...owners.map(enctypeLine)],
        fix: owners.length
          ? [
              ...owners.map(setEnctypes),
              '(AES128+AES256; then reset the account password once so AES keys exist, and re-export any keytab)',
              'Check the client’s policy: "Network security: Configure encryption types allowed for Kerberos" / permitted_enctypes in krb5.conf',
            ]
          : [
              win`setspn -Q ${spn}`,
              '(which account holds the SPN? Then, for that account:)',
              'Get-ADUser <account> -Properties msDS-SupportedEncryptionTypes,PasswordLastSet   (AES keys exist only after a password set on a 2008+ domain functional level)',
              'Set-ADUser <account> -Replace @{"msDS-SupportedEncryptionTypes"=24}   (AES128+AES256), then reset the password once so AES keys are generated',
              'Check the client’s policy: "Network security: Configure encryption types allowed for Kerberos" / permitted_enctypes in krb5.conf',
            ],
      };
    });
  },
};
