/**
 * KRB-ERROR e-data (RFC 4120 §5.9.1 and MS-KILE §2.2.1/§2.2.2). Three shapes travel in the same OCTET STRING and
 * are told apart by their first inner tag:
 * - METHOD-DATA  (SEQUENCE OF PA-DATA: `30 .. 30 .. a1`), e.g. ETYPE-INFO2 with KDC_ERR_PREAUTH_REQUIRED;
 * - KERB-ERROR-DATA (MS-KILE: `30 .. a1`), whose KERB_ERR_TYPE_EXTENDED value carries the NTSTATUS;
 * - TYPED-DATA (SEQUENCE OF SEQUENCE `{[0] [1]}`: `30 .. 30 .. a0`), from PKINIT and some KDCs.
 */
import { decodeDer, field, type Infer, int32, octetString, optional, sequence } from '../../wire/asn1.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { KerbErrorDataType } from './constants.js';
import { krbErrorInfo } from './error-codes.js';
import { type KrbError, MethodData, TypedData } from './messages.js';
import { ntStatusInfo } from './ntstatus.js';
import { type DecodedPaData, decodePaData } from './padata.js';

// MS-KILE §2.2.2
/**
 * ```asn1
 * KERB-ERROR-DATA ::= SEQUENCE {
 *     data-type  [1] INTEGER,
 *     data-value [2] OCTET STRING OPTIONAL
 * }
 * ```
 */
export const KerbErrorData = sequence('KERB-ERROR-DATA', {
  dataType: field(1, int32),
  dataValue: optional(2, octetString),
});
export type KerbErrorData = Infer<typeof KerbErrorData>;

// MS-KILE §2.2.1
/**
 * ```c
 * struct KERB_EXT_ERROR {
 *   unsigned long status;    // NTSTATUS, little-endian
 *   unsigned long reserved;
 *   unsigned long flags;     // 0x00000001: status is valid
 * };
 * ```
 */
export interface KerbExtError {
  status: number;
  reserved: number;
  flags: number;
  /** e.g. "STATUS_ACCOUNT_DISABLED"; undefined when the status is not in our table. */
  statusName?: string;
  statusMeaning?: string;
}

export function decodeKerbExtError(b: Uint8Array): KerbExtError {
  const r = new ByteReader(b);
  const status = r.u32le('status');
  const reserved = r.u32le('reserved');
  const flags = r.u32le('flags');
  r.expectEnd('KERB-EXT-ERROR');
  r.check();
  const info = ntStatusInfo(status);
  return info ? { status, reserved, flags, statusName: info.name, statusMeaning: info.meaning } : { status, reserved, flags };
}

export type DecodedEData =
  | { kind: 'method-data'; padata: DecodedPaData[] }
  | { kind: 'kerb-error-data'; dataType: number; dataValue?: Uint8Array; extended?: KerbExtError; error?: DecodeError }
  | { kind: 'typed-data'; entries: Infer<typeof TypedData> }
  | { kind: 'raw'; raw: Uint8Array; error?: DecodeError };

/**
 * Decodes a KRB-ERROR's e-data. Never throws for bad input: what cannot be read is returned as `raw` with the
 * DecodeError that explains why.
 */
export function decodeEData(eData: Uint8Array): DecodedEData {
  // Tell the shapes apart by the first two identifier octets: 30 <len> then 30 (list) or a1 (KERB-ERROR-DATA).
  const r = new ByteReader(eData);
  let firstInner: number | undefined;
  if (r.u8() === 0x30) {
    const l = r.u8();
    if (l & 0x80) r.skip(l & 0x7f);
    firstInner = r.peekU8();
  }
  try {
    if (firstInner === 0xa1) {
      const ked = decodeDer(KerbErrorData, eData, { path: 'e-data' });
      const out: DecodedEData = { kind: 'kerb-error-data', dataType: ked.dataType, dataValue: ked.dataValue };
      if (ked.dataType === KerbErrorDataType.KERB_ERR_TYPE_EXTENDED && ked.dataValue) {
        try {
          out.extended = decodeKerbExtError(ked.dataValue);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          out.error = e;
        }
      }
      return out;
    }
    if (firstInner === 0x30 || (firstInner === undefined && eData.length === 2 && eData[0] === 0x30)) {
      // METHOD-DATA's PA-DATA starts with [1]; TYPED-DATA's entries start with [0].
      const sub = new ByteReader(eData);
      sub.u8();
      const l = sub.u8();
      if (l & 0x80) sub.skip(l & 0x7f);
      sub.u8();
      const l2 = sub.u8();
      if (l2 & 0x80) sub.skip(l2 & 0x7f);
      if (sub.peekU8() === 0xa0) return { kind: 'typed-data', entries: decodeDer(TypedData, eData, { path: 'e-data' }) };
      return { kind: 'method-data', padata: decodeDer(MethodData, eData, { path: 'e-data' }).map(decodePaData) };
    }
    return { kind: 'raw', raw: eData.slice() };
  } catch (e) {
    if (e instanceof DecodeError) return { kind: 'raw', raw: eData.slice(), error: e };
    throw e;
  }
}

export interface KrbErrorSummary {
  code: number;
  /** RFC name, e.g. KDC_ERR_CLIENT_REVOKED. */
  name: string;
  meaning: string;
  causes: readonly string[];
  /** True for codes that are a normal step (PREAUTH_REQUIRED, RESPONSE_TOO_BIG...). */
  normal: boolean;
  eText?: string;
  /** The NTSTATUS a Windows KDC attached (KERB_ERR_TYPE_EXTENDED), which usually names the real reason. */
  ntStatus?: KerbExtError;
  eData?: DecodedEData;
}

/** The error code's table entry plus what the e-data adds (NTSTATUS, METHOD-DATA). Never throws. */
export function describeKrbError(err: Pick<KrbError, 'errorCode' | 'eText' | 'eData'>): KrbErrorSummary {
  const info = krbErrorInfo(err.errorCode);
  const eData = err.eData ? decodeEData(err.eData) : undefined;
  const ntStatus =
    eData?.kind === 'kerb-error-data' ? eData.extended : eData?.kind === 'method-data' ? pwSaltStatus(eData.padata) : undefined;
  return {
    code: info.code,
    name: info.name,
    meaning: info.meaning,
    causes: info.causes,
    normal: info.normal === true,
    ...(err.eText !== undefined ? { eText: err.eText } : {}),
    ...(ntStatus ? { ntStatus } : {}),
    ...(eData ? { eData } : {}),
  };
}

/**
 * The second way a Windows (and Samba) KDC sends the NTSTATUS: METHOD-DATA whose PA-PW-SALT (3) holds not a salt
 * but the 12-byte KERB_EXT_ERROR {status, reserved, flags} (MS-KILE §2.2.1; Wireshark's `dissect_krb5_PW_SALT`
 * reads it the same way inside a KRB-ERROR). KDC_ERR_CLIENT_REVOKED arrives like this, so this is what tells a
 * disabled account from a locked or an expired one.
 */
function pwSaltStatus(padata: readonly DecodedPaData[]): KerbExtError | undefined {
  for (const pa of padata) {
    if (pa.type !== 3 || pa.raw.length !== 12) continue;
    try {
      return decodeKerbExtError(pa.raw);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  }
  return undefined;
}
