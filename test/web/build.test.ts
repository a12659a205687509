/**
 * The web app's build (scripts/build-web.mjs): web/ typechecks with the DOM library (web/tsconfig.json), dist/web
 * holds exactly the app's files, none names another origin or calls a network API, and the page's CSP forbids
 * connections and foreign scripts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/corpus.js';

const WEB = path.join(REPO_ROOT, 'dist/web');

describe('web app build', () => {
  it('web/ typechecks with the DOM library', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'web/tsconfig.json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('builds index.html, app.js, worker.js and two stylesheets; no URL of another origin, no network call', () => {
    const r = spawnSync(process.execPath, ['scripts/build-web.mjs'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(WEB).sort(), ['app.css', 'app.js', 'index.html', 'report.css', 'worker.js']);
    const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    for (const d of ["default-src 'none'", "script-src 'self'", "worker-src 'self'", "connect-src 'none'", "form-action 'none'"])
      assert.ok(csp.includes(d), d);
    assert.doesNotMatch(csp, /unsafe-|https?:|\*/);
    for (const f of readdirSync(WEB)) {
      const text = readFileSync(path.join(WEB, f), 'utf8');
      for (const m of text.matchAll(/\b(?:https?|wss?):\/\/[^\s"'`)<]+/g))
        assert.ok(/^http:\/\/www\.w3\.org\//.test(m[0]) || m[0].includes('${'), `${f}: ${m[0]}`);
      assert.doesNotMatch(text, /\b(?:fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|importScripts)\s*\(/, f);
      assert.doesNotMatch(text, /\bnode:(?:crypto|fs|net|http)\b/, `${f}: a Node built-in left in the bundle`);
    }
  });
});
