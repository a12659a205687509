// tshark capture in the client namespace (its eth0 sees every packet between the client and the lab servers:
// DNS, Kerberos, LDAP, HTTP, SMB, and the ICMP/RST of a REJECT), plus field extraction for the tests.
// RECIPES §6: stop with SIGINT so the pcapng is complete; "Capturing on" is printed slightly before packets are seen.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Janitor, Resource } from './janitor.js';
import type { LabNet } from './netns.js';
import { must, run, sleep, spawnDaemon } from './proc.js';

export interface Capture {
  file: string;
  stop(): Promise<string>;
}

/** `filter`: a capture filter (pcap-filter(7)), e.g. the embedded lab's addresses on the shared `lo` */
export async function captureStart(file: string, net: LabNet, janitor: Janitor, iface = 'eth0', filter?: string): Promise<Capture> {
  rmSync(file, { force: true });
  const log = `${file}.log`;
  rmSync(log, { force: true });
  const pid = spawnDaemon([...net.clientExec, 'tshark', '-q', '-i', iface, ...(filter ? ['-f', filter] : []), '-w', file], log);
  const res: Resource = { kind: 'pid', pid, name: 'tshark', signal: 'SIGINT' };
  janitor.add(res);
  const until = Date.now() + 15_000;
  while (!(existsSync(log) && readFileSync(log, 'utf8').includes('Capturing on'))) {
    if (Date.now() > until) throw new Error(`tshark did not start: ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    await sleep(50);
  }
  await sleep(300);
  let stopped = false;
  return {
    file,
    async stop() {
      if (!stopped) {
        stopped = true;
        await sleep(300); // let the last packets reach the capture
        janitor.releaseSync(res);
      }
      return file;
    },
  };
}

/** tshark -r FILE -Y FILTER -T fields -e F...; one array of values per frame. */
export async function tsharkFields(
  file: string,
  filter: string,
  fields: string[],
  opts: { keytab?: string; extra?: string[] } = {},
): Promise<string[][]> {
  const args = ['tshark', '-r', file, '-Y', filter, '-T', 'fields'];
  for (const f of fields) args.push('-e', f);
  if (opts.keytab) args.push('-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${opts.keytab}`);
  if (opts.extra) args.push(...opts.extra);
  const r = await must(args, { timeoutMs: 60_000 });
  return r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/** Number of frames matching a display filter. */
export async function tsharkCount(file: string, filter: string, keytab?: string): Promise<number> {
  const dec = keytab ? ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${keytab}`] : [];
  const r = await run(['tshark', '-r', file, ...dec, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`tshark failed for filter ${filter}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim()).length;
}
