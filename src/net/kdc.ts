/**
 * KDC transport (RFC 4120 §7.2.1 UDP, §7.2.2 TCP with a 4-byte big-endian length prefix): UDP first when the
 * request fits udp_preference_limit, TCP after KRB_ERR_RESPONSE_TOO_BIG (52) or when the request is larger, every
 * KDC in turn (MIT sendto_kdc.c), each attempt bounded by the time left. Every attempt is reported (answered /
 * no-answer / refused) so a dropped port is told apart from a rejected one.
 */
import { createSocket } from 'node:dgram';
import { Socket } from 'node:net';
import { ipVersion } from './ip.js';

export interface KdcTarget {
  /** as configured or discovered */
  host: string;
  /** resolved address */
  address: string;
  port: number;
  /** forced transport (kdc = tcp/host) */
  transport?: 'udp' | 'tcp';
}

export interface KdcAttempt {
  kdc: string;
  address: string;
  port: number;
  transport: 'udp' | 'tcp';
  outcome: 'answered' | 'no-answer' | 'refused' | 'error';
  detail?: string;
  ms: number;
}

export interface KdcExchangeResult {
  reply?: Uint8Array;
  target?: KdcTarget;
  transport?: 'udp' | 'tcp';
  attempts: KdcAttempt[];
}

const MAX_REPLY = 1 << 20;

/** Names are resolved by kerbscope's own resolver first: an address that is not an IP literal is never handed to the OS. */
function notAnAddress(t: KdcTarget, transport: 'udp' | 'tcp'): { attempt: KdcAttempt } | undefined {
  if (ipVersion(t.address)) return undefined;
  return {
    attempt: {
      kdc: t.host,
      address: t.address,
      port: t.port,
      transport,
      outcome: 'error',
      detail: `${t.address} is not an IP address`,
      ms: 0,
    },
  };
}

function udpOnce(req: Uint8Array, t: KdcTarget, timeoutMs: number): Promise<{ attempt: KdcAttempt; reply?: Uint8Array }> {
  const bad = notAnAddress(t, 'udp');
  if (bad) return Promise.resolve(bad);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = createSocket(ipVersion(t.address) === 6 ? 'udp6' : 'udp4');
    let done = false;
    const base = { kdc: t.host, address: t.address, port: t.port, transport: 'udp' as const };
    const finish = (outcome: KdcAttempt['outcome'], detail?: string, reply?: Uint8Array) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        sock.close();
      } catch {
        /* already closed */
      }
      resolve({ attempt: { ...base, outcome, detail, ms: Math.round(performance.now() - t0) }, reply });
    };
    const timer = setTimeout(() => finish('no-answer', `no reply within ${timeoutMs} ms`), timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) =>
      finish(e.code === 'ECONNREFUSED' ? 'refused' : 'error', e.code === 'ECONNREFUSED' ? 'ICMP port unreachable' : (e.code ?? e.message)),
    );
    sock.on('message', (m) => finish('answered', undefined, new Uint8Array(m)));
    sock.connect(t.port, t.address, () => sock.send(req));
  });
}

function tcpOnce(req: Uint8Array, t: KdcTarget, timeoutMs: number): Promise<{ attempt: KdcAttempt; reply?: Uint8Array }> {
  const bad = notAnAddress(t, 'tcp');
  if (bad) return Promise.resolve(bad);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = new Socket();
    let done = false;
    let connected = false;
    let buf = Buffer.alloc(0);
    const base = { kdc: t.host, address: t.address, port: t.port, transport: 'tcp' as const };
    const finish = (outcome: KdcAttempt['outcome'], detail?: string, reply?: Uint8Array) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ attempt: { ...base, outcome, detail, ms: Math.round(performance.now() - t0) }, reply });
    };
    const timer = setTimeout(
      () =>
        finish(
          'no-answer',
          connected ? `connected, but no reply within ${timeoutMs} ms` : `no answer to the TCP SYN within ${timeoutMs} ms`,
        ),
      timeoutMs,
    );
    sock.on('error', (e: NodeJS.ErrnoException) =>
      finish(
        e.code === 'ECONNREFUSED' ? 'refused' : 'error',
        e.code === 'ECONNREFUSED' ? 'TCP RST (connection refused)' : (e.code ?? e.message),
      ),
    );
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const len = buf.readUInt32BE(0);
      if (len > MAX_REPLY) finish('error', `reply length prefix ${len} is not plausible (a non-Kerberos service on this port?)`);
      else if (buf.length >= 4 + len) finish('answered', undefined, new Uint8Array(buf.subarray(4, 4 + len)));
    });
    sock.on('end', () => finish('error', `connection closed after ${buf.length} bytes, before a full reply`));
    sock.connect(t.port, t.address, () => {
      connected = true;
      const head = Buffer.alloc(4);
      head.writeUInt32BE(req.length);
      sock.write(Buffer.concat([head, req]));
    });
  });
}

/** True when the bytes are a KRB-ERROR with KRB_ERR_RESPONSE_TOO_BIG (52): retry over TCP (RFC 4120 §7.2.1). */
export function isResponseTooBig(reply: Uint8Array): boolean {
  // [APPLICATION 30] ... error-code [6] INTEGER 52: cheap scan of the outer tag and the error-code field
  if (reply[0] !== 0x7e) return false;
  for (let i = 0; i + 4 < reply.length; i++)
    if (reply[i] === 0xa6 && reply[i + 1] === 3 && reply[i + 2] === 2 && reply[i + 3] === 1) return reply[i + 4] === 52;
  return false;
}

/**
 * Sends one request to the KDCs in turn until one answers. `deadline` (performance.now() ms) bounds the whole
 * exchange; each attempt gets a share of the time left.
 */
export async function kdcExchange(
  req: Uint8Array,
  targets: readonly KdcTarget[],
  opts: { deadline: number; udpPreferenceLimit: number; attemptMs?: number },
): Promise<KdcExchangeResult> {
  const attempts: KdcAttempt[] = [];
  const plan: { t: KdcTarget; transport: 'udp' | 'tcp' }[] = [];
  for (const t of targets) {
    const tcpFirst = t.transport === 'tcp' || req.length > opts.udpPreferenceLimit;
    if (t.transport === 'udp') plan.push({ t, transport: 'udp' });
    else if (tcpFirst) plan.push({ t, transport: 'tcp' });
    else plan.push({ t, transport: 'udp' }, { t, transport: 'tcp' });
  }
  for (let i = 0; i < plan.length; i++) {
    const p = plan[i];
    if (!p) break;
    const left = opts.deadline - performance.now();
    if (left <= 0) break;
    const share = Math.max(200, Math.min(opts.attemptMs ?? left, left / (plan.length - i)));
    const r = await (p.transport === 'udp' ? udpOnce(req, p.t, Math.round(share)) : tcpOnce(req, p.t, Math.round(share)));
    attempts.push(r.attempt);
    if (r.reply) {
      if (p.transport === 'udp' && isResponseTooBig(r.reply)) {
        const left2 = opts.deadline - performance.now();
        const r2 = await tcpOnce(req, p.t, Math.max(200, Math.round(left2)));
        r2.attempt.detail = 'after KRB_ERR_RESPONSE_TOO_BIG over UDP';
        attempts.push(r2.attempt);
        if (r2.reply) return { reply: r2.reply, target: p.t, transport: 'tcp', attempts };
        continue;
      }
      return { reply: r.reply, target: p.t, transport: p.transport, attempts };
    }
    // a UDP refusal (ICMP) is conclusive for UDP; TCP to the same KDC is still tried (MIT does the same)
  }
  return { attempts };
}
