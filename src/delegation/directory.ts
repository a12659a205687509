/**
 * What the directory says about a delegation chain (read-only, over the LDAP session of src/ldap):
 *
 *  - the front end's account: userAccountControl UF_TRUSTED_FOR_DELEGATION (unconstrained),
 *    msDS-AllowedToDelegateTo (constrained, MS-ADTS §2.209 / MS-SFU §3.2.5.2.2) and
 *    UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION (protocol transition, "use any authentication protocol");
 *  - the back end (--to SPN): the account holding the SPN and its msDS-AllowedToActOnBehalfOfOtherIdentity, a
 *    security descriptor whose DACL lists the accounts allowed to delegate to it (resource-based, MS-SFU §3.2.5.2.3);
 *  - the user: UF_NOT_DELEGATED ("account is sensitive and cannot be delegated") and membership of Protected Users
 *    (RID 525, read from tokenGroups so nested membership counts), either of which makes the evidence ticket
 *    non-forwardable and the KDC refuse to delegate it.
 */
import { compareText, type DirectorySearch, spnFilter } from '../directory/spn.js';
import { decodeUserAccountControl, UserAccountControl } from '../directory/uac.js';
import type { Fact, Where } from '../facts/fact.js';
import type { SearchEntry } from '../ldap/client.js';
import { allowedSids, decodeSecurityDescriptor, decodeSid } from '../protocol/dtyp/index.js';
import { attributeStrings, attributeValues, escapeFilterValue } from '../protocol/ldap/index.js';

export type DelegationConfigFact = Extract<Fact, { kind: 'delegation-config' }>;

/** The directory these readers search (src/directory/spn.ts): a bound session and where to search. */
export type DelegationSearch = DirectorySearch;

const ACCOUNT_ATTRS = [
  'sAMAccountName',
  'objectClass',
  'objectSid',
  'userAccountControl',
  'servicePrincipalName',
  'msDS-AllowedToDelegateTo',
  'dNSHostName',
];

/** The objects a FRONTEND argument names: a sAMAccountName, DOMAIN\name, name@realm, an SPN or a host name. */
export function frontEndFilter(frontEnd: string): string {
  const raw = frontEnd.includes('\\') ? frontEnd.slice(frontEnd.indexOf('\\') + 1) : frontEnd;
  const v = escapeFilterValue(raw);
  const bare = escapeFilterValue(raw.replace(/@[^@]*$/, ''));
  const parts = [`(sAMAccountName=${bare})`, `(userPrincipalName=${v})`, `(servicePrincipalName=${bare})`];
  if (!raw.includes('/') && raw.includes('.') && !raw.includes('@'))
    parts.push(`(dNSHostName=${v})`, `(servicePrincipalName=HTTP/${v})`, `(servicePrincipalName=host/${v})`);
  if (!raw.includes('/') && !raw.includes('.') && !raw.endsWith('$')) parts.push(`(sAMAccountName=${bare}$)`);
  return `(|${parts.join('')})`;
}

/**
 * The default sPNMappings of AD (MS-ADTS §6.1.1.2.4.1.2 "CN=Directory Service"): a host/NAME SPN also stands for
 * these service classes, so a KDC finds cifs/NAME or http/NAME on the account that holds host/NAME.
 */
export const DEFAULT_HOST_ALIASES =
  'alerter,appmgmt,cisvc,clipsrv,browser,dhcp,dnscache,replicator,eventlog,eventsystem,policyagent,oakley,dmserver,dns,mcsvc,fax,msiserver,ias,messenger,netlogon,netman,netdde,netddedsm,nmagent,plugplay,protectedstorage,rasman,rpclocator,rpc,rpcss,remoteaccess,rsvp,samss,scardsvr,scesrv,seclogon,scm,dcom,cifs,spooler,snmp,schedule,tapisrv,trksvr,trkwks,ups,time,wins,www,http,w3svc,iisadmin,msdtc'.split(
    ',',
  );

