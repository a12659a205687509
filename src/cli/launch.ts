#!/usr/bin/env node
/**
 * The `kerbscope` executable: starts the bundled CLI (dist/kerbscope-core.cjs) from a V8 code cache.
 *
 * Most of a short run's time is V8 compiling the 750 KB bundle. Node 20 has no module compile cache
 * (module.enableCompileCache is Node 22), so this launcher compiles the bundle as a vm.Script with `cachedData`
 * and, when there was no usable cache, writes one on exit (it then also holds every function the run compiled).
 * V8 checks the cache against the source and its own version and flags and rejects a stale one, which is then
 * rewritten. The cache lives in $KERBSCOPE_CACHE_DIR, else $XDG_CACHE_HOME/kerbscope, else ~/.cache/kerbscope
 * (directory 0700, file 0600); KERBSCOPE_NO_CACHE=1 turns it off. Any failure to read or write it is ignored:
 * the CLI then simply compiles as usual.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const core = join(here, 'kerbscope-core.cjs');
const source = readFileSync(core, 'utf8').replace(/^#!.*/, '');

/** FNV-1a of what makes a cache valid here (V8 re-checks the source and flags itself). */
function tag(parts: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < parts.length; i++) h = Math.imul(h ^ parts.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

let cacheFile: string | undefined;
let cachedData: Buffer | undefined;
if (!process.env.KERBSCOPE_NO_CACHE) {
  try {
    const st = statSync(core);
    const dir = process.env.KERBSCOPE_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kerbscope');
    // one cache per command: each then holds the functions that command runs
    const command = /^[a-z-]{1,20}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
    cacheFile = join(dir, `core-${tag(`${process.version}|${process.arch}|${core}|${st.size}|${st.mtimeMs}`)}-${command}.v8`);
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
}

const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: core,
  ...(cachedData ? { cachedData } : {}),
});
if (cacheFile && (!cachedData || script.cachedDataRejected)) {
  const file = cacheFile;
  process.once('exit', () => {
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
    } catch {
      /* a read-only home or a full disk: run without a cache */
    }
  });
}
const module = { exports: {} };
(script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(core), module, core, here);
