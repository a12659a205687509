/**
 * HTTP/1.x message framing over a reassembled TCP connection (RFC 9112 §6: message body length): heads are gathered
 * and parsed, bodies are counted away without copying (Content-Length, chunked transfer coding §7.1, or until the
 * connection closes), requests and responses are paired in order so pipelining and keep-alive work (a response to
 * HEAD, 1xx, 204 and 304 has no body; 101 and a 2xx to CONNECT turn the connection into a tunnel).
 */
import type { Dir, SegCtx, StreamHandler } from './tcp.js';

export interface HttpHead {
  request: boolean;
  method?: string;
  uri?: string;
  version: string;
  status?: number;
  reason?: string;
  /** header lines in order, names as sent */
  headers: [string, string][];
  headBytes: number;
}

export interface HttpEvents {
  /** A whole message: `headCtx` is where its head ended, `ctx` where the message (body included) ended. */
  message(dir: Dir, head: HttpHead, ctx: SegCtx, headCtx: SegCtx, requestMethod: string | undefined): void;
  problem(message: string, ctx: SegCtx): void;
}

const METHODS =
  /^(GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE|PROPFIND|PROPPATCH|MKCOL|COPY|MOVE|LOCK|UNLOCK|REPORT|SEARCH|RPC_IN_DATA|RPC_OUT_DATA) [^\r\n]* HTTP\/1\.[01]\r?$/;

/** True when a stream's first bytes look like HTTP/1.x (a request line or a status line). */
export function looksLikeHttp(b: Uint8Array): boolean {
  const n = Math.min(b.length, 16);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[i] as number);
  return (
    /^(GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE|PROPFIND|MKCOL|COPY|MOVE|LOCK|UNLOCK|REPORT|SEARCH|RPC_(IN|OUT)_DATA) /.test(
      s,
    ) || s.startsWith('HTTP/1.')
  );
}

const MAX_HEAD = 256 * 1024;

type Mode = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'trailer' | 'close' | 'lost' | 'tunnel';

interface DirState {
  mode: Mode;
  parts: Uint8Array[];
  headLen: number;
  /** bytes of \r\n\r\n matched so far across segment boundaries */
  remaining: number;
  line: string;
  head: HttpHead | undefined;
  headCtx: SegCtx | undefined;
  method: string | undefined;
}

const newDir = (): DirState => ({
  mode: 'head',
  parts: [],
  headLen: 0,
  remaining: 0,
  line: '',
  head: undefined,
  headCtx: undefined,
  method: undefined,
});

export function parseHead(text: string): HttpHead | undefined {
  const lines = text.split('\r\n');
  const first = lines[0] ?? '';
  const headers: [string, string][] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i] as string;
    if (!l) continue;
    if ((l[0] === ' ' || l[0] === '\t') && headers.length) {
      // obsolete line folding (RFC 9112 §5.2): part of the previous value
      const last = headers[headers.length - 1] as [string, string];
      last[1] += ` ${l.trim()}`;
      continue;
    }
    const c = l.indexOf(':');
    if (c <= 0) continue;
    headers.push([l.slice(0, c).trim(), l.slice(c + 1).trim()]);
  }
  const st = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/.exec(first);
  if (st) return { request: false, version: st[1] as string, status: Number(st[2]), reason: st[3] ?? '', headers, headBytes: text.length };
  const rq = /^([A-Z_]+) (\S+) HTTP\/(1\.[01])$/.exec(first);
  if (rq) return { request: true, method: rq[1], uri: rq[2], version: rq[3] as string, headers, headBytes: text.length };
  return undefined;
}

export function header(h: HttpHead, name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of h.headers) if (k.toLowerCase() === n) return v;
  return undefined;
}

export function headers(h: HttpHead, name: string): string[] {
  const n = name.toLowerCase();
  return h.headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
}

export class HttpStream implements StreamHandler {
  private dirs: [DirState, DirState] = [newDir(), newDir()];
  /** methods of requests whose responses have not arrived (pipelining) */
  private methods: string[] = [];
  private last: SegCtx = { frame: 0, sec: 0, nsec: 0 };
  /** the last segment seen in each direction */
  private lastOf: [SegCtx, SegCtx] = [this.last, this.last];

  constructor(private readonly ev: HttpEvents) {}

