/**
 * The guidance's walk (DNS → GET → 401 Negotiate → TGS-REQ/REP → GET with AP-REQ → 200 with AP-REP) rebuilt in
 * every capture shape the readers must handle, from the real payloads of the lab's healthy capture
 * (samples/mit-http-healthy.pcapng, MIT KDC + Apache mod_auth_gssapi; payload bytes dumped by tshark, not by
 * kerbscope).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/corpus.js';
import { ascii, CaptureWriter, ethIpv4, F, TcpFlow, tcp, udp, type WriterOptions } from './synth.js';

export const SAMPLE = path.join(REPO_ROOT, 'samples/mit-http-healthy.pcapng');

export interface SamplePayloads {
  asReq: Uint8Array;
  preauth: Uint8Array;
  asReq2: Uint8Array;
  asRep: Uint8Array;
  dnsQuery: Uint8Array;
  dnsAnswer: Uint8Array;
  get: string;
  resp401: string;
  tgsReq: Uint8Array;
  tgsRep: Uint8Array;
  getAuth: string;
  resp200: string;
}

let cached: SamplePayloads | undefined;

/** The payloads of the healthy sample, as tshark extracts them. */
export function samplePayloads(): SamplePayloads {
  if (cached) return cached;
  const r = spawnSync('tshark', ['-r', SAMPLE, '-T', 'fields', '-e', 'frame.number', '-e', 'udp.payload', '-e', 'tcp.payload'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tshark: ${r.stderr}`);
  const by = new Map<number, Uint8Array>();
  for (const line of r.stdout.trim().split('\n')) {
    const [n, u, t] = line.split('\t');
    const hex = (u || t || '').replace(/:/g, '');
    by.set(Number(n), new Uint8Array(Buffer.from(hex, 'hex')));
  }
  const b = (n: number) => by.get(n) ?? new Uint8Array(0);
  const s = (n: number) => Buffer.from(b(n)).toString('latin1');
  cached = {
    asReq: b(4),
    preauth: b(5),
    asReq2: b(6),
    asRep: b(7),
    dnsQuery: b(8),
    dnsAnswer: b(10),
    get: s(17),
    resp401: s(19),
    tgsReq: b(21),
    tgsRep: b(22),
    getAuth: s(23),
    resp200: s(24),
  };
  return cached;
}

export interface WalkOptions extends WriterOptions {
  /** rewrite each Ethernet frame for this link type: 113 SLL, 276 SLL2, 0 NULL, 101 raw IP */
  relink?: number;
  vlan?: number[];
  /** send the TGS exchange over TCP (record marker), the request cut in 3 segments delivered out of order */
  kdcTcp?: boolean;
  /** split the TGS-REP datagram into IPv4 fragments (delivered last-first) */
  fragment?: boolean;
  /** the 401 body in chunked transfer coding, and the second request pipelined before the first response */
  chunked?: boolean;
  /** drop the 200 response's segments (missing segments) */
  lose?: boolean;
}

const C = '10.201.0.20';
const KDC = '10.201.0.10';
const WEB = '10.201.0.11';

function relink(frame: Uint8Array, lt: number | undefined, vlan: number): Uint8Array {
  if (lt === undefined || lt === 1) return frame;
  const ip = frame.subarray(14 + vlan * 4);
  let head: number[];
  if (lt === 113) head = [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0x14, 0, 0, 0x08, 0x00];
  else if (lt === 276) head = [0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0x14, 0, 0];
  else if (lt === 0) head = [2, 0, 0, 0];
  else head = [];
  const out = new Uint8Array(head.length + ip.length);
  out.set(head, 0);
  out.set(ip, head.length);
  return out;
}

/** Builds the walk as a capture file. Returns the bytes and the number of frames. */
export function buildWalk(o: WalkOptions): Uint8Array {
  const p = samplePayloads();
  const linkTypes = o.linkTypes ?? [o.relink ?? 1];
  const w0 = new CaptureWriter({ ...o, linkTypes });
  const tags = o.vlan?.length ?? 0;
  // route every frame through the link rewrite
  const w = new Proxy(w0, {
    get(t, k) {
      if (k === 'packet') return (f: Uint8Array, tm: number) => t.packet(relink(f, o.relink, tags), tm);
      return Reflect.get(t, k);
    },
  }) as CaptureWriter;
  let t = 1764651590;
  const next = () => (t += 0.001);
  const vlan = o.vlan ? { vlan: o.vlan } : {};
  const u = (s: string, d: string, sp: number, dp: number, pl: Uint8Array) =>
    w.packet(ethIpv4(s, d, 17, udp(s, d, sp, dp, pl), vlan), next());
  u(C, KDC, 39662, 88, p.asReq);
  u(KDC, C, 88, 39662, p.preauth);
  u(C, KDC, 51292, 88, p.asReq2);
  u(KDC, C, 88, 51292, p.asRep);
  u(C, KDC, 54569, 53, p.dnsQuery);
  u(KDC, C, 53, 54569, p.dnsAnswer);
  const web = new TcpFlow(w, C, WEB, 53756, 80, next());
  web.handshake();
  if (!o.chunked) {
    web.send(0, ascii(p.get));
    web.send(1, ascii(p.resp401));
  } else {
    web.send(0, ascii(p.get));
    // the same 401 with its body re-sent in chunked coding, split mid-chunk
    const [head, body] = p.resp401.split('\r\n\r\n') as [string, string];
    const h2 = head.replace(/Content-Length: \d+\r\n/i, '').concat('\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunked = `${(10).toString(16)}\r\n${body.slice(0, 10)}\r\n${(body.length - 10).toString(16)};ext=1\r\n${body.slice(10)}\r\n0\r\n\r\n`;
    web.send(1, ascii(h2 + chunked.slice(0, 7)));
    web.send(1, ascii(chunked.slice(7)));
  }
  t = web.t;
  if (o.kdcTcp) {
    const k = new TcpFlow(w, C, KDC, 40000, 88, next());
    k.handshake();
    const rec = new Uint8Array(4 + p.tgsReq.length);
    new DataView(rec.buffer).setUint32(0, p.tgsReq.length);
    rec.set(p.tgsReq, 4);
    // three segments: the last first, then the first, then the middle
    const a = rec.subarray(0, 3);
    const b = rec.subarray(3, 200);
    const c = rec.subarray(200);
    const s0 = k.seq[0];
    k.seg(0, F.ACK | F.PSH, c, s0 + 200);
    k.seg(0, F.ACK | F.PSH, a, s0);
    k.seg(0, F.ACK | F.PSH, b, s0 + 3);
    k.seq[0] = s0 + rec.length;
    const rep = new Uint8Array(4 + p.tgsRep.length);
    new DataView(rep.buffer).setUint32(0, p.tgsRep.length);
    rep.set(p.tgsRep, 4);
    k.mss = 300;
    k.send(1, rep);
    k.close();
    t = k.t;
  } else if (o.fragment) {
    u(C, KDC, 58578, 88, p.tgsReq);
    const l4 = udp(KDC, C, 88, 58578, p.tgsRep);
    const frags: Uint8Array[] = [];
    for (let off = 0; off < l4.length; off += 256) {
      const more = off + 256 < l4.length;
      frags.push(ethIpv4(KDC, C, 17, l4.subarray(off, Math.min(l4.length, off + 256)), { ...vlan, ipId: 0x4242, frag: { off, more } }));
    }
    for (const f of frags.reverse()) w.packet(f, next());
  } else {
    u(C, KDC, 58578, 88, p.tgsReq);
    u(KDC, C, 88, 58578, p.tgsRep);
  }
  web.t = t;
  web.send(0, ascii(p.getAuth));
  if (o.lose) {
    // the response's bytes never reach the capture; the client's ACK shows they were sent
    web.seq[1] += p.resp200.length;
    web.seg(0, F.ACK);
  } else web.send(1, ascii(p.resp200));
  web.close();
  return w0.bytes();
}

export { tcp };
