/**
 * "iisserver.contoso.com": an HTTP server on loopback that speaks Negotiate (RFC 4559) with the acceptor in
 * acceptor.ts. No header → 401 `WWW-Authenticate: Negotiate`; a good AP-REQ → 200 with the mutual-authentication
 * AP-REP in `WWW-Authenticate: Negotiate <token>`; a bad one → 401 with the KRB-ERROR token, as IIS answers.
 *
 * Staged misconfigurations: `offer` 'NTLM' or 'Basic' (a site whose Windows Authentication providers list has no
 * Negotiate, or that has Basic authentication only: every request gets 401 with that scheme alone), and
 * `maxFieldSize`, Apache's LimitRequestFieldSize (IIS/HTTP.sys: MaxFieldLength): a longer header line gets
 * 400 "Size of a request header field exceeds server limit" before any authentication.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { fromBase64, toBase64 } from '../wire/encoding.js';
import { type AcceptorOptions, acceptNegotiate } from './acceptor.js';
import { assertLoopback, closeAll, listenTcp } from './loopback.js';

export interface WebEvent {
  authorization: 'none' | 'negotiate' | 'other';
  status: number;
  client?: string;
  errorCode?: number;
  text?: string;
}

export interface WebServer {
  host: string;
  port: number;
  events: WebEvent[];
  close(): Promise<void>;
}

export interface WebOptions extends AcceptorOptions {
  host: string;
  port: number;
  /** the one scheme the site offers (default Negotiate) */
  offer?: 'Negotiate' | 'NTLM' | 'Basic';
  /** longest header line accepted, name + ': ' + value (default: Apache's 8190) */
  maxFieldSize?: number;
}

/** Apache's default LimitRequestFieldSize */
export const DEFAULT_MAX_FIELD_SIZE = 8190;

export async function startWebServer(o: WebOptions): Promise<WebServer> {
  assertLoopback(o.host);
  const events: WebEvent[] = [];
  const sockets = new Set<Socket>();
  const maxField = o.maxFieldSize ?? DEFAULT_MAX_FIELD_SIZE;
  // Node's own limit (all headers together) is raised above ours, so that the field limit decides, as in Apache
  const server: Server = createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const line = `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`;
      if (line.length > maxField) {
        events.push({
          authorization: /^authorization$/i.test(req.rawHeaders[i] ?? '') ? 'negotiate' : 'other',
          status: 400,
          text: 'field too long',
        });
        res.writeHead(400, { 'Content-Type': 'text/plain', Connection: 'close' });
        res.end('Bad Request\nSize of a request header field exceeds server limit.\n');
        return;
      }
    }
    const h = req.headers.authorization ?? '';
    if (o.offer && o.offer !== 'Negotiate') {
      events.push({ authorization: h ? 'other' : 'none', status: 401 });
      res.writeHead(401, {
        'WWW-Authenticate': o.offer === 'Basic' ? `Basic realm="${o.realm}"` : 'NTLM',
        'Content-Type': 'text/plain',
        // kept open: NTLM is connection-bound, and a client whose NEGOTIATE got a bare "NTLM" on the same
        // connection gives up (on a new connection it would start over, again and again)
      });
      res.end('Unauthorized\n');
      return;
    }
    const m = /^Negotiate\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h);
    const challenge = (status: number, token?: Uint8Array, text = 'Unauthorized') => {
      res.writeHead(status, {
        'WWW-Authenticate': token ? `Negotiate ${toBase64(token)}` : 'Negotiate',
        'Content-Type': 'text/plain',
        Connection: 'close',
      });
      res.end(`${text}\n`);
    };
    if (!m?.[1]) {
      events.push({ authorization: h ? 'other' : 'none', status: 401 });
      challenge(401);
      return;
    }
    const token = fromBase64(m[1]);
    if (!token) {
      events.push({ authorization: 'negotiate', status: 400, text: 'bad base64' });
      res.writeHead(400, { Connection: 'close' }).end();
      return;
    }
    let r: ReturnType<typeof acceptNegotiate>;
    try {
      r = acceptNegotiate(token, o);
    } catch (e) {
      events.push({ authorization: 'negotiate', status: 500, text: String(e) });
      res.writeHead(500, { Connection: 'close' }).end();
      return;
    }
    if (r.status === 'accepted') {
      events.push({ authorization: 'negotiate', status: 200, client: r.client });
      res.writeHead(200, { 'WWW-Authenticate': `Negotiate ${toBase64(r.responseToken)}`, 'Content-Type': 'text/plain' });
      res.end(`Hello ${r.client}\n`);
      return;
    }
    events.push({ authorization: 'negotiate', status: 401, errorCode: r.code, text: r.text });
    challenge(401, r.responseToken, r.text);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listenTcp(server, o.port, o.host);
  let closed = false;
  return {
    host: o.host,
    port,
    events,
    async close() {
      if (closed) return;
      closed = true;
      await closeAll(sockets, server);
    },
  };
}
