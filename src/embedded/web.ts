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
import { constantTimeEqual } from '../crypto/bytes.js';
import { decodeInitialContextToken, GssOid } from '../protocol/gss/index.js';
import { decodeNegotiationToken, encodeNegotiationToken, MechTypeList } from '../protocol/gss/spnego.js';
import { hasNtlmSignature } from '../protocol/ntlm/messages.js';
import { encodeDer } from '../wire/asn1.js';
import { fromBase64, toBase64 } from '../wire/encoding.js';
import { type AcceptorOptions, acceptNegotiate } from './acceptor.js';
import { assertLoopback, closeAll, listenTcp } from './loopback.js';
import { NtlmServerContext, type NtlmServerOptions, ntlmFirstSignature } from './ntlm.js';

export interface WebEvent {
  authorization: 'none' | 'negotiate' | 'other';
  status: number;
  client?: string;
  errorCode?: number;
  text?: string;
  /** the mechanism the Negotiate exchange used (Kerberos unless said) */
  mech?: 'ntlm';
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
  /** NTLM inside Negotiate (and raw NTLMSSP in a Negotiate header), as IIS's Negotiate provider falls back to it */
  ntlm?: NtlmServerOptions;
}

interface NtlmConnection {
  ctx: NtlmServerContext;
  /** SPNEGO-wrapped (and then the DER of the client's mechTypes, which the mechListMICs sign) or raw NTLMSSP */
  spnego: boolean;
  mechTypes?: Uint8Array;
}

type NtlmOutcome =
  | { status: 401; token: Uint8Array; keepAlive: true }
  | { status: 200; token: Uint8Array; user: string }
  | { status: 401; text: string; keepAlive: false };

/**
 * One Negotiate token on a connection whose client chose NTLM (MS-SPNG §3.2.5.2: SPNEGO with NTLMSSP as the first
 * mechanism, or a bare NTLMSSP message as Windows sends when it knows Kerberos is out). undefined: not NTLM.
 */
function ntlmToken(
  token: Uint8Array,
  conn: NtlmConnection | undefined,
  o: NtlmServerOptions,
): { conn: NtlmConnection; outcome: NtlmOutcome } | undefined {
  let c = conn;
  let inner: Uint8Array | undefined;
  let clientMic: Uint8Array | undefined;
  try {
    if (hasNtlmSignature(token)) {
      c = c && !c.spnego ? c : { ctx: new NtlmServerContext(o), spnego: false };
      inner = token;
    } else if (token[0] === 0x60) {
      const t = decodeInitialContextToken(token);
      if (t.thisMech !== GssOid.SPNEGO) return undefined;
      const n = decodeNegotiationToken(t.innerToken);
      if (n.type !== 'negTokenInit' || n.value.mechTypes?.[0] !== GssOid.NTLMSSP || !n.value.mechToken) return undefined;
      c = { ctx: new NtlmServerContext(o), spnego: true, mechTypes: encodeDer(MechTypeList, n.value.mechTypes) };
      inner = n.value.mechToken;
    } else if (token[0] === 0xa1 && c?.spnego) {
      const n = decodeNegotiationToken(token);
      if (n.type !== 'negTokenResp' || !n.value.responseToken) return undefined;
      inner = n.value.responseToken;
      clientMic = n.value.mechListMIC;
    } else return undefined;
  } catch {
    return undefined;
  }
  const conn2 = c as NtlmConnection;
  const step = conn2.ctx.step(inner);
  const resp = (negState: 'accept-incomplete' | 'accept-completed', responseToken?: Uint8Array, mechListMIC?: Uint8Array) =>
    encodeNegotiationToken({
      type: 'negTokenResp',
      value: {
        negState,
        supportedMech: GssOid.NTLMSSP,
        ...(responseToken ? { responseToken } : {}),
        ...(mechListMIC ? { mechListMIC } : {}),
      },
    });
  if (step.kind === 'rejected') return { conn: conn2, outcome: { status: 401, text: step.text, keepAlive: false } };
  if (step.kind === 'challenge')
    return {
      conn: conn2,
      outcome: { status: 401, token: conn2.spnego ? resp('accept-incomplete', step.token) : step.token, keepAlive: true },
    };
  if (!conn2.spnego) return { conn: conn2, outcome: { status: 200, token: new Uint8Array(0), user: `${step.domain}\\${step.user}` } };
  // RFC 4178 §5 / MS-SPNG §3.3.5.1: a client's mechListMIC is checked with its keys and answered with the server's
  const k = step.session;
  const types = conn2.mechTypes ?? new Uint8Array(0);
  let mic: Uint8Array | undefined;
  if (clientMic) {
    if (!constantTimeEqual(clientMic, ntlmFirstSignature(k.clientSign, k.clientSeal, k.flags, types)))
      return { conn: conn2, outcome: { status: 401, text: 'the SPNEGO mechListMIC does not verify', keepAlive: false } };
    mic = ntlmFirstSignature(k.serverSign, k.serverSeal, k.flags, types);
  }
  return { conn: conn2, outcome: { status: 200, token: resp('accept-completed', undefined, mic), user: `${step.domain}\\${step.user}` } };
}

/** Apache's default LimitRequestFieldSize */
export const DEFAULT_MAX_FIELD_SIZE = 8190;

export async function startWebServer(o: WebOptions): Promise<WebServer> {
  assertLoopback(o.host);
  const events: WebEvent[] = [];
  const sockets = new Set<Socket>();
  const maxField = o.maxFieldSize ?? DEFAULT_MAX_FIELD_SIZE;
  const ntlmConns = new WeakMap<Socket, NtlmConnection>();
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
    const n = o.ntlm ? ntlmToken(token, ntlmConns.get(req.socket), o.ntlm) : undefined;
    if (n) {
      const out = n.outcome;
      if ('keepAlive' in out && out.keepAlive) ntlmConns.set(req.socket, n.conn);
      else ntlmConns.delete(req.socket);
      if (out.status === 200) {
        events.push({ authorization: 'negotiate', status: 200, client: out.user, mech: 'ntlm' });
        res.writeHead(200, {
          'WWW-Authenticate': out.token.length ? `Negotiate ${toBase64(out.token)}` : 'Negotiate',
          'Content-Type': 'text/plain',
        });
        res.end(`Hello ${out.user} (NTLM)\n`);
      } else if ('token' in out) {
        events.push({ authorization: 'negotiate', status: 401, mech: 'ntlm', text: 'NTLM CHALLENGE' });
        // kept open: the AUTHENTICATE must come on this connection
        res.writeHead(401, { 'WWW-Authenticate': `Negotiate ${toBase64(out.token)}`, 'Content-Type': 'text/plain' });
        res.end('Unauthorized\n');
      } else {
        events.push({ authorization: 'negotiate', status: 401, mech: 'ntlm', text: out.text });
        challenge(401, undefined, out.text);
      }
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
