/** The rulebook: every rule, one per file. The same rules serve decode, live checks, traces and event logs. */

import type { Fact } from '../facts/fact.js';
import { accountDisabled } from './account-disabled.js';
import { accountLocked } from './account-locked.js';
import { accountRevoked } from './account-revoked.js';
import { badPassword } from './bad-password.js';
import { badReply } from './bad-reply.js';
import { captureDamaged } from './capture-damaged.js';
import { captureMissingSegments } from './capture-missing-segments.js';
import { clockSkew } from './clock-skew.js';
import { dcNotDiscoverable } from './dc-not-discoverable.js';
import { decryptFailed } from './decrypt-failed.js';
import { delegationKdcRefused } from './delegation-kdc-refused.js';
import { delegationNotConfigured } from './delegation-not-configured.js';
import { delegationProtocolTransition } from './delegation-protocol-transition.js';
import { delegationSpnNotAllowed } from './delegation-spn-not-allowed.js';
import { delegationTargetUnknown } from './delegation-target-unknown.js';
import { delegationUnconstrained } from './delegation-unconstrained.js';
import { delegationUserSensitive } from './delegation-user-sensitive.js';
import { dnsAWrong } from './dns-a-wrong.js';
import { dnsUnreachable } from './dns-unreachable.js';
import { enctypeUnsupported } from './enctype-unsupported.js';
import { accountLockout } from './events/account-lockout.js';
import { logonFailure } from './events/logon-failure.js';
import { passwordSpray } from './events/password-spray.js';
import { preauthDisabled } from './events/preauth-disabled.js';
import { systemConditions } from './events/system-conditions.js';
import { userEnumeration } from './events/user-enumeration.js';
import { weakTicketIssued } from './events/weak-ticket-issued.js';
import { type Finding, type Rule, STEPS } from './finding.js';
import { headerRejected } from './header-rejected.js';
import { kdcUnreachable } from './kdc-unreachable.js';
import { keytabMissingEnctype } from './keytab-missing-enctype.js';
import { keytabStaleKvno } from './keytab-stale-kvno.js';
import { keytabWrongKey } from './keytab-wrong-key.js';
import { krbErrorOther } from './krb-error-other.js';
import { ldapUnreachable } from './ldap-unreachable.js';
import { malformedInput } from './malformed-input.js';
import { mutualAuth } from './mutual-auth.js';
import { negotiateNotAttempted } from './negotiate-not-attempted.js';
import { noCredentials } from './no-credentials.js';
import { ntlmFallback } from './ntlm-fallback.js';
import { ntlmOnly } from './ntlm-only.js';
import { passwordExpired } from './password-expired.js';
import { realmUnknown } from './realm-unknown.js';
import { smbFailed } from './smb-failed.js';
import { smbWorksHttpFails } from './smb-works-http-fails.js';
import { spnCname } from './spn-cname.js';
import { spnDuplicate } from './spn-duplicate.js';
import { spnMissing } from './spn-missing.js';
import { spnPort } from './spn-port.js';
import { spnPortUrl } from './spn-port-url.js';
import { spnWrongAccount } from './spn-wrong-account.js';
import { tgtExpired } from './tgt-expired.js';
import { ticketNotForServer } from './ticket-not-for-server.js';
import { tokenTooLarge } from './token-too-large.js';
import { unknownUser } from './unknown-user.js';
import { urlIsIp } from './url-is-ip.js';
import { weakEnctype } from './weak-enctype.js';
import { webUnreachable } from './web-unreachable.js';

export * from './finding.js';

/**
 * Order matters only between findings of the same severity and step: a rule listed earlier ranks first, so the
 * more specific rule comes before the more general one (keytab-missing-enctype before keytab-stale-kvno).
 */
