/**
 * `kerbscope events` as text: what was read, then one line per cause (count, first/last time, the accounts, services
 * and clients involved, the evidence record ids) with its fix, the per-account and per-service tables, the damage
 * found in the files (with offsets), and the findings in full. Rendering only; every string that came from an event
 * log goes through escapeText (field values are attacker-controlled: a user name can hold ESC or a newline).
 */
import type { EventFinding, EventProblem, EventsReport, EventTally } from '../events/model.js';
import { escapeText } from './escape.js';
import { renderFindings } from './findings-text.js';

const MARK = { error: '✗', warning: '!', info: 'i' } as const;

export interface EventsTextOptions {
  /** Rows per table and problems listed (default 20). */
  limit?: number;
  /** A line saying which filters were applied. */
  filters?: string;
}

/** "2020-09-09T13:18:23Z" from an ISO time (seconds are enough to read a timeline). */
function when(iso: string | undefined): string {
  if (!iso) return '-';
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]}Z` : escapeText(iso);
}

function span(first: string | undefined, last: string | undefined): string {
  if (!first) return '';
  return last && when(last) !== when(first) ? `${when(first)} … ${when(last)}` : when(first);
}

/** "a, b, c (+4)" with every name escaped. */
function list(names: readonly string[], max = 4): string {
  const shown = names.slice(0, max).map(escapeText).join(', ');
  return names.length > max ? `${shown} (+${names.length - max})` : shown;
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s.padEnd(n);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** One line per cause, root cause first (the findings are ranked), the fix on the line below. */
export function renderCauses(findings: readonly EventFinding[]): string {
  if (!findings.length) return 'Causes: none — no failure, weak ticket or System-log condition the rulebook knows was seen.\n';
  const lines = ['Causes (root cause first)'];
  for (const f of findings) {
    const parts: string[] = [`${MARK[f.severity]} ${escapeText(f.id)} ×${f.count ?? 1}`];
    const s = span(f.firstSeen, f.lastSeen);
    if (s) parts.push(s);
    if (f.involved?.accounts.length) parts.push(`accounts: ${list(f.involved.accounts)}`);
    if (f.involved?.services.length) parts.push(`services: ${list(f.involved.services)}`);
    if (f.involved?.clients.length) parts.push(`clients: ${list(f.involved.clients)}`);
    const records = (f.refs ?? []).flatMap((r) => (r.record !== undefined ? [r.record] : []));
    if (records.length) parts.push(`records: ${records.join(', ')}${(f.count ?? 1) > records.length ? ', …' : ''}`);
    if (f.explainedBy) parts.push(`(a consequence of ${escapeText(f.explainedBy)})`);
    lines.push(`  ${parts.join('  ')}`);
    lines.push(`      ${escapeText(f.title)}`);
    if (f.fix[0]) lines.push(`      fix: ${escapeText(f.fix[0])}`);
  }
  return `${lines.join('\n')}\n`;
}

function codes(t: EventTally, max = 3): string {
  const e = Object.entries(t.codes).sort((a, b) => b[1] - a[1]);
  const shown = e.slice(0, max).map(([k, n]) => `${escapeText(k)} ×${n}`);
  return e.length > max ? `${shown.join(', ')} (+${e.length - max})` : shown.join(', ');
}

export function renderTally(title: string, rows: readonly EventTally[], limit: number): string {
  if (!rows.length) return '';
  const w = Math.min(40, Math.max(8, ...rows.slice(0, limit).map((r) => escapeText(r.name).length)) + 2);
  const lines = [title, `  ${pad('Name', w)}${pad('Failures', 10)}${pad('First (UTC)', 22)}${pad('Last (UTC)', 22)}Events; clients`];
  for (const r of rows.slice(0, limit)) {
    lines.push(
      `  ${pad(escapeText(r.name), w)}${pad(String(r.failures), 10)}${pad(when(r.firstSeen), 22)}${pad(when(r.lastSeen), 22)}${codes(r)}${r.clients.length ? `; ${list(r.clients, 3)}` : ''}`,
    );
  }
  if (rows.length > limit) lines.push(`  … ${rows.length - limit} more (--json has them all)`);
  return `${lines.join('\n')}\n`;
}

function where(p: EventProblem): string {
  const at: string[] = [];
  if (p.offset !== undefined) at.push(`byte ${p.offset} (0x${p.offset.toString(16)})`);
  if (p.line !== undefined) at.push(`line ${p.line}`);
  if (p.chunk !== undefined) at.push(`chunk ${p.chunk}`);
  if (p.record !== undefined) at.push(`record ${p.record}`);
  return at.join(', ');
}

export function renderProblems(problems: readonly EventProblem[], limit: number): string {
  if (!problems.length) return '';
  const lines = ['Damage and problems in the input'];
  for (const p of problems.slice(0, limit)) {
    const at = where(p);
    lines.push(`  ${MARK[p.severity]} ${escapeText(p.file)}: ${at ? `${at}: ` : ''}${escapeText(p.message)} (${escapeText(p.code)})`);
  }
  if (problems.length > limit) lines.push(`  … ${problems.length - limit} more (--json has them all)`);
  return `${lines.join('\n')}\n`;
}

export function renderEvents(r: EventsReport, opts: EventsTextOptions = {}): string {
  const limit = opts.limit ?? 20;
  const out: string[] = [];
  const formats = new Map<string, number>();
  for (const f of r.files) formats.set(f.format, (formats.get(f.format) ?? 0) + 1);
  const fmt = [...formats].map(([k, n]) => `${k} ${n}`).join(', ');
  const head = [
    `${plural(r.files.length, 'file')}${fmt ? ` (${fmt})` : ''}: ${plural(r.records, 'record')} decoded, ${r.rejected.toLocaleString('en-US')} rejected${r.lost ? `, ${r.lost.toLocaleString('en-US')} lost` : ''}`,
  ];
  if (r.matched !== r.records)
    head.push(`${r.matched.toLocaleString('en-US')} matched the filters${opts.filters ? ` (${escapeText(opts.filters)})` : ''}`);
  out.push(`${head.join('; ')}\n`);
  const ids = Object.entries(r.byEventId).sort((a, b) => b[1] - a[1]);
  if (ids.length) {
    const shown = ids.slice(0, 12).map(([k, n]) => `${escapeText(k)} ×${n.toLocaleString('en-US')}`);
    out.push(`Events: ${shown.join(', ')}${ids.length > 12 ? `, … ${ids.length - 12} more` : ''}\n`);
  }
  out.push(renderCauses(r.findings));
  const acc = renderTally('Accounts (failures and weak tickets)', r.accounts, limit);
  if (acc) out.push(acc);
  const svc = renderTally('Services (failures and weak tickets)', r.services, limit);
  if (svc) out.push(svc);
  const probs = renderProblems(r.problems, limit * 2);
  if (probs) out.push(probs);
  if (r.findings.length) out.push(renderFindings(r.findings));
  return out.join('\n');
}
