/**
 * A sequence diagram as inline SVG, drawn from a neutral list of lanes (lifelines) and arrows, the way the guidance
 * draws "how Kerberos works for a web site": Client, DNS, DC/KDC, Web server across the top, numbered arrows down
 * the page. The check, trace and decode pages turn their models into this list; this file only draws.
 *
 * Every string here may come from evidence: it goes through escapeHtml (SVG <text>, <title> and quoted attribute
 * values alike). No style attributes (the page's Content-Security-Policy allows only its own stylesheet); colours
 * come from classes the page's CSS defines, so light, dark and print all follow.
 */
import { escapeHtml } from '../escape.js';

export type ArrowStatus = 'ok' | 'fail' | 'warn' | 'skip';

export interface Lane {
  /** stable id the arrows name ("client", "dns", "kdc", "web", "smb") */
  id: string;
  title: string;
  /** addresses or host names seen in this role */
  subtitle?: string;
}

export interface Arrow {
  from: string;
  to: string;
  /** the text on the arrow ("TGS-REQ HTTP/web.contoso.com", "KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN") */
  label: string;
  /** the number in the circle (the step's or the arrow's); absent on a reply drawn under its request's number */
  number?: string;
  status: ArrowStatus;
  /** a reply: drawn dashed */
  reply?: boolean;
  /** the tooltip (full text: the label may be shortened) */
  title?: string;
  /** what the arrow stands for, for links and tests: a step id, "frame 17" */
  ref?: string;
}

export interface SequenceDiagram {
  /** accessible name of the picture */
  title: string;
  lanes: Lane[];
  arrows: Arrow[];
  /** a line under the picture (e.g. "… 40 more frames in the table") */
  note?: string;
}

const LANE_GAP = 200;
const MARGIN = 24;
const HEAD = 58;
const ROW = 38;
// px per character of the 12px label font, regular and bold (a generous estimate: the SVG has no text metrics)
const CHAR = 7.2;
const CHAR_BOLD = 8;
const MAX_LABEL = 78;

function shorten(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The SVG of a sequence diagram. Arrows naming an unknown lane are left out (the caller builds both lists). */
export function renderSequence(d: SequenceDiagram): string {
  const index = new Map(d.lanes.map((l, i) => [l.id, i]));
  const arrows = d.arrows.filter((a) => index.has(a.from) && index.has(a.to));
  const laneX = (id: string) => MARGIN + 80 + (index.get(id) ?? 0) * LANE_GAP;
  const lastLane = MARGIN + 80 + Math.max(0, d.lanes.length - 1) * LANE_GAP;
  let right = lastLane + 100;
  const parts: string[] = [];
  arrows.forEach((a, i) => {
    const y = HEAD + 34 + i * ROW;
    const x1 = laneX(a.from);
    const x2 = laneX(a.to);
    const cls = `arrow a-${a.status}${a.reply ? ' reply' : ''}`;
    const label = shorten(a.label, MAX_LABEL);
    const tip = a.title ?? a.label;
    const g: string[] = [
      `<g class="${cls}" data-status="${a.status}"${a.number ? ` data-n="${escapeHtml(a.number)}"` : ''}${a.ref ? ` data-ref="${escapeHtml(a.ref)}"` : ''}>`,
      `<title>${escapeHtml(a.number ? `${a.number}. ${tip}` : tip)}</title>`,
    ];
    let textX: number;
    if (x1 === x2) {
      // a step on one side only (reading krb5.conf, the acceptor opening the ticket): a loop to the right
      g.push(`<path class="line" d="M${x1} ${y - 6} h 36 v 14 h -32" marker-end="url(#ah-${a.status})"/>`);
      textX = x1 + 58;
    } else {
      const dir = x2 > x1 ? 1 : -1;
      g.push(`<line class="line" x1="${x1}" y1="${y}" x2="${x2 - dir * 2}" y2="${y}" marker-end="url(#ah-${a.status})"/>`);
      textX = Math.min(x1, x2) + 22;
    }
    if (a.number) {
      const cx = x1 === x2 ? x1 + 46 : Math.min(x1, x2) + 12;
      const cy = x1 === x2 ? y - 14 : y - 12;
      g.push(`<circle class="num" cx="${cx}" cy="${cy}" r="9"/>`);
      g.push(`<text class="num" x="${cx}" y="${cy + 4}" text-anchor="middle">${escapeHtml(a.number)}</text>`);
      if (x1 !== x2) textX += 8;
    }
    const mark = a.status === 'fail' ? '✘ ' : a.status === 'warn' ? '⚠ ' : '';
    g.push(`<text class="label" x="${textX}" y="${y - 7}">${escapeHtml(mark + label)}</text>`);
    g.push('</g>');
    parts.push(g.join(''));
    right = Math.max(right, textX + (mark.length + label.length) * (a.status === 'fail' ? CHAR_BOLD : CHAR) + MARGIN);
  });
  const height = HEAD + 34 + Math.max(1, arrows.length) * ROW + 10;
  const width = Math.ceil(right);
  const lanes = d.lanes.map((l) => {
    const x = laneX(l.id);
    const sub = l.subtitle ? shorten(l.subtitle, 26) : '';
    return [
      `<g class="lane" data-lane="${escapeHtml(l.id)}">`,
      `<line class="lifeline" x1="${x}" y1="${HEAD}" x2="${x}" y2="${height - 4}"/>`,
      `<rect class="lane-box" x="${x - 86}" y="6" width="172" height="${HEAD - 12}" rx="6"/>`,
      `<text class="lane-title" x="${x}" y="${sub ? 26 : 34}" text-anchor="middle">${escapeHtml(l.title)}</text>`,
      sub
        ? `<text class="lane-sub" x="${x}" y="42" text-anchor="middle"><title>${escapeHtml(l.subtitle)}</title>${escapeHtml(sub)}</text>`
        : '',
      '</g>',
    ].join('');
  });
  const markers = (['ok', 'fail', 'warn', 'skip'] as const)
    .map(
      (s) =>
        `<marker id="ah-${s}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path class="ah ah-${s}" d="M0 0 L10 5 L0 10 z"/></marker>`,
    )
    .join('');
  const empty = arrows.length ? '' : `<text class="label" x="${MARGIN}" y="${HEAD + 34}">${escapeHtml('(nothing to draw)')}</text>`;
  return [
    `<figure class="sequence"><svg role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<title>${escapeHtml(d.title)}</title><defs>${markers}</defs>`,
    lanes.join(''),
    parts.join(''),
    empty,
    '</svg>',
    d.note ? `<figcaption>${escapeHtml(d.note)}</figcaption>` : '',
    '</figure>',
  ].join('\n');
}
