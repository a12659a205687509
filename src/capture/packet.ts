/**
 * Link, network and transport headers: a captured frame → an IP datagram → UDP / TCP / ICMP. No copying: payloads
 * are views into the frame, except IPv4/IPv6 fragments, which are gathered until the datagram is whole.
 *
 *   Ethernet II (IEEE 802.3): dst 6 · src 6 · ethertype 2; 802.1Q / 802.1ad (QinQ) tags (0x8100, 0x88a8, 0x9100): +4 each
 *   Linux cooked v1 (LINKTYPE_LINUX_SLL 113): packet type 2 · ARPHRD 2 · addr len 2 · addr 8 · protocol 2
 *   Linux cooked v2 (LINKTYPE_LINUX_SLL2 276): protocol 2 · reserved 2 · ifindex 4 · ARPHRD 2 · type 1 · addr len 1 · addr 8
 *   BSD loopback (LINKTYPE_NULL 0: host byte order; LINKTYPE_LOOP 108: network order): family u32 (2 = IPv4; 24/28/30 = IPv6)
 *   Raw IP (LINKTYPE_RAW 101, DLT_RAW 12/14, LINKTYPE_IPV4 228, LINKTYPE_IPV6 229): the version nibble decides
 *   IPv4 (RFC 791): ihl · total length · id · flags/fragment offset · protocol; IPv6 (RFC 8200) with its extension
 *   headers skipped (hop-by-hop 0, routing 43, fragment 44, destination options 60, AH 51 (RFC 4302 length rule))
 *   GRE (RFC 2784/2890) carrying ERSPAN type II/III (0x88be / 0x22eb) or transparent Ethernet (0x6558): unwrapped.
 *   UDP (RFC 768) · TCP (RFC 9293) · ICMP destination unreachable (RFC 792) / ICMPv6 (RFC 4443) with the quoted header.
 */

export interface IpPacket {
  v: 4 | 6;
  src: string;
  dst: string;
  proto: number;
  payload: Uint8Array;
}

export type Transport =
  | { kind: 'udp'; ip: IpPacket; sport: number; dport: number; payload: Uint8Array }
  | {
      kind: 'tcp';
      ip: IpPacket;
      sport: number;
      dport: number;
      seq: number;
      ack: number;
      flags: number;
      payload: Uint8Array;
    }
  | {
      /** ICMP / ICMPv6 destination unreachable, with the 5-tuple of the datagram it quotes. */
      kind: 'unreachable';
      ip: IpPacket;
      code: number;
      /** port unreachable (ICMP 3/3, ICMPv6 1/4) */
      port: boolean;
      quoted?: { proto: number; src: string; dst: string; sport: number; dport: number };
    }
  | { kind: 'other'; ip: IpPacket };

export const TCP = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 } as const;

export function ipv4(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/** RFC 5952 text form (what tshark prints). */
export function ipv6(b: Uint8Array, o: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(((b[o + 2 * i] as number) << 8) | (b[o + 2 * i + 1] as number));
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff)
    return `::ffff:${w[6]! >> 8}.${w[6]! & 255}.${w[7]! >> 8}.${w[7]! & 255}`;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(w);
  return `${hex(w.slice(0, best))}::${hex(w.slice(best + bestLen))}`;
}

interface FragBuffer {
  parts: { off: number; data: Uint8Array }[];
  total: number;
  have: number;
  bytes: number;
  first: number;
}

/** Gathers IP fragments (RFC 791 §3.2, RFC 8200 §4.5) into whole datagrams; bounded in memory. */
export class Defragmenter {
  private bufs = new Map<string, FragBuffer>();
  private held = 0;
  static readonly MAX_BYTES = 8 * 1024 * 1024;
  /** fragments dropped because the buffer was full or the datagram never completed */
  dropped = 0;

  add(key: string, off: number, more: boolean, data: Uint8Array, frame: number): Uint8Array | undefined {
    let f = this.bufs.get(key);
    if (!f) {
      if (this.bufs.size > 4096 || this.held > Defragmenter.MAX_BYTES) this.evict();
      f = { parts: [], total: -1, have: 0, bytes: 0, first: frame };
      this.bufs.set(key, f);
    }
    if (off + data.length > 65535 + 8) return undefined;
    f.parts.push({ off, data: data.slice() });
    f.bytes += data.length;
    this.held += data.length;
    if (!more) f.total = off + data.length;
    if (f.total < 0) return undefined;
    // complete when the parts cover [0, total)
    const parts = [...f.parts].sort((a, b) => a.off - b.off);
    let covered = 0;
    for (const p of parts) {
      if (p.off > covered) return undefined;
      covered = Math.max(covered, p.off + p.data.length);
    }
    if (covered < f.total) return undefined;
    const out = new Uint8Array(f.total);
    for (const p of parts) out.set(p.data.subarray(0, Math.max(0, Math.min(p.data.length, f.total - p.off))), p.off);
    this.bufs.delete(key);
    this.held -= f.bytes;
    return out;
  }

