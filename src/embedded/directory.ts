/**
 * The embedded CONTOSO.COM directory: the accounts a KDC knows, their long-term keys (RFC 3961 string-to-key with
 * Active Directory's salts, see src/crypto/salt.ts), their SPNs and the per-account settings that break a scenario
 * (kvno, enctypes as msDS-SupportedEncryptionTypes would allow). Pure: no I/O.
 */
import { chooseSalt, getEnctype, randomBytes, stringToKey } from '../crypto/index.js';

export interface AccountKey {
  enctype: number;
  key: Uint8Array;
  salt?: string;
}

export interface Account {
  /** sAMAccountName (user `john`, service account `svc-web`, `krbtgt`) */
  name: string;
  kind: 'user' | 'service' | 'krbtgt';
  /** msDS-KeyVersionNumber */
  kvno: number;
  keys: AccountKey[];
  /** servicePrincipalName values, `HTTP/iisserver.contoso.com` (case-insensitive) */
  spns: string[];
  /** relative id in the domain SID */
  rid: number;
  fullName: string;
  /** userAccountControl-like switches (checked at AS time) */
  disabled?: boolean;
  /** lockoutTime set (too many bad passwords) */
  locked?: boolean;
  /** pwdLastSet older than the maximum password age */
  passwordExpired?: boolean;
}

export interface Directory {
  realm: string;
  /** S-1-5-21-... */
  domainSid: string;
  netbios: string;
  accounts: Account[];
}

/** AES first, as Windows 2008+ and MIT 1.20 prefer; RC4 only when asked for. */
export const DEFAULT_ACCOUNT_ENCTYPES = [18, 17] as const;

/** Keys for a password, salted the way AD salts the account (user: REALM + sAMAccountName). */
export function passwordKeys(realm: string, name: string, password: string, enctypes: readonly number[]): AccountKey[] {
  const salt = chooseSalt({ realm, components: [name] }, { kind: 'user' }).salt;
  return enctypes
    .filter((e) => getEnctype(e)?.implemented)
    .map((enctype) => ({ enctype, key: stringToKey(enctype, password, salt), salt }));
}

/** Random keys (krbtgt: nobody types its password). */
export function randomKeys(enctypes: readonly number[]): AccountKey[] {
  return enctypes.flatMap((enctype) => {
    const p = getEnctype(enctype);
    return p?.implemented ? [{ enctype, key: p.randomToKey(randomBytes(p.seedSize)) }] : [];
  });
}

/** The account a principal name (`john`, `krbtgt/CONTOSO.COM`, `HTTP/iisserver.contoso.com`) stands for. */
export function findAccount(dir: Directory, components: readonly string[], asClient: boolean): Account | undefined {
  const name = components.join('/').toLowerCase();
  if (components.length === 2 && components[0]?.toLowerCase() === 'krbtgt' && components[1]?.toUpperCase() === dir.realm)
    return dir.accounts.find((a) => a.kind === 'krbtgt');
  if (asClient && components.length === 1) {
    // a UPN-less user name, or john@contoso.com (enterprise name) reduced to its user part
    const user = name.replace(/@.*$/, '');
    return dir.accounts.find((a) => a.kind !== 'krbtgt' && a.name.toLowerCase() === user);
  }
  // an SPN on two accounts names no one: the KDC cannot choose whose key to use (Windows answers
  // KDC_ERR_S_PRINCIPAL_UNKNOWN and logs KDC event 11, as Samba does; MS-KILE §3.3.5.1.1)
  const owners = dir.accounts.filter((a) => a.spns.some((s) => s.toLowerCase() === name));
  return owners.length === 1 ? owners[0] : undefined;
}

/** The account's key for an enctype (undefined when it has none: KDC_ERR_ETYPE_NOSUPP). */
export function keyOf(a: Account, enctype: number): AccountKey | undefined {
  return a.keys.find((k) => k.enctype === enctype);
}
