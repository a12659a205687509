// smbKerberosProbe against hostile and broken SMB servers on loopback (127.0.0.1, a free port): a closed port,
// garbage, an HTTP server, a frame whose length lies, a truncated SMB2 message, an SMB1-only server, silence, a
// dialect that was not offered, STATUS_LOGON_FAILURE, a KRB-ERROR inside SPNEGO, an endless MORE_PROCESSING loop, an
// AP-REP that does not open; and a server that completes the logon (request-mic round, bad MIC, ACCESS_DENIED, a bad
// signature). Each must end in a step with a stable code and a readable error, no exception, within
// the timeout. The real server (Samba) is test/smb/lab-smb.test.ts; these servers speak just enough SMB2 (built
// with kerbscope's own encoders) to reach the failure under test.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decrypt, encrypt, getEnctype, KeyUsage, makeChecksum, randomBytes } from '../../src/crypto/index.js';
import { assertLoopback, closeAll, listenTcp } from '../../src/embedded/loopback.js';
import type { Creds } from '../../src/krb/client.js';
import {
  decodeInitialContextToken,
  decodeNegotiationToken,
  encodeInitialContextToken,
  encodeNegotiationToken,
  GssOid,
  MechTypeList,
} from '../../src/protocol/gss/index.js';
import { decodePerMessageToken, verifyCfxMic } from '../../src/protocol/gss/per-message.js';
import {
  decodeApReq,
  decodeAuthenticator,
  encodeApRep,
  encodeEncApRepPart,
  encodeKrbError,
  encodeTicket,
  type Ticket,
} from '../../src/protocol/krb5/index.js';
import {
  decodeSmb2Message,
  encodeDirectTcp,
  encodeSmb2Message,
  type NegotiateContext,
  negotiateContext,
  type Smb2Header,
  type Smb2Message,
  SmbFramer,
  signSmb2Message,
  smb2PreauthInitial,
  smb2PreauthUpdate,
  smb2SessionKey,
  smb2SigningKey,
} from '../../src/protocol/smb2/index.js';
import { type SmbProbeResult, smbKerberosProbe } from '../../src/smb/index.js';
import { encodeDer } from '../../src/wire/asn1.js';
import { DecodeError } from '../../src/wire/errors.js';

const HOST = '127.0.0.1';
assertLoopback(HOST);
const TIMEOUT = 1500;

function fakeCreds(): Creds {
  const ticket: Ticket = {
    tktVno: 5,
    realm: 'CONTOSO.COM',
    sname: { nameType: 2, nameString: ['cifs', 'fake.contoso.com'] },
    encPart: { etype: 18, kvno: 2, cipher: randomBytes(120) },
  };
  return {
    client: { nameType: 1, nameString: ['john'] },
    crealm: 'CONTOSO.COM',
    server: ticket.sname,
    srealm: 'CONTOSO.COM',
    ticket,
    ticketDer: encodeTicket(ticket),
    sessionKey: { enctype: 18, key: randomBytes(32) },
    flags: 0,
    authtime: new Date(),
    endtime: new Date(Date.now() + 3600_000),
  };
}

type Behaviour = (sock: Socket, req: Smb2Message | undefined, raw: Uint8Array) => void;

function reply(req: Smb2Message, o: Partial<Smb2Header>, body: Smb2Message['body']): Uint8Array {
  return encodeDirectTcp(
    encodeSmb2Message({
      header: { ...req.header, flags: 1, credits: 1, status: 0, signature: new Uint8Array(16), ...o },
      body,
    }),
  );
}

/** MS-SMB2 §2.2.4.1: what a 3.1.1 server answers: SHA-512 with its own salt, and AES-CMAC signing when asked */
const CONTEXTS_311: NegotiateContext[] = [
  negotiateContext({ contextType: 1, hashAlgorithms: [1], salt: randomBytes(32) }),
  negotiateContext({ contextType: 8, signingAlgorithms: [1] }),
];

