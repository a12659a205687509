/**
 * `kerbscope trace --html`: the capture drawn as a sequence diagram (Client, DNS, DC/KDC, Web server, and SMB server
 * when the capture has SMB), one numbered arrow per frame of the listing, the failing frames red with what they
 * carried ("KRB Error: KDC_ERR_S_PRINCIPAL_UNKNOWN (7) …"); the findings, the conversations, the frames table (the
 * guidance's Network Monitor columns), the damage, and every decoded message in a collapsible block.
 *
 * Which address plays which part comes from the messages themselves (who asked a DNS question, who sent an AS-REQ,
 * who answered an HTTP request); addresses the capture gives no part are drawn on the client side.
 * Every string from the capture is hostile: all of it goes through escapeHtml. Rendering only.
 */
import type { TraceConversation, TraceResult, TraceRow } from '../../capture/model.js';
import { details, detailsToolbar, h, kvTable, renderPage, section } from './document.js';
import { findingsHtml } from './findings.js';
import { type Arrow, type Lane, renderSequence } from './sequence.js';

export interface TraceHtmlOptions {
  /** the capture's name as the user gave it */
  file?: string;
  /** rows of the frames table, arrows of the diagram, messages per kind (default 2000 / 300) */
  limit?: number;
  diagramLimit?: number;
  /** the conversations (buildConversations) when the result has none */
  conversations?: TraceConversation[];
  generator?: string;
}

type Role = 'dns' | 'kdc' | 'web' | 'smb';
const LANE_TITLE: Record<Role | 'client', string> = {
  client: 'Client',
  dns: 'DNS',
  kdc: 'DC/KDC',
  web: 'Web server',
  smb: 'SMB server',
};

/**
 * The servers of each role, from the decoded messages: requests go to them, replies come from them. An address that
 * sent a request of a role is that role's client, even when it also sends something reply-shaped (the third leg of
 * a DCE/RPC bind carries an AP-REP from the client).
 */
export function traceRoles(r: TraceResult, rows: readonly TraceRow[]): Record<Role, Set<string>> {
  const servers: Record<Role, Set<string>> = { dns: new Set(), kdc: new Set(), web: new Set(), smb: new Set() };
  const clients: Record<Role, Set<string>> = { dns: new Set(), kdc: new Set(), web: new Set(), smb: new Set() };
  const replied: Record<Role, Set<string>> = { dns: new Set(), kdc: new Set(), web: new Set(), smb: new Set() };
  const saw = (role: Role, request: boolean, src: string, dst: string) => {
    if (request) {
      servers[role].add(dst);
      clients[role].add(src);
    } else replied[role].add(src);
  };
  for (const d of r.dns) saw('dns', !d.response, d.src, d.dst);
  for (const m of r.messages) {
    const req = m.msgType === 10 || m.msgType === 12 || m.msgType === 14;
    const role: Role = m.transport === 'smb2' ? 'smb' : m.transport === 'http' ? 'web' : 'kdc';
    saw(role, req, m.src, m.dst);
  }
  for (const x of r.http) saw('web', !!x.method, x.src, x.dst);
  for (const row of rows) {
    const role = roleOfProtocol(row.protocol);
    if (!role) continue;
    if (/Request|request|Query for|searchRequest|Bind auth|Alter_context/.test(row.summary)) saw(role, true, row.src, row.dst);
    else if (/Response|response|searchResEntry|Bind_ack/.test(row.summary)) saw(role, false, row.src, row.dst);
  }
  for (const role of Object.keys(servers) as Role[]) for (const a of replied[role]) if (!clients[role].has(a)) servers[role].add(a);
  for (const role of Object.keys(servers) as Role[])
    for (const a of clients[role]) if (servers[role].has(a) && !replied[role].has(a)) servers[role].delete(a);
  return servers;
}

function roleOfProtocol(p: string): Role | undefined {
  if (p === 'DNS') return 'dns';
  if (p === 'KerberosV5' || p === 'LDAP' || p === 'CLDAP' || p === 'DCERPC') return 'kdc';
  if (p === 'HTTP') return 'web';
  if (/^SMB/.test(p)) return 'smb';
  return undefined;
}

