/**
 * The PAC container (MS-PAC §2.3 PACTYPE, §2.4 PAC_INFO_BUFFER) and the dispatch of each buffer to its decoder.
 *
 *     PACTYPE         = cBuffers(ULONG) Version(ULONG)=0 Buffers(PAC_INFO_BUFFER[cBuffers]) buffer-data
 *     PAC_INFO_BUFFER = ulType(ULONG) cbBufferSize(ULONG) Offset(ULONG64, from the start of PACTYPE, 8-aligned)
 *
 * A broken header (too short, more buffers than fit) is a DecodeError. A broken *buffer* is not: it is kept as an
 * entry with its `error`, and every other buffer still decodes (after Zeek's "record the violation, keep going").
 * Unknown types are kept as raw bytes with their number (MS-PAC §2.4: "types that are not understood MUST be ignored").
 */
import { DecodeError, isDecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';
import {
  type ClaimsSetMetadata,
  decodeClaimsSetMetadata,
  decodePacAttributesInfo,
  decodePacClientInfo,
  decodePacCredentialInfo,
  decodePacRequestor,
  decodePacSignatureData,
  decodeUpnDnsInfo,
  type PacAttributesInfo,
  type PacClientInfo,
  type PacCredentialInfo,
  type PacRequestor,
  type PacSignatureData,
  type UpnDnsInfo,
} from './buffers.js';
import {
  decodeKerbValidationInfo,
  decodePacDeviceInfo,
  decodeS4uDelegationInfo,
  type KerbValidationInfo,
  type PacDeviceInfo,
  type S4uDelegationInfo,
} from './logon-info.js';

/** MS-PAC §2.4 ulType values. */
export const PacBufferType = {
  LOGON_INFO: 1,
  CREDENTIALS_INFO: 2,
  SERVER_CHECKSUM: 6,
  PRIVSVR_CHECKSUM: 7,
  CLIENT_INFO: 10,
  CONSTRAINED_DELEGATION_INFO: 11,
  UPN_DNS_INFO: 12,
  CLIENT_CLAIMS_INFO: 13,
  DEVICE_INFO: 14,
  DEVICE_CLAIMS_INFO: 15,
  TICKET_CHECKSUM: 16,
  ATTRIBUTES_INFO: 17,
  REQUESTOR: 18,
  FULL_CHECKSUM: 19,
} as const;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'Logon information (KERB_VALIDATION_INFO)',
  2: 'Credentials information (PAC_CREDENTIAL_INFO)',
  6: 'Server checksum',
  7: 'KDC (privilege server) checksum',
  10: 'Client name and ticket information (PAC_CLIENT_INFO)',
  11: 'Constrained delegation information (S4U_DELEGATION_INFO)',
  12: 'UPN and DNS information (UPN_DNS_INFO)',
  13: 'Client claims information',
  14: 'Device information (PAC_DEVICE_INFO)',
  15: 'Device claims information',
  16: 'Ticket checksum',
  17: 'PAC attributes (PAC_ATTRIBUTES_INFO)',
  18: 'PAC requestor',
  19: 'Extended KDC (full PAC) checksum',
};

/** A human name for a PAC buffer type number; unknown numbers say so. */
export function pacBufferTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `Unknown PAC buffer type ${type}`;
}

export type PacBufferValue =
  | { kind: 'logonInfo'; logonInfo: KerbValidationInfo }
  | { kind: 'credentialInfo'; credentialInfo: PacCredentialInfo }
  | { kind: 'signature'; signature: PacSignatureData }
  | { kind: 'clientInfo'; clientInfo: PacClientInfo }
  | { kind: 'delegationInfo'; delegationInfo: S4uDelegationInfo }
  | { kind: 'upnDnsInfo'; upnDnsInfo: UpnDnsInfo }
  | { kind: 'claims'; claims: ClaimsSetMetadata }
  | { kind: 'deviceInfo'; deviceInfo: PacDeviceInfo }
  | { kind: 'attributesInfo'; attributesInfo: PacAttributesInfo }
  | { kind: 'requestor'; requestor: PacRequestor }
  | { kind: 'unknown' };

/** One PAC_INFO_BUFFER with its decoded content, or the error that stopped it. */
export interface PacBuffer {
  /** ulType */
  type: number;
  typeName: string;
  /** Offset from the start of the PAC (absolute within the PAC bytes). */
  offset: number;
  /** cbBufferSize */
  size: number;
  /** The buffer's bytes (a view into the input). */
  data: Uint8Array;
  value?: PacBufferValue;
  error?: DecodeError;
}

