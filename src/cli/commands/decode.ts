import { inspectEvidence } from '../../inspect/evidence.js';
import { KeySet } from '../../inspect/keys.js';
import { renderItem } from '../../report/decode-text.js';
import { escapeText } from '../../report/escape.js';
import { renderFindings } from '../../report/findings-text.js';
import { renderDecodeHtml } from '../../report/html/decode.js';
import { renderJson } from '../../report/json.js';
import { evaluate } from '../../rules/index.js';
import { type Command, EXIT, UsageError } from '../command.js';
import { checkHtmlTarget, HTML_OPTION, writeHtmlReport } from '../html-output.js';
import { gatherEvidence, loadKeytabs } from '../input.js';

/** The --html option, the same on check, trace, events and decode. */
export const decodeCommand: Command = {
  name: 'decode',
  summary: 'explain a Negotiate/Kerberos/NTLM token, a KRB-ERROR, a keytab, a ccache or a .kirbi',
  usage: 'kerbscope decode [INPUT ...] [--keytab FILE] [--password-stdin | --password P] [--salt S] [--json] [--show-secrets]',
  examples: [
    "kerbscope decode 'Authorization: Negotiate YIIC7AYGKwYBBQUCoIIC...'",
    "kerbscope decode 'WWW-Authenticate: Negotiate oX8wfaADCgEBon...'     # a 401 carrying a KRB-ERROR",
    'kerbscope decode headers.txt --keytab /etc/httpd.keytab                # decrypt the ticket, show the PAC and token size',
    'pbpaste | kerbscope decode --json',
    'kerbscope decode /tmp/krb5cc_1000                                      # keytab, ccache and kirbi files are detected',
    "echo 'P@ssw0rd' | kerbscope decode token.b64 --password-stdin --salt CONTOSO.COMsvc_web",
    'kerbscope decode headers.txt --html decode.html         # also the decode tree and findings in one HTML file',
  ],
  options: {
    json: { type: 'boolean', description: 'machine-readable output (schema in README)' },
    keytab: { type: 'string', multiple: true, value: 'FILE', description: 'keytab with the service key (repeatable)' },
    password: { type: 'string', value: 'P', description: 'password of the service account (lands in shell history!)' },
    'password-stdin': { type: 'boolean', description: 'read the password from standard input' },
    salt: { type: 'string', value: 'S', description: 'salt for --password (default: REALM + principal name)' },
    'show-secrets': { type: 'boolean', description: 'print session keys and keys instead of masking them' },
    html: HTML_OPTION,
  },
  async run(values, positionals, io) {
    const htmlFile = checkHtmlTarget(values.html);
    const keys = new KeySet();
    loadKeytabs((values.keytab as string[] | undefined) ?? [], keys);
    let password = values.password as string | undefined;
    if (values['password-stdin']) {
      if (password !== undefined) throw new UsageError('use --password or --password-stdin, not both');
      password = new TextDecoder().decode(await io.readStdin()).replace(/\r?\n$/, '');
    } else if (password !== undefined) io.err('kerbscope decode: warning: --password lands in your shell history; prefer --password-stdin');
    if (values.salt !== undefined && password === undefined) throw new UsageError('--salt needs --password or --password-stdin');
    if (password !== undefined) keys.addPassword({ password, salt: values.salt as string | undefined });

    const evidence = await gatherEvidence(positionals, io, Boolean(values['password-stdin']));
    const result = inspectEvidence(evidence, keys, { showSecrets: Boolean(values['show-secrets']) });
    if (result.items.length === 0) {
      io.err(`kerbscope decode: ${escapeText(result.unusable[0] ?? 'nothing to decode')}`);
      return EXIT.UNUSABLE;
    }
    const findings = evaluate(result.facts);
    const problems = findings.filter((f) => f.severity !== 'info').length > 0 || result.unusable.length > 0;
    if (values.json) {
      // `problems` is the original name of the findings list (kept: scripts read it); `findings` is every command's name.
      const tail = { problems: findings, findings, ...(result.unusable.length ? { unusable: result.unusable } : {}) };
      const body =
        result.items.length === 1 ? { schemaVersion: 1, ...result.items[0], ...tail } : { schemaVersion: 1, items: result.items, ...tail };
      io.out(renderJson(body));
    } else {
      io.out(result.items.map(renderItem).join('\n'));
      for (const u of result.unusable) io.out(`Not decoded: ${escapeText(u)}\n`);
      io.out(`\n${renderFindings(findings)}`);
    }
    if (
      htmlFile &&
      !writeHtmlReport('decode', htmlFile, renderDecodeHtml({ items: result.items, unusable: result.unusable, findings }), io)
    )
      return EXIT.UNUSABLE;
    return problems ? EXIT.PROBLEMS : EXIT.OK;
  },
};
