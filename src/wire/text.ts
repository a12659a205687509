/**
 * The one escaping path (the report layer re-exports it as report/escape.ts; it lives down here so that rules can
 * refuse unsafe values in fix commands without importing upward) for text that came from evidence (principal names, realms, URLs, NTLM names, e-text, event
 * fields, DNS names). Every text renderer passes evidence through `escapeText`; the HTML renderer adds `escapeHtml`
 * on top. Evidence is attacker-controlled: an SPN holding ESC[31m must not recolour the terminal, an OSC sequence
 * must not set its title, and a user name holding a newline must not forge a report line such as "Findings: none".
 *
 * What is made visible (backslash escapes, so the bytes stay recognisable):
 *   - C0 controls and DEL: \n \r \t, the rest as \xHH (ESC → \x1b, BEL → \x07)
 *   - C1 controls U+0080–U+009F (U+009B is a one-byte CSI on some terminals): \u0080 …
 *   - line and paragraph separators U+2028/U+2029, NEL U+0085 (editors and some terminals break lines there)
 *   - bidirectional overrides and isolates U+202A–U+202E, U+2066–U+2069, U+200E/U+200F (Trojan Source: text that
 *     displays in another order than it is stored), U+061C
 *   - zero-width and invisible characters U+200B–U+200D, U+2060, U+FEFF (a name that looks equal but is not)
 *   - lone UTF-16 surrogates (not valid text)
 * A backslash itself is left alone: `CONTOSO\john` reads as typed. The escape is therefore for display, not a
 * reversible encoding; JSON output carries the exact string.
 */

const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const cp = ch.charCodeAt(0);
  return cp < 0x80 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** Evidence made safe for a terminal or a log line: nothing in it can move the cursor, recolour, or start a line. */
export function escapeText(value: unknown): string {
  const s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return s.replace(UNSAFE, visible);
}

/** True when `escapeText` would change the value (it holds control or invisible characters). */
export function hasUnsafeText(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const r = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return r;
}
