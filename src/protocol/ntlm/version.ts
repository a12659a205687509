/**
 * The VERSION structure, MS-NLMP §2.2.2.10, and the Windows release a (major, minor, build) triple names.
 *
 * ```text
 * ProductMajorVersion (1) | ProductMinorVersion (1) | ProductBuild (2, LE) | Reserved (3) | NTLMRevisionCurrent (1)
 * ```
 */
import type { ByteReader } from '../../wire/reader.js';
import type { ByteWriter } from '../../wire/writer.js';

export interface NtlmVersion {
  productMajorVersion: number;
  productMinorVersion: number;
  productBuild: number;
  /** Should be zero; kept so re-encoding is exact. */
  reserved: Uint8Array;
  /** 0x0F = NTLMSSP_REVISION_W2K3 (MS-NLMP §2.2.2.10). */
  ntlmRevisionCurrent: number;
  /** "Windows 10 / Server 2016 (1607)", when we know the build. */
  windows?: string;
}

/** 0x0F: the only revision current Windows sends (MS-NLMP §2.2.2.10). */
export const NTLMSSP_REVISION_W2K3 = 0x0f;

// Builds from Microsoft's release information pages; a version with an unknown build falls back to major.minor.
const BUILDS: Record<number, string> = {
  2195: 'Windows 2000',
  2600: 'Windows XP',
  3790: 'Windows Server 2003 / XP x64',
  6000: 'Windows Vista',
  6001: 'Windows Vista SP1 / Server 2008',
  6002: 'Windows Vista SP2 / Server 2008 SP2',
  6003: 'Windows Server 2008 SP2',
  7600: 'Windows 7 / Server 2008 R2',
  7601: 'Windows 7 SP1 / Server 2008 R2 SP1',
  9200: 'Windows 8 / Server 2012',
  9600: 'Windows 8.1 / Server 2012 R2',
  10240: 'Windows 10 1507',
  10586: 'Windows 10 1511',
  14393: 'Windows 10 1607 / Server 2016',
  15063: 'Windows 10 1703',
  16299: 'Windows 10 1709',
  17134: 'Windows 10 1803',
  17763: 'Windows 10 1809 / Server 2019',
  18362: 'Windows 10 1903',
  18363: 'Windows 10 1909',
  19041: 'Windows 10 2004',
  19042: 'Windows 10 20H2',
  19043: 'Windows 10 21H1',
  19044: 'Windows 10 21H2',
  19045: 'Windows 10 22H2',
  20348: 'Windows Server 2022',
  22000: 'Windows 11 21H2',
  22621: 'Windows 11 22H2',
  22631: 'Windows 11 23H2',
  26100: 'Windows 11 24H2 / Server 2025',
};

const MAJOR_MINOR: Record<string, string> = {
  '5.0': 'Windows 2000',
  '5.1': 'Windows XP',
  '5.2': 'Windows Server 2003',
  '6.0': 'Windows Vista / Server 2008',
  '6.1': 'Windows 7 / Server 2008 R2',
  '6.2': 'Windows 8 / Server 2012',
  '6.3': 'Windows 8.1 / Server 2012 R2',
  '10.0': 'Windows 10 / 11 / Server 2016+',
};

export function windowsVersionName(major: number, minor: number, build: number): string | undefined {
  const mm = MAJOR_MINOR[`${major}.${minor}`];
  if (!mm) return undefined;
  const b = BUILDS[build];
  // a build number only names a release when it belongs to the same major.minor family
  if (b && (major >= 10 ? build >= 10240 : build < 10240)) return b;
  return mm;
}

export function readVersion(r: ByteReader): NtlmVersion {
  const productMajorVersion = r.u8('Version.ProductMajorVersion');
  const productMinorVersion = r.u8('Version.ProductMinorVersion');
  const productBuild = r.u16le('Version.ProductBuild');
  const reserved = r.copy(3, 'Version.Reserved');
  const ntlmRevisionCurrent = r.u8('Version.NTLMRevisionCurrent');
  const v: NtlmVersion = { productMajorVersion, productMinorVersion, productBuild, reserved, ntlmRevisionCurrent };
  const w = windowsVersionName(productMajorVersion, productMinorVersion, productBuild);
  if (w) v.windows = w;
  return v;
}

export function writeVersion(w: ByteWriter, v: NtlmVersion): void {
  w.u8(v.productMajorVersion).u8(v.productMinorVersion).u16le(v.productBuild);
  const res = v.reserved ?? new Uint8Array(3);
  for (let i = 0; i < 3; i++) w.u8(res[i] ?? 0);
  w.u8(v.ntlmRevisionCurrent);
}
