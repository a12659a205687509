/**
 * Fuzz targets for the SMB2 codec (src/protocol/smb2), in the shape of the registry in targets.ts so the lead can
 * add them to TARGETS (and so to the 10⁵-per-target campaign). Seeds: every SMB2 message of the three corpus
 * streams in test/smb/fixtures/smb2-streams.json (Kerberos SMB 2.1, SMB 3.1.1 with negotiate contexts, an NTLM
 * logon failure), whole framed streams for the framer, and messages our encoders build (signed ones too, and the
 * 3.1.1 NEGOTIATE request and response with the contexts src/smb/probe.ts sends and checks).
 */
import { readFileSync } from 'node:fs';
import {
  decodeSmb2Message,
  encodeDirectTcp,
  encodeSmb2Message,
  isErrorResponse,
  negotiateContext,
  SmbFramer,
  signSmb2Message,
  smb2SigningKey,
  smbProtocolOf,
  splitCompound,
} from '../../src/protocol/smb2/index.js';
import { fromHex } from '../../src/wire/encoding.js';
import { isDecodeError } from '../../src/wire/errors.js';
import type { FuzzTarget, Outcome } from './targets.js';

interface Stream {
  client: string;
  server: string;
}

let cachedStreams: Uint8Array[] | undefined;
/** The raw direct-TCP byte streams of the fixture (both directions of three connections). */
export function smb2Streams(): Uint8Array[] {
  if (cachedStreams) return cachedStreams;
  const s = JSON.parse(readFileSync(new URL('../smb/fixtures/smb2-streams.json', import.meta.url), 'utf8')) as Record<string, Stream>;
  cachedStreams = Object.values(s).flatMap((x) => [fromHex(x.client) as Uint8Array, fromHex(x.server) as Uint8Array]);
  return cachedStreams;
}

/** Every SMB2 message of the fixture streams plus a few built here. */
export function smb2MessageSeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const st of smb2Streams()) for (const f of new SmbFramer().push(st)) if (smbProtocolOf(f) === 'smb2') out.push(f);
  const h = {
    creditCharge: 1,
    status: 0,
    command: 3,
    credits: 1,
    flags: 0,
    nextCommand: 0,
    messageId: 4n,
    processId: 0,
    treeId: 0,
    sessionId: 9n,
    signature: new Uint8Array(16),
  };
  const tc = encodeSmb2Message({
    header: h,
    body: { kind: 'tree-connect-request', value: { flags: 0, path: '\\\\dc1.contoso.com\\netlogon' } },
  });
  out.push(tc, signSmb2Message(0x0302, smb2SigningKey(0x0302, new Uint8Array(16)), tc));
  out.push(signSmb2Message(0x0311, smb2SigningKey(0x0311, new Uint8Array(16), new Uint8Array(64)), tc));
  // what a 3.1.1 server answers the probe (src/smb/probe.ts): PREAUTH (SHA-512, salt) and SIGNING (AES-CMAC) contexts
  // after a security buffer, so the contexts' offset depends on the buffer's length
  out.push(
    encodeSmb2Message({
      header: { ...h, command: 0, flags: 1 },
      body: {
        kind: 'negotiate-response',
        value: {
          securityMode: 3,
          dialectRevision: 0x0311,
          serverGuid: new Uint8Array(16).fill(7),
          capabilities: 0x2f,
          maxTransactSize: 8388608,
          maxReadSize: 8388608,
          maxWriteSize: 8388608,
          systemTime: 0n,
          serverStartTime: 0n,
          securityBuffer: Uint8Array.of(0x60, 0x03, 0x06, 0x01, 0x00),
          negotiateContexts: [
            negotiateContext({ contextType: 1, hashAlgorithms: [1], salt: new Uint8Array(32).fill(0x5a) }),
            negotiateContext({ contextType: 2, ciphers: [2, 1] }),
            negotiateContext({ contextType: 8, signingAlgorithms: [1] }),
          ],
        },
      },
    }),
  );
  out.push(
    encodeSmb2Message({
      header: { ...h, command: 0 },
      body: {
        kind: 'negotiate-request',
        value: {
          securityMode: 1,
          capabilities: 0,
          clientGuid: new Uint8Array(16),
          dialects: [0x0311],
          negotiateContexts: [
            negotiateContext({ contextType: 1, hashAlgorithms: [1], salt: new Uint8Array(32) }),
            negotiateContext({ contextType: 8, signingAlgorithms: [1] }),
          ],
        },
      },
    }),
  );
  return out;
}

function decoding(f: () => { outcome: Outcome; result?: unknown }): { outcome: Outcome; result?: unknown } {
  try {
    return f();
  } catch (e) {
    if (isDecodeError(e)) return { outcome: { kind: 'rejected', code: e.code } };
    throw e;
  }
}

export const SMB2_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'smb2-message',
    what: 'protocol/smb2 decodeSmb2Message, splitCompound, encodeSmb2Message of what decoded',
    seeds: () => smb2MessageSeeds(),
    run(input) {
      return decoding(() => {
        const m = decodeSmb2Message(input);
        // what decodes must re-encode and decode to the same kind (no encoder crash on decoded values)
        const again = decodeSmb2Message(encodeSmb2Message(m));
        if (again.body.kind !== m.body.kind) throw new Error(`re-decoded as ${again.body.kind}, not ${m.body.kind}`);
        const parts = splitCompound(input);
        return {
          outcome: { kind: 'ok', tags: [m.body.kind, isErrorResponse(m.header) ? 'error' : 'body'] },
          result: { m, parts: parts.length },
        };
      });
    },
  },
  {
    name: 'smb2-stream',
    what: 'protocol/smb2 SmbFramer over a byte stream cut in two, then decodeSmb2Message on every frame',
    seeds: () => smb2Streams(),
    run(input) {
      return decoding(() => {
        const f = new SmbFramer(1 << 16);
        const cut = input.length ? (input[0] as number) % input.length : 0;
        const frames = [...f.push(input.subarray(0, cut)), ...f.push(input.subarray(cut))];
        let bad: string | undefined;
        const kinds: string[] = [];
        for (const fr of frames) {
          if (smbProtocolOf(fr) !== 'smb2') continue;
          try {
            kinds.push(decodeSmb2Message(fr).body.kind);
          } catch (e) {
            if (!isDecodeError(e)) throw e;
            bad ??= e.code;
          }
        }
        const result = { frames: frames.length, kinds };
        return bad ? { outcome: { kind: 'partial', code: bad }, result } : { outcome: { kind: 'ok' }, result };
      });
    },
  },
  {
    name: 'smb2-framed',
    what: 'protocol/smb2 encodeDirectTcp → SmbFramer one byte at a time → the same payload',
    seeds: () => smb2MessageSeeds(),
    run(input) {
      const f = new SmbFramer();
      const framed = encodeDirectTcp(input);
      const out: Uint8Array[] = [];
      try {
        for (let i = 0; i < framed.length; i += 1 + (i % 13)) out.push(...f.push(framed.subarray(i, i + 1 + (i % 13))));
      } catch (e) {
        if (isDecodeError(e)) return { outcome: { kind: 'rejected', code: e.code } }; // only an empty payload
        throw e;
      }
      if (input.length && (out.length !== 1 || Buffer.compare(out[0] as Uint8Array, input) !== 0))
        throw new Error('framing lost or changed bytes');
      return { outcome: { kind: 'ok' }, result: { frames: out.length } };
    },
  },
];
