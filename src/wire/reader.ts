import { DecodeError, type DecodeErrorCode } from './errors.js';

/**
 * A cursor over bytes whose error is sticky (after MIT krb5's `k5-input.h`): the first overrun or bad value is
 * recorded, and every later read returns a harmless default (0, empty bytes) so a decoder can read a whole
 * structure in a straight line and check once at the end with `check()`.
 *
 * Offsets in errors are absolute: a reader made by `sub()` knows where its bytes start in the outermost buffer.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  /** Absolute offset of bytes[0] in the outermost input. */
  readonly base: number;
  pos = 0;
  error: DecodeError | undefined;

  constructor(bytes: Uint8Array, base = 0) {
    this.bytes = bytes;
    this.base = base;
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.error ? 0 : this.bytes.length - this.pos;
  }

  get ok(): boolean {
    return this.error === undefined;
  }

  /** Records the first error; later ones are ignored (they are usually consequences of the first). */
  fail(code: DecodeErrorCode, reason: string, field?: string, extra: { needed?: number; left?: number } = {}): void {
    if (this.error) return;
    this.error = new DecodeError(code, reason, { field, offset: this.offset, ...extra });
  }

  /** Throws the recorded error, if any. */
  check(): void {
    if (this.error) throw this.error;
  }

  private need(n: number, field: string | undefined): boolean {
    if (this.error) return false;
    if (n < 0 || !Number.isFinite(n)) {
      this.fail('ERR_BAD_LENGTH', `invalid length ${n}`, field);
      return false;
    }
    const left = this.bytes.length - this.pos;
    if (n > left) {
      this.fail('ERR_TRUNCATED', 'input ends early', field, { needed: n, left });
      return false;
    }
    return true;
  }

  u8(field?: string): number {
    if (!this.need(1, field)) return 0;
    return this.bytes[this.pos++] as number;
  }

  peekU8(): number | undefined {
    return this.error || this.pos >= this.bytes.length ? undefined : this.bytes[this.pos];
  }

  u16be(field?: string): number {
    if (!this.need(2, field)) return 0;
    const b = this.bytes;
    const v = ((b[this.pos] as number) << 8) | (b[this.pos + 1] as number);
    this.pos += 2;
    return v;
  }

  u16le(field?: string): number {
    if (!this.need(2, field)) return 0;
    const b = this.bytes;
    const v = (b[this.pos] as number) | ((b[this.pos + 1] as number) << 8);
    this.pos += 2;
    return v;
  }

  u32be(field?: string): number {
    if (!this.need(4, field)) return 0;
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number)) >>> 0;
  }

  u32le(field?: string): number {
    if (!this.need(4, field)) return 0;
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24)) >>> 0;
  }

  i32be(field?: string): number {
    return this.u32be(field) | 0;
  }

  i32le(field?: string): number {
    return this.u32le(field) | 0;
  }

  u64be(field?: string): bigint {
    const hi = this.u32be(field);
    const lo = this.u32be(field);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  u64le(field?: string): bigint {
    const lo = this.u32le(field);
    const hi = this.u32le(field);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The next n bytes as a view (no copy); empty after an error. */
  take(n: number, field?: string): Uint8Array {
    if (!this.need(n, field)) return new Uint8Array(0);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A copy of the next n bytes (for values that outlive the input, e.g. keys). */
  copy(n: number, field?: string): Uint8Array {
    return this.take(n, field).slice();
  }

  skip(n: number, field?: string): void {
    if (this.need(n, field)) this.pos += n;
  }

  /** A reader over the next n bytes; this reader moves past them. Its errors are its own (check it, or `adopt` them). */
  sub(n: number, field?: string): ByteReader {
    const start = this.offset;
    return new ByteReader(this.take(n, field), this.error ? this.offset : start);
  }

  /** Copies a child's error into this reader (first error wins). */
  adopt(child: ByteReader): void {
    if (!this.error && child.error) this.error = child.error;
  }

  /** The rest of the bytes. */
  rest(): Uint8Array {
    return this.take(this.remaining);
  }

  /**
   * Validates an element count read from the input before anything is allocated for it (after MIT's
   * `ccmarshal.c`): n elements of at least `minSize` bytes each must fit in what is left.
   */
  count(n: number, minSize: number, field?: string): number {
    if (this.error) return 0;
    if (!Number.isInteger(n) || n < 0) {
      this.fail('ERR_BAD_VALUE', `invalid count ${n}`, field);
      return 0;
    }
    const left = this.bytes.length - this.pos;
    if (n * Math.max(minSize, 0) > left) {
      this.fail('ERR_TRUNCATED', `count ${n} does not fit in the bytes left`, field, { needed: n * minSize, left });
      return 0;
    }
    return n;
  }

  /** Fails with ERR_TRAILING when bytes are left. */
  expectEnd(field?: string): void {
    if (!this.error && this.pos !== this.bytes.length) {
      this.fail('ERR_TRAILING', `${this.bytes.length - this.pos} unexpected bytes after the end`, field);
    }
  }
}
