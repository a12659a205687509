/** Where decode's evidence comes from: arguments, files, stdin. The only I/O of the decode path. */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { decodeKeytab } from '../formats/index.js';
import type { Evidence } from '../inspect/evidence.js';
import type { KeySet } from '../inspect/keys.js';
import { DecodeError } from '../wire/errors.js';
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

const HEADER_START = /^(proxy-)?(authorization|www-authenticate|proxy-authenticate)\s*:/i;
/** A line that still waits for its token: a header name and/or an auth scheme, nothing else yet. */
const WANTS_TOKEN =
  /^(?:(?:proxy-)?(?:authorization|www-authenticate|proxy-authenticate)\s*:)?\s*(?:negotiate|kerberos|ntlm|basic|bearer)?$/i;

/**
 * An argument that names a file rather than holding a token: an absolute or relative path, or a name with an
 * extension (base64 and hex never contain a '.'), with no whitespace.
 */
export function looksLikePath(p: string): boolean {
  if (/\s/.test(p) || p.length > 4096) return false;
  if (/^(\/|\.\.?[/\\]|~[/\\]|[A-Za-z]:[/\\])/.test(p)) return true;
  return /\.[A-Za-z0-9]{1,10}$/.test(p) && !/^[A-Za-z0-9+/=_-]+$/.test(p);
}

/**
 * Positional arguments → evidence. Files are read; `-` is stdin; anything else is text. Each argument that holds a
 * whole line (it has spaces: it was quoted) or starts a header (`Authorization:`) begins a line of its own, so
 * `decode 'Authorization: ...' 'WWW-Authenticate: ...'` is two headers; the words of an unquoted
 * `Authorization: Negotiate YII...` are joined back into one line (a word joins the line before it only while that
 * line is a header name and/or a scheme still waiting for its token); bare tokens, one per argument, stay apart.
 */
export async function gatherEvidence(positionals: string[], io: Io, stdinTaken: boolean): Promise<Evidence[]> {
  const out: Evidence[] = [];
  /** The argument line being built (words of an unquoted header are joined back into it). */
  let line: string | undefined;
  let joining = false;
  const argCount = positionals.filter((p) => p !== '-').length;
  const flushWords = () => {
    if (line !== undefined) out.push({ label: argCount > 1 ? `argument ${out.length + 1}` : 'argument', text: line });
    line = undefined;
    joining = false;
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
    } else if (looksLikePath(p)) {
      throw new UsageError(`${p}: no such file`);
    } else if (joining && line !== undefined && !/\s/.test(p) && WANTS_TOKEN.test(line) && !HEADER_START.test(p)) {
      line += ` ${p}`;
    } else {
      flushWords();
      line = p;
      // a quoted argument (it has spaces) is a whole line; an unquoted word may be followed by the rest of its header
      joining = !/\s/.test(p);
    }
  }
  flushWords();
  return out;
}

/** `--keytab FILE` (repeatable) into the key set; a file that cannot be read or holds no usable key is a usage error. */
export function loadKeytabs(paths: readonly string[], keys: KeySet): void {
  for (const kt of paths) {
    let bytes: Uint8Array;
    try {
      bytes = readFileEvidence(kt);
    } catch (e) {
      throw new UsageError(`--keytab ${kt}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      const parsed = decodeKeytab(bytes);
      if (!parsed.entries.length)
        throw new UsageError(`--keytab ${kt}: no usable entries${parsed.errors[0] ? ` (${parsed.errors[0].error.message})` : ''}`);
      keys.addKeytab(parsed.entries, basename(kt));
    } catch (e) {
      if (e instanceof DecodeError) throw new UsageError(`--keytab ${kt}: not a keytab: ${e.message}`);
      throw e;
    }
  }
}
