/**
 * One LDAP connection over TCP (RFC 4511 §5.2): messages out, messages in matched to their messageID, every wait bounded
 * by a timeout, and after a SASL bind with a security layer every message inside a SASL buffer (RFC 4752 §3.3).
 * Addresses only: kerbscope resolves names itself (src/net/dns.ts), never through the OS resolver.
 *
 * Hostile servers are data: garbage, a truncated message, a length beyond 16 MB, a Wrap token that does not verify,
 * all end the connection with an LdapError that says what and where, within the timeout.
 */
import { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ipVersion } from '../net/ip.js';
import {
  decodeLdapMessage,
  encodeLdapMessage,
  encodeSaslBuffer,
  Framer,
  type LdapMessage,
  ldapMessageLength,
  NOTICE_OF_DISCONNECTION,
  resultCodeName,
  saslBufferLength,
} from '../protocol/ldap/index.js';
import { DecodeError } from '../wire/errors.js';
import { type GssContext, SaslError, unwrapFromServer, wrapToServer } from './sasl-gssapi.js';

export type LdapErrorCode =
  | 'ERR_LDAP_CONNECT' // refused, unreachable
  | 'ERR_LDAP_TIMEOUT' // nothing (or not enough) within the timeout
  | 'ERR_LDAP_CLOSED' // the server closed the connection (maybe after a notice of disconnection)
  | 'ERR_LDAP_GARBAGE' // bytes that are not LDAP (DecodeError attached)
  | 'ERR_LDAP_SASL' // the bind or the security layer failed
  | 'ERR_LDAP_RESULT' // a result code other than success
  | 'ERR_LDAP_ADDRESS'; // a name where an address belongs

export class LdapError extends Error {
  override readonly name = 'LdapError';
  constructor(
    readonly code: LdapErrorCode,
    message: string,
    readonly detail: { resultCode?: number; decode?: DecodeError; cause?: unknown } = {},
  ) {
    super(message);
  }
}

interface Waiter {
  resolve(m: LdapMessage): void;
  reject(e: Error): void;
}

export class LdapConnection {
  private readonly sock: Socket;
  private framer = new Framer(ldapMessageLength);
  /** after a security layer: the LDAP stream inside the unwrapped SASL buffers (one buffer may carry several messages, Samba does) */
  private inner: Framer | undefined;
  private layer: { ctx: GssContext; sealed: boolean } | undefined;
  private readonly queues = new Map<number, LdapMessage[]>();
  private readonly waiters = new Map<number, Waiter>();
  private failure: LdapError | undefined;
  private nextId = 1;
  /** the server's notice of disconnection, if it sent one (RFC 4511 §4.4.1) */
  notice: LdapMessage | undefined;
  readonly peer: string;

  private constructor(
    sock: Socket,
    readonly address: string,
    readonly port: number,
    readonly timeoutMs: number,
  ) {
    this.sock = sock;
    this.peer = `${address}:${port}`;
    sock.on('data', (b: Buffer) => this.onData(new Uint8Array(b.buffer, b.byteOffset, b.length)));
    sock.on('error', (e: NodeJS.ErrnoException) =>
      this.fail(new LdapError('ERR_LDAP_CLOSED', `connection to ${this.peer} failed: ${e.code ?? e.message}`)),
    );
    sock.on('close', () => {
      const pending = this.framer.pending + (this.inner?.pending ?? 0);
      if (pending)
        this.fail(
          new LdapError(
            'ERR_LDAP_GARBAGE',
            `${this.peer} closed the connection in the middle of a message (${pending} bytes of an incomplete ${this.layer ? 'SASL buffer' : 'LDAPMessage'} at stream offset ${this.framer.offset})`,
          ),
        );
      else {
        const n = this.notice?.protocolOp;
        const why =
          n?.type === 'extendedResp'
            ? ` after a notice of disconnection: ${resultCodeName(n.resultCode)}${n.diagnosticMessage ? ` "${n.diagnosticMessage}"` : ''}`
            : '';
        this.fail(new LdapError('ERR_LDAP_CLOSED', `${this.peer} closed the connection${why}`));
      }
    });
  }

