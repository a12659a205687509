/**
 * The EVTX container (MS-EVEN6 §2 "BinXml" file format; libevtx "Windows XML Event Log (EVTX)" notes).
 *
 *   File    = FileHeader (4096 bytes) Chunk*
 *   FileHeader: "ElfFile\0", u64 first chunk number, u64 last chunk number, u64 next record id, u32 header size (128),
 *               u16 minor (1), u16 major (3), u16 header block size (4096), u16 chunk count, 76 bytes reserved,
 *               u32 flags (1 = dirty, 2 = full), u32 CRC32 of bytes [0, 120)
 *   Chunk   = 65536 bytes: ChunkHeader (512 bytes) Record* free space
 *   ChunkHeader: "ElfChnk\0", u64 first/last record number, u64 first/last record id, u32 header size (128),
 *               u32 last record offset, u32 free space offset, u32 CRC32 of the records [512, free space offset),
 *               64 bytes reserved, u32 flags, u32 CRC32 of bytes [0, 120) and [128, 512),
 *               u32[64] common string offsets, u32[32] template offsets (the tables BinXML names point into)
 *   Record  = u32 signature 0x00002A2A, u32 size, u64 record id, FILETIME written, BinXML, u32 size (copy)
 *
 * Damage is data: a bad checksum is a warning and the chunk is still read; a record whose header or BinXML is broken is
 * rejected with its offset and the next record is looked for (by its signature and matching size copy), so everything
 * readable is still read. A dirty (unflushed) file may hold more chunks than its header counts: every chunk present
 * is read. Pure: the caller hands over bytes (one 64 KiB chunk at a time, so memory stays flat).
 */
import { DecodeError } from '../wire/errors.js';
import { ChunkContext, decodeBinXml, type XmlElement } from './binxml.js';
import { crc32 } from './crc32.js';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
const CHUNK_HEADER_SIZE = 512;

export interface EvtxFileHeader {
  firstChunkNumber: bigint;
  lastChunkNumber: bigint;
  nextRecordId: bigint;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  headerBlockSize: number;
  chunkCount: number;
  /** 1 = dirty (not closed cleanly), 2 = full. */
  flags: number;
  checksum: number;
  checksumOk: boolean;
}

export interface EvtxChunkHeader {
  firstRecordNumber: bigint;
  lastRecordNumber: bigint;
  firstRecordId: bigint;
  lastRecordId: bigint;
  headerSize: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  recordsChecksum: number;
  flags: number;
  headerChecksum: number;
  headerChecksumOk: boolean;
}

/** Damage found while reading: where (absolute file offset), what, and whether records were lost (error) or not (warning). */
export interface EvtxProblem {
  severity: 'warning' | 'error';
  code: string;
  message: string;
  offset: number;
  chunk?: number;
  record?: number;
}

export interface EvtxRecord {
  recordId: number;
  /** When the record was written (FILETIME, 100 ns since 1601). */
  written: bigint;
  /** Absolute offset of the record in the file. */
  offset: number;
  chunk: number;
  /** The root element (normally <Event>). */
  event: XmlElement;
}

export function isEvtx(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && ascii(bytes, 0, 8) === 'ElfFile\0';
}

function ascii(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[o + i] ?? 0);
  return s;
}

/** The file header (the first 128 of its 4096 bytes matter). */
export function decodeFileHeader(bytes: Uint8Array): EvtxFileHeader {
  if (bytes.length < 128)
    throw new DecodeError('ERR_TRUNCATED', 'EVTX file header ends early', {
      field: 'file header',
      offset: 0,
      needed: 128,
      left: bytes.length,
    });
  if (!isEvtx(bytes))
    throw new DecodeError('ERR_BAD_VALUE', 'not an EVTX file (no "ElfFile" signature)', { field: 'signature', offset: 0 });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 128);
  const checksum = dv.getUint32(124, true);
  return {
    firstChunkNumber: dv.getBigUint64(8, true),
    lastChunkNumber: dv.getBigUint64(16, true),
    nextRecordId: dv.getBigUint64(24, true),
    headerSize: dv.getUint32(32, true),
    minorVersion: dv.getUint16(36, true),
    majorVersion: dv.getUint16(38, true),
    headerBlockSize: dv.getUint16(40, true),
    chunkCount: dv.getUint16(42, true),
    flags: dv.getUint32(120, true),
    checksum,
    checksumOk: crc32(bytes, 0, 120) === checksum,
  };
}

