import { readKeytab } from '../../check/config.js';
import { auditDelegation, DELEGATION_SCHEMA_VERSION } from '../../delegation/audit.js';
import { DelegationLookupError, type DelegationSearch } from '../../delegation/directory.js';
import { renderDelegation } from '../../report/delegation-text.js';
import { escapeText } from '../../report/escape.js';
import { renderDelegationHtml } from '../../report/html/directory.js';
import { renderJson } from '../../report/json.js';
import { type Command, EXIT, UsageError } from '../command.js';
import { DIRECTORY_OPTIONS, openSessionFromOptions, sessionHead, timeoutOf } from '../directory-options.js';
import { checkHtmlTarget, HTML_OPTION, writeHtmlReport } from '../html-output.js';

const BAD = /[\0-\x1f\x7f]/;

export const delegationCommand: Command = {
  name: 'delegation',
  summary:
    'delegation audit: what a front end may delegate to (unconstrained, constrained, resource-based), the user side, and an S4U proof',
  usage: [
    'kerbscope delegation FRONTEND [--to SPN] [--impersonate USER] [--keytab FILE]  [directory options as spn]',
    '',
    'FRONTEND is the account the front end runs as: a sAMAccountName (svc-web, WEB01$), one of its SPNs, or a host name.',
    'Reads userAccountControl (UF_TRUSTED_FOR_DELEGATION, UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION), msDS-AllowedToDelegateTo,',
    "the back end's msDS-AllowedToActOnBehalfOfOtherIdentity (decoded), and the user's UF_NOT_DELEGATED / Protected Users.",
    "With --keytab (the front end's keys) the chain is proven against the KDC: S4U2Self for the user, then S4U2Proxy to",
    'the back end, as `kvno -U USER -P SPN` does, naming the hop that breaks. Read-only: nothing is written to the directory.',
    'Exit codes: 0 the chain works (or, without --to, no error found), 1 a finding of severity error, 2 usage or directory error.',
  ].join('\n'),
  examples: [
    'kerbscope delegation svc-web --to cifs/fileserver.contoso.com                    # settings only, with the ccache (KRB5CCNAME)',
    'kerbscope delegation HTTP/web.contoso.com --to cifs/fs1.contoso.com --keytab web.keytab --impersonate john --json',
  ],
  options: {
    to: {
      type: 'string',
      value: 'SPN',
      description: 'the back end service the front end delegates to (cifs/fs1.contoso.com, MSSQLSvc/db:1433)',
    },
    impersonate: {
      type: 'string',
      value: 'USER',
      description: 'the user whose identity is delegated (default: the user kerbscope binds as)',
    },
    keytab: {
      type: 'string',
      value: 'FILE',
      description: "the front end's keytab: prove the chain with S4U2Self + S4U2Proxy against the KDC",
    },
    ...DIRECTORY_OPTIONS,
    json: { type: 'boolean', description: 'machine-readable output (schema in README)' },
    html: HTML_OPTION,
  },
  async run(values, positionals, io) {
    const [frontEnd, ...extra] = positionals;
    if (!frontEnd) throw new UsageError('give the FRONTEND account (sAMAccountName, SPN or host name)');
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    const to = values.to as string | undefined;
    const impersonate = values.impersonate as string | undefined;
    for (const [what, v] of [
      ['FRONTEND', frontEnd],
      ['--to', to],
      ['--impersonate', impersonate],
    ] as const)
      if (v !== undefined && (BAD.test(v) || v.length > 1024 || v.includes('*') || v === ''))
        throw new UsageError(`${what}: one name without wildcards or control characters`);
    if (to !== undefined && !to.includes('/')) throw new UsageError('--to takes an SPN such as cifs/fileserver.contoso.com');
    let keytab: ReturnType<typeof readKeytab>['kt'];
    if (values.keytab !== undefined) {
      const k = readKeytab(String(values.keytab));
      if (!k.kt) throw new UsageError(`--keytab ${values.keytab}: ${k.error}`);
      if (!k.kt.entries.length) throw new UsageError(`--keytab ${values.keytab}: no keys`);
      keytab = k.kt;
    }
    const timeoutMs = timeoutOf(values);
    const htmlFile = checkHtmlTarget(values.html);
    const opened = await openSessionFromOptions(values, io, { command: 'delegation', schemaVersion: DELEGATION_SCHEMA_VERSION });
    if ('exit' in opened) return opened.exit;
    const session = opened;
    const d: DelegationSearch = {
      baseDn: session.baseDn,
      realm: session.realm,
      ...(session.rootDse.configurationNamingContext ? { configurationNamingContext: session.rootDse.configurationNamingContext } : {}),
      search: (q) => session.client.search(q),
    };
    const user = impersonate ?? (session.bind.mechanism === 'simple' ? session.user.replace(/@.*$/, '') : session.user);
    try {
      const { report } = await auditDelegation(d, {
        frontEnd,
        ...(to ? { to } : {}),
        user,
        ...(keytab ? { keytab: keytab.entries } : {}),
        kdc: { ...session.kdc, deadline: performance.now() + timeoutMs },
      });
      if (values.json) io.out(renderJson(report));
      else io.out(renderDelegation(report, `Delegation audit: ${sessionHead(session)}`));
      const failed = report.findings.some((f) => f.severity === 'error') || report.hops.some((h) => !h.ok);
      if (htmlFile && !writeHtmlReport('delegation', htmlFile, renderDelegationHtml(report, { head: sessionHead(session) }), io))
        return EXIT.UNUSABLE;
      return failed ? EXIT.PROBLEMS : EXIT.OK;
    } catch (e) {
      const m = e instanceof DelegationLookupError ? e.message : `the directory search failed: ${(e as Error).message}`;
      if (values.json) io.out(renderJson({ schemaVersion: DELEGATION_SCHEMA_VERSION, error: { step: 'search', message: m } }));
      io.err(`kerbscope delegation: ${escapeText(m)}`);
      return e instanceof DelegationLookupError ? EXIT.PROBLEMS : EXIT.UNUSABLE;
    } finally {
      await session.close();
    }
  },
};
