// The lab's private network: two namespaces joined by a veth pair, nothing else.
//
//   ks-ID-s  "servers"  eth0 10.201.0.10 (KDC, DNS; the DC), .11 (web), .12 (another web server), .13 (small-header web)
//   ks-ID-c  "client"   eth0 10.201.0.20
//
// Neither namespace has a default route, so nothing can leave them. The root namespace gets
// `ip route add unreachable 10.201.0.0/24` so a stray request from the root namespace fails locally instead of
// going to the default gateway (RECIPES §1). Clients run as `ip netns exec ks-ID-c ...`, which bind-mounts
// /etc/netns/ks-ID-c/{resolv.conf,hosts}: the real /etc/resolv.conf is never touched.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Janitor } from './janitor.js';
import { otherLabNamespacesExist } from './janitor.js';
import { must, run, runSync } from './proc.js';

export const SUBNET = '10.201.0.0/24';
export const IP = {
  dc: '10.201.0.10',
  web: '10.201.0.11',
  otherWeb: '10.201.0.12',
  smallWeb: '10.201.0.13',
  client: '10.201.0.20',
} as const;

export interface LabNet {
  server: string;
  client: string;
  /** argv prefix that runs a command in the client namespace */
  clientExec: string[];
  serverExec: string[];
}

export async function netUp(id: string, janitor: Janitor): Promise<LabNet> {
  const server = `ks-${id}-s`;
  const client = `ks-${id}-c`;
  const routeExists = runSync(['ip', 'route', 'show', 'type', 'unreachable', SUBNET]).out.includes('10.201.0.0');
  if (!routeExists) {
    await must(['ip', 'route', 'add', 'unreachable', SUBNET]);
    janitor.add({ kind: 'route', route: ['unreachable', SUBNET] });
  } else if (otherLabNamespacesExist()) {
    // another lab instance added it: whoever goes last removes it
    janitor.add({ kind: 'route', route: ['unreachable', SUBNET] });
  }
  for (const ns of [server, client]) {
    janitor.add({ kind: 'netns', name: ns });
    await must(['ip', 'netns', 'add', ns]);
  }
  const vs = `ks${id}s`;
  const vc = `ks${id}c`;
  janitor.add({ kind: 'link', name: vs }); // only matters if moving it into the namespace fails
  await must(['ip', 'link', 'add', vs, 'type', 'veth', 'peer', 'name', vc]);
  await must(['ip', 'link', 'set', vs, 'netns', server]);
  await must(['ip', 'link', 'set', vc, 'netns', client]);
  janitor.forget((r) => r.kind === 'link' && r.name === vs);
  await must(['ip', '-n', server, 'link', 'set', vs, 'name', 'eth0']);
  await must(['ip', '-n', client, 'link', 'set', vc, 'name', 'eth0']);
  for (const ip of [IP.dc, IP.web, IP.otherWeb, IP.smallWeb]) {
    await must(['ip', '-n', server, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
  }
  await must(['ip', '-n', client, 'addr', 'add', `${IP.client}/24`, 'dev', 'eth0']);
  for (const ns of [server, client]) {
    await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    await must(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
  }
  for (const ns of [server, client]) {
    const etc = `/etc/netns/${ns}`;
    janitor.add({ kind: 'path', path: etc });
    mkdirSync(etc, { recursive: true });
    // timeout:1 attempts:1 so that "DNS dropped" fails in seconds, not minutes (RECIPES §5)
    writeFileSync(`${etc}/resolv.conf`, `nameserver ${IP.dc}\noptions timeout:1 attempts:1\n`);
    writeFileSync(`${etc}/hosts`, '127.0.0.1 localhost\n');
  }
  return {
    server,
    client,
    clientExec: ['ip', 'netns', 'exec', client],
    serverExec: ['ip', 'netns', 'exec', server],
  };
}

/** A firewall rule inside the server namespace (the root namespace's rules are never touched). Returns an undo. */
export async function firewall(net: LabNet, rule: string[]): Promise<() => Promise<void>> {
  await must([...net.serverExec, 'iptables', '-A', ...rule]);
  return async () => {
    await run([...net.serverExec, 'iptables', '-D', ...rule]);
  };
}

export function dropPort(proto: 'udp' | 'tcp', port: number): string[] {
  return ['INPUT', '-p', proto, '--dport', String(port), '-j', 'DROP'];
}

export function rejectPort(proto: 'udp' | 'tcp', port: number): string[] {
  return proto === 'tcp'
    ? ['INPUT', '-p', 'tcp', '--dport', String(port), '-j', 'REJECT', '--reject-with', 'tcp-reset']
    : ['INPUT', '-p', 'udp', '--dport', String(port), '-j', 'REJECT', '--reject-with', 'icmp-port-unreachable'];
}
