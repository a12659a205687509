/**
 * The findings as HTML, in the rulebook's order (findings[0] explains the others: it is highlighted as the root
 * cause when it is a problem), each with its explanation, evidence and fix. Fix lines that are commands go in a
 * <pre> with a Copy button; lines that are advice ("(register it on …)", sentences) are paragraphs. Rendering only.
 */
import { type Finding, STEPS } from '../../rules/finding.js';
import { h } from './document.js';

/** A fix line an admin reads rather than types: a remark in brackets, a "Check:" line, or a sentence. */
export function isAdvice(line: string): boolean {
  const t = line.trim();
  if (/^\(.*\)$/.test(t) || /^(Check|Note|See|Why|If|When|Then)\b/.test(t)) return true;
  // a sentence: several words and a full stop at the end ("The URL users type must resolve to …")
  return /[.!?]$/.test(t) && /^[A-Z][a-z]+:?\s+\S+\s+\S+\s+\S+/.test(t);
}

function fixHtml(fix: readonly string[]): string {
  if (!fix.length) return '';
  const out = fix.map((line) =>
    isAdvice(line)
      ? `<p>${h(line)}</p>`
      : `<div class="cmd"><pre>${h(line)}</pre><button type="button" class="copy" title="Copy the command">Copy</button></div>`,
  );
  return `<div class="fix"><h4>Fix</h4>${out.join('')}</div>`;
}

/** One finding; `root` marks the root cause. `extra` is more HTML for the body (events: the accounts involved). */
export function findingHtml(f: Finding, i: number, root: boolean, extra = ''): string {
  const count = f.count && f.count > 1 ? ` · seen ×${f.count}` : '';
  const seen = f.firstSeen ? ` · ${f.firstSeen}${f.lastSeen && f.lastSeen !== f.firstSeen ? ` … ${f.lastSeen}` : ''}` : '';
  const explained = f.explainedBy ? ` · a consequence of ${f.explainedBy}` : '';
  const evidence = f.evidence.length ? `<h4>Evidence</h4><ul>${f.evidence.map((e) => `<li>${h(e)}</li>`).join('')}</ul>` : '';
  return [
    `<article class="finding sev-${h(f.severity)}${root ? ' root' : ''}" id="finding-${i + 1}" data-finding="${h(f.id)}"${root ? ' data-root-cause="true"' : ''}>`,
    `<h3>${root ? '<span class="badge root">Root cause</span>' : ''}<span class="badge sev">${h(f.severity)}</span>${h(f.title)}</h3>`,
    `<p class="meta"><code>${h(f.id)}</code> · ${h(STEPS[f.step] ?? f.step)}${h(count)}${h(seen)}${h(explained)}</p>`,
    `<p>${h(f.explanation)}</p>`,
    evidence,
    extra,
    fixHtml(f.fix),
    '</article>',
  ].join('\n');
}

/** The findings section body: ranked; findings[0] highlighted when it is an error or a warning. */
export function findingsHtml(findings: readonly Finding[], extra?: (f: Finding, i: number) => string): string {
  if (!findings.length) return '<p>No findings: nothing wrong was seen in this evidence.</p>';
  return findings.map((f, i) => findingHtml(f, i, i === 0 && f.severity !== 'info', extra?.(f, i) ?? '')).join('\n');
}
