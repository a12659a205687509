/**
 * "iisserver.contoso.com": an HTTP server on loopback that speaks Negotiate (RFC 4559) with the acceptor in
 * acceptor.ts. No header → 401 `WWW-Authenticate: Negotiate`; a good AP-REQ → 200 with the mutual-authentication
 * AP-REP in `WWW-Authenticate: Negotiate <token>`; a bad one → 401 with the KRB-ERROR token, as IIS answers.
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

export async function startWebServer(o: AcceptorOptions & { host: string; port: number }): Promise<WebServer> {
  assertLoopback(o.host);
  const events: WebEvent[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const h = req.headers.authorization ?? '';
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
