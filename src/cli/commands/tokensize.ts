import { tgsExchange } from '../../check/kerberos.js';
import { directoryTokenFact, directoryTokenSize, TokenSizeLookupError } from '../../directory/token-size.js';
import type { Fact } from '../../facts/fact.js';
import { buildApReq, GSS_FLAGS } from '../../krb/client.js';
import { escapeText } from '../../report/escape.js';
import { renderFindings } from '../../report/findings-text.js';
import { renderTokenSizeHtml } from '../../report/html/directory.js';
import { renderJson } from '../../report/json.js';
import { evaluate } from '../../rules/index.js';
import { type Command, EXIT, UsageError } from '../command.js';
import { DIRECTORY_OPTIONS, openSessionFromOptions, sessionHead, timeoutOf } from '../directory-options.js';
import { checkHtmlTarget, HTML_OPTION, writeHtmlReport } from '../html-output.js';

export const TOKENSIZE_SCHEMA_VERSION = 1;

const LIMITS = [
  { name: 'MaxTokenSize (legacy, Windows 7 / 2008 R2 and older)', limit: 12000, of: 'token' },
  { name: 'MaxTokenSize (default since Windows 8 / 2012)', limit: 48000, of: 'token' },
  { name: 'HTTP.sys MaxFieldLength / MaxRequestBytes (IIS)', limit: 16384, of: 'header' },
  { name: 'Apache LimitRequestFieldSize', limit: 8190, of: 'header' },
  { name: 'nginx large_client_header_buffers (4 8k)', limit: 8192, of: 'header' },
  // a Windows logon token holds at most 1,015 SIDs (groups, SID history, well-known): beyond it the logon fails
  { name: 'Windows token SID limit (KB 328889)', limit: 1015, of: 'sids' },
] as const;

