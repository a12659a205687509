#!/usr/bin/env node
import { EXIT } from './command.js';
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`kerbscope: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.UNUSABLE;
  },
);
