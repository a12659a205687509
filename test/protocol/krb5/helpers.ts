/**
 * Shared test helpers for the krb5 codecs: corpus paths, the round-trip check (STYLE.md habit 7), and a tiny
 * pcap writer + tshark runner so field values can be checked against Wireshark's independent decoder.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Asn1, decodeDer } from '../../../src/wire/asn1.js';

export const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

export function corpusFile(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS, rel)));
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/**
 * encode → decode → encode byte for byte, and the same decode from inside a larger buffer at a non-zero offset
 * (with `base` so offsets stay absolute). Returns the decoded value.
 */
export function roundTrip<T>(schema: Asn1<T>, value: T): T {
  const first = schema.encode(value);
  const decoded = decodeDer(schema, first);
  const second = schema.encode(decoded);
  assert.equal(hex(second), hex(first), `${schema.name}: re-encoding differs`);
  const pad = 7;
  const big = new Uint8Array(pad + first.length + 5).fill(0xee);
  big.set(first, pad);
  const inner = decodeDer(schema, big.subarray(pad, pad + first.length), { base: pad });
  assert.equal(hex(schema.encode(inner)), hex(first), `${schema.name}: decoding at offset ${pad} differs`);
  const withTail = decodeDer(schema, big.subarray(pad), { base: pad, allowTrailing: true });
  assert.equal(hex(schema.encode(withTail)), hex(first), `${schema.name}: decoding with trailing bytes differs`);
  return decoded;
}

/** Decode given bytes and re-encode: must be identical (for real-world encodings). */
export function reencodes<T>(schema: Asn1<T>, bytes: Uint8Array): T {
  const v = decodeDer(schema, bytes);
  assert.equal(hex(schema.encode(v)), hex(bytes), `${schema.name}: re-encoding differs from the input`);
  return v;
}

// ---- pcap + tshark ----

function u16be(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

/** One Ethernet/IPv4/UDP frame per payload; requests go to port 88, replies come from it. */
export function writePcap(packets: { payload: Uint8Array; fromKdc: boolean }[]): Uint8Array {
  const parts: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(262144, 16);
  gh.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  parts.push(gh);
  packets.forEach((p, i) => {
    const udpLen = 8 + p.payload.length;
    const ipLen = 20 + udpLen;
    const sport = p.fromKdc ? 88 : 50000 + i;
    const dport = p.fromKdc ? 50000 + i : 88;
    const frame = Buffer.concat([
      Buffer.from([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00]),
      Buffer.from([0x45, 0, ...u16be(ipLen), 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, p.fromKdc ? 1 : 2, 10, 0, 0, p.fromKdc ? 2 : 1]),
      Buffer.from([...u16be(sport), ...u16be(dport), ...u16be(udpLen), 0, 0]),
      Buffer.from(p.payload),
    ]);
    const ph = Buffer.alloc(16);
    ph.writeUInt32LE(1700000000 + i, 0);
    ph.writeUInt32LE(frame.length, 8);
    ph.writeUInt32LE(frame.length, 12);
    parts.push(ph, frame);
  });
  return new Uint8Array(Buffer.concat(parts));
}

export function haveTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs tshark over the packets and returns, per frame, each field's occurrences (';'-separated by tshark). */
export function tsharkFields(packets: { payload: Uint8Array; fromKdc: boolean }[], fields: string[]): Record<string, string[]>[] {
  const dir = mkdtempSync(join(tmpdir(), 'kerbscope-krb5-'));
  try {
    const file = join(dir, 'k.pcap');
    writeFileSync(file, writePcap(packets));
    const out = execFileSync(
      'tshark',
      [
        '-n',
        '-r',
        file,
        '-T',
        'fields',
        '-E',
        'separator=|',
        '-E',
        'occurrence=a',
        '-E',
        'aggregator=;',
        ...fields.flatMap((f) => ['-e', f]),
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    return out
      .split('\n')
      .filter((l) => l.length > 0)
      .map((line) => {
        const cols = line.split('|');
        return Object.fromEntries(fields.map((f, i) => [f, cols[i] ? (cols[i] as string).split(';') : []]));
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
