// `kerbscope spn query|duplicates|owner` against the lab's real Samba AD DC (Samba 4.17, Heimdal KDC), run as the built
// CLI inside the lab's client namespace with the lab user's password (and once with MIT kinit's ccache), compared with
// what OpenLDAP's `ldapsearch -Y GSSAPI` (cyrus-sasl + MIT krb5) reads from the same DC. The duplicate is the
// catalogue's own duplicate-spn injection (samba-tool registers the SPN on a second account).
// Run under the shared lab lock: flock /tmp/kerbscope-lab.lock node --import tsx --test test/ldap/lab-ldap.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sambaDcDir } from '../../lab/backends/samba-lab.js';
import { captureStart } from '../../lab/capture.js';
import { runStep } from '../../lab/clients.js';
import { applyScenario, type LabBase, startBase } from '../../lab/index.js';
import { run } from '../../lab/proc.js';
import type { LabEnv } from '../../lab/types.js';
import { CLI_PATH, ensureCliBuilt, runCli } from '../helpers/cli.js';
import { requireLab } from '../lab/harness.js';

const BASE_DN = 'DC=contoso,DC=com';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  json: any;
}

const ccacheOf = (env: LabEnv) => join(env.dir, 'client', 'ccache');

/** The built CLI in the client namespace: password on stdin unless `ccache` (then MIT kinit's ccache). */
async function spn(env: LabEnv, args: string[], opts: { ccache?: boolean; conf?: string } = {}): Promise<Ran> {
  const argv = [...env.net.clientExec, process.execPath, CLI_PATH, 'spn', ...args, '--timeout', '5000'];
  if (!opts.ccache) argv.push('--user', env.user, '--password-stdin');
  const r = await run(argv, {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(env.dir, 'client'),
      LANG: 'C',
      KRB5_CONFIG: opts.conf ?? env.krb5.conf,
      KRB5CCNAME: opts.ccache ? `FILE:${ccacheOf(env)}` : `FILE:${join(env.dir, 'client', 'no-ccache')}`,
    },
    input: opts.ccache ? undefined : `${env.password}\n`,
    timeoutMs: 40_000,
  });
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, ms: r.ms, json };
}

interface LdifEntry {
  dn: string;
  attrs: Map<string, string[]>;
}

/** RFC 2849 LDIF as ldapsearch -LLL prints it: folded lines, `::` base64 values. */
function parseLdif(text: string): LdifEntry[] {
  const unfolded = text.replace(/\r?\n /g, '');
  const out: LdifEntry[] = [];
  for (const block of unfolded.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l && !l.startsWith('#'));
    if (!lines.length) continue;
    let dn = '';
    const attrs = new Map<string, string[]>();
    for (const l of lines) {
      const m = /^([^:]+)(::?) ?(.*)$/.exec(l);
      if (!m) continue;
      const value = m[2] === '::' ? Buffer.from(m[3] ?? '', 'base64').toString('utf8') : (m[3] ?? '');
      const name = (m[1] as string).toLowerCase();
      if (name === 'dn') dn = value;
      else attrs.set(name, [...(attrs.get(name) ?? []), value]);
    }
    if (dn) out.push({ dn, attrs });
  }
  return out;
}

