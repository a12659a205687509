/**
 * `kerbscope keytab add`: what Windows `ktpass` and MIT `ktutil addent -password` do, without a domain-joined box.
 * Keys come from the password by the enctype's string-to-key (RFC 3962 §4 for AES-SHA1, RFC 8009 §4 for AES-SHA2,
 * RFC 4757 §3 for RC4-HMAC), salted by Active Directory's rules unless told otherwise (src/crypto/salt.ts,
 * MS-KILE §3.1.1.2). A wrong salt gives a keytab that looks right and fails every AES ticket, so we always say which
 * salt we used and why.
 *
 * The entries are appended to the file in place, as MIT's `kt_file.c` does (`krb5_ktfileint_write_entry` writes at
 * the end mark): the existing records keep their bytes, holes and padding, and the owner and mode of the file stay.
 */
import { closeSync, ftruncateSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { CryptoError, chooseSalt, type EnctypeProfile, getEnctype, type SaltChoice } from '../../crypto/index.js';
import {
  encodeKeytab,
  enctypeFromName,
  type KeytabEntryInput,
  type Principal,
  parsePrincipal,
  principalToString,
} from '../../formats/index.js';
import { renderJson } from '../../report/json.js';
import { EXIT, type Io, UsageError } from '../command.js';
import { duplicates, entryRow, readKeytabFile, renderEntryTable } from './keytab-list.js';

/** Used when no --enctype is given: what AD issues to accounts with AES enabled, strongest first (MIT's order too). */
export const DEFAULT_ENCTYPES = [18, 17] as const;

/** ktpass's `/crypto All`, minus DES (which kerbscope refuses to create). */
const ALL_ENCTYPES = [18, 17, 23] as const;

/** The options only `keytab add` takes. */
export const ADD_OPTIONS = ['principal', 'kvno', 'enctype', 'salt', 'account', 'upn', 'dns-domain', 'kdc', 'password', 'password-stdin'];

export function parseEnctypes(specs: readonly string[] | undefined): { enctypes: EnctypeProfile[]; defaulted: boolean; all: boolean } {
  const words = (specs ?? []).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
  if (words.length === 0) return { enctypes: DEFAULT_ENCTYPES.map((id) => getEnctype(id) as EnctypeProfile), defaulted: true, all: false };
  const out: EnctypeProfile[] = [];
  let all = false;
  for (const w of words) {
    let found: EnctypeProfile[];
    if (w.toLowerCase() === 'all') {
      all = true;
      found = ALL_ENCTYPES.map((id) => getEnctype(id) as EnctypeProfile);
    } else {
      const byAlias = enctypeFromName(w);
      const e = getEnctype(w) ?? (byAlias !== undefined ? getEnctype(byAlias) : undefined);
      if (!e)
        throw new UsageError(
          `--enctype ${w}: unknown enctype (try aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96, AES256-SHA1, RC4-HMAC-NT or a number such as 18)`,
        );
      if (!e.implemented) throw new UsageError(`--enctype ${w}: ${whyNot(e)}`);
      found = [e];
    }
    for (const e of found) if (!out.some((o) => o.id === e.id)) out.push(e);
  }
  return { enctypes: out, defaulted: false, all };
}

/** The table's own sentence for an enctype kerbscope does not implement (DES, 3DES, Camellia). */
function whyNot(e: EnctypeProfile): string {
  try {
    e.randomToKey(new Uint8Array(e.seedSize));
  } catch (err) {
    if (err instanceof CryptoError) return `kerbscope does not create ${err.message}`;
  }
  return `kerbscope cannot create ${e.name} keys`;
}

export function parseKvno(text: unknown): number {
  if (text === undefined)
    throw new UsageError(
      '--kvno N is required: the key version the KDC uses for the account (AD: Get-ADUser NAME -Properties msDS-KeyVersionNumber; Linux: kvno SPN)',
    );
  const s = String(text).trim();
  if (!/^\d+$/.test(s) || Number(s) > 0xffffffff) throw new UsageError(`--kvno ${s}: not a key version number (0..4294967295)`);
  return Number(s);
}

export function parseServicePrincipal(text: unknown): Principal {
  if (text === undefined || String(text).trim() === '')
    throw new UsageError('--principal is required (e.g. --principal HTTP/web.contoso.com@CONTOSO.COM)');
  const s = String(text).trim();
  const p = parsePrincipal(s);
  if (!p.realm) throw new UsageError(`--principal ${s}: needs a realm (e.g. ${s}@CONTOSO.COM); the salt depends on it`);
  if (p.components.length === 0 || p.components.some((c) => c === ''))
    throw new UsageError(`--principal ${s}: empty name component (expected service/host@REALM or name@REALM)`);
  return p;
}

/** A salt rule from src/crypto, or 'given' for --salt. */
export interface SaltUsed {
  salt: string;
  rule: SaltChoice['rule'] | 'given';
  explanation: string;
}

/** The salt for the AES (and AES-SHA2) keys: --salt, else AD's rule (or MIT's with --kdc mit), with the reason. */
export function pickSalt(p: Principal, values: Record<string, unknown>): SaltUsed {
  const account = values.account as string | undefined;
  const upn = values.upn as string | undefined;
  const dnsDomain = values['dns-domain'] as string | undefined;
  const kdc = ((values.kdc as string | undefined) ?? 'ad').toLowerCase();
  if (kdc !== 'ad' && kdc !== 'mit') throw new UsageError(`--kdc ${kdc}: expected ad (Active Directory, Samba) or mit (MIT krb5, Heimdal)`);
  if (values.salt !== undefined) {
    const given = [account && '--account', upn && '--upn', dnsDomain && '--dns-domain', values.kdc !== undefined && '--kdc'].filter(
      Boolean,
    );
    if (given.length) throw new UsageError(`--salt gives the salt outright; drop ${given.join(', ')} (they only choose the salt)`);
    return { salt: String(values.salt), rule: 'given', explanation: 'given with --salt.' };
  }
  if (kdc === 'mit') {
    if (account || upn || dnsDomain)
      throw new UsageError('--account, --upn and --dns-domain are Active Directory salt rules; drop them or --kdc mit');
    return chooseSalt(p, { kind: 'mit' });
  }
  const isComputer = account?.endsWith('$') ?? false;
  if (isComputer && upn) throw new UsageError('--upn is for user accounts; a computer account (NAME$) is salted by its name');
  return chooseSalt(p, {
    kind: isComputer ? 'computer' : 'auto',
    ...(account !== undefined ? { samAccountName: account } : {}),
    ...(upn !== undefined ? { userPrincipalName: upn } : {}),
    ...(dnsDomain !== undefined ? { dnsDomain } : {}),
  });
}

async function readPassword(values: Record<string, unknown>, io: Io, warn: (s: string) => void): Promise<string> {
  const fromArg = values.password as string | undefined;
  if (values['password-stdin']) {
    if (fromArg !== undefined) throw new UsageError('use --password or --password-stdin, not both');
    if (io.stdinIsTty)
      throw new UsageError("--password-stdin: standard input is a terminal; pipe the password in (e.g. printf %s 'secret' | …)");
    const text = new TextDecoder().decode(await io.readStdin()).replace(/\r?\n$/, '');
    if (text === '') throw new UsageError('--password-stdin: standard input was empty');
    return text;
  }
  if (fromArg === undefined) throw new UsageError("the account's password is needed: --password-stdin (recommended) or --password P");
  if (fromArg === '') throw new UsageError('--password: empty password');
  warn('--password lands in your shell history and the process list; prefer --password-stdin');
  return fromArg;
}

export async function runAdd(file: string, values: Record<string, unknown>, io: Io): Promise<number> {
  // Notes and warnings go out once the keytab is written: a failed add prints its one error line and nothing else.
  const notes: string[] = [];
  const note = (s: string) => notes.push(`kerbscope keytab: ${s}`);
  const warn = (s: string) => note(`warning: ${s}`);
  const showSecrets = Boolean(values['show-secrets']);

  // Everything that can be checked is checked before the password is read or the file touched.
  const principal = parseServicePrincipal(values.principal);
  const kvno = parseKvno(values.kvno);
  const { enctypes, defaulted, all } = parseEnctypes(values.enctype as string[] | undefined);
  const saltChoice = pickSalt(principal, values);
  const existing = readKeytabFile(file, { missingOk: true });
  if (existing && existing.keytab.errors.length > 0) {
    const p = existing.keytab.errors[0];
    throw new UsageError(
      `${file}: damaged keytab (${p?.error.message ?? 'unreadable record'}); not appending to it. List it with kerbscope keytab list, or write a new file`,
    );
  }
  const password = await readPassword(values, io, warn);

  const name = principalToString(principal);
  if (principal.realm !== principal.realm.toUpperCase())
    warn(`realm "${principal.realm}" is not uppercase; realms are case-sensitive and an AD realm is the DNS domain in capitals`);
  if (defaulted) note('no --enctype given: writing aes256-cts-hmac-sha1-96 and aes128-cts-hmac-sha1-96 (the AES keys AD issues)');
  if (all) note('--enctype all: aes256, aes128 and rc4-hmac (ktpass /crypto All also adds DES, which kerbscope does not create)');
  const salted = enctypes.filter((e) => e.id !== 23 && e.id !== 24);
  let why = saltChoice.explanation;
  if (saltChoice.rule === 'ad-user-sam' && values.account === undefined)
    why = why.replace(/pass the real one if it differs\.$/, 'if it differs, give the real one with --account SAM or --upn UPN.');
  if (salted.length) note(`salt "${saltChoice.salt}": ${why}`);
  else note('salt: none used (RC4-HMAC keys are unsalted: the key is the MD4 hash of the password)');
  for (const e of enctypes) {
    if (e.id === 23 || e.id === 24)
      warn(
        `${e.name} (RC4-HMAC) is deprecated (RFC 8429) and being switched off in Active Directory; its key is the account's NT hash. Use AES unless the account is RC4-only`,
      );
    if (e.id === 19 || e.id === 20)
      warn(`${e.name} (RFC 8009) is not supported by Active Directory; it only helps with an MIT or Heimdal KDC`);
  }
  if (kvno > 255)
    note(`kvno ${kvno} does not fit the 8-bit field: written with MIT's 32-bit kvno extension (old readers see ${kvno & 0xff})`);

  const timestamp = new Date(Math.floor(Date.now() / 1000) * 1000);
  const entries: KeytabEntryInput[] = enctypes.map((e) => ({
    principal,
    timestamp,
    kvno,
    enctype: e.id,
    key: e.stringToKey(password, saltChoice.salt),
  }));
  const kt = existing?.keytab;
  const encoded = encodeKeytab({ version: kt?.version ?? 2, byteOrder: kt?.byteOrder ?? 'be', entries });
  writeEntries(file, existing?.bytes, kt?.trailing?.offset, encoded);

  const added = entries.map((e) => entryRow({ ...e, timestamp }, showSecrets));
  const total = (kt?.entries.length ?? 0) + added.length;
  const before = (kt?.entries ?? []).map((e) => entryRow(e, false));
  for (const d of duplicates([...before, ...added.map((r) => ({ ...r, key: '' }))]))
    warn(`${file} now holds ${d} more than once; remove the stale key (ktutil: rkt, delent, wkt)`);
  for (const line of notes) io.err(line);
  if (values.json) {
    io.out(renderJson({ file, created: !existing, added, entries: total, salt: salted.length ? saltChoice : null }));
  } else {
    const lines = [
      `${existing ? 'Appended' : 'Wrote'} ${added.length} ${added.length === 1 ? 'entry' : 'entries'} to ${file} (${total} in the file):`,
      renderEntryTable(added, showSecrets),
      `Check it against the KDC: kinit SOMEUSER && kvno -k ${file} ${name}`,
    ];
    io.out(`${lines.join('\n')}\n`);
  }
  return EXIT.OK;
}

/**
 * Creates FILE (mode 0600: a keytab is a password equivalent) or appends the new records in place at the end of the
 * existing ones (at the end mark, overwriting anything MIT would never read after it).
 */
function writeEntries(file: string, old: Uint8Array | undefined, endMark: number | undefined, encoded: Uint8Array): void {
  const fail = (e: unknown, what: string): never => {
    const code = (e as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? ': the directory does not exist' : code === 'EACCES' ? ': permission denied' : '';
    throw new UsageError(`${file}: cannot ${what} (${code ?? (e as Error).message}${hint})`);
  };
  if (!old) {
    try {
      writeFileSync(file, encoded, { mode: 0o600 });
    } catch (e) {
      fail(e, 'create the keytab');
    }
    return;
  }
  const at = endMark ?? old.length;
  const records = encoded.subarray(2); // without the 0x05 0x0v header the file already has
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r+');
    writeSync(fd, records, 0, records.length, at);
    ftruncateSync(fd, at + records.length);
  } catch (e) {
    fail(e, 'append to the keytab');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
