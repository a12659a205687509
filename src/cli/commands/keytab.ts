/**
 * `kerbscope keytab add|list`: make a keytab for a Linux/Apache service account from its password (what Windows
 * `ktpass` and MIT `ktutil addent -password` do) and show what a keytab holds (what `klist -k -t -e` shows).
 * Thin command: the keys come from src/crypto (string-to-key, AD salt rules), the file from src/formats.
 */
import { type Command, UsageError } from '../command.js';
import { ADD_OPTIONS, runAdd } from './keytab-add.js';
import { runList } from './keytab-list.js';

export const keytabCommand: Command = {
  name: 'keytab',
  summary: 'make a keytab from a service account password (like ktpass / ktutil addent), or list one',
  usage: [
    'kerbscope keytab add FILE --principal NAME@REALM --kvno N [--enctype E ...] [--account SAM | --upn UPN | --salt S]',
    '                         (--password-stdin | --password P) [--json] [--show-secrets]',
    '       kerbscope keytab list FILE [--json] [--show-secrets]',
    '',
    'add appends entries (one per enctype) and creates FILE (mode 0600) when it does not exist; existing entries are kept.',
    "The AES salt follows Active Directory's rules and is printed: user accounts are salted with REALM + sAMAccountName",
    '(--account; or the userPrincipalName, --upn), computer accounts (host/NAME... or --account NAME$) with',
    'REALM + "host" + name + "." + DNS domain. Use --kdc mit for an MIT/Heimdal KDC, --salt S to give it outright.',
    'Without --enctype: aes256-cts-hmac-sha1-96 and aes128-cts-hmac-sha1-96. RC4 warns; DES/3DES are refused.',
    'Exit codes: 0 done, 1 listed with damaged records, 2 usage error or unusable file (one line on stderr).',
  ].join('\n'),
  examples: [
    '# SPN HTTP/web.contoso.com on the AD user svc_web (setspn -S); read -s keeps the password off screen and out of history',
    'read -rs PW; printf %s "$PW" | kerbscope keytab add http.keytab --principal HTTP/web.contoso.com@CONTOSO.COM --kvno 3 --account svc_web --password-stdin',
    '# account mapped with ktpass /mapuser (its UPN is the SPN, so is its salt); ktpass enctype names work',
    'kerbscope keytab add http.keytab --principal HTTP/web.contoso.com@CONTOSO.COM --kvno 3 --enctype AES256-SHA1 --enctype AES128-SHA1 --password-stdin < pw.txt',
    '# SPN on a computer account: its salt is CONTOSO.COMhostweb01.contoso.com',
    "kerbscope keytab add web01.keytab --principal HTTP/web01.contoso.com@CONTOSO.COM --account 'WEB01$' --kvno 5 --password-stdin < pw.txt",
    '# an MIT KDC (kadmin addprinc -pw): RFC 4120 default salt',
    'kerbscope keytab add svc.keytab --principal svc/app.example.org@EXAMPLE.ORG --kvno 1 --kdc mit --password-stdin < pw.txt',
    'kerbscope keytab list /etc/httpd/http.keytab',
    'kerbscope keytab list http.keytab --json --show-secrets',
  ],
  options: {
    principal: {
      type: 'string',
      value: 'NAME@REALM',
      description: 'the principal the service accepts, e.g. HTTP/web.contoso.com@CONTOSO.COM',
    },
    kvno: { type: 'string', value: 'N', description: "the account's key version (AD: msDS-KeyVersionNumber; MIT: kvno SPN)" },
    enctype: {
      type: 'string',
      multiple: true,
      value: 'E',
      description: 'repeatable or comma-separated: aes256-cts-hmac-sha1-96, AES256-SHA1, aes128, RC4-HMAC-NT, 18, all',
    },
    account: { type: 'string', value: 'SAM', description: "the AD account's sAMAccountName, case as stored (NAME$ = computer account)" },
    upn: { type: 'string', value: 'UPN', description: "the AD user's userPrincipalName: AD salts with its name part when set" },
    'dns-domain': { type: 'string', value: 'D', description: 'DNS domain for the computer-account salt (default: the realm in lowercase)' },
    kdc: { type: 'string', value: 'ad|mit', description: 'whose salt rules to follow (default ad; mit = realm + name components)' },
    salt: { type: 'string', value: 'S', description: 'use this salt for the AES keys instead of a rule' },
    'password-stdin': { type: 'boolean', description: 'read the password from standard input (one trailing newline dropped)' },
    password: { type: 'string', value: 'P', description: 'the password on the command line (lands in shell history!)' },
    json: { type: 'boolean', description: 'machine-readable output' },
    'show-secrets': { type: 'boolean', description: 'print the keys (hex) instead of masking them' },
  },
  async run(values, positionals, io) {
    const [sub, file, ...extra] = positionals;
    if (sub === undefined) throw new UsageError('say what to do: keytab add FILE … or keytab list FILE');
    if (sub !== 'add' && sub !== 'list') throw new UsageError(`unknown subcommand '${sub}' (expected add or list)`);
    if (file === undefined || file === '') throw new UsageError(`keytab ${sub} needs a FILE`);
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}' (quote values that contain spaces or $)`);
    if (sub === 'list') {
      const foreign = ADD_OPTIONS.find((k) => values[k] !== undefined);
      if (foreign) throw new UsageError(`--${foreign} is an option of keytab add, not keytab list`);
      return runList(file, values, io);
    }
    return runAdd(file, values, io);
  },
};
