/**
 * Security identifiers in their string form (MS-DTYP §2.4.2.1): "S-1-5-21-1004336348-1177238915-682003330-512".
 * The identifier authority is printed in decimal when it fits in 32 bits, otherwise as 0x + 12 hex digits.
 */
export interface SidParts {
  revision: number;
  /** 48-bit IdentifierAuthority, big-endian on the wire. */
  authority: bigint;
  subAuthorities: number[];
}

export function formatSid(p: SidParts): string {
  const auth = p.authority < 0x100000000n ? p.authority.toString(10) : `0x${p.authority.toString(16).padStart(12, '0').toUpperCase()}`;
  let s = `S-${p.revision}-${auth}`;
  for (const x of p.subAuthorities) s += `-${x >>> 0}`;
  return s;
}

const SID_RE = /^S-(\d{1,3})-(\d{1,15}|0x[0-9a-fA-F]{1,12})((?:-\d{1,10}){0,15})$/i;

/** Parses the string form; throws RangeError when it is not a SID. */
export function parseSid(s: string): SidParts {
  const m = SID_RE.exec(s);
  if (!m) throw new RangeError(`not a SID: ${s}`);
  const revision = Number(m[1]);
  const authority = BigInt(m[2] as string);
  const subAuthorities = (m[3] as string)
    .split('-')
    .slice(1)
    .map((x) => Number(x));
  if (revision > 255 || authority > 0xffffffffffffn || subAuthorities.some((x) => x > 0xffffffff))
    throw new RangeError(`SID out of range: ${s}`);
  return { revision, authority, subAuthorities };
}

export function isSid(s: string): boolean {
  try {
    parseSid(s);
    return true;
  } catch {
    return false;
  }
}

/** A domain SID plus a relative ID, as Windows builds group and user SIDs from KERB_VALIDATION_INFO. */
export function sidWithRid(domainSid: string, rid: number): string {
  return `${domainSid}-${rid >>> 0}`;
}

/** Names of the well-known SIDs a PAC carries in ExtraSids (MS-DTYP §2.4.2.4, MS-PAC §2.2.1 notes). */
export const WellKnownSids: Readonly<Record<string, string>> = {
  'S-1-18-1': 'Authentication authority asserted identity',
  'S-1-18-2': 'Service asserted identity',
  'S-1-18-3': 'Fresh public key identity',
  'S-1-18-4': 'Key trust identity',
  'S-1-18-5': 'Key property MFA',
  'S-1-18-6': 'Key property attestation',
  'S-1-5-113': 'Local account',
  'S-1-5-114': 'Local account and member of Administrators',
  'S-1-5-32-544': 'BUILTIN\\Administrators',
  'S-1-5-32-545': 'BUILTIN\\Users',
  'S-1-5-11': 'Authenticated Users',
  'S-1-5-15': 'This Organization',
  'S-1-5-1000': 'Other Organization',
  'S-1-16-12288': 'High Mandatory Level',
};
