/**
 * The HTML report (issue 12) rendered from real models: `check` run in this process against the embedded lab
 * (healthy, and broken scenarios whose failing step differs), `trace` over the repo's sample capture and corpus
 * captures, `events` over a corpus EVTX, `decode` over the repo's samples (with the sample keytab: secrets masked
 * exactly as the terminal masks them). Each page must be self-contained (auditReport, plus independent greps for
 * resource references), draw the failing arrow red on the failing step with its error, and highlight findings[0].
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { buildConversations, Tracer } from '../../src/capture/index.js';
import type { CheckResult } from '../../src/check/model.js';
import { runCheck } from '../../src/check/run.js';
import { type EmbeddedLab, type EmbeddedScenario, startEmbeddedLab } from '../../src/embedded/index.js';
import { EventAnalysis } from '../../src/events/analyse.js';
import type { EventProblem } from '../../src/events/model.js';
import { type FileStats, readEventFile } from '../../src/events/source.js';
import { decodeKeytab } from '../../src/formats/index.js';
import { inspectEvidence } from '../../src/inspect/evidence.js';
import { KeySet } from '../../src/inspect/keys.js';
import { renderItem } from '../../src/report/decode-text.js';
import { escapeHtml } from '../../src/report/escape.js';
import { SCRIPT, SCRIPT_SHA256, STYLE, STYLE_SHA256 } from '../../src/report/html/document.js';
import {
  auditReport,
  isAdvice,
  renderCheckHtml,
  renderDecodeHtml,
  renderEventsHtml,
  renderTraceHtml,
} from '../../src/report/html/index.js';
import { evaluate } from '../../src/rules/index.js';
import { toHex } from '../../src/wire/encoding.js';
import { corpusPath as corpus, REPO_ROOT } from '../helpers/corpus.js';

const sample = (name: string) => join(REPO_ROOT, 'samples', name);

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

interface DrawnArrow {
  status: string;
  reply: boolean;
  n?: string;
  ref?: string;
  label: string;
}

/** The arrows of the diagram as drawn: status class, number, what they stand for, the visible label. */
function drawnArrows(html: string): DrawnArrow[] {
  const out: DrawnArrow[] = [];
  const re =
    /<g class="arrow a-(\w+)( reply)?" data-status="\w+"(?: data-n="([^"]*)")?(?: data-ref="([^"]*)")?>.*?<text class="label"[^>]*>([^<]*)<\/text><\/g>/g;
  for (const m of html.matchAll(re))
    out.push({
      status: m[1] as string,
      reply: !!m[2],
      ...(m[3] !== undefined ? { n: unescapeHtml(m[3]) } : {}),
      ...(m[4] !== undefined ? { ref: unescapeHtml(m[4]) } : {}),
      label: unescapeHtml(m[5] as string),
    });
  return out;
}

