// Bundles the CLI into one ESM file so `npx kerbscope` starts without resolving hundreds of modules,
// and the library entry for `import ... from 'kerbscope'`. Types come from `tsc` (npm run typecheck).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: true, logLevel: 'warning' };
// The CLI: the whole program as one CommonJS bundle, started by a small launcher that compiles it from a V8 code
// cache (src/cli/launch.ts: most of a short run is V8 compiling the bundle, and Node 20 has no compile cache).
await build({
  ...common,
  format: 'cjs',
  // smaller source: less to read, hash and deserialize at start-up (identifiers kept: stack traces stay readable)
  minifyWhitespace: true,
  minifySyntax: true,
  entryPoints: ['src/cli/bin.ts'],
  outfile: 'dist/kerbscope-core.cjs',
  define: { __KERBSCOPE_VERSION__: JSON.stringify(pkg.version) },
});
await build({ ...common, entryPoints: ['src/cli/launch.ts'], outfile: 'dist/kerbscope.mjs' });
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
// Browser-safety guard: the codecs must bundle for the browser without Node built-ins.
await build({ ...common, platform: 'browser', entryPoints: ['src/browser.ts'], outfile: 'dist/browser.js' });
await import('./build-web.mjs'); // the static web app (web/ → dist/web/)
