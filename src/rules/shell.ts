/**
 * Fix commands built from evidence. The "exact fix" must be safe to paste: every value that came from evidence (an
 * SPN, a user, a realm, a host) is quoted for the shell the command is written for, and a value that cannot be quoted
 * safely for that shell is refused with a sentence that says so (the admin types it; we do not guess).
 *
 *   windows     setspn, ktpass, w32tm, klist, nltest: pasted into cmd.exe *or* PowerShell, so the quoting must hold
 *               in both. Bare when the value is a plain name; else "double quotes", which protect spaces and
 *               & | < > ^ in cmd and ( ) ; , @ { } in PowerShell. Refused: % and ! (cmd expands them even inside
 *               quotes), $ and ` (PowerShell expands them inside double quotes, except a final $ as in WEB01$ bare),
 *               " and the typographic quotes PowerShell treats as quotes, a trailing backslash (the CRT reads \" as a
 *               literal quote), control characters.
 *   powershell  Get-ADUser & co.: 'single quotes', with ' (and ‘ ’ ‚ ‛, which PowerShell treats the same) doubled.
 *   posix       kinit, klist, kvno, kerbscope, chronyc: 'single quotes', ' as '\''.
 * Control, bidi and invisible characters (see report/escape.ts) are refused in every shell: a command holding them
 * does not show what it runs.
 */
import { hasUnsafeText } from '../wire/text.js';

export type Shell = 'windows' | 'powershell' | 'posix';

const SHELL_NAME: Record<Shell, string> = { windows: 'cmd.exe/PowerShell', powershell: 'PowerShell', posix: 'a POSIX shell' };

/** A value that cannot be quoted for a shell, and the character that makes it so. */
export class Unquotable {
  constructor(
    readonly value: string,
    readonly shell: Shell,
    readonly reason: string,
  ) {}
}

/** A piece of a command written by us, inserted as is (a placeholder such as `<DOMAIN>\<account>`, an option). */
export class Raw {
  constructor(readonly text: string) {}
}
export const raw = (text: string): Raw => new Raw(text);

/**
 * A value PowerShell must read as a string in expression mode (inside `@{ key = value }`, after `=`), where a bare
 * word such as cifs/fs1 would be parsed as a command: always single-quoted.
 */
export class PsString {
  constructor(readonly value: string) {}
}
export const psString = (value: string): PsString => new PsString(value);

const WIN_BARE = /^[\p{L}\p{N}_][\p{L}\p{N}._\-/:\\@]*\$?$/u;
const WIN_REFUSED = /[%!$`"\u201c\u201d\u201e]/;
const POSIX_BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

function describe(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp >= 0x20 && cp < 0x7f ? `'${ch}'` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One argument quoted for `shell`, or why it cannot be. */
export function quoteArg(value: string, shell: Shell): string | Unquotable {
  if (value === '') return shell === 'posix' || shell === 'powershell' ? "''" : '""';
  if (hasUnsafeText(value)) return new Unquotable(value, shell, 'it holds control or invisible characters');
  switch (shell) {
    case 'windows': {
      if (WIN_BARE.test(value)) return value;
      const bad = WIN_REFUSED.exec(value);
      if (bad)
        return new Unquotable(value, shell, `it holds ${describe(bad[0])}, which ${SHELL_NAME[shell]} would expand or end a quote on`);
      if (value.endsWith('\\')) return new Unquotable(value, shell, 'it ends with a backslash, which would escape the closing quote');
      return `"${value}"`;
    }
    case 'powershell':
      return /^[\p{L}\p{N}_][\p{L}\p{N}._\-/:\\@]*$/u.test(value)
        ? value
        : `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
    case 'posix':
      return POSIX_BARE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
  }
}

/** Thrown inside `command` so one refusal replaces the whole command. */
class Refusal extends Error {
  constructor(readonly u: Unquotable) {
    super(u.reason);
  }
}

/**
 * A command line for `shell`: literal parts as written, every interpolated value quoted (Raw values inserted as is).
 * When a value cannot be quoted, the whole command is replaced by a sentence saying which value and why, with the
 * command's shape (values as <placeholders>) so the admin can type it.
 *
 *   command('windows')`setspn -S ${spn} ${account}`
 */
export function command(shell: Shell) {
  return (parts: TemplateStringsArray, ...values: unknown[]): string => {
    try {
      let out = parts[0] ?? '';
      values.forEach((v, i) => {
        out += v instanceof Raw ? v.text : v instanceof PsString ? quotedString(v.value, shell) : quoted(String(v), shell);
        out += parts[i + 1] ?? '';
      });
      return out;
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      let shape = parts[0] ?? '';
      values.forEach((v, i) => {
        shape += v instanceof Raw ? v.text : `<value ${i + 1}>`;
        shape += parts[i + 1] ?? '';
      });
      return `(command not printed: the value "${e.u.value}" cannot be quoted safely for ${SHELL_NAME[shell]}: ${e.u.reason}. Type it yourself: ${shape.trim()})`;
    }
  };
}

function quotedString(v: string, shell: Shell): string {
  if (shell !== 'powershell') return quoted(v, shell);
  if (hasUnsafeText(v)) throw new Refusal(new Unquotable(v, shell, 'it holds control or invisible characters'));
  return `'${v.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

function quoted(v: string, shell: Shell): string {
  const q = quoteArg(v, shell);
  if (q instanceof Unquotable) throw new Refusal(q);
  return q;
}

/** Commands for cmd.exe/PowerShell (setspn, ktpass, w32tm, klist, nltest). */
export const win = command('windows');
/** Commands for PowerShell only (Get-ADUser, Resolve-DnsName, Test-NetConnection). */
export const ps = command('powershell');
/** Commands for a POSIX shell (kinit, klist, kvno, kerbscope, chronyc). */
export const sh = command('posix');
