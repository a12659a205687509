/**
 * The one error a decoder may throw. Bad input is data, not a crash: every decoder in src/wire, src/protocol and
 * src/formats turns malformed bytes into a DecodeError that says what was being read (`field`), where (`offset`,
 * absolute in the outermost buffer) and, for overruns, how many bytes were needed and how many were left
 * (after the Rust `evtx` crate's `err.rs`). `code` is stable so scripts can match it (after undici's error codes).
 */
export type DecodeErrorCode =
  | 'ERR_TRUNCATED' // fewer bytes than a length or count says
  | 'ERR_BAD_TAG' // an ASN.1 tag other than the one the grammar allows here
  | 'ERR_BAD_LENGTH' // a length that is malformed or larger than its container
  | 'ERR_BAD_VALUE' // a value outside its domain (bad time string, negative count, bad magic)
  | 'ERR_UNSUPPORTED' // well-formed but not something we decode (version, format)
  | 'ERR_TRAILING' // bytes left over after a complete message
  | 'ERR_TOO_DEEP' // nesting deeper than any real message (guards recursion)
  | 'ERR_LIMIT'; // a count or size beyond a sane limit (guards allocation)

export interface DecodeErrorDetails {
  field?: string;
  offset?: number;
  needed?: number;
  left?: number;
}

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly code: DecodeErrorCode;
  readonly field: string | undefined;
  readonly offset: number | undefined;
  readonly needed: number | undefined;
  readonly left: number | undefined;
  /** The plain message without the "field at offset" suffix. */
  readonly reason: string;

  constructor(code: DecodeErrorCode, reason: string, details: DecodeErrorDetails = {}) {
    super(formatMessage(reason, details));
    this.code = code;
    this.reason = reason;
    this.field = details.field;
    this.offset = details.offset;
    this.needed = details.needed;
    this.left = details.left;
  }

  /** A copy with an outer field name prepended ("ticket" + "enc-part.kvno" → "ticket.enc-part.kvno"). */
  within(outer: string): DecodeError {
    const field = this.field ? `${outer}.${this.field}` : outer;
    return new DecodeError(this.code, this.reason, { field, offset: this.offset, needed: this.needed, left: this.left });
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, field: this.field, offset: this.offset, needed: this.needed, left: this.left };
  }
}

function formatMessage(reason: string, d: DecodeErrorDetails): string {
  let s = reason;
  if (d.field) s += ` in ${d.field}`;
  if (d.offset !== undefined) s += ` at offset ${d.offset}`;
  if (d.needed !== undefined && d.left !== undefined) s += ` (needed ${d.needed} bytes, ${d.left} left)`;
  return s;
}

export function isDecodeError(e: unknown): e is DecodeError {
  return e instanceof DecodeError;
}
