/**
 * One SMB2 connection over direct TCP (MS-SMB2 §2.1, port 445): connect with a timeout, send framed messages, receive
 * whole frames. Like every kerbscope network client it connects only to IP literals (names are resolved by
 * kerbscope's own resolver, never handed to the OS: src/net/probe.ts, src/net/kdc.ts), and every wait is bounded.
 * A peer that sends garbage, closes early or never answers gives a coded error, never an exception.
 */
import { Socket } from 'node:net';
import { ipVersion } from '../net/ip.js';
import { encodeDirectTcp, SmbFramer } from '../protocol/smb2/framing.js';
import { DecodeError } from '../wire/errors.js';

export type SmbTransportError =
  | { code: 'not-an-address'; detail: string }
  | { code: 'tcp-refused'; detail: string }
  | { code: 'tcp-timeout'; detail: string }
  | { code: 'tcp-error'; detail: string }
  | { code: 'timeout'; detail: string }
  | { code: 'closed'; detail: string }
  | { code: 'bad-frame'; detail: string; error: DecodeError };

export class SmbConnection {
  private frames: Uint8Array[] = [];
  private waiter: ((v: { frame: Uint8Array } | { error: SmbTransportError }) => void) | undefined;
  private failure: SmbTransportError | undefined;
  private framer: SmbFramer;
  /** bytes received in all (for error messages) */
  received = 0;

  constructor(
    private readonly sock: Socket,
    maxFrame: number,
  ) {
    this.framer = new SmbFramer(maxFrame);
    sock.on('data', (d: Buffer) => this.onData(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
    sock.on('end', () =>
      this.fail({
        code: 'closed',
        detail: `the server closed the connection${this.framer.pending ? ` in the middle of a frame (${this.framer.pending} bytes of it received)` : ''}`,
      }),
    );
    sock.on('close', () => this.fail({ code: 'closed', detail: 'the connection was closed' }));
    sock.on('error', (e: NodeJS.ErrnoException) =>
      this.fail({
        code: e.code === 'ECONNRESET' ? 'closed' : 'tcp-error',
        detail: e.code === 'ECONNRESET' ? 'connection reset by the server (TCP RST)' : (e.code ?? e.message),
      }),
    );
  }

  private onData(d: Uint8Array): void {
    if (this.failure) return;
    this.received += d.length;
    try {
      for (const f of this.framer.push(d)) this.frames.push(f);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.fail({ code: 'bad-frame', detail: `not an SMB2 direct-TCP stream: ${e.message}`, error: e });
      this.sock.destroy();
      return;
    }
    this.wake();
  }

  private fail(e: SmbTransportError): void {
    if (!this.failure) this.failure = e;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    if (!w) return;
    const f = this.frames.shift();
    if (f) {
      this.waiter = undefined;
      w({ frame: f });
    } else if (this.failure) {
      this.waiter = undefined;
      w({ error: this.failure });
    }
  }

  send(payload: Uint8Array): void {
    if (!this.failure) this.sock.write(encodeDirectTcp(payload));
  }

  /** The next whole frame, or why there is none within timeoutMs. */
  receive(timeoutMs: number): Promise<{ frame: Uint8Array } | { error: SmbTransportError }> {
    const f = this.frames.shift();
    if (f) return Promise.resolve({ frame: f });
    if (this.failure) return Promise.resolve({ error: this.failure });
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiter = undefined;
          resolve({
            error: {
              code: 'timeout',
              detail: `no complete reply within ${Math.round(timeoutMs)} ms${this.framer.pending ? ` (${this.framer.pending} bytes of a frame received)` : ''}`,
            },
          });
        },
        Math.max(1, timeoutMs),
      );
      this.waiter = (v) => {
        clearTimeout(timer);
        resolve(v);
      };
    });
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Connects to address:port (an IP literal) within timeoutMs. */
export function smbConnect(
  address: string,
  port: number,
  timeoutMs: number,
  maxFrame = 1 << 20,
): Promise<{ conn: SmbConnection; ms: number } | { error: SmbTransportError; ms: number }> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  if (!ipVersion(address))
    return Promise.resolve({
      error: { code: 'not-an-address', detail: `${address} is not an IP address (kerbscope resolves names itself)` },
      ms: 0,
    });
  return new Promise((resolve) => {
    const sock = new Socket();
    let done = false;
    const finish = (v: { conn: SmbConnection } | { error: SmbTransportError }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if ('error' in v) sock.destroy();
      resolve({ ...v, ms: ms() });
    };
    const timer = setTimeout(
      () => finish({ error: { code: 'tcp-timeout', detail: `no answer to the TCP SYN within ${timeoutMs} ms` } }),
      Math.max(1, timeoutMs),
    );
    sock.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') finish({ error: { code: 'tcp-refused', detail: 'TCP RST (connection refused)' } });
      else if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH')
        finish({ error: { code: 'tcp-refused', detail: `ICMP unreachable (${e.code})` } });
      else finish({ error: { code: 'tcp-error', detail: e.code ?? e.message } });
    });
    sock.connect(port, address, () => {
      sock.setNoDelay(true);
      finish({ conn: new SmbConnection(sock, maxFrame) });
    });
  });
}
