/**
 * kerbscope CLI entry. Errors reach the user as one clear line on stderr, never a stack trace
 * (set KERBSCOPE_DEBUG=1 to see one).
 */
import { parseArgs } from 'node:util';
import { escapeText } from '../report/escape.js';
import { type Command, EXIT, helpText, type Io, UsageError } from './command.js';
import { commands } from './commands/index.js';

declare const __KERBSCOPE_VERSION__: string | undefined;
export const VERSION = typeof __KERBSCOPE_VERSION__ === 'string' ? __KERBSCOPE_VERSION__ : '0.0.0-dev';

const nodeIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  stdinIsTty: Boolean(process.stdin.isTTY),
  async readStdin() {
    if (process.stdin.isTTY) return new Uint8Array(0);
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  },
};

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `kerbscope ${VERSION} — troubleshoot Kerberos and Integrated Windows Authentication`,
    '',
    'Usage: kerbscope <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width + 2)}${c.summary}`),
    '',
    'Run `kerbscope <command> --help` for a command’s options and examples.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: Io = nodeIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? EXIT.UNUSABLE : EXIT.OK;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(VERSION);
    return EXIT.OK;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`kerbscope: unknown command '${name}' (try: ${commands.map((c) => c.name).join(', ')})`);
    return EXIT.UNUSABLE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(helpText(cmd));
    return EXIT.OK;
  }
  try {
    const options = Object.fromEntries(
      Object.entries(cmd.options).map(([k, o]) => [
        k,
        { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
      ]),
    );
    const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: cmd.allowPositionals ?? true, strict: true });
    return await cmd.run(values as Record<string, unknown>, positionals, io);
  } catch (e) {
    if (process.env.KERBSCOPE_DEBUG) io.err(String((e as Error)?.stack ?? e));
    // messages can quote evidence (a file name, a principal): escaped like every other text output
    const msg = escapeText(e instanceof Error ? e.message : String(e));
    if (e instanceof UsageError || (e as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      io.err(`kerbscope ${cmd.name}: ${msg} (see kerbscope ${cmd.name} --help)`);
    } else {
      io.err(`kerbscope ${cmd.name}: ${msg}`);
    }
    return EXIT.UNUSABLE;
  }
}