  private evict(): void {
    for (const [k, f] of this.bufs) {
      this.bufs.delete(k);
      this.held -= f.bytes;
      this.dropped += f.parts.length;
      if (this.bufs.size < 2048 && this.held < Defragmenter.MAX_BYTES / 2) break;
    }
  }

  /** datagrams still incomplete */
  get pending(): number {
    return this.bufs.size;
  }
}

/** The network layer's first byte in a frame of `linkType`, or -1 (with the ethertype-style protocol). */
export function linkPayload(linkType: number, d: Uint8Array): { off: number; proto: number } | undefined {
  switch (linkType) {
    case 1: // Ethernet
      return ether(d, 0);
    case 113: {
      if (d.length < 16) return undefined;
      return etherType(d, 16, ((d[14] as number) << 8) | (d[15] as number));
    }
    case 276: {
      if (d.length < 20) return undefined;
      return etherType(d, 20, ((d[0] as number) << 8) | (d[1] as number));
    }
    case 0:
    case 108: {
      if (d.length < 4) return undefined;
      const be = ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
      const le = ((d[3]! << 24) | (d[2]! << 16) | (d[1]! << 8) | d[0]!) >>> 0;
      const fam = linkType === 108 ? be : Math.min(be, le);
      if (fam === 2) return { off: 4, proto: 0x0800 };
      if (fam === 24 || fam === 28 || fam === 30 || fam === 10) return { off: 4, proto: 0x86dd };
      return undefined;
    }
    case 101:
    case 12:
    case 14:
    case 228:
    case 229: {
      const v = (d[0] ?? 0) >> 4;
      return v === 4 ? { off: 0, proto: 0x0800 } : v === 6 ? { off: 0, proto: 0x86dd } : undefined;
    }
    default:
      return undefined;
  }
}

function ether(d: Uint8Array, o: number): { off: number; proto: number } | undefined {
  if (d.length < o + 14) return undefined;
  return etherType(d, o + 14, ((d[o + 12] as number) << 8) | (d[o + 13] as number));
}

function etherType(d: Uint8Array, off: number, t: number): { off: number; proto: number } | undefined {
  let o = off;
  let type = t;
  for (let i = 0; i < 4 && (type === 0x8100 || type === 0x88a8 || type === 0x9100); i++) {
    if (d.length < o + 4) return undefined;
    type = ((d[o + 2] as number) << 8) | (d[o + 3] as number);
    o += 4;
  }
  if (type === 0x0800 || type === 0x86dd) return { off: o, proto: type };
  return undefined;
}

/** Decodes the IP datagram at `off`; fragments go through `defrag` (undefined until the datagram is complete). */
export function ipPacket(d: Uint8Array, off: number, defrag: Defragmenter, frame: number, depth = 0): IpPacket | undefined {
  const v = (d[off] ?? 0) >> 4;
  if (v === 4) {
    if (d.length < off + 20) return undefined;
    const ihl = ((d[off] as number) & 15) * 4;
    const total = ((d[off + 2] as number) << 8) | (d[off + 3] as number);
    if (ihl < 20) return undefined;
    // total 0: TSO-offloaded capture (the NIC fills it in): take the frame's length
    const end = total === 0 ? d.length : Math.min(d.length, off + total);
    if (end < off + ihl) return undefined;
    const proto = d[off + 9] as number;
    const src = ipv4(d, off + 12);
    const dst = ipv4(d, off + 16);
    const ff = ((d[off + 6] as number) << 8) | (d[off + 7] as number);
    const more = (ff & 0x2000) !== 0;
    const fragOff = (ff & 0x1fff) * 8;
    let payload = d.subarray(off + ihl, end);
    if (more || fragOff) {
      const id = ((d[off + 4] as number) << 8) | (d[off + 5] as number);
      const whole = defrag.add(`4 ${src} ${dst} ${proto} ${id}`, fragOff, more, payload, frame);
      if (!whole) return undefined;
      payload = whole;
    }
    return unwrapGre({ v: 4, src, dst, proto, payload }, defrag, frame, depth);
  }
  if (v === 6) {
    if (d.length < off + 40) return undefined;
    const plen = ((d[off + 4] as number) << 8) | (d[off + 5] as number);
    let next = d[off + 6] as number;
    const src = ipv6(d, off + 8);
    const dst = ipv6(d, off + 24);
    const end = plen === 0 ? d.length : Math.min(d.length, off + 40 + plen);
    let p = off + 40;
    let frag: { off: number; more: boolean; id: number } | undefined;
    for (let i = 0; i < 8; i++) {
      if (next === 0 || next === 43 || next === 60) {
        if (p + 2 > end) return undefined;
        const n = d[p] as number;
        const len = ((d[p + 1] as number) + 1) * 8;
        next = n;
        p += len;
      } else if (next === 51) {
        if (p + 2 > end) return undefined;
        const n = d[p] as number;
        const len = ((d[p + 1] as number) + 2) * 4;
        next = n;
        p += len;
      } else if (next === 44) {
        if (p + 8 > end) return undefined;
        const n = d[p] as number;
        const fo = ((d[p + 2] as number) << 8) | (d[p + 3] as number);
        const id = ((d[p + 4]! << 24) | (d[p + 5]! << 16) | (d[p + 6]! << 8) | d[p + 7]!) >>> 0;
        frag = { off: fo & 0xfff8, more: (fo & 1) === 1, id };
        next = n;
        p += 8;
      } else break;
    }
    if (p > end) return undefined;
    let payload = d.subarray(p, end);
    if (frag && (frag.more || frag.off)) {
      const whole = defrag.add(`6 ${src} ${dst} ${frag.id}`, frag.off, frag.more, payload, frame);
      if (!whole) return undefined;
      payload = whole;
    }
    return unwrapGre({ v: 6, src, dst, proto: next, payload }, defrag, frame, depth);
  }
  return undefined;
}