/** The lane of each end of a row: the protocol's server role for the server end, the client for the other. */
function ends(row: TraceRow, roles: Record<Role, Set<string>>): [string, string] {
  const role = roleOfProtocol(row.protocol);
  if (role) {
    if (roles[role].has(row.dst) && !roles[role].has(row.src)) return ['client', role];
    if (roles[role].has(row.src) && !roles[role].has(row.dst)) return [role, 'client'];
    return ['client', role];
  }
  // TCP resets, unanswered SYNs, ICMP: whichever end has a known part
  const of = (a: string): string | undefined => (['kdc', 'web', 'smb', 'dns'] as Role[]).find((x) => roles[x].has(a));
  const a = of(row.src);
  const b = of(row.dst);
  if (b && !a) return ['client', b];
  if (a && !b) return [a, 'client'];
  return [a ?? 'client', b ?? 'client'];
}

/** The rows drawn: all of them up to `max`; beyond that a window that keeps the first failing frame in view. */
function drawnRows(rows: readonly TraceRow[], max: number): { shown: readonly TraceRow[]; skipped: number } {
  if (rows.length <= max) return { shown: rows, skipped: 0 };
  const firstFail = rows.findIndex((r) => r.failed);
  const start = firstFail < 0 || firstFail < max - 10 ? 0 : Math.min(rows.length - max, firstFail - Math.floor(max / 2));
  return { shown: rows.slice(start, start + max), skipped: rows.length - max };
}

/** A short arrow label from the decoded message of the frame ("TGS-REQ HTTP/web", "KRB-ERROR 7 KDC_ERR_…", "401 Negotiate"). */
function labeller(r: TraceResult): (row: TraceRow) => string {
  const first = <T extends { frame: number }>(xs: readonly T[]) => {
    const m = new Map<number, T>();
    for (const x of xs) if (!m.has(x.frame)) m.set(x.frame, x);
    return m;
  };
  const krb = first(r.messages);
  const http = first(r.http);
  const dns = first(r.dns);
  return (row) => {
    if (/^no reply/.test(row.summary)) return `${row.protocol}: ${row.summary}`;
    const k = krb.get(row.frame);
    if (k && row.protocol === 'KerberosV5') {
      if (k.msgType === 30) return `KRB-ERROR ${k.errorCode ?? ''} ${k.errorName ?? ''}${k.sname ? ` (${k.sname.join('/')})` : ''}`;
      const who = k.msgType === 10 && k.cname ? `${k.cname.join('/')} → ` : '';
      return `${k.msgName} ${who}${k.sname ? k.sname.join('/') : ''}`.trim();
    }
    const x = http.get(row.frame);
    if (x && row.protocol === 'HTTP') {
      const token = x.tokenMessage ? ` (${x.tokenMessage})` : '';
      return x.method
        ? `${x.method} ${x.uri ?? ''}${x.scheme ? ` Authorization: ${x.scheme}` : ''}${token}`
        : `${x.status ?? ''} ${x.reason ?? ''}${x.scheme ? ` ${x.scheme}` : ''}${token}`;
    }
    const d = dns.get(row.frame);
    if (d && row.protocol === 'DNS')
      return d.response
        ? `${d.qtype} ${d.name} → ${d.rcode === 'NOERROR' ? (d.answers ?? []).map((a) => a.data).join(', ') || 'no records' : (d.rcode ?? '?')}`
        : `${d.qtype} ${d.name}?`;
    return `${row.protocol} ${row.summary}`;
  };
}

/**
 * The arrows of the listing's rows. A frame that is a step of a conversation takes that step's verdict (a 401 that
 * offers Negotiate is the normal challenge there, not a failure); other frames keep the listing's mark.
 */
