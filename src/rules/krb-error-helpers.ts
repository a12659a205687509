import type { Fact } from '../facts/fact.js';
import { type FactOf, factsOf } from '../facts/fact.js';

export type KrbErrorFact = FactOf<'krb-error'>;

export function krbErrors(facts: readonly Fact[], ...codes: number[]): KrbErrorFact[] {
  return factsOf(facts, 'krb-error').filter((f) => codes.includes(f.code));
}

export function errorEvidence(f: KrbErrorFact): string {
  const who = f.from === 'service' ? 'the service answered' : f.from === 'kdc' ? 'the KDC answered' : 'a KRB-ERROR says';
  const st = f.ntStatusName ? `, NTSTATUS ${f.ntStatusName}` : '';
  const text = f.eText ? ` ("${f.eText}")` : '';
  return `${f.where.label}: ${who} ${f.name} (${f.code}) for ${f.sname.join('/')}@${f.realm}${st}${text}`;
}
