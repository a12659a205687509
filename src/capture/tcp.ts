/**
 * TCP reassembly (RFC 9293 §3.4 sequence space): each direction of a connection becomes an ordered byte stream
 * handed to a protocol handler. Retransmissions and overlaps are trimmed to the bytes not yet delivered,
 * out-of-order segments wait (bounded), and bytes the capture never held are reported as a gap of N bytes, after
 * which the handler resynchronises. Segments of connections no handler wants are not copied or even tracked.
 */
import { TCP, type Transport } from './packet.js';

export interface SegCtx {
  frame: number;
  sec: number;
  nsec: number;
}

export type Dir = 0 | 1;

/** A protocol on top of a connection; dir 0 = client → server. */
export interface StreamHandler {
  data(dir: Dir, bytes: Uint8Array, ctx: SegCtx): void;
  gap(dir: Dir, bytes: number, ctx: SegCtx): void;
  end(ctx: SegCtx): void;
}

export interface Endpoint {
  addr: string;
  port: number;
}

interface DirState {
  next: number | undefined;
  pending: { seq: number; data: Uint8Array; fin: boolean; ctx: SegCtx }[];
  pendingBytes: number;
  fin: boolean;
}

export interface TcpConn {
  client: Endpoint;
  server: Endpoint;
  /** the client's SYN (a connection attempt) and how it was answered */
  syn?: SegCtx;
  synAck?: SegCtx;
  rst?: { ctx: SegCtx; dir: Dir };
  /** undefined: not classified yet; null: nobody wants its bytes */
  handler: StreamHandler | null | undefined;
  dirs: [DirState, DirState];
  /** bytes the capture is missing, per direction */
  missing: [number, number];
  firstMissingFrame?: number;
  closed: boolean;
}

/** Ports that name the server side when the handshake was not captured. */
const SERVER_PORTS = new Set([88, 464, 80, 8080, 8000, 8443, 389, 3268, 636, 445, 139, 135, 53, 443, 593, 5985]);

const MAX_PENDING_BYTES = 2 * 1024 * 1024;
const MAX_PENDING_SEGMENTS = 512;

export interface TcpCallbacks {
  /** Picks a handler when the first payload byte of a connection appears (null: ignore the connection). */
  classify(conn: TcpConn, dir: Dir, first: Uint8Array): StreamHandler | null;
  /** A connection attempt's outcome: SYN-ACK (open), RST (refused); 'dropped' comes from finish(). */
  attempt?(conn: TcpConn, outcome: 'open' | 'refused' | 'dropped', ctx: SegCtx): void;
  /** The capture lacks bytes of a stream. */
  missing?(conn: TcpConn, dir: Dir, bytes: number, ctx: SegCtx): void;
}

const newDir = (): DirState => ({ next: undefined, pending: [], pendingBytes: 0, fin: false });

export class TcpReassembler {
  private conns = new Map<string, TcpConn>();
  /** where recently closed connections ended, so a late retransmission is not read as a new stream */
  private closedEnds = new Map<string, { client: Endpoint; next: [number | undefined, number | undefined] }>();
  connections = 0;

  constructor(private readonly cb: TcpCallbacks) {}

