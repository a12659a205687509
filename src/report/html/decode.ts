/**
 * `kerbscope decode --html`: each decoded input in a collapsible block holding the same tree the terminal shows
 * (renderItem: one model, one masking decision: keys and session keys stay masked unless --show-secrets was given),
 * the tokens drawn on a sequence diagram (a request from the client, a 401's token from the web server, a KDC
 * message to or from the DC/KDC), a KRB-ERROR in red, and the findings. Rendering only.
 */
import type { ItemView, TokenView } from '../../inspect/model.js';
import type { Finding } from '../../rules/finding.js';
import { renderItem } from '../decode-text.js';
import { details, detailsToolbar, h, preText, renderPage, section } from './document.js';
import { findingsHtml } from './findings.js';
import { type Arrow, type ArrowStatus, renderSequence } from './sequence.js';

export interface DecodeHtmlInput {
  items: readonly ItemView[];
  /** inputs that could not be decoded, as the text report lists them */
  unusable?: readonly string[];
  findings: readonly Finding[];
}

export interface DecodeHtmlOptions {
  generator?: string;
}

const KDC_REQ = new Set([10, 12]);
const KDC_REP = new Set([11, 13]);

/** What a token is on the wire, and which way it goes; undefined for files and tokens without a direction. */
function tokenArrow(v: TokenView, n: number): Arrow | undefined {
  const dir = v.input.direction;
  const type = v.messageType;
  let from: string;
  let to: string;
  let label = v.messageName ?? v.mechanism;
  let status: ArrowStatus = 'ok';
  if (v.error) {
    label = `KRB-ERROR ${v.error.code} ${v.error.name}`;
    status = v.error.normal ? 'ok' : 'fail';
  }
  if (v.ntlm) label = `NTLM ${v.ntlm.messageName ?? `type ${v.ntlm.messageType}`}`;
  if (type !== undefined && KDC_REQ.has(type)) [from, to] = ['client', 'kdc'];
  else if (type !== undefined && KDC_REP.has(type)) [from, to] = ['kdc', 'client'];
  else if (v.error && !dir) [from, to] = ['kdc', 'client'];
  else if (dir === 'request') [from, to] = ['client', 'web'];
  else if (dir === 'response') [from, to] = ['web', 'client'];
  else if (v.ntlm) [from, to] = v.ntlm.messageType === 2 ? ['web', 'client'] : ['client', 'web'];
  else if (type === 14) [from, to] = ['client', 'web'];
  else if (type === 15) [from, to] = ['web', 'client'];
  else return undefined;
  const spn = v.ticket?.spn ?? (v.error ? `${v.error.sname.join('/')}@${v.error.realm}` : undefined);
  return {
    from,
    to,
    label: spn && !v.error ? `${label} ${spn}` : label,
    number: String(n),
    status,
    reply: from !== 'client',
    title: `${v.input.label}: ${label}${spn ? ` (${spn})` : ''}`,
    ref: v.input.label,
  };
}

export function decodeArrows(items: readonly ItemView[]): Arrow[] {
  const out: Arrow[] = [];
  for (const it of items) {
    if (it.kind !== 'token') continue;
    const a = tokenArrow(it, out.length + 1);
    if (a) out.push(a);
  }
  return out;
}

function itemSummary(it: ItemView, i: number): string {
  const what =
    it.kind === 'token'
      ? it.error
        ? `KRB-ERROR ${it.error.code} ${it.error.name}`
        : it.ntlm
          ? `NTLM ${it.ntlm.messageName ?? ''}`
          : (it.messageName ?? it.mechanism)
      : it.kind;
  return `${i + 1}. ${it.input.label} — ${what}`;
}

export function renderDecodeHtml(d: DecodeHtmlInput, o: DecodeHtmlOptions = {}): string {
  const arrows = decodeArrows(d.items);
  const sections: string[] = [];
  if (arrows.length) {
    const used = new Set(arrows.flatMap((a) => [a.from, a.to]));
    const lanes = [
      { id: 'client', title: 'Client' },
      { id: 'dns', title: 'DNS' },
      { id: 'kdc', title: 'DC/KDC' },
      { id: 'web', title: 'Web server' },
    ].filter((l) => l.id !== 'dns' || used.has('dns'));
    sections.push(
      section('flow', 'Where these messages travel', renderSequence({ title: 'The decoded messages on the flow', lanes, arrows })),
    );
  }
  sections.push(section('findings', 'Findings', findingsHtml(d.findings)));
  const blocks = d.items.map((it, i) => details(itemSummary(it, i), `<pre>${preText(renderItem(it))}</pre>`, d.items.length === 1));
  const unusable = (d.unusable ?? []).map((u) => `<li>${h(u)}</li>`).join('');
  sections.push(
    section(
      'decoded',
      'Decoded',
      `${d.items.length > 1 ? detailsToolbar() : ''}${blocks.join('\n')}${unusable ? `<h3>Not decoded</h3><ul>${unusable}</ul>` : ''}`,
    ),
  );
  const errors = d.findings.filter((f) => f.severity === 'error').length;
  return renderPage({
    title: 'kerbscope decode',
    subtitle: [
      `${d.items.length} input${d.items.length === 1 ? '' : 's'} decoded${d.unusable?.length ? `, ${d.unusable.length} not` : ''}`,
    ],
    verdict: errors
      ? { bad: true, text: `${errors} error finding${errors > 1 ? 's' : ''}; the root cause is listed first.` }
      : { bad: false, text: 'No error finding.' },
    sections,
    ...(o.generator ? { generator: o.generator } : {}),
  });
}
