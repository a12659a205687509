/**
 * The HTTP(S) side of `Invoke-WebRequest -UseDefaultCredentials` (RFC 7235 challenges, RFC 4559 Negotiate): one
 * request at a time on a kept-alive connection (Negotiate/NTLM authenticate the connection), to the address our
 * own resolver chose (so --dns-server applies), with the URL's host in Host/SNI. Every request has a timeout.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { ipVersion } from './ip.js';

export interface HttpResult {
  url: string;
  address: string;
  status?: number;
  /** every WWW-Authenticate value (a header may repeat) */
  wwwAuthenticate: string[];
  location?: string;
  error?: string;
  /** tls-server-end-point channel binding data (RFC 5929 §4) when HTTPS */
  tlsServerEndPoint?: Uint8Array;
  ms: number;
}

export interface HttpClient {
  request(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<HttpResult>;
  close(): void;
}

function endPointHash(cert: { raw?: Buffer; fingerprint256?: string } | undefined, x509?: X509Certificate): Uint8Array | undefined {
  if (!cert?.raw) return undefined;
  // RFC 5929 §4.1: the certificate's signature hash, MD5/SHA-1 upgraded to SHA-256
  const alg = /sha(384|512)/i.exec(x509?.toString() ?? '')?.[1];
  return new Uint8Array(
    createHash(alg ? `sha${alg}` : 'sha256')
      .update(cert.raw)
      .digest(),
  );
}

export function httpClient(address: string): HttpClient {
  const opts = { keepAlive: true, maxSockets: 1 };
  const agents = { http: new http.Agent(opts), https: new https.Agent({ ...opts, rejectUnauthorized: false }) };
  return {
    request(url, headers, timeoutMs) {
      const t0 = performance.now();
      const mod = url.protocol === 'https:' ? https : http;
      return new Promise((resolve) => {
        let done = false;
        const finish = (r: Omit<HttpResult, 'ms' | 'url' | 'address'>) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve({ url: url.href, address, ms: Math.round(performance.now() - t0), ...r });
        };
        // connect to the address our resolver chose (an IP literal: no name lookup, and node's isIP fast path);
        // the URL's host goes in Host and SNI
        const req = mod.request(
          {
            host: address,
            port: url.port || (url.protocol === 'https:' ? 443 : 80),
            path: `${url.pathname}${url.search}`,
            method: 'GET',
            headers: { Host: url.host, 'User-Agent': 'kerbscope-check', Accept: '*/*', ...headers },
            agent: url.protocol === 'https:' ? agents.https : agents.http,
            servername: ipVersion(url.hostname) ? undefined : url.hostname,
          },
          (res) => {
            const raw = res.rawHeaders;
            const www: string[] = [];
            for (let i = 0; i + 1 < raw.length; i += 2) if ((raw[i] ?? '').toLowerCase() === 'www-authenticate') www.push(raw[i + 1] ?? '');
            let tls: Uint8Array | undefined;
            const s = res.socket as TLSSocket;
            if (typeof s.getPeerCertificate === 'function') {
              try {
                tls = endPointHash(s.getPeerCertificate(), s.getPeerX509Certificate?.());
              } catch {
                tls = undefined;
              }
            }
            res.on('data', () => {});
            res.on('end', () =>
              finish({ status: res.statusCode, wwwAuthenticate: www, location: res.headers.location, tlsServerEndPoint: tls }),
            );
            res.on('error', (e) => finish({ status: res.statusCode, wwwAuthenticate: www, error: e.message }));
          },
        );
        const timer = setTimeout(() => {
          req.destroy();
          finish({ wwwAuthenticate: [], error: `no response within ${timeoutMs} ms` });
        }, timeoutMs);
        req.on('error', (e: NodeJS.ErrnoException) =>
          finish({ wwwAuthenticate: [], error: e.code === 'ECONNREFUSED' ? 'connection refused (TCP RST)' : (e.code ?? e.message) }),
        );
        req.end();
      });
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** MD5 of gss_channel_bindings_struct with tls-server-end-point application data (RFC 4121 §4.1.1.2, RFC 5929). */
export function channelBindingsHash(endPoint: Uint8Array): Uint8Array {
  const app = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.from(endPoint)]);
  const head = Buffer.alloc(20);
  head.writeUInt32LE(app.length, 16);
  return new Uint8Array(createHash('md5').update(head).update(app).digest());
}
