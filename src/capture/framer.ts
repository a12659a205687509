/**
 * Framing apart from messages (STYLE habit 8): a byte stream cut anywhere becomes whole records. A record's header
 * says how long it is; the framer then either gathers the record (the few an extractor reads: a Kerberos message,
 * an SMB2 SESSION_SETUP, an LDAP bind) or counts its bytes away without copying (an SMB2 READ, a search result).
 * After a gap in the stream it resynchronises on the first segment whose start parses as a record header.
 */
import type { SegCtx } from './tcp.js';

/** What the header at the start of a record says. */
export type FrameDecision =
  /** need this many header bytes before deciding */
  | { more: number }
  /** a record of `total` bytes (header included): gather it (keep) or skip it */
  | { total: number; keep: boolean }
  /** not a record header: the stream is not (or no longer) this protocol */
  | { bad: string };

const MAX_HEAD = 256;

export class RecordFramer {
  private head: Uint8Array = new Uint8Array(0);
  private rec: Uint8Array | undefined;
  private recFill = 0;
  private skip = 0;
  private lost = false;
  /** records that did not parse as headers (the stream was abandoned) */
  failures = 0;
  failure: string | undefined;

  constructor(
    private readonly decide: (head: Uint8Array) => FrameDecision,
    private readonly onRecord: (rec: Uint8Array, ctx: SegCtx) => void,
    /** records larger than this are skipped even when `keep` */
    private readonly maxKeep = 1 << 20,
  ) {}

  data(b: Uint8Array, ctx: SegCtx): void {
    let p = 0;
    if (this.lost) {
      // resynchronise: only a segment start can be trusted to begin a record
      const d = this.decide(b.subarray(0, 64));
      if ('bad' in d) return;
      this.lost = false;
    }
    while (p < b.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, b.length - p);
        this.skip -= n;
        p += n;
        continue;
      }
      if (this.rec) {
        const n = Math.min(this.rec.length - this.recFill, b.length - p);
        this.rec.set(b.subarray(p, p + n), this.recFill);
        this.recFill += n;
        p += n;
        if (this.recFill === this.rec.length) {
          const r = this.rec;
          this.rec = undefined;
          this.onRecord(r, ctx);
        }
        continue;
      }
      // a new record: decide from its header (possibly straddling segments)
      const avail = b.subarray(p);
      let head: Uint8Array;
      if (this.head.length) {
        const j = new Uint8Array(this.head.length + Math.min(avail.length, MAX_HEAD - this.head.length));
        j.set(this.head, 0);
        j.set(avail.subarray(0, j.length - this.head.length), this.head.length);
        head = j;
      } else head = avail;
      const d = this.decide(head);
      if ('more' in d) {
        if (head.length >= d.more || d.more > MAX_HEAD || head.length >= MAX_HEAD) {
          this.abandon('header never completes');
          return;
        }
        this.head = head.slice(); // all of `avail` is in it (it is shorter than MAX_HEAD)
        return;
      }
      if ('bad' in d) {
        this.abandon(d.bad);
        return;
      }
      const consumedFromHead = this.head.length;
      this.head = new Uint8Array(0);
      const total = d.total;
      if (d.keep && total <= this.maxKeep) {
        // fast path: the whole record is in this segment
        if (consumedFromHead === 0 && avail.length >= total) {
          this.onRecord(avail.subarray(0, total), ctx);
          p += total;
          continue;
        }
        this.rec = new Uint8Array(total);
        const fromHead = head.subarray(0, consumedFromHead);
        this.rec.set(fromHead, 0);
        this.recFill = consumedFromHead;
      } else {
        this.skip = total - consumedFromHead;
      }
    }
  }

  private abandon(why: string): void {
    this.failures++;
    this.failure ??= why;
    this.head = new Uint8Array(0);
    this.rec = undefined;
    this.skip = 0;
    this.lost = true;
  }

  /** Bytes missing from the stream: a record in progress is lost; resynchronise at the next segment. */
  gap(n: number): void {
    if (this.skip >= n && !this.rec) {
      // the hole lies inside a record we were skipping anyway
      this.skip -= n;
      return;
    }
    this.head = new Uint8Array(0);
    this.rec = undefined;
    this.skip = 0;
    this.lost = true;
  }

  /** A record is still being gathered when the stream ends (truncated). */
  get partial(): boolean {
    return this.rec !== undefined || this.head.length > 0;
  }
}
