/**
 * The DNS message codec the stub client needs (RFC 1035 §4.1; AAAA RFC 3596; SRV RFC 2782): one question out, the
 * answer section in, names decompressed (§4.1.4) with a loop guard. Malformed replies throw DecodeError with the
 * field and offset. Pure (no I/O).
 *
 * ```text
 * Header  ID u16 | QR Opcode AA TC RD RA Z RCODE u16 | QDCOUNT ANCOUNT NSCOUNT ARCOUNT u16
 * Question QNAME QTYPE u16 QCLASS u16
 * RR      NAME TYPE u16 CLASS u16 TTL u32 RDLENGTH u16 RDATA
 * ```
 * (dns-packet, the usual npm codec, is CommonJS requiring 'buffer' at load time, which the ESM bundle cannot do;
 * this is the part of it kerbscope needs.)
 */
import { DecodeError } from '../wire/errors.js';
import { ByteReader } from '../wire/reader.js';
import { ByteWriter } from '../wire/writer.js';

export const QTYPE: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33 };
const TYPE_NAME = new Map(Object.entries(QTYPE).map(([k, v]) => [v, k]));
export const RCODE = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'] as const;

export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  truncated: boolean;
  rcode: string;
  answers: DnsRecord[];
}

export function encodeQuery(id: number, name: string, qtype: string): Uint8Array {
  const w = new ByteWriter(64);
  w.u16be(id).u16be(0x0100).u16be(1).u16be(0).u16be(0).u16be(0);
  for (const label of name.replace(/\.$/, '').split('.').filter(Boolean)) {
    const b = new TextEncoder().encode(label);
    if (b.length > 63) throw new RangeError(`DNS label longer than 63 octets: ${label}`);
    w.u8(b.length).bytes(b);
  }
  w.u8(0)
    .u16be(QTYPE[qtype] ?? 255)
    .u16be(1);
  return w.finish();
}

function readName(b: Uint8Array, start: number, field: string): { name: string; next: number } {
  const labels: string[] = [];
  let pos = start;
  let next = -1;
  for (let hops = 0; hops < 128; hops++) {
    const len = b[pos];
    if (len === undefined) throw new DecodeError('ERR_TRUNCATED', `${field}: name runs past the end`, { field, offset: pos });
    if (len === 0) return { name: labels.join('.'), next: next < 0 ? pos + 1 : next };
    if ((len & 0xc0) === 0xc0) {
      const lo = b[pos + 1];
      if (lo === undefined) throw new DecodeError('ERR_TRUNCATED', `${field}: cut compression pointer`, { field, offset: pos });
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | lo;
      continue;
    }
    if (len & 0xc0) throw new DecodeError('ERR_BAD_VALUE', `${field}: reserved label type 0x${len.toString(16)}`, { field, offset: pos });
    if (pos + 1 + len > b.length) throw new DecodeError('ERR_TRUNCATED', `${field}: label runs past the end`, { field, offset: pos });
    labels.push(new TextDecoder().decode(b.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
  throw new DecodeError('ERR_BAD_VALUE', `${field}: compression pointer loop`, { field, offset: start });
}

export function decodeMessage(b: Uint8Array): DnsMessage {
  const r = new ByteReader(b);
  const id = r.u16be('ID');
  const flags = r.u16be('flags');
  const qd = r.u16be('QDCOUNT');
  const an = r.u16be('ANCOUNT');
  r.u16be('NSCOUNT');
  r.u16be('ARCOUNT');
  r.check();
  let pos = 12;
  for (let i = 0; i < qd; i++) {
    pos = readName(b, pos, 'QNAME').next + 4;
    if (pos > b.length) throw new DecodeError('ERR_TRUNCATED', 'question runs past the end', { field: 'question', offset: pos });
  }
  const answers: DnsRecord[] = [];
  for (let i = 0; i < an; i++) {
    const { name, next } = readName(b, pos, `answer[${i}].NAME`);
    const h = new ByteReader(b.subarray(next), next);
    const type = h.u16be('TYPE');
    h.u16be('CLASS');
    const ttl = h.u32be('TTL');
    const len = h.u16be('RDLENGTH');
    h.check();
    const rd = next + 10;
    if (rd + len > b.length)
      throw new DecodeError('ERR_TRUNCATED', `answer[${i}] RDATA runs past the end`, { field: `answer[${i}].RDATA`, offset: rd });
    const t = TYPE_NAME.get(type) ?? `TYPE${type}`;
    let data: string;
    const raw = b.subarray(rd, rd + len);
    if (t === 'A' && len === 4) data = [...raw].join('.');
    else if (t === 'AAAA' && len === 16)
      data = [0, 2, 4, 6, 8, 10, 12, 14].map((j) => (((raw[j] ?? 0) << 8) | (raw[j + 1] ?? 0)).toString(16)).join(':');
    else if (t === 'CNAME' || t === 'PTR' || t === 'NS') data = readName(b, rd, `answer[${i}].RDATA`).name;
    else if (t === 'SRV' && len >= 7) {
      const s = new ByteReader(raw, rd);
      data = `${s.u16be()} ${s.u16be()} ${s.u16be()} ${readName(b, rd + 6, `answer[${i}].SRV target`).name}`;
    } else data = [...raw].map((x) => x.toString(16).padStart(2, '0')).join('');
    answers.push({ name, type: t, ttl, data });
    pos = rd + len;
  }
  return {
    id,
    response: (flags & 0x8000) !== 0,
    truncated: (flags & 0x0200) !== 0,
    rcode: RCODE[flags & 0xf] ?? `RCODE${flags & 0xf}`,
    answers,
  };
}
