import type { CheckOptions, ClientProfile } from '../../check/model.js';
import { runCheck } from '../../check/run.js';
import { dnsServerAddress } from '../../net/dns.js';
import { ipVersion } from '../../net/ip.js';
import { renderCheck } from '../../report/check-text.js';
import { renderCheckHtml } from '../../report/html/check.js';
import { renderJson } from '../../report/json.js';
import { type Command, EXIT, UsageError } from '../command.js';
import { checkHtmlTarget, HTML_OPTION, writeHtmlReport } from '../html-output.js';

const CLIENTS: ClientProfile[] = ['mit', 'windows', 'chrome', 'firefox'];

/** Reads a password from the terminal without echo (raw mode), like kinit. */
function promptPassword(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let pw = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (ch: string) => {
      for (const c of ch) {
        if (c === '\r' || c === '\n') {
          stdin.setRawMode?.(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(pw);
          return;
        }
        if (c === '\u0003') {
          stdin.setRawMode?.(false);
          reject(new UsageError('interrupted'));
          return;
        }
        if (c === '\u007f' || c === '\b') pw = pw.slice(0, -1);
        else pw += c;
      }
    };
    stdin.on('data', onData);
  });
}

export const checkCommand: Command = {
  name: 'check',
  summary:
    "walk the guidance's whole authentication flow live against a URL: DNS, DC/KDC discovery, ports, clock, TGT, service ticket, HTTP Negotiate",
  usage: 'kerbscope check URL | --spn SPN [--user NAME] [--password-stdin | -k FILE | --ccache FILE] [options]',
  examples: [
    'kerbscope check http://iisserver.contoso.com/                 # with the ccache from kinit (KRB5CCNAME)',
    "echo 'P@ssw0rd' | kerbscope check http://iisserver.contoso.com/ --user john@CONTOSO.COM --password-stdin",
    'kerbscope check https://app.contoso.com/ --client windows --cbt   # the SPN Edge/IE would ask for; Extended Protection',
    'kerbscope check --spn HTTP/iisserver.contoso.com -k john.keytab --user john --json',
    'kerbscope check http://web/ --kdc dc1.contoso.com --dns-server 10.0.0.10 --timeout 3000 --keytab http.keytab',
    'kerbscope check http://iisserver.contoso.com/ --html check.html   # also the flow drawn, the failing step in red',
    'kerbscope check http://iisserver.contoso.com/ --also-smb         # isolation: does Kerberos work for cifs/ there?',
    'kerbscope check smb://fileserver.contoso.com/share                # the SMB session alone (cifs/fileserver...)',
  ],
  options: {
    spn: { type: 'string', value: 'SPN', description: 'ask for this SPN instead of the one the client profile builds' },
    user: { type: 'string', value: 'NAME', description: 'user principal (default: the ccache principal)' },
    'password-stdin': { type: 'boolean', description: "read the user's password from standard input" },
    'client-keytab': { type: 'string', short: 'k', value: 'FILE', description: 'get the TGT with this client keytab (KRB5_CLIENT_KTNAME)' },
    ccache: { type: 'string', value: 'FILE', description: 'read credentials from this ccache (default KRB5CCNAME)' },
    realm: { type: 'string', value: 'REALM', description: 'realm (overrides krb5.conf default_realm)' },
    kdc: { type: 'string', value: 'HOST[:PORT]', description: 'KDC to use (overrides krb5.conf and DNS)' },
    'dns-server': { type: 'string', value: 'IP[:PORT]', description: 'DNS server to ask (overrides resolv.conf; [IPv6]:PORT)' },
    client: {
      type: 'string',
      value: 'PROFILE',
      description: 'mit | windows | chrome | firefox: whose SPN and GSS flags (default: mit; windows on Windows)',
    },
    timeout: { type: 'string', value: 'MS', description: 'per step and overall time limit in ms (default 10000)' },
    keytab: {
      type: 'string',
      multiple: true,
      value: 'FILE',
      description: "the service's keytab: prove it decrypts the ticket (acceptor side)",
    },
    'save-ccache': {
      type: 'string',
      value: 'FILE',
      description: 'write the TGT and service ticket to a ccache (0600; klist, curl --negotiate)',
    },
    cbt: { type: 'boolean', description: 'HTTPS: send the channel-binding token (Extended Protection)' },
    'also-smb': {
      type: 'boolean',
      description: "the guidance's isolation step: also an SMB session with Kerberos (cifs/host) to the site's server",
    },
    'smb-share': { type: 'string', value: 'SHARE', description: '--also-smb: the share to connect (default IPC$)' },
    'delegate-to': {
      type: 'string',
      value: 'SPN',
      description:
        "step 11: with the site's --keytab, prove the site can delegate the user to this back end (S4U2Self + S4U2Proxy; settings from the directory)",
    },
    'site-account': {
      type: 'string',
      value: 'NAME',
      description:
        'the account the site runs as (app pool identity, keytab owner): if the server rejects the ticket, check asks the directory whether the SPN is on it',
    },
    json: { type: 'boolean', description: 'machine-readable output (schema in README)' },
    verbose: { type: 'boolean', description: 'list every fact each step observed (secrets masked)' },
    'show-secrets': { type: 'boolean', description: 'accepted for symmetry; check prints no secret in any case' },
    html: HTML_OPTION,
  },
  async run(values, positionals, io) {
    if (positionals.length > 1) throw new UsageError('one URL at a time');
    const url = positionals[0];
    const spn = values.spn as string | undefined;
    if (!url && !spn) throw new UsageError('give a URL (http://host/...) or --spn SPN');
    const htmlFile = checkHtmlTarget(values.html);
    const dnsServer = values['dns-server'] as string | undefined;
    if (dnsServer !== undefined && !ipVersion(dnsServerAddress(dnsServer).address))
      throw new UsageError(`--dns-server ${dnsServer}: not an IP address (IP, IP:PORT or [IPv6]:PORT)`);
    if (url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        throw new UsageError(`not a URL: ${url}`);
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'smb:')
        throw new UsageError(`only http://, https:// and smb://server/share URLs can be checked (got ${u.protocol})`);
      if (u.protocol === 'smb:' && values['also-smb'])
        throw new UsageError('--also-smb is for http(s):// sites; smb:// is the SMB check itself');
    }
    const client = (values.client as string | undefined) ?? (process.platform === 'win32' ? 'windows' : 'mit');
    if (!CLIENTS.includes(client as ClientProfile)) throw new UsageError(`--client must be one of ${CLIENTS.join(', ')}`);
    const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000)
      throw new UsageError('--timeout must be between 100 and 600000 ms');
    let password: string | undefined;
    if (values['password-stdin']) {
      password = new TextDecoder().decode(await io.readStdin()).replace(/\r?\n$/, '');
      if (!values.user) throw new UsageError('--password-stdin needs --user');
    } else if (values.user && !values['client-keytab'] && io.stdinIsTty && process.stdin.isTTY) {
      password = await promptPassword(`Password for ${values.user}: `);
    }
    const opts: CheckOptions = {
      url,
      spn,
      user: values.user as string | undefined,
      password,
      clientKeytab: (values['client-keytab'] as string | undefined) ?? process.env.KRB5_CLIENT_KTNAME?.replace(/^FILE:/, ''),
      ccache: values.ccache as string | undefined,
      realm: values.realm as string | undefined,
      kdc: values.kdc as string | undefined,
      dnsServer: values['dns-server'] as string | undefined,
      client: client as ClientProfile,
      timeoutMs,
      keytab: values.keytab as string[] | undefined,
      saveCcache: values['save-ccache'] as string | undefined,
      cbt: Boolean(values.cbt),
      ...(values['delegate-to'] !== undefined ? { delegateTo: delegateToOf(String(values['delegate-to']), values.keytab) } : {}),
      ...(values['site-account'] !== undefined ? { siteAccount: siteAccountOf(String(values['site-account'])) } : {}),
      ...(values['also-smb'] ? { alsoSmb: (values['smb-share'] as string | undefined) ?? 'IPC$' } : {}),
    };
    // a client keytab from the environment is used only when nothing else says who we are
    if (!values['client-keytab'] && (password !== undefined || values.ccache)) opts.clientKeytab = undefined;
    const result = await runCheck(opts);
    if (values.json) io.out(renderJson(result));
    else io.out(renderCheck(result, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, verbose: Boolean(values.verbose) }));
    if (htmlFile && !writeHtmlReport('check', htmlFile, renderCheckHtml(result), io)) return EXIT.UNUSABLE;
    return result.findings.some((f) => f.severity === 'error') ? EXIT.PROBLEMS : EXIT.OK;
  },
};

/** DOMAIN\\name or name@domain → the sAMAccountName the directory compares. */
function siteAccountOf(v: string): string {
  const name = v.replace(/^.*\\/, '').replace(/@[^@]*$/, '');
  if (!name || /[\0-\x1f\x7f*()]/.test(name) || name.length > 256) throw new UsageError(`--site-account ${v}: not an account name`);
  return name;
}

/** --delegate-to takes an SPN and needs the site's keytab (the front end's keys for S4U). */
function delegateToOf(v: string, keytab: unknown): string {
  if (!v.includes('/') || /[\0-\x1f\x7f*]/.test(v) || v.length > 1024)
    throw new UsageError(`--delegate-to ${v}: an SPN such as cifs/fs1.contoso.com`);
  if (keytab === undefined || (Array.isArray(keytab) && !keytab.length))
    throw new UsageError("--delegate-to needs the site's --keytab (the front end's keys)");
  return v;
}
