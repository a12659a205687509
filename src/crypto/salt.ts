/**
 * Which salt a password-derived key uses (RFC 4120 §4: the default salt is the realm followed by the principal's
 * name components, no separators), and Active Directory's own rules for AES keys (MS-KILE §3.1.1.2):
 *
 *   user account      uppercase(REALM) + sAMAccountName, case as stored ("CORP.EXAMPLE.COMAlice")
 *                     - if the account has a userPrincipalName, AD (and Samba, which mirrors it) salts with the
 *                       UPN's part before "@" instead: that is why a ktpass-mapped "HTTP/web" user gets
 *                       "CORP.EXAMPLE.COMHTTPweb", the same as the MIT default for that SPN
 *   computer account  uppercase(REALM) + "host" + lowercase(name without "$") + "." + lowercase(DNS domain)
 *                     ("CORP.EXAMPLE.COMhostweb01.corp.example.com")
 *
 * RC4-HMAC ignores salts (RFC 4757 §3), so only AES keys differ by rule.
 */

export type AccountKind = 'user' | 'computer' | 'mit' | 'auto';

export interface SaltPrincipal {
  /** Name components, e.g. ["HTTP", "web.corp.example.com"] or ["alice"] or ["WEB01$"]. */
  readonly components: readonly string[];
  readonly realm: string;
}

export interface SaltOptions {
  /** 'auto' (default): `host/…` and `NAME$` are computer accounts, anything else a user account. */
  readonly kind?: AccountKind;
  /** The account's sAMAccountName when known (users: decides the salt unless a UPN is set). */
  readonly samAccountName?: string;
  /** The account's userPrincipalName when known and set. */
  readonly userPrincipalName?: string;
  /** DNS domain name for computer accounts; defaults to the realm in lowercase. */
  readonly dnsDomain?: string;
}

export interface SaltChoice {
  readonly salt: string;
  readonly rule: 'mit-default' | 'ad-user-upn' | 'ad-user-sam' | 'ad-computer';
  /** One sentence for the user: which rule was used and why. */
  readonly explanation: string;
}

/** RFC 4120 §4 default salt: realm + name components concatenated. */
export function defaultSalt(principal: SaltPrincipal): string {
  return principal.realm + principal.components.join('');
}

export function isComputerPrincipal(principal: SaltPrincipal): boolean {
  const c = principal.components;
  return (c.length === 2 && c[0]?.toLowerCase() === 'host') || (c.length === 1 && (c[0] ?? '').endsWith('$'));
}

/** Picks the salt AD (or an MIT KDC, kind 'mit') would use for this principal, and says why. */
export function chooseSalt(principal: SaltPrincipal, options: SaltOptions = {}): SaltChoice {
  const kind = options.kind ?? 'auto';
  const shown = `${principal.components.join('/')}@${principal.realm}`;
  if (kind === 'mit') {
    const salt = defaultSalt(principal);
    return {
      salt,
      rule: 'mit-default',
      explanation: `MIT default salt for ${shown}: the realm followed by the name components (RFC 4120 §4).`,
    };
  }
  if (kind === 'computer' || (kind === 'auto' && isComputerPrincipal(principal))) return computerSalt(principal, options, shown);
  return userSalt(principal, options, shown);
}

function computerSalt(principal: SaltPrincipal, options: SaltOptions, shown: string): SaltChoice {
  const realm = principal.realm.toUpperCase();
  const domain = (options.dnsDomain ?? principal.realm).toLowerCase();
  const sam = options.samAccountName ?? computerNameOf(principal);
  const name = sam.replace(/\$$/, '').toLowerCase();
  const salt = `${realm}host${name}.${domain}`;
  return {
    salt,
    rule: 'ad-computer',
    explanation: `Active Directory computer-account salt for ${shown}: uppercase realm + "host" + lowercase computer name "${name}" + "." + lowercase DNS domain "${domain}" (MS-KILE §3.1.1.2).`,
  };
}

/** WEB01$ → WEB01; host/web01.corp.example.com → web01; anything else → its first component. */
function computerNameOf(principal: SaltPrincipal): string {
  const c = principal.components;
  if (c.length === 2 && c[0]?.toLowerCase() === 'host') return (c[1] ?? '').split('.')[0] ?? '';
  return c[0] ?? '';
}

function userSalt(principal: SaltPrincipal, options: SaltOptions, shown: string): SaltChoice {
  const realm = principal.realm.toUpperCase();
  if (options.userPrincipalName !== undefined) {
    const at = options.userPrincipalName.lastIndexOf('@');
    const upnName = (at >= 0 ? options.userPrincipalName.slice(0, at) : options.userPrincipalName).replace(/\//g, '');
    return {
      salt: realm + upnName,
      rule: 'ad-user-upn',
      explanation: `Active Directory user-account salt for ${shown}: uppercase realm + the userPrincipalName's name part "${upnName}" (an account with a UPN is salted by it, case as stored).`,
    };
  }
  if (options.samAccountName !== undefined) {
    return {
      salt: realm + options.samAccountName,
      rule: 'ad-user-sam',
      explanation: `Active Directory user-account salt for ${shown}: uppercase realm + sAMAccountName "${options.samAccountName}" (case as stored in AD; a wrong case gives a different AES key).`,
    };
  }
  const name = principal.components.join('');
  return {
    salt: realm + name,
    rule: 'ad-user-sam',
    explanation: `Active Directory user-account salt for ${shown}: uppercase realm + "${name}", assuming that is the account's sAMAccountName (or UPN name, as ktpass sets for a mapped SPN) with the same case; pass the real one if it differs.`,
  };
}
