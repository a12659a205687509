/**
 * The binary SID (MS-DTYP §2.4.2.2), as in `objectSid`, in security descriptors and in ACEs:
 *
 * ```
 * SID ::= Revision           u8    (SID_REVISION, 1)
 *         SubAuthorityCount  u8    (0..15, SID_MAX_SUB_AUTHORITIES)
 *         IdentifierAuthority 6 bytes, big-endian
 *         SubAuthority       SubAuthorityCount × u32, little-endian
 * ```
 *
 * The string form (§2.4.2.1) is src/protocol/pac/sid.ts's formatSid/parseSid; this file only adds the bytes.
 */
import { DecodeError, type DecodeErrorCode } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';
import { authorityFromBytes, authorityToBytes, SID_MAX_SUB_AUTHORITIES } from '../pac/ndr.js';
import { formatSid, parseSid } from '../pac/sid.js';

/** SID_REVISION: the only revision Windows accepts (RtlValidSid). */
export const SID_REVISION = 1;

/** The size of a binary SID with `subAuthorityCount` sub-authorities (8 + 4n bytes). */
export function sidLength(subAuthorityCount: number): number {
  return 8 + 4 * subAuthorityCount;
}

/**
 * Reads a binary SID at the cursor. Errors are recorded in `r` (sticky) and '' is returned: a revision other
 * than 1 (ERR_UNSUPPORTED), more than 15 sub-authorities (ERR_LIMIT) or a SID longer than the bytes (ERR_TRUNCATED).
 */
export function readSid(r: ByteReader, field = 'Sid'): string {
  const start = r.offset;
  const revision = r.u8(`${field}.Revision`);
  const count = r.u8(`${field}.SubAuthorityCount`);
  if (!r.ok) return '';
  if (revision !== SID_REVISION) {
    failAt(r, 'ERR_UNSUPPORTED', `SID revision ${revision}, not ${SID_REVISION}`, `${field}.Revision`, start);
    return '';
  }
  if (count > SID_MAX_SUB_AUTHORITIES) {
    failAt(
      r,
      'ERR_LIMIT',
      `SID with ${count} sub-authorities (at most ${SID_MAX_SUB_AUTHORITIES})`,
      `${field}.SubAuthorityCount`,
      start + 1,
    );
    return '';
  }
  const auth = r.take(6, `${field}.IdentifierAuthority`);
  const sub: number[] = [];
  for (let i = 0; i < count && r.ok; i++) sub.push(r.u32le(`${field}.SubAuthority[${i}]`));
  return r.ok ? formatSid({ revision, authority: authorityFromBytes(auth), subAuthorities: sub }) : '';
}

/** Records an error at an absolute offset of our choosing (the byte that is wrong, not the cursor past it). */
export function failAt(r: ByteReader, code: DecodeErrorCode, reason: string, field: string, offset: number): void {
  r.error ??= new DecodeError(code, reason, { field, offset });
}

/**
 * Decodes the binary SID at `offset` in `bytes` (bytes after it are the caller's business: an `objectSid` value
 * should have none, see decodeSidExact). Returns the string form and the number of bytes it took.
 * Throws DecodeError (offsets absolute in `bytes`).
 */
export function decodeSid(bytes: Uint8Array, offset = 0): { sid: string; length: number } {
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length)
    throw new DecodeError('ERR_BAD_LENGTH', `offset ${offset} outside ${bytes.length} bytes`, { field: 'Sid', offset: 0 });
  const r = new ByteReader(bytes.subarray(offset), offset);
  const sid = readSid(r);
  r.check();
  return { sid, length: r.pos };
}

/** Decodes a value that is exactly one binary SID, e.g. the LDAP attribute `objectSid` (ERR_TRAILING otherwise). */
export function decodeSidExact(bytes: Uint8Array): string {
  const r = new ByteReader(bytes);
  const sid = readSid(r);
  r.expectEnd('Sid');
  r.check();
  return sid;
}

/** Writes the binary form of a SID string at the writer's cursor. Throws RangeError when `sid` is not a revision-1 SID. */
export function writeSid(w: ByteWriter, sid: string): void {
  const p = parseSid(sid);
  if (p.revision !== SID_REVISION) throw new RangeError(`SID revision ${p.revision}, not ${SID_REVISION}: ${sid}`);
  w.u8(p.revision).u8(p.subAuthorities.length).bytes(authorityToBytes(p.authority));
  for (const s of p.subAuthorities) w.u32le(s);
}

/** The binary form of a SID string (MS-DTYP §2.4.2.2). Throws RangeError when `sid` is not a revision-1 SID. */
export function encodeSid(sid: string): Uint8Array {
  const w = new ByteWriter(sidLength(15));
  writeSid(w, sid);
  return w.finish();
}