export const RULES: Rule[] = [
  captureDamaged,
  captureMissingSegments,
  malformedInput,
  badReply,
  decryptFailed,
  realmUnknown,
  noCredentials,
  tgtExpired,
  dnsUnreachable,
  dcNotDiscoverable,
  kdcUnreachable,
  ldapUnreachable,
  webUnreachable,
  dnsAWrong,
  urlIsIp,
  spnCname,
  clockSkew,
  accountDisabled,
  accountLocked,
  passwordExpired,
  accountRevoked,
  unknownUser,
  badPassword,
  spnPortUrl,
  spnPort,
  spnDuplicate,
  spnWrongAccount,
  spnMissing,
  enctypeUnsupported,
  ntlmFallback,
  weakEnctype,
  negotiateNotAttempted,
  tokenTooLarge,
  headerRejected,
  ntlmOnly,
  keytabMissingEnctype,
  keytabWrongKey,
  keytabStaleKvno,
  ticketNotForServer,
  mutualAuth,
  smbFailed,
  smbWorksHttpFails,
  delegationUserSensitive,
  delegationTargetUnknown,
  delegationNotConfigured,
  delegationSpnNotAllowed,
  delegationProtocolTransition,
  delegationUnconstrained,
  delegationKdcRefused,
  krbErrorOther,
  // event-log rules (their facts come only from `events`)
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
/** Evidence lines kept per merged finding; the rest are counted. */
const MAX_EVIDENCE = 20;

/**
 * Runs every rule and ranks the findings so that findings[0] is the root cause:
 *  1. findings with the same id, title and explanation merge into one (`count`, evidence and refs joined), so a
 *     capture with 500 identical errors or an event log with 10,000 records gives one finding per cause;
 *  2. a finding whose rule `explains` another id marks that one `explainedBy` (a dropped KDC port explains the
 *     missing ticket): consequences rank after every cause;
 *  3. then errors before warnings before info, the guidance's step order, and the rule order in RULES.
 */
export function evaluate(facts: readonly Fact[], rules: readonly Rule[] = RULES): Finding[] {
  const ruleIndex = new Map<Finding, number>();
  const merged = new Map<string, Finding>();
  const explains = new Map<string, readonly string[]>();
  rules.forEach((r, i) => {
    for (const f of r.evaluate(facts)) {
      if (r.explains?.length) explains.set(f.id, [...(explains.get(f.id) ?? []), ...r.explains]);
      const key = `${f.id}\u0000${f.title}\u0000${f.explanation}`;
      const prev = merged.get(key);
      if (!prev) {
        const copy = { ...f, evidence: [...f.evidence] };
        merged.set(key, copy);
        ruleIndex.set(copy, i);
        continue;
      }
      prev.count = (prev.count ?? 1) + (f.count ?? 1);
      for (const e of f.evidence) if (!prev.evidence.includes(e)) prev.evidence.push(e);
      if (f.refs) prev.refs = [...(prev.refs ?? []), ...f.refs];
      if (f.firstSeen && (!prev.firstSeen || f.firstSeen < prev.firstSeen)) prev.firstSeen = f.firstSeen;
      if (f.lastSeen && (!prev.lastSeen || f.lastSeen > prev.lastSeen)) prev.lastSeen = f.lastSeen;
    }
  });
  const out = [...merged.values()];
  for (const f of out) {
    if (f.evidence.length > MAX_EVIDENCE) {
      const more = f.evidence.length - MAX_EVIDENCE;
      f.evidence = [...f.evidence.slice(0, MAX_EVIDENCE), `… and ${more} more`];
    }
    for (const [cause, ids] of explains)
      if (cause !== f.id && ids.includes(f.id) && out.some((o) => o.id === cause)) f.explainedBy ??= cause;
  }
  // two findings that explain each other (a dropped KDC port and missing SRV records): the more severe one, else the
  // earlier step, else the earlier rule, is the cause; the other keeps the explanation
  const byId = new Map(out.map((f) => [f.id, f]));
  const rank = (f: Finding): [number, number, number] => [SEVERITY_ORDER[f.severity], STEP_ORDER.indexOf(f.step), ruleIndex.get(f) ?? 0];
  for (const f of out) {
    const c = f.explainedBy ? byId.get(f.explainedBy) : undefined;
    if (!c || c.explainedBy !== f.id) continue;
    const [a, b] = [rank(f), rank(c)];
    const fFirst = a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
    if (fFirst) f.explainedBy = undefined;
    else c.explainedBy = undefined;
  }
  // a cause that is itself explained passes its place on: a → b → c makes c explained by a, the root
  const by = new Map(out.filter((f) => f.explainedBy).map((f) => [f.id, f.explainedBy as string]));
  for (const f of out) {
    const seen = new Set([f.id]);
    let root = f.explainedBy;
    while (root && by.has(root) && !seen.has(by.get(root) as string)) {
      seen.add(root);
      root = by.get(root);
    }
    if (root && root !== f.id) f.explainedBy = root;
  }
  return out.sort(
    (a, b) =>
      Number(a.explainedBy !== undefined) - Number(b.explainedBy !== undefined) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step) ||
      (ruleIndex.get(a) ?? 0) - (ruleIndex.get(b) ?? 0),
  );
}
