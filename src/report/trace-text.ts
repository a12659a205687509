/**
 * `kerbscope trace` as text: the guidance's Network Monitor listing (frame, time, source, destination, protocol,
 * summary) of the authentication-relevant frames, the conversations, the damage, then the findings.
 * Rendering only; every string that came from the capture goes through escapeText.
 */
import type { TraceConversation, TraceResult, TraceRow } from '../capture/model.js';
import { escapeText } from './escape.js';
import { renderFindings } from './findings-text.js';

/** "00:59:30.073843" from an ISO time with sub-second digits. */
function clock(iso: string): string {
  const m = /T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]}${(m[2] ?? '').slice(0, 7)}` : iso;
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s.padEnd(n);
}

export function renderTraceListing(rows: readonly TraceRow[], limit = Number.POSITIVE_INFINITY): string {
  if (!rows.length)
    return 'No authentication traffic (Kerberos, DNS, HTTP authentication, LDAP binds, SMB session setup) in this capture.\n';
  const src = Math.min(40, Math.max(6, ...rows.map((r) => escapeText(r.src).length)) + 2);
  const dst = Math.min(40, Math.max(11, ...rows.map((r) => escapeText(r.dst).length)) + 2);
  const lines = [
    `  ${pad('Frame', 8)}${pad('Time (UTC)', 17)}${pad('Source', src)}${pad('Destination', dst)}${pad('Protocol', 12)}Summary`,
  ];
  const shown = rows.slice(0, limit);
  for (const r of shown) {
    lines.push(
      `${r.failed ? '✗ ' : '  '}${pad(String(r.frame), 8)}${pad(clock(r.time), 17)}${pad(escapeText(r.src), src)}${pad(escapeText(r.dst), dst)}${pad(escapeText(r.protocol), 12)}${escapeText(r.summary)}`,
    );
  }
  if (rows.length > shown.length) lines.push(`  … ${rows.length - shown.length} more rows (--json has them all)`);
  return `${lines.join('\n')}\n`;
}

export function renderConversations(convs: readonly TraceConversation[]): string {
  if (!convs.length) return 'Conversations: none (no client → service authentication seen)\n';
  const lines = ['Conversations (client → service: DNS → 401 → AS/TGS → AP-REQ → result)'];
  for (const c of convs) {
    const state = c.outcome === 'failed' ? `FAILED at ${c.failedStep}` : c.outcome;
    lines.push(`  ${escapeText(c.client)} → ${escapeText(c.service)}${c.spn ? ` (${escapeText(c.spn)})` : ''}: ${state}`);
    for (const s of c.steps)
      lines.push(`    ${s.ok ? '✓' : '✗'} ${pad(s.step, 10)}frame ${pad(String(s.frame), 8)}${escapeText(s.summary)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderTrace(r: TraceResult, rows: readonly TraceRow[], opts: { file?: string; limit?: number } = {}): string {
  const out: string[] = [];
  const kerberos = r.messages.length;
  out.push(
    `${opts.file ? `${escapeText(opts.file)}: ` : ''}${r.capture.format}, ${r.packets} packets, ${kerberos} Kerberos message${kerberos === 1 ? '' : 's'}, ${r.http.length} HTTP authentication message${r.http.length === 1 ? '' : 's'}, ${r.dns.length} DNS message${r.dns.length === 1 ? '' : 's'}\n`,
  );
  out.push(renderTraceListing(rows, opts.limit));
  if (r.conversations) out.push(renderConversations(r.conversations));
  if (r.problems.length) {
    const lines = ['Problems in the capture'];
    for (const p of r.problems.slice(0, 50)) {
      const at =
        p.offset !== undefined
          ? `byte ${p.offset}${p.block ? ` (${escapeText(p.block)})` : ''}`
          : p.frame !== undefined
            ? `frame ${p.frame}`
            : '';
      lines.push(`  ! ${at ? `${at}: ` : ''}${p.protocol ? `${escapeText(p.protocol)}: ` : ''}${escapeText(p.message)}`);
    }
    if (r.problems.length > 50) lines.push(`  … ${r.problems.length - 50} more`);
    out.push(`${lines.join('\n')}\n`);
  }
  out.push(renderFindings(r.findings));
  return out.join('\n');
}
