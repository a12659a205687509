/**
 * `kerbscope decode` as a real process (the built dist/kerbscope.mjs): stdout, stderr, exit code.
 * Ground truth for field values comes from tshark reading the lab capture the samples were cut from.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { encodeKeytab } from '../../src/formats/index.js';
import { encodeNegotiateMessage } from '../../src/protocol/ntlm/index.js';
import { toBase64 } from '../../src/wire/encoding.js';
import { runCli } from '../helpers/cli.js';
import { CORPUS, REPO_ROOT } from '../helpers/corpus.js';
import { tsharkTimeIso } from '../helpers/tshark.js';

const CLI = path.join(REPO_ROOT, 'dist/kerbscope.mjs');
const S = (f: string) => path.join(REPO_ROOT, 'samples', f);

function run(args: string[], input?: string) {
  return runCli(args, { input });
}

function json(args: string[], input?: string) {
  const r = run([...args, '--json'], input);
  return { ...r, body: JSON.parse(r.stdout) as Record<string, any> };
}

const haveTshark = spawnSync('tshark', ['--version']).status === 0;
function tsharkFields(file: string, filter: string, fields: string[], extra: string[] = []): string[][] {
  const r = spawnSync('tshark', ['-r', file, ...extra, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
}

describe('kerbscope decode: the lab samples', () => {
  it('explains and decrypts the healthy AP-REQ; fields equal tshark’s on the capture', (t) => {
    const r = json(['decode', S('mit-http-negotiate.txt'), '--keytab', S('mit-http.keytab')]);
    assert.equal(r.code, 0, r.stderr);
    const b = r.body;
    assert.equal(b.mechanism, 'kerberos');
    assert.equal(b.messageType, 14);
    assert.equal(b.spnego.type, 'negTokenInit');
    assert.equal(b.ticket.decryption.status, 'decrypted');
    assert.match(b.ticket.decrypted.sessionKey.enctypeName, /aes/);
    assert.equal(b.ticket.decrypted.sessionKey.value, '(masked)', 'session key masked by default (the one masked spelling)');
    assert.deepEqual(b.problems, []);
    if (!haveTshark) {
      if (process.env.CI === 'true') assert.fail('tshark missing in CI');
      t.skip('tshark not installed: cannot compare with the reference decoder');
      return;
    }
    const [row] = tsharkFields(S('mit-http-healthy.pcapng'), 'http.authorization && kerberos.msg_type == 14', [
      'kerberos.realm',
      'kerberos.SNameString',
      'kerberos.etype',
      'kerberos.kvno',
    ]);
    assert.ok(row, 'tshark found the AP-REQ');
    const [realm, sname, etype, kvno] = row as string[];
    assert.equal(b.ticket.realm, realm);
    assert.deepEqual(b.ticket.sname, sname?.split(','));
    assert.equal(b.ticket.enctype, Number(etype?.split(',')[0]));
    assert.equal(b.ticket.kvno, Number(kvno?.split(',')[0]));
    const dec = tsharkFields(
      S('mit-http-healthy.pcapng'),
      'http.authorization && kerberos.msg_type == 14',
      ['kerberos.CNameString', 'kerberos.authtime', 'kerberos.endtime'],
      ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${S('mit-http.keytab')}`],
    );
    const [cname, authtime, endtime] = dec[0] as string[];
    assert.equal(b.ticket.decrypted.client, `${cname?.split(',')[0]}@${realm}`);
    assert.equal(b.ticket.decrypted.authtime, tsharkTimeIso(authtime));
    assert.equal(b.ticket.decrypted.endtime, tsharkTimeIso(endtime));
  });

  it('the 200’s AP-REP is decrypted with the session key learnt from the AP-REQ given with it', () => {
    const r = json(['decode', S('mit-http-negotiate.txt'), S('mit-http-negotiate-aprep.txt'), '--keytab', S('mit-http.keytab')]);
    assert.equal(r.code, 0, r.stderr);
    const rep = r.body.items[1];
    assert.equal(rep.messageType, 15);
    assert.equal(rep.spnego.negState, 'accept-completed');
    assert.equal(typeof rep.apRep.decrypted.ctime, 'string');
  });

  it('a 401 carrying KRB_AP_ERR_SKEW: error.code, error.name, the clock-skew finding, exit 1', () => {
    const r = json(['decode', S('mit-http-krb-error-skew.txt')]);
    assert.equal(r.code, 1);
    assert.equal(r.body.error.code, 37);
    assert.equal(r.body.error.name, 'KRB_AP_ERR_SKEW');
    assert.equal(r.body.problems[0].id, 'clock-skew');
    const text = run(['decode', S('mit-http-krb-error-skew.txt')]);
    assert.match(text.stdout, /w32tm \/resync/);
  });

  it('an unquoted header line on the command line works', () => {
    const line = readFileSync(S('mit-http-negotiate.txt'), 'utf8').trim();
    const r = run(['decode', ...line.split(' ')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /HTTP\/iisserver\.contoso\.com@CONTOSO\.COM/);
  });

  it('reads stdin, and base64 without a header', () => {
    const line = readFileSync(S('mit-http-negotiate.txt'), 'utf8').trim();
    const r = json(['decode'], line.replace(/^.*Negotiate /, ''));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.body.ticket.realm, 'CONTOSO.COM');
  });
});

describe('kerbscope decode: keys that do not fit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ks-decode-'));
  const principal = { realm: 'CONTOSO.COM', components: ['HTTP', 'iisserver.contoso.com'], nameType: 1 };
  const kt = (name: string, kvno: number, enctype: number, p = principal) => {
    const f = path.join(dir, name);
    writeFileSync(
      f,
      encodeKeytab({
        entries: [{ principal: p, kvno, enctype, key: new Uint8Array(enctype === 17 ? 16 : 32).fill(7), timestamp: new Date(0) }],
      } as never),
    );
    return f;
  };

  it('right kvno, wrong key → wrong-key + keytab-wrong-key, exit 1', () => {
    const r = json(['decode', S('mit-http-negotiate.txt'), '--keytab', kt('wrong.keytab', 2, 18)]);
    assert.equal(r.code, 1);
    assert.equal(r.body.ticket.decryption.status, 'wrong-key');
    assert.ok(r.body.problems.some((p: { id: string }) => p.id === 'keytab-wrong-key'));
  });

  it('older kvno → kvno-mismatch + keytab-stale-kvno', () => {
    const r = json(['decode', S('mit-http-negotiate.txt'), '--keytab', kt('stale.keytab', 1, 18)]);
    assert.equal(r.body.ticket.decryption.status, 'kvno-mismatch');
    assert.ok(r.body.problems.some((p: { id: string }) => p.id === 'keytab-stale-kvno'));
  });

  it('principal without the ticket’s enctype → enctype-missing', () => {
    const r = json(['decode', S('mit-http-negotiate.txt'), '--keytab', kt('aes128.keytab', 2, 17)]);
    assert.equal(r.body.ticket.decryption.status, 'enctype-missing');
    assert.ok(r.body.problems.some((p: { id: string }) => p.id === 'keytab-missing-enctype'));
  });

  it('another principal → not-us', () => {
    const r = json([
      'decode',
      S('mit-http-negotiate.txt'),
      '--keytab',
      kt('other.keytab', 2, 18, { ...principal, components: ['HTTP', 'other.contoso.com'] }),
    ]);
    assert.equal(r.body.ticket.decryption.status, 'not-us');
    assert.ok(r.body.problems.some((p: { id: string }) => p.id === 'ticket-not-for-server'));
  });
});

describe('kerbscope decode: an AS-REP with the user’s password and the krbtgt key', () => {
  it('the reply part opens with the password (salt from PA-ETYPE-INFO2), the TGT with the krbtgt key, and both hold the same session key', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ks-asrep-'));
    const krbtgt = path.join(dir, 'krbtgt.keytab');
    // the key Kerberos.NET's KrbtgtTests use (corpus SOURCES.md)
    const key = new Uint8Array(Buffer.from('ef7422cb49e2f5b09292cbd825c295249f2a31465dc9ab4a3080edf3168a8857', 'hex'));
    const realm = 'CORP.IDENTITYINTERVENTION.COM';
    writeFileSync(
      krbtgt,
      encodeKeytab({
        entries: [{ principal: { realm, components: ['krbtgt', realm], nameType: 2 }, kvno: 2, enctype: 18, key, timestamp: new Date(0) }],
      } as never),
    );
    const r = json(
      ['decode', path.join(CORPUS, 'vectors/kerberos-net/Messages/as-rep'), '--password-stdin', '--keytab', krbtgt, '--show-secrets'],
      'P@ssw0rd!\n',
    );
    assert.equal(r.code, 0, r.stderr);
    const rep = r.body.kdcReply;
    assert.equal(rep.decryption.status, 'decrypted');
    assert.match(rep.decryption.detail, /CORP\.IDENTITYINTERVENTION\.COMtestuser/);
    assert.equal(rep.decrypted.server, `krbtgt/${realm}@${realm}`);
    assert.equal(rep.ticket.decryption.status, 'decrypted');
    assert.equal(rep.ticket.decrypted.sessionKey.value, rep.decrypted.sessionKey.value);
    assert.equal(rep.ticket.decrypted.endtime, rep.decrypted.endtime);
  });
});

describe('kerbscope decode: NTLM, files, bad input', () => {
  it('NTLM inside Negotiate is called out as the fallback sign', () => {
    const ntlm = encodeNegotiateMessage({ negotiateFlags: 0xe2088297, domainName: 'CONTOSO', workstation: 'CLIENT1' } as never);
    const r = json(['decode', `Authorization: Negotiate ${toBase64(ntlm)}`]);
    assert.equal(r.code, 1);
    assert.equal(r.body.mechanism, 'ntlm');
    assert.equal(r.body.messageType, 1);
    assert.ok(r.body.problems.some((p: { id: string }) => p.id === 'ntlm-fallback'));
  });

  it('a 401 offering only NTLM is a server-side problem', () => {
    const r = json(['decode'], 'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: NTLM\n');
    assert.equal(r.code, 1);
    assert.ok(r.body.problems.some((p: { id: string }) => p.id === 'ntlm-only'));
    const ok = json(['decode'], 'WWW-Authenticate: Negotiate\nWWW-Authenticate: NTLM\n');
    assert.ok(!ok.body.problems.some((p: { id: string }) => p.id === 'ntlm-only'));
  });

  it('a keytab file: entries shown, keys masked unless --show-secrets', () => {
    const r = json(['decode', S('mit-http.keytab')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.body.mechanism, 'keytab');
    assert.equal(r.body.entries[0].principal, 'HTTP/iisserver.contoso.com@CONTOSO.COM');
    assert.match(r.body.entries[0].key, /masked/);
    assert.doesNotMatch(run(['decode', S('mit-http.keytab')]).stdout, /[0-9a-f]{32}/);
    const shown = json(['decode', S('mit-http.keytab'), '--show-secrets']);
    assert.match(shown.body.entries[0].key, /^[0-9a-f]{32,64}$/);
  });

  it('a ccache from the corpus, its tickets listed', () => {
    const r = json(['decode', path.join(CORPUS, 'vectors/kerberos-net/Cache/krb5cc')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.body.mechanism, 'ccache');
    assert.ok(r.body.credentials.length > 0);
  });

  it('garbage: exit 2, one line on stderr, no stack trace', () => {
    const r = run(['decode', 'this is not a token at all !!!']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.doesNotMatch(r.stderr, /\bat .*\.(ts|js|mjs):\d+/);
  });

  it('a truncated token: what decoded is shown, the error names where, exit 1', () => {
    const line = readFileSync(S('mit-http-negotiate.txt'), 'utf8').trim();
    const b64 = line.replace(/^.*Negotiate /, '');
    const cut = b64.slice(0, Math.floor(b64.length * 0.6));
    const r = json(['decode', `Authorization: Negotiate ${cut.slice(0, cut.length - (cut.length % 4))}`]);
    assert.ok(r.code === 1 || r.code === 2, r.stderr);
    if (r.code === 1) {
      assert.ok(r.body.decodeErrors.length > 0);
      assert.equal(typeof r.body.decodeErrors[0].offset, 'number');
      assert.ok(r.body.problems.some((p: { id: string }) => p.id === 'malformed-input'));
    } else assert.match(r.stderr, /offset \d+/);
  });

  it('usage errors: unknown option, unreadable keytab', () => {
    const a = run(['decode', '--nope', 'x']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--help/);
    const b = run(['decode', S('mit-http-negotiate.txt'), '--keytab', '/nonexistent/k.keytab']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--keytab \/nonexistent\/k\.keytab: cannot read/);
  });

  it('--version and --help', () => {
    const v = run(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+/);
    assert.match(run(['decode', '--help']).stdout, /Examples:/);
  });
});

describe('kerbscope decode: output to a closed pipe', () => {
  it('stops quietly when the reader goes away (| head, | true)', () => {
    const r = spawnSync('bash', ['-c', `node ${CLI} decode ${S('mit-http-negotiate.txt')} --keytab ${S('mit-http.keytab')} | true`], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0);
    assert.doesNotMatch(r.stderr, /EPIPE|at .*\.mjs/);
  });
});

describe('kerbscope decode: klist output', () => {
  it('Windows klist (the seed’s example): tickets listed, the RC4 service ticket flagged', () => {
    const r = json(['decode', path.join(REPO_ROOT, 'test/fixtures/klist-windows-seed.txt')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.body.kind, 'klist');
    assert.equal(r.body.source, 'windows');
    assert.deepEqual(
      r.body.credentials.map((c: Record<string, any>) => [c.server, c.ticket.enctype]),
      [
        ['krbtgt/CONTOSO.COM@CONTOSO.COM', 18],
        ['http/iisserver.contoso.com@CONTOSO.COM', 23],
      ],
    );
    assert.deepEqual(
      r.body.problems.map((p: { id: string }) => p.id),
      ['weak-enctype'],
    );
  });

  it('MIT klist -e -f from the real lab client', (t) => {
    const have = spawnSync('klist', ['-V']).status !== null;
    if (!have) {
      if (process.env.CI === 'true') assert.fail('MIT klist missing in CI');
      t.skip('MIT klist not installed');
      return;
    }
    // klist -c on the corpus ccache prints MIT's format; decode must read it back to the same tickets as the ccache itself
    const cc = path.join(CORPUS, 'vectors/kerberos-net/Cache/krb5cc');
    const k = spawnSync('klist', ['-e', '-f', '-c', cc], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } });
    assert.equal(k.status, 0, k.stderr);
    const fromText = json(['decode'], k.stdout);
    const fromFile = json(['decode', cc]);
    assert.equal(fromText.body.kind, 'klist');
    const servers = (b: Record<string, any>) =>
      b.credentials.filter((c: Record<string, any>) => c.kind === 'ticket').map((c: Record<string, any>) => c.server);
    assert.deepEqual(servers(fromText.body), servers(fromFile.body));
  });
});
