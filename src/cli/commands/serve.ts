/**
 * `kerbscope serve`: the static web app (dist/web, built by scripts/build-web.mjs) on loopback only, until Ctrl-C or
 * SIGTERM. A static file server and nothing more: GET/HEAD of the app's own files, no directory listings, no path
 * outside dist/web (../ and encoded variants are refused), and a Host header check so a web page elsewhere cannot
 * reach it through a DNS name rebound to 127.0.0.1. The files themselves upload nothing (their CSP: connect-src 'none').
 */
import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import path from 'node:path';
import { escapeText } from '../../report/escape.js';
import { type Command, EXIT, UsageError } from '../command.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** The same policy as the page's meta tag, also as a header (a header also covers the worker script). */
export const SERVE_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A loopback address kerbscope may listen on: 127.0.0.0/8, ::1, or "localhost" (taken as 127.0.0.1). */
export function loopbackHost(host: string): string | undefined {
  if (host === 'localhost') return '127.0.0.1';
  if (isIP(host) === 4 && /^127\./.test(host)) return host;
  if (host === '::1' || host === '[::1]') return '::1';
  return undefined;
}

/** Where dist/web is: --dir, else beside the running CLI (dist/kerbscope.mjs → dist/web), else ./dist/web. */
function findWebRoot(dir: string | undefined): string {
  const candidates: string[] = [];
  if (dir) candidates.push(path.resolve(dir));
  else {
    const main = process.argv[1];
    if (main) {
      try {
        const real = realpathSync(main);
        candidates.push(path.join(path.dirname(real), 'web'), path.join(path.dirname(real), '../../dist/web'));
      } catch {
        // not a file: fall through
      }
    }
    candidates.push(path.resolve('dist/web'));
  }
  for (const c of candidates) {
    try {
      if (statSync(path.join(c, 'index.html')).isFile()) return realpathSync(c);
    } catch {
      // next
    }
  }
  throw new UsageError(
    `no web app at ${candidates.map((c) => escapeText(c)).join(' or ')} (build it: node scripts/build-web.mjs, or npm run build)`,
  );
}

/**
 * The file a request path names inside `root`, or undefined: only plain names, no `..`, no NUL, no backslash, no
 * dot-files, and the resolved path must stay inside root (symlinks included).
 */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let p: string;
  try {
    p = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
  if (p === '/' || p === '') p = '/index.html';
  if (p.includes('\0') || p.includes('\\')) return undefined;
  const parts = p.split('/').filter(Boolean);
  if (parts.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return undefined;
  const full = path.join(root, ...parts);
  try {
    const real = realpathSync(full);
    if (real !== root && !real.startsWith(root + path.sep)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8', head = false): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    'Content-Security-Policy': SERVE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : body);
}

/** Resolves on the first SIGINT/SIGTERM (the handlers are removed again, so a second Ctrl-C kills at once). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the web app (paste/drop evidence, reports in the browser, nothing uploaded) on 127.0.0.1',
  usage: 'kerbscope serve [--port N] [--host 127.0.0.1|::1] [--dir DIST_WEB]',
  examples: [
    'kerbscope serve                      # http://127.0.0.1:8088/ until Ctrl-C',
    'kerbscope serve --port 0             # any free port (printed)',
  ],
  allowPositionals: false,
  options: {
    port: { type: 'string', value: 'N', description: 'TCP port (default 8088; 0 = any free port)' },
    host: { type: 'string', value: 'ADDR', description: 'loopback address to listen on (default 127.0.0.1; nothing else is accepted)' },
    dir: { type: 'string', value: 'DIR', description: 'the built web app (default: dist/web beside the CLI)' },
  },
  async run(values, _positionals, io) {
    const portArg = (values.port as string | undefined) ?? '8088';
    const port = Number(portArg);
    if (!/^\d+$/.test(portArg) || port > 65535) throw new UsageError(`--port ${portArg}: not a TCP port (0-65535)`);
    const hostArg = (values.host as string | undefined) ?? '127.0.0.1';
    const host = loopbackHost(hostArg);
    if (!host)
      throw new UsageError(`--host ${hostArg}: kerbscope serves on loopback only (127.0.0.1, ::1, localhost), never on a network address`);
    const root = findWebRoot(values.dir as string | undefined);

    let bound = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      // a DNS name rebound to 127.0.0.1 arrives with its own Host: only our own loopback names are answered
      const hostHeader = (req.headers.host ?? '').toLowerCase();
      const okHosts = [`127.0.0.1:${bound}`, `localhost:${bound}`, `[::1]:${bound}`, `${host === '::1' ? '[::1]' : host}:${bound}`];
      if (!okHosts.includes(hostHeader)) {
        send(res, 421, 'wrong Host header: this server answers to its loopback address only\n');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        send(res, 405, 'method not allowed\n');
        return;
      }
      const file = resolveInside(root, req.url ?? '/');
      if (!file) {
        send(res, 404, 'not found\n', undefined, req.method === 'HEAD');
        return;
      }
      readFile(file).then(
        (body) => send(res, 200, body, TYPES[path.extname(file)] ?? 'application/octet-stream', req.method === 'HEAD'),
        () => send(res, 404, 'not found\n'),
      );
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
    } catch (e) {
      io.err(`kerbscope serve: cannot listen on ${hostArg}:${port} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return EXIT.UNUSABLE;
    }
    const addr = server.address();
    bound = typeof addr === 'object' && addr ? addr.port : port;
    const shown = host === '::1' ? `[::1]` : host;
    io.out(`kerbscope web app: http://${shown}:${bound}/  (serving ${escapeText(root)}; loopback only; Ctrl-C stops it)\n`);
    await untilSignal();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return EXIT.OK;
  },
};
