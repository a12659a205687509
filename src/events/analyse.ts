/**
 * Records → facts (aggregated) → the rulebook → the events report. Streaming: each record is looked at once and
 * dropped; what stays is one representative fact per distinct observation and the per-account/service tallies.
 */
import type { Fact } from '../facts/fact.js';
import { evaluate } from '../rules/index.js';
import { aggregateFindings, FactAggregator } from './aggregate.js';
import { eventFacts } from './facts.js';
import type { EventFinding, EventProblem, EventRecord, EventsReport, EventTally, Involved } from './model.js';
import type { FileStats } from './source.js';

export interface EventFilter {
  since?: Date;
  until?: Date;
  /** Account names (case-insensitive; "DOMAIN\\user" and "user@realm" match "user"). */
  accounts?: string[];
  /** Service names (case-insensitive substring of ServiceName / the SPN). */
  services?: string[];
}

function bare(name: string): string {
  const n = name.toLowerCase();
  const bs = n.lastIndexOf('\\');
  const s = bs >= 0 ? n.slice(bs + 1) : n;
  const at = s.lastIndexOf('@');
  return at > 0 ? s.slice(0, at) : s;
}

export function matches(r: EventRecord, f: EventFilter): boolean {
  if (f.since && (!r.time || r.time < f.since)) return false;
  if (f.until && (!r.time || r.time > f.until)) return false;
  if (f.accounts?.length) {
    const names = [r.data.TargetUserName, r.data.SubjectUserName, r.data.ClientName, r.data.AccountName]
      .filter((x): x is string => !!x)
      .map(bare);
    if (!f.accounts.some((a) => names.includes(bare(a)))) return false;
  }
  if (f.services?.length) {
    const svc = [r.data.ServiceName, r.data.ServerName, r.data.TargetName, r.data.param1]
      .filter((x): x is string => !!x)
      .map((s) => s.toLowerCase());
    if (!f.services.some((s) => svc.some((x) => x.includes(s.toLowerCase())))) return false;
  }
  return true;
}

class Tallies {
  private readonly m = new Map<string, { t: EventTally; clients: Set<string>; first?: Date; last?: Date }>();
  add(name: string, key: string, client: string | undefined, time: Date | undefined, failure: boolean): void {
    const k = name.toLowerCase();
    let e = this.m.get(k);
    if (!e) {
      e = { t: { name, failures: 0, codes: {}, clients: [] }, clients: new Set() };
      this.m.set(k, e);
    }
    if (failure) e.t.failures++;
    e.t.codes[key] = (e.t.codes[key] ?? 0) + 1;
    if (client && e.clients.size < 20) e.clients.add(client);
    if (time) {
      if (!e.first || time < e.first) e.first = time;
      if (!e.last || time > e.last) e.last = time;
    }
  }
  list(): EventTally[] {
    return [...this.m.values()]
      .map((e) => ({
        ...e.t,
        clients: [...e.clients],
        ...(e.first ? { firstSeen: e.first.toISOString() } : {}),
        ...(e.last ? { lastSeen: e.last.toISOString() } : {}),
      }))
      .sort((a, b) => b.failures - a.failures || a.name.localeCompare(b.name));
  }
}

/** The AES enctypes (RFC 3962, RFC 8009); any other ticket enctype is something the weak-enctype rule reports. */
const AES = new Set([17, 18, 19, 20]);

/**
 * A ticket issued normally: AES, pre-authenticated. A DC logs millions of these (every 4768/4769 success) and no rule
 * reads them, so they are not kept: the aggregator would otherwise hold one representative per account × service ×
 * client seen, which on a busy DC's log is most of them. Everything a rule reads (failures, RC4/DES tickets, TGTs
 * without pre-authentication) is kept.
 */
function routine(f: Fact): boolean {
  return (
    f.kind === 'kdc-audit' &&
    f.code === 0 &&
    (f.ticketEnctype === undefined || AES.has(f.ticketEnctype)) &&
    !(f.eventId === 4768 && f.preAuthType === '0')
  );
}

export class EventAnalysis {
  readonly byEventId: Record<string, number> = {};
  readonly agg = new FactAggregator();
  records = 0;
  matched = 0;
  private readonly accounts = new Tallies();
  private readonly services = new Tallies();

  constructor(readonly filter: EventFilter = {}) {}

  /** Looks at one record; returns whether it passed the filters. */
  add(r: EventRecord): boolean {
    this.records++;
    const key = `${r.channel || '?'}:${r.eventId}`;
    this.byEventId[key] = (this.byEventId[key] ?? 0) + 1;
    if (!matches(r, this.filter)) return false;
    this.matched++;
    for (const f of eventFacts(r)) {
      if (routine(f)) continue;
      this.tally(f, r);
      this.agg.add(f);
      this.involve(f);
    }
    return true;
  }

