/** What the account rules share: which KRB-ERRORs are about the user's account, and how the user is named. */
import type { Fact } from '../facts/fact.js';
import { type KrbErrorFact, krbErrors } from './krb-error-helpers.js';

/** KDC_ERR_CLIENT_REVOKED (18) with the NTSTATUS names that say why (MS-KILE §3.3.5.7.1 / MS-ERREF). */
export const REVOKED_DISABLED = 'STATUS_ACCOUNT_DISABLED';
export const REVOKED_LOCKED = 'STATUS_ACCOUNT_LOCKED_OUT';
export const PASSWORD_EXPIRED_STATUSES = ['STATUS_PASSWORD_EXPIRED', 'STATUS_PASSWORD_MUST_CHANGE'];

/** The user as the error names it (sAMAccountName or UPN without realm): what Get-ADUser -Identity takes. */
export function userOf(f: KrbErrorFact): string | undefined {
  return f.cname?.length ? f.cname.join('/') : undefined;
}

/** Errors 18 whose NTSTATUS (or its absence) the predicate accepts. */
export function revoked(facts: readonly Fact[], pred: (status: string | undefined) => boolean): KrbErrorFact[] {
  return krbErrors(facts, 18).filter((f) => pred(f.ntStatusName));
}
