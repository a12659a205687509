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
        offset: base + chunk.length,
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
  let rejected = scanRecords(chunk, base, index, CHUNK_HEADER_SIZE, Math.min(end, chunk.length), problems, records, !sane);
  // The header names the chunk's first and last record id: records neither read nor rejected one by one (cut off,
  // or inside a damaged stretch skipped as one) are counted as rejected too, so decoded + rejected = the records it holds.
  const span = records.length || rejected ? recordSpan(header) : 0;
  if (span) {
    let inRange = 0;
    for (const r of records) if (r.recordId >= Number(header.firstRecordId) && r.recordId <= Number(header.lastRecordId)) inRange++;
    const missing = span - inRange;
    if (missing > rejected) {
      problems.push({
        severity: 'error',
        code: 'RECORDS_MISSING',
        message: `chunk ${index}: ${missing - rejected} of the ${span} records its header names (${header.firstRecordId}–${header.lastRecordId}) were not found`,
        offset: base,
        chunk: index,
      });
      rejected = missing;
    }
  }
  return { header, records, problems, rejected };
}

/** Most records a chunk can hold (65024 bytes of 28-byte minimum records): a larger span in a header is damage. */
const MAX_CHUNK_RECORDS = Math.floor((CHUNK_SIZE - CHUNK_HEADER_SIZE) / 28);

