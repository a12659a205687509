/**
 * The Kerberos token size a user will have, from the directory before any ticket exists (what tokensz.exe and
 * "Problems with Kerberos authentication when a user belongs to many groups" (KB 327825) compute):
 *
 *   tokenGroups (MS-ADTS §3.1.1.4.5.19, the transitive group closure the KDC puts in the PAC) → each group's
 *   groupType (MS-ADTS §2.2.12: 0x2 global, 0x4 domain local, 0x8 universal) → s and d of
 *   TokenSize = 1200 + 40·d + 8·s (src/protocol/pac/token-size.ts), plus sIDHistory in d.
 *
 * s = global and universal groups of the user's own domain (the PAC's GroupIds); d = domain-local groups,
 * universal groups of other domains, SID history (ExtraSids / ResourceGroupIds). SIDs the directory cannot resolve
 * (other forests, foreign security principals) count in d, and so does the asserted-identity SID (S-1-18-1) the
 * KDC adds on its own (Windows Server 2012 and later, Samba).
 */
import type { Fact, Where } from '../facts/fact.js';
import type { SearchEntry } from '../ldap/client.js';
import { decodeSid } from '../protocol/dtyp/index.js';
import { attributeStrings, attributeValues, escapeFilterValue } from '../protocol/ldap/index.js';
import { type TokenSizeVerdict, tokenSizeFromCounts } from '../protocol/pac/token-size.js';
import type { DirectorySearch } from './spn.js';

export interface DirectoryTokenSize {
  user: string;
  dn: string;
  sid?: string;
  groups: { global: number; universal: number; universalOtherDomain: number; domainLocal: number; unresolved: number; total: number };
  sidHistory: number;
  verdict: TokenSizeVerdict;
}

const GROUP_GLOBAL = 0x2;
const GROUP_DOMAIN_LOCAL = 0x4;
const GROUP_UNIVERSAL = 0x8;
/** SIDs per OR filter when reading groupType (a 1,000-group user takes 20 searches). */
const BATCH = 50;
/** S-1-18-1 "Authentication authority asserted identity" (or S-1-18-2), added to ExtraSids by the KDC itself. */
const ASSERTED_IDENTITY_SIDS = 1;
/** tokenGroups values read at most (AD's own limit is 1,015 SIDs in a token). */
const MAX_SIDS = 5000;

function sidsOf(e: SearchEntry, attr: string): string[] {
  const out: string[] = [];
  for (const v of attributeValues(e, attr).slice(0, MAX_SIDS)) {
    try {
      out.push(decodeSid(v).sid);
    } catch {
      /* not a SID: skipped (counted nowhere) */
    }
  }
  return out;
}

export class TokenSizeLookupError extends Error {
  override readonly name = 'TokenSizeLookupError';
}

/** The user's token-size estimate from the directory. Throws TokenSizeLookupError when the user is not found. */
export async function directoryTokenSize(d: DirectorySearch, user: string): Promise<DirectoryTokenSize> {
  const name = user.replace(/^.*\\/, '').replace(/@[^@]*$/, '');
  const u = (
    await d.search({
      base: d.baseDn,
      filter: `(|(sAMAccountName=${escapeFilterValue(name)})(userPrincipalName=${escapeFilterValue(user)}))`,
      attributes: ['sAMAccountName', 'objectSid', 'sIDHistory'],
    })
  ).entries[0];
  if (!u) throw new TokenSizeLookupError(`no account ${user} in ${d.baseDn || 'the forest'}`);
  const sid = sidsOf(u, 'objectSid')[0];
  const domainSid = sid?.replace(/-\d+$/, '');
  const tg = (await d.search({ base: u.dn, scope: 'baseObject', filter: '(objectClass=*)', attributes: ['tokenGroups'] })).entries[0];
  // BUILTIN aliases (S-1-5-32-*) are added by each server, never carried in the PAC
  const tokenGroups = [...new Set(tg ? sidsOf(tg, 'tokenGroups') : [])].filter((s) => !s.startsWith('S-1-5-32-'));
  const groupType = new Map<string, number>();
  // the batches go out together (LDAP allows several outstanding searches on one connection): one round trip's wait
  const batches: string[][] = [];
  for (let i = 0; i < tokenGroups.length; i += BATCH) batches.push(tokenGroups.slice(i, i + BATCH));
  const answers = await Promise.all(
    batches.map((batch) =>
      d.search({
        base: d.baseDn,
        filter: `(|${batch.map((s) => `(objectSid=${escapeFilterValue(s)})`).join('')})`,
        attributes: ['objectSid', 'groupType'],
      }),
    ),
  );
  for (const r of answers)
    for (const e of r.entries) {
      const s = sidsOf(e, 'objectSid')[0];
      const t = attributeStrings(e, 'groupType')[0]?.trim();
      if (s && t && /^-?\d+$/.test(t)) groupType.set(s, Number(t) >>> 0);
    }
  const groups = { global: 0, universal: 0, universalOtherDomain: 0, domainLocal: 0, unresolved: 0, total: tokenGroups.length };
  for (const s of tokenGroups) {
    const t = groupType.get(s);
    const inDomain = domainSid !== undefined && s.startsWith(`${domainSid}-`) && s.split('-').length === domainSid.split('-').length + 1;
    if (t === undefined) groups.unresolved++;
    else if (t & GROUP_GLOBAL) groups.global++;
    else if (t & GROUP_UNIVERSAL) {
      if (inDomain) groups.universal++;
      else groups.universalOtherDomain++;
    } else if (t & GROUP_DOMAIN_LOCAL) groups.domainLocal++;
    else groups.unresolved++;
  }
  const sidHistory = sidsOf(u, 'sIDHistory').length;
  const s = groups.global + groups.universal;
  // + the asserted-identity SID (S-1-18-1/2) every 2012+ KDC (and Samba) adds to ExtraSids
  const dCount = groups.domainLocal + groups.universalOtherDomain + groups.unresolved + sidHistory + ASSERTED_IDENTITY_SIDS;
  return {
    user: attributeStrings(u, 'sAMAccountName')[0] ?? name,
    dn: u.dn,
    ...(sid ? { sid } : {}),
    groups,
    sidHistory,
    verdict: tokenSizeFromCounts(s, dCount),
  };
}

/** The directory-token fact for the rulebook (token-too-large, header-rejected). */
export function directoryTokenFact(where: Where, dc: string, t: DirectoryTokenSize, tokenBytes?: number): Fact {
  return {
    kind: 'directory-token',
    where,
    user: t.user,
    dc,
    groups: t.groups,
    sidHistory: t.sidHistory,
    groupsInDomain: t.verdict.groupsInDomain,
    otherSids: t.verdict.otherSids,
    estimate: t.verdict.estimate,
    headerBytes: t.verdict.headerBytes,
    ...(tokenBytes !== undefined ? { tokenBytes } : {}),
  };
}