/** ldapsearch -Y GSSAPI (MIT kinit first) on the same DC, paged like kerbscope (-E pr=500/noprompt). */
async function ldapsearch(
  env: LabEnv,
  filter: string,
  attrs: string[],
  where: { url: string; base: string } = { url: 'ldap://dc1.contoso.com', base: BASE_DN },
  krb: { conf: string; ccache: string } = { conf: env.krb5.conf, ccache: ccacheOf(env) },
): Promise<LdifEntry[]> {
  if (krb.ccache === ccacheOf(env)) {
    const k = await runStep(env, { tool: 'kinit' });
    assert.equal(k.code, 0, `kinit: ${k.stderr}`);
  }
  const r = await run(
    [
      ...env.net.clientExec,
      'ldapsearch',
      '-N',
      '-Q',
      '-LLL',
      '-Y',
      'GSSAPI',
      '-o',
      'nettimeout=5',
      '-o',
      'ldif-wrap=no',
      '-E',
      'pr=500/noprompt',
      '-H',
      where.url,
      '-b',
      where.base,
      filter,
      ...attrs,
    ],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: join(env.dir, 'client'),
        LANG: 'C',
        KRB5_CONFIG: krb.conf,
        KRB5CCNAME: `FILE:${krb.ccache}`,
      },
      timeoutMs: 30_000,
    },
  );
  assert.equal(r.code, 0, `ldapsearch ${filter}: exit ${r.code}: ${r.stderr}`);
  return parseLdif(r.stdout);
}

const lc = (s: string) => s.toLowerCase();
const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );

/** What setspn -Q lists, from ldapsearch's entries: one row per matching SPN value. */
function queryRows(entries: LdifEntry[], pattern: string): string[] {
  const re = glob(pattern);
  return entries
    .flatMap((e) =>
      (e.attrs.get('serviceprincipalname') ?? [])
        .filter((s) => re.test(s))
        .map((s) => `${s}|${e.attrs.get('samaccountname')?.[0]}|${lc(e.dn)}|${e.attrs.get('objectclass')?.at(-1)}`),
    )
    .sort();
}

