/**
 * What the web app does with an input, shared by the page (small inputs) and the worker (large ones): the CLI's own
 * core (decode/inspect, trace, events, the rulebook, the HTML renderers), imported through src/browser.ts. Every
 * function returns the report's body as HTML (rendered by src/report/html, every value escaped there) and a short
 * summary. No DOM here, no network: the worker imports it too.
 */
// The node-free core through the browser entry; the crypto-backed modules directly (the web build swaps their
// backend for web/crypto-backend.ts and node:fs, which only events/source.ts's file reader uses, for a stub).

import { buildConversations, capture, events, formats, html } from '../src/browser.js';
import { Tracer } from '../src/capture/trace.js';
import { EventAnalysis } from '../src/events/analyse.js';
import type { EventProblem } from '../src/events/model.js';
import { type FileStats, mergeByTime, readEventBytes, UnusableInput } from '../src/events/source.js';
import { inspectEvidence } from '../src/inspect/evidence.js';
import { KeySet } from '../src/inspect/keys.js';
import { evaluate as evaluateFacts, type Finding } from '../src/rules/index.js';

/** Pieces of a file handed to the trace engine at a time (and how often progress is reported). */
export const CHUNK = 4 << 20;

export interface KeyInput {
  keytabs: { name: string; bytes: Uint8Array }[];
  password?: string;
  salt?: string;
}

export interface Outcome {
  kind: 'decode' | 'trace' | 'events';
  /** the report's <main> content (the page shell and its CSP are the app's own) */
  body: string;
  /** "3 findings (1 error)" */
  summary: string;
  errors: number;
  findings: number;
  /** problems with the keys the user gave (a keytab that is not one) */
  notes: string[];
}

export type Progress = (done: number, total: number, phase: string) => void;

/** The keys the user gave: keytab files and/or a password (+ salt), as `decode --keytab/--password/--salt` takes them. */
export function buildKeys(k: KeyInput): { keys: KeySet; notes: string[] } {
  const keys = new KeySet();
  const notes: string[] = [];
  for (const kt of k.keytabs) {
    try {
      const parsed = formats.decodeKeytab(kt.bytes);
      if (!parsed.entries.length) notes.push(`${kt.name}: no usable keytab entries`);
      else keys.addKeytab(parsed.entries, kt.name);
    } catch (e) {
      notes.push(`${kt.name}: not a keytab (${(e as Error).message})`);
    }
  }
  if (k.password) keys.addPassword({ password: k.password, ...(k.salt ? { salt: k.salt } : {}) });
  return { keys, notes };
}

/** The <main> of a report page: the app shows it inside its own page (own CSP, own stylesheet). */
export function reportBody(html: string): string {
  const a = html.indexOf('<main>');
  const b = html.lastIndexOf('</main>');
  return a >= 0 && b > a ? html.slice(a + 6, b) : html;
}

function summarize(findings: readonly Finding[]): { summary: string; errors: number; findings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const n = findings.length;
  const parts = [
    errors ? `${errors} error${errors > 1 ? 's' : ''}` : '',
    warnings ? `${warnings} warning${warnings > 1 ? 's' : ''}` : '',
  ].filter(Boolean);
  return { summary: `${n} finding${n === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`, errors, findings: n };
}

const GENERATOR = 'kerbscope web (in this browser: nothing was uploaded)';

/** `kerbscope decode` on pasted text (a header, a base64/hex token, klist output) or a small file (keytab, ccache, kirbi). */
export function decodeInput(input: { label: string; text?: string; bytes?: Uint8Array }, k: KeyInput): Outcome {
  const { keys, notes } = buildKeys(k);
  const result = inspectEvidence([input], keys, {});
  const findings = result.items.length ? evaluateFacts(result.facts) : [];
  const page = html.renderDecodeHtml({ items: result.items, unusable: result.unusable, findings }, { generator: GENERATOR });
  const s = summarize(findings);
  return {
    kind: 'decode',
    body: reportBody(page),
    ...s,
    summary: result.items.length
      ? s.summary
      : `nothing decoded: ${result.unusable[0] ?? 'not a token, header, keytab, ccache or klist output'}`,
    notes,
  };
}

