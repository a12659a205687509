/**
 * A DNS stub client (RFC 1035 §4.2: UDP, TCP with a 2-byte length prefix when the reply is truncated), the hosts
 * file and resolv.conf — what `Resolve-DnsName` / `dig` show, measured per question so a dropped DNS server, an
 * NXDOMAIN and a missing SRV record (RFC 2782) are told apart.
 * The message codec is dns-message.ts; a malformed reply becomes an `error` outcome with the decoder's reason.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { type DnsMessage, decodeMessage, encodeQuery } from './dns-message.js';
import { ipVersion } from './ip.js';

export type DnsOutcome = 'answer' | 'nodata' | 'nxdomain' | 'servfail' | 'refused' | 'timeout' | 'unreachable' | 'error';

export interface DnsAnswer {
  name: string;
  type: string;
  data: string;
  ttl?: number;
}

export interface DnsResult {
  name: string;
  qtype: string;
  server: string;
  outcome: DnsOutcome;
  answers: DnsAnswer[];
  detail?: string;
  ms: number;
  transport: 'udp' | 'tcp';
  /** the server answered, but not with a DNS reply to this question (undecodable, wrong ID, not a response) */
  malformed?: boolean;
}

/**
 * A DNS server as given: an IP address (port 53), `IPv4:port`, or `[IPv6]:port`. Anything else is kept as the
 * address (the socket then reports it).
 */
export function dnsServerAddress(server: string): { address: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(server);
  if (v6) return { address: v6[1] as string, port: v6[2] ? Number(v6[2]) : 53 };
  const v4 = /^([^:]+):(\d{1,5})$/.exec(server);
  if (v4 && Number(v4[2]) > 0 && Number(v4[2]) < 65536) return { address: v4[1] as string, port: Number(v4[2]) };
  return { address: server, port: 53 };
}

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  timeoutMs: number;
  attempts: number;
}

/** resolv.conf(5): nameserver, search/domain, options timeout:N attempts:N. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], search: [], timeoutMs: 5000, attempts: 2 };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0] && ipVersion(rest[0])) out.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.search = rest;
    else if (key === 'options')
      for (const o of rest) {
        const m = /^(timeout|attempts):(\d+)$/.exec(o);
        if (m?.[1] === 'timeout') out.timeoutMs = Number(m[2]) * 1000;
        if (m?.[1] === 'attempts') out.attempts = Number(m[2]);
      }
  }
  return out;
}

export function readResolvConf(path = '/etc/resolv.conf'): ResolvConf | undefined {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** hosts(5): address → names; returned as name (lower case) → addresses. */
export function parseHosts(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const [addr, ...names] = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (!addr || !ipVersion(addr)) continue;
    for (const n of names) {
      const k = n.toLowerCase();
      out.set(k, [...(out.get(k) ?? []), addr]);
    }
  }
  return out;
}

export function readHosts(path = '/etc/hosts'): Map<string, string[]> {
  try {
    return parseHosts(readFileSync(path, 'utf8'));
  } catch {
    return new Map();
  }
}

function interpret(
  name: string,
  qtype: string,
  server: string,
  buf: Buffer,
  id: number,
  t0: number,
  transport: 'udp' | 'tcp',
): DnsResult & { truncated?: boolean } {
  const ms = Math.round(performance.now() - t0);
  let p: DnsMessage;
  try {
    p = decodeMessage(new Uint8Array(buf));
  } catch (e) {
    return {
      name,
      qtype,
      server,
      outcome: 'error',
      answers: [],
      detail: `malformed DNS reply (${buf.length} bytes): ${(e as Error).message}`,
      ms,
      transport,
      malformed: true,
    };
  }
  if (p.id !== id || !p.response)
    return {
      name,
      qtype,
      server,
      outcome: 'error',
      answers: [],
      detail: `reply does not match the question (id ${p.id}, expected ${id})`,
      ms,
      transport,
      malformed: true,
    };
  const rcode = p.rcode;
  const answers: DnsAnswer[] = p.answers.map((a) => ({ name: a.name, type: a.type, data: a.data, ttl: a.ttl }));
  const base = { name, qtype, server, answers, ms, transport, truncated: p.truncated };
  if (rcode === 'NXDOMAIN') return { ...base, outcome: 'nxdomain' };
  if (rcode === 'SERVFAIL') return { ...base, outcome: 'servfail' };
  if (rcode === 'REFUSED') return { ...base, outcome: 'refused' };
  if (rcode !== 'NOERROR') return { ...base, outcome: 'error', detail: `rcode ${rcode}` };
  return { ...base, outcome: answers.some((a) => a.type === qtype) ? 'answer' : 'nodata' };
}