/** How many records a chunk header names (0 when its header is not to be trusted for that). */
function recordSpan(h: EvtxChunkHeader): number {
  if (!h.headerChecksumOk || h.lastRecordId < h.firstRecordId) return 0;
  const n = Number(h.lastRecordId - h.firstRecordId) + 1;
  return n <= MAX_CHUNK_RECORDS ? n : 0;
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
        // where in the record it broke; an offset read from damaged bytes can point anywhere: then the record's start
        offset:
          e instanceof DecodeError && e.offset !== undefined && e.offset >= base + pos && e.offset < base + pos + size
            ? e.offset
            : base + pos,
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
 * How to read a file whose chunk headers were looked at first: the order (record ids), and which chunks must hold
 * records (those the file header counts, and — in a dirty file that grew past its count — every chunk before the
 * last one that has a header): a wiped chunk there is damage, beyond it unused space.
 */
export function planChunks(
  file: EvtxFileHeader,
  heads: readonly (EvtxChunkHeader | undefined)[],
): { order: number[]; expected: (i: number) => boolean } {
  let lastUsed = -1;
  heads.forEach((h, i) => {
    if (h) lastUsed = i;
  });
  const bound = Math.max(file.chunkCount, lastUsed + 1);
  return {
    order: chunkOrder(heads.map((h, index) => ({ index, ...(h ? { firstRecordId: h.firstRecordId } : {}) }))),
    expected: (i) => i < bound,
  };
}

/**
 * Records lost where no chunk header says how many there were, counted from what surrounds them:
 *   - a run of wiped or unsigned chunks between two chunks with headers: the record ids between those two
 *     (less any record still read out of the run);
 *   - chunks the file header counts that the file no longer holds (cut off): the records up to the header's next
 *     record id, when the header is trustworthy (checksum good, closed cleanly: a dirty file's header lags behind).
 * Each loss is one problem with the offset where it is.
 */
export function lostRecords(
  file: EvtxFileHeader,
  heads: readonly (EvtxChunkHeader | undefined)[],
  /** Chunks without a header that are damage (not unused space): how many records were still read and rejected in each. */
  damaged: ReadonlyMap<number, { read: number; rejected: number }>,
  fileSize: number,
): { lost: number; problems: EvtxProblem[] } {
  const problems: EvtxProblem[] = [];
  let lost = 0;
  const trusted = (h: EvtxChunkHeader | undefined): h is EvtxChunkHeader => !!h && h.headerChecksumOk;
  for (let i = 0; i < heads.length; i++) {
    if (!damaged.has(i)) continue;
    let j = i;
    let read = 0;
    while (j < heads.length && damaged.has(j)) {
      const d = damaged.get(j++)!;
      read += d.read + d.rejected;
    }
    const prev = heads[i - 1];
    const next = heads[j];
    if (trusted(prev) && trusted(next) && next.firstRecordId > prev.lastRecordId + 1n) {
      const gap = Number(next.firstRecordId - prev.lastRecordId - 1n);
      if (gap <= (j - i) * MAX_CHUNK_RECORDS && gap > read) {
        lost += gap - read;
        problems.push({
          severity: 'error',
          code: 'RECORDS_LOST',
          message: `chunk${j - i > 1 ? `s ${i}–${j - 1}` : ` ${i}`}: ${gap - read} records lost (record ids ${prev.lastRecordId + 1n}–${next.firstRecordId - 1n})`,
          offset: FILE_HEADER_SIZE + i * CHUNK_SIZE,
          chunk: i,
        });
      }
    }
    i = j - 1;
  }
  const present = Math.ceil(Math.max(0, fileSize - FILE_HEADER_SIZE) / CHUNK_SIZE);
  if (file.chunkCount > present) {
    let last = 0n;
    for (const h of heads) if (trusted(h) && h.lastRecordId > last) last = h.lastRecordId;
    const clean = file.checksumOk && (file.flags & 1) === 0;
    const missing = clean && file.nextRecordId > last + 1n ? Number(file.nextRecordId - last - 1n) : 0;
    if (missing <= (file.chunkCount - present) * MAX_CHUNK_RECORDS) lost += missing;
    problems.push({
      severity: 'error',
      code: 'FILE_TRUNCATED',
      message: `the file header counts ${file.chunkCount} chunks; the file ends after ${present}${missing ? ` (${missing} records lost, up to record id ${file.nextRecordId - 1n})` : ''}`,
      offset: fileSize,
    });
  }
  return { lost, problems };
}

/**
 * A whole EVTX file in memory (small files, the browser, tests): header, every chunk in record-id order.
 * Large files go through the streaming source (src/events/source.ts), which reads chunks the same way.
 * `rejected`: records a record header or a chunk header names that could not be read (decodeChunk); `lost`: records
 * known only from the record ids around a wiped chunk or from the file header of a cut-off file (lostRecords).
 * decoded + rejected + lost = the records the file held, as far as its headers can tell.
 */
export function decodeEvtx(bytes: Uint8Array): {
  header: EvtxFileHeader;
  records: EvtxRecord[];
  problems: EvtxProblem[];
  rejected: number;
  lost: number;
} {
  const header = decodeFileHeader(bytes);
  const problems: EvtxProblem[] = [];
  if (!header.checksumOk)
    problems.push({ severity: 'warning', code: 'FILE_HEADER_CRC', message: 'file header checksum mismatch', offset: 0 });
  const n = Math.ceil(Math.max(0, bytes.length - FILE_HEADER_SIZE) / CHUNK_SIZE);
  const heads: (EvtxChunkHeader | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const o = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    heads.push(decodeChunkHeader(bytes.subarray(o, o + CHUNK_HEADER_SIZE)));
  }
  const plan = planChunks(header, heads);
  const records: EvtxRecord[] = [];
  const damaged = new Map<number, { read: number; rejected: number }>();
  let rejected = 0;
  for (const i of plan.order) {
    const o = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    const r = decodeChunk(bytes.subarray(o, o + CHUNK_SIZE), o, i, plan.expected(i));
    if (!r.header && r.problems.length) damaged.set(i, { read: r.records.length, rejected: r.rejected });
    records.push(...r.records);
    problems.push(...r.problems);
    rejected += r.rejected;
  }
  const loss = lostRecords(header, heads, damaged, bytes.length);
  problems.push(...loss.problems);
  return { header, records, problems, rejected, lost: loss.lost };
}