if (requireLab('samba')) {
  describe('kerbscope spn × the Samba AD DC lab, compared with ldapsearch -Y GSSAPI', { concurrency: false }, () => {
    let base: LabBase | undefined;
    const env = () => (base as LabBase).env;
    before(async () => {
      ensureCliBuilt();
      base = await startBase('samba', { id: 'spnl' });
    });
    after(async () => {
      await base?.down({ removeFiles: true });
    });

    for (const pattern of ['HTTP/iisserver*', 'HTTP/*', '*/dc1*', 'nosuchservice/*']) {
      it(`spn query '${pattern}' lists what ldapsearch finds`, async () => {
        const r = await spn(env(), ['query', pattern, '--json']);
        assert.ok(r.json, `JSON from spn query (exit ${r.code}): ${r.stderr}`);
        assert.equal(r.json.schemaVersion, 1);
        const ours = r.json.results.map((x: any) => `${x.spn}|${x.account}|${lc(x.dn)}|${x.objectClass}`).sort();
        const theirs = queryRows(
          await ldapsearch(env(), `(servicePrincipalName=${pattern})`, ['servicePrincipalName', 'sAMAccountName', 'objectClass']),
          pattern,
        );
        assert.deepEqual(ours, theirs);
        assert.deepEqual(Object.keys(r.json.results[0] ?? { spn: 1, account: 1, dn: 1, objectClass: 1 }).sort(), [
          'account',
          'dn',
          'objectClass',
          'spn',
        ]);
        assert.equal(r.code, theirs.length ? 0 : 1, 'exit 0 when found, 1 when not');
        if (pattern === 'HTTP/iisserver*')
          assert.ok(
            ours.some((x: string) => x.startsWith('HTTP/iisserver.contoso.com|svcaccount|')),
            ours.join('\n'),
          );
      });
    }

    it('spn query text output is setspn -Q shaped; the same with the ccache from MIT kinit', async () => {
      const k = await runStep(env(), { tool: 'kinit' });
      assert.equal(k.code, 0, k.stderr);
      const r = await spn(env(), ['query', 'HTTP/iisserver*'], { ccache: true });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^Checking domain DC=contoso,DC=com on dc1\.contoso\.com .*SASL GSSAPI as john@CONTOSO\.COM, (confidentiality|integrity)\)$/m,
      );
      assert.match(r.stdout, /^CN=svcaccount,CN=Users,DC=contoso,DC=com {2}\(svcaccount, user\)\n\tHTTP\/iisserver\.contoso\.com$/m);
      assert.match(r.stdout, /Existing SPN found!\n$/);
    });

    it('-k: a client keytab made by `kerbscope keytab add` from the password (AD salt) gets the TGT, the same answer', async () => {
      const kt = join(env().dir, 'client', 'john.keytab');
      const made = runCli(
        ['keytab', 'add', kt, '--principal', 'john@CONTOSO.COM', '--kvno', '1', '--account', 'john', '--password-stdin'],
        {
          input: `${env().password}\n`,
        },
      );
      assert.equal(made.code, 0, made.stderr);
      const r = await spn(env(), ['query', 'HTTP/*', '--json', '-k', kt], { ccache: true });
      assert.equal(r.code, 0, r.stderr);
      const pw = await spn(env(), ['query', 'HTTP/*', '--json']);
      assert.deepEqual(r.json.results, pw.json.results);
    });

    it('--dc given as the IP address: the ldap/ SPN comes from the rootDSE dnsHostName', async () => {
      const r = await spn(env(), ['query', 'HTTP/iisserver*', '--dc', '10.201.0.10', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.json.results.length >= 1);
    });

    it('--sasl-layer integrity: signed Wrap tokens, the same answer as with confidentiality', async () => {
      const r = await spn(env(), ['query', 'HTTP/*', '--sasl-layer', 'integrity']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /SASL GSSAPI as john@CONTOSO\.COM, integrity\)$/m);
      const sealed = await spn(env(), ['query', 'HTTP/*']);
      assert.match(sealed.stdout, /, confidentiality\)$/m);
      assert.equal(r.stdout.replace('integrity', 'confidentiality'), sealed.stdout);
    });

    it('--sasl-mech GSS-SPNEGO (sealed, then signed): the SPNEGO bind with mechListMIC, the same answer as GSSAPI', async () => {
      const gssapi = await spn(env(), ['query', 'HTTP/*', '--json']);
      for (const layer of ['confidentiality', 'integrity']) {
        const r = await spn(env(), ['query', 'HTTP/*', '--sasl-mech', 'GSS-SPNEGO', '--sasl-layer', layer]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`SASL GSS-SPNEGO as john@CONTOSO\\.COM, ${layer}\\)$`, 'm'));
        const j = await spn(env(), ['query', 'HTTP/*', '--sasl-mech', 'GSS-SPNEGO', '--sasl-layer', layer, '--json']);
        assert.deepEqual(j.json.results, gssapi.json.results);
      }
    });

    it("--ldaps: simple bind over TLS with the DC's CA (Samba's own), the same answer; without the CA or with a wrong password, a clear refusal", async () => {
      const ca = join(sambaDcDir('spnl'), 'dc', 'private', 'tls', 'ca.pem');
      const gssapi = await spn(env(), ['query', 'HTTP/*', '--json']);
      const r = await spn(env(), ['query', 'HTTP/*', '--ldaps', '--ca-file', ca]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^Checking domain DC=contoso,DC=com on dc1\.contoso\.com \(10\.201\.0\.10:636, .*LDAPS simple bind as john@contoso\.com\)$/m,
      );
      const j = await spn(env(), ['query', 'HTTP/*', '--ldaps', '--ca-file', ca, '--json']);
      assert.deepEqual(j.json.results, gssapi.json.results);
      const untrusted = await spn(env(), ['query', 'HTTP/*', '--ldaps']);
      assert.equal(untrusted.code, 2);
      assert.match(
        untrusted.stderr,
        /\(ldap-connect\): cannot connect to LDAPS at 10\.201\.0\.10:636: UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/,
      );
      const wrong = await spn({ ...env(), password: 'not-the-password' }, ['query', 'HTTP/*', '--ldaps', '--ca-file', ca]);
      assert.equal(wrong.code, 2);
      assert.match(
        wrong.stderr,
        /\(bind\): simple bind as john@contoso\.com: invalidCredentials \(49\): .*data 52e.*\(data 52e = ERROR_LOGON_FAILURE: the password is wrong\)/,
      );
    });

    it('--gc: the forest through the global catalog (port 3268, SRV _gc._tcp), as ldapsearch on 3268 with the empty base', async () => {
      const r = await spn(env(), ['query', 'HTTP/*', '--gc', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const ours = r.json.results.map((x: any) => `${x.spn}|${x.account}|${lc(x.dn)}|${x.objectClass}`).sort();
      const theirs = queryRows(
        await ldapsearch(env(), '(servicePrincipalName=HTTP/*)', ['servicePrincipalName', 'sAMAccountName', 'objectClass'], {
          url: 'ldap://dc1.contoso.com:3268',
          base: '',
        }),
        'HTTP/*',
      );
      assert.deepEqual(ours, theirs);
      const text = await spn(env(), ['query', 'HTTP/iisserver*', '--gc']);
      assert.match(
        text.stdout,
        /^Checking forest \(global catalog\) on dc1\.contoso\.com \(10\.201\.0\.10:3268, SRV _gc\._tcp\.contoso\.com;/m,
      );
    });

    it('--page-size 2: Samba pages the search (RFC 2696), the answer is the same as in one page and as ldapsearch', async () => {
      const r = await spn(env(), ['query', '*', '--page-size', '2']);
      assert.equal(r.code, 0, r.stderr);
      const m = /^\((\d+) entries read in (\d+) pages of up to 2\)$/m.exec(r.stdout);
      assert.ok(m, r.stdout.slice(0, 400));
      assert.ok(Number(m[2]) >= Math.ceil(Number(m[1]) / 2), `${m[1]} entries in ${m[2]} pages`);
      assert.ok(Number(m[1]) > 2 && Number(m[2]) >= 2, `more than one page of objects with SPNs: ${m[0]}`);
      const paged = await spn(env(), ['query', '*', '--page-size', '2', '--json']);
      const whole = await spn(env(), ['query', '*', '--json']);
      assert.deepEqual(paged.json.results, whole.json.results);
      const theirs = queryRows(
        await ldapsearch(env(), '(servicePrincipalName=*)', ['servicePrincipalName', 'sAMAccountName', 'objectClass']),
        '*',
      );
      assert.deepEqual(whole.json.results.map((x: any) => `${x.spn}|${x.account}|${lc(x.dn)}|${x.objectClass}`).sort(), theirs);
    });

    it('spn duplicates: none on the healthy base (ldapsearch agrees), exit 0', async () => {
      const r = await spn(env(), ['duplicates', '--json']);
      assert.ok(r.json, r.stderr);
      assert.deepEqual(
        r.json.duplicates,
        dupGroups(await ldapsearch(env(), '(servicePrincipalName=*)', ['servicePrincipalName', 'sAMAccountName'])),
      );
      assert.deepEqual(r.json.duplicates, []);
      assert.equal(r.code, 0);
    });

    it("spn duplicates after the catalogue's duplicate-spn: both accounts, setspn -D fixes, same as ldapsearch", async () => {
      const applied = await applyScenario(base as LabBase, 'duplicate-spn');
      try {
        const r = await spn(env(), ['duplicates', '--json']);
        assert.ok(r.json, r.stderr);
        assert.equal(r.code, 1, 'exit 1: duplicates found');
        const theirs = dupGroups(await ldapsearch(env(), '(servicePrincipalName=*)', ['servicePrincipalName', 'sAMAccountName']));
        assert.deepEqual(norm(r.json.duplicates), theirs);
        const d = r.json.duplicates.find((x: any) => lc(x.spn) === 'http/iisserver.contoso.com');
        assert.deepEqual(d?.accounts, ['svcaccount', 'svcaccount2']);
        assert.deepEqual(Object.keys(d).sort(), ['accounts', 'spn'], 'the JSON contract, exactly');
        const text = await spn(env(), ['duplicates']);
        assert.match(text.stdout, /^HTTP\/iisserver\.contoso\.com is registered on these accounts:$/m);
        assert.match(
          text.stdout,
          /^\tsetspn -D HTTP\/iisserver\.contoso\.com svcaccount\n\tsetspn -D HTTP\/iisserver\.contoso\.com svcaccount2$/m,
        );
        assert.match(text.stdout, /found 1 group of duplicate SPNs\.\n$/);
        const owner = await spn(env(), ['owner', 'HTTP/iisserver.contoso.com', '--json']);
        assert.equal(owner.code, 1, 'owner of a duplicated SPN: exit 1');
        assert.equal(owner.json.duplicate, true);
        assert.deepEqual(owner.json.owners.map((o: any) => o.account).sort(), ['svcaccount', 'svcaccount2']);
      } finally {
        await applied.revert();
      }
    });

    it('spn owner: UAC, msDS-SupportedEncryptionTypes, msDS-KeyVersionNumber as ldapsearch reads them; keytab add line', async () => {
      const r = await spn(env(), ['owner', 'HTTP/iisserver.contoso.com', '--json']);
      assert.equal(r.code, 0, r.stderr);
      await checkOwner(r.json, 'HTTP/iisserver.contoso.com');
      const o = r.json.owners[0];
      assert.equal(o.account, 'svcaccount');
      assert.ok(o.userAccountControl.flags.includes('UF_NORMAL_ACCOUNT'));
      assert.equal(
        o.keytab.command,
        `kerbscope keytab add svcaccount.keytab --principal HTTP/iisserver.contoso.com@CONTOSO.COM --kvno ${o.kvno} --account svcaccount --enctype aes256-cts-hmac-sha1-96 --enctype aes128-cts-hmac-sha1-96 --password-stdin`,
      );
      const missing = await spn(env(), ['owner', 'HTTP/nospn.contoso.com']);
      assert.equal(missing.code, 1);
      assert.match(missing.stdout, /No account holds HTTP\/nospn\.contoso\.com/);
    });

    it('an RC4-only client (arcfour-hmac ldap/ ticket): RFC 4757 Wrap tokens, sealed and signed, GSSAPI and GSS-SPNEGO, the same answer as ldapsearch', async () => {
      // a krb5.conf that asks only for arcfour-hmac (kerbscope reads default_tkt_enctypes, MIT kinit/kvno both lines)
      mkdirSync(join(env().dir, 'client'), { recursive: true });
      const conf = join(env().dir, 'client', 'krb5-rc4.conf');
      writeFileSync(
        conf,
        readFileSync(env().krb5.conf, 'utf8').replace(
          /^\[libdefaults\]\n/m,
          '[libdefaults]\n    default_tkt_enctypes = arcfour-hmac\n    default_tgs_enctypes = arcfour-hmac\n    permitted_enctypes = arcfour-hmac aes256-cts-hmac-sha1-96\n    allow_weak_crypto = true\n',
        ),
      );
      // ldapsearch (MIT krb5 + cyrus-sasl) with the same configuration: its ldap/ ticket's session key is RC4
      const ccache = join(env().dir, 'client', 'ccache-rc4');
      const krbEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', KRB5_CONFIG: conf, KRB5CCNAME: `FILE:${ccache}` };
      const k = await run([...env().net.clientExec, 'kinit', env().user], { env: krbEnv, input: `${env().password}\n`, timeoutMs: 20_000 });
      assert.equal(k.code, 0, `kinit: ${k.stderr}`);
      const theirs = queryRows(
        await ldapsearch(env(), '(servicePrincipalName=HTTP/*)', ['servicePrincipalName', 'sAMAccountName', 'objectClass'], undefined, {
          conf,
          ccache,
        }),
        'HTTP/*',
      );
      const kl = await run([...env().net.clientExec, 'klist', '-e'], { env: krbEnv, timeoutMs: 10_000 });
      // the session key is RC4 (what the GSS tokens are keyed with); the ticket itself stays under the DC's AES key
      assert.match(kl.stdout, /ldap\/dc1\.contoso\.com@CONTOSO\.COM\n\s+.*Etype \(skey, tkt\): (DEPRECATED:)?arcfour-hmac, /, kl.stdout);

      // kerbscope, every bind on the wire: the DC answers kerbscope's RFC 4757 tokens with its own
      const pcap = join(env().dir, 'client', 'rc4.pcapng');
      const cap = await captureStart(pcap, env().net, (base as LabBase).janitor, 'eth0', 'tcp port 389 or port 88');
      const runs: [string[], RegExp][] = [
        [[], /SASL GSSAPI as john@CONTOSO\.COM, confidentiality, RC4-HMAC session key \(RFC 4757 tokens\)\)$/m],
        [['--sasl-layer', 'integrity'], /SASL GSSAPI as john@CONTOSO\.COM, integrity, RC4-HMAC session key \(RFC 4757 tokens\)\)$/m],
        [
          ['--sasl-mech', 'GSS-SPNEGO'],
          /SASL GSS-SPNEGO as john@CONTOSO\.COM, confidentiality, RC4-HMAC session key \(RFC 4757 tokens\)\)$/m,
        ],
        [
          ['--sasl-mech', 'GSS-SPNEGO', '--sasl-layer', 'integrity'],
          /SASL GSS-SPNEGO as john@CONTOSO\.COM, integrity, RC4-HMAC session key \(RFC 4757 tokens\)\)$/m,
        ],
      ];
      try {
        for (const [extra, line] of runs) {
          const j = await spn(env(), ['query', 'HTTP/*', '--json', ...extra], { conf });
          assert.equal(j.code, 0, `${extra.join(' ')}: ${j.stderr}`);
          const ours = j.json.results.map((x: any) => `${x.spn}|${x.account}|${lc(x.dn)}|${x.objectClass}`).sort();
          assert.deepEqual(ours, theirs, extra.join(' '));
          const text = await spn(env(), ['query', 'HTTP/*', ...extra], { conf });
          assert.equal(text.code, 0, text.stderr);
          assert.match(text.stdout, line);
        }
      } finally {
        await cap.stop();
      }
      // tshark on the capture, with the lab's keytab: every session key kerbscope got is RC4, and the LDAP traffic
      // is RC4-HMAC per-message tokens (TOK_ID 02 01; SEAL_ALG 10 00 sealed, FF FF signed), both directions
      const ts = (filter: string, fields: string[]) =>
        execFileSync(
          'tshark',
          [
            '-r',
            pcap,
            '-o',
            'kerberos.decrypt:TRUE',
            '-o',
            `kerberos.file:${env().decryptKeytab}`,
            '-Y',
            filter,
            '-T',
            'fields',
            ...fields.flatMap((f) => ['-e', f]),
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
        )
          .split('\n')
          .filter(Boolean);
      const tgsKeys = ts('kerberos.msg_type == 13', ['kerberos.keytype']).flatMap((l) => l.split(','));
      assert.ok(tgsKeys.length >= 4, `TGS-REPs seen: ${tgsKeys.length}`);
      assert.ok(
        tgsKeys.every((x) => x === '23'),
        `every key in kerbscope's TGS-REPs is arcfour-hmac (23): ${tgsKeys.join(',')}`,
      );
      const toks = ts('spnego.krb5.tok_id', ['ip.src', 'spnego.krb5.tok_id', 'spnego.krb5.sgn_alg', 'spnego.krb5.seal_alg']);
      const wraps = toks.filter((l) => l.split('\t')[1] === '0x0102');
      assert.ok(!toks.some((l) => /0x0504|0x0404/.test(l)), 'no RFC 4121 token');
      const sealed = wraps.filter((l) => l.split('\t')[3] === '0x0010');
      const signed = wraps.filter((l) => l.split('\t')[3] === '0xffff');
      assert.ok(
        sealed.some((l) => l.startsWith('10.201.0.10\t')) && sealed.some((l) => !l.startsWith('10.201.0.10\t')),
        'sealed both ways',
      );
      assert.ok(
        signed.some((l) => l.startsWith('10.201.0.10\t')) && signed.some((l) => !l.startsWith('10.201.0.10\t')),
        'signed both ways',
      );
    });

    it('spn owner after enctype-unsupported (RC4 only): msDS-SupportedEncryptionTypes 4 named, RC4 keytab, warning', async () => {
      const applied = await applyScenario(base as LabBase, 'enctype-unsupported');
      try {
        const r = await spn(env(), ['owner', 'HTTP/legacy.contoso.com', '--json']);
        assert.equal(r.code, 0, r.stderr);
        await checkOwner(r.json, 'HTTP/legacy.contoso.com');
        const o = r.json.owners[0];
        assert.deepEqual(o.supportedEncryptionTypes.flags, ['RC4_HMAC']);
        assert.deepEqual(o.keytab.enctypes, ['arcfour-hmac']);
        assert.ok(o.warnings.some((w: string) => /RC4 only/.test(w)));
      } finally {
        await applied.revert();
      }
    });

    /** Every owner field against ldapsearch's own reading of the account. */
    async function checkOwner(json: any, spnName: string): Promise<void> {
      const [e] = await ldapsearch(env(), `(servicePrincipalName=${spnName})`, [
        'sAMAccountName',
        'userAccountControl',
        'msDS-SupportedEncryptionTypes',
        'msDS-KeyVersionNumber',
        'servicePrincipalName',
      ]);
      assert.ok(e, `ldapsearch finds ${spnName}`);
      const o = json.owners[0];
      assert.equal(json.owners.length, 1);
      assert.equal(lc(o.dn), lc(e.dn));
      assert.equal(o.account, e.attrs.get('samaccountname')?.[0]);
      assert.equal(String(o.userAccountControl.value), e.attrs.get('useraccountcontrol')?.[0]);
      assert.equal(o.kvno === undefined ? undefined : String(o.kvno), e.attrs.get('msds-keyversionnumber')?.[0]);
      const set = e.attrs.get('msds-supportedencryptiontypes')?.[0];
      assert.equal(
        o.supportedEncryptionTypes === undefined ? undefined : String(o.supportedEncryptionTypes.value),
        set === '0' ? undefined : set,
      );
      assert.deepEqual([...o.servicePrincipalNames].sort(), [...(e.attrs.get('serviceprincipalname') ?? [])].sort());
    }
  });
}

/** setspn -X from ldapsearch's entries: SPNs (case-insensitive) on more than one object. */
function dupGroups(entries: LdifEntry[]): { spn: string; accounts: string[] }[] {
  const by = new Map<string, { spn: string; accounts: Set<string> }>();
  for (const e of entries)
    for (const s of e.attrs.get('serviceprincipalname') ?? []) {
      const g = by.get(lc(s)) ?? { spn: s, accounts: new Set<string>() };
      g.accounts.add(e.attrs.get('samaccountname')?.[0] ?? '');
      by.set(lc(s), g);
    }
  return norm([...by.values()].filter((g) => g.accounts.size > 1).map((g) => ({ spn: g.spn, accounts: [...g.accounts] })));
}

/** Order-free comparison: groups by SPN, accounts sorted (plain code-unit order on both sides). */
function norm(groups: { spn: string; accounts: string[] }[]): { spn: string; accounts: string[] }[] {
  return groups.map((g) => ({ spn: g.spn, accounts: [...g.accounts].sort() })).sort((a, b) => (a.spn < b.spn ? -1 : a.spn > b.spn ? 1 : 0));
}
