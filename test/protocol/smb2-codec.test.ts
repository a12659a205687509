// The SMB2 codec (src/protocol/smb2) against byte layouts written out from MS-SMB2 §2.2.1–§2.2.10 field by field,
// round trips of every message kind (also at a non-zero offset), hostile inputs (every length and offset lied
// about) that must give a DecodeError naming the field and offset, the direct-TCP framer (MS-SMB2 §2.1) and the
// signing key derivation (§3.1.4.2, §3.2.5.3.1).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hmac } from '../../src/crypto/index.js';
import {
  decodeSmb2Header,
  decodeSmb2Message,
  encodeDirectTcp,
  encodeSmb2Header,
  encodeSmb2Message,
  isErrorResponse,
  negotiateContext,
  type Smb2Header,
  type Smb2Message,
  SmbFramer,
  signSmb2Message,
  smb2SessionKey,
  smb2Signature,
  smb2SigningKey,
  smb2StatusName,
  splitCompound,
  verifySmb2Signature,
} from '../../src/protocol/smb2/index.js';
import { fromHex, toHex } from '../../src/wire/encoding.js';
import { DecodeError } from '../../src/wire/errors.js';
import { roundTrip } from '../helpers/roundtrip.js';

const h = (s: string) => fromHex(s.replace(/\s+|#[^\n]*/g, '')) as Uint8Array;

const hdr = (o: Partial<Smb2Header> = {}): Smb2Header => ({
  creditCharge: 0,
  status: 0,
  command: 0,
  credits: 31,
  flags: 0,
  nextCommand: 0,
  messageId: 0n,
  processId: 0xfeff,
  treeId: 0,
  sessionId: 0n,
  signature: new Uint8Array(16),
  ...o,
});

const asyncHdr = (o: Partial<Smb2Header>): Smb2Header => {
  const { processId: _p, treeId: _t, ...rest } = hdr(o);
  return rest;
};

/** MS-SMB2 §2.2.1.2 + §2.2.3: a NEGOTIATE request offering 2.0.2 and 2.1, written out field by field. */
const NEGOTIATE_REQUEST = h(`
  fe534d42 4000 0000 00000000 0000 1f00       # ProtocolId, StructureSize 64, CreditCharge 0, Status, Command 0, CreditRequest 31
  00000000 00000000 0000000000000000          # Flags, NextCommand, MessageId 0
  fffe0000 00000000 0000000000000000          # Reserved (ProcessId 0xfeff), TreeId, SessionId
  00000000000000000000000000000000            # Signature
  2400 0200 0100 0000 00000000                # StructureSize 36, DialectCount 2, SecurityMode SIGNING_ENABLED, Reserved, Capabilities
  000102030405060708090a0b0c0d0e0f            # ClientGuid
  0000000000000000                            # ClientStartTime
  0202 1002                                   # Dialects 0x0202 0x0210
`);

/** MS-SMB2 §2.2.10: a TREE_CONNECT response (disk share, full access), tree id 5, session 0x1122334455667788. */
const TREE_CONNECT_RESPONSE = h(`
  fe534d42 4000 0100 00000000 0300 0100
  01000000 00000000 0300000000000000
  fffe0000 05000000 8877665544332211
  00000000000000000000000000000000
  1000 01 00 00000000 00000000 ff011f00       # StructureSize 16, ShareType DISK, Reserved, ShareFlags, Capabilities, MaximalAccess
`);

/** MS-SMB2 §2.2.2: the ERROR response to a TREE_CONNECT for a share that does not exist. */
const BAD_NETWORK_NAME = h(`
  fe534d42 4000 0100 cc0000c0 0300 0100
  01000000 00000000 0300000000000000
  fffe0000 00000000 8877665544332211
  00000000000000000000000000000000
  0900 00 00 00000000 00                      # StructureSize 9, ErrorContextCount 0, Reserved, ByteCount 0, ErrorData (1 byte)
`);

function decodeErr(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DecodeError, `expected a DecodeError, got ${e}`);
    return e;
  }
  assert.fail('expected a DecodeError');
}