const negotiateOk = (
  req: Smb2Message,
  dialect = 0x0302,
  securityBuffer: Uint8Array = new Uint8Array(0),
  negotiateContexts: NegotiateContext[] | undefined = dialect === 0x0311 ? CONTEXTS_311 : undefined,
) =>
  reply(
    req,
    {},
    {
      kind: 'negotiate-response',
      value: {
        securityMode: 3,
        dialectRevision: dialect,
        serverGuid: new Uint8Array(16).fill(0xab),
        capabilities: 0,
        maxTransactSize: 65536,
        maxReadSize: 65536,
        maxWriteSize: 65536,
        systemTime: 0n,
        serverStartTime: 0n,
        securityBuffer,
        ...(negotiateContexts ? { negotiateContexts } : {}),
      },
    },
  );

const spnegoResp = (negState: 'accept-completed' | 'accept-incomplete' | 'reject', responseToken?: Uint8Array) =>
  encodeNegotiationToken({
    type: 'negTokenResp',
    value: { negState, supportedMech: GssOid.KRB5, ...(responseToken ? { responseToken } : {}) },
  });

const krb5Token = (tokId: number, body: Uint8Array) =>
  encodeInitialContextToken({ thisMech: GssOid.KRB5, innerToken: new Uint8Array([tokId >> 8, tokId & 0xff, ...body]) });

/** An SMB2 server whose NEGOTIATE answer is normal and whose SESSION_SETUP answer is `onSetup`. */
function smbServer(onSetup: (req: Smb2Message) => Uint8Array, dialect = 0x0302, mechs?: string[]): Behaviour {
  // MS-SPNG §2.2.1: the NegTokenInit2 a server puts in its NEGOTIATE response lists the mechanisms it takes
  const sb = mechs
    ? encodeInitialContextToken({
        thisMech: GssOid.SPNEGO,
        innerToken: encodeNegotiationToken({ type: 'negTokenInit', value: { form: 'NegTokenInit', mechTypes: mechs } }),
      })
    : new Uint8Array(0);
  return (sock, req) => {
    if (!req) return;
    if (req.header.command === 0) sock.write(negotiateOk(req, dialect, sb));
    else if (req.header.command === 1) sock.write(onSetup(req));
  };
}

/** The ticket session key every fake server shares with the probe (the test made the ticket). */
const CREDS = fakeCreds();

/**
 * A server that plays the acceptor's side correctly (it knows the ticket's session key because the test made the
 * ticket): it opens the authenticator, answers with an AP-REP echoing ctime/cusec and carrying its own subkey, signs
 * its responses with the SMB 3.0.2 key from that subkey and optionally adds a mechListMIC; `treeStatus` is its answer
 * to TREE_CONNECT; `mic` 'bad' sends a MIC that does not verify, `sig` 'bad' signs the TREE_CONNECT reply wrongly.
 */
