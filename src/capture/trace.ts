/**
 * `kerbscope trace`'s engine: packets → messages (Kerberos, DNS, HTTP auth, LDAP/CLDAP, SMB2, DCE/RPC) → the shared
 * facts, so the one rulebook names the root cause. Pure and streaming: feed chunks of the file (any size) to
 * `push`, call `finish`; nothing here reads files, and memory does not grow with the capture's size (bulk payload
 * is counted, not copied).
 */
import { enctypeName } from '../crypto/index.js';
import type { CaptureFact } from '../facts/capture.js';
import type { Fact, Where } from '../facts/fact.js';
import { krbErrorFact } from '../facts/krb-error.js';
import { KeySet } from '../inspect/keys.js';
import { type InspectContext, inspectToken } from '../inspect/token.js';
import { decodeGssToken, type GssTokenResult } from '../protocol/gss/token.js';
import { type AuthHeaderName, parseAuthValue } from '../protocol/http/auth-header.js';
import { decodeKrb5Message, describeKrbError, findPaData, type Krb5Message } from '../protocol/krb5/index.js';
import { evaluate } from '../rules/index.js';
import { DecodeError } from '../wire/errors.js';
import {
  dcerpcAuth,
  dcerpcFrame,
  decodeLdapMessage,
  decodeNetlogonResponse,
  decodeTgtRequest,
  ldapFrame,
  looksLikeDcerpc,
  smbFrame,
  smbSecurityBlobs,
} from './carriers.js';
import { buildConversations } from './conversations.js';
import { DNS_RCODES, type DnsMessage, decodeDns } from './dns.js';
import { RecordFramer } from './framer.js';
import { type HttpHead, HttpStream, header, headers, looksLikeHttp } from './http.js';
import type {
  TraceConversation,
  TraceDnsMessage,
  TraceHttpMessage,
  TraceKerberosMessage,
  TraceProblem,
  TraceResult,
  TraceRow,
} from './model.js';
import { Defragmenter, ipPacket, linkPayload, type Transport, transport } from './packet.js';
import { CaptureReader, type RawPacket } from './pcap.js';
import { type Dir, type SegCtx, type StreamHandler, type TcpConn, TcpReassembler } from './tcp.js';

export interface TraceOptions {
  keys?: KeySet;
  showSecrets?: boolean;
  conversations?: boolean;
}

const KDC_PORTS = new Set([88, 464]);
const SERVICE_NAMES: Record<number, string> = {
  88: 'kerberos',
  464: 'kpasswd',
  389: 'ldap',
  3268: 'ldap',
  53: 'dns',
  445: 'smb',
  139: 'smb',
  80: 'http',
  8080: 'http',
  443: 'https',
  135: 'rpc',
};

const MSG_NAMES: Record<number, string> = {
  10: 'AS-REQ',
  11: 'AS-REP',
  12: 'TGS-REQ',
  13: 'TGS-REP',
  14: 'AP-REQ',
  15: 'AP-REP',
  30: 'KRB-ERROR',
  20: 'KRB-SAFE',
  21: 'KRB-PRIV',
  22: 'KRB-CRED',
};

/** ISO 8601 with the capture's sub-second digits (µs when the nanoseconds are whole microseconds). */
export function isoTime(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  const base = Number.isFinite(d.getTime()) ? d.toISOString().slice(0, 19) : '1970-01-01T00:00:00';
  const frac = nsec % 1000 === 0 ? String(nsec / 1000).padStart(6, '0') : String(nsec).padStart(9, '0');
  return `${base}.${frac}Z`;
}

interface PendingKdc {
  where: Where;
  client: string;
  kdc: string;
  port: number;
  transport: 'udp' | 'tcp';
  sec: number;
  nsec: number;
  /** an S4U request (MS-SFU): which step, between whom, as the request shows it */
  s4u?: { step: 's4u2self' | 's4u2proxy'; from: string; to: string; user: string };
}

/** cname-in-addl-tkt (KDC option bit 14, MS-SFU §2.2.3): the additional ticket's client is the requested one. */
const CNAME_IN_ADDL_TKT = 0x00020000;

/**
 * What a TGS-REQ says about S4U (MS-SFU §3.1.5): PA-FOR-USER (129) names the user of an S4U2Self request to the
 * requester's own name; cname-in-addl-tkt with an additional ticket is S4U2Proxy, the evidence ticket naming the
 * front end (its sname) and the back end in the request's sname.
 */
function s4uOf(k: Extract<Krb5Message, { name: 'TGS-REQ' }>): PendingKdc['s4u'] {
  const b = k.message.reqBody;
  const to = `${(b.sname?.nameString ?? []).join('/')}@${b.realm}`;
  const forUser = findPaData(k.message.padata, 129);
  if (forUser?.kind === 'value') {
    const v = forUser.value as { userName: { nameString: string[] }; userRealm: string };
    const user = `${v.userName.nameString.join('/')}@${v.userRealm}`;
    return { step: 's4u2self', from: user, to, user };
  }
  const evidence = b.additionalTickets?.[0];
  if (evidence && typeof b.kdcOptions === 'number' && b.kdcOptions & CNAME_IN_ADDL_TKT) {
    const front = `${evidence.sname.nameString.join('/')}@${evidence.realm}`;
    return { step: 's4u2proxy', from: front, to, user: '(in the evidence ticket)' };
  }
  return undefined;
}

interface PendingDns {
  where: Where;
  name: string;
  qtype: string;
  server: string;
  sec: number;
  nsec: number;
}

interface HttpConnState {
  conn: TcpConn;
  authSeen: boolean;
  /** requests waiting for their response (pipelining), with their http[] entry once emitted */
  queue: { head: HttpHead; ctx: SegCtx; entry: TraceHttpMessage; row: TraceRow; emitted: boolean; scheme?: string; headerBytes?: number }[];
}

export class Tracer {
  readonly messages: TraceKerberosMessage[] = [];
  readonly http: TraceHttpMessage[] = [];
  readonly dns: TraceDnsMessage[] = [];
  readonly problems: TraceProblem[] = [];
  readonly rows: TraceRow[] = [];
  readonly facts: Fact[] = [];
  private reader: CaptureReader;
  private defrag = new Defragmenter();
  private tcp: TcpReassembler;
  private ctx: InspectContext;
  private pendingKdc = new Map<string, PendingKdc[]>();
  private pendingDns = new Map<string, PendingDns>();
  private pendingCldap = new Map<string, { where: Where; server: string }>();
  private probes = new Set<string>();
  private last: SegCtx = { frame: 0, sec: 0, nsec: 0 };
  private dissectorErrors = 0;
  private linkTypes = new Set<number>();
  bytes = 0;

  constructor(private readonly opts: TraceOptions = {}) {
    this.reader = new CaptureReader((p) => this.packet(p));
    this.ctx = { keys: opts.keys ?? new KeySet(), sessionKeys: [], options: { showSecrets: opts.showSecrets } };
    this.tcp = new TcpReassembler({
      classify: (c, dir, first) => this.classify(c, dir, first),
      attempt: (c, outcome, ctx) => this.tcpAttempt(c, outcome, ctx),
      missing: (c, dir, bytes, ctx) => this.missing(c, dir, bytes, ctx),
    });
  }