const MESSAGES: Smb2Message[] = [
  {
    header: hdr(),
    body: {
      kind: 'negotiate-request',
      value: {
        securityMode: 1,
        capabilities: 0x7f,
        clientGuid: new Uint8Array(16).fill(7),
        dialects: [0x0202, 0x0210, 0x0300, 0x0302, 0x0311],
        negotiateContexts: [
          negotiateContext({ contextType: 1, hashAlgorithms: [1], salt: new Uint8Array(32).fill(9) }),
          negotiateContext({ contextType: 2, ciphers: [2, 1] }),
          negotiateContext({ contextType: 8, signingAlgorithms: [1, 0] }),
        ],
      },
    },
  },
  {
    header: hdr({ flags: 1, credits: 1 }),
    body: {
      kind: 'negotiate-response',
      value: {
        securityMode: 3,
        dialectRevision: 0x0311,
        serverGuid: new Uint8Array(16).fill(1),
        capabilities: 0x2f,
        maxTransactSize: 8388608,
        maxReadSize: 8388608,
        maxWriteSize: 8388608,
        systemTime: 132455677922465541n,
        serverStartTime: 0n,
        securityBuffer: new Uint8Array(77).fill(0x60),
        negotiateContexts: [
          negotiateContext({ contextType: 1, hashAlgorithms: [1], salt: new Uint8Array(32) }),
          negotiateContext({ contextType: 2, ciphers: [2] }),
        ],
      },
    },
  },
  {
    header: hdr({ flags: 1 }),
    body: {
      kind: 'negotiate-response',
      value: {
        securityMode: 1,
        dialectRevision: 0x0302,
        serverGuid: new Uint8Array(16).fill(2),
        capabilities: 7,
        maxTransactSize: 65536,
        maxReadSize: 65536,
        maxWriteSize: 65536,
        systemTime: 1n,
        serverStartTime: 2n,
        securityBuffer: new Uint8Array(0),
      },
    },
  },
  {
    header: hdr({ command: 1, messageId: 1n }),
    body: {
      kind: 'session-setup-request',
      value: {
        flags: 0,
        securityMode: 1,
        capabilities: 1,
        channel: 0,
        previousSessionId: 0n,
        securityBuffer: new Uint8Array(1500).fill(0xa0),
      },
    },
  },
  {
    header: hdr({ command: 1, messageId: 1n, flags: 1, status: 0xc0000016, sessionId: 0x42n }),
    body: { kind: 'session-setup-response', value: { sessionFlags: 0, securityBuffer: new Uint8Array(200).fill(0xa1) } },
  },
  {
    header: hdr({ command: 3, messageId: 2n, sessionId: 0x42n, flags: 8 }),
    body: { kind: 'tree-connect-request', value: { flags: 0, path: '\\\\dc1.contoso.com\\netlogon' } },
  },
  {
    header: hdr({ command: 3, messageId: 2n, flags: 1, treeId: 9, sessionId: 0x42n }),
    body: { kind: 'tree-connect-response', value: { shareType: 1, shareFlags: 0x800, capabilities: 0, maximalAccess: 0x1f01ff } },
  },
  { header: hdr({ command: 2, messageId: 3n }), body: { kind: 'logoff-request' } },
  { header: hdr({ command: 2, messageId: 3n, flags: 1 }), body: { kind: 'logoff-response' } },
  {
    header: hdr({ command: 3, flags: 1, status: 0xc0000022 }),
    body: { kind: 'error-response', value: { errorContextCount: 0, errorData: new Uint8Array(0) } },
  },
  {
    header: asyncHdr({ command: 5, flags: 3, asyncId: 77n, status: 0x103 }),
    body: { kind: 'error-response', value: { errorContextCount: 0, errorData: Uint8Array.of(1, 2, 3) } },
  },
  { header: hdr({ command: 0x0d }), body: { kind: 'other', body: Uint8Array.of(4, 0, 0, 0) } },
];