function acceptor(o: {
  treeStatus: number;
  mic?: 'good' | 'bad';
  sig?: 'bad';
  requestMic?: boolean;
  /** 0x0311: the server keeps its own preauth integrity hash of what it received and sent (MS-SMB2 §3.3.5.4, §3.3.5.5) */
  dialect?: number;
  /** 3.1.1 faults: no signature on the final SESSION_SETUP response, or a key from a hash that skipped the request */
  final311?: 'unsigned' | 'stale-hash';
}): Behaviour {
  const subkey = randomBytes(32);
  const dialect = o.dialect ?? 0x0302;
  let sentMechTypes: string[] = [];
  let signing = smb2SigningKey(0x0302, smb2SessionKey(subkey));
  let preauth = smb2PreauthInitial();
  /** signs a framed reply, hashes it first when it is a 3.1.1 SESSION_SETUP that another round follows */
  const send = (sock: Socket, framed: Uint8Array, opts: { sign: boolean; hash?: boolean }) => {
    const m = framed.subarray(4);
    if (opts.hash && dialect === 0x0311) preauth = smb2PreauthUpdate(preauth, m);
    sock.write(opts.sign ? encodeDirectTcp(signSmb2Message(dialect, signing, m)) : framed);
  };
  /** 3.1.1: Session.SigningKey from the hash so far, once the logon completes (§3.3.5.5.3) */
  const finalKey = (beforeRequest: Uint8Array) => {
    if (dialect !== 0x0311) return;
    signing = smb2SigningKey(0x0311, smb2SessionKey(subkey), o.final311 === 'stale-hash' ? beforeRequest : preauth);
  };
  return (sock, req, raw) => {
    if (!req) return;
    if (req.header.command === 0) {
      const rep = negotiateOk(req, dialect);
      if (dialect === 0x0311) preauth = smb2PreauthUpdate(smb2PreauthUpdate(smb2PreauthInitial(), raw), rep.subarray(4));
      return void sock.write(rep);
    }
    if (req.header.command === 1 && req.body.kind === 'session-setup-request') {
      const beforeRequest = preauth;
      if (dialect === 0x0311) preauth = smb2PreauthUpdate(preauth, raw);
      const sb0 = req.body.value.securityBuffer;
      if (sb0[0] === 0xa1) {
        // the second round of request-mic: the initiator's MIC over the mechTypes it sent (RFC 4178 §5)
        const t = decodeNegotiationToken(sb0);
        const mic = t.type === 'negTokenResp' ? t.value.mechListMIC : undefined;
        const pm = mic ? decodePerMessageToken(mic) : undefined;
        const good =
          pm?.kind === 'mic' &&
          !pm.sentByAcceptor &&
          verifyCfxMic(pm, encodeDer(MechTypeList, sentMechTypes), [{ enctype: 18, key: subkey }]).status === 'ok';
        if (!good)
          return void sock.write(
            reply(
              req,
              { status: 0xc000006d, sessionId: 0x99n },
              { kind: 'error-response', value: { errorContextCount: 0, errorData: new Uint8Array(0) } },
            ),
          );
        const done = encodeNegotiationToken({ type: 'negTokenResp', value: { negState: 'accept-completed' } });
        const rep = reply(req, { sessionId: 0x99n }, { kind: 'session-setup-response', value: { sessionFlags: 0, securityBuffer: done } });
        finalKey(beforeRequest);
        return void send(sock, rep, { sign: o.final311 !== 'unsigned' });
      }
      const init = decodeNegotiationToken(decodeInitialContextToken(sb0).innerToken);
      if (init.type !== 'negTokenInit') return void sock.destroy();
      sentMechTypes = init.value.mechTypes ?? [];
      const apReq = decodeApReq(decodeInitialContextToken(init.value.mechToken as Uint8Array).innerToken.subarray(2));
      const sk = CREDS.sessionKey;
      const auth = decodeAuthenticator(decrypt(sk.enctype, sk.key, KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher));
      const part = encodeEncApRepPart({ ctime: auth.ctime, cusec: auth.cusec, subkey: { keytype: 18, keyvalue: subkey }, seqNumber: 7 });
      const apRep = encodeApRep({
        pvno: 5,
        msgType: 15,
        encPart: { etype: 18, cipher: encrypt(18, sk.key, KeyUsage.AP_REP_ENC_PART, part) },
      });
      let mechListMIC: Uint8Array | undefined;
      if (o.mic) {
        // RFC 4121 §4.2.6.1 MIC token: 04 04, flags SentByAcceptor|AcceptorSubkey, filler, SND_SEQ, then the checksum
        const head = Uint8Array.of(0x04, 0x04, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 7);
        const msg = encodeDer(MechTypeList, init.value.mechTypes ?? []);
        const ck = makeChecksum(getEnctype(18)?.checksumType ?? 16, subkey, 23, new Uint8Array([...msg, ...head]));
        if (o.mic === 'bad') ck[0] = (ck[0] as number) ^ 1;
        mechListMIC = new Uint8Array([...head, ...ck]);
      }
      const sb = encodeNegotiationToken({
        type: 'negTokenResp',
        value: {
          negState: 'accept-completed',
          supportedMech: GssOid.KRB5,
          responseToken: krb5Token(0x0200, apRep),
          ...(mechListMIC ? { mechListMIC } : {}),
        },
      });
      if (o.requestMic) {
        const ask = encodeNegotiationToken({
          type: 'negTokenResp',
          value: { negState: 'request-mic', supportedMech: GssOid.KRB5, responseToken: krb5Token(0x0200, apRep) },
        });
        return void send(
          sock,
          reply(
            req,
            { status: 0xc0000016, sessionId: 0x99n },
            { kind: 'session-setup-response', value: { sessionFlags: 0, securityBuffer: ask } },
          ),
          { sign: false, hash: true },
        );
      }
      const rep = reply(req, { sessionId: 0x99n }, { kind: 'session-setup-response', value: { sessionFlags: 0, securityBuffer: sb } });
      finalKey(beforeRequest);
      return void send(sock, rep, { sign: o.final311 !== 'unsigned' });
    }
    if (req.header.command === 3) {
      // the request must carry a valid signature (the server side of MS-SMB2 §3.3.5.2.4)
      const body: Smb2Message['body'] =
        o.treeStatus === 0
          ? { kind: 'tree-connect-response', value: { shareType: 1, shareFlags: 0, capabilities: 0, maximalAccess: 0x1f01ff } }
          : { kind: 'error-response', value: { errorContextCount: 0, errorData: new Uint8Array(0) } };
      const ok = Buffer.compare(signSmb2Message(dialect, signing, raw), raw) === 0;
      const rep = reply(
        req,
        { status: ok ? o.treeStatus : 0xc0000022, treeId: 3 },
        ok ? body : { kind: 'error-response', value: { errorContextCount: 0, errorData: new Uint8Array(0) } },
      );
      const signed = signSmb2Message(dialect, o.sig === 'bad' ? new Uint8Array(16) : signing, rep.subarray(4));
      return void sock.write(encodeDirectTcp(signed));
    }
    if (req.header.command === 2) sock.write(reply(req, {}, { kind: 'logoff-response' }));
  };
}

