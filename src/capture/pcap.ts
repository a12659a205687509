/**
 * Capture file readers, streaming: bytes arrive in chunks of any size (a file read, a fetch body, a browser File
 * slice) and packets leave one by one. The whole file is never held: a packet is handed out as a view into the
 * chunk that holds it (copied only when it straddles two chunks), and the reader keeps at most one block's bytes.
 *
 * libpcap (https://www.tcpdump.org/manpages/pcap-savefile.5.txt, draft-ietf-opsawg-pcap §4-5):
 *   Global header (24): magic u32 (a1b2c3d4 µs | a1b23c4d ns, byte order = the file's) · version u16.u16 ·
 *                       thiszone i32 · sigfigs u32 · snaplen u32 · linktype u32 (FCS bits in the top nibble)
 *   Record (16 + n):    ts_sec u32 · ts_frac u32 · incl_len u32 · orig_len u32 · data[incl_len]
 *
 * pcapng (draft-ietf-opsawg-pcapng §3-4):
 *   Block: type u32 · total_length u32 · body · total_length u32 (length a multiple of 4, byte order from the SHB)
 *   SHB 0x0A0D0D0A: byte_order_magic 1A2B3C4D · major u16 · minor u16 · section_length i64 · options
 *   IDB 0x00000001: linktype u16 · reserved u16 · snaplen u32 · options (if_tsresol 9, if_tsoffset 14)
 *   EPB 0x00000006: interface u32 · ts_high u32 · ts_low u32 · cap_len u32 · orig_len u32 · data (pad 4) · options
 *   SPB 0x00000003: orig_len u32 · data (cap_len = min(orig_len, snaplen of interface 0))
 *   PB  0x00000002 (obsolete): interface u16 · drops u16 · ts_high · ts_low · cap_len · orig_len · data
 *   DSB 0x0000000A: secrets_type u32 · secrets_length u32 · data (TLS key log, WireGuard keys ...): counted, not used
 *   Every other block (NRB, ISB, custom) is skipped by its length.
 */

/** One captured packet. Valid only during the callback: the object is reused and `data` may point into the caller's chunk. */
export interface RawPacket {
  /** 1-based, in file order, as tshark numbers frames. */
  frame: number;
  /** Seconds since the epoch and the nanoseconds within that second. */
  sec: number;
  nsec: number;
  /** LINKTYPE_* value (https://www.tcpdump.org/linktypes.html). */
  linkType: number;
  interfaceId: number;
  data: Uint8Array;
  /** Length on the wire (data may be shorter: snaplen). */
  origLen: number;
  /** Byte offset of the record/block in the file. */
  offset: number;
}

/** Damage in the file: everything before `offset` was read. */
export interface CaptureProblem {
  offset: number;
  block: string;
  message: string;
  frame?: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureInfo {
  format: CaptureFormat;
  byteOrder: 'big' | 'little';
  /** pcap: µs or ns; pcapng: per interface. */
  interfaces: { linkType: number; snaplen: number; tsResolution: string }[];
  decryptionSecrets: number;
}

/** Thrown from push() when the first bytes are not a capture at all (the CLI's exit 2). */
export class NotACaptureError extends Error {
  override readonly name = 'NotACaptureError';
}

/** Larger blocks than this are treated as corrupt: no real packet block is 64 MiB. */
const MAX_BLOCK = 64 * 1024 * 1024;

interface Iface {
  linkType: number;
  snaplen: number;
  /** ticks per second, and the offset in seconds */
  tsDiv: bigint;
  tsDivN: number;
  tsOffset: number;
  tsResolution: string;
}

/**
 * Push-based reader for pcap and pcapng. `push(chunk)` as bytes arrive, `end()` at the end; packets go to
 * `onPacket`, damage to `problems`. A damaged file yields every packet before the damage plus one problem
 * with the byte offset and the block being read; reading stops there.
 */
export class CaptureReader {
  readonly problems: CaptureProblem[] = [];
  info: CaptureInfo | undefined;
  packets = 0;
  private buf: Uint8Array = new Uint8Array(0);
  /** file offset of buf[0] */
  private bufOffset = 0;
  private le = true;
  private format: CaptureFormat | undefined;
  private ifaces: Iface[] = [];
  private pcapNs = false;
  private pcapLink = 1;
  private stopped = false;
  private started = false;
  /** one packet object, refilled for every packet (the callback must not keep it) */
  private pkt: RawPacket = { frame: 0, sec: 0, nsec: 0, linkType: 0, interfaceId: 0, data: new Uint8Array(0), origLen: 0, offset: 0 };

