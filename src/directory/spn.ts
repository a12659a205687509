/**
 * What `setspn -Q`, `setspn -X` and "who owns this SPN" read from Active Directory, over an LDAP session
 * (src/ldap). Read-only: the fixes are printed as setspn commands, never applied.
 *
 *   findSpn('HTTP/iisserver*')   (servicePrincipalName=HTTP/iisserver*)          → [{ spn, account, dn, objectClass }]
 *   duplicateSpns()              every (servicePrincipalName=*) grouped by SPN    → [{ spn, accounts, owners }]
 *   spnOwner('HTTP/web')         the account, its enctypes, UAC flags, kvno       → what `kerbscope keytab add` needs
 *
 * SPNs compare case-insensitively, as the KDC and setspn compare them (MS-ADTS §3.1.1.5.3.1.1.4: servicePrincipalName
 * uniqueness is checked case-insensitively).
 */
import { decodeSupportedEncTypes, enctypeName } from '../crypto/index.js';
import type { SearchEntry } from '../ldap/client.js';
import { attributeStrings, escapeFilterValue, type Filter } from '../protocol/ldap/index.js';
import { sh, win } from '../rules/shell.js';
import { type DecodedUac, decodeUserAccountControl } from './uac.js';

/** The part of a session these functions use (a bound LdapClient and where to search). */
export interface DirectorySearch {
  baseDn: string;
  realm: string;
  /** the rootDSE's configurationNamingContext: where sPNMappings (the host/ aliases) live */
  configurationNamingContext?: string;
  /** scope baseObject reads one object (constructed attributes such as tokenGroups come only that way) */
  search(q: {
    base: string;
    scope?: 'baseObject' | 'wholeSubtree';
    filter: string | Filter;
    attributes: string[];
    pageSize?: number;
  }): Promise<{ entries: SearchEntry[] }>;
}

export interface SpnResult {
  spn: string;
  /** sAMAccountName */
  account: string;
  dn: string;
  /** the most specific objectClass (user, computer, msDS-GroupManagedServiceAccount...) */
  objectClass: string;
}

export const PAGE_SIZE = 500;

/** Case-insensitive order, then by the exact text: the same on every machine (no locale). */
export function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** The RFC 4515 filter for an SPN pattern: `*` stays a wildcard, every other reserved character is escaped. */
export function spnFilter(pattern: string): string {
  return `(servicePrincipalName=${pattern
    .split('*')
    .map((p) => escapeFilterValue(p))
    .join('*')})`;
}

/** Case-insensitive glob match with `*` (what the directory matched, applied to each value of the attribute). */
export function spnMatches(pattern: string, spn: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'is',
  );
  return re.test(spn);
}

function mostSpecificClass(e: SearchEntry): string {
  const classes = attributeStrings(e, 'objectClass');
  return classes[classes.length - 1] ?? '';
}

const QUERY_ATTRS = ['servicePrincipalName', 'sAMAccountName', 'objectClass'];

/** setspn -Q: every SPN matching the pattern, with the object holding it. */
export async function findSpn(d: DirectorySearch, pattern: string): Promise<SpnResult[]> {
  const r = await d.search({ base: d.baseDn, filter: spnFilter(pattern), attributes: QUERY_ATTRS, pageSize: PAGE_SIZE });
  const out: SpnResult[] = [];
  for (const e of r.entries) {
    const account = attributeStrings(e, 'sAMAccountName')[0] ?? '';
    const objectClass = mostSpecificClass(e);
    for (const spn of attributeStrings(e, 'servicePrincipalName'))
      if (spnMatches(pattern, spn)) out.push({ spn, account, dn: e.dn, objectClass });
  }
  return out.sort((a, b) => compareText(a.spn, b.spn) || compareText(a.dn, b.dn));
}

export interface DuplicateSpn {
  spn: string;
  /** sAMAccountNames, sorted */
  accounts: string[];
  owners: { account: string; dn: string; objectClass: string }[];
  /** `setspn -D SPN ACCOUNT` for each holder, quoted for cmd.exe/PowerShell: keep it on the one the service runs as */
  fixes: string[];
}

/** setspn -X: every SPN registered on more than one object (all SPNs of the domain, paged). */
export async function duplicateSpns(d: DirectorySearch): Promise<DuplicateSpn[]> {
  const r = await d.search({ base: d.baseDn, filter: '(servicePrincipalName=*)', attributes: QUERY_ATTRS, pageSize: PAGE_SIZE });
  const bySpn = new Map<string, { spn: string; owners: Map<string, { account: string; dn: string; objectClass: string }> }>();
  for (const e of r.entries) {
    const account = attributeStrings(e, 'sAMAccountName')[0] ?? '';
    const objectClass = mostSpecificClass(e);
    for (const spn of attributeStrings(e, 'servicePrincipalName')) {
      const key = spn.toLowerCase();
      const g = bySpn.get(key) ?? { spn, owners: new Map() };
      g.owners.set(e.dn.toLowerCase(), { account, dn: e.dn, objectClass });
      bySpn.set(key, g);
    }
  }
  const out: DuplicateSpn[] = [];
  for (const g of bySpn.values()) {
    if (g.owners.size < 2) continue;
    const owners = [...g.owners.values()].sort((a, b) => compareText(a.account, b.account));
    out.push({
      spn: g.spn,
      accounts: owners.map((o) => o.account),
      owners,
      fixes: owners.map((o) => win`setspn -D ${g.spn} ${o.account}`),
    });
  }
  return out.sort((a, b) => compareText(a.spn, b.spn));
}