describe('SMB2 codec: spec layouts (MS-SMB2 §2.2)', () => {
  it('NEGOTIATE request (§2.2.3): encodes to the written-out bytes and decodes back', () => {
    const m: Smb2Message = {
      header: hdr(),
      body: {
        kind: 'negotiate-request',
        value: {
          securityMode: 1,
          capabilities: 0,
          clientGuid: h('000102030405060708090a0b0c0d0e0f'),
          dialects: [0x0202, 0x0210],
          clientStartTime: 0n,
        },
      },
    };
    assert.equal(toHex(encodeSmb2Message(m)), toHex(NEGOTIATE_REQUEST));
    assert.deepEqual(decodeSmb2Message(NEGOTIATE_REQUEST), m);
  });
  it('TREE_CONNECT response (§2.2.10) fields', () => {
    const m = decodeSmb2Message(TREE_CONNECT_RESPONSE);
    assert.equal(m.header.treeId, 5);
    assert.equal(m.header.sessionId, 0x1122334455667788n);
    assert.equal(m.header.credits, 1);
    assert.deepEqual(m.body, {
      kind: 'tree-connect-response',
      value: { shareType: 1, shareFlags: 0, capabilities: 0, maximalAccess: 0x1f01ff },
    });
  });
  it('ERROR response (§2.2.2) for STATUS_BAD_NETWORK_NAME', () => {
    const m = decodeSmb2Message(BAD_NETWORK_NAME);
    assert.equal(smb2StatusName(m.header.status), 'STATUS_BAD_NETWORK_NAME');
    assert.equal(m.body.kind, 'error-response');
    assert.equal(toHex(encodeSmb2Message(m)), toHex(BAD_NETWORK_NAME));
    // an 8-byte ERROR body (no ErrorData byte) is accepted too
    assert.equal(decodeSmb2Message(BAD_NETWORK_NAME.subarray(0, BAD_NETWORK_NAME.length - 1)).body.kind, 'error-response');
  });
  it('SESSION_SETUP STATUS_MORE_PROCESSING_REQUIRED carries a SESSION_SETUP body, not an ERROR body (§3.3.4.4)', () => {
    assert.equal(isErrorResponse({ flags: 1, command: 1, status: 0xc0000016 }), false);
    assert.equal(isErrorResponse({ flags: 1, command: 3, status: 0xc0000016 }), true);
    assert.equal(isErrorResponse({ flags: 1, command: 1, status: 0xc000006d }), true);
    assert.equal(isErrorResponse({ flags: 1, command: 5, status: 0x103 }), true);
    assert.equal(isErrorResponse({ flags: 0, command: 1, status: 0xc000006d }), false);
  });
  it('the async header (§2.2.1.1) carries AsyncId instead of Reserved/TreeId', () => {
    const b = encodeSmb2Header(asyncHdr({ flags: 3, asyncId: 0x0102030405060708n }));
    assert.equal(toHex(b.subarray(32, 40)), '0807060504030201');
    assert.equal(decodeSmb2Header(b).asyncId, 0x0102030405060708n);
  });
  it('names NTSTATUS values from the SMB table and from the Kerberos/logon one', () => {
    assert.equal(smb2StatusName(0xc0000016), 'STATUS_MORE_PROCESSING_REQUIRED');
    assert.equal(smb2StatusName(0xc000006d), 'STATUS_LOGON_FAILURE');
    assert.equal(smb2StatusName(0xc0000133), 'STATUS_TIME_DIFFERENCE_AT_DC');
    assert.equal(smb2StatusName(0xc0009999), '0xc0009999');
  });
});

describe('SMB2 codec: round trips', () => {
  for (const m of MESSAGES)
    it(`${m.body.kind}${m.header.asyncId !== undefined ? ' (async)' : ''}`, () => {
      roundTrip(encodeSmb2Message, (b) => decodeSmb2Message(b), m);
      assert.deepEqual(decodeSmb2Message(encodeSmb2Message(m)), m);
    });
  it('a compound of three messages splits at each NextCommand (§3.2.4.1.4)', () => {
    const parts = [MESSAGES[5], MESSAGES[7], MESSAGES[8]].map((m) => encodeSmb2Message(m as Smb2Message));
    const padded = parts.map((p, i) => {
      const len = i < parts.length - 1 ? (p.length + 7) & ~7 : p.length;
      const out = new Uint8Array(len);
      out.set(p);
      if (i < parts.length - 1) new DataView(out.buffer).setUint32(20, len, true);
      return out;
    });
    const frame = new Uint8Array(padded.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of padded) {
      frame.set(p, o);
      o += p.length;
    }
    const split = splitCompound(frame);
    assert.deepEqual(
      split.map((s) => decodeSmb2Message(s.bytes).body.kind),
      ['tree-connect-request', 'logoff-request', 'logoff-response'],
    );
    assert.equal(decodeSmb2Message(frame).body.kind, 'tree-connect-request');
  });
});