  constructor(private readonly onPacket: (p: RawPacket) => void) {}

  get done(): boolean {
    return this.stopped;
  }

  /** Bytes of the file consumed so far. */
  get consumed(): number {
    return this.bufOffset;
  }

  push(chunk: Uint8Array): void {
    if (this.stopped || chunk.length === 0) return;
    let pos = 0;
    // first finish the record that straddles the previous chunk, copying only its own bytes
    while (this.buf.length && pos < chunk.length && !this.stopped) {
      const need = this.needed(this.buf);
      const take = Math.max(1, Math.min(need - this.buf.length, chunk.length - pos));
      const joined = new Uint8Array(this.buf.length + take);
      joined.set(this.buf, 0);
      joined.set(chunk.subarray(pos, pos + take), this.buf.length);
      pos += take;
      this.buf = joined;
      if (joined.length >= need) {
        const used = this.parse(joined);
        this.bufOffset += used;
        this.buf = used < joined.length ? joined.slice(used) : new Uint8Array(0);
      }
    }
    if (pos >= chunk.length || this.stopped) return;
    // then read the rest of the chunk in place; keep a copy of the unfinished tail (the caller may reuse its chunk)
    const rest = pos ? chunk.subarray(pos) : chunk;
    const used = this.parse(rest);
    this.bufOffset += used;
    this.buf = used < rest.length ? rest.slice(used) : new Uint8Array(0);
  }

  /** How many bytes `b` (the start of a record or block) must hold before parsing can move on. */
  private needed(b: Uint8Array): number {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (!this.started) {
      if (b.length < 4) return 4;
      const m = dv.getUint32(0, false);
      return m === 0x0a0d0d0a ? 12 : 24;
    }
    if (this.format === 'pcap') {
      if (b.length < 16) return 16;
      const incl = dv.getUint32(8, this.le);
      return incl > MAX_BLOCK ? b.length : 16 + incl;
    }
    if (b.length < 12) return 12;
    let le = this.le;
    if (dv.getUint32(0, false) === 0x0a0d0d0a) le = dv.getUint32(8, false) !== 0x1a2b3c4d;
    const len = dv.getUint32(4, le);
    return len < 12 || len > MAX_BLOCK ? b.length : len;
  }

  end(): void {
    if (this.stopped) return;
    if (!this.started) {
      if (this.buf.length === 0) throw new NotACaptureError('empty file: not a pcap or pcapng capture');
      throw new NotACaptureError(`not a pcap or pcapng capture (${this.buf.length} bytes, too short for a file header)`);
    }
    if (this.buf.length) {
      const what = this.format === 'pcap' ? 'packet record' : 'block';
      this.problems.push({
        offset: this.bufOffset,
        block: this.format === 'pcap' ? 'record' : this.pendingBlockName(),
        message: `the file ends inside a ${what}: ${this.buf.length} bytes left over (truncated capture)`,
        frame: this.packets + 1,
      });
    }
    this.stopped = true;
  }

  private pendingBlockName(): string {
    if (this.buf.length < 4) return 'block header';
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return blockName(dv.getUint32(0, this.le));
  }

  private damage(offset: number, block: string, message: string): number {
    this.problems.push({ offset, block, message, frame: this.packets + 1 });
    this.stopped = true;
    return 0;
  }

  /** Parses as much of `d` as is complete; returns the bytes consumed. */
  private parse(d: Uint8Array): number {
    const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
    let p = 0;
    if (!this.started) {
      if (d.length < 4) return 0;
      const m = dv.getUint32(0, false);
      if (m === 0x0a0d0d0a) {
        this.format = 'pcapng';
      } else if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) {
        if (d.length < 24) return 0;
        this.format = 'pcap';
        this.le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
        this.pcapNs = m === 0xa1b23c4d || m === 0x4d3cb2a1;
        const snaplen = dv.getUint32(16, this.le);
        this.pcapLink = dv.getUint32(20, this.le) & 0x0fffffff;
        this.info = {
          format: 'pcap',
          byteOrder: this.le ? 'little' : 'big',
          interfaces: [{ linkType: this.pcapLink, snaplen, tsResolution: this.pcapNs ? 'ns' : 'µs' }],
          decryptionSecrets: 0,
        };
        p = 24;
      } else {
        this.stopped = true;
        const hex = [...d.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
        throw new NotACaptureError(`not a pcap or pcapng capture (starts with ${hex})`);
      }
      this.started = true;
    }
    return this.format === 'pcap' ? this.parsePcap(d, dv, p) : this.parsePcapng(d, dv, p);
  }

