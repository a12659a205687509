/**
 * Synthetic captures for tests and the benchmark: pcap / pcapng writers (both byte orders, µs/ns, several
 * interfaces) and Ethernet/IPv4/IPv6 frames with correct lengths and checksums, plus a TCP flow that segments data
 * at an MSS like a NIC capture (1460-byte payloads). tshark reads everything this writes; the tests hold kerbscope
 * to tshark on these files, so the writer is not trusted on its own.
 */

export type Sink = (chunk: Uint8Array) => void;

export interface WriterOptions {
  format: 'pcap' | 'pcapng';
  littleEndian?: boolean;
  /** pcap: nanosecond magic; pcapng: if_tsresol 9 */
  ns?: boolean;
  /** link type of every interface (default 1 Ethernet) */
  linkTypes?: number[];
  /** pcapng: write packets as Simple Packet Blocks (no timestamps) */
  simple?: boolean;
  snaplen?: number;
}

export class CaptureWriter {
  private parts: Uint8Array[] = [];
  private pending = 0;
  readonly le: boolean;
  written = 0;
  packets = 0;

  constructor(
    readonly o: WriterOptions,
    private readonly sink?: Sink,
  ) {
    this.le = o.littleEndian ?? true;
    const links = o.linkTypes ?? [1];
    if (o.format === 'pcap') {
      const h = new DataView(new ArrayBuffer(24));
      h.setUint32(0, o.ns ? 0xa1b23c4d : 0xa1b2c3d4, this.le);
      h.setUint16(4, 2, this.le);
      h.setUint16(6, 4, this.le);
      h.setUint32(16, o.snaplen ?? 262144, this.le);
      h.setUint32(20, links[0] ?? 1, this.le);
      this.emit(new Uint8Array(h.buffer));
    } else {
      this.block(
        0x0a0d0d0a,
        (dv) => {
          dv.setUint32(0, 0x1a2b3c4d, this.le);
          dv.setUint16(4, 1, this.le);
          dv.setUint16(6, 0, this.le);
          dv.setBigInt64(8, -1n, this.le);
        },
        16,
      );
      for (const lt of links) {
        const opt = o.ns ? 8 : 0;
        this.block(
          1,
          (dv) => {
            dv.setUint16(0, lt, this.le);
            dv.setUint32(4, o.snaplen ?? 262144, this.le);
            if (o.ns) {
              dv.setUint16(8, 9, this.le);
              dv.setUint16(10, 1, this.le);
              dv.setUint8(12, 9);
            }
          },
          8 + opt + (opt ? 4 : 0),
        );
      }
    }
  }

  private block(type: number, fill: (dv: DataView, body: Uint8Array) => void, bodyLen: number): void {
    const len = 12 + ((bodyLen + 3) & ~3);
    const b = new Uint8Array(len);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, type, this.le);
    dv.setUint32(4, len, this.le);
    fill(new DataView(b.buffer, 8, len - 12), b.subarray(8, len - 4));
    dv.setUint32(len - 4, len, this.le);
    this.emit(b);
  }

  private emit(b: Uint8Array): void {
    this.written += b.length;
    if (this.sink) {
      this.parts.push(b);
      this.pending += b.length;
      if (this.pending >= 1 << 20) this.flush();
    } else this.parts.push(b);
  }

  flush(): void {
    if (!this.sink || !this.parts.length) return;
    const out = new Uint8Array(this.pending);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    this.parts = [];
    this.pending = 0;
    this.sink(out);
  }

  /** Writes one frame at time t (seconds, fractional). */
  packet(frame: Uint8Array, t: number, iface = 0, origLen = frame.length): void {
    this.packets++;
    const sec = Math.floor(t);
    const ns = Math.round((t - sec) * 1e9);
    if (this.o.format === 'pcap') {
      const h = new Uint8Array(16 + frame.length);
      const dv = new DataView(h.buffer);
      dv.setUint32(0, sec, this.le);
      dv.setUint32(4, this.o.ns ? ns : Math.floor(ns / 1000), this.le);
      dv.setUint32(8, frame.length, this.le);
      dv.setUint32(12, origLen, this.le);
      h.set(frame, 16);
      this.emit(h);
      return;
    }
    if (this.o.simple) {
      this.block(
        3,
        (dv, body) => {
          dv.setUint32(0, origLen, this.le);
          body.set(frame, 4);
        },
        4 + frame.length,
      );
      return;
    }
    const ticks = this.o.ns ? BigInt(sec) * 1000000000n + BigInt(ns) : BigInt(sec) * 1000000n + BigInt(Math.floor(ns / 1000));
    this.block(
      6,
      (dv, body) => {
        dv.setUint32(0, iface, this.le);
        dv.setUint32(4, Number(ticks >> 32n), this.le);
        dv.setUint32(8, Number(ticks & 0xffffffffn), this.le);
        dv.setUint32(12, frame.length, this.le);
        dv.setUint32(16, origLen, this.le);
        body.set(frame, 20);
      },
      20 + frame.length,
    );
  }

  /** The whole file (writers without a sink). */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