  /** Feed the next bytes of the file. Throws NotACaptureError when the file is not a capture. */
  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.reader.push(chunk);
  }

  get packets(): number {
    return this.reader.packets;
  }

  /** True once the reader met damage it cannot read past (the rest of the file can be skipped). */
  get stopped(): boolean {
    return this.reader.done;
  }

  // ---- packets ---------------------------------------------------------------------------------------------

  /** Flow cache: the last two TCP 4-tuples seen in plain Ethernet/IPv4 frames (bulk transfers alternate data and ACKs). */
  private flows: { a: number; b: number; ports: number; key: string; conn: TcpConn; dir: Dir }[] = [];
  private lastLink = -1;

  private packet(p: RawPacket): void {
    const ctx: SegCtx = { frame: p.frame, sec: p.sec, nsec: p.nsec };
    this.last = ctx;
    if (p.linkType !== this.lastLink) {
      this.lastLink = p.linkType;
      this.linkTypes.add(p.linkType);
    }
    const d = p.data;
    // fast path: Ethernet · IPv4 without options or fragmentation · TCP without SYN/RST, of a flow seen just before
    let flowA = 0;
    let flowB = 0;
    let flowPorts = 0;
    const plain =
      p.linkType === 1 &&
      d.length >= 54 &&
      d[12] === 8 &&
      d[13] === 0 &&
      d[14] === 0x45 &&
      d[23] === 6 &&
      ((d[20] as number) & 0x3f) === 0 &&
      d[21] === 0;
    if (plain) {
      flowA = ((d[26] as number) << 24) | ((d[27] as number) << 16) | ((d[28] as number) << 8) | (d[29] as number);
      flowB = ((d[30] as number) << 24) | ((d[31] as number) << 16) | ((d[32] as number) << 8) | (d[33] as number);
      flowPorts = ((d[34] as number) << 24) | ((d[35] as number) << 16) | ((d[36] as number) << 8) | (d[37] as number);
      const flags = d[47] as number;
      const hl = ((d[46] as number) >> 4) * 4;
      if (!(flags & 6) && hl >= 20) {
        const swapped = (flowPorts >>> 16) | (flowPorts << 16);
        for (const e of this.flows) {
          let dir = -1;
          if (e.a === flowA && e.b === flowB && e.ports === flowPorts) dir = e.dir;
          else if (e.a === flowB && e.b === flowA && e.ports === swapped) dir = 1 - e.dir;
          if (dir < 0) continue;
          if (e.conn.closed) break;
          const total = ((d[16] as number) << 8) | (d[17] as number);
          const end = total === 0 ? d.length : Math.min(d.length, 14 + total);
          if (34 + hl > end) break;
          const seq = (((d[38] as number) << 24) | ((d[39] as number) << 16) | ((d[40] as number) << 8) | (d[41] as number)) >>> 0;
          const ack = (((d[42] as number) << 24) | ((d[43] as number) << 16) | ((d[44] as number) << 8) | (d[45] as number)) >>> 0;
          try {
            this.tcp.fast(e.key, e.conn, dir as Dir, flags, seq, ack, d.subarray(34 + hl, end), ctx);
          } catch (err) {
            this.dissectorProblem(ctx, 'tcp', err);
          }
          return;
        }
      }
    }
    let t: Transport;
    try {
      const l = linkPayload(p.linkType, p.data);
      if (!l) return;
      const ip = ipPacket(p.data, l.off, this.defrag, p.frame);
      if (!ip) return;
      t = transport(ip);
    } catch (e) {
      this.dissectorProblem(ctx, 'ip', e);
      return;
    }
    try {
      if (t.kind === 'tcp') {
        this.tcp.segment(t, ctx);
        const c = this.tcp.lastConn;
        if (plain && c && !c.closed) {
          const first = this.flows[0];
          if (!first || first.conn !== c)
            this.flows = [
              { a: flowA, b: flowB, ports: flowPorts, key: this.tcp.lastKey, conn: c, dir: this.tcp.lastDir },
              ...this.flows.slice(0, 1),
            ];
        }
      } else if (t.kind === 'udp') this.udp(t, ctx);
      else if (t.kind === 'unreachable') this.unreachable(t, ctx);
    } catch (e) {
      this.dissectorProblem(ctx, t.kind, e);
    }
  }

  private dissectorProblem(ctx: SegCtx, protocol: string, e: unknown): void {
    this.dissectorErrors++;
    if (this.dissectorErrors > 1000) return;
    const message = e instanceof Error ? e.message : String(e);
    this.problems.push({ kind: 'dissector', frame: ctx.frame, protocol, message });
    this.facts.push({
      kind: 'decode-error',
      where: this.where(ctx),
      code: e instanceof DecodeError ? e.code : 'ERR_DISSECTOR',
      message,
      ...(e instanceof DecodeError && e.field ? { field: e.field } : {}),
    });
  }

  private where(ctx: SegCtx): Where {
    return { label: `frame ${ctx.frame}`, frame: ctx.frame, time: new Date(ctx.sec * 1000 + Math.floor(ctx.nsec / 1e6)) };
  }

  private udp(t: Extract<Transport, { kind: 'udp' }>, ctx: SegCtx): void {
    const { sport, dport, payload } = t;
    if (!payload.length) return;
    const src = t.ip.src;
    const dst = t.ip.dst;
    if (sport === 53 || dport === 53 || sport === 5353 || dport === 5353 || sport === 5355 || dport === 5355) {
      this.dnsMessage(payload, ctx, src, dst, sport, dport);
      return;
    }
    if (KDC_PORTS.has(dport) || KDC_PORTS.has(sport)) {
      this.kdcPayload(payload, ctx, src, dst, sport, dport, 'udp');
      return;
    }
    if (sport === 389 || dport === 389) {
      this.cldap(payload, ctx, src, dst, sport, dport);
      return;
    }
    // Kerberos on another port: recognised by content (an APPLICATION tag whose length fills the datagram)
    if (krbByContent(payload)) this.kdcPayload(payload, ctx, src, dst, sport, dport, 'udp');
  }

  private unreachable(t: Extract<Transport, { kind: 'unreachable' }>, ctx: SegCtx): void {
    const q = t.quoted;
    if (q?.proto !== 17) return;
    const flow = `${q.src} ${q.sport} ${q.dst} ${q.dport}`;
    const detail = `ICMP ${t.port ? 'port' : 'destination'} unreachable (code ${t.code}) from ${t.ip.src}`;
    const kdc = this.pendingKdc.get(`udp ${flow}`);
    if (kdc?.length) {
      for (const k of kdc) this.kdcContact(k, 'refused', detail, ctx);
      this.pendingKdc.delete(`udp ${flow}`);
    } else if (KDC_PORTS.has(q.dport)) {
      this.facts.push({
        kind: 'kdc-contact',
        where: this.where(ctx),
        kdc: q.dst,
        address: q.dst,
        port: q.dport,
        transport: 'udp',
        outcome: 'refused',
        detail,
      });
    }
    if (q.dport === 53) {
      for (const [k, d] of this.pendingDns) {
        if (!k.startsWith(`${flow} `)) continue;
        this.pendingDns.delete(k);
        this.facts.push({
          kind: 'dns-lookup',
          where: d.where,
          name: d.name,
          qtype: d.qtype,
          server: d.server,
          outcome: 'unreachable',
          answers: [],
          source: 'dns',
          detail,
        });
      }
    }
    if (q.dport === 389) {
      const c = this.pendingCldap.get(flow);
      if (c) {
        this.pendingCldap.delete(flow);
        this.facts.push({ kind: 'cldap-ping', where: c.where, server: c.server, outcome: 'refused', detail });
      }
    }
    this.probe(q.dst, q.dport, 'udp', 'refused', ctx, detail);
    this.row(
      ctx,
      t.ip.src,
      t.ip.dst,
      'ICMP',
      `Destination unreachable (${t.port ? 'port unreachable' : `code ${t.code}`}) for UDP ${q.src}:${q.sport} → ${q.dst}:${q.dport}`,
      true,
    );
  }

  private probe(
    host: string,
    port: number,
    transport: 'tcp' | 'udp',
    outcome: 'open' | 'refused' | 'dropped',
    ctx: SegCtx,
    detail?: string,
  ): void {
    const key = `${host} ${port} ${transport} ${outcome}`;
    if (this.probes.has(key)) return;
    this.probes.add(key);
    const service = SERVICE_NAMES[port];
    this.facts.push({
      kind: 'port-probe',
      where: this.where(ctx),
      host,
      address: host,
      port,
      transport,
      ...(service ? { service } : {}),
      outcome,
      ...(detail ? { detail } : {}),
    });
  }

  // ---- TCP -------------------------------------------------------------------------------------------------

  private classify(c: TcpConn, dir: Dir, first: Uint8Array): StreamHandler | null {
    const sp = c.server.port;
    if (KDC_PORTS.has(sp) || krbTcpByContent(first)) return this.kdcStream(c);
    if (looksLikeHttp(first)) return this.httpStream(c);
    if (sp === 389 || sp === 3268) return this.ldapStream(c);
    if (sp === 445 || sp === 139 || (first.length >= 8 && first[0] === 0 && (first[4] === 0xfe || first[4] === 0xff) && first[5] === 0x53))
      return this.smbStream(c);
    if (sp === 53 && dir === 0) return this.dnsTcpStream(c);
    if (looksLikeDcerpc(first)) return this.dcerpcStream(c);
    if (first[0] === 0x30 && first.length > 8 && first[2] === 0x02 && (first[5] === 0x60 || first[5] === 0x63)) return this.ldapStream(c);
    return null;
  }

  private tcpAttempt(c: TcpConn, outcome: 'open' | 'refused' | 'dropped', ctx: SegCtx): void {
    const { addr, port } = c.server;
    this.probe(
      addr,
      port,
      'tcp',
      outcome,
      ctx,
      outcome === 'refused' ? 'RST in answer to SYN' : outcome === 'dropped' ? 'SYN never answered' : undefined,
    );
    if (outcome === 'open') return;
    const syn = c.syn ?? ctx;
    if (KDC_PORTS.has(port))
      this.facts.push({
        kind: 'kdc-contact',
        where: this.where(syn),
        kdc: addr,
        address: addr,
        port,
        transport: 'tcp',
        outcome: outcome === 'refused' ? 'refused' : 'no-answer',
        detail: outcome === 'refused' ? `RST in answer to the SYN (frame ${ctx.frame})` : 'SYN never answered',
      });
    this.row(
      outcome === 'refused' ? ctx : syn,
      outcome === 'refused' ? addr : c.client.addr,
      outcome === 'refused' ? c.client.addr : addr,
      'TCP',
      outcome === 'refused' ? `RST: connection to port ${port} refused` : `SYN to port ${port} never answered`,
      true,
    );
  }

  private missing(c: TcpConn, dir: Dir, bytes: number, ctx: SegCtx): void {
    const src = dir === 0 ? c.client : c.server;
    const dst = dir === 0 ? c.server : c.client;
    const protocol = SERVICE_NAMES[c.server.port] ?? 'tcp';
    if (c.missing[0] + c.missing[1] === bytes) {
      this.problems.push({
        kind: 'missing-segments',
        frame: ctx.frame,
        protocol,
        message: `${src.addr}:${src.port} → ${dst.addr}:${dst.port}: ${bytes} bytes the capture does not hold (segments lost before frame ${ctx.frame})`,
      });
    }
    const f: CaptureFact = {
      kind: 'capture-missing-segments',
      where: this.where(ctx),
      client: c.client.addr,
      server: c.server.addr,
      port: c.server.port,
      bytes,
      protocol,
    };
    this.facts.push(f);
  }

  private kdcStream(c: TcpConn): StreamHandler {
    const framers = ([0, 1] as const).map(
      (dir) =>
        new RecordFramer(
          (h) => {
            if (h.length < 4) return { more: 4 };
            const n = (((h[0] as number) << 24) | ((h[1] as number) << 16) | ((h[2] as number) << 8) | (h[3] as number)) >>> 0;
            if (n & 0x80000000 || n === 0) return { bad: 'not a Kerberos TCP record (RFC 4120 §7.2.2 length)' };
            return { total: 4 + n, keep: true };
          },
          (rec, ctx) => {
            const [src, dst] = dir === 0 ? [c.client, c.server] : [c.server, c.client];
            this.kdcPayload(rec.subarray(4), ctx, src.addr, dst.addr, src.port, dst.port, 'tcp');
          },
          4 << 20,
        ),
    );
    return {
      data: (dir, b, ctx) => framers[dir]?.data(b, ctx),
      gap: (dir, n) => framers[dir]?.gap(n),
      end: (ctx) => {
        // requests on this connection that got no reply
        const key = `tcp ${c.client.addr} ${c.client.port} ${c.server.addr} ${c.server.port}`;
        const pend = this.pendingKdc.get(key);
        if (pend?.length) {
          for (const k of pend)
            this.kdcContact(
              k,
              c.rst?.dir === 1 ? 'refused' : 'no-answer',
              c.rst?.dir === 1 ? `connection reset (frame ${c.rst.ctx.frame})` : 'no reply on the connection',
              ctx,
            );
          this.pendingKdc.delete(key);
        }
      },
    };
  }

  private dnsTcpStream(c: TcpConn): StreamHandler {
    const framers = ([0, 1] as const).map(
      (dir) =>
        new RecordFramer(
          (h) => (h.length < 2 ? { more: 2 } : { total: 2 + (((h[0] as number) << 8) | (h[1] as number)), keep: true }),
          (rec, ctx) => {
            const [src, dst] = dir === 0 ? [c.client, c.server] : [c.server, c.client];
            this.dnsMessage(rec.subarray(2), ctx, src.addr, dst.addr, src.port, dst.port);
          },
        ),
    );
    return { data: (dir, b, ctx) => framers[dir]?.data(b, ctx), gap: (dir, n) => framers[dir]?.gap(n), end: () => {} };
  }

  private ldapStream(c: TcpConn): StreamHandler {
    const framers = ([0, 1] as const).map(
      (dir) =>
        new RecordFramer(ldapFrame, (rec, ctx) => {
          const [src, dst] = dir === 0 ? [c.client, c.server] : [c.server, c.client];
          this.ldapMessage(rec, ctx, src.addr, dst.addr);
        }),
    );
    return { data: (dir, b, ctx) => framers[dir]?.data(b, ctx), gap: (dir, n) => framers[dir]?.gap(n), end: () => {} };
  }

  private smbStream(c: TcpConn): StreamHandler {
    const framers = ([0, 1] as const).map(
      (dir) =>
        new RecordFramer(
          smbFrame,
          (rec, ctx) => {
            const [src, dst] = dir === 0 ? [c.client, c.server] : [c.server, c.client];
            for (const s of smbSecurityBlobs(rec)) {
              const what = s.command === 1 || s.command === 0x73 ? 'SESSION_SETUP' : 'NEGOTIATE';
              const status = s.response ? ` status 0x${(s.status >>> 0).toString(16).padStart(8, '0')}` : '';
              if (!s.blob.length) {
                if (what === 'SESSION_SETUP')
                  this.row(
                    ctx,
                    src.addr,
                    dst.addr,
                    s.dialect.toUpperCase(),
                    `${what} ${s.response ? 'Response' : 'Request'}${status}`,
                    s.response && s.status !== 0 && s.status !== 0xc0000016,
                  );
                continue;
              }
              const r = this.token(s.blob, ctx, src.addr, dst.addr, 'smb2', s.response ? 'response' : 'request', undefined);
              const failed = s.response && s.status !== 0 && s.status !== 0xc0000016;
              this.row(
                ctx,
                src.addr,
                dst.addr,
                s.dialect.toUpperCase(),
                `${what} ${s.response ? 'Response' : 'Request'}${status}${r.summary ? `, ${r.summary}` : ''}`,
                failed,
              );
            }
          },
          1 << 20,
        ),
    );
    return { data: (dir, b, ctx) => framers[dir]?.data(b, ctx), gap: (dir, n) => framers[dir]?.gap(n), end: () => {} };
  }

  private dcerpcStream(c: TcpConn): StreamHandler {
    const framers = ([0, 1] as const).map(
      (dir) =>
        new RecordFramer(dcerpcFrame, (rec, ctx) => {
          const [src, dst] = dir === 0 ? [c.client, c.server] : [c.server, c.client];
          const a = dcerpcAuth(rec);
          if (!a?.token.length) return;
          const names: Record<number, string> = {
            11: 'Bind',
            12: 'Bind_ack',
            13: 'Bind_nak',
            14: 'Alter_context',
            15: 'Alter_context_resp',
            16: 'AUTH3',
          };
          const r = this.token(a.token, ctx, src.addr, dst.addr, 'dcerpc', dir === 0 ? 'request' : 'response', undefined);
          this.row(
            ctx,
            src.addr,
            dst.addr,
            'DCERPC',
            `${names[a.ptype] ?? `ptype ${a.ptype}`} auth_type ${a.authType}${r.summary ? `, ${r.summary}` : ''}`,
          );
        }),
    );
    return { data: (dir, b, ctx) => framers[dir]?.data(b, ctx), gap: (dir, n) => framers[dir]?.gap(n), end: () => {} };
  }

  // ---- Kerberos --------------------------------------------------------------------------------------------

  /** A KDC exchange payload (UDP datagram or TCP record); kpasswd (RFC 3244) framing on 464. */
  private kdcPayload(b: Uint8Array, ctx: SegCtx, src: string, dst: string, sport: number, dport: number, tr: 'udp' | 'tcp'): void {
    let msgs: Uint8Array[] = [b];
    if ((sport === 464 || dport === 464) && b.length >= 6 && b[0] !== undefined && (b[0] & 0xe0) !== 0x60) {
      // RFC 3244 §2: message length u16 · version u16 (1, or 0xff80 for the set-password extension) · AP-REQ/AP-REP length u16 · AP-REQ · KRB-PRIV
      const apLen = ((b[4] as number) << 8) | (b[5] as number);
      msgs = [b.subarray(6, 6 + apLen), b.subarray(6 + apLen)].filter((x) => x.length);
    }
    for (const m of msgs) {
      let k: Krb5Message;
      try {
        k = decodeKrb5Message(m);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        if (KDC_PORTS.has(sport) || KDC_PORTS.has(dport)) this.dissectorProblem(ctx, 'kerberos', e);
        continue;
      }
      this.kdcMessage(k, ctx, src, dst, sport, dport, tr);
    }
  }

  private kdcMessage(k: Krb5Message, ctx: SegCtx, src: string, dst: string, sport: number, dport: number, tr: 'udp' | 'tcp'): void {
    const where = this.where(ctx);
    const rec = this.krbRecord(k, ctx, src, dst, tr);
    if (!rec) return;
    const fromClient = KDC_PORTS.has(dport) || (!KDC_PORTS.has(sport) && (k.msgType === 10 || k.msgType === 12));
    const flowKey = fromClient ? `${tr} ${src} ${sport} ${dst} ${dport}` : `${tr} ${dst} ${dport} ${src} ${sport}`;
    if (k.name === 'AS-REQ' || k.name === 'TGS-REQ') {
      const b = k.message.reqBody;
      this.facts.push({
        kind: 'kdc-request',
        where,
        msgType: k.msgType as 10 | 12,
        realm: b.realm,
        sname: b.sname?.nameString ?? [],
        ...(b.cname ? { cname: b.cname.nameString } : {}),
        etypes: b.etype,
        padataTypes: (k.message.padata ?? []).map((p) => p.padataType),
        ...(typeof b.kdcOptions === 'number' ? { kdcOptions: b.kdcOptions } : {}),
        kdc: dst,
      });
      const list = this.pendingKdc.get(flowKey) ?? [];
      const s4u = k.name === 'TGS-REQ' ? s4uOf(k) : undefined;
      list.push({ where, client: src, kdc: dst, port: dport, transport: tr, sec: ctx.sec, nsec: ctx.nsec, ...(s4u ? { s4u } : {}) });
      this.pendingKdc.set(flowKey, list);
      return;
    }
    // a reply answers the oldest request of its flow
    const pend = this.pendingKdc.get(flowKey);
    if (pend?.length) {
      const q = pend.shift() as PendingKdc;
      this.kdcContact(q, 'answered', undefined, ctx);
      if (!pend.length) this.pendingKdc.delete(flowKey);
      if (q.s4u) this.s4uHop(q.s4u, k, where);
    }
    if (k.name === 'AS-REP' || k.name === 'TGS-REP') {
      const r = k.message;
      this.facts.push({
        kind: 'kdc-reply',
        where,
        msgType: k.msgType as 11 | 13,
        crealm: r.crealm,
        cname: r.cname.nameString,
        realm: r.ticket.realm,
        sname: r.ticket.sname.nameString,
        ticketEnctype: r.ticket.encPart.etype,
        ...(r.ticket.encPart.kvno !== undefined ? { ticketKvno: r.ticket.encPart.kvno } : {}),
        encPartEnctype: r.encPart.etype,
        ticketBytes: r.ticket.encPart.cipher.length,
      });
    } else if (k.name === 'KRB-ERROR') {
      this.facts.push(krbErrorFact(where, k.message, 'kdc'));
    }
  }

  /** The S4U hop a reply completes: a ticket (and for S4U2Self whose), or the KDC's error. */
  private s4uHop(s: NonNullable<PendingKdc['s4u']>, k: Krb5Message, where: Where): void {
    if (k.name === 'TGS-REP') {
      const client = `${k.message.cname.nameString.join('/')}@${k.message.crealm}`;
      const forUser = s.step !== 's4u2self' || client.toLowerCase() === s.user.toLowerCase();
      this.facts.push({
        kind: 'delegation-hop',
        where,
        step: s.step,
        from: s.from,
        to: s.to,
        user: client,
        ok: forUser,
        ...(forUser ? {} : { errorName: 'PA-FOR-USER ignored' }),
        detail: forUser
          ? `${s.step === 's4u2self' ? 'evidence ticket' : 'ticket'} to ${s.to} for ${client} (TGS-REP)`
          : `the KDC issued a ticket for ${client}, not for ${s.user}: it ignored PA-FOR-USER (no S4U2Self support)`,
      });
    } else if (k.name === 'KRB-ERROR') {
      const e = k.message;
      const name = describeKrbError(e).name;
      this.facts.push({
        kind: 'delegation-hop',
        where,
        step: s.step,
        from: s.from,
        to: s.to,
        user: s.user,
        ok: false,
        errorCode: e.errorCode,
        errorName: name,
        ...(e.eText ? { eText: e.eText } : {}),
        detail: `the KDC refused ${s.step === 's4u2self' ? 'S4U2Self' : 'S4U2Proxy'}: ${name} (${e.errorCode})${e.eText ? `: ${e.eText}` : ''}`,
      });
    }
  }

  private kdcContact(q: PendingKdc, outcome: 'answered' | 'no-answer' | 'refused', detail: string | undefined, ctx: SegCtx): void {
    const ms = Math.round((ctx.sec - q.sec) * 1000 + (ctx.nsec - q.nsec) / 1e6);
    this.facts.push({
      kind: 'kdc-contact',
      where: q.where,
      kdc: q.kdc,
      address: q.kdc,
      port: q.port,
      transport: q.transport,
      outcome,
      ...(detail ? { detail } : {}),
      ...(outcome !== 'no-answer' ? { ms } : {}),
    });
    if (outcome === 'no-answer')
      this.rows.push({
        frame: q.where.frame ?? 0,
        time: isoTime(Math.floor((q.where.time?.getTime() ?? 0) / 1000), ((q.where.time?.getTime() ?? 0) % 1000) * 1e6),
        src: q.client,
        dst: q.kdc,
        protocol: 'KerberosV5',
        summary: 'no reply to this request',
        failed: true,
      });
  }

  /** The messages[] entry and the listing row of one Kerberos message. */
  private krbRecord(
    k: Krb5Message,
    ctx: SegCtx,
    src: string,
    dst: string,
    tr: TraceKerberosMessage['transport'],
  ): TraceKerberosMessage | undefined {
    const rec: TraceKerberosMessage = {
      frame: ctx.frame,
      time: isoTime(ctx.sec, ctx.nsec),
      src,
      dst,
      transport: tr,
      msgType: k.msgType,
      msgName: k.name,
    };
    let summary = '';
    let failed = false;
    switch (k.name) {
      case 'AS-REQ':
      case 'TGS-REQ': {
        const b = k.message.reqBody;
        rec.realm = b.realm;
        if (b.sname) rec.sname = b.sname.nameString;
        if (b.cname) rec.cname = b.cname.nameString;
        rec.etypes = b.etype;
        rec.padataTypes = (k.message.padata ?? []).map((p) => p.padataType);
        summary = `${k.name === 'AS-REQ' ? 'AS Request' : 'TGS Request'} Realm: ${b.realm}${b.cname ? ` Cname: ${b.cname.nameString.join('/')}` : ''} Sname: ${(b.sname?.nameString ?? []).join('/')}`;
        break;
      }
      case 'AS-REP':
      case 'TGS-REP': {
        const r = k.message;
        // the ticket's realm, as tshark's kerberos.realm; the client's realm beside it
        rec.realm = r.ticket.realm;
        rec.crealm = r.crealm;
        rec.cname = r.cname.nameString;
        rec.sname = r.ticket.sname.nameString;
        rec.etypes = [r.ticket.encPart.etype, r.encPart.etype];
        if (r.ticket.encPart.kvno !== undefined) rec.kvno = r.ticket.encPart.kvno;
        summary = `${k.name === 'AS-REP' ? 'AS Response' : 'TGS Response'} Cname: ${r.cname.nameString.join('/')} Ticket: Realm: ${r.ticket.realm}, Sname: ${r.ticket.sname.nameString.join('/')} (${enctypeName(r.ticket.encPart.etype)})`;
        break;
      }
      case 'KRB-ERROR': {
        const e = k.message;
        const d = describeKrbError(e);
        rec.realm = e.realm;
        rec.sname = e.sname.nameString;
        if (e.cname) rec.cname = e.cname.nameString;
        rec.errorCode = e.errorCode;
        rec.errorName = d.name;
        if (e.eText) rec.eText = e.eText;
        summary = `KRB Error: ${d.name} (${e.errorCode}) Realm: ${e.realm} Sname: ${e.sname.nameString.join('/')}${d.ntStatus?.statusName ? ` NTSTATUS: ${d.ntStatus.statusName}` : ''}${e.eText ? ` "${e.eText}"` : ''}`;
        failed = !d.normal;
        break;
      }
      case 'AP-REQ': {
        const t = k.message.ticket;
        rec.realm = t.realm;
        rec.sname = t.sname.nameString;
        rec.etypes = [t.encPart.etype];
        if (t.encPart.kvno !== undefined) rec.kvno = t.encPart.kvno;
        summary = `AP Request Ticket: Realm: ${t.realm}, Sname: ${t.sname.nameString.join('/')} (${enctypeName(t.encPart.etype)}${t.encPart.kvno !== undefined ? `, kvno ${t.encPart.kvno}` : ''})`;
        break;
      }
      case 'AP-REP':
        rec.etypes = [k.message.encPart.etype];
        summary = 'AP Response (mutual authentication)';
        break;
      default:
        if (!MSG_NAMES[k.msgType]) return undefined;
        summary = k.name;
    }
    this.messages.push(rec);
    if (tr === 'udp' || tr === 'tcp') this.row(ctx, src, dst, 'KerberosV5', summary, failed);
    return rec;
  }

  // ---- GSS tokens in HTTP / SMB / LDAP / DCE-RPC --------------------------------------------------------

  /** Decodes a security token: messages[] entries for the Kerberos messages inside, facts through inspectToken. */
  private token(
    bytes: Uint8Array,
    ctx: SegCtx,
    src: string,
    dst: string,
    carrier: 'http' | 'smb2' | 'ldap' | 'dcerpc' | 'dns',
    direction: 'request' | 'response',
    auth: { header: AuthHeaderName; scheme: string } | undefined,
  ): { mechanism: string; summary: string; message?: string } {
    let g: GssTokenResult | undefined;
    try {
      g = decodeGssToken(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
    const label = `frame ${ctx.frame}`;
    const { facts } = inspectToken(
      bytes,
      {
        label,
        encoding: carrier === 'http' ? 'base64' : 'binary',
        bytes: bytes.length,
        direction,
        ...(auth ? { header: auth.header, scheme: auth.scheme } : carrier !== 'http' ? { header: carrier.toUpperCase() } : {}),
      },
      this.ctx,
    );
    const where = this.where(ctx);
    // MS-KILE user-to-user: a krb5 token with TOK_ID 04 00 (KERB-TGT-REQUEST), which the GSS layer does not decode
    let tgtReq: Uint8Array | undefined;
    const framing = g?.layers.filter((l) => l.kind === 'gss-framing').at(-1);
    if (
      g?.error &&
      framing &&
      g.error.field === 'TOK_ID' &&
      g.error.offset !== undefined &&
      bytes[g.error.offset] === 4 &&
      bytes[g.error.offset + 1] === 0
    )
      tgtReq = bytes.subarray(g.error.offset + 2, Math.min(bytes.length, framing.offset + framing.length));
    for (const f of facts) {
      if (tgtReq && f.kind === 'decode-error') continue;
      const x = { ...f, where: { ...where, ...(f.where.offset !== undefined ? { offset: f.where.offset } : {}) } } as Fact;
      if (x.kind === 'ap-req' && carrier !== 'http') (x as { carrier: string }).carrier = 'binary';
      this.facts.push(x);
    }
    if (!g) return { mechanism: 'unknown', summary: 'undecodable token' };
    const parts: string[] = [];
    let message: string | undefined;
    const layers: (GssTokenResult['layers'][number] | { kind: 'tgt-req'; body: Uint8Array })[] = [...g.layers];
    if (tgtReq) layers.push({ kind: 'tgt-req', body: tgtReq });
    for (const l of layers) {
      if (l.kind === 'tgt-req') {
        try {
          const t = decodeTgtRequest(l.body);
          this.messages.push({
            frame: ctx.frame,
            time: isoTime(ctx.sec, ctx.nsec),
            src,
            dst,
            transport: carrier,
            msgType: t.msgType,
            msgName: 'TGT-REQ',
            ...(t.realm ? { realm: t.realm } : {}),
            ...(t.sname ? { sname: t.sname } : {}),
          });
          message = 'TGT-REQ';
          parts.push(`TGT-REQ (user-to-user)${t.realm ? ` realm ${t.realm}` : ''}`);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      } else if (l.kind === 'krb5-message') {
        const r = this.krbRecord(l.decoded, ctx, src, dst, carrier);
        message = l.name === 'KRB-ERROR' && r?.errorCode !== undefined ? `KRB-ERROR ${r.errorCode}` : l.name;
        parts.push(
          l.name === 'KRB-ERROR' && r
            ? `KRB-ERROR ${r.errorName ?? ''} (${r.errorCode})`
            : l.name === 'AP-REQ' && r
              ? `AP-REQ for ${(r.sname ?? []).join('/')}@${r.realm ?? ''}`
              : l.name,
        );
      } else if (l.kind === 'ntlmssp') {
        const n = ['', 'NEGOTIATE', 'CHALLENGE', 'AUTHENTICATE'][l.message.messageType] ?? String(l.message.messageType);
        message = `NTLM ${n}`;
        const m = l.message;
        parts.push(
          m.messageType === 3 ? `NTLMSSP AUTHENTICATE ${m.domainName ? `${m.domainName}\\` : ''}${m.userName ?? ''}` : `NTLMSSP ${n}`,
        );
      } else if (l.kind === 'spnego' && layers.length === 1) {
        parts.push(l.token.type === 'negTokenResp' ? `SPNEGO negTokenResp ${l.token.value.negState ?? ''}`.trim() : 'SPNEGO negTokenInit');
      }
    }
    return { mechanism: g.mechanism, summary: parts.join(', '), ...(message ? { message } : {}) };
  }

  // ---- HTTP ------------------------------------------------------------------------------------------------

  private httpStream(c: TcpConn): StreamHandler {
    const st: HttpConnState = { conn: c, authSeen: false, queue: [] };
    return new HttpStream({
      message: (dir, head, ctx, _headCtx, method) => this.httpMessage(st, dir, head, ctx, method),
      problem: (message, ctx) => this.problems.push({ kind: 'dissector', frame: ctx.frame, protocol: 'http', message }),
    });
  }

  private httpMessage(st: HttpConnState, dir: Dir, head: HttpHead, ctx: SegCtx, method: string | undefined): void {
    const c = st.conn;
    const [src, dst] = dir === 0 ? [c.client.addr, c.server.addr] : [c.server.addr, c.client.addr];
    const time = isoTime(ctx.sec, ctx.nsec);
    const where = this.where(ctx);
    if (head.request) {
      const entry: TraceHttpMessage = { frame: ctx.frame, time, src, dst, method: head.method, uri: head.uri };
      const host = header(head, 'host');
      if (host) entry.host = host;
      const lines = [`${head.method} ${head.uri}`, ...(host ? [`Host: ${host}`] : [])];
      let scheme: string | undefined;
      let headerBytes: number | undefined;
      const failed = false;
      for (const name of ['Authorization', 'Proxy-Authorization'] as const) {
        for (const v of headers(head, name)) {
          for (const a of parseAuthValue(v, name)) {
            scheme = a.scheme;
            headerBytes = v.length;
            entry.scheme = a.scheme;
            entry.headerBytes = v.length;
            this.facts.push({ kind: 'auth-header', where, direction: 'request', scheme: a.scheme, hasToken: a.token !== undefined });
            if (a.token) {
              const r = this.token(a.token, ctx, src, dst, 'http', 'request', { header: name, scheme: a.scheme });
              entry.tokenMechanism = r.mechanism;
              if (r.message) entry.tokenMessage = r.message;
              lines.push(`${name}: ${a.scheme}${r.summary ? ` (${r.summary})` : ''}`);
            } else lines.push(`${name}: ${a.scheme}${a.tokenText ? ' (token not base64)' : ''}`);
          }
        }
      }
      if (scheme) st.authSeen = true;
      const row: TraceRow = {
        frame: ctx.frame,
        time,
        src,
        dst,
        protocol: 'HTTP',
        summary: `HTTP:Request, ${lines.join(', ')}`,
        ...(failed ? { failed } : {}),
      };
      const q = { head, ctx, entry, row, emitted: false, ...(scheme ? { scheme } : {}), ...(headerBytes ? { headerBytes } : {}) };
      st.queue.push(q);
      if (st.queue.length > 64) st.queue.shift();
      if (scheme) this.emitHttp(q);
      return;
    }
    // a response answers the oldest waiting request (interim 1xx answers none)
    const status = head.status ?? 0;
    const req = status >= 100 && status < 200 ? undefined : st.queue.shift();
    const entry: TraceHttpMessage = { frame: ctx.frame, time, src, dst, status, reason: head.reason ?? '' };
    const challenges: string[] = [];
    const lines = [`HTTP/${head.version}, Status: ${status} ${head.reason ?? ''}`.trim(), ...(req ? [`URL: ${req.head.uri}`] : [])];
    let responseToken = false;
    for (const name of ['WWW-Authenticate', 'Proxy-Authenticate'] as const) {
      for (const v of headers(head, name)) {
        for (const a of parseAuthValue(v, name)) {
          challenges.push(a.scheme);
          this.facts.push({ kind: 'auth-header', where, direction: 'response', scheme: a.scheme, hasToken: a.token !== undefined });
          if (a.token) {
            responseToken = true;
            const r = this.token(a.token, ctx, src, dst, 'http', 'response', { header: name, scheme: a.scheme });
            entry.tokenMechanism = r.mechanism;
            if (r.message) entry.tokenMessage = r.message;
            lines.push(`${name}: ${a.scheme}${r.summary ? ` (${r.summary})` : ''}`);
          } else lines.push(`${name}: ${a.scheme}`);
        }
      }
    }
    if (challenges.length) entry.scheme = [...new Set(challenges)].join(', ');
    const relevant = !!req?.scheme || challenges.length > 0 || status === 401 || status === 407 || st.authSeen;
    if (!relevant) return;
    st.authSeen = true;
    if (req && !req.emitted) this.emitHttp(req);
    const host = req?.head ? header(req.head, 'host') : undefined;
    this.facts.push({
      kind: 'http-response',
      where,
      ...(host ? { url: `http://${host}${req?.head.uri ?? '/'}` } : {}),
      server: src,
      status,
      challenges,
      ...(req?.scheme ? { requestScheme: req.scheme } : {}),
      ...(req?.headerBytes ? { requestHeaderBytes: req.headerBytes } : {}),
      responseToken,
    });
    this.http.push(entry);
    this.rows.push({
      frame: ctx.frame,
      time,
      src,
      dst,
      protocol: 'HTTP',
      summary: `HTTP:Response, ${lines.join(', ')}`,
      ...(status >= 400 ? { failed: true } : {}),
    });
    void method;
  }

  private emitHttp(q: { entry: TraceHttpMessage; row: TraceRow; emitted: boolean }): void {
    q.emitted = true;
    this.http.push(q.entry);
    this.rows.push(q.row);
  }

  // ---- DNS -------------------------------------------------------------------------------------------------

  private dnsMessage(b: Uint8Array, ctx: SegCtx, src: string, dst: string, sport: number, dport: number): void {
    let m: DnsMessage;
    try {
      m = decodeDns(b);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.dissectorProblem(ctx, 'dns', e);
      return;
    }
    for (const k of m.tkeys) {
      if (!k.keyData.length) continue;
      const r = this.token(k.keyData, ctx, src, dst, 'dns', m.response ? 'response' : 'request', undefined);
      this.row(
        ctx,
        src,
        dst,
        'DNS',
        `TKEY ${m.response ? 'response' : 'query'} for ${k.name} (GSS-TSIG)${r.summary ? `, ${r.summary}` : ''}`,
      );
    }
    if (m.opcode !== 0) return; // UPDATE, NOTIFY: not a lookup
    const q = m.questions[0];
    const name = q?.name ?? '';
    const qtype = q?.type ?? '';
    const rec: TraceDnsMessage = {
      frame: ctx.frame,
      time: isoTime(ctx.sec, ctx.nsec),
      src,
      dst,
      id: m.id,
      response: m.response,
      name,
      qtype,
    };
    const hex = `0x${m.id.toString(16).padStart(4, '0').toUpperCase()}`;
    if (!m.response) {
      this.dns.push(rec);
      this.pendingDns.set(`${src} ${sport} ${dst} ${dport} ${m.id}`, {
        where: this.where(ctx),
        name,
        qtype,
        server: dst,
        sec: ctx.sec,
        nsec: ctx.nsec,
      });
      this.row(ctx, src, dst, 'DNS', `DNS:QueryId = ${hex}, QUERY (Standard query), Query for ${name} of type ${qtype}`);
      return;
    }
    rec.rcode = DNS_RCODES[m.rcode] ?? `RCODE${m.rcode}`;
    rec.answers = m.answers.map((a) => ({ name: a.name, type: a.type, data: a.data, ttl: a.ttl }));
    this.dns.push(rec);
    const key = `${dst} ${dport} ${src} ${sport} ${m.id}`;
    const pend = this.pendingDns.get(key);
    this.pendingDns.delete(key);
    const outcome =
      m.rcode === 3
        ? 'nxdomain'
        : m.rcode === 2
          ? 'servfail'
          : m.rcode === 5
            ? 'refused'
            : m.rcode !== 0
              ? 'error'
              : m.answers.some((a) => a.typeCode === q?.typeCode || a.type === 'CNAME')
                ? 'answer'
                : 'nodata';
    const ms = pend ? Math.round((ctx.sec - pend.sec) * 1000 + (ctx.nsec - pend.nsec) / 1e6) : undefined;
    this.facts.push({
      kind: 'dns-lookup',
      where: pend?.where ?? this.where(ctx),
      name,
      qtype,
      server: src,
      outcome,
      answers: rec.answers.map((a) => ({ name: a.name, type: a.type, data: a.data, ttl: a.ttl })),
      source: 'dns',
      ...(outcome === 'error' ? { detail: rec.rcode } : {}),
      ...(ms !== undefined ? { ms } : {}),
    });
    const ans = m.answers.length
      ? m.answers.map((a) => (a.type === qtype ? a.data : `${a.type} ${a.data}`)).join(', ')
      : outcome === 'nodata'
        ? 'no records'
        : '';
    const res = m.rcode === 0 ? 'Success' : (rec.rcode ?? '');
    this.row(
      ctx,
      src,
      dst,
      'DNS',
      `DNS:QueryId = ${hex}, QUERY (Standard query), Response - ${res}${ans ? `, ${ans}` : ''}`,
      m.rcode !== 0,
    );
  }

  // ---- LDAP / CLDAP ----------------------------------------------------------------------------------------

  private ldapMessage(rec: Uint8Array, ctx: SegCtx, src: string, dst: string): void {
    let m: ReturnType<typeof decodeLdapMessage>;
    try {
      m = decodeLdapMessage(rec);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.dissectorProblem(ctx, 'ldap', e);
      return;
    }
    if (m.op === 'bind-request') {
      let summary = '';
      if (m.credentials?.length) summary = this.token(m.credentials, ctx, src, dst, 'ldap', 'request', undefined).summary;
      this.row(
        ctx,
        src,
        dst,
        'LDAP',
        `bindRequest(${m.messageId}) "${m.name}" ${m.mechanism === 'simple' ? 'simple' : `sasl ${m.mechanism}`}${summary ? `, ${summary}` : ''}`,
      );
    } else if (m.op === 'bind-response') {
      let summary = '';
      if (m.serverSaslCreds?.length) summary = this.token(m.serverSaslCreds, ctx, src, dst, 'ldap', 'response', undefined).summary;
      const ok = m.resultCode === 0 || m.resultCode === 14;
      this.row(
        ctx,
        src,
        dst,
        'LDAP',
        `bindResponse(${m.messageId}) ${ok ? (m.resultCode === 0 ? 'success' : 'saslBindInProgress') : `resultCode ${m.resultCode}`}${m.diagnostic ? ` "${m.diagnostic}"` : ''}${summary ? `, ${summary}` : ''}`,
        !ok,
      );
    }
  }

  private cldap(b: Uint8Array, ctx: SegCtx, src: string, dst: string, sport: number, dport: number): void {
    let m: ReturnType<typeof decodeLdapMessage>;
    try {
      m = decodeLdapMessage(b);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.dissectorProblem(ctx, 'cldap', e);
      return;
    }
    if (m.op === 'search-request' && m.attributes.some((a) => a.toLowerCase() === 'netlogon')) {
      this.pendingCldap.set(`${src} ${sport} ${dst} ${dport}`, { where: this.where(ctx), server: dst });
      this.row(ctx, src, dst, 'CLDAP', `searchRequest(${m.messageId}) netlogon ping ${m.filterText}`);
      return;
    }
    if (m.op === 'search-entry') {
      const key = `${dst} ${dport} ${src} ${sport}`;
      const p = this.pendingCldap.get(key);
      this.pendingCldap.delete(key);
      const val = Object.entries(m.attributes).find(([k]) => k.toLowerCase() === 'netlogon')?.[1]?.[0];
      if (!val) return;
      try {
        const n = decodeNetlogonResponse(val);
        this.facts.push({
          kind: 'cldap-ping',
          where: p?.where ?? this.where(ctx),
          server: src,
          outcome: 'answered',
          ...(n.dcName ? { dcName: n.dcName } : {}),
          ...(n.domain ? { domain: n.domain } : {}),
          ...(n.forest ? { forest: n.forest } : {}),
          ...(n.dcSite ? { dcSite: n.dcSite } : {}),
          ...(n.clientSite ? { clientSite: n.clientSite } : {}),
          flags: n.flags,
        });
        this.row(
          ctx,
          src,
          dst,
          'CLDAP',
          `searchResEntry(${m.messageId}) netlogon: DC ${n.dcName ?? '?'} domain ${n.domain ?? '?'} site ${n.dcSite ?? '?'} flags 0x${n.flags.toString(16)}`,
        );
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        this.dissectorProblem(ctx, 'cldap', e);
      }
    }
  }

  private row(ctx: SegCtx, src: string, dst: string, protocol: string, summary: string, failed = false): void {
    this.rows.push({ frame: ctx.frame, time: isoTime(ctx.sec, ctx.nsec), src, dst, protocol, summary, ...(failed ? { failed } : {}) });
  }

  // ---- the end -----------------------------------------------------------------------------------------------

  /** Ends the stream: flushes reassembly, turns unanswered requests into facts, runs the rulebook. */
  finish(): TraceResult {
    this.reader.end();
    const endCtx = this.last;
    this.tcp.finish(endCtx);
    for (const list of this.pendingKdc.values()) for (const k of list) this.kdcContact(k, 'no-answer', 'no reply in the capture', endCtx);
    this.pendingKdc.clear();
    for (const d of this.pendingDns.values())
      this.facts.push({
        kind: 'dns-lookup',
        where: d.where,
        name: d.name,
        qtype: d.qtype,
        server: d.server,
        outcome: 'timeout',
        answers: [],
        source: 'dns',
        detail: 'no response in the capture',
      });
    this.pendingDns.clear();
    for (const c of this.pendingCldap.values())
      this.facts.push({ kind: 'cldap-ping', where: c.where, server: c.server, outcome: 'no-answer', detail: 'no response in the capture' });
    this.pendingCldap.clear();
    for (const p of this.reader.problems) {
      this.problems.push({ kind: 'file', offset: p.offset, block: p.block, message: p.message, ...(p.frame ? { frame: p.frame } : {}) });
      this.facts.push({
        kind: 'capture-damage',
        where: { label: `byte ${p.offset} (${p.block})`, offset: p.offset },
        offset: p.offset,
        block: p.block,
        message: p.message,
      });
    }
    if (this.defrag.pending || this.defrag.dropped)
      this.problems.push({
        kind: 'fragments',
        message: `${this.defrag.pending + this.defrag.dropped} IP datagram(s) never completed from their fragments`,
      });
    this.rows.sort((a, b) => a.frame - b.frame);
    this.http.sort((a, b) => a.frame - b.frame);
    this.messages.sort((a, b) => a.frame - b.frame);
    const info = this.reader.info;
    const result: TraceResult = {
      schemaVersion: 1,
      capture: {
        format: info?.format ?? 'unknown',
        byteOrder: info?.byteOrder ?? 'unknown',
        linkTypes: [...this.linkTypes],
        bytes: this.bytes,
        ...(info?.decryptionSecrets ? { decryptionSecrets: info.decryptionSecrets } : {}),
      },
      packets: this.reader.packets,
      messages: this.messages,
      http: this.http,
      dns: this.dns,
      problems: this.problems,
      findings: evaluate(this.facts),
    };
    if (this.opts.conversations) result.conversations = buildConversations(result) as TraceConversation[];
    return result;
  }
}

/** A UDP payload on a non-Kerberos port that is a whole Kerberos message (APPLICATION 10-15 or 30 filling it). */
function krbByContent(b: Uint8Array): boolean {
  const t = b[0];
  if (t === undefined || b.length < 16) return false;
  if (!(t === 0x6a || t === 0x6b || t === 0x6c || t === 0x6d || t === 0x7e)) return false;
  const l = b[1] as number;
  let len: number;
  let hdr: number;
  if (l < 0x80) {
    len = l;
    hdr = 2;
  } else {
    const n = l & 0x7f;
    if (n < 1 || n > 3) return false;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[2 + i] as number);
    hdr = 2 + n;
  }
  return hdr + len === b.length && b[hdr] === 0x30;
}

/** A TCP stream that starts with a Kerberos record marker and an AS-REQ/TGS-REQ. */
function krbTcpByContent(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  const n = (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0;
  return n > 0 && n < 1 << 20 && (b[4] === 0x6a || b[4] === 0x6c) && (b[5] as number) >= 0x80 && b[6] !== undefined;
}

/** Reads a capture from an async iterable of chunks (a file stream, a fetch body) and traces it. */
export async function traceCapture(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: TraceOptions = {},
  onProgress?: (bytes: number) => void,
): Promise<TraceResult> {
  const t = new Tracer(opts);
  for await (const c of chunks as AsyncIterable<Uint8Array>) {
    t.push(c);
    onProgress?.(t.bytes);
    if (t.stopped) break;
  }
  return t.finish();
}
