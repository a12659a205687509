// Runs smbKerberosProbe in this process and prints its result as JSON: the lab test starts it inside the lab's
// client network namespace (`ip netns exec ks-ID-c node --import tsx test/smb/probe-runner.ts`), the way
// test/check/lab-helpers.ts runs `kerbscope check` there. Options come as JSON on stdin (the password with them,
// never on the command line).
import { readFileSync } from 'node:fs';
import { type SmbProbeOptions, smbKerberosProbe } from '../../src/smb/index.js';

const o = JSON.parse(readFileSync(0, 'utf8')) as SmbProbeOptions;
const r = await smbKerberosProbe(o);
process.stdout.write(`${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