  segment(t: Extract<Transport, { kind: 'tcp' }>, ctx: SegCtx): void {
    this.lastConn = undefined;
    const { src, dst } = t.ip;
    const fwd = src < dst || (src === dst && t.sport <= t.dport);
    const key = fwd ? `${src} ${t.sport} ${dst} ${t.dport}` : `${dst} ${t.dport} ${src} ${t.sport}`;
    let c = this.conns.get(key);
    const syn = (t.flags & TCP.SYN) !== 0;
    const ack = (t.flags & TCP.ACK) !== 0;
    if (
      c &&
      syn &&
      !ack &&
      c.syn &&
      t.sport === c.client.port &&
      src === c.client.addr &&
      c.dirs[0].next !== undefined &&
      c.dirs[0].next !== (t.seq + 1) >>> 0
    ) {
      // the same 4-tuple reused by a new connection
      this.close(key, c, ctx);
      c = undefined;
    }
    if (!c && !syn) {
      const ended = this.closedEnds.get(key);
      if (ended) {
        const d0 = src === ended.client.addr && t.sport === ended.client.port ? 0 : 1;
        const end = ended.next[d0];
        if (end !== undefined && ((t.seq + t.payload.length - end) | 0) <= 0) return;
        this.closedEnds.delete(key);
      }
    }
    if (!c) {
      if (t.flags & TCP.RST && t.payload.length === 0 && !(syn && ack)) {
        // a RST for a connection we never saw begin: only interesting as the answer to nothing
        return;
      }
      const clientIsSrc = syn ? !ack : !SERVER_PORTS.has(t.sport) && (SERVER_PORTS.has(t.dport) || t.sport > t.dport);
      c = {
        client: clientIsSrc ? { addr: src, port: t.sport } : { addr: dst, port: t.dport },
        server: clientIsSrc ? { addr: dst, port: t.dport } : { addr: src, port: t.sport },
        handler: undefined,
        dirs: [newDir(), newDir()],
        missing: [0, 0],
        closed: false,
      };
      this.conns.set(key, c);
      this.connections++;
    }
    const dir: Dir = src === c.client.addr && t.sport === c.client.port ? 0 : 1;
    this.lastKey = key;
    this.lastConn = c;
    this.lastDir = dir;
    this.step(key, c, dir, t.flags, t.seq, t.ack, t.payload, ctx);
  }

  /** The connection and direction of the last segment (the caller may cache them for the next ones of that flow). */
  lastKey = '';
  lastConn: TcpConn | undefined;
  lastDir: Dir = 0;

  /**
   * A segment of a connection the caller already looked up (a flow cache hit: the same 4-tuple as a recent
   * segment). Only for segments without SYN or RST, and only while the connection is open.
   */
  fast(key: string, c: TcpConn, dir: Dir, flags: number, seq: number, ack: number, payload: Uint8Array, ctx: SegCtx): void {
    this.step(key, c, dir, flags, seq, ack, payload, ctx);
  }

  private step(key: string, c: TcpConn, dir: Dir, flags: number, seq: number, ackNo: number, payload: Uint8Array, ctx: SegCtx): void {
    const syn = (flags & TCP.SYN) !== 0;
    const ack = (flags & TCP.ACK) !== 0;
    const d = c.dirs[dir];
    if (syn) {
      if (dir === 0 && !ack) {
        c.syn ??= ctx;
      } else if (dir === 1 && ack && !c.synAck) {
        c.synAck = ctx;
        if (c.syn) this.cb.attempt?.(c, 'open', ctx);
      }
      d.next = (seq + 1) >>> 0;
    }
    if (flags & TCP.RST) {
      if (!c.rst) {
        c.rst = { ctx, dir };
        if (dir === 1 && c.syn && !c.synAck) this.cb.attempt?.(c, 'refused', ctx);
      }
      this.close(key, c, ctx);
      return;
    }
    if (c.handler === null) {
      if (flags & TCP.FIN) {
        c.dirs[dir].fin = true;
        if (c.dirs[1 - dir]?.fin) this.close(key, c, ctx);
      }
      return;
    }
    const fin = (flags & TCP.FIN) !== 0;
    if (payload.length === 0 && !fin) {
      if (ack && c.handler) this.ackCheck(c, (1 - dir) as Dir, ackNo, ctx);
      return;
    }
    if (c.handler === undefined && payload.length) {
      c.handler = this.cb.classify(c, dir, payload);
      if (c.handler === null) {
        if (fin) c.dirs[dir].fin = true;
        return;
      }
    }
    if (d.next === undefined) d.next = seq;
    this.accept(c, dir, seq, payload, fin, ctx);
    if (ack && c.handler) this.ackCheck(c, (1 - dir) as Dir, ackNo, ctx);
    if (c.dirs[0].fin && c.dirs[1].fin) this.close(key, c, ctx);
  }

  private accept(c: TcpConn, dir: Dir, seq: number, data: Uint8Array, fin: boolean, ctx: SegCtx): void {
    const d = c.dirs[dir];
    if (d.fin) return;
    const next = d.next as number;
    const delta = (seq - next) | 0;
    if (delta > 0) {
      // ahead of what we have: wait for the hole to fill
      d.pending.push({ seq, data: data.slice(), fin, ctx });
      d.pendingBytes += data.length;
      if (d.pendingBytes > MAX_PENDING_BYTES || d.pending.length > MAX_PENDING_SEGMENTS) this.skipHole(c, dir, ctx);
      return;
    }
    let b = data;
    if (delta < 0) {
      if (-delta >= b.length) {
        // a retransmission of bytes we have (a bare FIN retransmitted too)
        if (fin && -delta === b.length) this.deliverFin(c, dir);
        return;
      }
      b = b.subarray(-delta);
    }
    this.deliver(c, dir, b, ctx);
    if (fin) this.deliverFin(c, dir);
    this.drain(c, dir, ctx);
  }