/**
 * A 3.1.1 NEGOTIATE response (empty security buffer, so NegotiateContextOffset 128: the PREAUTH context at 128 with its
 * HashAlgorithmCount at 136 and SaltLength at 138, the SIGNING context at 176) with one lie written into it.
 */
const MALFORMED_311_PATCHES: [name: string, field: string, patch: (m: Uint8Array) => Uint8Array][] = [
  ['offset-past-end', 'NegotiateContextOffset', (m) => put32(m, 124, 0x10000)],
  ['offset-in-fixed-part', 'NegotiateContextOffset', (m) => put32(m, 124, 100)],
  ['count-huge', 'NegotiateContextCount', (m) => put16(m, 70, 0xffff)],
  ['datalength-past-end', 'NegotiateContextList[0].Data', (m) => put16(m, 130, 0xfff0)],
  ['hash-count-lies', 'NegotiateContextList[0].HashAlgorithmCount', (m) => put16(m, 136, 0x4000)],
  ['salt-length-lies', 'NegotiateContextList[0].Salt', (m) => put16(m, 138, 200)],
  ['second-context-cut', 'NegotiateContextList[1].DataLength', (m) => m.slice(0, 179)],
];

function put16(m: Uint8Array, at: number, v: number): Uint8Array {
  new DataView(m.buffer, m.byteOffset).setUint16(at, v, true);
  return m;
}
function put32(m: Uint8Array, at: number, v: number): Uint8Array {
  new DataView(m.buffer, m.byteOffset).setUint32(at, v, true);
  return m;
}

/** The well-formed 3.1.1 NEGOTIATE response the patches start from (its unframed message). */
const negotiate311 = (req: Smb2Message) => negotiateOk(req, 0x0311).slice(4);

const MALFORMED_311: Record<string, Behaviour> = Object.fromEntries(
  MALFORMED_311_PATCHES.map(([name, , patch]) => [
    `311-ctx-${name}`,
    (sock: Socket, req: Smb2Message | undefined) => req && sock.write(encodeDirectTcp(patch(negotiate311(req)))),
  ]),
);
const reEscape = (x: string) => x.replace(/[[\].]/g, '\\$&');
const MALFORMED_311_CASES: [string, string, string, RegExp][] = MALFORMED_311_PATCHES.map(([name, field]) => [
  `311-ctx-${name}`,
  'negotiate',
  'bad-reply',
  new RegExp(`NEGOTIATE reply is malformed: .* in ${reEscape(field)} at offset \\d+`),
]);

