/**
 * The Simple Paged Results control (RFC 2696 §2), OID 1.2.840.113556.1.4.319 (LDAP_PAGED_RESULT_OID_STRING; MS-ADTS
 * §3.1.1.3.4.1.1). Active Directory answers at most MaxPageSize (1000) entries per search without it.
 *
 * ```text
 * realSearchControlValue ::= SEQUENCE {
 *         size            INTEGER (0..maxInt),   -- requested page size from client / result set size estimate from server
 *         cookie          OCTET STRING }
 * ```
 */
import { decodeTlv, TagClass, Universal } from '../../wire/der.js';
import { DecodeError } from '../../wire/errors.js';
import { BerCursor, encodeInteger, octets, seq } from './ber.js';
import type { Control } from './message.js';

export const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

export interface PagedResultsValue {
  size: number;
  cookie: Uint8Array;
}

export function encodePagedResultsControl(v: PagedResultsValue, criticality = false): Control {
  return { controlType: PAGED_RESULTS_OID, criticality, controlValue: seq(encodeInteger(v.size), octets(v.cookie)) };
}

export function decodePagedResultsValue(bytes: Uint8Array, base = 0): PagedResultsValue {
  const t = decodeTlv(bytes, 'realSearchControlValue', base);
  if (t.cls !== TagClass.UNIVERSAL || t.tag !== Universal.SEQUENCE || !t.constructed)
    throw new DecodeError('ERR_BAD_TAG', 'realSearchControlValue is a SEQUENCE', { field: 'realSearchControlValue', offset: t.offset });
  const c = new BerCursor(t, 'realSearchControlValue');
  const size = c.int('size');
  const cookie = c.octets('cookie');
  c.end();
  return { size, cookie };
}

/** The paged-results control among a response's controls, decoded (undefined when the server sent none). */
export function pagedResultsOf(controls: readonly Control[] | undefined): PagedResultsValue | undefined {
  const c = controls?.find((x) => x.controlType === PAGED_RESULTS_OID);
  return c?.controlValue ? decodePagedResultsValue(c.controlValue) : undefined;
}
