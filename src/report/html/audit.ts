/**
 * A strict reading of a report page, for the tests (and anyone who wants to check a page before sending it on):
 * every tag is one the renderers write, every attribute is double-quoted and one they use, there is exactly one
 * <style> and one <script> and both are this module's own (their text equals STYLE and SCRIPT), no event-handler
 * attribute, no resource reference (src, a link that is not a #fragment, url() other than a #marker, @import), and
 * no raw control, bidi or invisible character anywhere. Evidence cannot pass this unless it was escaped.
 * Returns the problems found (empty: the page is clean).
 */
import { SCRIPT, STYLE } from './document.js';

// biome-ignore format: one list
const TAGS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'h1', 'h2', 'h3', 'h4', 'p', 'section', 'footer', 'script',
  'figure', 'figcaption', 'svg', 'defs', 'marker', 'path', 'g', 'line', 'rect', 'circle', 'text', 'table', 'thead',
  'tbody', 'tr', 'th', 'td', 'details', 'summary', 'div', 'pre', 'code', 'span', 'button', 'article', 'ul', 'li', 'a',
]);

// biome-ignore format: one list
const ATTRS = new Set([
  'lang', 'charset', 'http-equiv', 'content', 'name', 'id', 'class', 'role', 'aria-label', 'viewbox', 'width', 'height',
  'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'd', 'text-anchor', 'marker-end', 'refx', 'refy',
  'markerunits', 'markerwidth', 'markerheight', 'orient', 'type', 'title', 'open', 'href', 'data-status', 'data-n',
  'data-ref', 'data-lane', 'data-step', 'data-frame', 'data-finding', 'data-root-cause', 'data-details',
]);

const UNSAFE_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

export function auditReport(html: string): string[] {
  const problems: string[] = [];
  const styleTag = `<style>${STYLE}</style>`;
  const scriptTag = `<script>${SCRIPT}</script>`;
  if (html.split(styleTag).length !== 2) problems.push('the page does not hold exactly one <style>, ours');
  if (html.split(scriptTag).length !== 2) problems.push('the page does not hold exactly one <script>, ours');
  const rest = html.replace(styleTag, '<style></style>').replace(scriptTag, '<script></script>');
  if ((rest.match(/<script/gi) ?? []).length !== 1) problems.push('a <script> that is not ours');
  if ((rest.match(/<\/?style/gi) ?? []).length !== 2) problems.push('a <style> that is not ours');
  if (/<!\[CDATA\[|<!--/.test(rest)) problems.push('a CDATA section or comment');
  if (UNSAFE_CHARS.test(html)) problems.push(`a raw control/bidi/invisible character at ${html.search(UNSAFE_CHARS)}`);
  // CSS exists only in our stylesheet (a style attribute is not an attribute we write): it must fetch nothing
  if (/@import|url\(/i.test(STYLE)) problems.push('@import or url() in the stylesheet');
  // every "<" starts one of our tags; text never holds a raw "<" (it would be &lt;)
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z][a-zA-Z0-9-]*(?:="[^"<>]*")?)*)\s*(\/?)>/y;
  let i = 0;
  for (;;) {
    const lt = rest.indexOf('<', i);
    if (lt < 0) break;
    if (rest.startsWith('<!DOCTYPE html>', lt)) {
      i = lt + 15;
      continue;
    }
    tag.lastIndex = lt;
    const m = tag.exec(rest);
    if (!m) {
      problems.push(`a "<" that is not a well-formed tag at ${lt}: ${JSON.stringify(rest.slice(lt, lt + 40))}`);
      i = lt + 1;
      continue;
    }
    const name = (m[2] ?? '').toLowerCase();
    if (!TAGS.has(name)) problems.push(`unexpected tag <${name}>`);
    for (const a of (m[3] ?? '').matchAll(/([a-zA-Z][a-zA-Z0-9-]*)(?:="([^"]*)")?/g)) {
      const an = (a[1] ?? '').toLowerCase();
      const v = a[2] ?? '';
      if (/^on/.test(an)) problems.push(`event handler attribute ${an}`);
      else if (!ATTRS.has(an)) problems.push(`unexpected attribute ${an} on <${name}>`);
      if (an === 'href' && !/^#[\w-]+$/.test(v)) problems.push(`a link that leaves the page: ${v}`);
      if (/url\(/i.test(v) && !(an === 'marker-end' && /^url\(#[\w-]+\)$/.test(v))) problems.push(`url() in ${an}: ${v}`);
      if (/^\s*(javascript|data|vbscript):/i.test(v.replace(/&#?\w+;/g, ''))) problems.push(`a script URL in ${an}`);
    }
    i = lt + m[0].length;
  }
  return problems;
}