const SERVERS: Record<string, Behaviour> = {
  garbage: (sock) => sock.write(Buffer.from('\x00\x00\x00\x10not smb at all!!')),
  http: (sock) => sock.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'),
  'huge-length': (sock) => sock.write(Buffer.from([0, 0xff, 0xff, 0xff, 1, 2, 3])),
  'truncated-frame-then-close': (sock, req) => {
    if (!req) return;
    const full = negotiateOk(req);
    sock.end(full.subarray(0, 80));
  },
  'truncated-frame-then-silence': (sock, req) => {
    if (!req) return;
    sock.write(negotiateOk(req).subarray(0, 90));
  },
  'truncated-smb2-message': (sock, req) => {
    if (!req) return;
    const msg = negotiateOk(req).subarray(4, 4 + 100); // a whole frame holding a negotiate response cut at 100 bytes
    sock.write(encodeDirectTcp(msg));
  },
  'smb1-only': (sock) => {
    const smb1 = new Uint8Array(39);
    smb1.set([0xff, 0x53, 0x4d, 0x42, 0x72]);
    sock.write(encodeDirectTcp(smb1));
  },
  silent: () => {},
  // 0x0222 was SMB 2.2, the pre-release name of 3.0: no client offers it
  'wrong-dialect': smbServer(() => new Uint8Array(0), 0x0222),
  '311-to-a-302-client': smbServer(() => new Uint8Array(0), 0x0311),
  ...MALFORMED_311,
  '311-no-contexts': (sock, req) => req && sock.write(negotiateOk(req, 0x0311, undefined, [])),
  '311-two-preauth': (sock, req) =>
    req && sock.write(negotiateOk(req, 0x0311, undefined, [CONTEXTS_311[0] as NegotiateContext, ...CONTEXTS_311])),
  '311-gmac': (sock, req) =>
    req &&
    sock.write(
      negotiateOk(req, 0x0311, undefined, [
        CONTEXTS_311[0] as NegotiateContext,
        negotiateContext({ contextType: 8, signingAlgorithms: [2] }),
      ]),
    ),
  '311-cipher': (sock, req) =>
    req &&
    sock.write(
      negotiateOk(req, 0x0311, undefined, [CONTEXTS_311[0] as NegotiateContext, negotiateContext({ contextType: 2, ciphers: [2] })]),
    ),
  'acceptor-311-ok': acceptor({ treeStatus: 0, mic: 'good', dialect: 0x0311 }),
  'acceptor-311-request-mic': acceptor({ treeStatus: 0, requestMic: true, dialect: 0x0311 }),
  'acceptor-311-unsigned': acceptor({ treeStatus: 0, dialect: 0x0311, final311: 'unsigned' }),
  'acceptor-311-stale-hash': acceptor({ treeStatus: 0, dialect: 0x0311, final311: 'stale-hash' }),
  'acceptor-311-request-mic-stale-hash': acceptor({ treeStatus: 0, requestMic: true, dialect: 0x0311, final311: 'stale-hash' }),
  'logon-failure': smbServer((req) =>
    reply(
      req,
      { status: 0xc000006d, sessionId: 5n },
      { kind: 'error-response', value: { errorContextCount: 0, errorData: new Uint8Array(0) } },
    ),
  ),
  'krb-error-in-spnego': smbServer((req) =>
    reply(
      req,
      { status: 0xc0000016, sessionId: 5n },
      {
        kind: 'session-setup-response',
        value: {
          sessionFlags: 0,
          securityBuffer: spnegoResp(
            'accept-incomplete',
            krb5Token(
              0x0300,
              encodeKrbError({
                pvno: 5,
                msgType: 30,
                stime: new Date(Math.floor(Date.now() / 1000) * 1000),
                susec: 0,
                errorCode: 37,
                realm: 'CONTOSO.COM',
                sname: { nameType: 2, nameString: ['cifs', 'fake.contoso.com'] },
              }),
            ),
          ),
        },
      },
    ),
  ),
  'ntlm-only': smbServer(
    (req) =>
      reply(
        req,
        { status: 0xc000006d, sessionId: 5n },
        { kind: 'error-response', value: { errorContextCount: 0, errorData: new Uint8Array(0) } },
      ),
    0x0302,
    [GssOid.NTLMSSP],
  ),
  'more-processing-forever': smbServer((req) =>
    reply(
      req,
      { status: 0xc0000016, sessionId: 5n },
      { kind: 'session-setup-response', value: { sessionFlags: 0, securityBuffer: spnegoResp('accept-incomplete') } },
    ),
  ),
  'forged-ap-rep': smbServer((req) =>
    reply(
      req,
      { status: 0, sessionId: 5n },
      {
        kind: 'session-setup-response',
        value: {
          sessionFlags: 0,
          securityBuffer: spnegoResp(
            'accept-completed',
            krb5Token(0x0200, encodeApRep({ pvno: 5, msgType: 15, encPart: { etype: 18, cipher: randomBytes(60) } })),
          ),
        },
      },
    ),
  ),
  'acceptor-ok': acceptor({ treeStatus: 0, mic: 'good' }),
  'acceptor-bad-mic': acceptor({ treeStatus: 0, mic: 'bad' }),
  'acceptor-request-mic': acceptor({ treeStatus: 0, requestMic: true }),
  'acceptor-access-denied': acceptor({ treeStatus: 0xc0000022 }),
  'acceptor-bad-signature': acceptor({ treeStatus: 0, sig: 'bad' }),
  'spnego-garbage': smbServer((req) =>
    reply(
      req,
      { status: 0, sessionId: 5n },
      { kind: 'session-setup-response', value: { sessionFlags: 0, securityBuffer: Uint8Array.of(0xa1, 0x82, 0xff) } },
    ),
  ),
};