  private deliver(c: TcpConn, dir: Dir, b: Uint8Array, ctx: SegCtx): void {
    const d = c.dirs[dir];
    d.next = ((d.next as number) + b.length) >>> 0;
    if (b.length && c.handler) c.handler.data(dir, b, ctx);
  }

  private deliverFin(c: TcpConn, dir: Dir): void {
    const d = c.dirs[dir];
    d.fin = true;
    d.next = ((d.next as number) + 1) >>> 0;
  }

  /** Delivers waiting segments that now follow on; they count as arriving with `ctx`, the frame that filled the hole (as tshark reports). */
  private drain(c: TcpConn, dir: Dir, ctx: SegCtx): void {
    const d = c.dirs[dir];
    while (d.pending.length && !d.fin) {
      const next = d.next as number;
      let progressed = false;
      for (let i = 0; i < d.pending.length; i++) {
        const p = d.pending[i]!;
        const delta = (p.seq - next) | 0;
        if (delta > 0) continue;
        d.pending.splice(i, 1);
        d.pendingBytes -= p.data.length;
        if (-delta < p.data.length) this.deliver(c, dir, p.data.subarray(-delta), ctx);
        if (p.fin && -delta <= p.data.length) this.deliverFin(c, dir);
        progressed = true;
        break;
      }
      if (!progressed) return;
    }
  }

  /** Gives up on the hole before the earliest waiting segment: the capture does not have those bytes. */
  private skipHole(c: TcpConn, dir: Dir, ctx: SegCtx): void {
    const d = c.dirs[dir];
    if (!d.pending.length) return;
    const next = d.next as number;
    let min = d.pending[0]!.seq;
    for (const p of d.pending) if (((p.seq - min) | 0) < 0) min = p.seq;
    const hole = (min - next) | 0;
    if (hole > 0) this.gap(c, dir, hole, ctx);
    this.drain(c, dir, ctx);
  }

  private gap(c: TcpConn, dir: Dir, bytes: number, ctx: SegCtx): void {
    const d = c.dirs[dir];
    d.next = ((d.next as number) + bytes) >>> 0;
    c.missing[dir] += bytes;
    c.firstMissingFrame ??= ctx.frame;
    this.cb.missing?.(c, dir, bytes, ctx);
    c.handler?.gap(dir, bytes, ctx);
  }

  /** The peer acknowledges bytes the capture never showed: they were sent, the capture lost them. */
  private ackCheck(c: TcpConn, dir: Dir, ack: number, ctx: SegCtx): void {
    const d = c.dirs[dir];
    if (d.next === undefined || d.fin) return;
    const ahead = (ack - d.next) | 0;
    if (ahead <= 0 || ahead > 0x40000000) return;
    // waiting segments may fill part of it
    if (d.pending.length) {
      this.skipHole(c, dir, ctx);
      return;
    }
    this.gap(c, dir, ahead, ctx);
  }

  private close(key: string, c: TcpConn, ctx: SegCtx): void {
    if (c.closed) return;
    c.closed = true;
    for (const dir of [0, 1] as const) while (c.dirs[dir].pending.length && !c.dirs[dir].fin) this.skipHole(c, dir, ctx);
    c.handler?.end(ctx);
    this.conns.delete(key);
    this.closedEnds.set(key, { client: c.client, next: [c.dirs[0].next, c.dirs[1].next] });
    if (this.closedEnds.size > 4096) this.closedEnds.delete(this.closedEnds.keys().next().value as string);
  }

  /** End of capture: flush what waits, report unanswered SYNs, end every handler. */
  finish(ctx: SegCtx): void {
    for (const [key, c] of [...this.conns]) {
      if (c.syn && !c.synAck && !c.rst) this.cb.attempt?.(c, 'dropped', c.syn);
      this.close(key, c, ctx);
    }
  }
}