/** A chunk header, or undefined when the chunk has no signature (an unused or wiped chunk). */
export function decodeChunkHeader(chunk: Uint8Array): EvtxChunkHeader | undefined {
  if (chunk.length < CHUNK_HEADER_SIZE || ascii(chunk, 0, 8) !== 'ElfChnk\0') return undefined;
  const dv = new DataView(chunk.buffer, chunk.byteOffset, CHUNK_HEADER_SIZE);
  const headerChecksum = dv.getUint32(124, true);
  return {
    firstRecordNumber: dv.getBigUint64(8, true),
    lastRecordNumber: dv.getBigUint64(16, true),
    firstRecordId: dv.getBigUint64(24, true),
    lastRecordId: dv.getBigUint64(32, true),
    headerSize: dv.getUint32(40, true),
    lastRecordOffset: dv.getUint32(44, true),
    freeSpaceOffset: dv.getUint32(48, true),
    recordsChecksum: dv.getUint32(52, true),
    flags: dv.getUint32(120, true),
    headerChecksum,
    headerChecksumOk: crc32(chunk, 128, 512, crc32(chunk, 0, 120)) === headerChecksum,
  };
}

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

export interface ChunkResult {
  header: EvtxChunkHeader | undefined;
  records: EvtxRecord[];
  problems: EvtxProblem[];
  /** Records found but not decodable (each has a problem). */
  rejected: number;
}

/**
 * Reads one chunk. `base` is its absolute file offset, `index` its position in the file, `expected`: the file header
 * counts it (a wiped chunk inside the counted range is damage; beyond it, unused space of a log that never grew there).
 */
export function decodeChunk(chunk: Uint8Array, base: number, index: number, expected: boolean): ChunkResult {
  const problems: EvtxProblem[] = [];
  const records: EvtxRecord[] = [];
  const header = decodeChunkHeader(chunk);
  if (!header) {
    if (isZero(chunk)) {
      if (expected)
        problems.push({
          severity: 'error',
          code: 'CHUNK_ZEROED',
          message: `chunk ${index} is all zeros (wiped or never written)`,
          offset: base,
          chunk: index,
        });
    } else if (chunk.length < CHUNK_HEADER_SIZE)
      problems.push({
        severity: 'error',
        code: 'CHUNK_TRUNCATED',
        message: `chunk ${index} is cut off after ${chunk.length} bytes`,
        offset: base,
        chunk: index,
      });
    else {
      problems.push({
        severity: 'error',
        code: 'CHUNK_SIGNATURE',
        message: `chunk ${index} has no "ElfChnk" signature`,
        offset: base,
        chunk: index,
      });
      // the header is damaged but records may be intact: look for them
      const r = scanRecords(chunk, base, index, CHUNK_HEADER_SIZE, chunk.length, problems, records, true);
      return { header, records, problems, rejected: r };
    }
    return { header, records, problems, rejected: 0 };
  }
  if (chunk.length < CHUNK_SIZE)
    problems.push({
      severity: 'error',
      code: 'CHUNK_TRUNCATED',
      message: `chunk ${index} is cut off after ${chunk.length} of ${CHUNK_SIZE} bytes`,
      offset: base + chunk.length,
      chunk: index,
    });
  if (!header.headerChecksumOk)
    problems.push({
      severity: 'warning',
      code: 'CHUNK_HEADER_CRC',
      message: `chunk ${index}: header checksum mismatch`,
      offset: base,
      chunk: index,
    });
  let end = header.freeSpaceOffset;
  const sane = end >= CHUNK_HEADER_SIZE && end <= CHUNK_SIZE;
  if (!sane) {
    problems.push({
      severity: 'warning',
      code: 'CHUNK_FREE_SPACE',
      message: `chunk ${index}: free space offset ${end} is outside the chunk; records are looked for up to its end`,
      offset: base + 48,
      chunk: index,
    });
    end = CHUNK_SIZE;
  } else if (end <= chunk.length && crc32(chunk, CHUNK_HEADER_SIZE, end) !== header.recordsChecksum)
    problems.push({
      severity: 'warning',
      code: 'CHUNK_DATA_CRC',
      message: `chunk ${index}: records checksum mismatch`,
      offset: base + CHUNK_HEADER_SIZE,
      chunk: index,
    });
  const rejected = scanRecords(chunk, base, index, CHUNK_HEADER_SIZE, Math.min(end, chunk.length), problems, records, !sane);
  return { header, records, problems, rejected };
}

