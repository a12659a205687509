/**
 * `kerbscope keytab list FILE [--json] [--show-secrets]`, and the pieces `keytab add` shares with it: reading a
 * keytab file with errors an admin can act on, and rendering entries the way `klist -k -t -e` does (times in UTC).
 *
 * JSON schema (`--json`):
 *   { file, version: 1|2, byteOrder: "be"|"le",
 *     entries: [{ principal: "HTTP/web.contoso.com@CONTOSO.COM", nameType, kvno, enctype: 18,
 *                 enctypeName: "aes256-cts-hmac-sha1-96", timestamp: ISO-8601, key: "<32 bytes hidden>" | hex, offset }],
 *     holes: [{ offset, size }], problems: [{ offset, code, message }] }
 */
import { readFileSync, statSync } from 'node:fs';
import { enctypeName, getEnctype } from '../../crypto/index.js';
import { decodeKeytab, type Keytab, type KeytabEntry, principalToString, showKey } from '../../formats/index.js';
import { renderJson } from '../../report/json.js';
import { DecodeError } from '../../wire/errors.js';
import { EXIT, type Io, UsageError } from '../command.js';

/** Keytabs are small; anything this big is not one. */
const MAX_KEYTAB = 64 * 1024 * 1024;

export interface KeytabFile {
  bytes: Uint8Array;
  keytab: Keytab;
}

/**
 * Reads and decodes FILE. Unreadable files and bytes that are not a keytab at all are UsageErrors (exit 2) naming the
 * file and, for bad bytes, the field and offset. A missing file is `undefined` when `missingOk` (keytab add creates it).
 */
export function readKeytabFile(file: string, opts: { missingOk?: boolean } = {}): KeytabFile | undefined {
  let bytes: Uint8Array;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(`${file}: is a directory, not a keytab file`);
    if (st.size > MAX_KEYTAB) throw new UsageError(`${file}: ${st.size} bytes is far too large for a keytab`);
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && opts.missingOk) return undefined;
    if (code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new UsageError(`${file}: cannot read (permission denied; keytabs are usually 0600 root)`);
    throw new UsageError(`${file}: cannot read (${code ?? (e as Error).message})`);
  }
  if (bytes.length === 0) {
    if (opts.missingOk) return undefined; // an empty file (e.g. from mktemp) is a keytab waiting to be written
    throw new UsageError(`${file}: empty file, not a keytab (a keytab starts with 0x05 0x02)`);
  }
  try {
    return { bytes, keytab: decodeKeytab(bytes) };
  } catch (e) {
    if (e instanceof DecodeError) throw new UsageError(`${file}: not a keytab: ${e.message}`);
    throw e;
  }
}

export interface EntryRow {
  principal: string;
  nameType: number;
  kvno: number;
  enctype: number;
  enctypeName: string;
  timestamp: string;
  key: string;
  offset?: number;
}

export function entryRow(
  e: Pick<KeytabEntry, 'principal' | 'kvno' | 'enctype' | 'timestamp' | 'key' | 'layout'>,
  showSecrets: boolean,
): EntryRow {
  const row: EntryRow = {
    principal: principalToString(e.principal),
    nameType: e.principal.nameType,
    kvno: e.kvno,
    enctype: e.enctype,
    enctypeName: enctypeName(e.enctype),
    timestamp: isoSeconds(e.timestamp),
    key: showKey(e.key, showSecrets),
  };
  if (e.layout) row.offset = e.layout.offset;
  return row;
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A `klist -k -t -e`-like table (UTC timestamps), keys masked unless asked for. */
export function renderEntryTable(rows: readonly EntryRow[], showKeys: boolean): string {
  const head = ['KVNO', 'Timestamp (UTC)', 'Principal', 'Enctype', ...(showKeys ? ['Key'] : [])];
  const body = rows.map((r) => [
    String(r.kvno),
    r.timestamp,
    r.principal,
    `${r.enctypeName}${isLegacy(r.enctype) ? ' (deprecated)' : ''}`,
    ...(showKeys ? [r.key] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padStart(widths[0] ?? 0) : i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** RC4-HMAC, DES and 3DES: still met in the field, deprecated by RFC 6649 / RFC 8429. */
export function isLegacy(enctype: number): boolean {
  const e = getEnctype(enctype);
  return e === undefined ? false : e.weak || e.deprecated;
}

/** Duplicate (principal, kvno, enctype) triples: MIT uses one of them, and which one is rarely what the admin meant. */
export function duplicates(rows: readonly EntryRow[]): string[] {
  const seen = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.principal} kvno ${r.kvno} ${r.enctypeName}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

export async function runList(file: string, values: Record<string, unknown>, io: Io): Promise<number> {
  const showSecrets = Boolean(values['show-secrets']);
  const read = readKeytabFile(file);
  if (!read) throw new UsageError(`${file}: no such file`);
  const kt = read.keytab;
  if (kt.entries.length === 0 && kt.errors.length > 0) {
    const p = kt.errors[0];
    throw new UsageError(`${file}: corrupt keytab, no entry could be read: ${p?.error.message ?? 'unknown error'}`);
  }
  const rows = kt.entries.map((e) => entryRow(e, showSecrets));
  const problems = kt.errors.map((p) => ({ offset: p.offset, code: p.error.code, message: p.error.message }));
  if (values.json) {
    io.out(renderJson({ file, version: kt.version, byteOrder: kt.byteOrder, entries: rows, holes: kt.holes, problems }));
    return problems.length ? EXIT.PROBLEMS : EXIT.OK;
  }
  const order = kt.version === 1 ? `, ${kt.byteOrder === 'le' ? 'little' : 'big'}-endian` : '';
  const lines = [`Keytab: ${file} (version 0x050${kt.version}${order}, ${rows.length} ${rows.length === 1 ? 'entry' : 'entries'})`];
  if (rows.length) lines.push(renderEntryTable(rows, showSecrets));
  else lines.push('(no entries)');
  for (const p of problems) lines.push(`Not decoded: record at offset ${p.offset}: ${p.message}`);
  for (const d of duplicates(rows)) lines.push(`Note: ${d} appears more than once; keep only the key the KDC really uses.`);
  const legacy = [...new Set(rows.filter((r) => isLegacy(r.enctype)).map((r) => r.enctypeName))];
  if (legacy.length)
    lines.push(`Note: ${legacy.join(', ')} ${legacy.length === 1 ? 'is' : 'are'} deprecated (RFC 6649 / RFC 8429); prefer AES keys.`);
  if (!showSecrets && rows.length) lines.push('Keys are hidden; add --show-secrets to print them.');
  io.out(`${lines.join('\n')}\n`);
  return problems.length ? EXIT.PROBLEMS : EXIT.OK;
}