export interface SpnOwner {
  account: string;
  dn: string;
  objectClass: string;
  userPrincipalName?: string;
  dnsHostName?: string;
  servicePrincipalNames: string[];
  userAccountControl?: DecodedUac;
  /** msDS-SupportedEncryptionTypes decoded (MS-KILE §2.2.7); undefined when the attribute is not set */
  supportedEncryptionTypes?: { value: number; flags: string[]; enctypes: string[] };
  /** msDS-KeyVersionNumber (constructed: the kvno tickets for this account carry) */
  kvno?: number;
  /** what `kerbscope keytab add` needs to build this account's keytab for the SPN */
  keytab: { principal: string; kvno?: number; account: string; enctypes: string[]; command: string; note?: string };
  /** problems an admin should know about, one sentence each */
  warnings: string[];
}

const OWNER_ATTRS = [
  'sAMAccountName',
  'objectClass',
  'userPrincipalName',
  'dNSHostName',
  'servicePrincipalName',
  'userAccountControl',
  'msDS-SupportedEncryptionTypes',
  'msDS-KeyVersionNumber',
];

/** The account(s) holding exactly this SPN (more than one is a duplicate), with what a keytab for it needs. */
export async function spnOwner(d: DirectorySearch, spn: string): Promise<SpnOwner[]> {
  if (spn.includes('*')) throw new RangeError('spn owner takes one SPN, not a pattern (use spn query)');
  const r = await d.search({ base: d.baseDn, filter: spnFilter(spn), attributes: OWNER_ATTRS, pageSize: PAGE_SIZE });
  return r.entries.map((e) => ownerOf(e, spn, d.realm)).sort((a, b) => compareText(a.account, b.account) || compareText(a.dn, b.dn));
}

function intAttr(e: SearchEntry, name: string): number | undefined {
  const v = attributeStrings(e, name)[0];
  return v !== undefined && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

function ownerOf(e: SearchEntry, spn: string, realm: string): SpnOwner {
  const account = attributeStrings(e, 'sAMAccountName')[0] ?? '';
  const uacValue = intAttr(e, 'userAccountControl');
  const setValue = intAttr(e, 'msDS-SupportedEncryptionTypes');
  const kvno = intAttr(e, 'msDS-KeyVersionNumber');
  const warnings: string[] = [];
  const uac = uacValue !== undefined ? decodeUserAccountControl(uacValue) : undefined;
  if (uac?.flags.includes('UF_ACCOUNTDISABLE'))
    warnings.push('the account is disabled (UF_ACCOUNTDISABLE): the KDC issues no ticket for it');
  if (uac?.flags.includes('UF_USE_DES_KEY_ONLY')) warnings.push('UF_USE_DES_KEY_ONLY: DES only, which current KDCs and clients refuse');
  let set: SpnOwner['supportedEncryptionTypes'];
  let enctypes: string[];
  let note: string | undefined;
  if (setValue !== undefined && setValue !== 0) {
    const dec = decodeSupportedEncTypes(setValue);
    set = { value: dec.value, flags: [...dec.flags], enctypes: dec.enctypes.map(enctypeName) };
    const wanted = [18, 17, 23].filter((x) => dec.enctypes.includes(x));
    enctypes = wanted.map(enctypeName);
    if (!wanted.length)
      warnings.push(`msDS-SupportedEncryptionTypes ${setValue} allows no enctype kerbscope can build a key for (DES only?)`);
    if (wanted.length === 1 && wanted[0] === 23)
      warnings.push('RC4 only (msDS-SupportedEncryptionTypes): AES-only clients and DCs will refuse it');
  } else {
    enctypes = [enctypeName(18), enctypeName(17)];
    note =
      'msDS-SupportedEncryptionTypes is not set: the KDC chooses from its default (DefaultDomainSupportedEncTypes); AES keys exist when the password was set on a 2008+ domain';
  }
  const principal = `${spn}@${realm}`;
  const ktArgs = enctypes.flatMap((x) => ['--enctype', x]);
  const full = [
    'kerbscope keytab add',
    shArg(`${(account.replace(/\$$/, '') || 'service').toLowerCase()}.keytab`),
    '--principal',
    shArg(principal),
    '--kvno',
    kvno !== undefined ? String(kvno) : 'N',
    '--account',
    shArg(account),
    ...ktArgs.map(shArg),
    '--password-stdin',
  ].join(' ');
  return {
    account,
    dn: e.dn,
    objectClass: mostSpecificClass(e),
    ...(attributeStrings(e, 'userPrincipalName')[0] ? { userPrincipalName: attributeStrings(e, 'userPrincipalName')[0] } : {}),
    ...(attributeStrings(e, 'dNSHostName')[0] ? { dnsHostName: attributeStrings(e, 'dNSHostName')[0] } : {}),
    servicePrincipalNames: attributeStrings(e, 'servicePrincipalName'),
    ...(uac ? { userAccountControl: uac } : {}),
    ...(set ? { supportedEncryptionTypes: set } : {}),
    ...(kvno !== undefined ? { kvno } : {}),
    keytab: { principal, ...(kvno !== undefined ? { kvno } : {}), account, enctypes, command: full, ...(note ? { note } : {}) },
    warnings,
  };
}

function shArg(v: string): string {
  return sh`${v}`;
}
