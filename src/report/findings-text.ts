/** Findings as text, in the walk-through's order. Rendering only. */
import { type Finding, STEPS } from '../rules/finding.js';
import { escapeText } from './escape.js';

const MARK = { error: '✗', warning: '!', info: 'i' } as const;

export function renderFindings(findings: readonly Finding[]): string {
  if (!findings.length) return 'Findings: none — nothing wrong was seen in this evidence.\n';
  const lines: string[] = ['Findings'];
  let step = '';
  for (const f of findings) {
    if (f.step !== step) {
      step = f.step;
      lines.push(`  ${STEPS[f.step]}`);
    }
    const count = f.count && f.count > 1 ? `  ×${f.count}` : '';
    lines.push(`    ${MARK[f.severity]} [${f.severity}] ${escapeText(f.title)}  (${escapeText(f.id)})${count}`);
    if (f.explainedBy) lines.push(`        (explained by ${escapeText(f.explainedBy)} above)`);
    lines.push(...wrap(escapeText(f.explanation), 8));
    if (f.firstSeen)
      lines.push(
        `        seen: ${escapeText(f.firstSeen)}${f.lastSeen && f.lastSeen !== f.firstSeen ? ` … ${escapeText(f.lastSeen)}` : ''}`,
      );
    for (const e of f.evidence) lines.push(`        evidence: ${escapeText(e)}`);
    f.fix.forEach((x, i) => {
      lines.push(`        ${i === 0 ? 'fix:' : '    '} ${escapeText(x)}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

function wrap(text: string, indent: number, width = 110): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/)) {
    if (line && line.length + w.length + 1 > width - indent) {
      out.push(' '.repeat(indent) + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(' '.repeat(indent) + line);
  return out;
}