/** The service classes host/ stands for, read from the directory's sPNMappings (the default list when unreadable). */
async function hostAliases(d: DelegationSearch): Promise<string[]> {
  if (!d.configurationNamingContext) return DEFAULT_HOST_ALIASES;
  try {
    const r = await d.search({
      base: `CN=Directory Service,CN=Windows NT,CN=Services,${d.configurationNamingContext}`,
      scope: 'baseObject',
      filter: '(objectClass=*)',
      attributes: ['sPNMappings'],
    });
    const m = r.entries[0] ? attributeStrings(r.entries[0], 'sPNMappings').find((v) => /^host=/i.test(v)) : undefined;
    return m
      ? m
          .slice(5)
          .split(',')
          .map((x) => x.trim().toLowerCase())
          .filter(Boolean)
      : DEFAULT_HOST_ALIASES;
  } catch {
    return DEFAULT_HOST_ALIASES;
  }
}

function intOf(e: SearchEntry, name: string): number | undefined {
  const v = attributeStrings(e, name)[0]?.trim();
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

function sidOf(e: SearchEntry): string | undefined {
  const v = attributeValues(e, 'objectSid')[0];
  if (!v) return undefined;
  try {
    return decodeSid(v).sid;
  } catch {
    return undefined;
  }
}

function classOf(e: SearchEntry): string {
  const c = attributeStrings(e, 'objectClass');
  return c[c.length - 1] ?? '';
}

export class DelegationLookupError extends Error {
  override readonly name = 'DelegationLookupError';
}

/** Reads the configuration of one chain as a delegation-config fact. Throws DelegationLookupError when FRONTEND names nothing. */
export async function readDelegation(
  d: DelegationSearch,
  o: { frontEnd: string; to?: string; user?: string },
  where: Where,
): Promise<DelegationConfigFact> {
  const found = (await d.search({ base: d.baseDn, filter: frontEndFilter(o.frontEnd), attributes: ACCOUNT_ATTRS })).entries;
  if (!found.length) throw new DelegationLookupError(`no account in ${d.baseDn || 'the forest'} is named or holds ${o.frontEnd}`);
  // an exact sAMAccountName wins; otherwise the first in a stable order (several: reported as the SPN's duplicates)
  const want = o.frontEnd
    .replace(/^.*\\/, '')
    .replace(/@[^@]*$/, '')
    .toLowerCase();
  const sorted = [...found].sort((a, b) => compareText(a.dn, b.dn));
  const fe = sorted.find((e) => attributeStrings(e, 'sAMAccountName')[0]?.toLowerCase() === want) ?? (sorted[0] as SearchEntry);
  const uac = decodeUserAccountControl(intOf(fe, 'userAccountControl') ?? 0);
  const allowedTo = attributeStrings(fe, 'msDS-AllowedToDelegateTo').sort(compareText);
  const unconstrained = uac.flags.includes('UF_TRUSTED_FOR_DELEGATION');
  const protocolTransition = uac.flags.includes('UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION');
  const frontSid = sidOf(fe);
  const frontEnd = {
    account: attributeStrings(fe, 'sAMAccountName')[0] ?? '',
    dn: fe.dn,
    objectClass: classOf(fe),
    ...(frontSid ? { sid: frontSid } : {}),
    uacFlags: uac.flags,
    spns: attributeStrings(fe, 'servicePrincipalName').sort(compareText),
  };

  let target: DelegationConfigFact['target'];
  if (o.to) {
    const spn = o.to.replace(/@[^@/]*$/, '');
    const [svc = '', ...rest] = spn.split('/');
    // cifs/NAME, http/NAME... are found on the account holding host/NAME when no account holds them exactly
    const viaHost = svc.toLowerCase() !== 'host' && rest.length > 0 && (await hostAliases(d)).includes(svc.toLowerCase());
    const ownerAttrs = ['sAMAccountName', 'objectClass', 'objectSid', 'msDS-AllowedToActOnBehalfOfOtherIdentity'];
    let owners = (
      await d.search({
        base: d.baseDn,
        filter: spnFilter(spn),
        attributes: ownerAttrs,
      })
    ).entries.sort((a, b) => compareText(a.dn, b.dn));
    let via: string | undefined;
    if (!owners.length && viaHost) {
      const hostSpn = ['host', ...rest].join('/');
      owners = (await d.search({ base: d.baseDn, filter: spnFilter(hostSpn), attributes: ownerAttrs })).entries.sort((a, b) =>
        compareText(a.dn, b.dn),
      );
      if (owners.length) via = hostSpn;
    }
    let rbcd: NonNullable<DelegationConfigFact['target']>['rbcd'];
    const sd = owners[0] ? attributeValues(owners[0], 'msDS-AllowedToActOnBehalfOfOtherIdentity')[0] : undefined;
    if (sd) {
      try {
        const sids = allowedSids(decodeSecurityDescriptor(sd));
        const allowed: { sid: string; account?: string }[] = [];
        for (const sid of sids.slice(0, 64)) {
          const who = (await d.search({ base: d.baseDn, filter: `(objectSid=${escapeFilterValue(sid)})`, attributes: ['sAMAccountName'] }))
            .entries[0];
          const account = who ? attributeStrings(who, 'sAMAccountName')[0] : undefined;
          allowed.push({ sid, ...(account ? { account } : {}) });
        }
        rbcd = { allowed, frontEndAllowed: frontSid !== undefined && sids.includes(frontSid) };
      } catch (e) {
        rbcd = {
          allowed: [],
          frontEndAllowed: false,
          error: `msDS-AllowedToActOnBehalfOfOtherIdentity does not decode: ${(e as Error).message}`,
        };
      }
    }
    target = {
      spn,
      inAllowedTo: allowedTo.some((x) => x.toLowerCase() === spn.toLowerCase()),
      owners: owners.map((e) => ({ account: attributeStrings(e, 'sAMAccountName')[0] ?? '', dn: e.dn, objectClass: classOf(e) })),
      ...(via ? { via } : {}),
      ...(rbcd ? { rbcd } : {}),
    };
  }

  let user: DelegationConfigFact['user'];
  if (o.user) {
    const name = o.user.replace(/^.*\\/, '').replace(/@[^@]*$/, '');
    const u = (
      await d.search({
        base: d.baseDn,
        filter: `(|(sAMAccountName=${escapeFilterValue(name)})(userPrincipalName=${escapeFilterValue(o.user)}))`,
        attributes: ['sAMAccountName', 'userAccountControl', 'objectSid', 'adminCount'],
      })
    ).entries[0];
    if (!u) user = { account: name, found: false, notDelegated: false, protectedUsers: false };
    else {
      const flags = decodeUserAccountControl(intOf(u, 'userAccountControl') ?? 0).flags;
      const sid = sidOf(u);
      const domainSid = sid?.replace(/-\d+$/, '');
      let protectedUsers = false;
      const tg = (await d.search({ base: u.dn, scope: 'baseObject', filter: '(objectClass=*)', attributes: ['tokenGroups'] })).entries[0];
      for (const v of tg ? attributeValues(tg, 'tokenGroups') : []) {
        try {
          if (domainSid && decodeSid(v).sid === `${domainSid}-525`) protectedUsers = true;
        } catch {
          /* a value that is not a SID: not Protected Users */
        }
      }
      user = {
        account: attributeStrings(u, 'sAMAccountName')[0] ?? name,
        found: true,
        notDelegated: flags.includes('UF_NOT_DELEGATED'),
        protectedUsers,
        ...(intOf(u, 'adminCount') === 1 ? { sensitiveAccount: true } : {}),
      };
    }
  }

  const rbcdHere = target?.rbcd?.frontEndAllowed === true;
  const delegationKind: DelegationConfigFact['delegationKind'] = unconstrained
    ? 'unconstrained'
    : allowedTo.length && (!o.to || target?.inAllowedTo || !rbcdHere)
      ? protocolTransition
        ? 'constrained-any-protocol'
        : 'constrained'
      : rbcdHere
        ? 'resource-based'
        : 'none';
  return {
    kind: 'delegation-config',
    where,
    realm: d.realm,
    frontEnd,
    delegationKind,
    allowedTo,
    protocolTransition,
    ...(target ? { target } : {}),
    ...(user ? { user } : {}),
  };
}

/** userAccountControl bits this module reads, for the README and tests. */
export const DELEGATION_UAC = {
  unconstrained: UserAccountControl.UF_TRUSTED_FOR_DELEGATION,
  protocolTransition: UserAccountControl.UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION,
  notDelegated: UserAccountControl.UF_NOT_DELEGATED,
} as const;
