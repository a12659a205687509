/**
 * Framing apart from messages: where one LDAPMessage ends in a TCP stream (its BER length, RFC 4511 §5.1 requires the
 * definite form), and the SASL security layer's buffers after a bind with integrity or privacy (RFC 4422 §3.7, RFC 4752
 * §3.3): a four-octet big-endian length, then that many octets (for GSSAPI, one RFC 4121 Wrap token). A stream can
 * split a message anywhere or carry several at once; these functions say "need more" rather than guess.
 */
import { DecodeError } from '../../wire/errors.js';

/** Larger than any answer a directory sends one entry at a time; a forged length beyond it is refused, not allocated. */
export const MAX_LDAP_MESSAGE = 16 * 1024 * 1024;

/**
 * The total length of the LDAPMessage starting at `buf[0]`, undefined when more bytes are needed to know it.
 * DecodeError (with the stream offset) when the bytes cannot start an LDAPMessage.
 */
export function ldapMessageLength(buf: Uint8Array, streamOffset = 0, max = MAX_LDAP_MESSAGE): number | undefined {
  if (buf.length < 2) return undefined;
  if (buf[0] !== 0x30)
    throw new DecodeError(
      'ERR_BAD_TAG',
      `an LDAPMessage starts with 0x30 (SEQUENCE), not 0x${(buf[0] as number).toString(16).padStart(2, '0')}`,
      {
        field: 'LDAPMessage',
        offset: streamOffset,
      },
    );
  const first = buf[1] as number;
  if (first < 0x80) return 2 + first;
  if (first === 0x80)
    throw new DecodeError('ERR_BAD_LENGTH', 'indefinite length is not allowed in LDAP (RFC 4511 §5.1)', {
      field: 'LDAPMessage.length',
      offset: streamOffset + 1,
    });
  const n = first & 0x7f;
  if (n > 4) throw new DecodeError('ERR_BAD_LENGTH', `a length of ${n} octets`, { field: 'LDAPMessage.length', offset: streamOffset + 1 });
  if (buf.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (buf[2 + i] as number);
  if (len > max)
    throw new DecodeError('ERR_LIMIT', `an LDAPMessage of ${len} bytes (limit ${max})`, {
      field: 'LDAPMessage.length',
      offset: streamOffset + 1,
    });
  return 2 + n + len;
}

/** The length of the SASL buffer at `buf[0]` including its 4-octet header, undefined when more bytes are needed. */
export function saslBufferLength(buf: Uint8Array, streamOffset = 0, max = MAX_LDAP_MESSAGE): number | undefined {
  if (buf.length < 4) return undefined;
  const len = (((buf[0] as number) << 24) | ((buf[1] as number) << 16) | ((buf[2] as number) << 8) | (buf[3] as number)) >>> 0;
  if (len > max)
    throw new DecodeError('ERR_LIMIT', `a SASL buffer of ${len} bytes (limit ${max})`, {
      field: 'SASL buffer length',
      offset: streamOffset,
    });
  return 4 + len;
}

export function encodeSaslBuffer(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/**
 * Cuts whole frames off a growing stream buffer. `push` returns the frames now complete; bytes of an incomplete frame
 * stay buffered. The first framing error is sticky: the stream cannot be resynchronised after it.
 */
export class Framer {
  /** a growable buffer (amortised linear: a 16 MB message in 64 KB reads is not copied 256 times) */
  private store = new Uint8Array(4096);
  private start = 0;
  private end = 0;
  private consumed = 0;
  constructor(private readonly lengthOf: (buf: Uint8Array, streamOffset: number) => number | undefined) {}

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.end + chunk.length > this.store.length) {
      const live = this.end - this.start;
      let size = this.store.length;
      while (size < live + chunk.length) size *= 2;
      const next = size === this.store.length ? this.store : new Uint8Array(size);
      next.set(this.store.subarray(this.start, this.end), 0);
      this.store = next;
      this.start = 0;
      this.end = live;
    }
    this.store.set(chunk, this.end);
    this.end += chunk.length;
    const out: Uint8Array[] = [];
    for (;;) {
      const view = this.store.subarray(this.start, this.end);
      const n = this.lengthOf(view, this.consumed);
      if (n === undefined || n > view.length) break;
      out.push(view.slice(0, n));
      this.start += n;
      this.consumed += n;
    }
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  /** Bytes received that do not yet make a whole frame. */
  get pending(): number {
    return this.end - this.start;
  }

  /** Absolute stream offset of the next frame. */
  get offset(): number {
    return this.consumed;
  }
}
