/**
 * Kerberos token-size estimate from a PAC, and whether the resulting Negotiate header fits the usual limits.
 *
 * Formula (Microsoft KB 327825, "Problems with Kerberos authentication when a user belongs to many groups",
 * and the MaxTokenSize guidance that replaced it):
 *
 *     TokenSize = 1200 + 40·d + 8·s
 *
 *   d = domain-local groups + universal groups outside the user's account domain + SIDs from sIDHistory.
 *       In a PAC these arrive as ExtraSids (other-domain/universal groups, sIDHistory, well-known asserted-identity
 *       SIDs) and ResourceGroupIds (domain-local groups of the resource domain), so d = SidCount + ResourceGroupCount.
 *   s = global and universal groups of the user's own domain = GroupCount (GroupIds).
 *   1200 = ticket overhead (names, times, keys, signatures), larger with long names or delegation.
 *
 * MaxTokenSize: 12000 bytes on Windows 2000 / XP / Server 2003 (and any host where it was left at the old value),
 * 48000 by default since Windows 8 / Server 2012 (KB 938118 raised the recommended maximum to 65535).
 *
 * The token travels base64-encoded in `Authorization: Negotiate <base64>` (RFC 4559), so the header line is about
 * len("Authorization: Negotiate ") + 4·ceil(token/3) bytes. Limits it meets:
 *   - HTTP.sys (IIS): MaxFieldLength and MaxRequestBytes default to 16384 (KB 2020943 / KB 820129), giving
 *     "HTTP 400 - Request header too long" for users in many groups.
 *   - Apache httpd: LimitRequestFieldSize default 8190.
 * The token estimate stands in for the SPNEGO-wrapped AP-REQ (ticket + authenticator + SPNEGO framing);
 * pass `tokenBytes` when the real size is known (e.g. from a captured header).
 */
import type { KerbValidationInfo } from './logon-info.js';

export const MAX_TOKEN_SIZE_LEGACY = 12000;
export const MAX_TOKEN_SIZE_DEFAULT = 48000;
export const HTTP_SYS_MAX_FIELD_LENGTH = 16384;
export const APACHE_LIMIT_REQUEST_FIELD_SIZE = 8190;
const HEADER_PREFIX = 'Authorization: Negotiate '.length;

export interface TokenSizeVerdict {
  /** 1200 + 40·otherSids + 8·groupsInDomain */
  estimate: number;
  /** s: GroupCount (global/universal groups in the user's domain). */
  groupsInDomain: number;
  /** d: ExtraSids + ResourceGroupIds (domain-local, other-domain universal, sIDHistory, asserted identity). */
  otherSids: number;
  exceeds12000: boolean;
  exceeds48000: boolean;
  /** Estimated `Authorization: Negotiate <base64>` header length in bytes. */
  headerBytes: number;
  exceedsHttpSys16k: boolean;
  exceedsApache8k: boolean;
}

export function tokenSizeFromCounts(groupsInDomain: number, otherSids: number, tokenBytes?: number): TokenSizeVerdict {
  const estimate = 1200 + 40 * otherSids + 8 * groupsInDomain;
  const token = tokenBytes ?? estimate;
  const headerBytes = HEADER_PREFIX + 4 * Math.ceil(token / 3);
  return {
    estimate,
    groupsInDomain,
    otherSids,
    exceeds12000: estimate > MAX_TOKEN_SIZE_LEGACY,
    exceeds48000: estimate > MAX_TOKEN_SIZE_DEFAULT,
    headerBytes,
    exceedsHttpSys16k: headerBytes > HTTP_SYS_MAX_FIELD_LENGTH,
    exceedsApache8k: headerBytes > APACHE_LIMIT_REQUEST_FIELD_SIZE,
  };
}

/** The token-size verdict for the user a PAC describes. */
export function estimateTokenSize(info: KerbValidationInfo, opts: { tokenBytes?: number } = {}): TokenSizeVerdict {
  return tokenSizeFromCounts(info.groupIds.length, info.extraSids.length + info.resourceGroupIds.length, opts.tokenBytes);
}
