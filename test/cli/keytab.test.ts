/**
 * `kerbscope keytab add|list` as a real process (the built dist/kerbscope.mjs): stdout, stderr, exit code.
 * Ground truth, never our own output:
 *   - keys: gokrb5's testuser1.testtab (../shared/corpus/vectors/gokrb5, every key derived by gokrb5 from
 *     "passwordvalue" with salt "TEST.GOKRB5testuser1"), and MIT `ktutil addent -password -s SALT` for other salts;
 *   - the file: MIT `klist -k -t -e -K` lists exactly what we wrote;
 *   - salts: the strings MS-KILE §3.1.1.2 prescribes, written out by hand below.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeKeytab, encodeKeytab, parseKlistKeytab, parsePrincipal, principalToString } from '../../src/formats/index.js';
import { toHex } from '../../src/wire/encoding.js';
import { haveTool, klist, klistUnavailable } from '../formats/mit-tools.js';
import { runCli, runCliJson } from '../helpers/cli.js';
import { corpusPath, haveCorpus } from '../helpers/corpus.js';
import { skipUnlessCi } from '../helpers/prereq.js';

const GOKRB5 = corpusPath('vectors/gokrb5/testuser1.testtab');
const PASSWORD = 'passwordvalue';
const USER = 'testuser1@TEST.GOKRB5';

let dir = '';
const file = (name: string) => path.join(dir, name);
let n = 0;
const fresh = () => file(`kt${++n}.keytab`);

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kerbscope-keytab-cli-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `keytab add FILE ...` with the password on stdin. */
function add(kt: string, args: string[], password = PASSWORD) {
  return runCli(['keytab', 'add', kt, ...args, '--password-stdin'], { input: `${password}\n` });
}

function listJson(kt: string, showSecrets = false) {
  const r = runCliJson(['keytab', 'list', kt, ...(showSecrets ? ['--show-secrets'] : [])]);
  assert.equal(r.code, 0, r.stderr);
  return r.json as {
    version: number;
    entries: { principal: string; kvno: number; enctype: number; enctypeName: string; timestamp: string; key: string }[];
  };
}

/** gokrb5's keys for testuser1, by "kvno/enctype" (the independent expected values). */
function gokrb5Keys(): Map<string, string> {
  const kt = decodeKeytab(new Uint8Array(readFileSync(GOKRB5)));
  assert.deepEqual(kt.errors, []);
  return new Map(kt.entries.map((e) => [`${e.kvno}/${e.enctype}`, toHex(e.key)]));
}

/** Exit 2, nothing on stdout, exactly one line on stderr naming the problem, no stack trace. */
function assertUsage(r: ReturnType<typeof runCli>, pattern: RegExp) {
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0] ?? '', /^kerbscope keytab: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

