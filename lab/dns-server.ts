// A tiny authoritative DNS server for the MIT backend (Samba brings its own): UDP and TCP on IP:53, answers A, CNAME
// (chased to the A record) and SRV from a JSON zone file that is re-read whenever it changes, so a scenario edits the
// file instead of restarting the server. Unknown names → NXDOMAIN; nothing is ever forwarded.
// usage: node --import tsx lab/dns-server.ts ZONE.json LISTEN_IP
// RFC 1035 §4.1 (message format), RFC 2782 (SRV).
import { createSocket } from 'node:dgram';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';

export interface ZoneRecord {
  name: string;
  type: 'A' | 'CNAME' | 'SRV';
  /** A: dotted quad; CNAME: target name; SRV: "priority weight port target" */
  data: string;
}

const TYPE = { A: 1, CNAME: 5, SRV: 33 } as const;

let zone: ZoneRecord[] = [];
let zoneMtime = -1;

function loadZone(file: string): void {
  try {
    const m = statSync(file).mtimeMs;
    if (m === zoneMtime) return;
    zone = (JSON.parse(readFileSync(file, 'utf8')) as { records: ZoneRecord[] }).records;
    zoneMtime = m;
  } catch {
    /* keep the previous zone while the file is being rewritten */
  }
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  const bufs = parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')]));
  return Buffer.concat([...bufs, Buffer.from([0])]);
}

function rr(name: string, type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(1, 2); // IN
  head.writeUInt32BE(60, 4); // TTL
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(name), head, rdata]);
}

function rdataOf(r: ZoneRecord): Buffer {
  if (r.type === 'A') return Buffer.from(r.data.split('.').map(Number));
  if (r.type === 'CNAME') return encodeName(r.data);
  const [prio, weight, port, target] = r.data.split(/\s+/);
  const b = Buffer.alloc(6);
  b.writeUInt16BE(Number(prio), 0);
  b.writeUInt16BE(Number(weight), 2);
  b.writeUInt16BE(Number(port), 4);
  return Buffer.concat([b, encodeName(target ?? '.')]);
}

export function answer(query: Buffer, records: readonly ZoneRecord[]): Buffer | undefined {
  if (query.length < 12) return undefined;
  // question: QNAME labels, QTYPE, QCLASS
  let off = 12;
  const labels: string[] = [];
  while (off < query.length) {
    const len = query[off] ?? 0;
    off += 1;
    if (len === 0) break;
    if (len > 63 || off + len > query.length) return undefined;
    labels.push(query.subarray(off, off + len).toString('ascii'));
    off += len;
  }
  if (off + 4 > query.length) return undefined;
  const qtype = query.readUInt16BE(off);
  const question = query.subarray(12, off + 4);
  const qname = labels.join('.').toLowerCase();
  const byName = (n: string) => records.filter((r) => r.name.toLowerCase().replace(/\.$/, '') === n);
  const answers: Buffer[] = [];
  let name = qname;
  let exists = byName(name).length > 0;
  for (let hops = 0; hops < 8; hops++) {
    const here = byName(name);
    const cname = here.find((r) => r.type === 'CNAME');
    if (cname && qtype !== TYPE.CNAME) {
      answers.push(rr(name, TYPE.CNAME, rdataOf(cname)));
      name = cname.data.toLowerCase().replace(/\.$/, '');
      exists = byName(name).length > 0;
      continue;
    }
    for (const r of here) if (TYPE[r.type] === qtype) answers.push(rr(name, qtype, rdataOf(r)));
    break;
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  const rd = (query[2] ?? 0) & 0x01;
  const rcode = answers.length === 0 && !exists ? 3 : 0; // NXDOMAIN : NOERROR
  header[2] = 0x84 | rd; // QR, AA
  header[3] = rcode;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question, ...answers]);
}

function main(): void {
  const [zoneFile, ip] = process.argv.slice(2);
  if (!zoneFile || !ip) {
    process.stderr.write('usage: dns-server.ts ZONE.json LISTEN_IP\n');
    process.exit(2);
  }
  const udp = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    loadZone(zoneFile);
    const res = answer(msg, zone);
    if (res) udp.send(res, rinfo.port, rinfo.address);
  });
  udp.bind(53, ip, () => process.stdout.write(`dns up on ${ip}:53\n`));
  const tcp = createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        loadZone(zoneFile);
        const res = answer(buf.subarray(2, 2 + len), zone);
        buf = buf.subarray(2 + len);
        if (res) {
          const l = Buffer.alloc(2);
          l.writeUInt16BE(res.length);
          sock.write(Buffer.concat([l, res]));
        }
      }
    });
    sock.on('error', () => {});
  });
  tcp.listen(53, ip);
}

if (process.argv[1]?.endsWith('dns-server.ts')) main();
