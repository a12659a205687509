/**
 * `--html FILE` on decode, trace, events and check, the built CLI run as a real process: the file is written (0644),
 * is self-contained (auditReport: our tags, our one style and script, no resource, no handler), stdout and the exit
 * code are exactly what they are without --html (text and --json), stderr names the file. check runs against the
 * embedded lab (missing-spn), started in this process; the CLI is spawned asynchronously so the lab keeps answering.
 * A folder given to --html is refused before any work (exit 2); a file that cannot be written is exit 2 after the
 * report was printed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startEmbeddedLab } from '../../src/embedded/index.js';
import { decodeKeytab } from '../../src/formats/index.js';
import { auditReport } from '../../src/report/html/index.js';
import { toHex } from '../../src/wire/encoding.js';
import { CLI_PATH, ensureCliBuilt, runCli } from '../helpers/cli.js';
import { corpusPath, REPO_ROOT } from '../helpers/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'kerbscope-html-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const sample = (n: string) => join(REPO_ROOT, 'samples', n);

function assertPage(file: string): string {
  assert.ok(existsSync(file), `${file} written`);
  assert.equal(statSync(file).mode & 0o777, 0o644);
  const html = readFileSync(file, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.deepEqual(auditReport(html), []);
  assert.doesNotMatch(html, /\s(src|href)\s*=\s*"?\s*(https?:|\/\/)/i);
  assert.doesNotMatch(html, /<(link|img|iframe|object|embed)\b|@import/i);
  return html;
}

/** Runs the same command with and without --html (text and --json): stdout and exit code must not change. */
function sameWithHtml(args: string[], name: string, normalise = (s: string) => s): string {
  let html = '';
  for (const json of [false, true]) {
    const base = [...args, ...(json ? ['--json'] : [])];
    const plain = runCli(base, { env: { TZ: 'UTC' } });
    const file = join(dir, `${name}${json ? '-json' : ''}.html`);
    const withHtml = runCli([...base, '--html', file], { env: { TZ: 'UTC' } });
    assert.equal(withHtml.code, plain.code, `${name}: exit code`);
    assert.equal(normalise(withHtml.stdout), normalise(plain.stdout), `${name}${json ? ' --json' : ''}: stdout unchanged`);
    assert.ok(plain.stdout.length > 0);
    assert.ok(withHtml.stderr.includes(`HTML report written to ${file}`), withHtml.stderr);
    html = assertPage(file);
  }
  return html;
}

describe('--html as a real process', () => {
  it('decode a sample with its keytab: page written, stdout unchanged, keys masked', () => {
    const html = sameWithHtml(['decode', sample('mit-http-negotiate.txt'), '--keytab', sample('mit-http.keytab')], 'decode');
    assert.match(html, /<details open><summary>1\. file /);
    const kt = decodeKeytab(new Uint8Array(readFileSync(sample('mit-http.keytab'))));
    for (const e of kt.entries) assert.ok(!html.toLowerCase().includes(toHex(e.key)), 'no key of the keytab in the page');
    assert.match(html, /class="arrow a-ok" data-status="ok" data-n="1"/);
  });

  it('trace a corpus capture: the first KRB-ERROR frame is the red arrow', () => {
    const html = sameWithHtml(['trace', corpusPath('pcap/pcap-attack/CA_kerbrute_passwordspray_kerberos_AS-REQ.pcapng')], 'trace');
    assert.match(
      html,
      /<g class="arrow a-fail reply" data-status="fail" data-n="9" data-ref="frame 10">.*KRB-ERROR 6 KDC_ERR_C_PRINCIPAL_UNKNOWN/,
    );
  });

  it('events over a corpus EVTX: findings[0] highlighted', () => {
    const html = sameWithHtml(['events', corpusPath('evtx/evtx-attack-samples/kerberos_pwd_spray_4771.evtx')], 'events');
    assert.match(html, /<article class="finding sev-error root" id="finding-1" data-finding="password-spray" data-root-cause="true">/);
  });

  it('--html naming a folder is refused before any work; an unwritable file is exit 2 after the report', () => {
    mkdirSync(join(dir, 'folder'));
    for (const cmd of [
      ['decode', sample('mit-http-krb-error-skew.txt')],
      ['trace', sample('mit-http-healthy.pcapng')],
      ['events', corpusPath('evtx/evtx-attack-samples/kerberos_pwd_spray_4771.evtx')],
      ['check', 'http://web.invalid/'],
    ]) {
      const r = runCli([...cmd, '--html', join(dir, 'folder')]);
      assert.equal(r.code, 2, `${cmd[0]}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /--html .*folder: is a directory/);
    }
    const r = runCli(['decode', sample('mit-http-krb-error-skew.txt'), '--html', join(dir, 'missing', 'x.html')]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /KRB_AP_ERR_SKEW/);
    assert.match(r.stderr, /cannot write \(ENOENT\)/);
  });
});

describe('check --html against the embedded lab (missing-spn)', () => {
  function check(
    args: string[],
    env: Record<string, string>,
    password: string,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [CLI_PATH, 'check', ...args], { env });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => p.kill('SIGKILL'), 40_000);
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('error', reject);
      p.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      p.stdin.end(`${password}\n`);
    });
  }

  it('stdout and exit code as without --html; the page draws step 7 red with KRB-ERROR 7 and highlights spn-missing', async () => {
    ensureCliBuilt();
    const lab = await startEmbeddedLab({ scenario: 'missing-spn' });
    try {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: lab.dir,
        LANG: 'C',
        KRB5_CONFIG: lab.krb5Conf,
        KRB5CCNAME: `FILE:${join(lab.dir, 'check-cc')}`,
        KERBSCOPE_CACHE_DIR: join(lab.dir, 'cache'),
      };
      const args = [lab.url, '--timeout', '3000', '--dns-server', lab.dnsServer, '--user', lab.user, '--password-stdin'];
      // durations (and the padding before them), clock offsets and ticket end times differ between two runs: compare the rest
      const shape = (s: string) => s.replace(/[+-]?\d+/g, '0').replace(/ +/g, ' ');
      for (const json of [false, true]) {
        const a = [...args, ...(json ? ['--json'] : [])];
        const plain = await check(a, env, lab.password);
        const file = join(dir, `check${json ? '-json' : ''}.html`);
        const withHtml = await check([...a, '--html', file], env, lab.password);
        assert.equal(plain.code, 1, plain.stderr);
        assert.equal(withHtml.code, 1, withHtml.stderr);
        assert.equal(shape(withHtml.stdout), shape(plain.stdout));
        assert.match(withHtml.stderr, /HTML report written to/);
        const html = assertPage(file);
        assert.match(
          html,
          /<g class="arrow a-fail reply" data-status="fail" data-ref="service-ticket">.*?<text class="label"[^>]*>✘ KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN<\/text>/,
        );
        assert.match(html, /<article class="finding sev-error root" id="finding-1" data-finding="spn-missing" data-root-cause="true">/);
      }
    } finally {
      await lab.stop();
    }
  });

  it('lab --scenario ID --check --html FILE: the check report of the embedded lab; --html without --check is a usage error', () => {
    const file = join(dir, 'lab.html');
    const r = runCli(['lab', '--scenario', 'missing-spn', '--check', '--html', file]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /kerbscope lab: HTML report written to/);
    const html = assertPage(file);
    assert.match(html, /data-finding="spn-missing" data-root-cause="true"/);
    const bad = runCli(['lab', '--html', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--html needs --check/);
  });
});
