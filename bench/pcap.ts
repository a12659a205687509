/**
 * Just enough classic-pcap (libpcap, not pcapng) to synthesise bigger benchmark captures: read the records, and write
 * a file that repeats every frame `copies` times, each copy on its own client ports so tshark sees new TCP
 * conversations instead of retransmissions. Ethernet + IPv4 + TCP/UDP only; checksums are left stale (tshark does
 * not validate them by default). Bench code, not a capture library.
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface Pcap {
  header: Uint8Array;
  little: boolean;
  records: { hdr: Uint8Array; data: Uint8Array }[];
}

export function readPcap(file: string): Pcap {
  const b = new Uint8Array(readFileSync(file));
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = dv.getUint32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && dv.getUint32(0, false) !== 0xa1b2c3d4 && dv.getUint32(0, false) !== 0xa1b23c4d)
    throw new Error(`${file}: not a classic pcap`);
  const records: Pcap['records'] = [];
  let off = 24;
  while (off + 16 <= b.length) {
    const incl = dv.getUint32(off + 8, little);
    records.push({ hdr: b.subarray(off, off + 16), data: b.subarray(off + 16, off + 16 + incl) });
    off += 16 + incl;
  }
  return { header: b.subarray(0, 24), little, records };
}

/** Shifts the non-service port (not one of `servicePorts`) of an Ethernet/IPv4 TCP or UDP frame by `delta`. */
function shiftPorts(frame: Uint8Array, delta: number, servicePorts: ReadonlySet<number>): Uint8Array {
  const f = frame.slice();
  if (f.length < 14 + 20 || f[12] !== 0x08 || f[13] !== 0x00) return f;
  const ihl = ((f[14] as number) & 0x0f) * 4;
  const proto = f[14 + 9];
  if (proto !== 6 && proto !== 17) return f;
  const l4 = 14 + ihl;
  if (f.length < l4 + 4) return f;
  const dv = new DataView(f.buffer);
  for (const at of [l4, l4 + 2]) {
    const p = dv.getUint16(at);
    if (!servicePorts.has(p)) dv.setUint16(at, 1024 + ((p - 1024 + delta) % 60000));
  }
  return f;
}

/** Writes `copies` copies of every frame of `src` (in order, copy by copy) to `dst`. Returns the frame count. */
export function repeatPcap(src: string, dst: string, copies: number, servicePorts: readonly number[]): number {
  const p = readPcap(src);
  const ports = new Set(servicePorts);
  const parts: Uint8Array[] = [p.header];
  for (let k = 0; k < copies; k++)
    for (const r of p.records) {
      parts.push(r.hdr);
      parts.push(k === 0 ? r.data : shiftPorts(r.data, k * 7, ports));
    }
  const total = parts.reduce((a, x) => a + x.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  writeFileSync(dst, out);
  return p.records.length * copies;
}
