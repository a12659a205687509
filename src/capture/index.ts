/** Captures (pcap / pcapng) → messages → facts: `kerbscope trace`'s library surface. Pure, streaming, browser-safe. */

export { buildConversations } from './conversations.js';
export * from './model.js';
export { type CaptureProblem, CaptureReader, looksLikeCapture, NotACaptureError, type RawPacket } from './pcap.js';
export { isoTime, type TraceOptions, Tracer, traceCapture } from './trace.js';
