/**
 * Direct TCP transport framing (MS-SMB2 §2.1, RFC 1002 §4.3.1 as MS-SMB2 profiles it): each SMB2 message (or
 * compound) on port 445 is preceded by a 4-byte header, a zero byte and a 24-bit big-endian StreamProtocolLength.
 * The NetBIOS session service (port 139) uses the same layout with other type bytes: 0x85 is a keep-alive with no
 * payload; the session request/response types mean the peer is not speaking direct-TCP SMB.
 *
 * A TCP stream can split a frame anywhere or carry several at once: SmbFramer accumulates and yields whole frames.
 */
import { DecodeError } from '../../wire/errors.js';

export const DIRECT_TCP_HEADER = 4;
/** The largest length the 24-bit field can carry. */
export const MAX_DIRECT_TCP_LENGTH = 0xffffff;

/** The 4-byte header + payload. Throws RangeError past 2^24 - 1 bytes. */
export function encodeDirectTcp(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_DIRECT_TCP_LENGTH) throw new RangeError(`an SMB2 frame holds at most ${MAX_DIRECT_TCP_LENGTH} bytes`);
  const out = new Uint8Array(DIRECT_TCP_HEADER + payload.length);
  out[1] = (payload.length >>> 16) & 0xff;
  out[2] = (payload.length >>> 8) & 0xff;
  out[3] = payload.length & 0xff;
  out.set(payload, DIRECT_TCP_HEADER);
  return out;
}

const NBSS_TYPES: Record<number, string> = {
  129: 'a NetBIOS SESSION REQUEST',
  130: 'a NetBIOS POSITIVE SESSION RESPONSE',
  131: 'a NetBIOS NEGATIVE SESSION RESPONSE (port 139 expects a NetBIOS session request first)',
  132: 'a NetBIOS RETARGET SESSION RESPONSE',
};

/**
 * Accumulates stream bytes and yields whole frames. `maxFrame` bounds what a forged length may make us buffer
 * (smbd's default max is 8 MiB + headers; probes need far less). After an error the framer stays failed.
 */
export class SmbFramer {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** absolute stream offset of the first buffered byte */
  private consumed = 0;
  error: DecodeError | undefined;

  constructor(readonly maxFrame = 1 << 20) {}

  get pending(): number {
    return this.buffered;
  }

  /** Adds bytes; returns every frame now complete (payloads without the 4-byte header). Throws DecodeError once. */
  push(data: Uint8Array): Uint8Array[] {
    if (this.error) throw this.error;
    if (data.length) {
      this.chunks.push(data);
      this.buffered += data.length;
    }
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.buffered < DIRECT_TCP_HEADER) return out;
      const head = this.peek(DIRECT_TCP_HEADER);
      const type = head[0] as number;
      const len = ((head[1] as number) << 16) | ((head[2] as number) << 8) | (head[3] as number);
      if (type === 0x85) {
        // NetBIOS keep-alive: header only (RFC 1002 §4.3.7); its length field must be 0
        if (len !== 0) return this.fail('ERR_BAD_VALUE', `NetBIOS keep-alive with length ${len}`, 'StreamProtocolLength');
        this.drop(DIRECT_TCP_HEADER);
        continue;
      }
      if (type !== 0) {
        const what = NBSS_TYPES[type];
        return this.fail(
          'ERR_BAD_VALUE',
          what
            ? `${what}, not a direct-TCP SMB frame`
            : `first header byte 0x${type.toString(16).padStart(2, '0')} is not 0 (not direct-TCP SMB)`,
          'StreamProtocolLength',
        );
      }
      if (len > this.maxFrame)
        return this.fail('ERR_LIMIT', `frame length ${len} exceeds the ${this.maxFrame}-byte limit`, 'StreamProtocolLength');
      if (len === 0) return this.fail('ERR_BAD_VALUE', 'empty frame (length 0)', 'StreamProtocolLength');
      if (this.buffered < DIRECT_TCP_HEADER + len) return out;
      const frame = this.peek(DIRECT_TCP_HEADER + len).slice(DIRECT_TCP_HEADER);
      this.drop(DIRECT_TCP_HEADER + len);
      out.push(frame);
    }
  }

  /** Absolute stream offset of the next frame header. */
  get offset(): number {
    return this.consumed;
  }

  private fail(code: 'ERR_BAD_VALUE' | 'ERR_LIMIT', reason: string, field: string): never {
    this.error = new DecodeError(code, reason, { field, offset: this.consumed });
    throw this.error;
  }

  private peek(n: number): Uint8Array {
    const first = this.chunks[0] as Uint8Array;
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      const take = Math.min(c.length, n - o);
      out.set(c.subarray(0, take), o);
      o += take;
      if (o === n) break;
    }
    // keep the merged prefix as one chunk so the next peek is cheap
    this.chunks = [out, ...this.restAfter(n)];
    return out;
  }

  private restAfter(n: number): Uint8Array[] {
    const rest: Uint8Array[] = [];
    let skip = n;
    for (const c of this.chunks) {
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      rest.push(skip ? c.subarray(skip) : c);
      skip = 0;
    }
    return rest;
  }

  private drop(n: number): void {
    this.chunks = this.restAfter(n);
    this.buffered -= n;
    this.consumed += n;
  }
}
