/** Where decode's evidence comes from: arguments, files, stdin. The only I/O of the decode path. */
import { readFileSync, statSync } from 'node:fs';
import type { Evidence } from '../inspect/evidence.js';
import { type Io, UsageError } from './command.js';

const MAX_FILE = 512 * 1024 * 1024;

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function readFileEvidence(path: string): Uint8Array {
  const st = statSync(path);
  if (st.size > MAX_FILE) throw new UsageError(`${path}: ${st.size} bytes is larger than the ${MAX_FILE} bytes decode reads`);
  return new Uint8Array(readFileSync(path));
}

/**
 * Positional arguments → evidence. Files are read; `-` is stdin; anything else is text (several words are joined,
 * so an unquoted `Authorization: Negotiate YII...` still works).
 */
export async function gatherEvidence(positionals: string[], io: Io, stdinTaken: boolean): Promise<Evidence[]> {
  const out: Evidence[] = [];
  const words: string[] = [];
  const flushWords = () => {
    if (words.length) out.push({ label: `argument${out.length ? ` ${out.length + 1}` : ''}`, text: words.join(' ') });
    words.length = 0;
  };
  if (positionals.length === 0) positionals = ['-'];
  for (const p of positionals) {
    if (p === '-') {
      flushWords();
      if (stdinTaken) throw new UsageError('standard input is already used by --password-stdin; give the token as an argument or a file');
      if (io.stdinIsTty) throw new UsageError('nothing to decode: give a header line, a token, a file, or pipe it in');
      out.push({ label: 'stdin', bytes: await io.readStdin() });
    } else if (isFile(p)) {
      flushWords();
      try {
        out.push({ label: `file ${p}`, bytes: readFileEvidence(p) });
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`${p}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    } else words.push(p);
  }
  flushWords();
  return out;
}
