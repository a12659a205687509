/**
 * Where event records come from: files on disk. EVTX is streamed one 64 KiB chunk at a time (chunk headers first, to
 * read the chunks in record-id order), so memory stays flat in the file size; text exports are read whole. Several
 * files are merged by time. The only I/O of the events path (Node only; the codecs below it are pure).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  CHUNK_SIZE,
  decodeChunk,
  decodeChunkHeader,
  decodeFileHeader,
  type EvtxChunkHeader,
  FILE_HEADER_SIZE,
  lostRecords,
  planChunks,
} from '../evtx/file.js';
import { DecodeError } from '../wire/errors.js';
import { decodeText, detectEventFormat, parseCsvExport, parseJsonExport, parseXmlExport } from './exports.js';
import type { EventFormat, EventProblem, EventRecord } from './model.js';
import { normalizeEvent } from './normalize.js';

const MAX_TEXT = 512 * 1024 * 1024;

export interface FileStats {
  file: string;
  format: EventFormat;
  records: number;
  /** Records found (by a record or chunk header) that could not be decoded. */
  rejected: number;
  /** Records known to have been there only from the ids around a wiped chunk or a cut-off file's header. */
  lost: number;
  bytes: number;
}

/** Progress callback: bytes of input consumed so far (all files). */
export type Progress = (bytesDone: number) => void;

export class UnusableInput extends Error {}

/** Reads `len` bytes at file position `pos` into `buf` at `off`; returns how many it got. */
type ReadAt = (buf: Uint8Array, off: number, len: number, pos: number) => number;

/** Records of one file, in record-id order (EVTX) or file order (exports). Problems and counts go to `problems`/`stats`. */
export function* readEventFile(path: string, problems: EventProblem[], onBytes?: (n: number) => void): Generator<EventRecord, FileStats> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UnusableInput(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UnusableInput(`${path}: is a directory`);
    return yield* readEvents((b, o, n, p) => readSync(fd, b, o, n, p), st.size, path, problems, onBytes);
  } finally {
    closeSync(fd);
  }
}

/** Records of an input already in memory (standard input). */
export function* readEventBytes(
  bytes: Uint8Array,
  label: string,
  problems: EventProblem[],
  onBytes?: (n: number) => void,
): Generator<EventRecord, FileStats> {
  const read: ReadAt = (b, o, n, p) => {
    const part = bytes.subarray(p, Math.min(bytes.length, p + n));
    b.set(part, o);
    return part.length;
  };
  return yield* readEvents(read, bytes.length, label, problems, onBytes);
}

function* readEvents(
  read: ReadAt,
  size: number,
  path: string,
  problems: EventProblem[],
  onBytes?: (n: number) => void,
): Generator<EventRecord, FileStats> {
  const head = new Uint8Array(Math.min(size, 4096));
  read(head, 0, head.length, 0);
  const format = detectEventFormat(head);
  if (!format)
    throw new UnusableInput(
      `${path}: not an event log (EVTX, or a wevtutil/Event Viewer XML, Get-WinEvent JSON or Event Viewer CSV export)`,
    );
  const stats: FileStats = { file: path, format, records: 0, rejected: 0, lost: 0, bytes: size };
  if (format === 'evtx') {
    yield* readEvtx(read, size, path, problems, stats, onBytes);
    return stats;
  }
  if (size > MAX_TEXT) throw new UnusableInput(`${path}: ${size} bytes is larger than the ${MAX_TEXT} bytes an export may have`);
  const buf = new Uint8Array(size);
  for (let off = 0; off < size; ) {
    const n = read(buf, off, size - off, off);
    if (n <= 0) break;
    off += n;
  }
  const text = decodeText(buf);
  const parsed =
    format === 'xml' ? parseXmlExport(text, path) : format === 'json' ? parseJsonExport(text, path) : parseCsvExport(text, path);
  problems.push(...parsed.problems);
  stats.rejected = parsed.rejected;
  onBytes?.(size);
  for (const r of parsed.records) {
    stats.records++;
    yield r;
  }
  return stats;
}

function* readEvtx(
  read: ReadAt,
  size: number,
  file: string,
  problems: EventProblem[],
  stats: FileStats,
  onBytes?: (n: number) => void,
): Generator<EventRecord> {
  const hb = new Uint8Array(Math.min(size, FILE_HEADER_SIZE));
  read(hb, 0, hb.length, 0);
  let header: ReturnType<typeof decodeFileHeader>;
  try {
    header = decodeFileHeader(hb);
  } catch (e) {
    if (e instanceof DecodeError) throw new UnusableInput(`${file}: ${e.message}`);
    throw e;
  }
  if (!header.checksumOk)
    problems.push({ file, severity: 'warning', code: 'FILE_HEADER_CRC', message: 'file header checksum mismatch', offset: 0 });
  const n = Math.ceil(Math.max(0, size - FILE_HEADER_SIZE) / CHUNK_SIZE);
  const heads: (EvtxChunkHeader | undefined)[] = [];
  const small = new Uint8Array(512);
  for (let i = 0; i < n; i++) {
    const got = read(small, 0, 512, FILE_HEADER_SIZE + i * CHUNK_SIZE);
    heads.push(got === 512 ? decodeChunkHeader(small) : undefined);
  }
  const plan = planChunks(header, heads);
  const damaged = new Map<number, { read: number; rejected: number }>();
  const chunk = new Uint8Array(CHUNK_SIZE);
  let done = 0;
  for (const i of plan.order) {
    const off = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    const got = read(chunk, 0, CHUNK_SIZE, off);
    const r = decodeChunk(chunk.subarray(0, got), off, i, plan.expected(i));
    if (!r.header && r.problems.length) damaged.set(i, { read: r.records.length, rejected: r.rejected });
    for (const p of r.problems) problems.push({ file, ...p });
    stats.rejected += r.rejected;
    for (const rec of r.records) {
      stats.records++;
      yield normalizeEvent(rec.event, file, 'evtx', rec.offset);
    }
    done += got;
    onBytes?.(done);
  }
  const loss = lostRecords(header, heads, damaged, size);
  for (const p of loss.problems) problems.push({ file, ...p });
  stats.lost += loss.lost;
}

/** Several files merged by time (each file's own order kept; records without a time go first). */
export function* mergeByTime(sources: Generator<EventRecord, unknown>[]): Generator<EventRecord> {
  if (sources.length === 1) {
    yield* sources[0]!;
    return;
  }
  const heads: (EventRecord | undefined)[] = sources.map((s) => {
    const x = s.next();
    return x.done ? undefined : x.value;
  });
  for (;;) {
    let best = -1;
    let bt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (!h) continue;
      const t = h.time ? h.time.getTime() : Number.NEGATIVE_INFINITY;
      if (best < 0 || t < bt) {
        best = i;
        bt = t;
      }
    }
    if (best < 0) return;
    yield heads[best]!;
    const x = sources[best]!.next();
    heads[best] = x.done ? undefined : x.value;
  }
}