  /** Connects within `timeoutMs` (which also bounds every later wait for an answer). */
  static open(
    address: string,
    port: number,
    timeoutMs: number,
    tlsOpts?: { servername: string; ca?: Uint8Array | string },
  ): Promise<LdapConnection> {
    if (!ipVersion(address))
      return Promise.reject(new LdapError('ERR_LDAP_ADDRESS', `${address} is not an IP address (kerbscope resolves names itself)`));
    return new Promise((resolve, reject) => {
      const what = tlsOpts ? 'LDAPS' : 'LDAP';
      let sock: Socket;
      const timer = setTimeout(() => {
        sock.destroy();
        reject(
          new LdapError(
            'ERR_LDAP_TIMEOUT',
            `no ${tlsOpts ? 'TLS handshake' : 'answer to the TCP SYN'} from ${address}:${port} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const ready = () => {
        clearTimeout(timer);
        sock.removeAllListeners('error');
        sock.setNoDelay(true);
        resolve(new LdapConnection(sock, address, port, timeoutMs));
      };
      if (tlsOpts) {
        // LDAPS (RFC 4513 §3.1.3): the certificate must chain to a trusted CA (--ca-file, else the system's) and name
        // the DC; the IP address is only where we connect
        sock = tlsConnect(
          { host: address, port, servername: tlsOpts.servername, ...(tlsOpts.ca ? { ca: Buffer.from(tlsOpts.ca) } : {}) },
          ready,
        );
      } else {
        sock = new Socket();
        sock.connect(port, address, ready);
      }
      sock.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new LdapError(
            'ERR_LDAP_CONNECT',
            `cannot connect to ${what} at ${address}:${port}: ${e.code ?? e.message}${e.code && e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}`,
            { cause: e },
          ),
        );
      });
    });
  }

  /** From now on every message travels in a SASL buffer holding a Wrap token (sealed = confidentiality). */
  startSecurityLayer(ctx: GssContext, sealed: boolean): void {
    this.layer = { ctx, sealed };
    if (this.framer.pending)
      this.fail(
        new LdapError('ERR_LDAP_SASL', `${this.framer.pending} unexpected bytes from ${this.peer} before the security layer started`),
      );
    this.framer = new Framer(saslBufferLength);
    this.inner = new Framer(ldapMessageLength);
  }

  get securityLayer(): 'none' | 'integrity' | 'confidentiality' {
    return this.layer ? (this.layer.sealed ? 'confidentiality' : 'integrity') : 'none';
  }

  allocateId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
    return id;
  }

  send(m: LdapMessage): void {
    if (this.failure) throw this.failure;
    const bytes = encodeLdapMessage(m);
    this.sock.write(this.layer ? encodeSaslBuffer(wrapToServer(this.layer.ctx, bytes, this.layer.sealed)) : bytes);
  }

  /** The next message for `messageID`, or an LdapError (timeout, closed, garbage). */
  receive(messageID: number, timeoutMs = this.timeoutMs): Promise<LdapMessage> {
    const q = this.queues.get(messageID);
    const m = q?.shift();
    if (m) return Promise.resolve(m);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(messageID);
        reject(new LdapError('ERR_LDAP_TIMEOUT', `no answer to LDAP message ${messageID} from ${this.peer} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(messageID, {
        resolve: (x) => {
          clearTimeout(timer);
          resolve(x);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Sends an UnbindRequest (RFC 4511 §4.3) and closes; never throws. */
  async close(): Promise<void> {
    if (!this.failure && !this.sock.destroyed) {
      try {
        this.send({ messageID: this.allocateId(), protocolOp: { type: 'unbindRequest' } });
      } catch {
        // the connection is going anyway
      }
    }
    await new Promise<void>((r) => {
      if (this.sock.destroyed) return r();
      this.sock.end(() => r());
      setTimeout(r, 200).unref();
    });
    this.sock.destroy();
    this.fail(new LdapError('ERR_LDAP_CLOSED', 'the connection was closed'));
  }

  private onData(chunk: Uint8Array): void {
    if (this.failure) return;
    try {
      for (const frame of this.framer.push(chunk)) {
        if (!this.layer || !this.inner) {
          this.dispatch(decodeLdapMessage(frame));
          continue;
        }
        const plain = unwrapFromServer(this.layer.ctx, frame.subarray(4), 'wrap', this.layer.sealed);
        for (const m of this.inner.push(plain)) this.dispatch(decodeLdapMessage(m));
        if (this.failure) return;
      }
    } catch (e) {
      if (e instanceof DecodeError)
        this.fail(new LdapError('ERR_LDAP_GARBAGE', `${this.peer} sent bytes that are not LDAP: ${e.message}`, { decode: e }));
      else if (e instanceof SaslError) this.fail(new LdapError('ERR_LDAP_SASL', `security layer: ${e.message}`, { cause: e }));
      else this.fail(new LdapError('ERR_LDAP_GARBAGE', `${this.peer}: ${(e as Error).message}`, { cause: e }));
      this.sock.destroy();
    }
  }

  private dispatch(m: LdapMessage): void {
    if (m.messageID === 0) {
      // unsolicited: a notice of disconnection (RFC 4511 §4.4.1) ends everything in flight
      this.notice = m;
      const op = m.protocolOp;
      const text =
        op.type === 'extendedResp'
          ? `${op.responseName === NOTICE_OF_DISCONNECTION ? 'notice of disconnection' : `unsolicited ${op.responseName ?? 'response'}`}: ${resultCodeName(op.resultCode)}${op.diagnosticMessage ? ` "${op.diagnosticMessage}"` : ''}`
          : `an unsolicited ${op.type}`;
      this.fail(
        new LdapError('ERR_LDAP_CLOSED', `${this.peer} sent ${text}`, op.type === 'extendedResp' ? { resultCode: op.resultCode } : {}),
      );
      this.sock.destroy();
      return;
    }
    const w = this.waiters.get(m.messageID);
    if (w) {
      this.waiters.delete(m.messageID);
      w.resolve(m);
      return;
    }
    const q = this.queues.get(m.messageID) ?? [];
    if (q.length > 100_000) {
      this.fail(new LdapError('ERR_LDAP_GARBAGE', `${this.peer} sent more than 100000 unread messages for id ${m.messageID}`));
      this.sock.destroy();
      return;
    }
    q.push(m);
    this.queues.set(m.messageID, q);
  }

  private fail(e: LdapError): void {
    if (this.failure) return;
    this.failure = e;
    for (const [, w] of this.waiters) w.reject(e);
    this.waiters.clear();
  }
}