  private parsePcap(d: Uint8Array, dv: DataView, p: number): number {
    const le = this.le;
    const nsDiv = this.pcapNs ? 1 : 1000;
    while (p + 16 <= d.length) {
      const incl = dv.getUint32(p + 8, le);
      if (incl > MAX_BLOCK)
        return p + this.damage(this.bufOffset + p, 'record', `packet record claims ${incl} captured bytes (corrupt record header)`);
      if (p + 16 + incl > d.length) break;
      const sec = dv.getUint32(p, le);
      const frac = dv.getUint32(p + 4, le);
      const origLen = dv.getUint32(p + 12, le);
      this.packets++;
      const pk = this.pkt;
      pk.frame = this.packets;
      pk.sec = sec;
      pk.nsec = frac * nsDiv;
      pk.linkType = this.pcapLink;
      pk.interfaceId = 0;
      pk.data = d.subarray(p + 16, p + 16 + incl);
      pk.origLen = origLen;
      pk.offset = this.bufOffset + p;
      this.onPacket(pk);
      p += 16 + incl;
    }
    return p;
  }

  private parsePcapng(d: Uint8Array, dv: DataView, p: number): number {
    while (p + 12 <= d.length && !this.stopped) {
      // the SHB's own byte order decides how its length reads
      let type = dv.getUint32(p, this.le);
      if (dv.getUint32(p, false) === 0x0a0d0d0a) {
        const bom = dv.getUint32(p + 8, false);
        if (bom === 0x1a2b3c4d) this.le = false;
        else if (bom === 0x4d3c2b1a) this.le = true;
        else return p + this.damage(this.bufOffset + p, 'SHB', 'section header block with a bad byte-order magic');
        type = 0x0a0d0d0a;
      }
      const len = dv.getUint32(p + 4, this.le);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK)
        return p + this.damage(this.bufOffset + p, blockName(type), `block length ${len} is invalid (corrupt block header)`);
      if (p + len > d.length) break;
      if (dv.getUint32(p + len - 4, this.le) !== len)
        return p + this.damage(this.bufOffset + p, blockName(type), `block length ${len} does not match its trailing copy`);
      const body = p + 8;
      const bodyEnd = p + len - 4;
      const ok = this.block(type, d, dv, body, bodyEnd, this.bufOffset + p);
      if (!ok) return p;
      p += len;
    }
    return p;
  }