  /** Who a representative fact names (the accounts, services and clients a finding crediting its label involves). */
  private readonly subjects = new Map<string, { accounts: Set<string>; services: Set<string>; clients: Set<string> }>();
  private involve(f: Fact): void {
    let s = this.subjects.get(f.where.label);
    if (!s) {
      // only representatives are credited (their labels are the aggregator's): the map grows as the aggregator does
      if (!this.agg.byLabel.has(f.where.label)) return;
      s = { accounts: new Set(), services: new Set(), clients: new Set() };
      this.subjects.set(f.where.label, s);
    }
    const add = (set: Set<string>, v: string | undefined) => {
      if (v && set.size < 50) set.add(v);
    };
    switch (f.kind) {
      case 'kdc-audit':
        add(s.accounts, f.domain ? `${f.account}@${f.domain}` : f.account);
        // an AS exchange (4768/4771) names krbtgt: not a service the user asked for
        if (f.eventId === 4769 || f.eventId === 4770) add(s.services, f.service);
        add(s.clients, f.client);
        break;
      case 'krb-error':
        if (f.cname?.length) add(s.accounts, f.realm ? `${f.cname.join('/')}@${f.realm}` : f.cname.join('/'));
        if (f.sname.length && f.sname[0] !== '(not logged)' && f.sname[0] !== 'krbtgt') add(s.services, f.sname.join('/'));
        break;
      case 'kdc-reply':
        if (f.cname.length) add(s.accounts, f.crealm ? `${f.cname.join('/')}@${f.crealm}` : f.cname.join('/'));
        if (f.sname.length) add(s.services, f.sname.join('/'));
        break;
      case 'logon-failure':
        add(s.accounts, f.domain ? `${f.domain}\\${f.account}` : f.account);
        add(s.clients, f.client ?? f.workstation);
        break;
      case 'account-lockout':
        add(s.accounts, f.account);
        add(s.clients, f.callerComputer);
        break;
      case 'ntlm-message':
        add(s.accounts, f.domain && f.user ? `${f.domain}\\${f.user}` : f.user);
        add(s.clients, f.workstation);
        break;
      case 'system-condition':
        // the subject is an SPN (KDC 11) or an account/computer/domain name; `computer` is the host that logged it
        if (f.subject?.includes('/')) add(s.services, f.subject);
        else add(s.accounts, f.subject);
        break;
    }
  }

  /** The accounts, services and clients the evidence of a finding names (its evidence lines and refs). */
  involvedIn(f: EventFinding): Involved | undefined {
    const labels = new Set<string>();
    for (const r of f.refs ?? []) if (r.label) labels.add(r.label);
    for (const line of f.evidence) {
      const i = line.indexOf(': ');
      if (i > 0) labels.add(line.slice(0, i));
    }
    const out = { accounts: new Set<string>(), services: new Set<string>(), clients: new Set<string>() };
    for (const l of labels) {
      const s = this.subjects.get(l);
      if (!s) continue;
      for (const a of s.accounts) out.accounts.add(a);
      for (const a of s.services) out.services.add(a);
      for (const a of s.clients) out.clients.add(a);
    }
    if (!out.accounts.size && !out.services.size && !out.clients.size) return undefined;
    return { accounts: [...out.accounts], services: [...out.services], clients: [...out.clients] };
  }

  private tally(f: Fact, r: EventRecord): void {
    const code = `${r.channel}:${r.eventId}`;
    if (f.kind === 'kdc-audit') {
      const failure = f.code !== 0;
      const weak = f.ticketEnctype === 23 || f.ticketEnctype === 24 || f.ticketEnctype === 1 || f.ticketEnctype === 3;
      if (!failure && !weak) return;
      const k = failure ? `${code}/0x${f.code.toString(16)}` : `${code}/etype 0x${f.ticketEnctype!.toString(16)}`;
      if (f.account) this.accounts.add(f.account, k, f.client, r.time, failure);
      if (f.service && f.eventId !== 4771 && f.eventId !== 4768) this.services.add(f.service, k, f.client, r.time, failure);
    } else if (f.kind === 'logon-failure') {
      if (f.account)
        this.accounts.add(
          f.domain ? `${f.domain}\\${f.account}` : f.account,
          `${code}/0x${f.status.toString(16)}`,
          f.client ?? f.workstation,
          r.time,
          true,
        );
    } else if (f.kind === 'account-lockout') this.accounts.add(f.account, code, f.callerComputer, r.time, true);
  }

  report(files: FileStats[], problems: EventProblem[]): EventsReport {
    const findings: EventFinding[] = aggregateFindings(evaluate(this.agg.facts()), this.agg.byLabel).map((f) => {
      const involved = this.involvedIn(f);
      return involved ? { ...f, involved } : f;
    });
    return {
      schemaVersion: 1,
      records: this.records,
      rejected: files.reduce((n, f) => n + f.rejected, 0),
      lost: files.reduce((n, f) => n + f.lost, 0),
      matched: this.matched,
      files: files.map((f) => ({ file: f.file, format: f.format, records: f.records, rejected: f.rejected, lost: f.lost })),
      byEventId: this.byEventId,
      problems,
      findings,
      accounts: this.accounts.list().slice(0, 200),
      services: this.services.list().slice(0, 200),
    };
  }
}
