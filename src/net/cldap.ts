/** The CLDAP netlogon ping over UDP 389 (MS-ADTS §6.3.3), bounded by a timeout; the codec is src/protocol/cldap. */
import { createSocket } from 'node:dgram';
import {
  decodeNetlogonSamLogonResponseEx,
  encodeNetlogonPing,
  type NetlogonSamLogonResponseEx,
  netlogonFromLdap,
} from '../protocol/cldap/netlogon.js';
import { ipVersion } from './ip.js';

export interface CldapResult {
  server: string;
  outcome: 'answered' | 'no-answer' | 'refused' | 'error';
  response?: NetlogonSamLogonResponseEx;
  detail?: string;
  ms: number;
}

export function cldapPing(server: string, dnsDomain: string, timeoutMs: number): Promise<CldapResult> {
  const t0 = performance.now();
  const id = 1 + Math.floor(Math.random() * 0x7ffe);
  if (!ipVersion(server)) return Promise.resolve({ server, outcome: 'error', detail: `${server} is not an IP address`, ms: 0 });
  return new Promise((resolve) => {
    const sock = createSocket(ipVersion(server) === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (r: Omit<CldapResult, 'ms' | 'server'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        sock.close();
      } catch {
        /* closed */
      }
      resolve({ server, ms: Math.round(performance.now() - t0), ...r });
    };
    const timer = setTimeout(
      () => finish({ outcome: 'no-answer', detail: `no CLDAP reply within ${timeoutMs} ms (UDP 389 dropped?)` }),
      timeoutMs,
    );
    sock.on('error', (e: NodeJS.ErrnoException) =>
      finish(
        e.code === 'ECONNREFUSED'
          ? { outcome: 'refused', detail: 'ICMP port unreachable: nothing listens on UDP 389' }
          : { outcome: 'error', detail: e.code ?? e.message },
      ),
    );
    sock.on('message', (m) => {
      try {
        const v = netlogonFromLdap(new Uint8Array(m));
        if (!v) finish({ outcome: 'error', detail: 'the CLDAP reply carries no Netlogon attribute' });
        else finish({ outcome: 'answered', response: decodeNetlogonSamLogonResponseEx(v) });
      } catch (e) {
        finish({ outcome: 'error', detail: `malformed CLDAP reply (${m.length} bytes): ${(e as Error).message}` });
      }
    });
    sock.connect(389, server, () => sock.send(encodeNetlogonPing(id, dnsDomain)));
  });
}
