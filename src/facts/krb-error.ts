/**
 * KRB-ERROR (RFC 4120 §5.9.1) → the `krb-error` fact, the same from every source (decode, check, trace): the
 * error code and its name, the NTSTATUS Windows and Samba put in e-data (MS-KILE §2.2.1 KERB-ERROR-DATA, or a
 * PA-PW-SALT inside METHOD-DATA), the names and times the rules read.
 */
import { describeKrbError, type KrbError } from '../protocol/krb5/index.js';
import type { Fact, Where } from './fact.js';

export function krbErrorFact(where: Where, e: KrbError, from: 'kdc' | 'service' | 'unknown'): Extract<Fact, { kind: 'krb-error' }> {
  const d = describeKrbError(e);
  return {
    kind: 'krb-error',
    where,
    code: e.errorCode,
    name: d.name,
    from,
    sname: e.sname.nameString,
    realm: e.realm,
    cname: e.cname?.nameString,
    eText: e.eText,
    ntStatus: d.ntStatus?.status,
    ntStatusName: d.ntStatus?.statusName,
    stime: e.stime,
    ctime: e.ctime,
  };
}