/** GRE carrying ERSPAN or bridged Ethernet: the inner IP packet (tshark shows the inner conversation). */
function unwrapGre(ip: IpPacket, defrag: Defragmenter, frame: number, depth: number): IpPacket | undefined {
  if (ip.proto !== 47 || depth > 2) return ip;
  const g = ip.payload;
  if (g.length < 4) return ip;
  const flags = ((g[0] as number) << 8) | (g[1] as number);
  const type = ((g[2] as number) << 8) | (g[3] as number);
  let o = 4;
  if (flags & 0x8000) o += 4; // checksum + reserved
  if (flags & 0x2000) o += 4; // key
  const seq = (flags & 0x1000) !== 0;
  if (seq) o += 4;
  let inner: number;
  if (type === 0x88be)
    inner = seq ? o + 8 : o; // ERSPAN type II (type I has no sequence number and no header)
  else if (type === 0x22eb)
    inner = o + 12; // ERSPAN type III
  else if (type === 0x6558) inner = o;
  else if (type === 0x0800 || type === 0x86dd) return ipPacket(g, o, defrag, frame, depth + 1) ?? ip;
  else return ip;
  const l = ether(g, inner);
  if (!l) return ip;
  return ipPacket(g, l.off, defrag, frame, depth + 1) ?? ip;
}

/** UDP / TCP / ICMP unreachable on top of an IP packet. */
export function transport(ip: IpPacket): Transport {
  const p = ip.payload;
  if (ip.proto === 17) {
    if (p.length < 8) return { kind: 'other', ip };
    const ulen = ((p[4] as number) << 8) | (p[5] as number);
    const end = ulen >= 8 && ulen <= p.length ? ulen : p.length;
    return {
      kind: 'udp',
      ip,
      sport: ((p[0] as number) << 8) | (p[1] as number),
      dport: ((p[2] as number) << 8) | (p[3] as number),
      payload: p.subarray(8, end),
    };
  }
  if (ip.proto === 6) {
    if (p.length < 20) return { kind: 'other', ip };
    const hl = ((p[12] as number) >> 4) * 4;
    if (hl < 20 || hl > p.length) return { kind: 'other', ip };
    return {
      kind: 'tcp',
      ip,
      sport: ((p[0] as number) << 8) | (p[1] as number),
      dport: ((p[2] as number) << 8) | (p[3] as number),
      seq: ((p[4]! << 24) | (p[5]! << 16) | (p[6]! << 8) | p[7]!) >>> 0,
      ack: ((p[8]! << 24) | (p[9]! << 16) | (p[10]! << 8) | p[11]!) >>> 0,
      flags: p[13] as number,
      payload: p.subarray(hl),
    };
  }
  if ((ip.proto === 1 && p[0] === 3) || (ip.proto === 58 && p[0] === 1)) {
    const code = p[1] as number;
    const port = ip.proto === 1 ? code === 3 : code === 4;
    const q = p.subarray(8);
    let quoted: { proto: number; src: string; dst: string; sport: number; dport: number } | undefined;
    const qv = (q[0] ?? 0) >> 4;
    if (qv === 4 && q.length >= 20) {
      const ihl = ((q[0] as number) & 15) * 4;
      if (q.length >= ihl + 4)
        quoted = {
          proto: q[9] as number,
          src: ipv4(q, 12),
          dst: ipv4(q, 16),
          sport: ((q[ihl] as number) << 8) | (q[ihl + 1] as number),
          dport: ((q[ihl + 2] as number) << 8) | (q[ihl + 3] as number),
        };
    } else if (qv === 6 && q.length >= 44) {
      quoted = {
        proto: q[6] as number,
        src: ipv6(q, 8),
        dst: ipv6(q, 24),
        sport: ((q[40] as number) << 8) | (q[41] as number),
        dport: ((q[42] as number) << 8) | (q[43] as number),
      };
    }
    return { kind: 'unreachable', ip, code, port, ...(quoted ? { quoted } : {}) };
  }
  return { kind: 'other', ip };
}
