/**
 * `kerbscope events --html`: what was read, the findings (root cause first) with the accounts, services, clients
 * and record ids each involves, the per-account and per-service tables, the event ids seen, and the damage found in
 * the files. Every field value of an event log is attacker-controlled (a user name can hold markup or bidi
 * characters): all of it goes through escapeHtml. Rendering only.
 */
import type { EventFinding, EventsReport, EventTally } from '../../events/model.js';
import type { Finding } from '../../rules/finding.js';
import { details, h, renderPage, section } from './document.js';
import { findingsHtml } from './findings.js';
import { type Arrow, renderSequence } from './sequence.js';

export interface EventsHtmlOptions {
  /** rows per table (default 200) */
  limit?: number;
  /** which filters were applied, as the text report says it */
  filters?: string;
  generator?: string;
}

function names(xs: readonly string[], max = 12): string {
  const shown = xs.slice(0, max).map((x) => `<code>${h(x)}</code>`);
  return `${shown.join(', ')}${xs.length > max ? ` (+${xs.length - max})` : ''}`;
}

function involvedHtml(f: Finding): string {
  const e = f as EventFinding;
  const rows: string[] = [];
  if (e.involved?.accounts.length) rows.push(`<li>Accounts: ${names(e.involved.accounts)}</li>`);
  if (e.involved?.services.length) rows.push(`<li>Services: ${names(e.involved.services)}</li>`);
  if (e.involved?.clients.length) rows.push(`<li>Clients: ${names(e.involved.clients)}</li>`);
  const records = (e.refs ?? []).flatMap((r) => (r.record !== undefined ? [r.record] : []));
  if (records.length) rows.push(`<li>Records: ${h(records.join(', '))}${(e.count ?? 1) > records.length ? ', …' : ''}</li>`);
  return rows.length ? `<h4>Involved</h4><ul>${rows.join('')}</ul>` : '';
}

function tally(rows: readonly EventTally[], limit: number): string {
  if (!rows.length) return '<p>None.</p>';
  const body = rows
    .slice(0, limit)
    .map((r) => {
      const codes = Object.entries(r.codes)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ');
      return `<tr><td class="mono">${h(r.name)}</td><td class="n">${r.failures}</td><td class="mono">${h(r.firstSeen ?? '')}</td><td class="mono">${h(r.lastSeen ?? '')}</td><td>${h(codes)}</td><td>${names(r.clients, 6)}</td></tr>`;
    })
    .join('');
  const more = rows.length > limit ? `<p>… ${rows.length - limit} more (--json has them all)</p>` : '';
  return `<table><thead><tr><th>Name</th><th>Failures</th><th>First (UTC)</th><th>Last (UTC)</th><th>Events</th><th>Clients</th></tr></thead><tbody>${body}</tbody></table>${more}`;
}

