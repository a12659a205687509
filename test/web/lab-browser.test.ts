// Runs in the serial lab phase (scripts/test.sh: test/*/lab-*): Chromium beside other suites on two cores once
// missed its waits.
/**
 * The web app (web/, dist/web) in a real browser: Debian's headless Chromium driven by playwright-core, the page served
 * by `kerbscope serve` (the built CLI, a real process on 127.0.0.1). The repo's samples are pasted, a keytab and a
 * typed password decrypt, a corpus EVTX and captures are picked (the file input the drop zone wraps), a > 2 MB log
 * goes through the worker with progress, and every finding the page shows is the one the CLI finds on the same
 * input (its --json). The page never reaches the network: every request is recorded (only the page's own files) and
 * anything else is failed by route interception; a fetch the page is made to try is refused by its CSP. Then the
 * --html report of a failing embedded-lab check (missing-spn) opens in the browser: its failing step is drawn red and
 * says KRB-ERROR 7. Screenshots go to test-artifacts/web/.
 *
 * Chromium missing: skipped loudly; under CI=true a failure (test/helpers/prereq.ts).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startEmbeddedLab } from '../../src/embedded/index.js';
import { CLI_PATH, ensureCliBuilt } from '../helpers/cli.js';
import { corpusPath, haveCorpus, REPO_ROOT } from '../helpers/corpus.js';
import { skipUnlessCi } from '../helpers/prereq.js';

// page.evaluate callbacks run in the page; this project's tsconfig has no DOM lib, so what they touch is declared here
interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  querySelector(s: string): PageElement | null;
  querySelectorAll(s: string): ArrayLike<PageElement>;
}
declare const document: { body: PageElement; querySelector(s: string): PageElement | null };
declare function getComputedStyle(e: unknown): { stroke: string };
declare class DataTransfer {
  items: { add(f: File): void };
}

const CHROMIUM = process.env.KERBSCOPE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts/web');
const SAMPLES = path.join(REPO_ROOT, 'samples');

function chromiumMissing(): string | false {
  if (!existsSync(CHROMIUM)) return `chromium not installed at ${CHROMIUM} (Debian package chromium)`;
  const r = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? false : `chromium at ${CHROMIUM} does not run (${r.error?.message ?? `exit ${r.status}`})`;
}

const skip = skipUnlessCi(chromiumMissing() || (!haveCorpus() && 'the shared corpus (../shared/corpus) is not there'));

/** The CLI's findings on a file, by rule id (its --json), to hold the page to. */
function cliFindingIds(cmd: 'trace' | 'events' | 'decode', file: string, extra: string[] = [], stdin?: string): string[] {
  const r = spawnSync(process.execPath, [CLI_PATH, cmd, file, '--json', ...extra], {
    encoding: 'utf8',
    timeout: 120_000,
    input: stdin ?? '',
    maxBuffer: 256 << 20,
  });
  assert.ok(r.status !== null && r.status <= 1, `kerbscope ${cmd} ${file}: exit ${r.status} ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { findings: { id: string }[] };
  return j.findings.map((f) => f.id);
}

/** `kerbscope serve --port 0`, started as a real process; resolves with its URL once it prints it. */
function serve(): Promise<{ url: string; proc: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI_PATH, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`kerbscope serve printed no URL in 20 s: ${out}`));
    }, 20_000);
    proc.stdout?.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], proc });
      }
    });
    proc.stderr?.on('data', (d) => (out += d));
    proc.on('error', reject);
  });
}

/** The result the page showed last: its kind, finding ids, timing, and text. */
async function lastResult(page: Page, before: number): Promise<{ kind: string; ids: string[]; ms: number; text: string; errors: number }> {
  await page.waitForFunction((n) => Number(document.body.dataset.results ?? 0) > n || document.body.dataset.lastError, before, {
    timeout: 120_000,
  });
  const err = await page.evaluate(() => document.body.dataset.lastError);
  assert.equal(err, undefined, `the page reported an error: ${err}`);
  return page.evaluate(() => {
    const sec = document.querySelector('#results > section.result') as PageElement;
    return {
      kind: sec.dataset.kind ?? '',
      ids: Array.from(sec.querySelectorAll('article.finding')).map((a) => a.dataset.finding ?? ''),
      ms: Number(sec.dataset.ms),
      errors: Number(sec.dataset.errors),
      text: sec.textContent ?? '',
    };
  });
}

const count = (page: Page) => page.evaluate(() => Number(document.body.dataset.results ?? 0));

describe('the web app in headless Chromium (kerbscope serve, playwright-core)', { skip }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let server: { url: string; proc: ChildProcess };
  let tmp: string;
  const requests: string[] = [];
  const refused: string[] = [];
  /** file:// pages the test opens itself (the --html report) */
  const ownFiles = new Set<string>();

  before(async () => {
    ensureCliBuilt();
    if (!existsSync(path.join(REPO_ROOT, 'dist/web/index.html')))
      spawnSync(process.execPath, ['scripts/build-web.mjs'], { cwd: REPO_ROOT });
    mkdirSync(ARTIFACTS, { recursive: true });
    tmp = mkdtempSync(path.join(tmpdir(), 'ks-web-'));
    server = await serve();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 60_000 });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // every request the page (or its worker) makes; anything not a file of the app is failed here
    context.on('request', (r) => requests.push(r.url()));
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(server.url) || ownFiles.has(u)) return route.continue();
      refused.push(u);
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    await page.goto(server.url, { timeout: 30_000 });
    await page.waitForFunction(() => document.body.dataset.ready === '1');
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    server?.proc.kill('SIGTERM');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('pasted samples: the Negotiate header decodes to an AP-REQ; the 401 carries KRB-ERROR 37, named as clock skew', async () => {
    for (const [file, expect] of [
      ['mit-http-negotiate.txt', /AP-REQ[\s\S]*HTTP\/iisserver\.contoso\.com@CONTOSO\.COM/],
      ['mit-http-negotiate-aprep.txt', /AP-REP/],
      ['mit-http-krb-error-skew.txt', /KRB_AP_ERR_SKEW/],
    ] as const) {
      const n = await count(page);
      await page.fill('#paste', readFileSync(path.join(SAMPLES, file), 'utf8'));
      await page.click('#decode');
      const r = await lastResult(page, n);
      assert.equal(r.kind, 'decode');
      assert.match(r.text, expect, file);
      assert.deepEqual(r.ids, cliFindingIds('decode', path.join(SAMPLES, file)), `${file}: the page's findings are the CLI's`);
    }
    const skew = await lastResult(page, 0);
    assert.ok(skew.ids.length > 0 && skew.errors > 0, 'the skew sample has an error finding');
  });

  it('a dropped keytab decrypts the pasted ticket (john@CONTOSO.COM, the PAC) as decode --keytab does', async () => {
    const n = await count(page);
    await page.setInputFiles('#files', path.join(SAMPLES, 'mit-http.keytab'));
    const kt = await lastResult(page, n);
    assert.match(kt.text, /HTTP\/iisserver\.contoso\.com@CONTOSO\.COM/);
    assert.match((await page.textContent('#keys')) ?? '', /keytab mit-http\.keytab/);
    const m = await count(page);
    await page.fill('#paste', readFileSync(path.join(SAMPLES, 'mit-http-negotiate.txt'), 'utf8'));
    await page.click('#decode');
    const r = await lastResult(page, m);
    assert.match(r.text, /decrypted with HTTP\/iisserver\.contoso\.com@CONTOSO\.COM kvno 2 from keytab mit-http\.keytab/);
    assert.match(r.text, /john@CONTOSO\.COM/);
    assert.match(r.text, /PAC/);
    assert.doesNotMatch(r.text, /\b[0-9a-f]{64}\b/, 'no session key printed');
    await page.screenshot({ path: path.join(ARTIFACTS, 'app-decode-decrypted.png'), fullPage: true });
  });

  it('a typed password (+ salt) decrypts an AS-REP enc-part (Kerberos.NET vector) with the pure-JS crypto', async () => {
    await page.click('#keys-box > summary');
    await page.fill('#password', 'P@ssw0rd!');
    await page.fill('#salt', 'CORP.IDENTITYINTERVENTION.COMtestuser');
    const n = await count(page);
    await page.setInputFiles('#files', corpusPath('vectors/kerberos-net/Messages/as-rep'));
    const r = await lastResult(page, n);
    assert.match(r.text, /decrypted with password \(aes256-cts-hmac-sha1-96, salt "CORP\.IDENTITYINTERVENTION\.COMtestuser"\)/);
    await page.fill('#password', '');
    await page.fill('#salt', '');
  });

  it('a corpus EVTX (4771 password spray): the same findings as kerbscope events', async () => {
    const file = corpusPath('evtx/evtx-attack-samples/kerberos_pwd_spray_4771.evtx');
    const n = await count(page);
    await page.setInputFiles('#files', file);
    const r = await lastResult(page, n);
    assert.equal(r.kind, 'events');
    assert.ok(r.ids.includes('password-spray'), r.ids.join());
    assert.deepEqual(r.ids, cliFindingIds('events', file));
    assert.ok(await page.locator('#results > section.result').first().locator('svg g.arrow').count(), 'the causes are drawn');
    await page
      .locator('#results > section.result')
      .first()
      .screenshot({ path: path.join(ARTIFACTS, 'app-events.png') });
  });

  it('captures (a corpus Kerbrute spray, the healthy sample): the same findings as kerbscope trace --keytab, the flow drawn', async () => {
    // the keytab dropped earlier is still a key of the page: the CLI gets it too
    for (const file of [
      corpusPath('pcap/pcap-attack/CA_kerbrute_passwordspray_kerberos_AS-REQ.pcapng'),
      path.join(SAMPLES, 'mit-http-healthy.pcapng'),
    ]) {
      const n = await count(page);
      await page.setInputFiles('#files', file);
      const r = await lastResult(page, n);
      assert.equal(r.kind, 'trace');
      assert.deepEqual(r.ids, cliFindingIds('trace', file, ['--keytab', path.join(SAMPLES, 'mit-http.keytab')]), file);
      const arrows = await page.locator('#results > section.result').first().locator('svg g.arrow').count();
      assert.ok(arrows > 0, `${file}: a sequence diagram`);
    }
    await page
      .locator('#results > section.result')
      .first()
      .screenshot({ path: path.join(ARTIFACTS, 'app-trace.png') });
  });

  it('a file dropped on the drop zone (a real drop event with a DataTransfer) is traced like a picked one', async () => {
    const file = corpusPath('pcap/zeek/krb/kinit.pcap');
    const b64 = readFileSync(file).toString('base64');
    const dt = await page.evaluateHandle((data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const d = new DataTransfer();
      d.items.add(new File([bytes], 'kinit.pcap'));
      return d;
    }, b64);
    const n = await count(page);
    await page.dispatchEvent('#drop', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
    const r = await lastResult(page, n);
    assert.equal(r.kind, 'trace');
    assert.deepEqual(r.ids, cliFindingIds('trace', file, ['--keytab', path.join(SAMPLES, 'mit-http.keytab')]));
    await page.screenshot({ path: path.join(ARTIFACTS, 'app-overview.png'), fullPage: false });
  });

  it('opened as a file:// page (no server, no worker), a pasted sample still decodes, and nothing is requested but its files', async () => {
    const index = pathToFileURL(path.join(REPO_ROOT, 'dist/web/index.html')).href;
    const base = index.slice(0, index.lastIndexOf('/') + 1);
    for (const f of ['index.html', 'app.js', 'worker.js', 'app.css', 'report.css']) ownFiles.add(base + f);
    const local = await context.newPage();
    const seen: string[] = [];
    local.on('request', (r) => seen.push(r.url()));
    const log: string[] = [];
    local.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    local.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    await local.goto(index);
    // once seen in CI under load: the file:// page not ready within 30 s with nothing logged; one reload before
    // failing, and the page's console in the message when it still is not ready
    const ready = () => local.waitForFunction(() => document.body.dataset.ready === '1', undefined, { timeout: 20_000 });
    try {
      await ready();
    } catch {
      log.push('(not ready after 20 s: reloaded)');
      await local.reload();
      await ready().catch((e: Error) => assert.fail(`${e.message}\n${log.join('\n')}`));
    }
    await local.fill('#paste', readFileSync(path.join(SAMPLES, 'mit-http-krb-error-skew.txt'), 'utf8'));
    await local.click('#decode');
    const r = await lastResult(local, 0);
    assert.match(r.text, /KRB_AP_ERR_SKEW/);
    // a file over 2 MB: a file:// page cannot start the worker, so the page reads it itself
    const src = readFileSync(corpusPath('evtx/evtx-crate/Security_with_size_t.evtx'));
    const three = path.join(tmp, 'three.evtx');
    writeFileSync(three, Buffer.concat([src, src, src]));
    await local.setInputFiles('#files', three);
    const big = await lastResult(local, 1);
    assert.equal(big.kind, 'events');
    assert.deepEqual(big.ids, cliFindingIds('events', three));
    assert.deepEqual(
      seen.filter((u) => !ownFiles.has(u)),
      [],
    );
    await local.close();
  });

  it('an EVTX over 2 MB is read in the worker, with progress messages, and finds what the CLI finds', async () => {
    // the 4771 spray log's chunks, four times over, behind a fresh header: ~ 5 MB (bench/events.ts builds bigger ones)
    const src = readFileSync(corpusPath('evtx/evtx-crate/Security_with_size_t.evtx'));
    const big = path.join(tmp, 'big.evtx');
    const fd = openSync(big, 'w');
    for (let i = 0; i < 5; i++) writeSync(fd, src);
    closeSync(fd);
    // not a well-formed file past the first copy (headers in the middle): the page must still read it as the CLI does
    const expected = cliFindingIds('events', big);
    const state = (p: typeof page) =>
      p.evaluate(() => ({
        jobs: Number(document.body.dataset.workerJobs ?? 0),
        progress: Number(document.body.dataset.progressMessages ?? 0),
        fallback: document.body.dataset.workerFallback === '1',
        error: document.body.dataset.lastError ?? '',
      }));
    const run = async (p: typeof page) => {
      const before = await state(p);
      const n = await count(p);
      await p.setInputFiles('#files', big);
      const r = await lastResult(p, n);
      assert.equal(r.kind, 'events');
      assert.deepEqual(r.ids, expected);
      return { before, after: await state(p) };
    };
    let { before, after } = await run(page);
    // once in CI under load the worker failed and the page read the file itself (its documented fallback, with the
    // right result); a page whose worker broke stays on its own thread, so a fresh page must then do it in a worker
    if (after.fallback || after.progress === before.progress) {
      const fresh = await context.newPage();
      try {
        await fresh.goto(server.url, { timeout: 30_000 });
        await fresh.waitForFunction(() => document.body.dataset.ready === '1');
        ({ before, after } = await run(fresh));
      } finally {
        await fresh.close();
      }
    }
    assert.ok(after.jobs > before.jobs, `went through the worker ${JSON.stringify(after)}`);
    assert.ok(after.progress > before.progress, `the worker posted progress ${JSON.stringify({ before, after })}`);
  });

  it('nothing leaves the page: only its own files were requested, nothing was refused, and a fetch it is made to try fails (CSP)', async () => {
    const tried = await page.evaluate(async () => {
      try {
        await fetch('http://127.0.0.1:9/x');
        return 'fetched';
      } catch (e) {
        return `refused: ${(e as Error).message}`;
      }
    });
    assert.match(tried, /^refused/);
    const own = new Set(['', 'index.html', 'app.js', 'worker.js', 'app.css', 'report.css']);
    const others = requests.filter((u) => !ownFiles.has(u) && (!u.startsWith(server.url) || !own.has(u.slice(server.url.length))));
    assert.deepEqual(others, [], `requests other than the app's own files: ${others.join(', ')}`);
    assert.deepEqual(refused, [], 'route interception refused nothing (the CSP stopped the fetch before it)');
    assert.ok(
      requests.every((u) => !u.includes(':9/')),
      'the refused fetch never became a request',
    );
    assert.ok(
      requests.some((u) => u.endsWith('/worker.js')),
      'the worker script came from the server',
    );
  });

  it("check --html of the embedded lab's missing-spn: the failing step is a red arrow labelled KRB-ERROR 7", async () => {
    const lab = await startEmbeddedLab({ scenario: 'missing-spn' });
    const htmlFile = path.join(tmp, 'missing-spn.html');
    try {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: lab.dir,
        LANG: 'C',
        KRB5_CONFIG: lab.krb5Conf,
        KRB5CCNAME: `FILE:${path.join(lab.dir, 'check-cc')}`,
        KERBSCOPE_CACHE_DIR: path.join(lab.dir, 'cache'),
      };
      const args = [
        lab.url,
        '--timeout',
        '3000',
        '--dns-server',
        lab.dnsServer,
        '--user',
        lab.user,
        '--password-stdin',
        '--html',
        htmlFile,
      ];
      // spawned asynchronously: the lab answers from this process
      const code = await new Promise<number | null>((resolve, reject) => {
        const p = spawn(process.execPath, [CLI_PATH, 'check', ...args], { env, stdio: ['pipe', 'ignore', 'ignore'] });
        const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
        p.on('error', reject);
        p.on('close', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
        p.stdin?.end(`${lab.password}\n`);
      });
      assert.equal(code, 1, 'check finds the problem');
    } finally {
      await lab.stop();
    }
    const report = await context.newPage();
    ownFiles.add(pathToFileURL(htmlFile).href);
    await report.goto(pathToFileURL(htmlFile).href);
    const red = report.locator('svg g.arrow.a-fail');
    assert.equal(await red.count(), 1);
    assert.match((await red.locator('text.label').textContent()) ?? '', /KRB-ERROR 7\b/);
    const stroke = await red.locator('.line').evaluate((el) => getComputedStyle(el).stroke);
    const [r, g, b] = (stroke.match(/\d+/g) ?? []).map(Number) as [number, number, number];
    assert.ok(r > 150 && g < 100 && b < 100, `the failing arrow is red (stroke ${stroke})`);
    assert.equal(await report.locator('article.finding[data-root-cause="true"]').getAttribute('data-finding'), 'spn-missing');
    await red.scrollIntoViewIfNeeded();
    await report.screenshot({ path: path.join(ARTIFACTS, 'report-missing-spn.png'), fullPage: true });
    await report.close();
    // the file:// page too asked for nothing but itself
    assert.deepEqual(
      requests.filter((u) => u.startsWith('file:') && !ownFiles.has(u)),
      [],
    );
    assert.ok(readdirSync(ARTIFACTS).length >= 4);
  });
});
