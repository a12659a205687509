/**
 * Escaping for reports: `escapeText` for terminals and logs (see wire/text.ts for what it makes visible), and
 * `escapeHtml` for the HTML report. Every renderer goes through these; nothing from evidence is printed raw.
 */
import { escapeText } from '../wire/text.js';

export { escapeText, hasUnsafeText } from '../wire/text.js';

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Evidence for an HTML text node or a quoted attribute value: `escapeText`, then the five HTML metacharacters. */
export function escapeHtml(value: unknown): string {
  return escapeText(value).replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}
