import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { decodeCommand } from './decode.js';
import { delegationCommand } from './delegation.js';
import { eventsCommand } from './events.js';
import { keytabCommand } from './keytab.js';
import { labCommand } from './lab.js';
import { serveCommand } from './serve.js';
import { spnCommand } from './spn.js';
import { tokensizeCommand } from './tokensize.js';
import { traceCommand } from './trace.js';

/** Every CLI command, in the order `kerbscope --help` lists them. */
export const commands: Command[] = [
  decodeCommand,
  keytabCommand,
  traceCommand,
  eventsCommand,
  checkCommand,
  labCommand,
  spnCommand,
  delegationCommand,
  tokensizeCommand,
  serveCommand,
];
