/** The rulebook: every rule, one per file. The same rules serve decode, live checks, traces and event logs. */
import type { Fact } from '../facts/fact.js';
import { accountLockout } from './events/account-lockout.js';
import { logonFailure } from './events/logon-failure.js';
import { passwordSpray } from './events/password-spray.js';
import { preauthDisabled } from './events/preauth-disabled.js';
import { systemConditions } from './events/system-conditions.js';
import { userEnumeration } from './events/user-enumeration.js';
import { weakTicketIssued } from './events/weak-ticket-issued.js';
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
  // event logs (src/rules/events/)
  passwordSpray,
  userEnumeration,
  logonFailure,
  accountLockout,
  systemConditions,
  weakTicketIssued,
  preauthDisabled,
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
