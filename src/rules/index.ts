/** The rulebook: every rule, one per file. The same rules serve decode, live checks, traces and event logs. */
import type { Fact } from '../facts/fact.js';
import { accountProblem } from './account-problem.js';
import { captureDamaged } from './capture-damaged.js';
import { captureMissingSegments } from './capture-missing-segments.js';
import { clockSkew } from './clock-skew.js';
import { enctypeUnsupported } from './enctype-unsupported.js';
import { type Finding, type Rule, STEPS } from './finding.js';
import { headerRejected } from './header-rejected.js';
import { keytabMissingEnctype } from './keytab-missing-enctype.js';
import { keytabStaleKvno } from './keytab-stale-kvno.js';
import { keytabWrongKey } from './keytab-wrong-key.js';
import { krbErrorOther } from './krb-error-other.js';
import { malformedInput } from './malformed-input.js';
import { ntlmFallback } from './ntlm-fallback.js';
import { ntlmOnly } from './ntlm-only.js';
import { spnMissing } from './spn-missing.js';
import { ticketNotForServer } from './ticket-not-for-server.js';
import { tokenTooLarge } from './token-too-large.js';
import { weakEnctype } from './weak-enctype.js';
// live/network rules (check; trace reads the same shared facts)
import { badReply } from './bad-reply.js';
import { dcNotDiscoverable } from './dc-not-discoverable.js';
import { dnsAWrong } from './dns-a-wrong.js';
import { dnsUnreachable } from './dns-unreachable.js';
import { kdcUnreachable } from './kdc-unreachable.js';
import { ldapUnreachable } from './ldap-unreachable.js';
import { mutualAuth } from './mutual-auth.js';
import { noCredentials } from './no-credentials.js';
import { realmUnknown } from './realm-unknown.js';
import { spnCname } from './spn-cname.js';
import { spnPortUrl } from './spn-port-url.js';
import { tgtExpired } from './tgt-expired.js';
import { webUnreachable } from './web-unreachable.js';

export * from './finding.js';

export const RULES: readonly Rule[] = [
  captureDamaged,
  captureMissingSegments,
  malformedInput,
  accountProblem,
  clockSkew,
  spnMissing,
  enctypeUnsupported,
  ntlmFallback,
  weakEnctype,
  tokenTooLarge,
  headerRejected,
  ntlmOnly,
  keytabWrongKey,
  keytabStaleKvno,
  keytabMissingEnctype,
  ticketNotForServer,
  krbErrorOther,
  badReply,
  dcNotDiscoverable,
  dnsAWrong,
  dnsUnreachable,
  kdcUnreachable,
  ldapUnreachable,
  mutualAuth,
  noCredentials,
  realmUnknown,
  spnCname,
  spnPortUrl,
  tgtExpired,
  webUnreachable,
];

const STEP_ORDER = Object.keys(STEPS);
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Runs every rule; findings come back in the walk-through's order (step), most severe first within a step. */
export function evaluate(facts: readonly Fact[], rules: readonly Rule[] = RULES): Finding[] {
  const out = rules.flatMap((r) => r.evaluate(facts));
  return out.sort(
    (a, b) => STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}