describe('smbKerberosProbe against hostile servers (loopback)', () => {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const ports: Record<string, number> = {};
  let closedPort = 0;
  before(async () => {
    for (const [name, behave] of Object.entries(SERVERS)) {
      const srv = createServer((sock) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
        sock.on('error', () => {});
        const framer = new SmbFramer();
        sock.on('data', (d) => {
          let frames: Uint8Array[] = [];
          try {
            frames = framer.push(new Uint8Array(d));
          } catch {
            sock.destroy();
            return;
          }
          for (const f of frames) behave(sock, decodeSmb2Message(f), f);
        });
      });
      ports[name] = await listenTcp(srv, 0, HOST);
      servers.push(srv);
    }
    const tmp = createServer();
    closedPort = await listenTcp(tmp, 0, HOST);
    await new Promise<void>((r) => tmp.close(() => r()));
  });
  after(async () => {
    await closeAll(sockets, ...servers);
  });

  const probe = (port: number, timeoutMs = TIMEOUT) =>
    smbKerberosProbe({
      host: HOST,
      port,
      server: 'fake.contoso.com',
      share: 'netlogon',
      timeoutMs,
      credentials: { kind: 'ticket', ticket: CREDS },
    });

  const failed = (r: SmbProbeResult) => r.steps.find((s) => s.outcome === 'fail');

  const cases: [string, string, string, RegExp][] = [
    ['garbage', 'negotiate', 'not-smb2', /the reply is not SMB \(first bytes 6e6f7420/],
    ['http', 'negotiate', 'bad-frame', /not an SMB2 direct-TCP stream/],
    ['huge-length', 'negotiate', 'bad-frame', /exceeds the .*-byte limit/],
    ['truncated-frame-then-close', 'negotiate', 'closed', /closed the connection in the middle of a frame/],
    ['truncated-frame-then-silence', 'negotiate', 'timeout', /bytes of a frame received/],
    ['truncated-smb2-message', 'negotiate', 'bad-reply', /NEGOTIATE reply is malformed: .*(input ends early|runs past)/],
    ['smb1-only', 'negotiate', 'not-smb2', /SMB1/],
    ['silent', 'negotiate', 'timeout', /no complete reply within/],
    ['wrong-dialect', 'negotiate', 'no-common-dialect', /dialect 0x0222, which was not offered/],
    ...MALFORMED_311_CASES,
    ['311-no-contexts', 'negotiate', 'bad-reply', /carries 0 SMB2_PREAUTH_INTEGRITY_CAPABILITIES contexts/],
    ['311-two-preauth', 'negotiate', 'bad-reply', /carries 2 SMB2_PREAUTH_INTEGRITY_CAPABILITIES contexts/],
    ['311-gmac', 'negotiate', 'bad-reply', /signing algorithm.*\[2\]; only AES-CMAC/],
    ['311-cipher', 'negotiate', 'bad-reply', /encryption cipher AES_128_GCM, but none was offered/],
    ['acceptor-311-unsigned', 'session-setup', 'bad-signature', /final SESSION_SETUP response is not signed: SMB 3\.1\.1 requires it/],
    ['acceptor-311-stale-hash', 'session-setup', 'bad-signature', /does not verify .*preauth integrity hash/],
    ['acceptor-311-request-mic-stale-hash', 'session-setup', 'bad-signature', /does not verify .*preauth integrity hash/],
    ['logon-failure', 'session-setup', 'logon-failure', /STATUS_LOGON_FAILURE/],
    ['ntlm-only', 'session-setup', 'logon-failure', /STATUS_LOGON_FAILURE.*offered only NTLMSSP, no Kerberos/],
    ['krb-error-in-spnego', 'session-setup', 'krb-error', /KRB_AP_ERR_SKEW \(37\)/],
    ['more-processing-forever', 'session-setup', 'more-processing-loop', /MORE_PROCESSING_REQUIRED/],
    ['forged-ap-rep', 'session-setup', 'mutual-auth-failed', /does not open with the ticket's session key/],
    ['spnego-garbage', 'session-setup', 'bad-reply', /not a SPNEGO NegTokenResp/],
    ['acceptor-bad-mic', 'session-setup', 'mechlistmic-failed', /mechListMIC does not verify/],
    ['acceptor-access-denied', 'tree-connect', 'access-denied', /STATUS_ACCESS_DENIED/],
    ['acceptor-bad-signature', 'tree-connect', 'bad-signature', /TREE_CONNECT response signature does not verify/],
  ];
  for (const [server, step, code, error] of cases)
    it(`${server} → ${step} fails with ${code}`, async () => {
      const t0 = performance.now();
      const r = await probe(ports[server] as number);
      const ms = performance.now() - t0;
      const f = failed(r);
      assert.ok(f, `no failed step: ${JSON.stringify(r.steps)}`);
      assert.equal(f.id, step, JSON.stringify(f));
      assert.equal(f.code, code, JSON.stringify(f));
      assert.match(f.error ?? '', error);
      assert.equal(r.ok, false);
      assert.ok(ms < TIMEOUT + 500, `took ${Math.round(ms)} ms (timeout ${TIMEOUT})`);
      // the steps after the failure are skipped, in order
      const i = r.steps.findIndex((s) => s.id === step);
      assert.ok(r.steps.slice(i + 1).every((s) => s.outcome === 'skip'));
      if (code === 'krb-error') {
        assert.equal(r.krbError?.name, 'KRB_AP_ERR_SKEW');
        assert.ok(r.facts.some((x) => x.kind === 'krb-error' && x.from === 'service' && x.code === 37));
      }
      if (code === 'mutual-auth-failed') assert.equal(r.mutualAuth, 'failed');
    });

  it('a server that completes the logon: mutual auth, mechListMIC and signatures verified both ways, tree connected', async () => {
    const r = await probe(ports['acceptor-ok'] as number);
    assert.ok(r.ok, JSON.stringify(r.steps));
    assert.equal(r.mutualAuth, 'verified');
    assert.equal(r.serverMic, 'verified');
    assert.equal(r.sessionKeySource, 'acceptor-subkey');
    assert.deepEqual(r.signing, { algorithm: 'AES-128-CMAC', treeConnectSigned: true, serverSignatures: 'verified' });
    assert.deepEqual(r.share, { treeId: 3, type: 'disk', flags: 0, maximalAccess: 0x1f01ff });
    assert.equal(r.session?.id, '0x0000000000000099');
  });

  it('a server asking for our mechListMIC (negState request-mic) gets it in a second SESSION_SETUP and accepts it', async () => {
    const r = await probe(ports['acceptor-request-mic'] as number);
    assert.ok(r.ok, JSON.stringify(r.steps));
    assert.equal(r.session?.rounds, 2);
    assert.equal(r.mutualAuth, 'verified');
    assert.equal(r.signing?.serverSignatures, 'verified');
  });

  it('malformed 3.1.1 negotiate contexts decode to a DecodeError naming the field and offset, never a crash', () => {
    const req = decodeSmb2Message(
      encodeSmb2Message({
        header: {
          creditCharge: 0,
          status: 0,
          command: 0,
          credits: 1,
          flags: 0,
          nextCommand: 0,
          messageId: 0n,
          processId: 0xfeff,
          treeId: 0,
          sessionId: 0n,
          signature: new Uint8Array(16),
        },
        body: {
          kind: 'negotiate-request',
          value: { securityMode: 1, capabilities: 0, clientGuid: new Uint8Array(16), dialects: [0x0311] },
        },
      }),
    );
    const good = negotiate311(req);
    assert.equal(good.length, 188, 'the layout the patches assume');
    const ctx = decodeSmb2Message(good).body;
    assert.ok(ctx.kind === 'negotiate-response' && ctx.value.negotiateContexts?.length === 2);
    for (const [name, field, patch] of MALFORMED_311_PATCHES) {
      const bad = patch(good.slice());
      assert.throws(
        () => decodeSmb2Message(bad),
        (e: unknown) => {
          assert.ok(e instanceof DecodeError, `${name}: ${String(e)}`);
          assert.equal(e.field, field, `${name}: ${e.message}`);
          assert.equal(typeof e.offset, 'number', name);
          assert.ok((e.offset as number) >= 64 && (e.offset as number) <= bad.length, `${name}: offset ${e.offset}`);
          return true;
        },
        name,
      );
    }
  });

  it('a client capped at 3.0.2 (maxDialect) refuses a server that answers 3.1.1', async () => {
    const r = await smbKerberosProbe({
      host: HOST,
      port: ports['311-to-a-302-client'] as number,
      server: 'fake.contoso.com',
      share: 'netlogon',
      timeoutMs: TIMEOUT,
      maxDialect: 0x0302,
      credentials: { kind: 'ticket', ticket: CREDS },
    });
    assert.deepEqual(r.offered, [0x0202, 0x0210, 0x0300, 0x0302]);
    const f = failed(r);
    assert.equal(f?.code, 'no-common-dialect');
    assert.match(f?.error ?? '', /3\.1\.1, which was not offered/);
  });

  it('a 3.1.1 server that completes the logon: the preauth-hash signing key verifies both ways, tree connected', async () => {
    const r = await probe(ports['acceptor-311-ok'] as number);
    assert.ok(r.ok, JSON.stringify(r.steps));
    assert.deepEqual(r.offered, [0x0202, 0x0210, 0x0300, 0x0302, 0x0311]);
    assert.equal(r.dialect?.name, '3.1.1');
    assert.equal(r.preauthIntegrity, 'SHA-512');
    assert.equal(r.serverMic, 'verified');
    // the server only grants the tree when our TREE_CONNECT carries its (preauth-derived) signature
    assert.deepEqual(r.signing, { algorithm: 'AES-128-CMAC', treeConnectSigned: true, serverSignatures: 'verified' });
    assert.deepEqual(r.share, { treeId: 3, type: 'disk', flags: 0, maximalAccess: 0x1f01ff });
  });

  it('a 3.1.1 server asking for our mechListMIC: the MORE_PROCESSING response and both requests are in the hash', async () => {
    const r = await probe(ports['acceptor-311-request-mic'] as number);
    assert.ok(r.ok, JSON.stringify(r.steps));
    assert.equal(r.session?.rounds, 2);
    assert.equal(r.signing?.serverSignatures, 'verified');
  });

  it('a closed port → connect fails with tcp-refused at once', async () => {
    const r = await probe(closedPort);
    assert.deepEqual(
      r.steps.map((s) => [s.id, s.outcome, s.code]),
      [
        ['connect', 'fail', 'tcp-refused'],
        ['negotiate', 'skip', undefined],
        ['ticket', 'skip', undefined],
        ['session-setup', 'skip', undefined],
        ['tree-connect', 'skip', undefined],
      ],
    );
    assert.ok(r.ms < 1000);
  });

  it('a name instead of an address is refused without a lookup', async () => {
    const r = await smbKerberosProbe({
      host: 'dc1.contoso.com',
      server: 'dc1.contoso.com',
      share: 'x',
      timeoutMs: 500,
      credentials: { kind: 'ticket', ticket: fakeCreds() },
    });
    assert.equal(r.steps[0]?.code, 'not-an-address');
  });

  it('the result holds no secret: no session key, ticket cipher or token bytes', async () => {
    const creds = fakeCreds();
    const r = await smbKerberosProbe({
      host: HOST,
      port: ports['forged-ap-rep'] as number,
      server: 'fake.contoso.com',
      share: 'netlogon',
      timeoutMs: TIMEOUT,
      credentials: { kind: 'ticket', ticket: creds },
    });
    const text = JSON.stringify(r, (_k, v) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? String(v) : v,
    );
    for (const secret of [creds.sessionKey.key, creds.ticket.encPart.cipher.subarray(0, 16)])
      assert.ok(!text.includes(Buffer.from(secret).toString('hex')), 'a secret is in the result');
    assert.ok(!/Uint8Array|"[0-9a-f]{64,}"/.test(text), 'no byte arrays in the result');
  });
});