/** MIT ktutil's key for (principal, kvno, enctype, salt, password): an independent string-to-key. */
function ktutilKey(principal: string, kvno: number, enctype: string, salt: string, password: string): string {
  const out = file(`ktutil-${++n}.keytab`);
  const r = spawnSync('ktutil', [], {
    input: `addent -password -p ${principal} -k ${kvno} -e ${enctype} -s ${salt}\n${password}\nwkt ${out}\nq\n`,
    encoding: 'utf8',
    timeout: 10_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const kt = decodeKeytab(new Uint8Array(readFileSync(out)));
  assert.equal(kt.entries.length, 1, `ktutil wrote ${out}: ${r.stdout}${r.stderr}`);
  return toHex(kt.entries[0]?.key as Uint8Array);
}

describe('kerbscope keytab: help', () => {
  it('--help shows usage for add and list, the options and examples; exit 0', () => {
    const r = runCli(['keytab', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: kerbscope keytab add FILE --principal NAME@REALM --kvno N/);
    assert.match(r.stdout, /kerbscope keytab list FILE \[--json\] \[--show-secrets\]/);
    for (const o of [
      '--principal',
      '--kvno',
      '--enctype',
      '--salt',
      '--account',
      '--upn',
      '--password-stdin',
      '--password',
      '--show-secrets',
    ])
      assert.ok(r.stdout.includes(`${o} `), `option ${o} in help`);
    assert.match(r.stdout, /Examples:\n/);
    assert.match(r.stdout, /AES256-SHA1/);
  });

  it('is listed by kerbscope --help', () => {
    const r = runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\s+keytab\s+make a keytab/m);
  });
});

describe('kerbscope keytab add → list', () => {
  let kt = '';
  let res: ReturnType<typeof runCli>;
  let t0 = 0;
  let t1 = 0;
  before(() => {
    kt = fresh();
    t0 = Math.floor(Date.now() / 1000) * 1000;
    res = add(kt, ['--principal', USER, '--kvno', '1']);
    t1 = Date.now();
  });

  it('creates the file (mode 0600) and says what it wrote; exit 0', () => {
    assert.equal(res.code, 0, res.stderr);
    assert.equal(statSync(kt).mode & 0o777, 0o600);
    assert.match(res.stdout, /^Wrote 2 entries to .*kt\d+\.keytab \(2 in the file\):/);
    assert.match(res.stdout, /^\s+1\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+testuser1@TEST\.GOKRB5\s+aes256-cts-hmac-sha1-96$/m);
    assert.match(res.stdout, /^\s+1\s+\S+\s+testuser1@TEST\.GOKRB5\s+aes128-cts-hmac-sha1-96$/m);
  });

  it('says which salt it used and why, and that it chose the default enctypes (stderr)', () => {
    assert.match(res.stderr, /^kerbscope keytab: salt "TEST\.GOKRB5testuser1": Active Directory user-account salt/m);
    assert.match(res.stderr, /no --enctype given: writing aes256-cts-hmac-sha1-96 and aes128-cts-hmac-sha1-96/);
    assert.doesNotMatch(res.stderr, /warning/, 'no warning for AES keys from --password-stdin');
  });

  it('list: text table, keys masked', () => {
    const r = runCli(['keytab', 'list', kt]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Keytab: .*kt\d+\.keytab \(version 0x0502, 2 entries\)$/m);
    assert.match(r.stdout, /^KVNO\s+Timestamp \(UTC\)\s+Principal\s+Enctype$/m);
    assert.match(r.stdout, /^\s+1\s+\S+Z\s+testuser1@TEST\.GOKRB5\s+aes256-cts-hmac-sha1-96$/m);
    assert.match(r.stdout, /Keys are hidden; add --show-secrets/);
  });

  it('list --json: principal, kvno, enctype, timestamp, masked key', () => {
    const j = listJson(kt);
    assert.equal(j.version, 2);
    assert.deepEqual(
      j.entries.map((e) => [e.principal, e.kvno, e.enctype, e.enctypeName, e.key]),
      [
        [USER, 1, 18, 'aes256-cts-hmac-sha1-96', '(masked)'],
        [USER, 1, 17, 'aes128-cts-hmac-sha1-96', '(masked)'],
      ],
    );
    for (const e of j.entries) {
      const t = Date.parse(e.timestamp);
      assert.ok(t >= t0 && t <= t1, `timestamp ${e.timestamp} is the time of the add`);
    }
  });

  it('the keys equal gokrb5’s string-to-key for "passwordvalue" / TEST.GOKRB5testuser1', {
    skip: skipUnlessCi(!haveCorpus() && 'no corpus (../shared/corpus)'),
  }, () => {
    const expected = gokrb5Keys();
    const j = listJson(kt, true);
    for (const e of j.entries) assert.equal(e.key, expected.get(`1/${e.enctype}`), `kvno 1 ${e.enctypeName}`);
  });

  it('MIT klist -k -t -e -K lists exactly what we wrote', { skip: klistUnavailable() }, () => {
    const r = klist(['-k', '-t', '-e', '-K', kt]);
    assert.equal(r.status, 0, r.stderr);
    const mine = listJson(kt, true).entries;
    assert.deepEqual(
      parseKlistKeytab(r.stdout).entries.map((e) => [
        e.kvno,
        e.timestamp?.toISOString(),
        principalToString(e.principal),
        e.enctype,
        toHex(e.key as Uint8Array),
      ]),
      mine.map((e) => [e.kvno, new Date(e.timestamp).toISOString(), e.principal, e.enctype, e.key]),
    );
    if (haveCorpus()) {
      const expected = gokrb5Keys();
      assert.deepEqual(
        parseKlistKeytab(r.stdout).entries.map((e) => toHex(e.key as Uint8Array)),
        [expected.get('1/18'), expected.get('1/17')],
      );
    }
  });
});

describe('kerbscope keytab add: enctypes', () => {
  it('Windows (ktpass) spellings, MIT names and numbers; repeatable and comma-separated; RC4 warns', {
    skip: skipUnlessCi(!haveCorpus() && 'no corpus (../shared/corpus)'),
  }, () => {
    const kt = fresh();
    const r = add(kt, [
      '--principal',
      USER,
      '--kvno',
      '2',
      '--enctype',
      'AES256-SHA1',
      '--enctype',
      'AES128-SHA1,RC4-HMAC-NT',
      '--enctype',
      '19',
      '--enctype',
      'aes256-cts-hmac-sha384-192',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: arcfour-hmac \(RC4-HMAC\) is deprecated .*NT hash/);
    assert.match(r.stderr, /warning: aes128-cts-hmac-sha256-128 \(RFC 8009\) is not supported by Active Directory/);
    const expected = gokrb5Keys();
    const j = listJson(kt, true);
    assert.deepEqual(
      j.entries.map((e) => e.enctype),
      [18, 17, 23, 19, 20],
    );
    // AES-SHA1, AES-SHA2 (RFC 8009 salts with the enctype name) and RC4 (unsalted MD4) all equal gokrb5's keys
    for (const e of j.entries) assert.equal(e.key, expected.get(`2/${e.enctype}`), `kvno 2 ${e.enctypeName}`);
  });

  it('MIT names: aes256-cts, arcfour-hmac; "all" = aes256, aes128, rc4', () => {
    const kt = fresh();
    assert.equal(add(kt, ['--principal', USER, '--kvno', '1', '--enctype', 'aes256-cts', '--enctype', 'arcfour-hmac']).code, 0);
    const kt2 = fresh();
    const r = add(kt2, ['--principal', USER, '--kvno', '1', '--enctype', 'all']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /ktpass \/crypto All also adds DES/);
    assert.deepEqual(
      listJson(kt).entries.map((e) => e.enctype),
      [18, 23],
    );
    assert.deepEqual(
      listJson(kt2).entries.map((e) => e.enctype),
      [18, 17, 23],
    );
  });

  it('an RC4-only keytab says no salt was used', () => {
    const r = add(fresh(), ['--principal', USER, '--kvno', '1', '--enctype', 'rc4-hmac']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /salt: none used \(RC4-HMAC keys are unsalted/);
  });

  it('DES is refused with the reason; an unknown name is a usage error', () => {
    assertUsage(
      add(fresh(), ['--principal', USER, '--kvno', '1', '--enctype', 'DES-CBC-MD5']),
      /--enctype DES-CBC-MD5: kerbscope does not create .*des-cbc-md5.*RFC 6649/,
    );
    assertUsage(add(fresh(), ['--principal', USER, '--kvno', '1', '--enctype', 'aes512']), /--enctype aes512: unknown enctype/);
  });
});

describe('kerbscope keytab add: salts (MS-KILE §3.1.1.2), keys checked with MIT ktutil', {
  skip: skipUnlessCi(!haveTool('ktutil') && 'MIT ktutil not installed (apt-get install krb5-user)'),
}, () => {
  const PW = 'Sup3r-Secret!';
  const cases: { what: string; principal: string; args: string[]; salt: string }[] = [
    {
      what: 'host/ is a computer account',
      principal: 'host/web01.contoso.com@CONTOSO.COM',
      args: [],
      salt: 'CONTOSO.COMhostweb01.contoso.com',
    },
    {
      what: 'an SPN on a computer account (--account NAME$)',
      principal: 'HTTP/web01.contoso.com@CONTOSO.COM',
      args: ['--account', 'WEB01$'],
      salt: 'CONTOSO.COMhostweb01.contoso.com',
    },
    {
      what: 'computer account, DNS domain ≠ realm',
      principal: 'WEB01$@CONTOSO.COM',
      args: ['--dns-domain', 'ad.contoso.com'],
      salt: 'CONTOSO.COMhostweb01.ad.contoso.com',
    },
    {
      what: 'an SPN on a user account (--account sAMAccountName, case kept)',
      principal: 'HTTP/web.contoso.com@CONTOSO.COM',
      args: ['--account', 'Svc_Web'],
      salt: 'CONTOSO.COMSvc_Web',
    },
    {
      what: 'a user with a UPN (--upn)',
      principal: 'HTTP/web.contoso.com@CONTOSO.COM',
      args: ['--upn', 'svc.web@contoso.com'],
      salt: 'CONTOSO.COMsvc.web',
    },
    {
      what: 'ktpass /mapuser (UPN = SPN): the default',
      principal: 'HTTP/web.contoso.com@CONTOSO.COM',
      args: [],
      salt: 'CONTOSO.COMHTTPweb.contoso.com',
    },
    {
      what: 'an MIT KDC (--kdc mit)',
      principal: 'host/web01.contoso.com@CONTOSO.COM',
      args: ['--kdc', 'mit'],
      salt: 'CONTOSO.COMhostweb01.contoso.com',
    },
    {
      what: 'an MIT KDC, two components',
      principal: 'svc/App.example.org@EXAMPLE.ORG',
      args: ['--kdc', 'mit'],
      salt: 'EXAMPLE.ORGsvcApp.example.org',
    },
    { what: '--salt', principal: 'HTTP/web.contoso.com@CONTOSO.COM', args: ['--salt', 'ANY.REALMsomething'], salt: 'ANY.REALMsomething' },
  ];
  for (const c of cases) {
    it(`${c.what}: salt ${c.salt}`, () => {
      const kt = fresh();
      const r = add(kt, ['--principal', c.principal, '--kvno', '4', '--enctype', 'aes256-cts-hmac-sha1-96', ...c.args], PW);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`^kerbscope keytab: salt "${c.salt.replace(/[.$]/g, '\\$&')}": `, 'm'));
      const [e] = listJson(kt, true).entries;
      assert.equal(e?.key, ktutilKey(c.principal, 4, 'aes256-cts-hmac-sha1-96', c.salt, PW));
    });
  }

  it('--salt with --account is a usage error', () => {
    assertUsage(
      add(fresh(), ['--principal', USER, '--kvno', '1', '--salt', 'X', '--account', 'y']),
      /--salt gives the salt outright; drop --account/,
    );
  });
});

describe('kerbscope keytab add: appending', () => {
  it('keeps an existing keytab byte for byte (gokrb5’s 12 entries) and appends; klist lists all 13', {
    skip: skipUnlessCi(!haveCorpus() && 'no corpus (../shared/corpus)'),
  }, () => {
    const kt = file('gokrb5-copy.keytab');
    copyFileSync(GOKRB5, kt);
    const original = new Uint8Array(readFileSync(kt));
    const r = add(kt, ['--principal', 'HTTP/web.test.gokrb5@TEST.GOKRB5', '--kvno', '7', '--enctype', 'aes128-cts-hmac-sha1-96']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Appended 1 entry to .* \(13 in the file\):/);
    const now = new Uint8Array(readFileSync(kt));
    assert.deepEqual(now.subarray(0, original.length), original);
    const decoded = decodeKeytab(now);
    assert.deepEqual(decoded.errors, []);
    assert.equal(decoded.entries.length, 13);
    if (!klistUnavailable()) {
      const k = klist(['-k', '-e', kt]);
      assert.equal(k.status, 0, k.stderr);
      const entries = parseKlistKeytab(k.stdout).entries;
      assert.equal(entries.length, 13);
      assert.deepEqual(
        [entries[12]?.kvno, principalToString(entries[12]?.principal ?? parsePrincipal('x@Y')), entries[12]?.enctype],
        [7, 'HTTP/web.test.gokrb5@TEST.GOKRB5', 17],
      );
    }
  });

  it('a version 1 (little-endian) keytab stays version 1', () => {
    const kt = fresh();
    const p = parsePrincipal('old/one@EXAMPLE.ORG');
    writeFileSync(
      kt,
      encodeKeytab({ entries: [{ principal: p, kvno: 1, enctype: 17, key: new Uint8Array(16).fill(7) }] }, { version: 1, byteOrder: 'le' }),
    );
    assert.equal(add(kt, ['--principal', USER, '--kvno', '1', '--enctype', 'aes128']).code, 0);
    const decoded = decodeKeytab(new Uint8Array(readFileSync(kt)));
    assert.deepEqual([decoded.version, decoded.byteOrder, decoded.errors.length, decoded.entries.length], [1, 'le', 0, 2]);
  });

  it('the same principal/kvno/enctype twice: a warning', () => {
    const kt = fresh();
    assert.equal(add(kt, ['--principal', USER, '--kvno', '1', '--enctype', 'aes128']).code, 0);
    const r = add(kt, ['--principal', USER, '--kvno', '1', '--enctype', 'aes128']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: .* now holds testuser1@TEST\.GOKRB5 kvno 1 aes128-cts-hmac-sha1-96 more than once/);
  });

  it('kvno 300 is written with the 32-bit extension; klist shows 300', () => {
    const kt = fresh();
    const r = add(kt, ['--principal', USER, '--kvno', '300', '--enctype', 'aes256']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /kvno 300 does not fit the 8-bit field/);
    assert.equal(listJson(kt).entries[0]?.kvno, 300);
    if (!klistUnavailable()) assert.equal(parseKlistKeytab(klist(['-k', kt]).stdout).entries[0]?.kvno, 300);
  });

  it('add --json: what was added, the salt and the total', () => {
    const r = runCliJson(['keytab', 'add', fresh(), '--principal', USER, '--kvno', '1', '--enctype', 'aes256', '--password-stdin'], {
      input: PASSWORD,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.created, true);
    assert.equal(r.json.entries, 1);
    assert.deepEqual(r.json.salt, { salt: 'TEST.GOKRB5testuser1', rule: 'ad-user-sam', explanation: r.json.salt.explanation });
    assert.deepEqual(
      r.json.added.map((e: Record<string, unknown>) => [e.principal, e.kvno, e.enctype, e.key]),
      [[USER, 1, 18, '(masked)']],
    );
  });
});

describe('kerbscope keytab: secrets', () => {
  it('never prints the password or a key unless --show-secrets', () => {
    const secret = 'Zebra-Quartz-4711';
    const kt = fresh();
    const r = add(kt, ['--principal', USER, '--kvno', '1', '--enctype', 'aes256,rc4'], secret);
    assert.equal(r.code, 0, r.stderr);
    const keys = listJson(kt, true).entries.map((e) => e.key);
    assert.equal(keys.length, 2);
    for (const k of keys) assert.match(k, /^[0-9a-f]{32,64}$/);
    const outputs = [r, runCli(['keytab', 'list', kt]), runCli(['keytab', 'list', kt, '--json'])];
    for (const o of outputs) {
      const all = (o.stdout + o.stderr).toLowerCase();
      assert.ok(!all.includes(secret.toLowerCase()), 'password printed');
      for (const k of keys) assert.ok(!all.includes(k), 'key printed');
    }
    const shown = runCli(['keytab', 'list', kt, '--show-secrets']);
    for (const k of keys) assert.ok(shown.stdout.includes(k), '--show-secrets prints the key');
  });

  it('--password works but warns that it lands in shell history', () => {
    const kt = fresh();
    const r = runCli(['keytab', 'add', kt, '--principal', USER, '--kvno', '1', '--password', PASSWORD]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: --password lands in your shell history/);
    assert.ok(!(r.stdout + r.stderr).includes(PASSWORD));
  });
});

describe('kerbscope keytab: errors (exit 2, one line on stderr)', () => {
  const base = ['--principal', USER, '--kvno', '1'];
  it('missing --principal', () => assertUsage(add(fresh(), ['--kvno', '1']), /--principal is required/));
  it('principal without a realm', () => assertUsage(add(fresh(), ['--principal', 'HTTP/web', '--kvno', '1']), /needs a realm/));
  it('missing or bad --kvno', () => {
    assertUsage(add(fresh(), ['--principal', USER]), /--kvno N is required/);
    assertUsage(add(fresh(), ['--principal', USER, '--kvno', 'two']), /--kvno two: not a key version number/);
  });
  it('no password', () => assertUsage(runCli(['keytab', 'add', fresh(), ...base]), /password is needed: --password-stdin/));
  it('empty stdin', () => assertUsage(add(fresh(), base, ''), /--password-stdin: standard input was empty/));
  it('both --password and --password-stdin', () =>
    assertUsage(runCli(['keytab', 'add', fresh(), ...base, '--password', 'x', '--password-stdin'], { input: 'y' }), /not both/));
  it('bad --kdc', () => assertUsage(add(fresh(), [...base, '--kdc', 'heimdal']), /--kdc heimdal: expected ad/));
  it('no subcommand, unknown subcommand, no FILE, an add option on list', () => {
    assertUsage(runCli(['keytab']), /say what to do/);
    assertUsage(runCli(['keytab', 'merge', 'x']), /unknown subcommand 'merge'/);
    assertUsage(runCli(['keytab', 'list']), /keytab list needs a FILE/);
    assertUsage(runCli(['keytab', 'list', GOKRB5, '--principal', USER]), /--principal is an option of keytab add/);
    assertUsage(runCli(['keytab', 'list', GOKRB5, '--bogus']), /bogus/);
  });
  it('nothing is written when a usage error stops add', () => {
    const kt = fresh();
    add(kt, ['--principal', USER]);
    assert.throws(() => statSync(kt), /ENOENT/);
  });

  it('unreadable file: missing, a directory, a missing directory to create it in', () => {
    assertUsage(runCli(['keytab', 'list', file('nope.keytab')]), /nope\.keytab: no such file/);
    mkdirSync(file('adir'));
    assertUsage(runCli(['keytab', 'list', file('adir')]), /adir: is a directory/);
    assertUsage(add(file('adir'), base), /adir: is a directory/);
    assertUsage(add(file('no/such/dir/x.keytab'), base), /x\.keytab: cannot create the keytab \(ENOENT: the directory does not exist\)/);
  });

  it('not a keytab: what and where', () => {
    const f = file('text.keytab');
    writeFileSync(f, 'hello world\n');
    assertUsage(
      runCli(['keytab', 'list', f]),
      /text\.keytab: not a keytab: not a keytab \(first byte 0x68, expected 0x05\) in file-format at offset 0/,
    );
    const v9 = file('v9.keytab');
    writeFileSync(v9, new Uint8Array([5, 9, 0, 0, 0, 0]));
    assertUsage(runCli(['keytab', 'list', v9]), /keytab version 0x0509 is not 0x0501 or 0x0502 .*offset 1/);
    const empty = file('empty.keytab');
    writeFileSync(empty, '');
    assertUsage(runCli(['keytab', 'list', empty]), /empty file, not a keytab/);
  });

  it('corrupt keytab: list names the record and offset (exit 2); add refuses to append and leaves it alone', () => {
    // one record whose principal has -1 components (MIT stops reading there)
    const f = file('corrupt.keytab');
    const bytes = new Uint8Array([5, 2, 0, 0, 0, 8, 0xff, 0xff, 0, 0, 0, 0, 0, 0]);
    writeFileSync(f, bytes);
    assertUsage(runCli(['keytab', 'list', f]), /corrupt\.keytab: corrupt keytab, no entry could be read: .*principal\.count at offset 6/);
    assertUsage(add(f, base), /corrupt\.keytab: damaged keytab .*at offset 6.*not appending/);
    assert.deepEqual(new Uint8Array(readFileSync(f)), bytes);
  });

  it('partly damaged keytab: list shows the good entries and the bad record, exit 1', () => {
    const good = encodeKeytab({ entries: [{ principal: parsePrincipal(USER), kvno: 1, enctype: 17, key: new Uint8Array(16) }] });
    const f = file('partly.keytab');
    writeFileSync(f, new Uint8Array([...good, 0, 0, 0, 6, 0xff, 0xff, 0, 0, 0, 0]));
    const r = runCli(['keytab', 'list', f]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /testuser1@TEST\.GOKRB5\s+aes128-cts-hmac-sha1-96/);
    assert.match(r.stdout, new RegExp(`^Not decoded: record at offset ${good.length}: .*principal\\.count`, 'm'));
    const j = runCliJson(['keytab', 'list', f]);
    assert.equal(j.code, 1);
    assert.equal(j.json.entries.length, 1);
    assert.equal(j.json.problems[0].offset, good.length);
  });
});
