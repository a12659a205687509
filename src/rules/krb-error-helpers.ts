import type { Fact } from '../facts/fact.js';
import { type FactOf, factsOf } from '../facts/fact.js';

export type KrbErrorFact = FactOf<'krb-error'>;

export function krbErrors(facts: readonly Fact[], ...codes: number[]): KrbErrorFact[] {
  return factsOf(facts, 'krb-error').filter((f) => codes.includes(f.code));
}

/** The kvno of the ticket the client sent for this service in the same evidence (the AP-REQ before the error). */
export function apReqKvno(facts: readonly Fact[], sname: readonly string[]): number | undefined {
  const key = sname.join('/').toLowerCase();
  return factsOf(facts, 'ap-req').find((a) => a.sname.join('/').toLowerCase() === key && a.kvno !== undefined)?.kvno;
}

/**
 * What trying the given keys on the ticket for this service proved (a ticket-decrypt fact in the same evidence), if
 * anything. A server's error code says what the server felt; the keys say why. Rules that read the server's error
 * stand back when the keys prove another, more specific cause (the kvno-equal / enctype-missing case).
 */
export function decryptVerdict(facts: readonly Fact[], sname: readonly string[]): string | undefined {
  const key = sname.join('/').toLowerCase();
  return factsOf(facts, 'ticket-decrypt').find((d) => d.principal.replace(/@[^@]*$/, '').toLowerCase() === key)?.status;
}

export function errorEvidence(f: KrbErrorFact): string {
  const who = f.from === 'service' ? 'the service answered' : f.from === 'kdc' ? 'the KDC answered' : 'a KRB-ERROR says';
  const st = f.ntStatusName ? `, NTSTATUS ${f.ntStatusName}` : '';
  const text = f.eText ? ` ("${f.eText}")` : '';
  return `${f.where.label}: ${who} ${f.name} (${f.code}) for ${f.sname.join('/')}@${f.realm}${st}${text}`;
}
