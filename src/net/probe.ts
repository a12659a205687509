/**
 * Port probes like Test-NetConnection / PortQry: a TCP connect tells open (SYN-ACK), refused (RST, or an ICMP
 * unreachable that the kernel reports as ECONNREFUSED/EHOSTUNREACH) and dropped (nothing within the timeout).
 */
import { Socket } from 'node:net';
import { ipVersion } from './ip.js';

export interface PortProbeResult {
  address: string;
  port: number;
  outcome: 'open' | 'refused' | 'dropped' | 'error';
  detail?: string;
  ms: number;
}

export function tcpProbe(address: string, port: number, timeoutMs: number): Promise<PortProbeResult> {
  // kerbscope resolves names itself: anything but an IP literal is refused here rather than resolved by the OS
  if (!ipVersion(address)) return Promise.resolve({ address, port, outcome: 'error', detail: `${address} is not an IP address`, ms: 0 });
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = new Socket();
    let done = false;
    const finish = (outcome: PortProbeResult['outcome'], detail?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ address, port, outcome, detail, ms: Math.round(performance.now() - t0) });
    };
    const timer = setTimeout(() => finish('dropped', `no answer to the TCP SYN within ${timeoutMs} ms`), timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') finish('refused', 'TCP RST (connection refused)');
      else if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') finish('refused', `ICMP unreachable (${e.code})`);
      else finish('error', e.code ?? e.message);
    });
    sock.connect(port, address, () => finish('open'));
  });
}
