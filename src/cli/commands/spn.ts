import {
  type DirectorySearch,
  type DuplicateSpn,
  duplicateSpns,
  findSpn,
  PAGE_SIZE,
  type SpnOwner,
  type SpnResult,
  spnOwner,
} from '../../directory/index.js';
import { FilterSyntaxError } from '../../protocol/ldap/index.js';
import { escapeText } from '../../report/escape.js';
import { renderJson } from '../../report/json.js';
import { raw, win } from '../../rules/shell.js';
import { type Command, EXIT, UsageError } from '../command.js';
import { DIRECTORY_OPTIONS, openSessionFromOptions, sessionHead } from '../directory-options.js';

export const SPN_SCHEMA_VERSION = 1;

const SUBCOMMANDS = ['query', 'duplicates', 'owner'] as const;

export const spnCommand: Command = {
  name: 'spn',
  summary: "setspn -Q / -X from any OS: who holds an SPN, which SPNs are duplicated, what an SPN's account needs for a keytab (read-only)",
  usage: [
    'kerbscope spn query PATTERN | duplicates | owner SPN  [--user NAME --password-stdin | KRB5CCNAME] [--dc HOST] [options]',
    '',
    'Reads Active Directory over LDAP with a Kerberos (SASL GSSAPI) bind, signed or sealed; never writes to it.',
    'query: every SPN matching PATTERN (* wildcards), like setspn -Q. duplicates: every SPN on more than one account,',
    'like setspn -X, with the setspn -D commands that fix it. owner: the account holding one SPN, its',
    'msDS-SupportedEncryptionTypes, userAccountControl flags, msDS-KeyVersionNumber, and the `kerbscope keytab add` line.',
    'Exit codes: 0 found (query, owner) / none (duplicates), 1 nothing found / duplicates found, 2 usage or directory error.',
  ].join('\n'),
  examples: [
    "kerbscope spn query 'HTTP/iisserver*'                               # with the ccache from kinit (KRB5CCNAME)",
    "echo 'P@ssw0rd' | kerbscope spn duplicates --user john@CONTOSO.COM --password-stdin",
    'kerbscope spn owner HTTP/iisserver.contoso.com --dc dc1.contoso.com --dns-server 10.0.0.10 --json',
  ],
  options: {
    ...DIRECTORY_OPTIONS,
    'page-size': {
      type: 'string',
      value: 'N',
      description: 'entries per page of the paged search (RFC 2696; default 500, AD allows up to 1000)',
    },
    json: { type: 'boolean', description: 'machine-readable output (schema in README)' },
  },
  async run(values, positionals, io) {
    const [sub, arg, ...extra] = positionals;
    if (!sub || !SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number]))
      throw new UsageError(`give a subcommand: ${SUBCOMMANDS.join(', ')}`);
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (sub === 'duplicates' && arg !== undefined) throw new UsageError('spn duplicates takes no argument');
    if (sub !== 'duplicates' && !arg)
      throw new UsageError(sub === 'query' ? 'spn query needs a PATTERN (e.g. HTTP/web*)' : 'spn owner needs an SPN');
    if (sub === 'owner' && arg?.includes('*')) throw new UsageError('spn owner takes one SPN; use spn query for a pattern');
    if (arg !== undefined && (/[\0-\x1f\x7f]/.test(arg) || arg.length > 1024))
      throw new UsageError('the SPN holds control characters or is too long');
    const pageSize = values['page-size'] === undefined ? PAGE_SIZE : Number(values['page-size']);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000)
      throw new UsageError('--page-size must be a whole number from 1 to 100000');
    const json = Boolean(values.json);
    const opened = await openSessionFromOptions(values, io, { command: 'spn', schemaVersion: SPN_SCHEMA_VERSION });
    if ('exit' in opened) return opened.exit;
    const session = opened;
    const read = { entries: 0, pages: 0 };
    const d: DirectorySearch = {
      baseDn: session.baseDn,
      realm: session.realm,
      search: async (q) => {
        const r = await session.client.search({ ...q, pageSize });
        read.entries += r.entries.length;
        read.pages += r.pages;
        return r;
      },
    };
    const paged = () =>
      `(${read.entries} entr${read.entries === 1 ? 'y' : 'ies'} read in ${read.pages} page${read.pages === 1 ? '' : 's'} of up to ${pageSize})`;
    const head = () => `Checking ${sessionHead(session)}\n${paged()}`;
    try {
      if (sub === 'query') {
        const results = await findSpn(d, arg as string);
        if (json) io.out(renderJson({ schemaVersion: SPN_SCHEMA_VERSION, results }));
        else io.out(renderQuery(head(), results));
        return results.length ? EXIT.OK : EXIT.PROBLEMS;
      }
      if (sub === 'duplicates') {
        const dups = await duplicateSpns(d);
        if (json)
          io.out(
            renderJson({
              schemaVersion: SPN_SCHEMA_VERSION,
              // the issue's contract, exactly: { spn, accounts } (the setspn -D fixes are in the text output)
              duplicates: dups.map((x) => ({ spn: x.spn, accounts: x.accounts })),
            }),
          );
        else io.out(renderDuplicates(head(), dups));
        return dups.length ? EXIT.PROBLEMS : EXIT.OK;
      }
      const owners = await spnOwner(d, arg as string);
      if (json)
        io.out(renderJson({ schemaVersion: SPN_SCHEMA_VERSION, spn: arg, realm: session.realm, owners, duplicate: owners.length > 1 }));
      else io.out(renderOwner(head(), arg as string, owners));
      return owners.length === 1 ? EXIT.OK : EXIT.PROBLEMS;
    } catch (e) {
      if (e instanceof FilterSyntaxError) throw new UsageError(e.message);
      const m = `the search failed: ${(e as Error).message}`;
      if (json) io.out(renderJson({ schemaVersion: SPN_SCHEMA_VERSION, error: { step: 'search', message: m } }));
      io.err(`kerbscope spn: ${escapeText(m)}`);
      return EXIT.UNUSABLE;
    } finally {
      await session.close();
    }
  },
};

