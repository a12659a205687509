/**
 * Seeds for the per-message fuzz target: real tokens from test/protocol/gss/fixtures/per-message.pcapng (the Samba
 * lab's LDAP SASL/GSSAPI capture, see its SOURCES.md) with the session keys tshark learned from it, plus tokens built
 * here with a fixed key (every Flags / EC / RRC shape, MIC, RC4 framed), so mutations reach the unwrap paths: the
 * decryption, the header-copy check, the checksum, the RC4 sequence and confounder. No tshark needed.
 */
import { encrypt, getEnctype } from '../../src/crypto/index.js';
import { encodeCfxHeader, rotateRight, type SessionKey } from '../../src/protocol/gss/per-message.js';

const h = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/** Frames 47, 51, 79, 80 (AES256, RFC 4121) and 154, 157 (RC4-HMAC, RFC 4757 framed) of per-message.pcapng. */
const REAL = [
  '050405ff000c000c0000000018b15a100c7caa1e259dd5bd87df4fce07010000',
  '050407ff0000001c0000000018b15a11eb6991cca0e6cc2d86296671912623a7dd610f5710b01712573dc9db7a09362f4320bb82b3ea31bab7f81af20cd204bb435e917eb7a6cc89286cc5b88b7c37811b084a63b4e42afa64cadffe4945e774c01934f7a7c6',
  '050404ff000c0000000000000a0bf2013043020104633e041144433d636f6e746f736f2c44433d636f6d0a01000a0100020100020100010100870b6f626a656374636c617373300d040b646e73486f73744e616d651ea7d30b67f80fe3ad2ed789',
  '050405ff000c000c000000003cb6e883a78aaa9817ad773e2fc08029301a0201046415041144433d636f6e746f736f2c44433d636f6d3000300c02010465070a010004000400',
  '603006092a864886f71201020202011100ffffffffc0530b544bcae1169a0e091771040f266328b5ddad9009ab0701000001',
  '607106092a864886f712010202020111001000ffff704afc4342c689104b450c496ac1e28d615d9e8625ff491cb8fc40f3a66898114447018ecd58eeeb0bedd3e2204219d77f25184ea1029f7e4f8931a9a950073634a62ef270a3edd68848c2fe01481bb877fe3bbdb366cb2f5b70d089165b',
].map(h);

/** The AP-REP subkeys of the capture's connections (kerberos.keyvalue of frames 44, 73, 151). */
const REAL_KEYS: SessionKey[] = [
  { enctype: 18, key: h('d83a1abaf33c1eb410117795cbacf306bb77ad52975dc2c1ae8332f635051e2a') },
  { enctype: 18, key: h('06eca263d184c9d5adce7b8dd2ef645c782ac93b49df8bb70557b0b13c7cf2fe') },
  { enctype: 23, key: h('4edd2bd32ef99005e1bbf91210e98953') },
];

const FIXED: SessionKey = { enctype: 18, key: Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff) };
const FIXED128: SessionKey = { enctype: 17, key: Uint8Array.from({ length: 16 }, (_, i) => (i * 5 + 1) & 0xff) };

function built(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const msg = new TextEncoder().encode('0\x0c\x02\x01\x02B\x00 kerbscope fuzz seed message');
  for (const k of [FIXED, FIXED128]) {
    const prof = getEnctype(k.enctype);
    if (!prof) continue;
    for (const [flags, ec, rrc] of [
      [0x06, 0, 0],
      [0x07, 0, 28],
      [0x06, 16, 28],
      [0x02, 3, 5],
    ] as const) {
      const usage = flags & 1 ? 22 : 24;
      const hdr = encodeCfxHeader('wrap', { flags, ec, rrc, sndSeq: 0x10203n + BigInt(rrc) });
      const copy = encodeCfxHeader('wrap', { flags, ec, rrc: 0, sndSeq: 0x10203n + BigInt(rrc) });
      out.push(
        new Uint8Array([
          ...hdr,
          ...rotateRight(encrypt(k.enctype, k.key, usage, new Uint8Array([...msg, ...new Array(ec).fill(0xff), ...copy])), rrc),
        ]),
      );
    }
    for (const [flags, rrc] of [
      [0x04, 0],
      [0x05, 12],
    ] as const) {
      const usage = flags & 1 ? 22 : 24;
      const zero = encodeCfxHeader('wrap', { flags, ec: 0, rrc: 0, sndSeq: 77n });
      const cks = prof.makeChecksum(k.key, usage, new Uint8Array([...msg, ...zero]));
      const hdr = encodeCfxHeader('wrap', { flags, ec: cks.length, rrc, sndSeq: 77n });
      out.push(new Uint8Array([...hdr, ...rotateRight(new Uint8Array([...msg, ...cks]), rrc)]));
    }
    const mic = encodeCfxHeader('mic', { flags: 0x04, sndSeq: 9n });
    out.push(new Uint8Array([...mic, ...prof.makeChecksum(k.key, 25, new Uint8Array([...msg, ...mic]))]));
  }
  // RFC 1964 MIC / DES-era Wrap shapes (decoded, not verified)
  out.push(h('01011100ffffffff0011223344556677a1a2a3a4a5a6a7a8'));
  out.push(h('020100000200ffff0011223344556677a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8c1c2c3c4c5c6c7c8'));
  return out;
}

let cache: { tokens: Uint8Array[]; keys: SessionKey[] } | undefined;

export function perMessageSeeds(): { tokens: Uint8Array[]; keys: SessionKey[] } {
  cache ??= { tokens: [...REAL, ...built()], keys: [...REAL_KEYS, FIXED, FIXED128] };
  return cache;
}
