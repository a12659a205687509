/**
 * The embedded KDC on the network: UDP and TCP on one loopback address (RFC 4120 §7.2.1, §7.2.2). TCP carries each
 * message behind a 4-byte record mark (readTcpRecord/writeTcpRecord), and a stream may split or join records
 * anywhere. A UDP reply larger than `udpMax` is replaced by KRB_ERR_RESPONSE_TOO_BIG (52) so the client retries on
 * TCP, as Windows does above its 1465-byte MaxDatagramReplySize.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { decodeAsReq, decodeTgsReq, KrbErrorCode, writeTcpRecord } from '../protocol/krb5/index.js';
import { handleKdcMessage, type KdcEvent, type KdcOptions, krbError } from './kdc.js';
import { assertLoopback, bindUdp, closeAll, listenTcp } from './loopback.js';

/** Windows' default MaxDatagramReplySize (MS-KILE §3.3.5 / KB 244474). */
export const DEFAULT_UDP_MAX = 1465;
const MAX_TCP_RECORD = 1 << 20;

export interface KdcServer {
  host: string;
  port: number;
  events: (KdcEvent & { transport: 'udp' | 'tcp' })[];
  close(): Promise<void>;
}

function tooBig(bytes: Uint8Array, o: KdcOptions): Uint8Array {
  let sname: Parameters<typeof krbError>[2]['sname'];
  try {
    const tag = (bytes[0] ?? 0) & 0x1f;
    sname = (tag === 10 ? decodeAsReq(bytes) : decodeTgsReq(bytes)).reqBody.sname;
  } catch {
    sname = undefined;
  }
  return krbError(o.now(), KrbErrorCode.KRB_ERR_RESPONSE_TOO_BIG ?? 52, {
    realm: o.dir.realm,
    sname,
    text: 'Response too big for UDP, retry with TCP',
  });
}

/**
 * `silent`: a port that swallows packets, as behind a firewall that drops them: UDP datagrams go unanswered and TCP
 * connections are accepted but never answered (one process cannot drop a SYN: the handshake completes, then
 * nothing; the client's verdict is the same, a timeout).
 */
export async function startKdcServer(
  o: KdcOptions & { host: string; port: number; udpMax?: number; silent?: boolean; onEvent?: (e: KdcEvent) => void },
): Promise<KdcServer> {
  assertLoopback(o.host);
  const udpMax = o.udpMax ?? DEFAULT_UDP_MAX;
  const events: KdcServer['events'] = [];
  const sockets = new Set<Socket>();
  const tcp: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    let buf = new Uint8Array(0);
    s.on('data', (chunk: Buffer) => {
      if (o.silent) return;
      const joined = new Uint8Array(buf.length + chunk.length);
      joined.set(buf);
      joined.set(chunk, buf.length);
      buf = joined;
      while (buf.length >= 4) {
        const n = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0);
        if (n & 0x80000000 || n > MAX_TCP_RECORD) {
          // RFC 4120 §7.2.2: a reserved high bit or an absurd length: KRB_ERR_FIELD_TOOLONG and close
          s.end(writeTcpRecord(krbError(o.now(), KrbErrorCode.KRB_ERR_FIELD_TOOLONG ?? 61, { realm: o.dir.realm })));
          buf = new Uint8Array(0);
          return;
        }
        if (buf.length < 4 + n) break;
        const msg = buf.slice(4, 4 + n);
        buf = buf.slice(4 + n);
        const a = handleKdcMessage(msg, o);
        events.push({ ...a.event, transport: 'tcp' });
        o.onEvent?.(a.event);
        s.write(writeTcpRecord(a.bytes));
      }
    });
  });
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    if (o.silent) return;
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
    const a = handleKdcMessage(bytes, o);
    let out = a.bytes;
    if (out.length > udpMax) {
      out = tooBig(bytes, o);
      events.push({ ...a.event, reply: 'KRB-ERROR', errorCode: KrbErrorCode.KRB_ERR_RESPONSE_TOO_BIG ?? 52, transport: 'udp' });
    } else {
      events.push({ ...a.event, transport: 'udp' });
      o.onEvent?.(a.event);
    }
    udp.send(out, rinfo.port, rinfo.address);
  });
  const port = await listenTcp(tcp, o.port, o.host);
  try {
    await bindUdp(udp, port, o.host);
  } catch (e) {
    await closeAll([], tcp);
    throw e;
  }
  let closed = false;
  return {
    host: o.host,
    port,
    events,
    async close() {
      if (closed) return;
      closed = true;
      await closeAll(sockets, tcp, udp);
    },
  };
}
