// Real clients against the embedded lab, as processes: MIT kinit, klist, kvno and curl --negotiate (GSSAPI) with
// KRB5_CONFIG = the lab's krb5.conf. Errors are matched with the same texts lab/catalogue.ts expects from the MIT lab.
// The children run asynchronously: the KDC and the web server live in this process's event loop.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decrypt, KeyUsage } from '../../src/crypto/index.js';
import { type EmbeddedLab, startEmbeddedLab } from '../../src/embedded/index.js';
import { decodeCcache } from '../../src/formats/ccache.js';
import { decodeInitialContextToken, decodeKrb5MechToken, decodeNegotiationToken } from '../../src/protocol/gss/index.js';
import { decodeApRep, decodeEncApRepPart } from '../../src/protocol/krb5/index.js';
import { fromBase64 } from '../../src/wire/encoding.js';
import { commandMissing, skipUnlessCi } from '../helpers/prereq.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>, input = ''): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(input);
  });
}

const missing =
  commandMissing('klist', ['-V']) ?? commandMissing('curl') ?? commandMissing('sh', ['-c', 'command -v kinit && command -v kvno']);

// as root on 88/53/80 and on free ports (krb5.conf names the KDC's port, curl --resolve the site's); else free ports only
const modes = process.getuid?.() === 0 ? [true, false] : [false];

for (const wellKnownPorts of modes)
  describe(`MIT kinit/klist/kvno and curl --negotiate against the embedded lab (${wellKnownPorts ? 'ports 88/53/80' : 'free ports'})`, {
    skip: skipUnlessCi(missing),
  }, () => {
    let lab: EmbeddedLab;
    let env: Record<string, string>;
    before(async () => {
      lab = await startEmbeddedLab({ scenario: 'healthy', wellKnownPorts });
      env = { KRB5_CONFIG: lab.krb5Conf, KRB5CCNAME: `FILE:${join(lab.dir, 'mit-cc')}` };
    });
    after(async () => {
      await lab?.stop();
    });

    it('kinit gets a TGT after KDC_ERR_PREAUTH_REQUIRED; klist shows it with aes256', async () => {
      const k = await run('kinit', [lab.user], env, `${lab.password}\n`);
      assert.equal(k.code, 0, k.stderr);
      const ev = lab.servers.kdc.events.filter((e) => e.request === 'AS-REQ');
      assert.deepEqual(
        ev.slice(-2).map((e) => e.errorCode ?? e.reply),
        [25, 'AS-REP'],
      );
      const l = await run('klist', ['-e'], env);
      assert.equal(l.code, 0, l.stderr);
      assert.match(l.stdout, /Default principal: john@CONTOSO\.COM/);
      assert.match(l.stdout, /krbtgt\/CONTOSO\.COM@CONTOSO\.COM/);
      assert.match(l.stdout, /Etype \(skey, tkt\): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96/);
    });

    it('kvno gets the HTTP service ticket (kvno 2), and klist -k reads the lab keytab with the same kvno', async () => {
      const v = await run('kvno', [lab.spn], env);
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stdout, /HTTP\/iisserver\.contoso\.com@CONTOSO\.COM: kvno = 2/);
      const l = await run('klist', [], env);
      assert.match(l.stdout, /HTTP\/iisserver\.contoso\.com@CONTOSO\.COM/);
      const kt = await run('klist', ['-k', '-e', lab.keytab], env);
      assert.equal(kt.code, 0, kt.stderr);
      assert.match(kt.stdout, /\s2 HTTP\/iisserver\.contoso\.com@CONTOSO\.COM \(aes256-cts-hmac-sha1-96\)/);
    });

    it('curl --negotiate -u : gets 200; the AP-REP it gets opens with the session key of the ticket MIT holds', async () => {
      // curl 7.88 does not fail on a bad final token (tried: a corrupted AP-REP still exits 0 with the page), so the
      // mutual-authentication token is checked here against the ccache curl used
      const host = new URL(lab.url).hostname;
      const c = await run(
        'curl',
        [
          '-sS',
          '-v',
          '--negotiate',
          '-u',
          ':',
          '--resolve',
          `${host}:${lab.ports.http}:${lab.hosts.web}`,
          '-w',
          '\n%{http_code}\n',
          lab.url,
        ],
        env,
      );
      assert.equal(c.code, 0, c.stderr);
      assert.match(c.stdout, /Hello john@CONTOSO\.COM\n\n200\n$/);
      assert.ok(lab.servers.web.events.some((e) => e.status === 200 && e.client === 'john@CONTOSO.COM'));
      const token = /< WWW-Authenticate: Negotiate ([A-Za-z0-9+/=]+)/i.exec(c.stderr)?.[1];
      assert.ok(token, 'a Negotiate token in the 200');
      const n = decodeNegotiationToken(fromBase64(token) ?? new Uint8Array(0));
      assert.ok(n.type === 'negTokenResp' && n.value.negState === 'accept-completed' && n.value.responseToken);
      const apRep = decodeApRep(decodeKrb5MechToken(decodeInitialContextToken(n.value.responseToken).innerToken).body);
      const cc = decodeCcache(readFileSync(env.KRB5CCNAME?.replace(/^FILE:/, '') ?? ''));
      const cred = cc.credentials.find((x) => x.server.components.join('/') === lab.spn);
      assert.ok(cred, 'the HTTP ticket in the ccache');
      const part = decodeEncApRepPart(decrypt(apRep.encPart.etype, cred.key.value, KeyUsage.AP_REP_ENC_PART, apRep.encPart.cipher));
      assert.ok(Math.abs(part.ctime.getTime() - Date.now()) < 60_000, 'echoes a current authenticator time');
    });

    it('kinit with a wrong password and an unknown user fail as against the MIT lab (24, 6); kvno of an SPN nobody holds (7)', async () => {
      const bad = await run('kinit', [lab.user], { ...env, KRB5CCNAME: `FILE:${join(lab.dir, 'bad-cc')}` }, 'NotThePassw0rd!\n');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /Password incorrect while getting initial credentials/);
      const nobody = await run('kinit', ['nobody'], { ...env, KRB5CCNAME: `FILE:${join(lab.dir, 'bad-cc')}` }, 'x\n');
      assert.notEqual(nobody.code, 0);
      assert.match(nobody.stderr, /Client (?:'nobody@CONTOSO\.COM' )?not found in Kerberos database/);
      const nospn = await run('kvno', ['HTTP/nospn.contoso.com'], env);
      assert.notEqual(nospn.code, 0);
      assert.match(nospn.stderr, /Server .*not found in Kerberos database/);
    });
  });
