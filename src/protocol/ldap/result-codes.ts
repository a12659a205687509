/** LDAPResult resultCode (RFC 4511 §4.1.9 and Appendix A), with the names the RFC gives them. */
export const LdapResultCode = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  compareFalse: 5,
  compareTrue: 6,
  authMethodNotSupported: 7,
  strongerAuthRequired: 8,
  referral: 10,
  adminLimitExceeded: 11,
  unavailableCriticalExtension: 12,
  confidentialityRequired: 13,
  saslBindInProgress: 14,
  noSuchAttribute: 16,
  undefinedAttributeType: 17,
  inappropriateMatching: 18,
  constraintViolation: 19,
  attributeOrValueExists: 20,
  invalidAttributeSyntax: 21,
  noSuchObject: 32,
  aliasProblem: 33,
  invalidDNSyntax: 34,
  aliasDereferencingProblem: 36,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  loopDetect: 54,
  namingViolation: 64,
  objectClassViolation: 65,
  notAllowedOnNonLeaf: 66,
  notAllowedOnRDN: 67,
  entryAlreadyExists: 68,
  objectClassModsProhibited: 69,
  affectsMultipleDSAs: 71,
  other: 80,
} as const;

export type LdapResultCodeName = keyof typeof LdapResultCode;

const BY_CODE = new Map<number, LdapResultCodeName>(
  Object.entries(LdapResultCode).map(([k, v]) => [v, k as LdapResultCodeName] as [number, LdapResultCodeName]),
);

/** "invalidCredentials (49)"; codes outside RFC 4511 as "resultCode 123". */
export function resultCodeName(code: number): string {
  const n = BY_CODE.get(code);
  return n ? `${n} (${code})` : `resultCode ${code}`;
}