  /** Handles one complete block; false when the file is damaged here. */
  private block(type: number, d: Uint8Array, dv: DataView, b: number, e: number, offset: number): boolean {
    const le = this.le;
    switch (type) {
      case 0x0a0d0d0a: {
        if (e - b < 16) return !!this.damage(offset, 'SHB', 'section header block too short');
        this.ifaces = []; // interface ids restart in each section
        if (!this.info) this.info = { format: 'pcapng', byteOrder: le ? 'little' : 'big', interfaces: [], decryptionSecrets: 0 };
        return true;
      }
      case 0x00000001: {
        if (e - b < 8) return !!this.damage(offset, 'IDB', 'interface description block too short');
        const linkType = dv.getUint16(b, le);
        const snaplen = dv.getUint32(b + 4, le);
        let tsDivN = 1e6;
        let tsResolution = 'µs';
        let tsOffset = 0;
        for (const [code, vb, vl] of options(dv, b + 8, e, le)) {
          if (code === 9 && vl >= 1) {
            const r = d[vb] as number;
            const exp = r & 0x7f;
            if (r & 0x80) {
              tsDivN = 2 ** Math.min(exp, 63);
              tsResolution = `2^-${exp} s`;
            } else {
              tsDivN = 10 ** Math.min(exp, 18);
              tsResolution = exp === 6 ? 'µs' : exp === 9 ? 'ns' : exp === 3 ? 'ms' : `10^-${exp} s`;
            }
          } else if (code === 14 && vl >= 8) tsOffset = Number(dv.getBigInt64(vb, le));
        }
        const iface: Iface = { linkType, snaplen, tsDiv: BigInt(Math.round(tsDivN)), tsDivN, tsOffset, tsResolution };
        this.ifaces.push(iface);
        this.info?.interfaces.push({ linkType, snaplen, tsResolution });
        return true;
      }
      case 0x00000006:
      case 0x00000002: {
        const obsolete = type === 2;
        if (e - b < 20) return !!this.damage(offset, blockName(type), 'packet block too short');
        const ifId = obsolete ? dv.getUint16(b, le) : dv.getUint32(b, le);
        const iface = this.ifaces[ifId];
        if (!iface) return !!this.damage(offset, blockName(type), `packet names interface ${ifId}, which no IDB declared`);
        const hi = dv.getUint32(b + 4, le);
        const lo = dv.getUint32(b + 8, le);
        const cap = dv.getUint32(b + 12, le);
        const origLen = dv.getUint32(b + 16, le);
        if (b + 20 + cap > e) return !!this.damage(offset, blockName(type), `captured length ${cap} runs past the end of its block`);
        this.packets++;
        const pk = this.pkt;
        tsSplit(hi, lo, iface, pk);
        pk.frame = this.packets;
        pk.linkType = iface.linkType;
        pk.interfaceId = ifId;
        pk.data = d.subarray(b + 20, b + 20 + cap);
        pk.origLen = origLen;
        pk.offset = offset;
        this.onPacket(pk);
        return true;
      }
      case 0x00000003: {
        const iface = this.ifaces[0];
        if (!iface) return !!this.damage(offset, 'SPB', 'simple packet block before any IDB');
        const origLen = dv.getUint32(b, le);
        const cap = Math.min(origLen, iface.snaplen || origLen, e - b - 4);
        this.packets++;
        // SPBs carry no timestamp (draft-ietf-opsawg-pcapng §4.4): time 0, as tshark shows them
        this.onPacket({
          frame: this.packets,
          sec: 0,
          nsec: 0,
          linkType: iface.linkType,
          interfaceId: 0,
          data: d.subarray(b + 4, b + 4 + cap),
          origLen,
          offset,
        });
        return true;
      }
      case 0x0000000a:
        if (this.info) this.info.decryptionSecrets++;
        return true;
      default:
        return true;
    }
  }
}

function tsSplit(hi: number, lo: number, iface: Iface, out: { sec: number; nsec: number }): void {
  if (iface.tsDivN === 1e6 && hi < 0x100000) {
    // the common case without BigInt: µs ticks fit a double exactly (< 2^53)
    const ticks = hi * 4294967296 + lo;
    const sec = Math.floor(ticks / 1e6);
    out.sec = sec + iface.tsOffset;
    out.nsec = (ticks - sec * 1e6) * 1000;
    return;
  }
  if (iface.tsDivN === 1e9 && hi < 0x100000) {
    const ticks = hi * 4294967296 + lo;
    const sec = Math.floor(ticks / 1e9);
    out.sec = sec + iface.tsOffset;
    out.nsec = ticks - sec * 1e9;
    return;
  }
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  const div = iface.tsDiv > 0n ? iface.tsDiv : 1n;
  out.sec = Number(ticks / div) + iface.tsOffset;
  out.nsec = Number(((ticks % div) * 1000000000n) / div);
}

function* options(dv: DataView, b: number, e: number, le: boolean): Generator<[number, number, number]> {
  let p = b;
  while (p + 4 <= e) {
    const code = dv.getUint16(p, le);
    const len = dv.getUint16(p + 2, le);
    if (code === 0) return;
    if (p + 4 + len > e) return;
    yield [code, p + 4, len];
    p += 4 + ((len + 3) & ~3);
  }
}

export function blockName(type: number): string {
  switch (type) {
    case 0x0a0d0d0a:
      return 'SHB';
    case 1:
      return 'IDB';
    case 2:
      return 'PB';
    case 3:
      return 'SPB';
    case 4:
      return 'NRB';
    case 5:
      return 'ISB';
    case 6:
      return 'EPB';
    case 0x0a:
      return 'DSB';
    default:
      return `block 0x${(type >>> 0).toString(16).padStart(8, '0')}`;
  }
}

/** True when the first bytes are a pcap or pcapng file header. */
export function looksLikeCapture(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const m = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, false);
  return m === 0x0a0d0d0a || m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1;
}
