import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { buildConversations, NotACaptureError, Tracer } from '../../capture/index.js';
import { KeySet } from '../../inspect/keys.js';
import { renderTraceHtml } from '../../report/html/trace.js';
import { renderJson } from '../../report/json.js';
import { renderTrace } from '../../report/trace-text.js';
import { type Command, EXIT, UsageError } from '../command.js';
import { checkHtmlTarget, HTML_OPTION, writeHtmlReport } from '../html-output.js';
import { loadKeytabs } from '../input.js';

/** Files larger than this get a progress bar (when stderr is a terminal). */
const PROGRESS_FROM = 64 * 1024 * 1024;

/**
 * A plain file read with synchronous 4 MiB reads into one reused buffer: no stream machinery, no waiting on the
 * thread pool between chunks (the reader copies only the few bytes of a record cut by a chunk boundary).
 */
function* readChunks(fd: number): Generator<Uint8Array> {
  const buf = new Uint8Array(4 << 20);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

function mib(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GiB` : `${(n / (1 << 20)).toFixed(0)} MiB`;
}

export const traceCommand: Command = {
  name: 'trace',
  summary: 'read a pcap/pcapng capture the way the guidance reads a Network Monitor trace, and name the failing step',
  usage: 'kerbscope trace CAPTURE [--keytab FILE ...] [--conversations] [--json] [--show-secrets] [--limit N] [--html FILE]',
  examples: [
    'kerbscope trace client.pcapng                          # DNS, 401, TGS-REQ/REP, AP-REQ, result; then the findings',
    'kerbscope trace client.pcapng --conversations          # client → service walks with the failing step marked',
    'kerbscope trace dc.pcap --keytab http.keytab           # decrypt the tickets in AP-REQs (PAC, token size)',
    'kerbscope trace capture.pcapng --json | jq .messages   # frame, time, src, dst, msgType, realm, sname, cname, etypes, errorCode',
    'tcpdump -w - port 88 or port 80 | kerbscope trace -    # a capture on stdin',
    'kerbscope trace client.pcapng --html trace.html         # also the flow drawn, failing frame in red, in one HTML file',
  ],
  options: {
    json: { type: 'boolean', description: 'machine-readable output (schemaVersion 1; README)' },
    conversations: { type: 'boolean', description: 'group frames into client → service conversations and mark the failing step' },
    keytab: { type: 'string', multiple: true, value: 'FILE', description: 'keytab with service keys to decrypt tickets (repeatable)' },
    'show-secrets': { type: 'boolean', description: 'print session keys instead of masking them' },
    limit: { type: 'string', value: 'N', description: 'show at most N rows of the listing (default 2000)' },
    html: HTML_OPTION,
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1)
      throw new UsageError(positionals.length ? 'one capture file at a time' : 'name a capture file (pcap or pcapng), or - for stdin');
    const file = positionals[0] as string;
    const htmlFile = checkHtmlTarget(values.html);
    const keys = new KeySet();
    loadKeytabs((values.keytab as string[] | undefined) ?? [], keys);
    const limitArg = values.limit as string | undefined;
    const limit = limitArg === undefined ? 2000 : Number(limitArg);
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit ${limitArg}: not a number of rows`);

    // open the file (or stdin); gzip'd captures are read through zlib
    let size = 0;
    let source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    if (file === '-') source = process.stdin;
    else {
      let fd: number;
      try {
        fd = openSync(file, 'r');
      } catch (e) {
        io.err(`kerbscope trace: ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        return EXIT.UNUSABLE;
      }
      const st = fstatSync(fd);
      if (st.isDirectory()) {
        closeSync(fd);
        io.err(`kerbscope trace: ${file}: is a directory, not a capture`);
        return EXIT.UNUSABLE;
      }
      size = st.size;
      const head = Buffer.alloc(2);
      const n = readSync(fd, head, 0, 2, 0);
      const gz = n === 2 && head[0] === 0x1f && head[1] === 0x8b;
      if (gz) source = createReadStream(file, { fd }).pipe(createGunzip());
      else source = readChunks(fd);
    }
    const tracer = new Tracer({ keys, showSecrets: Boolean(values['show-secrets']), conversations: Boolean(values.conversations) });
    const bar = process.stderr.isTTY && size >= PROGRESS_FROM;
    let lastDraw = 0;
    try {
      for await (const chunk of source) {
        tracer.push(chunk as Uint8Array);
        if (tracer.stopped) break;
        if (bar) {
          const now = Date.now();
          if (now - lastDraw > 200) {
            lastDraw = now;
            const f = Math.min(1, tracer.bytes / size);
            const w = 30;
            process.stderr.write(
              `\r[${'#'.repeat(Math.round(f * w)).padEnd(w)}] ${(f * 100).toFixed(0).padStart(3)}% ${mib(tracer.bytes)} / ${mib(size)}, ${tracer.packets} packets`,
            );
          }
        }
      }
    } catch (e) {
      if (bar) process.stderr.write('\n');
      if (e instanceof NotACaptureError) {
        io.err(`kerbscope trace: ${file}: ${e.message}`);
        return EXIT.UNUSABLE;
      }
      if ((e as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' || (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') {
        io.err(`kerbscope trace: ${file}: gzip data is corrupt (${(e as Error).message})`);
        return EXIT.UNUSABLE;
      }
      throw e;
    }
    if (bar) process.stderr.write(`\r${' '.repeat(80)}\r`);
    let result: ReturnType<Tracer['finish']>;
    try {
      result = tracer.finish();
    } catch (e) {
      if (e instanceof NotACaptureError) {
        io.err(`kerbscope trace: ${file}: ${e.message}`);
        return EXIT.UNUSABLE;
      }
      throw e;
    }
    if (values.json) io.out(renderJson(result));
    else io.out(renderTrace(result, tracer.rows, { file: file === '-' ? 'stdin' : file, limit }));
    if (htmlFile) {
      // the diagram colours a frame by its conversation step (a 401 challenge is normal there): built for the page
      // only, so stdout stays what it is without --html
      const html = renderTraceHtml(result, tracer.rows, {
        file: file === '-' ? 'stdin' : file,
        limit,
        ...(result.conversations ? {} : { conversations: buildConversations(result) }),
      });
      if (!writeHtmlReport('trace', htmlFile, html, io)) return EXIT.UNUSABLE;
    }
    return result.findings.some((f) => f.severity === 'error') ? EXIT.PROBLEMS : EXIT.OK;
  },
};
