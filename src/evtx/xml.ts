/**
 * XML text of a decoded record, laid out as libevtx's `evtxexport -f xml` and Event Viewer's "Save as XML" lay it out:
 * two-space indentation, an element holding only text on one line, empty elements self-closed. Rendering only.
 */
import type { XmlElement, XmlNode } from './binxml.js';

const TEXT_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ATTR_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeXmlText(s: string): string {
  return s.replace(/[&<>]/g, (c) => TEXT_ESC[c] ?? c);
}
export function escapeXmlAttr(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ATTR_ESC[c] ?? c);
}

export function renderXml(el: XmlElement, indent = 0): string {
  const out: string[] = [];
  write(el, indent, out);
  return out.join('');
}

function write(el: XmlElement, indent: number, out: string[]): void {
  const pad = '  '.repeat(indent);
  let open = `${pad}<${el.name}`;
  for (const a of el.attrs) open += ` ${a.name}="${escapeXmlAttr(a.value)}"`;
  if (el.children.length === 0) {
    out.push(`${open}/>\n`);
    return;
  }
  if (el.children.every((c: XmlNode) => typeof c === 'string')) {
    out.push(`${open}>${escapeXmlText((el.children as string[]).join(''))}</${el.name}>\n`);
    return;
  }
  out.push(`${open}>\n`);
  for (const c of el.children) {
    if (typeof c === 'string') out.push(`${pad}  ${escapeXmlText(c)}\n`);
    else write(c, indent + 1, out);
  }
  out.push(`${pad}</${el.name}>\n`);
}
