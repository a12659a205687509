/**
 * A small BinXML writer for tests: tokens (MS-EVEN6 §3.1.4.x, see src/evtx/binxml.ts for the grammar) into a chunk
 * buffer, with names and template definitions inline at the offsets that point at them, as Windows writes them.
 */

import { crc32 } from '../../src/evtx/crc32.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE } from '../../src/evtx/file.js';

export class ChunkWriter {
  readonly b = new Uint8Array(CHUNK_SIZE);
  readonly dv = new DataView(this.b.buffer);
  pos = 512;

  u8(v: number): this {
    this.b[this.pos++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.dv.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.dv.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
    return this;
  }
  bytes(x: Uint8Array): this {
    this.b.set(x, this.pos);
    this.pos += x.length;
    return this;
  }
  utf16(s: string): this {
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
    return this;
  }
  /** A name reference with the name inline right after it (offset = here). */
  name(s: string): this {
    this.u32(this.pos + 4);
    this.u32(0).u16(0).u16(s.length).utf16(s).u16(0);
    return this;
  }
  fragmentHeader(): this {
    return this.u8(0x0f).u8(1).u8(1).u8(0);
  }
  /** OpenStartElement without attributes: token, dependency id, data size (not checked), name. */
  open(name: string, attrs = false): this {
    return this.u8(attrs ? 0x41 : 0x01)
      .u16(0xffff)
      .u32(0)
      .name(name);
  }
  /** A string value text token. */
  text(s: string): this {
    return this.u8(0x05).u8(0x01).u16(s.length).utf16(s);
  }
  /** A template instance whose definition is inline (written by `body`), with the given (type, bytes) values. */
  instance(body: (w: ChunkWriter) => void, values: [number, Uint8Array][] = []): number {
    this.u8(0x0c).u8(0x01).u32(0);
    const defAt = this.pos + 4;
    this.u32(defAt);
    this.u32(0).bytes(new Uint8Array(16));
    const sizeAt = this.pos;
    this.u32(0);
    const start = this.pos;
    body(this);
    this.dv.setUint32(sizeAt, this.pos - start, true);
    this.u32(values.length);
    for (const [t, v] of values) this.u16(v.length).u8(t).u8(0);
    for (const [, v] of values) this.bytes(v);
    return defAt;
  }
  /** An instance of a definition written earlier (at `defAt`). */
  instanceOf(defAt: number, values: [number, Uint8Array][] = []): this {
    this.u8(0x0c).u8(0x01).u32(0).u32(defAt);
    this.u32(values.length);
    for (const [t, v] of values) this.u16(v.length).u8(t).u8(0);
    for (const [, v] of values) this.bytes(v);
    return this;
  }
}

/** One record around BinXML written by `body`, in a chunk with a valid header; the whole EVTX file. */
export function evtxWithRecord(body: (w: ChunkWriter) => void, recordId = 1): Uint8Array {
  const w = new ChunkWriter();
  const rec = w.pos;
  w.u32(0x2a2a).u32(0).u32(recordId).u32(0).u32(0).u32(0x01d00000);
  body(w);
  while ((w.pos + 4 - rec) % 8) w.u8(0);
  const size = w.pos + 4 - rec;
  w.u32(size);
  w.dv.setUint32(rec + 4, size, true);
  const end = w.pos;
  const c = w.b;
  c.set([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]);
  const dv = w.dv;
  dv.setBigUint64(8, BigInt(recordId), true);
  dv.setBigUint64(16, BigInt(recordId), true);
  dv.setBigUint64(24, BigInt(recordId), true);
  dv.setBigUint64(32, BigInt(recordId), true);
  dv.setUint32(40, 128, true);
  dv.setUint32(44, rec, true);
  dv.setUint32(48, end, true);
  dv.setUint32(52, crc32(c, 512, end), true);
  dv.setUint32(124, crc32(c, 128, 512, crc32(c, 0, 120)), true);
  const file = new Uint8Array(FILE_HEADER_SIZE + CHUNK_SIZE);
  const h = new DataView(file.buffer);
  file.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]);
  h.setBigUint64(24, BigInt(recordId + 1), true);
  h.setUint32(32, 128, true);
  h.setUint16(36, 1, true);
  h.setUint16(38, 3, true);
  h.setUint16(40, 4096, true);
  h.setUint16(42, 1, true);
  h.setUint32(124, crc32(file, 0, 120), true);
  file.set(c, FILE_HEADER_SIZE);
  return file;
}