/** The page loads nothing: the audit, and independent greps for every way HTML/CSS/SVG fetch a resource. */
function assertSelfContained(html: string): void {
  assert.deepEqual(auditReport(html), []);
  assert.doesNotMatch(html, /\s(src|href|xlink:href|action|formaction|poster|srcset|data)\s*=\s*"?\s*(https?:|\/\/|file:|ftp:)/i);
  assert.doesNotMatch(html, /<(link|img|iframe|object|embed|base|audio|video|source|form|input)\b/i);
  assert.doesNotMatch(html, /url\(\s*['"]?(https?:|\/\/|data:|file:)/i);
  assert.doesNotMatch(html, /@import/i);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
  // every http:// or https:// left is text (escaped evidence), never inside a tag
  for (const m of html.matchAll(/https?:\/\//g)) {
    const before = html.slice(0, m.index);
    assert.ok(before.lastIndexOf('<') < before.lastIndexOf('>'), `a URL inside a tag at ${m.index}`);
  }
}

function rootCauses(html: string): string[] {
  return [...html.matchAll(/<article class="finding [^"]*\broot\b[^"]*" id="finding-(\d+)" data-finding="([^"]*)"/g)].map(
    (m) => `${m[1]} ${unescapeHtml(m[2] as string)}`,
  );
}

describe('HTML report: the page shell', () => {
  it("the CSP's hashes are the SHA-256 of the page's own style and script", () => {
    assert.equal(createHash('sha256').update(STYLE).digest('base64'), STYLE_SHA256);
    assert.equal(createHash('sha256').update(SCRIPT).digest('base64'), SCRIPT_SHA256);
  });

  it('the renderers bundle for the browser without Node built-ins (the web app renders the same pages)', async () => {
    const r = await build({
      entryPoints: [join(REPO_ROOT, 'src/report/html/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const js = r.outputFiles[0]?.text ?? '';
    assert.ok(js.includes('renderCheckHtml'));
    assert.doesNotMatch(js, /from ["']node:|require\(["']node:/);
  });

  it('the audit rejects what an unescaped page would hold', () => {
    const good = renderDecodeHtml({ items: [], findings: [] });
    assert.deepEqual(auditReport(good), []);
    for (const bad of [
      '<img src=x onerror=alert(1)>',
      '<script>alert(1)</script>',
      '<p onclick="x()">a</p>',
      '<a href="https://evil.example/">x</a>',
      '</style><style>body{background:url(http://x/)}</style>',
      '<p>\u202etxt</p>',
      '<svg><image href="http://x/"/></svg>',
      '<p title=unquoted>x</p>',
    ])
      assert.ok(auditReport(good.replace('<main>', `<main>${bad}`)).length > 0, bad);
  });
});

describe('HTML report: check against the embedded lab', { concurrency: false }, () => {
  const labs: EmbeddedLab[] = [];
  const results = new Map<string, CheckResult>();
  const scenarios: EmbeddedScenario[] = ['healthy', 'missing-spn', 'wrong-password', 'clock-skew-web', 'kdc-dropped'];
  before(async () => {
    for (const scenario of scenarios) {
      const lab = await startEmbeddedLab({ scenario });
      labs.push(lab);
      results.set(
        scenario,
        await runCheck({
          url: lab.url,
          user: lab.user,
          password: lab.password,
          dnsServer: lab.dnsServer,
          client: 'mit',
          timeoutMs: 1500,
          env: { KRB5_CONFIG: lab.krb5Conf, KRB5CCNAME: `FILE:${join(lab.dir, 'check-cc')}` },
        }),
      );
      await lab.stop();
    }
  });
  after(async () => {
    for (const l of labs) await l.stop().catch(() => undefined);
  });

  it('missing-spn: the red arrow is the reply of step 7 with KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN; spn-missing is the highlighted root cause', () => {
    const r = results.get('missing-spn') as CheckResult;
    const html = renderCheckHtml(r);
    assertSelfContained(html);
    const arrows = drawnArrows(html);
    const red = arrows.filter((a) => a.status === 'fail');
    assert.equal(red.length, 1, JSON.stringify(arrows, null, 1));
    assert.equal(red[0]?.ref, 'service-ticket');
    assert.ok(red[0]?.reply, 'the KDC answered: the reply is red');
    assert.match(red[0]?.label ?? '', /KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN/);
    // numbered like the text report's steps; the lifelines of the guidance's picture
    assert.deepEqual(
      arrows.filter((a) => a.n).map((a) => a.n),
      ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    );
    for (const lane of ['Client', 'DNS', 'DC/KDC', 'Web server']) assert.ok(html.includes(`>${escapeHtml(lane)}</text>`), lane);
    assert.equal(r.findings[0]?.id, 'spn-missing');
    assert.deepEqual(rootCauses(html), ['1 spn-missing']);
    assert.match(html, /<tr class="s-fail" id="step-service-ticket" data-step="service-ticket">/);
    assert.ok(html.includes(`<pre>${escapeHtml(`setspn -Q ${r.spn}`)}</pre><button type="button" class="copy"`));
    assert.match(html, /<details open><summary>7\. ✘ Service ticket/);
    // the fix lines an admin types are copyable <pre>s; the remarks and sentences are paragraphs
    const fix = r.findings[0]?.fix ?? [];
    assert.deepEqual(
      fix.filter((x) => !isAdvice(x)),
      fix.filter((x) => /^(setspn|klist|Resolve-DnsName) /.test(x)),
    );
    for (const x of fix) assert.ok(html.includes(isAdvice(x) ? `<p>${escapeHtml(x)}</p>` : `<pre>${escapeHtml(x)}</pre>`), x);
  });

  it('every scenario: the red arrows are exactly the failing steps, each carrying the KRB-ERROR the step got', () => {
    for (const [scenario, r] of results) {
      const html = renderCheckHtml(r);
      assertSelfContained(html);
      const red = drawnArrows(html).filter((a) => a.status === 'fail');
      const failing = r.steps.filter((s) => s.status === 'fail');
      assert.deepEqual(new Set(red.map((a) => a.ref)), new Set(failing.map((s) => s.id)), scenario);
      for (const s of failing) {
        const errs = s.facts.filter((f) => f.kind === 'krb-error');
        const e = errs[errs.length - 1];
        if (e && e.kind === 'krb-error')
          assert.ok(
            red.some((a) => a.ref === s.id && a.label.includes(`KRB-ERROR ${e.code} ${e.name}`)),
            `${scenario}: ${JSON.stringify(red)}`,
          );
      }
      const errors = r.findings.some((f) => f.severity === 'error');
      assert.equal(rootCauses(html).length, errors || r.findings[0]?.severity === 'warning' ? 1 : 0, scenario);
      if (errors) assert.match(html, /<p class="verdict bad">/);
    }
    assert.equal(drawnArrows(renderCheckHtml(results.get('healthy') as CheckResult)).filter((a) => a.status === 'fail').length, 0);
    // a KDC that drops: nothing answered, so the request itself is red and says so
    const dropped = drawnArrows(renderCheckHtml(results.get('kdc-dropped') as CheckResult)).filter((a) => a.status === 'fail');
    assert.ok(dropped.length >= 1 && dropped.every((a) => !a.reply), JSON.stringify(dropped));
  });
});

describe('HTML report: trace', () => {
  function trace(file: string) {
    const t = new Tracer({});
    t.push(new Uint8Array(readFileSync(file)));
    const r = t.finish();
    return { r, rows: t.rows };
  }

  it('a corpus capture of a password spray: the KRB-ERRORs are red arrows from the DC/KDC, labelled with their code and name', () => {
    const { r, rows } = trace(corpus('pcap/pcap-attack/CA_kerbrute_passwordspray_kerberos_AS-REQ.pcapng'));
    const html = renderTraceHtml(r, rows, { file: 'kerbrute.pcapng', conversations: buildConversations(r) });
    assertSelfContained(html);
    const arrows = drawnArrows(html);
    assert.equal(arrows.length, rows.length, 'one arrow per frame of the listing');
    const red = arrows.filter((a) => a.status === 'fail');
    assert.deepEqual(
      red.map((a) => a.ref),
      rows.filter((x) => x.failed).map((x) => `frame ${x.frame}`),
    );
    const first = red[0];
    assert.equal(first?.ref, 'frame 10');
    assert.match(first?.label ?? '', /KRB-ERROR 6 KDC_ERR_C_PRINCIPAL_UNKNOWN/);
    assert.ok(first?.reply, 'a reply from the KDC');
    assert.ok(
      red.some((a) => /KRB-ERROR 24 KDC_ERR_PREAUTH_FAILED/.test(a.label)),
      'a wrong password is red',
    );
    // PREAUTH_REQUIRED is the normal first answer: not red
    assert.ok(
      arrows.some((a) => a.status === 'ok' && /KRB-ERROR 25 KDC_ERR_PREAUTH_REQUIRED/.test(a.label)),
      'PREAUTH_REQUIRED is not red',
    );
    assert.match(html, /<tr class="s-fail" id="frame-10" data-frame="10">/);
    if (r.findings[0] && r.findings[0].severity !== 'info') assert.deepEqual(rootCauses(html), [`1 ${r.findings[0].id}`]);
    assert.match(html, /<h3>Kerberos messages \(31\)<\/h3>/);
  });

  it('the healthy sample: no red arrow (the 401 is the normal challenge of its conversation), DNS/KDC/web lanes from the messages', () => {
    const { r, rows } = trace(sample('mit-http-healthy.pcapng'));
    assert.ok(
      rows.some((x) => x.failed),
      'the listing marks the 401',
    );
    const html = renderTraceHtml(r, rows, { file: 'mit-http-healthy.pcapng', conversations: buildConversations(r) });
    assertSelfContained(html);
    const arrows = drawnArrows(html);
    assert.equal(arrows.filter((a) => a.status === 'fail').length, 0);
    assert.deepEqual(
      arrows.map((a) => a.label.split(' ')[0]),
      ['AS-REQ', 'KRB-ERROR', 'AS-REQ', 'AS-REP', 'A', 'AAAA', 'A', 'AAAA', 'GET', '401', 'TGS-REQ', 'TGS-REP', 'GET', '200'],
    );
    assert.match(html, /data-lane="dns">.*?>10\.201\.0\.10</s);
    assert.match(html, /data-lane="web">.*?>10\.201\.0\.11</s);
    assert.doesNotMatch(html, /data-lane="smb"/);
    assert.match(html, /<p class="verdict good">/);
  });

  it('a request nobody answered is a red arrow towards the KDC; an SMB capture gets its SMB server lifeline', () => {
    const u = trace(corpus('pcap/arkime/krb5-udp.pcap'));
    const red = drawnArrows(renderTraceHtml(u.r, u.rows)).filter((a) => a.status === 'fail');
    assert.equal(red.length, 1);
    assert.ok(!red[0]?.reply, 'nothing answered: the request is red');
    assert.match(red[0]?.label ?? '', /no reply/);
    const s = trace(corpus('pcap/zeek/krb/smb2_krb.pcap'));
    const html = renderTraceHtml(s.r, s.rows);
    assertSelfContained(html);
    assert.match(html, /data-lane="smb">.*?>SMB server</s);
    assert.ok(
      drawnArrows(html).some((a) => /AP-REQ for cifs\//.test(a.label)),
      'the SMB session setup is drawn',
    );
    assert.match(html, /<h2>Problems in the capture<\/h2>/);
  });
});

describe('HTML report: events', () => {
  it('a corpus EVTX (password spray): causes and findings ranked, findings[0] highlighted, the tables, every name escaped', () => {
    const file = corpus('evtx/evtx-attack-samples/kerberos_pwd_spray_4771.evtx');
    const problems: EventProblem[] = [];
    const a = new EventAnalysis({});
    const gen = readEventFile(file, problems);
    let next = gen.next();
    while (!next.done) {
      a.add(next.value);
      next = gen.next();
    }
    const report = a.report([next.value as FileStats], problems);
    const html = renderEventsHtml(report);
    assertSelfContained(html);
    assert.ok(report.findings.length > 1, 'several findings');
    assert.deepEqual(rootCauses(html), [`1 ${report.findings[0]?.id}`]);
    const ids = [...html.matchAll(/<article class="finding [^"]*" id="finding-\d+" data-finding="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(
      ids,
      report.findings.map((f) => f.id),
    );
    for (const acc of report.accounts) assert.ok(html.includes(`<td class="mono">${escapeHtml(acc.name)}</td>`), acc.name);
    assert.match(html, /<h2>Accounts \(failures and weak tickets\)<\/h2>/);
    // the causes drawn between the clients and the DC/KDC, numbered like the findings, the root cause first and red
    const arrows = drawnArrows(html);
    assert.equal(arrows.length, report.findings.length);
    assert.equal(arrows[0]?.ref, 'finding-1');
    assert.equal(arrows[0]?.status, report.findings[0]?.severity === 'error' ? 'fail' : 'warn');
    assert.ok(arrows[0]?.label.includes(`${report.findings[0]?.id} ×${report.findings[0]?.count ?? 1}`), arrows[0]?.label);
    assert.match(html, /Security:4771/);
  });
});

describe('HTML report: decode', () => {
  const keys = () => {
    const k = new KeySet();
    const kt = decodeKeytab(new Uint8Array(readFileSync(sample('mit-http.keytab'))));
    k.addKeytab(kt.entries, 'mit-http.keytab');
    return { k, hex: kt.entries.map((e) => toHex(e.key)) };
  };

  it('the KRB-ERROR sample: a red arrow from the web server with KRB-ERROR 37 KRB_AP_ERR_SKEW; the tree is the terminal tree', () => {
    const ev = [{ label: 'file mit-http-krb-error-skew.txt', text: readFileSync(sample('mit-http-krb-error-skew.txt'), 'utf8') }];
    const res = inspectEvidence(ev, new KeySet());
    const findings = evaluate(res.facts);
    const html = renderDecodeHtml({ items: res.items, unusable: res.unusable, findings });
    assertSelfContained(html);
    const red = drawnArrows(html).filter((a) => a.status === 'fail');
    assert.equal(red.length, 1);
    assert.ok(red[0]?.reply, 'the error is a reply');
    assert.equal(red[0]?.label, '✘ KRB-ERROR 37 KRB_AP_ERR_SKEW');
    const tree = renderItem(res.items[0] as never);
    const pre = /<details open><summary>[^<]*<\/summary><div class="body"><pre>([^<]*)<\/pre>/.exec(html)?.[1];
    assert.equal(unescapeHtml(pre ?? ''), tree.replace(/\n$/, ''));
    if (findings[0] && findings[0].severity !== 'info') assert.deepEqual(rootCauses(html), [`1 ${findings[0].id}`]);
  });

  it('an AP-REQ opened with the sample keytab: session key and keys masked as in the terminal, shown only with showSecrets', () => {
    const ev = [{ label: 'a', text: readFileSync(sample('mit-http-negotiate.txt'), 'utf8') }];
    const { k, hex } = keys();
    const masked = inspectEvidence(ev, k, {});
    const shown = inspectEvidence(ev, keys().k, { showSecrets: true });
    const sk = (shown.items[0] as { ticket?: { decrypted?: { sessionKey: { value: string } } } }).ticket?.decrypted?.sessionKey.value;
    assert.ok(sk && /^[0-9a-f]{32,}$/.test(sk), `the session key is opened: ${sk}`);
    const html = renderDecodeHtml({ items: masked.items, findings: evaluate(masked.facts) });
    assertSelfContained(html);
    const lower = html.toLowerCase();
    assert.ok(!lower.includes(sk), 'session key not in the masked page');
    for (const x of hex) assert.ok(!lower.includes(x), 'no keytab key in the page');
    assert.ok(
      html.includes(
        escapeHtml(
          renderItem(masked.items[0] as never)
            .split('\n')
            .find((l) => l.includes('session key')) ?? '??',
        ),
      ),
    );
    assert.ok(drawnArrows(html).some((a) => a.status === 'ok' && !a.reply && /AP-REQ HTTP\/iisserver\.contoso\.com/.test(a.label)));
    const revealed = renderDecodeHtml({ items: shown.items, findings: evaluate(shown.facts) });
    assert.ok(revealed.toLowerCase().includes(sk), 'with showSecrets the page shows what the terminal shows');
  });
});