export const tokensizeCommand: Command = {
  name: 'tokensize',
  summary:
    "a user's Kerberos token size from the directory (tokenGroups, SID history) against MaxTokenSize and HTTP header limits, as tokensz.exe",
  usage: [
    'kerbscope tokensize [USER] [--spn SPN]  [directory options as spn]',
    '',
    "Reads the user's tokenGroups (the groups the KDC puts in the PAC) and each group's type, and sIDHistory, and",
    'estimates the token as KB 327825 does: 1200 + 40·d + 8·s (s: global and universal groups of the domain; d: domain',
    'local groups, universal groups of other domains, SID history), and the base64 Negotiate header it makes. With --spn',
    '(for the user kerbscope binds as) it also gets a real service ticket and measures the real token. Read-only.',
    'Exit codes: 0 within every limit, 1 over a limit (token-too-large), 2 usage or directory error.',
  ].join('\n'),
  examples: [
    'kerbscope tokensize john                                               # with the ccache from kinit (KRB5CCNAME)',
    "echo 'P@ssw0rd' | kerbscope tokensize --user john@CONTOSO.COM --password-stdin --spn HTTP/web.contoso.com --json",
  ],
  options: {
    spn: {
      type: 'string',
      value: 'SPN',
      description: "get a real service ticket for this SPN and measure the token (the bound user's own)",
    },
    ...DIRECTORY_OPTIONS,
    json: { type: 'boolean', description: 'machine-readable output (schema in README)' },
    html: HTML_OPTION,
  },
  async run(values, positionals, io) {
    const [userArg, ...extra] = positionals;
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    const spn = values.spn as string | undefined;
    for (const v of [userArg, spn])
      if (v !== undefined && (/[\0-\x1f\x7f*]/.test(v) || v.length > 1024 || v === ''))
        throw new UsageError('a name without wildcards or control characters');
    if (spn !== undefined && !spn.includes('/')) throw new UsageError('--spn takes an SPN such as HTTP/web.contoso.com');
    const timeoutMs = timeoutOf(values);
    const htmlFile = checkHtmlTarget(values.html);
    const opened = await openSessionFromOptions(values, io, { command: 'tokensize', schemaVersion: TOKENSIZE_SCHEMA_VERSION });
    if ('exit' in opened) return opened.exit;
    const session = opened;
    const bound = session.user.replace(/@[^@]*$/, '');
    const user = userArg ?? bound;
    try {
      const t = await directoryTokenSize({ baseDn: session.baseDn, realm: session.realm, search: (q) => session.client.search(q) }, user);
      let real: { spn: string; ticketBytes: number; tokenBytes: number; headerBytes: number } | { spn: string; error: string } | undefined;
      if (spn) {
        const self = t.user.toLowerCase() === bound.toLowerCase();
        if (!self || !session.tgt)
          real = { spn, error: `a real ticket is only for the user kerbscope binds as (${bound}), with a Kerberos bind` };
        else {
          const facts: Fact[] = [];
          const r = await tgsExchange(
            {
              realm: session.realm,
              targets: session.kdc.targets,
              deadline: performance.now() + timeoutMs,
              udpPreferenceLimit: session.kdc.udpPreferenceLimit,
              now: () => new Date(),
            },
            session.tgt,
            spn.replace(/@[^@/]*$/, '').split('/'),
            session.kdc.etypes,
            { label: 'tokensize' },
            facts,
          );
          if (!r.creds) real = { spn, error: r.detail };
          else {
            const ap = buildApReq({ creds: r.creds, now: new Date(), gssFlags: GSS_FLAGS.windows });
            real = {
              spn,
              ticketBytes: r.creds.ticketDer.length,
              tokenBytes: ap.spnego.length,
              headerBytes: 'Authorization: Negotiate '.length + 4 * Math.ceil(ap.spnego.length / 3),
            };
          }
        }
      }
      const dc = `${session.dc.host} (${session.dc.address})`;
      const fact = directoryTokenFact({ label: 'tokensize' }, dc, t, real && 'tokenBytes' in real ? real.tokenBytes : undefined);
      const findings = evaluate([fact]);
      const header = real && 'headerBytes' in real ? real.headerBytes : t.verdict.headerBytes;
      const limits = LIMITS.map((l) => {
        const value = l.of === 'token' ? t.verdict.estimate : l.of === 'sids' ? t.groups.total + t.sidHistory + 1 : header;
        return { name: l.name, limit: l.limit, of: l.of, value, exceeded: value > l.limit };
      });
      const report = {
        schemaVersion: TOKENSIZE_SCHEMA_VERSION,
        user: t.user,
        dn: t.dn,
        ...(t.sid ? { sid: t.sid } : {}),
        groups: t.groups,
        sidHistory: t.sidHistory,
        estimate: {
          formula: '1200 + 40·d + 8·s',
          s: t.verdict.groupsInDomain,
          d: t.verdict.otherSids,
          tokenBytes: t.verdict.estimate,
          headerBytes: t.verdict.headerBytes,
        },
        ...(real ? { real } : {}),
        limits,
        findings,
      };
      if (values.json) io.out(renderJson(report));
      else {
        const e = escapeText;
        const g = t.groups;
        const lines = [
          e(`Token size: ${sessionHead(session)}`),
          '',
          `User ${e(t.user)} (${e(t.dn)})`,
          `  tokenGroups: ${g.total} (${g.global} global, ${g.universal} universal, ${g.universalOtherDomain} universal of other domains, ${g.domainLocal} domain-local, ${g.unresolved} unresolved); sIDHistory: ${t.sidHistory}`,
          `  estimate: 1200 + 40·${t.verdict.otherSids} + 8·${t.verdict.groupsInDomain} = ${t.verdict.estimate} bytes; Authorization: Negotiate header ≈ ${t.verdict.headerBytes} bytes`,
        ];
        if (real)
          lines.push(
            'error' in real
              ? `  real ticket for ${e(real.spn)}: not measured (${e(real.error)})`
              : `  real ticket for ${e(real.spn)}: ticket ${real.ticketBytes} bytes, SPNEGO token ${real.tokenBytes} bytes, header ${real.headerBytes} bytes`,
          );
        lines.push('', 'Limits');
        for (const l of limits) lines.push(`  ${l.exceeded ? '✗' : '✓'} ${l.name}: ${l.limit} (${l.of} ${l.value})`);
        io.out(`${lines.join('\n')}\n\n${renderFindings(findings)}`);
      }
      if (htmlFile && !writeHtmlReport('tokensize', htmlFile, renderTokenSizeHtml(report, { head: sessionHead(session) }), io))
        return EXIT.UNUSABLE;
      return limits.some((l) => l.exceeded) ? EXIT.PROBLEMS : EXIT.OK;
    } catch (e) {
      const m = e instanceof TokenSizeLookupError ? e.message : `the directory search failed: ${(e as Error).message}`;
      if (values.json) io.out(renderJson({ schemaVersion: TOKENSIZE_SCHEMA_VERSION, error: { step: 'search', message: m } }));
      io.err(`kerbscope tokensize: ${escapeText(m)}`);
      return e instanceof TokenSizeLookupError ? EXIT.PROBLEMS : EXIT.UNUSABLE;
    } finally {
      await session.close();
    }
  },
};
