// The static web app (issue 12): web/ → dist/web/ (index.html, app.js, worker.js, report.css, app.css). No URL to
// anywhere else: the page loads its own four files and nothing after that (its CSP says connect-src 'none').
//
// The app uses the CLI's own core. Two swaps make it browser-safe: src/crypto/backend.ts (node:crypto) becomes
// web/crypto-backend.ts (pure TypeScript, same exports), and node:fs (only the file reader of src/events/source.ts,
// which the app never calls) becomes a stub that throws. Anything else from node:* fails the build.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/web');
const backend = path.join(root, 'src/crypto/backend.ts');

/** @type {import('esbuild').Plugin} */
const browserSwaps = {
  name: 'kerbscope-browser-swaps',
  setup(b) {
    b.onResolve({ filter: /backend\.js$/ }, (args) => {
      const p = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      return p === backend ? { path: path.join(root, 'web/crypto-backend.ts') } : undefined;
    });
    b.onResolve({ filter: /^node:fs$/ }, () => ({ path: 'node:fs', namespace: 'no-fs' }));
    b.onLoad({ filter: /.*/, namespace: 'no-fs' }, () => ({
      contents:
        "const no = () => { throw new Error('no file system in the browser'); };\n" +
        'export const openSync = no, fstatSync = no, readSync = no, closeSync = no, readFileSync = no, statSync = no;',
      loader: 'js',
    }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const common = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [browserSwaps],
};
await build({ ...common, entryPoints: [path.join(root, 'web/app.ts')], outfile: path.join(out, 'app.js') });
await build({ ...common, entryPoints: [path.join(root, 'web/worker.ts')], outfile: path.join(out, 'worker.js') });

// report.css: the --html report's own stylesheet (src/report/html/document.ts STYLE), so the reports look the same here
const doc = await build({
  entryPoints: [path.join(root, 'src/report/html/document.ts')],
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  write: false,
  logLevel: 'warning',
});
const mod = await import(`data:text/javascript;base64,${Buffer.from(doc.outputFiles[0].text).toString('base64')}`);
writeFileSync(path.join(out, 'report.css'), `${mod.STYLE.trim()}\n`);
copyFileSync(path.join(root, 'web/app.css'), path.join(out, 'app.css'));
copyFileSync(path.join(root, 'web/index.html'), path.join(out, 'index.html'));

// the promise of the page, checked on every build: no URL of another origin, no network API in the bundles
for (const f of ['index.html', 'app.js', 'worker.js', 'report.css', 'app.css']) {
  const text = readFileSync(path.join(out, f), 'utf8');
  // a literal URL (namespaces such as the SVG one are names, not fetched; `http://${host}` texts are report wording)
  for (const m of text.matchAll(/\b(?:https?|wss?):\/\/[^\s"'`)<]+/g))
    if (!/^https?:\/\/www\.w3\.org\//.test(m[0]) && !m[0].includes('${')) throw new Error(`dist/web/${f}: contains the URL ${m[0]}`);
  const api = /\b(?:fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|importScripts)\s*\(/.exec(text);
  if (api) throw new Error(`dist/web/${f}: calls ${api[0]}`);
}