// ---- frames -------------------------------------------------------------------------------------------------

const MAC_A = [0x02, 0, 0, 0, 0, 0x14];
const MAC_B = [0x02, 0, 0, 0, 0, 0x0a];

function ip4(s: string): number[] {
  return s.split('.').map(Number);
}

function sum16(b: Uint8Array, start: number, end: number, acc = 0): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += ((b[i] as number) << 8) | (b[i + 1] as number);
  if (i < end) s += (b[i] as number) << 8;
  return s;
}

function fold(s: number): number {
  let x = s;
  while (x > 0xffff) x = (x & 0xffff) + Math.floor(x / 0x10000);
  return ~x & 0xffff;
}

const payloadSums = new WeakMap<Uint8Array, number>();

export interface FrameOpts {
  vlan?: number[];
  ipId?: number;
  /** IPv4 fragment: offset in bytes and more-fragments */
  frag?: { off: number; more: boolean };
}

/** Ethernet II (+ 802.1Q tags) / IPv4 / `proto` with the given transport bytes. */
export function ethIpv4(src: string, dst: string, proto: number, l4: Uint8Array, o: FrameOpts = {}): Uint8Array {
  const tags = o.vlan ?? [];
  const eth = 14 + 4 * tags.length;
  const f = new Uint8Array(eth + 20 + l4.length);
  f.set(src < dst ? MAC_B : MAC_A, 0);
  f.set(src < dst ? MAC_A : MAC_B, 6);
  let p = 12;
  for (const t of tags) {
    f[p] = 0x81;
    f[p + 1] = 0x00;
    f[p + 2] = (t >> 8) & 0x0f;
    f[p + 3] = t & 0xff;
    p += 4;
  }
  f[p] = 0x08;
  f[p + 1] = 0x00;
  const ip = eth;
  f[ip] = 0x45;
  const total = 20 + l4.length;
  f[ip + 2] = total >> 8;
  f[ip + 3] = total & 255;
  const id = o.ipId ?? 0x1234;
  f[ip + 4] = id >> 8;
  f[ip + 5] = id & 255;
  const ff = o.frag ? (o.frag.more ? 0x2000 : 0) | (o.frag.off / 8) : 0x4000;
  f[ip + 6] = ff >> 8;
  f[ip + 7] = ff & 255;
  f[ip + 8] = 64;
  f[ip + 9] = proto;
  f.set(ip4(src), ip + 12);
  f.set(ip4(dst), ip + 16);
  const c = fold(sum16(f, ip, ip + 20));
  f[ip + 10] = c >> 8;
  f[ip + 11] = c & 255;
  f.set(l4, ip + 20);
  return f;
}

function pseudoSum(src: string, dst: string, proto: number, len: number): number {
  const a = ip4(src);
  const b = ip4(dst);
  return ((a[0]! << 8) | a[1]!) + ((a[2]! << 8) | a[3]!) + ((b[0]! << 8) | b[1]!) + ((b[2]! << 8) | b[3]!) + proto + len;
}

export function udp(src: string, dst: string, sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const u = new Uint8Array(8 + payload.length);
  u[0] = sport >> 8;
  u[1] = sport & 255;
  u[2] = dport >> 8;
  u[3] = dport & 255;
  u[4] = u.length >> 8;
  u[5] = u.length & 255;
  u.set(payload, 8);
  const c = fold(sum16(u, 0, u.length, pseudoSum(src, dst, 17, u.length))) || 0xffff;
  u[6] = c >> 8;
  u[7] = c & 255;
  return u;
}

