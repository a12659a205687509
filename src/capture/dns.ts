/**
 * DNS messages (RFC 1035 §4.1; AAAA RFC 3596; SRV RFC 2782). Pure decoding of what troubleshooting needs:
 * the question, the rcode and the answer section (names decompressed with a loop guard).
 *
 *   Header (12): ID u16 · QR|Opcode|AA|TC|RD u8 · RA|Z|RCODE u8 · QDCOUNT · ANCOUNT · NSCOUNT · ARCOUNT
 *   Question:    QNAME · QTYPE u16 · QCLASS u16
 *   RR:          NAME · TYPE u16 · CLASS u16 · TTL u32 · RDLENGTH u16 · RDATA
 */
import { DecodeError } from '../wire/errors.js';
import { ipv4, ipv6 } from './packet.js';

export const DNS_TYPES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  41: 'OPT',
  43: 'DS',
  46: 'RRSIG',
  48: 'DNSKEY',
  249: 'TKEY',
  250: 'TSIG',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
};

export const DNS_RCODES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
};

export const dnsTypeName = (t: number): string => DNS_TYPES[t] ?? `TYPE${t}`;

export interface DnsRr {
  name: string;
  type: string;
  typeCode: number;
  ttl: number;
  data: string;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  rcode: number;
  truncated: boolean;
  questions: { name: string; type: string; typeCode: number }[];
  answers: DnsRr[];
  /** GSS-TSIG key exchanges (RFC 2930 TKEY, RFC 3645): the GSS token in each TKEY record of any section */
  tkeys: { name: string; mode: number; error: number; keyData: Uint8Array }[];
}

function fail(reason: string, offset: number, field: string): never {
  throw new DecodeError('ERR_TRUNCATED', reason, { field, offset });
}

/** A (possibly compressed, RFC 1035 §4.1.4) domain name at `o`; returns the name and the offset after it. */
function readName(b: Uint8Array, o: number): [string, number] {
  const labels: string[] = [];
  let p = o;
  let end = -1;
  let jumps = 0;
  let total = 0;
  for (;;) {
    if (p >= b.length) fail('name runs past the end of the message', p, 'name');
    const len = b[p] as number;
    if (len === 0) {
      p++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= b.length) fail('compression pointer cut short', p, 'name');
      if (++jumps > 64) throw new DecodeError('ERR_BAD_VALUE', 'compression pointer loop', { field: 'name', offset: p });
      if (end < 0) end = p + 2;
      p = ((len & 0x3f) << 8) | (b[p + 1] as number);
      continue;
    }
    if (len & 0xc0) throw new DecodeError('ERR_BAD_VALUE', `unsupported label type 0x${len.toString(16)}`, { field: 'name', offset: p });
    if (p + 1 + len > b.length) fail('label runs past the end of the message', p, 'name');
    total += len + 1;
    if (total > 255) throw new DecodeError('ERR_LIMIT', 'name longer than 255 octets', { field: 'name', offset: p });
    let s = '';
    for (let i = p + 1; i <= p + len; i++) {
      const c = b[i] as number;
      s += c === 0x2e ? '\\.' : c > 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString().padStart(3, '0')}`;
    }
    labels.push(s);
    p += 1 + len;
  }
  return [labels.length ? labels.join('.') : '<Root>', end >= 0 ? end : p];
}

function rdata(b: Uint8Array, type: number, o: number, len: number): string {
  const end = o + len;
  switch (type) {
    case 1:
      return len === 4 ? ipv4(b, o) : `(${len} bytes)`;
    case 28:
      return len === 16 ? ipv6(b, o) : `(${len} bytes)`;
    case 2:
    case 5:
    case 12:
      return readName(b, o)[0];
    case 15:
      return len >= 3 ? `${((b[o] as number) << 8) | (b[o + 1] as number)} ${readName(b, o + 2)[0]}` : `(${len} bytes)`;
    case 33: {
      if (len < 7) return `(${len} bytes)`;
      const u = (i: number) => ((b[o + i] as number) << 8) | (b[o + i + 1] as number);
      return `${u(0)} ${u(2)} ${u(4)} ${readName(b, o + 6)[0]}`;
    }
    case 6: {
      const [m, p1] = readName(b, o);
      const [r] = readName(b, p1);
      return `${m} ${r}`;
    }
    case 16: {
      const parts: string[] = [];
      let p = o;
      while (p < end) {
        const l = b[p] as number;
        parts.push(new TextDecoder('latin1').decode(b.subarray(p + 1, Math.min(end, p + 1 + l))));
        p += 1 + l;
      }
      return parts.join(' ');
    }
    default:
      return `(${len} bytes)`;
  }
}

/** Decodes a DNS message; bad input throws DecodeError (field, offset). */
export function decodeDns(b: Uint8Array): DnsMessage {
  if (b.length < 12) fail('shorter than a DNS header', 0, 'header');
  const u16 = (o: number) => ((b[o] as number) << 8) | (b[o + 1] as number);
  const flags = u16(2);
  const qd = u16(4);
  const an = u16(6);
  const msg: DnsMessage = {
    id: u16(0),
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 15,
    rcode: flags & 15,
    truncated: (flags & 0x0200) !== 0,
    questions: [],
    answers: [],
    tkeys: [],
  };
  let p = 12;
  if (qd > 64) throw new DecodeError('ERR_LIMIT', `${qd} questions`, { field: 'qdcount', offset: 4 });
  for (let i = 0; i < qd; i++) {
    const [name, q] = readName(b, p);
    if (q + 4 > b.length) fail('question cut short', q, 'question');
    const t = u16(q);
    msg.questions.push({ name, type: dnsTypeName(t), typeCode: t });
    p = q + 4;
  }
  const ns = u16(8);
  const ar = u16(10);
  for (let i = 0; i < an + ns + ar; i++) {
    const [name, q] = readName(b, p);
    if (q + 10 > b.length) fail('resource record cut short', q, i < an ? 'answer' : 'additional');
    const t = u16(q);
    const ttl = (((b[q + 4] as number) << 24) | ((b[q + 5] as number) << 16) | ((b[q + 6] as number) << 8) | (b[q + 7] as number)) >>> 0;
    const rdlen = u16(q + 8);
    if (q + 10 + rdlen > b.length) fail('RDATA runs past the end of the message', q + 10, 'rdata');
    if (i < an) msg.answers.push({ name, type: dnsTypeName(t), typeCode: t, ttl, data: rdata(b, t, q + 10, rdlen) });
    if (t === 249) {
      // RFC 2930 §2: Algorithm name · Inception u32 · Expiration u32 · Mode u16 · Error u16 · Key Size u16 · Key Data · Other
      const [, a] = readName(b, q + 10);
      if (a + 14 <= q + 10 + rdlen) {
        const size = u16(a + 12);
        if (a + 14 + size <= q + 10 + rdlen)
          msg.tkeys.push({ name, mode: u16(a + 8), error: u16(a + 10), keyData: b.subarray(a + 14, a + 14 + size) });
      }
    }
    p = q + 10 + rdlen;
  }
  return msg;
}

/** Cheap check before decoding a UDP payload on a port that is not 53 (mDNS/LLMNR are not DNS to a KDC's client). */
export function looksLikeDns(b: Uint8Array): boolean {
  if (b.length < 17) return false;
  const qd = ((b[4] as number) << 8) | (b[5] as number);
  return qd === 1 && ((b[2] as number) & 0x78) === 0;
}