function scanRecords(
  chunk: Uint8Array,
  base: number,
  index: number,
  start: number,
  end: number,
  problems: EvtxProblem[],
  records: EvtxRecord[],
  lenient: boolean,
): number {
  const ctx = new ChunkContext(chunk, base);
  const dv = ctx.view;
  let rejected = 0;
  let pos = start;
  while (pos + 28 <= end) {
    const sig = dv.getUint32(pos, true);
    const size = dv.getUint32(pos + 4, true);
    const fits = size >= 28 && pos + size <= chunk.length && size % 8 === 0;
    if (sig !== 0x00002a2a || !fits || dv.getUint32(pos + size - 4, true) !== size) {
      if (sig === 0 && size === 0 && (lenient || isZero(chunk.subarray(pos, end)))) break; // free space
      // damaged record header: report it, then resynchronise on the next plausible record
      const next = findNextRecord(chunk, dv, pos + 8, end);
      const recId = sig === 0x00002a2a ? dv.getBigUint64(pos + 8, true) : undefined;
      problems.push({
        severity: 'error',
        code: 'RECORD_HEADER',
        message: `chunk ${index}: damaged record header${recId !== undefined ? ` (record ${recId})` : ''}; ${next < 0 ? 'no further record in this chunk' : `skipped ${next - pos} bytes`}`,
        offset: base + pos,
        chunk: index,
        ...(recId !== undefined ? { record: Number(recId) } : {}),
      });
      rejected++;
      if (next < 0) break;
      pos = next;
      continue;
    }
    const recordId = Number(dv.getBigUint64(pos + 8, true));
    try {
      const nodes = decodeBinXml(ctx, pos + 24, pos + size - 4);
      const event = nodes.find((n): n is XmlElement => typeof n !== 'string');
      if (!event) throw new DecodeError('ERR_BAD_VALUE', 'record holds no element', { field: 'record', offset: base + pos + 24 });
      records.push({ recordId, written: dv.getBigUint64(pos + 16, true), offset: base + pos, chunk: index, event });
    } catch (e) {
      if (!(e instanceof DecodeError) && !(e instanceof RangeError)) throw e;
      rejected++;
      problems.push({
        severity: 'error',
        code: 'RECORD_BINXML',
        message: `record ${recordId}: ${e.message}`,
        offset: e instanceof DecodeError && e.offset !== undefined ? e.offset : base + pos,
        chunk: index,
        record: recordId,
      });
    }
    pos += size;
  }
  return rejected;
}

/** The next offset (8-aligned) where a record header with a matching size copy starts, or -1. */
function findNextRecord(chunk: Uint8Array, dv: DataView, from: number, end: number): number {
  for (let p = (from + 7) & ~7; p + 28 <= end; p += 8) {
    if (chunk[p] !== 0x2a || chunk[p + 1] !== 0x2a || chunk[p + 2] !== 0 || chunk[p + 3] !== 0) continue;
    const size = dv.getUint32(p + 4, true);
    if (size >= 28 && p + size <= chunk.length && dv.getUint32(p + size - 4, true) === size) return p;
  }
  return -1;
}

/** Plan for reading a file chunk by chunk in record-id order: chunk indexes sorted by their first record id. */
export function chunkOrder(headers: readonly { index: number; firstRecordId?: bigint }[]): number[] {
  return [...headers]
    .sort((a, b) => {
      if (a.firstRecordId === undefined || b.firstRecordId === undefined)
        return (a.firstRecordId === undefined ? 1 : 0) - (b.firstRecordId === undefined ? 1 : 0) || a.index - b.index;
      return a.firstRecordId < b.firstRecordId ? -1 : a.firstRecordId > b.firstRecordId ? 1 : a.index - b.index;
    })
    .map((h) => h.index);
}

/**
 * A whole EVTX file in memory (small files, the browser, tests): header, every chunk in record-id order.
 * Large files go through the streaming source (src/events/source.ts), which calls `decodeChunk` the same way.
 */
export function decodeEvtx(bytes: Uint8Array): {
  header: EvtxFileHeader;
  records: EvtxRecord[];
  problems: EvtxProblem[];
  rejected: number;
} {
  const header = decodeFileHeader(bytes);
  const problems: EvtxProblem[] = [];
  if (!header.checksumOk)
    problems.push({ severity: 'warning', code: 'FILE_HEADER_CRC', message: 'file header checksum mismatch', offset: 0 });
  const n = Math.ceil(Math.max(0, bytes.length - FILE_HEADER_SIZE) / CHUNK_SIZE);
  const heads = [];
  for (let i = 0; i < n; i++) {
    const o = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    heads.push({ index: i, firstRecordId: decodeChunkHeader(bytes.subarray(o, o + CHUNK_HEADER_SIZE))?.firstRecordId });
  }
  const records: EvtxRecord[] = [];
  let rejected = 0;
  for (const i of chunkOrder(heads)) {
    const o = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    const r = decodeChunk(bytes.subarray(o, o + CHUNK_SIZE), o, i, i < header.chunkCount);
    records.push(...r.records);
    problems.push(...r.problems);
    rejected += r.rejected;
  }
  return { header, records, problems, rejected };
}