/** MS-PAC §2.3 PACTYPE, decoded. The named fields point at the first buffer of each type (later ones are ignored). */
export interface Pac {
  version: number;
  buffers: PacBuffer[];
  /** Buffers that failed to decode (also present in `buffers` with their `error`). */
  errors: DecodeError[];
  /** Deviations that did not stop decoding (misaligned offsets, duplicate types, overlapping buffers). */
  warnings: string[];
  logonInfo?: KerbValidationInfo;
  credentialInfo?: PacCredentialInfo;
  serverChecksum?: PacSignatureData;
  kdcChecksum?: PacSignatureData;
  ticketChecksum?: PacSignatureData;
  fullChecksum?: PacSignatureData;
  clientInfo?: PacClientInfo;
  delegationInfo?: S4uDelegationInfo;
  upnDnsInfo?: UpnDnsInfo;
  clientClaims?: ClaimsSetMetadata;
  deviceInfo?: PacDeviceInfo;
  deviceClaims?: ClaimsSetMetadata;
  attributesInfo?: PacAttributesInfo;
  requestor?: PacRequestor;
}

/** More buffers than this is not a PAC (real ones have 4-10). Guards the per-buffer work on hostile input. */
const MAX_BUFFERS = 1024;

function decodeValue(type: number, data: Uint8Array, base: number): PacBufferValue {
  switch (type) {
    case PacBufferType.LOGON_INFO:
      return { kind: 'logonInfo', logonInfo: decodeKerbValidationInfo(data, base) };
    case PacBufferType.CREDENTIALS_INFO:
      return { kind: 'credentialInfo', credentialInfo: decodePacCredentialInfo(data, base) };
    case PacBufferType.SERVER_CHECKSUM:
    case PacBufferType.PRIVSVR_CHECKSUM:
    case PacBufferType.TICKET_CHECKSUM:
    case PacBufferType.FULL_CHECKSUM:
      return { kind: 'signature', signature: decodePacSignatureData(data, base) };
    case PacBufferType.CLIENT_INFO:
      return { kind: 'clientInfo', clientInfo: decodePacClientInfo(data, base) };
    case PacBufferType.CONSTRAINED_DELEGATION_INFO:
      return { kind: 'delegationInfo', delegationInfo: decodeS4uDelegationInfo(data, base) };
    case PacBufferType.UPN_DNS_INFO:
      return { kind: 'upnDnsInfo', upnDnsInfo: decodeUpnDnsInfo(data, base) };
    case PacBufferType.CLIENT_CLAIMS_INFO:
    case PacBufferType.DEVICE_CLAIMS_INFO:
      return { kind: 'claims', claims: decodeClaimsSetMetadata(data, base) };
    case PacBufferType.DEVICE_INFO:
      return { kind: 'deviceInfo', deviceInfo: decodePacDeviceInfo(data, base) };
    case PacBufferType.ATTRIBUTES_INFO:
      return { kind: 'attributesInfo', attributesInfo: decodePacAttributesInfo(data, base) };
    case PacBufferType.REQUESTOR:
      return { kind: 'requestor', requestor: decodePacRequestor(data, base) };
    default:
      return { kind: 'unknown' };
  }
}

export interface DecodePacOptions {
  /** Absolute offset of the PAC in an outer input, for error offsets (default 0). */
  base?: number;
}

/** The PAC_INFO_BUFFER list only: type, size, offset, bytes; no buffer content decoded. Throws on a bad header. */
export function readPacInfoBuffers(
  bytes: Uint8Array,
  base = 0,
): { version: number; buffers: Array<Omit<PacBuffer, 'value'>>; warnings: string[] } {
  const r = new ByteReader(bytes, base);
  const cBuffers = r.u32le('PACTYPE.cBuffers');
  const version = r.u32le('PACTYPE.Version');
  r.check();
  if (cBuffers > MAX_BUFFERS) throw new DecodeError('ERR_LIMIT', `${cBuffers} PAC buffers`, { field: 'PACTYPE.cBuffers', offset: base });
  const n = r.count(cBuffers, 16, 'PACTYPE.Buffers');
  r.check();
  const warnings: string[] = [];
  if (version !== 0) warnings.push(`PACTYPE.Version is ${version}, expected 0`);
  const buffers: Array<Omit<PacBuffer, 'value'>> = [];
  const headerEnd = 8 + n * 16;
  for (let i = 0; i < n; i++) {
    const at = r.offset;
    const type = r.u32le('PAC_INFO_BUFFER.ulType');
    const size = r.u32le('PAC_INFO_BUFFER.cbBufferSize');
    const offLo = r.u32le('PAC_INFO_BUFFER.Offset');
    const offHi = r.u32le('PAC_INFO_BUFFER.Offset');
    r.check();
    const entry: Omit<PacBuffer, 'value'> = { type, typeName: pacBufferTypeName(type), offset: offLo, size, data: new Uint8Array(0) };
    if (offHi !== 0 || offLo + size > bytes.length || (offLo < headerEnd && size > 0)) {
      entry.offset = offHi !== 0 ? Number.MAX_SAFE_INTEGER : offLo;
      entry.error = new DecodeError(
        'ERR_BAD_LENGTH',
        `buffer ${i} (type ${type}) at offset ${offHi ? `${offHi}:${offLo}` : offLo} size ${size} lies outside the ${bytes.length}-byte PAC or inside its header`,
        { field: `PAC_INFO_BUFFER[${i}]`, offset: at },
      );
    } else {
      if (offLo % 8 !== 0) warnings.push(`buffer ${i} (type ${type}) offset ${offLo} is not 8-byte aligned`);
      entry.data = bytes.subarray(offLo, offLo + size);
    }
    buffers.push(entry);
  }
  return { version, buffers, warnings };
}