// ---- text (after setspn's own output) ------------------------------------------------------------------------------

function renderQuery(head: string, results: SpnResult[]): string {
  const lines = head.split('\n').map((l) => escapeText(l));
  const byDn = new Map<string, SpnResult[]>();
  for (const r of results) byDn.set(r.dn, [...(byDn.get(r.dn) ?? []), r]);
  for (const [dn, rs] of byDn) {
    const r0 = rs[0] as SpnResult;
    lines.push(`${escapeText(dn)}  (${escapeText(r0.account)}, ${escapeText(r0.objectClass)})`);
    for (const r of rs) lines.push(`\t${escapeText(r.spn)}`);
  }
  lines.push('', results.length ? 'Existing SPN found!' : 'No such SPN found.');
  return `${lines.join('\n')}\n`;
}

function renderDuplicates(head: string, dups: DuplicateSpn[]): string {
  const lines = head.split('\n').map((l) => escapeText(l));
  for (const d of dups) {
    lines.push(`${escapeText(d.spn)} is registered on these accounts:`);
    for (const o of d.owners) lines.push(`\t${escapeText(o.dn)}  (${escapeText(o.account)}, ${escapeText(o.objectClass)})`);
    lines.push('  fix: keep it on the account the service runs as; remove it from the other(s):');
    for (const f of d.fixes) lines.push(`\t${escapeText(f)}`);
  }
  lines.push('', `found ${dups.length} group${dups.length === 1 ? '' : 's'} of duplicate SPNs.`);
  return `${lines.join('\n')}\n`;
}

function renderOwner(head: string, spn: string, owners: SpnOwner[]): string {
  const lines = head.split('\n').map((l) => escapeText(l));
  if (!owners.length) {
    lines.push('', `No account holds ${escapeText(spn)}: the KDC answers KDC_ERR_S_PRINCIPAL_UNKNOWN (7) for it.`);
    lines.push(`  fix: ${escapeText(win`setspn -S ${spn} ${raw('<the account the service runs as>')}`)}`);
    return `${lines.join('\n')}\n`;
  }
  if (owners.length > 1)
    lines.push(
      '',
      `${escapeText(spn)} is on ${owners.length} accounts (a duplicate SPN: the KDC refuses to issue tickets for it). See kerbscope spn duplicates.`,
    );
  for (const o of owners) {
    lines.push('', `${escapeText(o.dn)}`);
    lines.push(`  sAMAccountName                 ${escapeText(o.account)} (${escapeText(o.objectClass)})`);
    if (o.userPrincipalName) lines.push(`  userPrincipalName              ${escapeText(o.userPrincipalName)}`);
    if (o.dnsHostName) lines.push(`  dNSHostName                    ${escapeText(o.dnsHostName)}`);
    const u = o.userAccountControl;
    lines.push(
      `  userAccountControl             ${u ? `0x${u.value.toString(16)} ${u.flags.join(' ')}${u.unknownBits ? ` +0x${u.unknownBits.toString(16)}` : ''}` : '(not readable)'}`,
    );
    const s = o.supportedEncryptionTypes;
    lines.push(`  msDS-SupportedEncryptionTypes  ${s ? `${s.value} (0x${s.value.toString(16)}) ${s.flags.join(' ')}` : '(not set)'}`);
    lines.push(`  msDS-KeyVersionNumber          ${o.kvno ?? '(not readable)'}`);
    lines.push(`  servicePrincipalName           ${o.servicePrincipalNames.map(escapeText).join('\n                                 ')}`);
    for (const w of o.warnings) lines.push(`  warning: ${escapeText(w)}`);
    lines.push("  keytab for this SPN (the password is the account's):");
    lines.push(`    ${escapeText(o.keytab.command)}`);
    if (o.keytab.note) lines.push(`    (${escapeText(o.keytab.note)})`);
  }
  return `${lines.join('\n')}\n`;
}
