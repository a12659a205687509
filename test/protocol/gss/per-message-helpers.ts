// tshark helpers shared by the per-message token tests (per-message.test.ts, per-message-corpus.test.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { SessionKey } from '../../../src/protocol/gss/per-message.js';

export const haveTshark = (() => {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
export const tsharkMissing = haveTshark ? undefined : 'tshark not installed';

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
export const unhex = (s: string) => new Uint8Array(Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex'));

export function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
}

/** tshark -T fields, one row per frame, first occurrence of each field. */
export function fields(pcap: string, filter: string, names: string[], extra: string[] = []): Record<string, string>[] {
  const out = tshark([
    '-r',
    pcap,
    ...extra,
    '-Y',
    filter,
    '-T',
    'fields',
    '-E',
    'separator=\t',
    '-E',
    'occurrence=f',
    ...names.flatMap((n) => ['-e', n]),
  ]);
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [names[i] as string, v])));
}

/** tshark -P -x: per frame, the named data sources ("Decrypted GSS-Krb5", "GSSAPI CFX", ...) as bytes. */
export function dataSources(pcap: string, filter: string, extra: string[]): Map<number, Map<string, Uint8Array>> {
  const out = tshark(['-r', pcap, ...extra, '-Y', filter, '-P', '-x']);
  const frames = new Map<number, Map<string, Uint8Array>>();
  let cur: Map<string, Uint8Array> | undefined;
  let name = 'Frame';
  let acc: string[] = [];
  const flush = () => {
    if (cur && acc.length) cur.set(name, unhex(acc.join('')));
    acc = [];
  };
  for (const line of out.split('\n')) {
    const f = /^\s*(\d+)\s+\d+\.\d+\s/.exec(line);
    if (f) {
      flush();
      cur = new Map();
      frames.set(Number(f[1]), cur);
      name = 'Frame';
      continue;
    }
    const src = /^(.+) \(\d+ bytes\):$/.exec(line);
    if (src) {
      flush();
      name = src[1] as string;
      continue;
    }
    const h = /^[0-9a-f]{4} {2}((?:[0-9a-f]{2} ){1,16})/.exec(line);
    if (h) acc.push(h[1] as string);
  }
  flush();
  return frames;
}

/** Every key tshark learned from the capture (kerberos.keytype / kerberos.keyvalue), deduplicated. */
export function capturedKeys(pcap: string, extra: string[]): SessionKey[] {
  const out = tshark([
    '-r',
    pcap,
    ...extra,
    '-Y',
    'kerberos.keyvalue',
    '-T',
    'fields',
    '-e',
    'kerberos.keytype',
    '-e',
    'kerberos.keyvalue',
  ]);
  const seen = new Map<string, SessionKey>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [types, values] = line.split('\t') as [string, string];
    const t = types.split(',');
    for (const [i, v] of values.split(',').entries()) seen.set(`${t[i]}:${v}`, { enctype: Number(t[i]), key: unhex(v) });
  }
  return [...seen.values()];
}

/** LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp [APPLICATION n] ... } → [messageID, n] of the first one. */
export function ldapHead(b: Uint8Array): [number, number] {
  assert.equal(b[0], 0x30, 'LDAPMessage SEQUENCE');
  let i = 1;
  const l = b[i] as number;
  i += l & 0x80 ? 1 + (l & 0x7f) : 1;
  assert.equal(b[i], 0x02, 'messageID INTEGER');
  const n = b[i + 1] as number;
  let id = 0;
  for (let k = 0; k < n; k++) id = id * 256 + (b[i + 2 + k] as number);
  return [id, (b[i + 2 + n] as number) & 0x1f];
}

/** tshark's fields of a krb5 per-message token (RFC 4121 CFX and RFC 1964 / RFC 4757), plus the frame number. */
export const TOKEN_FIELDS = [
  'frame.number',
  'spnego.krb5.tok_id',
  'spnego.krb5.cfx_flags',
  'spnego.krb5.cfx_ec',
  'spnego.krb5.cfx_rrc',
  'spnego.krb5.cfx_seq',
  'spnego.krb5.sgn_alg',
  'spnego.krb5.seal_alg',
  'spnego.krb5.snd_seq',
  'spnego.krb5.sgn_cksum',
  'spnego.krb5.confounder',
];
