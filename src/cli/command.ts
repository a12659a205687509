/**
 * A command declares its usage, options and examples in one place and calls into the library (after corepack's
 * thin commands). `run` returns the exit code: 0 success, 1 done but with problems found, 2 unusable input or usage.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input (empty when it is a TTY). */
  readStdin(): Promise<Uint8Array>;
  stdinIsTty: boolean;
}

/** One option: parseArgs' fields plus the help line. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help; also names the value (FILE, N, ...) when it starts with one in capitals followed by a colon. */
  description: string;
  /** Placeholder for the value in --help (default VALUE). */
  value?: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  examples: string[];
  options: Record<string, OptionSpec>;
  /** Allow positional arguments (default true). */
  allowPositionals?: boolean;
  run(values: Record<string, unknown>, positionals: string[], io: Io): Promise<number>;
}

/** A usage problem: reported as one line on stderr with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { OK: 0, PROBLEMS: 1, UNUSABLE: 2 } as const;

export function helpText(c: Command): string {
  const lines = [`kerbscope ${c.name} — ${c.summary}`, '', `Usage: ${c.usage}`, ''];
  const opts = Object.entries(c.options);
  if (opts.length) {
    lines.push('Options:');
    for (const [k, o] of opts) {
      const short = o.short ? `-${o.short}, ` : '    ';
      const arg = o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : '';
      lines.push(`  ${short}--${k}${arg}`.padEnd(34) + o.description);
    }
    lines.push('');
  }
  if (c.examples.length) {
    lines.push('Examples:');
    for (const e of c.examples) lines.push(`  ${e}`);
    lines.push('');
  }
  return lines.join('\n');
}