/** Reads a Blob (a dropped File) in pieces, reporting progress. */
async function* pieces(blob: Blob, onProgress?: Progress, phase = 'reading'): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < blob.size; off += CHUNK) {
    const part = new Uint8Array(await blob.slice(off, Math.min(blob.size, off + CHUNK)).arrayBuffer());
    yield part;
    onProgress?.(Math.min(blob.size, off + CHUNK), blob.size, phase);
  }
}

/** `kerbscope trace` on a pcap/pcapng file. */
export async function traceFile(name: string, blob: Blob, k: KeyInput, onProgress?: Progress): Promise<Outcome> {
  const { keys, notes } = buildKeys(k);
  const tracer = new Tracer({ keys, showSecrets: false, conversations: false });
  for await (const chunk of pieces(blob, onProgress, 'tracing')) {
    tracer.push(chunk);
    if (tracer.stopped) break;
  }
  const result = tracer.finish();
  const page = html.renderTraceHtml(result, tracer.rows, {
    file: name,
    limit: 2000,
    generator: GENERATOR,
    ...(result.conversations ? {} : { conversations: buildConversations(result) }),
  });
  return { kind: 'trace', body: reportBody(page), ...summarize(result.findings), notes };
}

/** `kerbscope events` on an EVTX file or an XML/JSON/CSV export (read whole: EVTX chunks are read by offset). */
export async function eventsFile(name: string, blob: Blob, onProgress?: Progress): Promise<Outcome> {
  const bytes = new Uint8Array(blob.size);
  let off = 0;
  for await (const p of pieces(blob, onProgress, 'reading')) {
    bytes.set(p, off);
    off += p.length;
  }
  const problems: EventProblem[] = [];
  const stats: FileStats[] = [];
  const analysis = new EventAnalysis({});
  let last = 0;
  function* source() {
    stats.push(
      yield* readEventBytes(bytes, name, problems, (n) => {
        if (n - last >= CHUNK || n === bytes.length) {
          last = n;
          onProgress?.(n, bytes.length, 'analysing');
        }
      }),
    );
  }
  for (const r of mergeByTime([source()])) analysis.add(r);
  const report = analysis.report(stats, problems);
  const page = html.renderEventsHtml(report, { generator: GENERATOR });
  return { kind: 'events', body: reportBody(page), ...summarize(report.findings), notes: [] };
}

export type FileKind = 'capture' | 'events' | 'keytab' | 'other';

/** What a dropped file is, from its first bytes (never from its name). */
export function sniff(head: Uint8Array): FileKind {
  if (capture.looksLikeCapture(head)) return 'capture';
  if (events.detectEventFormat(head)) return 'events';
  if (head[0] === 0x05 && (head[1] === 0x01 || head[1] === 0x02)) return 'keytab';
  return 'other';
}

/** Any dropped file → its report: a capture is traced, an event log read, anything else decoded (keytab, ccache, kirbi, token file). */
export async function analyseFile(name: string, blob: Blob, k: KeyInput, onProgress?: Progress): Promise<Outcome> {
  const head = new Uint8Array(await blob.slice(0, 4096).arrayBuffer());
  try {
    switch (sniff(head)) {
      case 'capture':
        return await traceFile(name, blob, k, onProgress);
      case 'events':
        return await eventsFile(name, blob, onProgress);
      default: {
        if (blob.size > 64 << 20) throw new Error(`${blob.size} bytes: too large for a token, keytab or ccache`);
        const bytes = new Uint8Array(await blob.arrayBuffer());
        return decodeInput({ label: `file ${name}`, bytes }, k);
      }
    }
  } catch (e) {
    if (e instanceof capture.NotACaptureError || e instanceof UnusableInput) throw new Error(`${name}: ${e.message}`);
    throw e;
  }
}