describe('SMB2 codec: hostile input gives a DecodeError with field and offset', () => {
  const neg = encodeSmb2Message(MESSAGES[1] as Smb2Message);
  const set16 = (b: Uint8Array, at: number, v: number) => {
    const c = b.slice();
    new DataView(c.buffer).setUint16(at, v, true);
    return c;
  };
  const set32 = (b: Uint8Array, at: number, v: number) => {
    const c = b.slice();
    new DataView(c.buffer).setUint32(at, v, true);
    return c;
  };
  const cases: [string, () => Uint8Array, string, RegExp][] = [
    ['a truncated header', () => NEGOTIATE_REQUEST.subarray(0, 30), 'ERR_TRUNCATED', /MessageId|Reserved|NextCommand/],
    [
      'an SMB1 message',
      () => h('ff534d4272000000001853c8000000000000000000000000fffffffe0000000000000000000000000000000000000000000000000000000000000000'),
      'ERR_BAD_VALUE',
      /ProtocolId/,
    ],
    ['an encrypted SMB3 message', () => h(`fd534d42${'00'.repeat(60)}`), 'ERR_BAD_VALUE', /ProtocolId/],
    ['header StructureSize 65', () => set16(NEGOTIATE_REQUEST, 4, 65), 'ERR_BAD_VALUE', /^StructureSize$/],
    ['NEGOTIATE DialectCount 0xffff', () => set16(NEGOTIATE_REQUEST, 66, 0xffff), 'ERR_TRUNCATED', /DialectCount/],
    ['NEGOTIATE DialectCount 0', () => set16(NEGOTIATE_REQUEST, 66, 0), 'ERR_BAD_VALUE', /DialectCount/],
    ['SecurityBufferLength past the end', () => set16(neg, 64 + 58, 0xffff), 'ERR_TRUNCATED', /SecurityBuffer/],
    ['SecurityBufferOffset inside the fixed part', () => set16(neg, 64 + 56, 10), 'ERR_BAD_VALUE', /SecurityBuffer/],
    ['NegotiateContextOffset past the end', () => set32(neg, 64 + 60, 0xfffff), 'ERR_BAD_VALUE', /NegotiateContextOffset/],
    ['NegotiateContextCount 0xffff', () => set16(neg, 64 + 6, 0xffff), 'ERR_TRUNCATED', /NegotiateContextCount/],
    [
      'a context DataLength past the end',
      () => set16(neg, neg.length - 4 - 4 - 2, 0x7fff),
      'ERR_TRUNCATED',
      /NegotiateContextList\[1\]\.Data/,
    ],
    ['NextCommand past the frame', () => set32(TREE_CONNECT_RESPONSE, 20, 0x1000), 'ERR_TRUNCATED', /NextCommand/],
    ['NextCommand not aligned', () => set32(TREE_CONNECT_RESPONSE, 20, 65), 'ERR_BAD_VALUE', /NextCommand/],
    [
      'an odd TREE_CONNECT PathLength',
      () => set16(encodeSmb2Message(MESSAGES[5] as Smb2Message), 64 + 6, 3),
      'ERR_BAD_VALUE',
      /PathLength/,
    ],
    [
      'a truncated TREE_CONNECT response',
      () => TREE_CONNECT_RESPONSE.subarray(0, 70),
      'ERR_TRUNCATED',
      /ShareFlags|Capabilities|MaximalAccess/,
    ],
    ['ERROR ByteCount past the end', () => set32(BAD_NETWORK_NAME, 68, 1000), 'ERR_TRUNCATED', /ErrorData/],
  ];
  for (const [what, bytes, code, field] of cases)
    it(what, () => {
      const e = decodeErr(() => decodeSmb2Message(bytes()));
      assert.equal(e.code, code, e.message);
      assert.match(e.field ?? '', field, e.message);
      assert.equal(typeof e.offset, 'number', e.message);
    });
  it('offsets are absolute when a base is given', () => {
    const e = decodeErr(() => decodeSmb2Message(set16(neg, 64 + 58, 0xffff), 1000));
    assert.ok((e.offset ?? 0) >= 1000, e.message);
  });
});