function udpQuery(name: string, qtype: string, server: string, timeoutMs: number): Promise<DnsResult & { truncated?: boolean }> {
  const id = Math.floor(Math.random() * 0xffff);
  const msg = encodeQuery(id, name, qtype);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = createSocket(ipVersion(dnsServerAddress(server).address) === 6 ? 'udp6' : 'udp4');
    let done = false;
    /** datagrams from the server that were not the answer (wrong ID: stray, spoofed or garbage) */
    let strays = 0;
    const finish = (r: DnsResult & { truncated?: boolean }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    const timer = setTimeout(
      () =>
        finish({
          name,
          qtype,
          server,
          outcome: strays ? 'error' : 'timeout',
          answers: [],
          detail: strays
            ? `${strays} datagram(s) from ${server} within ${timeoutMs} ms, none a DNS reply to this question (wrong ID or not DNS)`
            : `no reply within ${timeoutMs} ms`,
          ms: timeoutMs,
          transport: 'udp',
          ...(strays ? { malformed: true } : {}),
        }),
      timeoutMs,
    );
    sock.on('error', (e: NodeJS.ErrnoException) =>
      finish({
        name,
        qtype,
        server,
        outcome: e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' ? 'unreachable' : 'error',
        answers: [],
        detail:
          e.code === 'ECONNREFUSED'
            ? `ICMP port unreachable (nothing listens on ${dnsServerAddress(server).port})`
            : `${e.code ?? e.message}`,
        ms: Math.round(performance.now() - t0),
        transport: 'udp',
      }),
    );
    sock.on('message', (buf) => {
      if (buf.length < 2 || buf.readUInt16BE(0) !== id) {
        strays++; // a stray or spoofed reply: keep waiting (RFC 5452), but say so if nothing else comes
        return;
      }
      finish(interpret(name, qtype, server, buf, id, t0, 'udp'));
    });
    const { address, port } = dnsServerAddress(server);
    sock.connect(port, address, () => sock.send(msg));
  });
}

function tcpQuery(name: string, qtype: string, server: string, timeoutMs: number): Promise<DnsResult> {
  const id = Math.floor(Math.random() * 0xffff);
  const q = encodeQuery(id, name, qtype);
  const msg = Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = new Socket();
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (r: DnsResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () =>
        finish({
          name,
          qtype,
          server,
          outcome: 'timeout',
          answers: [],
          detail: `no TCP reply within ${timeoutMs} ms`,
          ms: timeoutMs,
          transport: 'tcp',
        }),
      timeoutMs,
    );
    sock.on('error', (e: NodeJS.ErrnoException) =>
      finish({
        name,
        qtype,
        server,
        outcome: e.code === 'ECONNREFUSED' ? 'unreachable' : 'error',
        answers: [],
        detail: e.code ?? e.message,
        ms: Math.round(performance.now() - t0),
        transport: 'tcp',
      }),
    );
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
        finish(interpret(name, qtype, server, buf.subarray(2, 2 + buf.readUInt16BE(0)), id, t0, 'tcp'));
      else if (buf.length > 65537)
        finish({ name, qtype, server, outcome: 'error', answers: [], detail: 'oversized TCP reply', ms: 0, transport: 'tcp' });
    });
    sock.on('end', () =>
      finish({
        name,
        qtype,
        server,
        outcome: 'error',
        answers: [],
        detail: 'connection closed before a full reply',
        ms: Math.round(performance.now() - t0),
        transport: 'tcp',
      }),
    );
    const { address, port } = dnsServerAddress(server);
    sock.connect(port, address, () => sock.write(msg));
  });
}

/** One question to one server: UDP, then TCP when the reply is truncated (RFC 7766 §5). */
export async function dnsQuery(name: string, qtype: string, server: string, timeoutMs: number): Promise<DnsResult> {
  // a server is an address: never a name the operating system's resolver would look up behind our back
  if (!ipVersion(dnsServerAddress(server).address))
    return { name, qtype, server, outcome: 'error', answers: [], detail: `${server} is not an IP address`, ms: 0, transport: 'udp' };
  const r = await udpQuery(name, qtype, server, timeoutMs);
  if (r.truncated) return tcpQuery(name, qtype, server, timeoutMs);
  const { truncated: _t, ...rest } = r;
  return rest;
}

/**
 * A question asked of each server in turn until one answers (NXDOMAIN/NODATA are answers; a timeout or an
 * unreachable server moves on), as the stub resolver does. Returns every attempt.
 */
export async function dnsLookup(name: string, qtype: string, servers: readonly string[], timeoutMs: number): Promise<DnsResult[]> {
  const out: DnsResult[] = [];
  for (const s of servers) {
    const r = await dnsQuery(name, qtype, s, timeoutMs);
    out.push(r);
    if (r.outcome !== 'timeout' && r.outcome !== 'unreachable' && r.outcome !== 'error') break;
  }
  return out;
}

/** in-addr.arpa / ip6.arpa name of an address (RFC 1035 §3.5, RFC 3596 §2.5). */
export function reverseName(addr: string): string | undefined {
  if (ipVersion(addr) === 4) return `${addr.split('.').reverse().join('.')}.in-addr.arpa`;
  if (ipVersion(addr) === 6) {
    const parts = addr.split('::');
    const head = (parts[0] ?? '').split(':').filter(Boolean);
    const tail = (parts[1] ?? '').split(':').filter(Boolean);
    const groups = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail];
    return `${groups
      .map((g) => g.padStart(4, '0'))
      .join('')
      .split('')
      .reverse()
      .join('.')}.ip6.arpa`;
  }
  return undefined;
}
