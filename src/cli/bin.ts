#!/usr/bin/env node
import { EXIT } from './command.js';
import { main } from './main.js';

// `kerbscope decode ... | head`: the reader went away; stop quietly instead of dying with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`kerbscope: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.UNUSABLE;
  },
);