  data(dir: Dir, b: Uint8Array, ctx: SegCtx): void {
    this.last = ctx;
    this.lastOf[dir] = ctx;
    const d = this.dirs[dir];
    let p = 0;
    if (d.mode === 'lost') {
      if (!looksLikeHttp(b)) return;
      d.mode = 'head';
    }
    while (p < b.length) {
      switch (d.mode as Mode) {
        case 'tunnel':
        case 'close':
        case 'lost':
          return;
        case 'head': {
          const end = this.findHeadEnd(d, b, p);
          if (end < 0) {
            d.parts.push(b.slice(p));
            d.headLen += b.length - p;
            if (d.headLen > MAX_HEAD) {
              this.ev.problem(`HTTP head longer than ${MAX_HEAD} bytes: stream skipped`, ctx);
              d.mode = 'lost';
              d.parts = [];
              d.headLen = 0;
            }
            return;
          }
          d.parts.push(b.subarray(p, end));
          const text = latin1(d.parts, d.headLen + end - p);
          d.parts = [];
          d.headLen = 0;
          d.remaining = 0;
          p = end;
          const head = parseHead(text.replace(/\r\n\r\n$/, ''));
          if (!head) {
            this.ev.problem('not an HTTP/1.x message head: stream skipped until the next message', ctx);
            d.mode = 'lost';
            return;
          }
          this.startBody(dir, d, head, ctx);
          break;
        }
        case 'body': {
          const n = Math.min(d.remaining, b.length - p);
          d.remaining -= n;
          p += n;
          if (d.remaining === 0) this.complete(dir, d, ctx);
          break;
        }
        case 'chunk-size':
        case 'trailer': {
          const nl = b.indexOf(10, p);
          const stop = nl < 0 ? b.length : nl + 1;
          d.line += latin1([b.subarray(p, stop)], stop - p);
          p = stop;
          if (d.line.length > 8192) {
            this.ev.problem('chunked body: a chunk-size line longer than 8 KiB', ctx);
            d.mode = 'lost';
            return;
          }
          if (nl < 0) break;
          const line = d.line.trim();
          d.line = '';
          if (d.mode === 'trailer') {
            if (line === '') this.complete(dir, d, ctx);
            break;
          }
          const size = Number.parseInt(line.split(';')[0] ?? '', 16);
          if (!Number.isFinite(size) || size < 0) {
            this.ev.problem(`chunked body: bad chunk size "${line.slice(0, 40)}"`, ctx);
            d.mode = 'lost';
            return;
          }
          if (size === 0) d.mode = 'trailer';
          else {
            d.mode = 'chunk-data';
            d.remaining = size + 2; // the data and its CRLF
          }
          break;
        }
        case 'chunk-data': {
          const n = Math.min(d.remaining, b.length - p);
          d.remaining -= n;
          p += n;
          if (d.remaining === 0) d.mode = 'chunk-size';
          break;
        }
      }
    }
  }

  /** Offset just past \r\n\r\n in b (from p), counting a match begun in the previous segment; -1 if not yet. */
  private findHeadEnd(d: DirState, b: Uint8Array, p: number): number {
    const pat = [13, 10, 13, 10];
    let m = d.remaining;
    for (let i = p; i < b.length; i++) {
      const c = b[i] as number;
      if (c === pat[m]) {
        m++;
        if (m === 4) return i + 1;
      } else m = c === 13 ? 1 : 0;
    }
    d.remaining = m;
    return -1;
  }

  private startBody(dir: Dir, d: DirState, head: HttpHead, ctx: SegCtx): void {
    d.head = head;
    d.headCtx = ctx;
    d.method = undefined;
    const te = (header(head, 'transfer-encoding') ?? '').toLowerCase();
    const cl = header(head, 'content-length');
    if (head.request) {
      this.methods.push(head.method ?? 'GET');
      if (te.includes('chunked')) {
        d.mode = 'chunk-size';
        d.line = '';
      } else if (cl && /^\d+$/.test(cl) && Number(cl) > 0) {
        d.mode = 'body';
        d.remaining = Number(cl);
      } else this.complete(dir, d, ctx);
      return;
    }
    const status = head.status ?? 0;
    // interim responses do not answer the request
    const method = status >= 100 && status < 200 && status !== 101 ? this.methods[0] : this.methods.shift();
    d.method = method;
    if (status === 101 || (method === 'CONNECT' && status >= 200 && status < 300)) {
      this.complete(dir, d, ctx);
      d.mode = 'tunnel';
      this.dirs[0].mode = 'tunnel';
      return;
    }
    if (method === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304) {
      this.complete(dir, d, ctx);
      return;
    }
    if (te.includes('chunked')) {
      d.mode = 'chunk-size';
      d.line = '';
    } else if (cl && /^\d+$/.test(cl)) {
      if (Number(cl) === 0) this.complete(dir, d, ctx);
      else {
        d.mode = 'body';
        d.remaining = Number(cl);
      }
    } else d.mode = 'close';
  }

  private complete(dir: Dir, d: DirState, ctx: SegCtx): void {
    const head = d.head;
    d.mode = 'head';
    d.remaining = 0;
    d.head = undefined;
    if (head) this.ev.message(dir, head, ctx, d.headCtx ?? ctx, d.method);
  }

  gap(dir: Dir, bytes: number, _ctx: SegCtx): void {
    const d = this.dirs[dir];
    if ((d.mode === 'body' || d.mode === 'chunk-data') && d.remaining > bytes) {
      d.remaining -= bytes;
      return;
    }
    if (d.mode === 'close' || d.mode === 'tunnel') return;
    d.mode = 'lost';
    d.parts = [];
    d.headLen = 0;
    d.head = undefined;
  }

  end(ctx: SegCtx): void {
    for (const dir of [0, 1] as const) {
      const d = this.dirs[dir];
      // a body read until the close, or one the capture ends inside: the head is all the message we need
      if (d.head && d.mode !== 'head' && d.mode !== 'lost') this.complete(dir, d, d.mode === 'close' ? ctx : this.lastOf[dir]);
    }
  }
}

function latin1(parts: Uint8Array[], _len: number): string {
  let s = '';
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 8192) s += String.fromCharCode(...p.subarray(i, Math.min(p.length, i + 8192)));
  }
  return s;
}

export { METHODS };
