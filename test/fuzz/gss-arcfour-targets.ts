/**
 * Fuzz targets for RFC 4757 §7 RC4-HMAC per-message tokens (src/protocol/gss/arcfour.ts) and the LDAP SASL layer that
 * unwraps them (src/ldap/sasl-gssapi.ts), in the shape of the registry in targets.ts so the lead can add them to
 * TARGETS. Seeds: the five RC4 tokens of test/protocol/gss/fixtures/per-message.pcapng (frames 154, 155, 157, 158, 159:
 * MIT krb5 ldapsearch and Samba 4.17 with an arcfour-hmac ldap/ ticket; see SOURCES.md there) with that connection's
 * AP-REP subkey, plus tokens built here with the same key: MIC and Wrap, sealed and signed, framed and bare. A token
 * that does not verify is an expected outcome (tagged with its GSS status), anything but DecodeError / ArcfourError /
 * SaslError a crash.
 */
import { type GssContext, SaslError, unwrapFromServer } from '../../src/ldap/sasl-gssapi.js';
import {
  ArcfourError,
  decodeArcfourToken,
  encodeArcfourToken,
  getMicArcfour,
  unwrapArcfour,
  verifyMicArcfour,
  wrapArcfour,
} from '../../src/protocol/gss/arcfour.js';
import { isDecodeError } from '../../src/wire/errors.js';
import type { FuzzTarget, Outcome } from './targets.js';

const h = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/** frame 151's AP-REP subkey; frames 149 / 151 seq-numbers (the first SND_SEQ of MIT and of Samba) */
const KEY = { enctype: 23, key: h('4edd2bd32ef99005e1bbf91210e98953') };
const INITIATOR_SEQ = 44035561;
const ACCEPTOR_SEQ = 339946138;

const REAL = [
  '603006092a864886f71201020202011100ffffffffc0530b544bcae1169a0e091771040f266328b5ddad9009ab0701000001',
  '603006092a864886f71201020202011100ffffffffb1150284cb71898c8436bc152cc0529503b4f1d91366550b04ffffff01',
  '607106092a864886f712010202020111001000ffff704afc4342c689104b450c496ac1e28d615d9e8625ff491cb8fc40f3a66898114447018ecd58eeeb0bedd3e2204219d77f25184ea1029f7e4f8931a9a950073634a62ef270a3edd68848c2fe01481bb877fe3bbdb366cb2f5b70d089165b',
  '605606092a864886f712010202020111001000ffff857329cbf859435365df640ea066a4187d303fc21f3ae0d76ac3dd759863c9dc9b4276bae566f9833254ec89878a1a591f479f58d714498287f5afd9ce8f092d92df78',
  '603306092a864886f712010202020111001000ffffe1b5d45b0ba31629155b3c0bbec3f75eea7b36a0a0414bbffed68a20709ad0af',
];

let cache: Uint8Array[] | undefined;
export function arcfourSeeds(): Uint8Array[] {
  if (cache) return cache;
  const msg = new TextEncoder().encode('0\x0c\x02\x01\x02B\x00 kerbscope fuzz seed message');
  const conf = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const out: Uint8Array[] = REAL.map(h);
  for (const framed of [true, false]) {
    for (const sealed of [true, false])
      out.push(wrapArcfour(msg, KEY, { initiator: false, sealed, seqNumber: ACCEPTOR_SEQ, confounder: conf, framed }));
    out.push(getMicArcfour(msg, KEY, { initiator: false, seqNumber: ACCEPTOR_SEQ, framed }));
  }
  // a long token (two-octet DER length in the framing)
  out.push(wrapArcfour(new Uint8Array(300).fill(0x41), KEY, { initiator: false, sealed: true, seqNumber: ACCEPTOR_SEQ, confounder: conf }));
  cache = out;
  return out;
}

/** The message a built MIC seed signs (a MIC token does not carry it). */
const MIC_MESSAGE = new TextEncoder().encode('0\x0c\x02\x01\x02B\x00 kerbscope fuzz seed message');

function classify(f: () => { outcome: Outcome; result?: unknown }): { outcome: Outcome; result?: unknown } {
  try {
    return f();
  } catch (e) {
    if (isDecodeError(e)) return { outcome: { kind: 'rejected', code: e.code } };
    if (e instanceof SaslError) return { outcome: { kind: 'rejected', code: `sasl-${e.step}` } };
    throw e;
  }
}

export const GSS_ARCFOUR_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'gss-arcfour',
    what: 'protocol/gss decodeArcfourToken → encodeArcfourToken (byte for byte) → unwrapArcfour / verifyMicArcfour with the real key',
    seeds: () => arcfourSeeds(),
    run(input) {
      return classify(() => {
        const t = decodeArcfourToken(input);
        const again = encodeArcfourToken(t);
        if (Buffer.compare(again, input) !== 0) throw new Error('decode → encode changed the bytes');
        const tags = [`kind:${t.kind}`, t.sealed ? 'sealed' : 'signed', t.framed ? 'framed' : 'bare'];
        for (const from of ['acceptor', 'initiator'] as const) {
          try {
            const r =
              t.kind === 'wrap'
                ? unwrapArcfour(t, KEY, { from })
                : verifyMicArcfour(t, MIC_MESSAGE, KEY, { from, expectSeq: from === 'acceptor' ? ACCEPTOR_SEQ : INITIATOR_SEQ });
            return { outcome: { kind: 'ok', tags: [...tags, `verified:${from}`] }, result: r };
          } catch (e) {
            if (!(e instanceof ArcfourError)) throw e;
            tags.push(`${from}:${e.code}`);
          }
        }
        return { outcome: { kind: 'ok', tags }, result: t };
      });
    },
  },
  {
    name: 'gss-arcfour-sasl',
    what: 'ldap/sasl-gssapi unwrapFromServer with an RC4-HMAC context (Samba’s first sequence number, confidentiality required or not)',
    seeds: () => arcfourSeeds(),
    run(input) {
      return classify(() => {
        const ctx: GssContext = {
          key: KEY,
          acceptorSubkey: false,
          tokens: 'rfc4757',
          sendSeq: BigInt(INITIATOR_SEQ),
          recvSeq: BigInt(ACCEPTOR_SEQ),
        };
        const payload = unwrapFromServer(ctx, input, 'wrap', (input.length & 1) === 1);
        if (ctx.recvSeq !== BigInt(ACCEPTOR_SEQ + 1)) throw new Error('the receive sequence did not advance by one');
        return { outcome: { kind: 'ok' }, result: { length: payload.length } };
      });
    },
  },
  {
    name: 'gss-arcfour-roundtrip',
    what: 'protocol/gss wrapArcfour (sealed and signed) → unwrapArcfour gives the input back; getMicArcfour → verifyMicArcfour',
    seeds: () => [new Uint8Array(0), MIC_MESSAGE, ...REAL.map(h)],
    run(input) {
      const seq = input.length ? (input[0] as number) * 0x01010101 : 0;
      for (const sealed of [true, false]) {
        const tok = wrapArcfour(input, KEY, { initiator: true, sealed, seqNumber: seq });
        const r = unwrapArcfour(tok, KEY, { from: 'initiator', expectSeq: seq });
        if (Buffer.compare(r.payload, input) !== 0 || r.sealed !== sealed) throw new Error('wrap → unwrap lost the message');
      }
      verifyMicArcfour(getMicArcfour(input, KEY, { initiator: false, seqNumber: seq }), input, KEY, { from: 'acceptor', expectSeq: seq });
      return { outcome: { kind: 'ok' }, result: { length: input.length } };
    },
  },
];
