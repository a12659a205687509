// `--html FILE` for every command that renders a report (check, trace, events, decode, lab --check): the option,
// the early refusal of a folder, and the write that leaves stdout untouched.
import { statSync, writeFileSync } from 'node:fs';
import { escapeText } from '../report/escape.js';
import { type Io, UsageError } from './command.js';

export const HTML_OPTION = {
  type: 'string',
  value: 'FILE',
  description: 'also write a self-contained HTML report (flow diagram, findings, details; loads nothing) to FILE',
} as const;

/** --html FILE must not name a folder: refused before any work is done (exit 2). */
export function checkHtmlTarget(file: unknown): string | undefined {
  if (file === undefined) return undefined;
  if (typeof file !== 'string' || !file) throw new UsageError('--html needs a file name');
  let dir = false;
  try {
    dir = statSync(file).isDirectory();
  } catch {
    // does not exist yet: written after the run
  }
  if (dir) throw new UsageError(`--html ${file}: is a directory; name the file to write`);
  return file;
}

/**
 * Writes the HTML report (0644: it holds what the terminal shows, secrets masked the same way) and says where on
 * stderr, so stdout stays exactly what it is without --html. False (and a message) when the file cannot be written.
 */
export function writeHtmlReport(command: string, file: string, html: string, io: Io): boolean {
  try {
    writeFileSync(file, html, { mode: 0o644 });
  } catch (e) {
    io.err(
      `kerbscope ${command}: --html ${escapeText(file)}: cannot write (${escapeText((e as NodeJS.ErrnoException).code ?? (e as Error).message)})`,
    );
    return false;
  }
  io.err(`kerbscope ${command}: HTML report written to ${escapeText(file)}`);
  return true;
}