export function traceArrows(
  r: TraceResult,
  rows: readonly TraceRow[],
  max = 300,
  conversations: readonly TraceConversation[] = r.conversations ?? [],
): { arrows: Arrow[]; lanes: Lane[]; note?: string } {
  const roles = traceRoles(r, rows);
  const label = labeller(r);
  const verdict = new Map<number, boolean>();
  for (const c of conversations) for (const s of c.steps) verdict.set(s.frame, (verdict.get(s.frame) ?? true) && s.ok);
  const { shown, skipped } = drawnRows(rows, max);
  const clients = new Set<string>();
  const arrows: Arrow[] = shown.map((row, i) => {
    const [from, to] = ends(row, roles);
    if (from === 'client') clients.add(row.src);
    if (to === 'client') clients.add(row.dst);
    return {
      from,
      to,
      label: label(row),
      number: String(i + 1),
      status: (verdict.get(row.frame) ?? !row.failed) ? 'ok' : 'fail',
      reply: from !== 'client' && to === 'client',
      title: `frame ${row.frame} · ${row.time} · ${row.src} → ${row.dst} · ${row.protocol} · ${row.summary}`,
      ref: `frame ${row.frame}`,
    };
  });
  const list = (xs: Iterable<string>) => [...xs].join(', ');
  const lanes: Lane[] = [
    { id: 'client', title: LANE_TITLE.client, ...(clients.size ? { subtitle: list(clients) } : {}) },
    { id: 'dns', title: LANE_TITLE.dns, ...(roles.dns.size ? { subtitle: list(roles.dns) } : {}) },
    { id: 'kdc', title: LANE_TITLE.kdc, ...(roles.kdc.size ? { subtitle: list(roles.kdc) } : {}) },
    { id: 'web', title: LANE_TITLE.web, ...(roles.web.size ? { subtitle: list(roles.web) } : {}) },
  ];
  if (roles.smb.size || arrows.some((a) => a.from === 'smb' || a.to === 'smb'))
    lanes.push({ id: 'smb', title: LANE_TITLE.smb, subtitle: list(roles.smb) });
  return {
    arrows,
    lanes,
    ...(skipped
      ? {
          note: `${shown.length} of ${rows.length} frames drawn (frames ${shown[0]?.frame} to ${shown[shown.length - 1]?.frame}); the table lists them all`,
        }
      : {}),
  };
}

function framesTable(rows: readonly TraceRow[], limit: number): string {
  if (!rows.length)
    return '<p>No authentication traffic (Kerberos, DNS, HTTP authentication, LDAP binds, SMB session setup) in this capture.</p>';
  const body = rows
    .slice(0, limit)
    .map(
      (x, i) =>
        `<tr class="${x.failed ? 's-fail' : 's-ok'}" id="frame-${x.frame}" data-frame="${x.frame}"><td class="n">${i + 1}</td><td class="mark">${x.failed ? '✘' : ''}</td><td class="n">${x.frame}</td><td class="mono">${h(x.time)}</td><td class="mono">${h(x.src)}</td><td class="mono">${h(x.dst)}</td><td>${h(x.protocol)}</td><td>${h(x.summary)}</td></tr>`,
    )
    .join('');
  const more = rows.length > limit ? `<p>… ${rows.length - limit} more rows (--json has them all)</p>` : '';
  return `<table class="frames"><thead><tr><th>#</th><th></th><th>Frame</th><th>Time (UTC)</th><th>Source</th><th>Destination</th><th>Protocol</th><th>Summary</th></tr></thead><tbody>${body}</tbody></table>${more}`;
}

function conversationsHtml(convs: readonly TraceConversation[]): string {
  if (!convs.length) return '<p>No client → service authentication seen.</p>';
  return convs
    .map((c) => {
      const state = c.outcome === 'failed' ? `FAILED at ${c.failedStep}` : c.outcome;
      const steps = c.steps
        .map(
          (s) =>
            `<tr class="${s.ok ? 's-ok' : 's-fail'}"><td class="mark">${s.ok ? '✔' : '✘'}</td><td>${h(s.step)}</td><td class="n">${s.frame}</td><td>${h(s.summary)}</td></tr>`,
        )
        .join('');
      return `<h3>${h(`${c.client} → ${c.service}${c.spn ? ` (${c.spn})` : ''}: ${state}`)}</h3><table><thead><tr><th></th><th>Step</th><th>Frame</th><th>Summary</th></tr></thead><tbody>${steps}</tbody></table>`;
    })
    .join('\n');
}