function causes(findings: readonly EventFinding[]): string {
  if (!findings.length) return '<p>No failure, weak ticket or System-log condition the rulebook knows was seen.</p>';
  const body = findings
    .map(
      (f, i) =>
        `<tr class="s-${f.severity === 'error' ? 'fail' : f.severity === 'warning' ? 'warn' : 'ok'}"><td class="n">${i + 1}</td><td><a href="#finding-${i + 1}"><code>${h(f.id)}</code></a></td><td class="n">${f.count ?? 1}</td><td class="mono">${h(f.firstSeen ?? '')}${f.lastSeen && f.lastSeen !== f.firstSeen ? ` … ${h(f.lastSeen)}` : ''}</td><td>${h(f.title)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>#</th><th>Cause</th><th>Count</th><th>Seen (UTC)</th><th>What</th></tr></thead><tbody>${body}</tbody></table>`;
}

const MAX_DRAWN = 20;

/**
 * The causes on the guidance's picture, as a DC's logs see them: each finding (ranked, numbered like the findings
 * below) is an arrow from the clients its records name to the DC/KDC, coloured by severity; a finding that names no
 * client (a System-log condition of the DC itself) is drawn on the DC's own lifeline.
 */
export function eventsArrows(r: EventsReport): Arrow[] {
  return r.findings.slice(0, MAX_DRAWN).map((f, i) => {
    const clients = f.involved?.clients ?? [];
    const accounts = f.involved?.accounts ?? [];
    const who = accounts.length ? ` (${accounts.slice(0, 3).join(', ')}${accounts.length > 3 ? ` +${accounts.length - 3}` : ''})` : '';
    const from = clients.length ? 'client' : 'kdc';
    return {
      from,
      to: 'kdc',
      label: `${f.id} ×${f.count ?? 1}${who}`,
      number: String(i + 1),
      status: f.severity === 'error' ? 'fail' : f.severity === 'warning' ? 'warn' : 'ok',
      title: `${f.title}${clients.length ? ` — from ${clients.join(', ')}` : ''}`,
      ref: `finding-${i + 1}`,
    };
  });
}

export function renderEventsHtml(r: EventsReport, o: EventsHtmlOptions = {}): string {
  const limit = o.limit ?? 200;
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const files = r.files
    .map(
      (f) =>
        `<tr><td class="mono">${h(f.file)}</td><td>${h(f.format)}</td><td class="n">${f.records}</td><td class="n">${f.rejected}</td><td class="n">${f.lost}</td></tr>`,
    )
    .join('');
  const ids = Object.entries(r.byEventId)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `<tr><td class="mono">${h(k)}</td><td class="n">${n}</td></tr>`)
    .join('');
  const problems = r.problems.slice(0, limit).map((p) => {
    const at = [
      p.offset !== undefined ? `byte ${p.offset} (0x${p.offset.toString(16)})` : '',
      p.line !== undefined ? `line ${p.line}` : '',
      p.chunk !== undefined ? `chunk ${p.chunk}` : '',
      p.record !== undefined ? `record ${p.record}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `<li class="s-${p.severity === 'error' ? 'fail' : 'warn'}">${h(`${p.file}: ${at ? `${at}: ` : ''}${p.message} (${p.code})`)}</li>`;
  });
  const clients = [...new Set(r.findings.flatMap((f) => f.involved?.clients ?? []))];
  const arrows = eventsArrows(r);
  const sections = [
    ...(arrows.length
      ? [
          section(
            'flow',
            'The causes on the flow',
            renderSequence({
              title: 'The causes in the event logs, between the clients and the DC/KDC',
              lanes: [
                { id: 'client', title: 'Client', ...(clients.length ? { subtitle: clients.join(', ') } : {}) },
                { id: 'kdc', title: 'DC/KDC' },
              ],
              arrows,
              ...(r.findings.length > MAX_DRAWN ? { note: `the first ${MAX_DRAWN} of ${r.findings.length} causes are drawn` } : {}),
            }),
          ),
        ]
      : []),
    section('causes', 'Causes (root cause first)', causes(r.findings)),
    section('findings', 'Findings', findingsHtml(r.findings, involvedHtml)),
    section('accounts', 'Accounts (failures and weak tickets)', tally(r.accounts, limit)),
    section('services', 'Services (failures and weak tickets)', tally(r.services, limit)),
    section(
      'input',
      'What was read',
      `<table><thead><tr><th>File</th><th>Format</th><th>Records</th><th>Rejected</th><th>Lost</th></tr></thead><tbody>${files}</tbody></table>` +
        (ids
          ? details(
              `Events by channel and id (${Object.keys(r.byEventId).length})`,
              `<table><thead><tr><th>Channel:EventID</th><th>Records</th></tr></thead><tbody>${ids}</tbody></table>`,
            )
          : ''),
    ),
  ];
  if (problems.length)
    sections.push(
      section(
        'problems',
        'Damage and problems in the input',
        `<ul>${problems.join('')}</ul>${r.problems.length > limit ? `<p>… ${r.problems.length - limit} more</p>` : ''}`,
      ),
    );
  const head = `${r.files.length} file${r.files.length === 1 ? '' : 's'}: ${r.records} records decoded, ${r.rejected} rejected${r.lost ? `, ${r.lost} lost` : ''}${r.matched !== r.records ? `; ${r.matched} matched the filters${o.filters ? ` (${o.filters})` : ''}` : ''}`;
  return renderPage({
    title: 'kerbscope events',
    subtitle: [head],
    verdict: errors
      ? { bad: true, text: `${errors} error finding${errors > 1 ? 's' : ''}; the root cause is listed first.` }
      : { bad: false, text: 'No error finding.' },
    sections,
    ...(o.generator ? { generator: o.generator } : {}),
  });
}