describe('direct TCP framing (MS-SMB2 §2.1)', () => {
  it('a zero byte and a 24-bit big-endian length', () => {
    assert.equal(toHex(encodeDirectTcp(new Uint8Array(0x010203))).slice(0, 8), '00010203');
  });
  it('splits at every cut point and joins two frames in one chunk', () => {
    const a = encodeDirectTcp(NEGOTIATE_REQUEST);
    const b = encodeDirectTcp(TREE_CONNECT_RESPONSE);
    const both = new Uint8Array([...a, ...b]);
    for (let cut = 0; cut <= both.length; cut++) {
      const f = new SmbFramer();
      const got = [...f.push(both.subarray(0, cut)), ...f.push(both.subarray(cut))];
      assert.deepEqual(got.map(toHex), [toHex(NEGOTIATE_REQUEST), toHex(TREE_CONNECT_RESPONSE)], `cut at ${cut}`);
      assert.equal(f.pending, 0);
    }
  });
  it('skips NetBIOS keep-alives', () => {
    const f = new SmbFramer();
    assert.deepEqual(f.push(new Uint8Array([0x85, 0, 0, 0, ...encodeDirectTcp(Uint8Array.of(1, 2))])).map(toHex), ['0102']);
  });
  it('refuses a NetBIOS negative session response, a length beyond the limit and an empty frame, and stays failed', () => {
    const e1 = decodeErr(() => new SmbFramer().push(h('83000001 8f')));
    assert.match(e1.message, /NEGATIVE SESSION RESPONSE/);
    const f = new SmbFramer(1000);
    const e2 = decodeErr(() => f.push(h('00ffffff')));
    assert.equal(e2.code, 'ERR_LIMIT');
    assert.throws(() => f.push(Uint8Array.of(0)), DecodeError);
    assert.equal(decodeErr(() => new SmbFramer().push(h('00000000'))).code, 'ERR_BAD_VALUE');
    assert.equal(decodeErr(() => new SmbFramer().push(h('48545450'))).code, 'ERR_BAD_VALUE'); // "HTTP"
  });
});

describe('SMB2 signing (MS-SMB2 §3.1.4)', () => {
  const sessionKey = smb2SessionKey(h('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'));
  it('Session.SessionKey is the first 16 bytes, zero-padded when shorter (§3.2.5.3.1)', () => {
    assert.equal(toHex(sessionKey), '000102030405060708090a0b0c0d0e0f');
    assert.equal(toHex(smb2SessionKey(Uint8Array.of(1, 2))), `0102${'00'.repeat(14)}`);
  });
  it('3.0/3.0.2 SigningKey = SP800-108 KDF(SessionKey, "SMB2AESCMAC\\0", "SmbSign\\0") written out by hand', () => {
    const input = new Uint8Array([
      0,
      0,
      0,
      1,
      ...new TextEncoder().encode('SMB2AESCMAC\0'),
      0,
      ...new TextEncoder().encode('SmbSign\0'),
      0,
      0,
      0,
      128,
    ]);
    const want = hmac('sha256', sessionKey, input).slice(0, 16);
    assert.equal(toHex(smb2SigningKey(0x0300, sessionKey)), toHex(want));
    assert.equal(toHex(smb2SigningKey(0x0302, sessionKey)), toHex(want));
    assert.equal(toHex(smb2SigningKey(0x0210, sessionKey)), toHex(sessionKey));
    assert.throws(() => smb2SigningKey(0x0311, sessionKey), RangeError);
    assert.equal(smb2SigningKey(0x0311, sessionKey, new Uint8Array(64)).length, 16);
  });
  it('sign → verify for 2.1 (HMAC-SHA256) and 3.0.2 (AES-CMAC); a flipped bit or another key fails', () => {
    const m = encodeSmb2Message(MESSAGES[5] as Smb2Message);
    for (const d of [0x0202, 0x0210, 0x0300, 0x0302]) {
      const k = smb2SigningKey(d, sessionKey);
      const s = signSmb2Message(d, k, m);
      assert.equal((s[16] as number) & 8, 8);
      assert.equal(verifySmb2Signature(d, k, s), 'valid');
      assert.equal(toHex(smb2Signature(d, k, s)), toHex(s.subarray(48, 64)));
      const bad = s.slice();
      bad[70] = (bad[70] as number) ^ 0x40;
      assert.equal(verifySmb2Signature(d, k, bad), 'invalid');
      assert.equal(verifySmb2Signature(d, new Uint8Array(16), s), 'invalid');
    }
    assert.equal(verifySmb2Signature(0x0210, sessionKey, encodeSmb2Message(MESSAGES[7] as Smb2Message)), 'unsigned');
  });
});