function problemsHtml(r: TraceResult): string {
  const items = r.problems.slice(0, 200).map((p) => {
    const at =
      p.offset !== undefined ? `byte ${p.offset}${p.block ? ` (${p.block})` : ''}` : p.frame !== undefined ? `frame ${p.frame}` : '';
    return `<li>${h(`${at ? `${at}: ` : ''}${p.protocol ? `${p.protocol}: ` : ''}${p.message}`)}</li>`;
  });
  const more = r.problems.length > 200 ? `<li>… ${r.problems.length - 200} more</li>` : '';
  return `<ul>${items.join('')}${more}</ul>`;
}

function messagesHtml(r: TraceResult, limit: number): string {
  const out: string[] = [detailsToolbar()];
  const krb = r.messages
    .slice(0, limit)
    .map((m) =>
      details(
        `frame ${m.frame} · ${m.msgName}${m.errorName ? ` ${m.errorCode} ${m.errorName}` : ''}${m.sname ? ` · ${m.sname.join('/')}` : ''}${m.realm ? `@${m.realm}` : ''} · ${m.src} → ${m.dst}`,
        kvTable(Object.entries(m)),
        false,
        m.msgType === 30 ? 'krb-error' : '',
      ),
    );
  const http = r.http
    .slice(0, limit)
    .map((m) =>
      details(
        `frame ${m.frame} · HTTP ${m.method ? `${m.method} ${m.uri ?? ''}` : `${m.status ?? ''} ${m.reason ?? ''}`}${m.tokenMessage ? ` · ${m.tokenMessage}` : ''} · ${m.src} → ${m.dst}`,
        kvTable(Object.entries(m)),
      ),
    );
  const dns = r.dns
    .slice(0, limit)
    .map((m) =>
      details(
        `frame ${m.frame} · DNS ${m.response ? `response ${m.rcode ?? ''}` : 'query'} ${m.qtype} ${m.name} · ${m.src} → ${m.dst}`,
        kvTable(Object.entries(m)),
      ),
    );
  const group = (title: string, items: string[], total: number) =>
    items.length
      ? `<h3>${h(title)} (${total})</h3>${items.join('\n')}${total > items.length ? `<p>… ${total - items.length} more (--json has them all)</p>` : ''}`
      : '';
  out.push(
    group('Kerberos messages', krb, r.messages.length),
    group('HTTP authentication', http, r.http.length),
    group('DNS', dns, r.dns.length),
  );
  if (!krb.length && !http.length && !dns.length) out.push('<p>No Kerberos, HTTP authentication or DNS message decoded.</p>');
  return out.join('\n');
}

export function renderTraceHtml(r: TraceResult, rows: readonly TraceRow[], o: TraceHtmlOptions = {}): string {
  const limit = o.limit ?? 2000;
  const convs = r.conversations ?? o.conversations;
  const d = traceArrows(r, rows, o.diagramLimit ?? 300, convs);
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const failed = d.arrows.find((a) => a.status === 'fail');
  const sections = [
    section('flow', 'The flow', renderSequence({ title: `Authentication frames in ${o.file ?? 'the capture'}`, ...d })),
    section('findings', 'Findings', findingsHtml(r.findings)),
  ];
  if (convs) sections.push(section('conversations', 'Conversations (client → service)', conversationsHtml(convs)));
  sections.push(section('frames', 'Frames', framesTable(rows, limit)));
  if (r.problems.length) sections.push(section('problems', 'Problems in the capture', problemsHtml(r)));
  sections.push(section('messages', 'Decoded messages', messagesHtml(r, Math.min(limit, 500))));
  const k = r.messages.length;
  return renderPage({
    title: `kerbscope trace ${o.file ?? ''}`.trim(),
    subtitle: [
      `${r.capture.format}, ${r.packets} packets, ${k} Kerberos message${k === 1 ? '' : 's'}, ${r.http.length} HTTP authentication message${r.http.length === 1 ? '' : 's'}, ${r.dns.length} DNS message${r.dns.length === 1 ? '' : 's'}`,
    ],
    verdict: errors
      ? {
          bad: true,
          text: `${errors} error finding${errors > 1 ? 's' : ''}${failed ? `; first failing ${failed.ref}` : ''}; the root cause is listed first.`,
        }
      : { bad: false, text: 'No error finding.' },
    sections,
    ...(o.generator ? { generator: o.generator } : {}),
  });
}