/** Decodes a PAC (the ad-data of AD-WIN2K-PAC, RFC 4120 ad-type 128). Throws DecodeError only for a bad header. */
export function decodePac(bytes: Uint8Array, opts: DecodePacOptions = {}): Pac {
  const base = opts.base ?? 0;
  const head = readPacInfoBuffers(bytes, base);
  const pac: Pac = { version: head.version, buffers: [], errors: [], warnings: head.warnings };
  const seen = new Set<number>();
  for (const b of head.buffers) {
    const buf: PacBuffer = b;
    pac.buffers.push(buf);
    if (buf.error) {
      pac.errors.push(buf.error);
      continue;
    }
    try {
      buf.value = decodeValue(buf.type, buf.data, base + buf.offset);
    } catch (e) {
      if (!isDecodeError(e)) throw e;
      buf.error = e.within(`PAC[type ${buf.type}]`);
      pac.errors.push(buf.error);
      continue;
    }
    if (seen.has(buf.type)) {
      pac.warnings.push(`more than one buffer of type ${buf.type}; the first one is used`);
      continue;
    }
    seen.add(buf.type);
    assignNamed(pac, buf);
  }
  return pac;
}

function assignNamed(pac: Pac, buf: PacBuffer): void {
  const v = buf.value;
  if (!v) return;
  switch (v.kind) {
    case 'logonInfo':
      pac.logonInfo = v.logonInfo;
      break;
    case 'credentialInfo':
      pac.credentialInfo = v.credentialInfo;
      break;
    case 'signature':
      if (buf.type === PacBufferType.SERVER_CHECKSUM) pac.serverChecksum = v.signature;
      else if (buf.type === PacBufferType.PRIVSVR_CHECKSUM) pac.kdcChecksum = v.signature;
      else if (buf.type === PacBufferType.TICKET_CHECKSUM) pac.ticketChecksum = v.signature;
      else pac.fullChecksum = v.signature;
      break;
    case 'clientInfo':
      pac.clientInfo = v.clientInfo;
      break;
    case 'delegationInfo':
      pac.delegationInfo = v.delegationInfo;
      break;
    case 'upnDnsInfo':
      pac.upnDnsInfo = v.upnDnsInfo;
      break;
    case 'claims':
      if (buf.type === PacBufferType.CLIENT_CLAIMS_INFO) pac.clientClaims = v.claims;
      else pac.deviceClaims = v.claims;
      break;
    case 'deviceInfo':
      pac.deviceInfo = v.deviceInfo;
      break;
    case 'attributesInfo':
      pac.attributesInfo = v.attributesInfo;
      break;
    case 'requestor':
      pac.requestor = v.requestor;
      break;
    case 'unknown':
      break;
  }
}

/** One buffer to put into a PAC: its type number and its encoded bytes. */
export interface PacBufferInput {
  type: number;
  data: Uint8Array;
}

/**
 * Lays out a PAC: header, PAC_INFO_BUFFER array, then each buffer at an 8-byte-aligned offset, zero padded
 * (the last one too), in the given order. Signatures are whatever bytes are passed: see `signPac`.
 */
export function encodePac(buffers: readonly PacBufferInput[], version = 0): Uint8Array {
  let pos = 8 + buffers.length * 16;
  const offsets: number[] = [];
  for (const b of buffers) {
    pos = (pos + 7) & ~7;
    offsets.push(pos);
    pos += b.data.length;
  }
  pos = (pos + 7) & ~7;
  const w = new ByteWriter(pos);
  w.u32le(buffers.length).u32le(version);
  buffers.forEach((b, i) => {
    w.u32le(b.type).u32le(b.data.length).u64le(BigInt(offsets[i]!));
  });
  buffers.forEach((b, i) => {
    while (w.length < offsets[i]!) w.u8(0);
    w.bytes(b.data);
  });
  while (w.length < pos) w.u8(0);
  return w.finish();
}
