/**
 * The PAC buffers that are plain little-endian structures (not NDR): client info, UPN/DNS info, signatures,
 * credential info, attributes, requestor; plus the NDR claims wrapper, recognised but not expanded.
 */
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';
import { dateToFiletime, filetimeToDate } from './logon-info.js';
import { decodeNdrTopLevel, readRawSid, writeRawSid } from './ndr.js';
import { isSid } from './sid.js';

function utf16(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] as number) | ((b[i + 1] as number) << 8));
  return s;
}

function utf16Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    out[i * 2] = s.charCodeAt(i) & 0xff;
    out[i * 2 + 1] = s.charCodeAt(i) >> 8;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * MS-PAC §2.7 PAC_CLIENT_INFO (ulType 10): ClientId FILETIME (the ticket's authtime), NameLength USHORT (bytes),
 * Name WCHAR[] (the client principal name without realm, unless the KDC added it).
 */
export interface PacClientInfo {
  clientId: Date | null;
  name: string;
}

export function decodePacClientInfo(bytes: Uint8Array, base = 0): PacClientInfo {
  const r = new ByteReader(bytes, base);
  const clientId = filetimeToDate(r.u64le('PAC_CLIENT_INFO.ClientId'));
  const len = r.u16le('PAC_CLIENT_INFO.NameLength');
  if (r.ok && len % 2) r.fail('ERR_BAD_LENGTH', `odd NameLength ${len}`, 'PAC_CLIENT_INFO.NameLength');
  const name = utf16(r.take(len, 'PAC_CLIENT_INFO.Name'));
  r.check();
  return { clientId, name };
}

export function encodePacClientInfo(v: PacClientInfo): Uint8Array {
  const name = utf16Bytes(v.name);
  return new ByteWriter(10 + name.length).u64le(dateToFiletime(v.clientId, 0n)).u16le(name.length).bytes(name).finish();
}

// ---------------------------------------------------------------------------------------------------------

/** MS-PAC §2.10 UPN_DNS_INFO Flags. */
export const UpnDnsFlags = {
  /** U: the user has no UPN; the KDC constructed one (sAMAccountName@dnsDomain). */
  UPN_CONSTRUCTED: 0x1,
  /** S: the structure is extended with SamName and Sid (Windows Server 2022 / Nov 2021 updates, CVE-2021-42287). */
  SAM_NAME_AND_SID: 0x2,
} as const;

/**
 * MS-PAC §2.10 UPN_DNS_INFO (ulType 12): UpnLength, UpnOffset, DnsDomainNameLength, DnsDomainNameOffset (USHORT),
 * Flags (ULONG), and with the S flag SamNameLength, SamNameOffset, SidLength, SidOffset (USHORT).
 * Offsets are from the start of the buffer.
 */
export interface UpnDnsInfo {
  upn: string;
  dnsDomainName: string;
  flags: number;
  upnConstructed: boolean;
  /** Present with the S flag. */
  samName?: string;
  /** Present with the S flag: the client's SID. */
  sid?: string;
}

export function decodeUpnDnsInfo(bytes: Uint8Array, base = 0): UpnDnsInfo {
  const r = new ByteReader(bytes, base);
  const f = 'UPN_DNS_INFO';
  const upnLen = r.u16le(`${f}.UpnLength`);
  const upnOff = r.u16le(`${f}.UpnOffset`);
  const dnsLen = r.u16le(`${f}.DnsDomainNameLength`);
  const dnsOff = r.u16le(`${f}.DnsDomainNameOffset`);
  const flags = r.u32le(`${f}.Flags`);
  r.check();
  const slice = (off: number, len: number, field: string): Uint8Array => {
    if (off + len > bytes.length) {
      throw new DecodeError('ERR_BAD_LENGTH', `${field} (offset ${off}, length ${len}) lies outside the ${bytes.length}-byte buffer`, {
        field: `${f}.${field}`,
        offset: base + off,
      });
    }
    return bytes.subarray(off, off + len);
  };
  const v: UpnDnsInfo = {
    upn: utf16(slice(upnOff, upnLen, 'Upn')),
    dnsDomainName: utf16(slice(dnsOff, dnsLen, 'DnsDomainName')),
    flags,
    upnConstructed: (flags & UpnDnsFlags.UPN_CONSTRUCTED) !== 0,
  };
  if (flags & UpnDnsFlags.SAM_NAME_AND_SID) {
    const samLen = r.u16le(`${f}.SamNameLength`);
    const samOff = r.u16le(`${f}.SamNameOffset`);
    const sidLen = r.u16le(`${f}.SidLength`);
    const sidOff = r.u16le(`${f}.SidOffset`);
    r.check();
    v.samName = utf16(slice(samOff, samLen, 'SamName'));
    const sr = new ByteReader(slice(sidOff, sidLen, 'Sid'), base + sidOff);
    v.sid = readRawSid(sr, `${f}.Sid`);
    sr.expectEnd(`${f}.Sid`);
    sr.check();
  }
  return v;
}

export function encodeUpnDnsInfo(v: UpnDnsInfo): Uint8Array {
  const ext = v.samName !== undefined && v.sid !== undefined;
  const flags = (v.flags & ~UpnDnsFlags.SAM_NAME_AND_SID) | (ext ? UpnDnsFlags.SAM_NAME_AND_SID : 0);
  const parts: Uint8Array[] = [utf16Bytes(v.upn), utf16Bytes(v.dnsDomainName)];
  if (ext) {
    if (!isSid(v.sid as string)) throw new DecodeError('ERR_BAD_VALUE', 'not a SID', { field: 'UPN_DNS_INFO.Sid' });
    parts.push(utf16Bytes(v.samName as string));
    const sw = new ByteWriter(68);
    writeRawSid(sw, v.sid as string);
    parts.push(sw.finish());
  }
  // Windows places each string at an 8-byte boundary after the fixed part.
  const offsets: number[] = [];
  let pos = ext ? 20 : 12;
  for (const p of parts) {
    pos = (pos + 7) & ~7;
    offsets.push(pos);
    pos += p.length;
  }
  const w = new ByteWriter(pos);
  w.u16le(parts[0]!.length).u16le(offsets[0]!).u16le(parts[1]!.length).u16le(offsets[1]!).u32le(flags);
  if (ext) w.u16le(parts[2]!.length).u16le(offsets[2]!).u16le(parts[3]!.length).u16le(offsets[3]!);
  parts.forEach((p, i) => {
    while (w.length < offsets[i]!) w.u8(0);
    w.bytes(p);
  });
  return w.finish();
}

// ---------------------------------------------------------------------------------------------------------

/** Checksum types a PAC signature uses, with their signature sizes (MS-PAC §2.8). */
export const PacChecksumTypes: Readonly<Record<number, { name: string; size: number }>> = {
  [-138]: { name: 'KERB_CHECKSUM_HMAC_MD5', size: 16 },
  15: { name: 'HMAC_SHA1_96_AES128', size: 12 },
  16: { name: 'HMAC_SHA1_96_AES256', size: 12 },
  19: { name: 'HMAC_SHA256_128_AES128', size: 16 },
  20: { name: 'HMAC_SHA384_192_AES256', size: 24 },
};

/**
 * MS-PAC §2.8 PAC_SIGNATURE_DATA (server 6, KDC 7, ticket 16, full/extended KDC 19):
 * SignatureType (ULONG, read signed: -138 is HMAC-MD5), Signature (size set by the type), RODCIdentifier
 * (USHORT, optional: present when a read-only DC signed).
 */
export interface PacSignatureData {
  signatureType: number;
  signature: Uint8Array;
  rodcIdentifier?: number;
}

export function decodePacSignatureData(bytes: Uint8Array, base = 0): PacSignatureData {
  const r = new ByteReader(bytes, base);
  const signatureType = r.i32le('PAC_SIGNATURE_DATA.SignatureType');
  r.check();
  const known = PacChecksumTypes[signatureType];
  // Unknown checksum types: the signature is the rest of the buffer.
  const size = known ? known.size : r.remaining;
  const signature = r.copy(size, 'PAC_SIGNATURE_DATA.Signature');
  const v: PacSignatureData = { signatureType, signature };
  if (r.remaining >= 2) v.rodcIdentifier = r.u16le('PAC_SIGNATURE_DATA.RODCIdentifier');
  r.check();
  return v;
}

export function encodePacSignatureData(v: PacSignatureData): Uint8Array {
  const w = new ByteWriter(32).u32le(v.signatureType >>> 0).bytes(v.signature);
  if (v.rodcIdentifier !== undefined) w.u16le(v.rodcIdentifier);
  return w.finish();
}

/** A zeroed signature buffer of the right size for a checksum type (what a signer writes before signing). */
export function emptySignatureData(signatureType: number): PacSignatureData {
  const size = PacChecksumTypes[signatureType]?.size;
  if (size === undefined)
    throw new DecodeError('ERR_UNSUPPORTED', `unknown PAC checksum type ${signatureType}`, { field: 'SignatureType' });
  return { signatureType, signature: new Uint8Array(size) };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * MS-PAC §2.6.1 PAC_CREDENTIAL_INFO (ulType 2): Version (0), EncryptionType, SerializedData encrypted with the
 * AS reply key (PKINIT). Recognised, not decrypted.
 */
export interface PacCredentialInfo {
  version: number;
  encryptionType: number;
  serializedDataLength: number;
}

export function decodePacCredentialInfo(bytes: Uint8Array, base = 0): PacCredentialInfo {
  const r = new ByteReader(bytes, base);
  const version = r.u32le('PAC_CREDENTIAL_INFO.Version');
  const encryptionType = r.i32le('PAC_CREDENTIAL_INFO.EncryptionType');
  r.check();
  return { version, encryptionType, serializedDataLength: r.remaining };
}

// ---------------------------------------------------------------------------------------------------------

/** MS-PAC §2.14 PAC_ATTRIBUTES_INFO flag bits. */
export const PacAttributeFlags = {
  PAC_WAS_REQUESTED: 0x1,
  PAC_WAS_GIVEN_IMPLICITLY: 0x2,
} as const;

/** MS-PAC §2.14 PAC_ATTRIBUTES_INFO (ulType 17): FlagsLength (bits), Flags (ULONG[ceil(FlagsLength/32)]). */
export interface PacAttributesInfo {
  flagsLength: number;
  flags: number[];
  pacWasRequested: boolean;
  pacWasGivenImplicitly: boolean;
}

export function decodePacAttributesInfo(bytes: Uint8Array, base = 0): PacAttributesInfo {
  const r = new ByteReader(bytes, base);
  const flagsLength = r.u32le('PAC_ATTRIBUTES_INFO.FlagsLength');
  const words = r.count(Math.ceil(flagsLength / 32), 4, 'PAC_ATTRIBUTES_INFO.Flags');
  const flags: number[] = [];
  for (let i = 0; i < words; i++) flags.push(r.u32le('PAC_ATTRIBUTES_INFO.Flags'));
  r.check();
  const f0 = flags[0] ?? 0;
  return {
    flagsLength,
    flags,
    pacWasRequested: (f0 & PacAttributeFlags.PAC_WAS_REQUESTED) !== 0,
    pacWasGivenImplicitly: (f0 & PacAttributeFlags.PAC_WAS_GIVEN_IMPLICITLY) !== 0,
  };
}

export function encodePacAttributesInfo(flags: number, flagsLength = 2): Uint8Array {
  return new ByteWriter(8).u32le(flagsLength).u32le(flags).finish();
}

// ---------------------------------------------------------------------------------------------------------

/** MS-PAC §2.15 PAC_REQUESTOR (ulType 18): the SID of the client that requested the TGT. */
export interface PacRequestor {
  sid: string;
}

export function decodePacRequestor(bytes: Uint8Array, base = 0): PacRequestor {
  const r = new ByteReader(bytes, base);
  const sid = readRawSid(r, 'PAC_REQUESTOR.Sid');
  r.check();
  return { sid };
}

export function encodePacRequestor(v: PacRequestor): Uint8Array {
  const w = new ByteWriter(68);
  writeRawSid(w, v.sid);
  return w.finish();
}

// ---------------------------------------------------------------------------------------------------------

/** MS-ADTS §2.2.18.4 CLAIMS_COMPRESSION_FORMAT. */
export const ClaimsCompressionFormats: Readonly<Record<number, string>> = {
  0: 'NONE',
  2: 'LZNT1',
  3: 'XPRESS',
  4: 'XPRESS_HUFF',
};

/**
 * MS-PAC §2.11 / §2.13 PAC_CLIENT_CLAIMS_INFO (13) and PAC_DEVICE_CLAIMS_INFO (15): an NDR-serialized
 * CLAIMS_SET_METADATA (MS-ADTS §2.2.18.7). We read its envelope and keep the (usually compressed) claims set as
 * bytes; expanding CLAIMS_SET is left for later. An empty buffer means "no claims".
 *
 *     typedef struct _CLAIMS_SET_METADATA {
 *       ULONG ulClaimsSetSize; [size_is(ulClaimsSetSize)] BYTE* ClaimsSet;
 *       CLAIMS_COMPRESSION_FORMAT usCompressionFormat; ULONG ulUncompressedClaimsSetSize;
 *       USHORT usReservedType; ULONG ulReservedFieldSize; [size_is(ulReservedFieldSize)] BYTE* ReservedField;
 *     } CLAIMS_SET_METADATA;
 */
export interface ClaimsSetMetadata {
  empty: boolean;
  compressionFormat: number;
  compressionFormatName: string;
  uncompressedClaimsSetSize: number;
  claimsSet: Uint8Array;
}

export function decodeClaimsSetMetadata(bytes: Uint8Array, base = 0): ClaimsSetMetadata {
  if (bytes.length === 0)
    return { empty: true, compressionFormat: 0, compressionFormatName: 'NONE', uncompressedClaimsSetSize: 0, claimsSet: new Uint8Array(0) };
  return decodeNdrTopLevel(bytes, base, 'CLAIMS_SET_METADATA', (n) => {
    const f = 'CLAIMS_SET_METADATA';
    const v: ClaimsSetMetadata = {
      empty: false,
      compressionFormat: 0,
      compressionFormatName: '',
      uncompressedClaimsSetSize: 0,
      claimsSet: new Uint8Array(0),
    };
    const size = n.u32(`${f}.ulClaimsSetSize`);
    const ptr = n.pointer(`${f}.ClaimsSet`);
    if (n.ok && ptr !== 0) {
      n.defer(() => {
        const max = n.conformance(1, `${f}.ClaimsSet`);
        if (n.ok && max !== size) n.fail(`ClaimsSet MaxCount ${max} differs from ulClaimsSetSize ${size}`, `${f}.ClaimsSet`);
        v.claimsSet = n.bytes(max, `${f}.ClaimsSet`);
      }, `${f}.ClaimsSet`);
    }
    // NDR20 enums are 16-bit on the wire.
    v.compressionFormat = n.u16(`${f}.usCompressionFormat`);
    v.compressionFormatName = ClaimsCompressionFormats[v.compressionFormat] ?? `unknown (${v.compressionFormat})`;
    v.uncompressedClaimsSetSize = n.u32(`${f}.ulUncompressedClaimsSetSize`);
    n.u16(`${f}.usReservedType`);
    const reservedSize = n.u32(`${f}.ulReservedFieldSize`);
    const rptr = n.pointer(`${f}.ReservedField`);
    if (n.ok && rptr !== 0) {
      n.defer(() => {
        const max = n.conformance(1, `${f}.ReservedField`);
        if (n.ok && max !== reservedSize) n.fail('ReservedField MaxCount differs from ulReservedFieldSize', `${f}.ReservedField`);
        n.bytes(max, `${f}.ReservedField`);
      }, `${f}.ReservedField`);
    }
    return v;
  });
}
