/**
 * `kerbscope check` as text: the flow as a numbered timeline in the guidance's order (✔ pass, ✘ fail, ⚠ warn,
 * – skipped) with each step's duration and what it saw, then the findings (renderFindings). Rendering only.
 * Colour only when asked (the CLI asks when stdout is a TTY and NO_COLOR is unset). Every string that came from
 * the network or the configuration goes through escapeText.
 */
import type { CheckResult, StepStatus } from '../check/model.js';
import { escapeText } from './escape.js';
import { renderFindings } from './findings-text.js';

const MARK: Record<StepStatus, string> = { pass: '✔', fail: '✘', warn: '⚠', skip: '–' };
const COLOR: Record<StepStatus, string> = { pass: '\x1b[32m', fail: '\x1b[31m', warn: '\x1b[33m', skip: '\x1b[2m' };

export interface CheckTextOptions {
  color?: boolean;
  /** also list each step's facts (secrets are never in facts) */
  verbose?: boolean;
}

export function renderCheck(r: CheckResult, o: CheckTextOptions = {}): string {
  const paint = (s: StepStatus, t: string) => (o.color ? `${COLOR[s]}${t}\x1b[0m` : t);
  const lines = [`kerbscope check ${escapeText(r.target)}  (SPN ${escapeText(r.spn)}, client profile ${r.client})`, ''];
  r.steps.forEach((s, i) => {
    const ms = `${s.ms} ms`.padStart(8);
    lines.push(`${String(i + 1).padStart(2)}. ${paint(s.status, MARK[s.status])} ${s.title.padEnd(72)} ${ms}`);
    if (s.summary) lines.push(`       ${escapeText(s.summary)}`);
    if (o.verbose)
      for (const f of s.facts) {
        const { where: _w, kind, ...rest } = f as { where: unknown; kind: string } & Record<string, unknown>;
        lines.push(
          `         · ${kind} ${escapeText(JSON.stringify(rest, (_k, v) => (v instanceof Uint8Array ? `(${v.length} bytes)` : v)))}`,
        );
      }
  });
  const total = r.steps.reduce((n, s) => n + s.ms, 0);
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  lines.push(
    '',
    errors
      ? `Result: ${errors} error finding${errors > 1 ? 's' : ''}; the root cause is listed first.`
      : `Result: no error finding (${total} ms of step time).`,
    '',
  );
  return `${lines.join('\n')}\n${renderFindings(r.findings)}`;
}