export function tcp(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  seq: number,
  ack: number,
  flags: number,
  payload: Uint8Array,
): Uint8Array {
  const t = new Uint8Array(20 + payload.length);
  const dv = new DataView(t.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint32(4, seq >>> 0);
  dv.setUint32(8, ack >>> 0);
  t[12] = 5 << 4;
  t[13] = flags;
  dv.setUint16(14, 64240);
  t.set(payload, 20);
  let ps = payloadSums.get(payload);
  if (ps === undefined) {
    ps = sum16(payload, 0, payload.length);
    if (payload.length % 2 === 0) payloadSums.set(payload, ps);
  }
  // header sum + payload sum (the payload starts at an even offset, so its 16-bit words line up)
  const s = sum16(t, 0, 20, pseudoSum(src, dst, 6, t.length)) + ps;
  dv.setUint16(16, fold(s));
  return t;
}

export const F = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 } as const;

/** A TCP connection written into a capture: handshake, MSS-sized segments with ACKs, FIN. */
export class TcpFlow {
  seq: [number, number];
  t: number;

  constructor(
    readonly w: CaptureWriter,
    readonly client: string,
    readonly server: string,
    readonly cport: number,
    readonly sport: number,
    t0: number,
    public mss = 1460,
  ) {
    this.seq = [1000, 5000];
    this.t = t0;
  }

  private tick(): number {
    this.t += 0.00001;
    return this.t;
  }

  seg(dir: 0 | 1, flags: number, payload: Uint8Array = new Uint8Array(0), seq = this.seq[dir]): void {
    const [s, d, sp, dp] =
      dir === 0 ? [this.client, this.server, this.cport, this.sport] : [this.server, this.client, this.sport, this.cport];
    const ack = flags & F.ACK ? this.seq[1 - dir]! : 0;
    this.w.packet(ethIpv4(s, d, 6, tcp(s, d, sp, dp, seq, ack, flags, payload)), this.tick());
  }

  handshake(): this {
    this.seg(0, F.SYN);
    this.seq[0]++;
    this.seg(1, F.SYN | F.ACK);
    this.seq[1]++;
    this.seg(0, F.ACK);
    return this;
  }

  /** Sends `data` from `dir` in MSS-sized segments (the peer ACKs every other segment). */
  send(dir: 0 | 1, data: Uint8Array): this {
    let n = 0;
    for (let o = 0; o < data.length; o += this.mss) {
      const p = data.subarray(o, Math.min(data.length, o + this.mss));
      this.seg(dir, F.ACK | F.PSH, p);
      this.seq[dir] = (this.seq[dir]! + p.length) >>> 0;
      if (++n % 2 === 0) this.seg((1 - dir) as 0 | 1, F.ACK);
    }
    return this;
  }

  close(): void {
    this.seg(0, F.FIN | F.ACK);
    this.seq[0]++;
    this.seg(1, F.FIN | F.ACK);
    this.seq[1]++;
    this.seg(0, F.ACK);
  }
}

export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** RFC 4120 §7.2.2 record marker. */
export function krbRecord(m: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + m.length);
  new DataView(out.buffer).setUint32(0, m.length);
  out.set(m, 4);
  return out;
}

/** A DNS query / response for an A record (RFC 1035). */
export function dnsMessage(id: number, name: string, answer?: string | 'nxdomain'): Uint8Array {
  const q: number[] = [];
  for (const l of name.split('.')) q.push(l.length, ...ascii(l));
  q.push(0, 0, 1, 0, 1);
  const h = [
    id >> 8,
    id & 255,
    answer ? 0x81 : 0x01,
    answer === 'nxdomain' ? 0x83 : answer ? 0x80 : 0,
    0,
    1,
    0,
    answer && answer !== 'nxdomain' ? 1 : 0,
    0,
    0,
    0,
    0,
  ];
  const a = answer && answer !== 'nxdomain' ? [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...ip4(answer)] : [];
  return new Uint8Array([...h, ...q, ...a]);
}
