/**
 * `kerbscope delegation`: the directory's view of a delegation chain (src/delegation/directory.ts), optionally
 * proven live with the front end's keys (S4U2Self + S4U2Proxy, src/delegation/s4u.ts), turned into findings by the
 * one rulebook. The result is the command's JSON contract:
 *
 *   { schemaVersion, frontEnd, kind, allowedTo[], hops: [{ from, to, ok, error? }], findings[] }
 *
 * plus what the text report shows (the account, the back end and who may delegate to it, the user's side).
 */
import { asExchange, type KdcContext } from '../check/kerberos.js';
import type { Fact, Where } from '../facts/fact.js';
import type { KeytabEntry } from '../formats/keytab.js';
import type { Creds } from '../krb/client.js';
import type { KdcTarget } from '../net/kdc.js';
import type { EtypeInfo2Entry } from '../protocol/krb5/index.js';
import { evaluate, type Finding } from '../rules/index.js';
import { type DelegationConfigFact, type DelegationSearch, readDelegation } from './directory.js';
import { proveDelegation } from './s4u.js';

export const DELEGATION_SCHEMA_VERSION = 1;

export interface DelegationHopView {
  from: string;
  to: string;
  ok: boolean;
  /** why the hop fails: the KDC's error, or the setting that forbids it */
  error?: string;
  /** s4u2self / s4u2proxy for a live proof; delegation for a hop judged from the directory alone */
  step: 's4u2self' | 's4u2proxy' | 'delegation';
  /** kdc: the KDC was asked (S4U); directory: judged from the settings only (no --keytab) */
  proof: 'kdc' | 'directory';
  forwardable?: boolean;
  /** the hop was not tried (an earlier one failed, or no KDC answered) */
  skipped?: boolean;
}

export interface DelegationReport {
  schemaVersion: typeof DELEGATION_SCHEMA_VERSION;
  /** the front end's sAMAccountName */
  frontEnd: string;
  kind: DelegationConfigFact['delegationKind'];
  /** msDS-AllowedToDelegateTo */
  allowedTo: string[];
  hops: DelegationHopView[];
  findings: Finding[];
  realm: string;
  account: DelegationConfigFact['frontEnd'];
  protocolTransition: boolean;
  target?: DelegationConfigFact['target'];
  user?: DelegationConfigFact['user'];
}

export interface DelegationAuditOptions {
  frontEnd: string;
  to?: string;
  /** the user whose identity is delegated (S4U2Self's PA-FOR-USER; the user-side checks) */
  user?: string;
  /** the front end's keys: with them the chain is proven against the KDC */
  keytab?: KeytabEntry[];
  kdc?: { targets: KdcTarget[]; udpPreferenceLimit: number; etypes: number[]; deadline: number };
}

/** Reads, proves (when keys are given), evaluates. Directory failures throw (the caller reports them). */
export async function auditDelegation(
  d: DelegationSearch,
  o: DelegationAuditOptions,
): Promise<{ report: DelegationReport; facts: Fact[] }> {
  const where: Where = { label: 'delegation', step: 'delegation' };
  const config = await readDelegation(d, o, where);
  const facts: Fact[] = [config];
  if (o.keytab && o.kdc && o.user) {
    const ctx: KdcContext = {
      realm: d.realm,
      targets: o.kdc.targets,
      deadline: o.kdc.deadline,
      udpPreferenceLimit: o.kdc.udpPreferenceLimit,
      now: () => new Date(),
    };
    const live: Where = { label: 'delegation: S4U proof', step: 'delegation' };
    const tgt = await frontEndTgt(ctx, config.frontEnd, o.keytab, o.kdc.etypes, live, facts);
    if (tgt.creds) await proveDelegation(ctx, tgt.creds, o.user, o.to, o.kdc.etypes, live, facts);
    else
      facts.push({
        kind: 'delegation-hop',
        where: live,
        step: 's4u2self',
        from: o.user,
        to: `${config.frontEnd.account}@${d.realm}`,
        user: o.user,
        ok: false,
        skipped: `no TGT for ${config.frontEnd.account}: ${tgt.detail}`,
        detail: `not tried: no TGT for ${config.frontEnd.account} with the keytab (${tgt.detail})`,
      });
  }
  const findings = evaluate(facts);
  return { report: reportOf(config, facts, findings), facts };
}

/** The front end's TGT from its keytab: the account's keys (any entry: a keytab holds the account's key under its SPNs too). */
export async function frontEndTgt(
  ctx: KdcContext,
  fe: Pick<DelegationConfigFact['frontEnd'], 'account' | 'spns'>,
  keytab: KeytabEntry[],
  etypes: readonly number[],
  where: Where,
  facts: Fact[],
): Promise<{ creds?: Creds; detail: string }> {
  const names = new Set([fe.account, ...fe.spns].map((x) => x.toLowerCase()));
  const mine = keytab.filter((e) => names.has(e.principal.components.join('/').toLowerCase()));
  const entries = mine.length ? mine : keytab;
  const keyFor = (info: EtypeInfo2Entry[], req: readonly number[]) => {
    for (const i of info.length ? info.map((x) => x.etype) : req) {
      const e = entries.filter((x) => x.enctype === i).sort((a, b) => b.kvno - a.kvno)[0];
      if (e && req.includes(i)) return { enctype: e.enctype, key: e.key };
    }
    return undefined;
  };
  const r = await asExchange(ctx, fe.account, etypes, keyFor, where, facts);
  return r.creds ? { creds: r.creds, detail: r.detail } : { detail: r.detail };
}

function reportOf(c: DelegationConfigFact, facts: readonly Fact[], findings: Finding[]): DelegationReport {
  const live = facts.filter((f): f is Extract<Fact, { kind: 'delegation-hop' }> => f.kind === 'delegation-hop');
  const hops: DelegationHopView[] = live.map((h) => ({
    from: h.from,
    to: h.to,
    ok: h.ok,
    ...(h.ok ? {} : { error: h.errorName ? `${h.errorName} (${h.errorCode})${h.eText ? `: ${h.eText}` : ''}` : (h.skipped ?? h.detail) }),
    step: h.step,
    proof: 'kdc' as const,
    ...(h.forwardable !== undefined ? { forwardable: h.forwardable } : {}),
    ...(h.skipped ? { skipped: true } : {}),
  }));
  if (!hops.length && c.target) {
    const t = c.target;
    const blocked = findings.find((f) => f.step === 'delegation' && f.severity === 'error');
    const allows =
      t.owners.length > 0 && (c.delegationKind === 'unconstrained' || t.inAllowedTo || t.rbcd?.frontEndAllowed === true) && !blocked;
    hops.push({
      from: `${c.frontEnd.account}@${c.realm}`,
      to: `${t.spn}@${c.realm}`,
      ok: allows,
      ...(allows ? {} : { error: blocked ? `${blocked.id}: ${blocked.title}` : 'not allowed by the directory' }),
      step: 'delegation',
      proof: 'directory',
    });
  }
  return {
    schemaVersion: DELEGATION_SCHEMA_VERSION,
    frontEnd: c.frontEnd.account,
    kind: c.delegationKind,
    allowedTo: c.allowedTo,
    hops,
    findings,
    realm: c.realm,
    account: c.frontEnd,
    protocolTransition: c.protocolTransition,
    ...(c.target ? { target: c.target } : {}),
    ...(c.user ? { user: c.user } : {}),
  };
}
