/**
 * A tiny authoritative DNS server for the embedded zone (RFC 1035 §4.1, SRV RFC 2782, PTR §3.5), UDP and TCP
 * (2-byte length prefix, §4.2.2). It answers one question per query from a record table; names it does not hold get
 * NXDOMAIN, names it holds without the asked type NOERROR with no answer (NODATA), as an authoritative server must.
 *
 * src/net/dns-message.ts is the client's codec (a query out, answers in); the server needs the other direction: the
 * question in, a response out. That half is here for now and belongs beside the client's half (see the report).
 *
 * ```text
 * Header   ID u16 | QR Opcode AA TC RD RA Z RCODE u16 | QDCOUNT ANCOUNT NSCOUNT ARCOUNT u16
 * Question QNAME QTYPE u16 QCLASS u16
 * RR       NAME TYPE u16 CLASS u16 TTL u32 RDLENGTH u16 RDATA
 * ```
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { QTYPE } from '../net/dns-message.js';
import { ByteReader } from '../wire/reader.js';
import { ByteWriter } from '../wire/writer.js';
import { assertLoopback, bindUdp, closeAll, listenTcp } from './loopback.js';

export interface ZoneRecord {
  name: string;
  type: 'A' | 'CNAME' | 'SRV' | 'PTR';
  /** A: dotted quad; CNAME/PTR: a name; SRV: `priority weight port target` */
  data: string;
  ttl?: number;
}

export interface DnsQuestion {
  id: number;
  flags: number;
  name: string;
  qtype: number;
  qclass: number;
}

/** Reads the header and the first question of a query (queries carry no compression pointers). */
export function readQuestion(b: Uint8Array): DnsQuestion | undefined {
  const r = new ByteReader(b);
  const id = r.u16be('ID');
  const flags = r.u16be('flags');
  const qd = r.u16be('QDCOUNT');
  r.skip(6, 'ANCOUNT NSCOUNT ARCOUNT');
  if (!r.ok || qd < 1) return undefined;
  const labels: string[] = [];
  for (let i = 0; i < 128; i++) {
    const n = r.u8('QNAME');
    if (!r.ok || n === 0) break;
    if (n > 63) return undefined;
    labels.push(new TextDecoder().decode(r.take(n, 'QNAME label')));
  }
  const qtype = r.u16be('QTYPE');
  const qclass = r.u16be('QCLASS');
  return r.ok ? { id, flags, name: labels.join('.'), qtype, qclass } : undefined;
}

function writeName(w: ByteWriter, name: string): void {
  for (const label of name.replace(/\.$/, '').split('.').filter(Boolean)) {
    const b = new TextEncoder().encode(label);
    w.u8(b.length).bytes(b);
  }
  w.u8(0);
}

function rdata(rec: ZoneRecord): Uint8Array {
  const w = new ByteWriter(64);
  if (rec.type === 'A') for (const x of rec.data.split('.')) w.u8(Number(x));
  else if (rec.type === 'SRV') {
    const [prio, weight, port, target] = rec.data.split(' ');
    w.u16be(Number(prio)).u16be(Number(weight)).u16be(Number(port));
    writeName(w, target ?? '.');
  } else writeName(w, rec.data);
  return w.finish();
}

/** The response to `q` from `zone`: CNAMEs are followed inside the zone (RFC 1034 §4.3.2 step 3a). */
export function answer(q: DnsQuestion, zone: readonly ZoneRecord[]): Uint8Array {
  const want = q.name.toLowerCase().replace(/\.$/, '');
  const answers: ZoneRecord[] = [];
  let name = want;
  let known = false;
  for (let hops = 0; hops < 8; hops++) {
    const here = zone.filter((r) => r.name.toLowerCase() === name);
    if (!here.length) break;
    known = true;
    const exact = here.filter((r) => QTYPE[r.type] === q.qtype || q.qtype === 255);
    if (exact.length) {
      answers.push(...exact);
      break;
    }
    const cname = here.find((r) => r.type === 'CNAME');
    if (!cname) break;
    answers.push(cname);
    name = cname.data.toLowerCase().replace(/\.$/, '');
  }
  const rcode = known ? 0 : 3; // NOERROR / NXDOMAIN
  // QR | AA | RD copied | RA; opcode 0
  const flags = 0x8000 | 0x0400 | (q.flags & 0x0100) | 0x0080 | rcode;
  const w = new ByteWriter(512);
  w.u16be(q.id).u16be(flags).u16be(1).u16be(answers.length).u16be(0).u16be(0);
  writeName(w, q.name);
  w.u16be(q.qtype).u16be(q.qclass);
  for (const a of answers) {
    const d = rdata(a);
    writeName(w, a.name);
    w.u16be(QTYPE[a.type] ?? 0)
      .u16be(1)
      .u32be(a.ttl ?? 300)
      .u16be(d.length)
      .bytes(d);
  }
  return w.finish();
}

export interface DnsServer {
  host: string;
  port: number;
  queries: { name: string; qtype: number; transport: 'udp' | 'tcp' }[];
  /** the zone it answers from; edits take effect with the next query (the lab's DNS operations) */
  zone: ZoneRecord[];
  close(): Promise<void>;
}

/** `silent`: queries are swallowed (UDP unanswered, TCP accepted and never answered), as behind a dropping firewall. */
export async function startDnsServer(o: { host: string; port: number; zone: readonly ZoneRecord[]; silent?: boolean }): Promise<DnsServer> {
  assertLoopback(o.host);
  const queries: DnsServer['queries'] = [];
  const zone = [...o.zone];
  const sockets = new Set<Socket>();
  const reply = (b: Uint8Array, transport: 'udp' | 'tcp'): Uint8Array | undefined => {
    const q = readQuestion(b);
    if (!q) return undefined;
    queries.push({ name: q.name, qtype: q.qtype, transport });
    return o.silent ? new Uint8Array(0) : answer(q, zone);
  };
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    const out = reply(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), 'udp');
    if (out?.length) udp.send(out, rinfo.port, rinfo.address);
  });
  const tcp: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    let buf = new Uint8Array(0);
    s.on('data', (chunk: Buffer) => {
      const j = new Uint8Array(buf.length + chunk.length);
      j.set(buf);
      j.set(chunk, buf.length);
      buf = j;
      while (buf.length >= 2) {
        const n = ((buf[0] ?? 0) << 8) | (buf[1] ?? 0);
        if (buf.length < 2 + n) break;
        const out = reply(buf.slice(2, 2 + n), 'tcp');
        buf = buf.slice(2 + n);
        if (!out) {
          s.destroy();
          return;
        }
        if (!out.length) continue;
        const framed = new Uint8Array(2 + out.length);
        framed[0] = out.length >> 8;
        framed[1] = out.length & 0xff;
        framed.set(out, 2);
        s.write(framed);
      }
    });
  });
  const port = await bindUdp(udp, o.port, o.host);
  try {
    await listenTcp(tcp, port, o.host);
  } catch (e) {
    await closeAll([], udp);
    throw e;
  }
  let closed = false;
  return {
    host: o.host,
    port,
    queries,
    zone,
    async close() {
      if (closed) return;
      closed = true;
      await closeAll(sockets, tcp, udp);
    },
  };
}
