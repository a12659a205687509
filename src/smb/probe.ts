/**
 * The guidance's isolation step, "if HTTP fails, does SMB (cifs/server) work against the same server?": an SMB2
 * NEGOTIATE, a SESSION_SETUP carrying a SPNEGO NegTokenInit with a Kerberos AP-REQ for cifs/<server> (obtained with
 * kerbscope's own Kerberos client, src/check/kerberos.ts), the AP-REP checked for mutual authentication, then a
 * signed TREE_CONNECT to \\server\share — what `smbclient -k //server/share` and Windows' `net use` do first.
 *
 * Dialects: 2.0.2, 2.1, 3.0, 3.0.2 and 3.1.1 are offered (`dialects` / `maxDialect` narrow the list); a server picks
 * the highest it shares, so Samba 4.17 and Windows Server 2016+ choose 3.1.1 (MS-SMB2 §3.3.5.4). Signing is
 * HMAC-SHA256 with the session key (2.x), AES-128-CMAC with KDF(SessionKey, "SMB2AESCMAC", "SmbSign") (3.0.x), or for
 * 3.1.1 AES-128-CMAC with KDF(SessionKey, "SMBSigningKey", PreauthIntegrityHashValue) (§3.2.5.3.1): the SHA-512 chain
 * over the NEGOTIATE request and response and every SESSION_SETUP request and response but the final successful one
 * (protocol/smb2/signing.ts). With 3.1.1 the NEGOTIATE carries SMB2_PREAUTH_INTEGRITY_CAPABILITIES (SHA-512, a 32-byte
 * random salt) and SMB2_SIGNING_CAPABILITIES listing AES-CMAC only (§2.2.3.1.1, §2.2.3.1.7; no GMAC). No
 * SMB2_ENCRYPTION_CAPABILITIES is sent: this probe cannot encrypt, and a server that saw ciphers offered could turn
 * on encryption for the session ("smb encrypt = desired") where it would otherwise not.
 *
 * A DC requires signing ("server signing = mandatory"), so the TREE_CONNECT is signed whenever the server's
 * SecurityMode says SIGNING_REQUIRED, and always with 3.1.1 (§3.2.4.1.1: a 3.1.1 client signs TREE_CONNECT). The
 * server's signed responses are verified with the same key, which proves both sides hold the Kerberos session key;
 * with 3.1.1 the final SESSION_SETUP response must be signed (§3.3.5.5.3), and its signature verifying proves that
 * neither side's NEGOTIATE or SESSION_SETUP messages were altered on the way.
 *
 * Never throws for network or peer trouble: every failure is a step with a stable code and a readable error.
 */

import { asExchange, type KdcContext, tgsExchange } from '../check/kerberos.js';
import { getEnctype, makeChecksum, randomBytes } from '../crypto/index.js';
import type { Fact, Where } from '../facts/fact.js';
import { krbErrorFact } from '../facts/krb-error.js';
import { buildApReq, type Creds, DEFAULT_ENCTYPES, GSS_FLAGS, type SessionKey, userKey, verifyApRep } from '../krb/client.js';
import type { KdcTarget } from '../net/kdc.js';
import {
  decodeInitialContextToken,
  decodeNegotiationToken,
  encodeNegotiationToken,
  GssOid,
  isKrb5Oid,
  MechTypeList,
  mechName,
  type NegTokenResp,
} from '../protocol/gss/index.js';
import { decodePerMessageToken, verifyCfxMic } from '../protocol/gss/per-message.js';
import { decodeApRep, decodeKrb5Message, describeKrbError, type KrbError } from '../protocol/krb5/index.js';
import {
  decodeSmb2Message,
  encodeSmb2Message,
  type NegotiateResponse,
  negotiateContext,
  Smb2Cipher,
  Smb2Command,
  Smb2Dialect,
  Smb2HashAlgorithm,
  type Smb2Header,
  type Smb2Message,
  Smb2NegotiateContextType,
  Smb2SecurityMode,
  Smb2SessionFlags,
  Smb2SigningAlgorithm,
  Smb2Status,
  signSmb2Message,
  smb2CommandName,
  smb2DialectName,
  smb2PreauthInitial,
  smb2PreauthUpdate,
  smb2SessionKey,
  smb2SigningKey,
  smb2StatusInfo,
  smb2StatusName,
  smbProtocolOf,
  verifySmb2Signature,
} from '../protocol/smb2/index.js';
import { encodeDer } from '../wire/asn1.js';
import { toHex } from '../wire/encoding.js';
import { DecodeError } from '../wire/errors.js';
import { type SmbConnection, type SmbTransportError, smbConnect } from './transport.js';

/** Where the cifs/ service ticket comes from. */
export type SmbCredentials =
  /** a TGT from the user's password (AS exchange), then the TGS exchange for cifs/server */
  | { kind: 'password'; user: string; password: string; realm: string; kdcs: KdcTarget[]; enctypes?: readonly number[] }
  /** a TGT already held (a ccache, or check's own AS exchange), then the TGS exchange */
  | { kind: 'tgt'; tgt: Creds; kdcs: KdcTarget[]; realm?: string; enctypes?: readonly number[] }
  /** the cifs/ service ticket itself */
  | { kind: 'ticket'; ticket: Creds }
  /** the caller gets the ticket (e.g. check's KdcContext); an Error's message is reported */
  | { kind: 'callback'; getTicket: (spn: string[]) => Promise<Creds | Error> };

export interface SmbProbeOptions {
  /** the server's address (an IP literal: resolve names with kerbscope's resolver first) */
  host: string;
  port?: number;
  /** the server name used in the SPN (cifs/<server>) and in the UNC path (\\server\share) */
  server: string;
  share: string;
  credentials: SmbCredentials;
  /** bounds the whole probe (ticket, TCP, every reply) */
  timeoutMs: number;
  /** defaults to cifs/<server> */
  spn?: string;
  /** the dialects to offer; default 2.0.2, 2.1, 3.0, 3.0.2, 3.1.1 */
  dialects?: readonly number[];
  /** offer no dialect above this one (e.g. 0x0302 to keep a server off 3.1.1) */
  maxDialect?: number;
  /** GSS flags in the authenticator checksum; default as Windows' SMB client (mutual, replay, sequence, conf, integ) */
  gssFlags?: number;
  /** the SPNEGO mechTypes; default [MS_KRB5, KRB5] as Windows sends them */
  mechTypes?: string[];
  udpPreferenceLimit?: number;
  now?: () => Date;
  /** the largest SMB2 frame accepted from the server (default 1 MiB) */
  maxFrame?: number;
  /**
   * Tests only: a man in the middle. Each request passes through it after it was built, signed and (3.1.1) hashed
   * into the preauth integrity chain, so a server that checks signatures or hashes what it received must notice.
   */
  tamper?: (command: number, message: Uint8Array) => Uint8Array;
}

export type SmbStepId = 'connect' | 'negotiate' | 'ticket' | 'session-setup' | 'tree-connect';
export const SMB_STEPS: readonly SmbStepId[] = ['connect', 'negotiate', 'ticket', 'session-setup', 'tree-connect'];

/** Stable failure codes (scripts and rules match these). */
export type SmbErrorCode =
  | SmbTransportError['code']
  | 'not-smb2'
  | 'encrypted'
  | 'bad-reply'
  | 'no-common-dialect'
  | 'kdc-unreachable'
  | 'kdc-error'
  | 'no-ticket'
  | 'krb-error'
  | 'logon-failure'
  | 'more-processing-loop'
  | 'spnego-reject'
  | 'mechlistmic-failed'
  | 'mutual-auth-failed'
  | 'guest-session'
  | 'bad-signature'
  | 'encryption-required'
  | 'bad-network-name'
  | 'access-denied'
  | 'status';

export interface SmbStep {
  id: SmbStepId;
  /** 'skip': not reached because an earlier step failed */
  outcome: 'ok' | 'fail' | 'skip';
  ms: number;
  /** the NTSTATUS of the step's final reply */
  status?: number;
  ntStatus?: string;
  code?: SmbErrorCode;
  error?: string;
  detail?: string;
}

export interface SmbProbeResult {
  /** negotiate, session-setup and tree-connect all succeeded */
  ok: boolean;
  target: { host: string; port: number; server: string; share: string; unc: string };
  spn: string;
  steps: SmbStep[];
  dialect?: { revision: number; name: string };
  /** the dialects offered */
  offered: number[];
  serverGuid?: string;
  /** the server's SecurityMode has SIGNING_REQUIRED */
  signingRequired?: boolean;
  /** 3.1.1 only: the preauth integrity hash the server chose (MS-SMB2 §2.2.3.1.1; SHA-512 is the only one) */
  preauthIntegrity?: 'SHA-512';
  serverCapabilities?: number;
  /** mechanism OIDs of the server's NEGOTIATE NegTokenInit2 (MS-SPNG §2.2.1), when it sent one */
  serverMechs?: string[];
  /** false when that NegTokenInit2 lists no Kerberos OID (an NTLM-only server: the AP-REQ is bound to fail) */
  kerberosOffered?: boolean;
  ticket?: { sname: string; realm: string; enctype: number; enctypeName: string; kvno?: number };
  /** RFC 4120 §3.2.5: the server's AP-REP opened with the ticket's session key and echoed our authenticator time */
  mutualAuth: 'verified' | 'mismatch' | 'failed' | 'absent' | 'not-reached';
  /** the acceptor's SPNEGO mechListMIC (RFC 4178 §5) checked with the context key; absent when none was sent */
  serverMic?: 'verified' | 'failed' | 'unsupported';
  /** the key SMB signs with (MS-SMB2 §3.2.5.3.1): the AP-REP's subkey, else the authenticator's */
  sessionKeySource?: 'acceptor-subkey' | 'initiator-subkey';
  signing?: {
    algorithm: 'HMAC-SHA256' | 'AES-128-CMAC';
    treeConnectSigned: boolean;
    serverSignatures: 'verified' | 'invalid' | 'unsigned';
  };
  session?: { id: string; flags: number; rounds: number; guest: boolean; anonymous: boolean; encryptData: boolean };
  share?: { treeId: number; type: 'disk' | 'pipe' | 'print' | 'unknown'; flags: number; maximalAccess: number };
  /** a KRB-ERROR the server returned inside SPNEGO (KRB_AP_ERR_*) */
  krbError?: { code: number; name: string; eText?: string; ntStatus?: string };
  /** facts for kerbscope's rulebook: KDC exchanges, the AP-REQ, KRB-ERRORs, mutual authentication */
  facts: Fact[];
  ms: number;
}

const DEFAULT_DIALECTS = [
  Smb2Dialect.SMB2_0_2,
  Smb2Dialect.SMB2_1,
  Smb2Dialect.SMB3_0,
  Smb2Dialect.SMB3_0_2,
  Smb2Dialect.SMB3_1_1,
] as const;
/** the dialects this client implements (MS-SMB2 §2.2.3); anything else asked for is dropped from the offer */
const KNOWN_DIALECTS: ReadonlySet<number> = new Set(DEFAULT_DIALECTS);
const MAX_ROUNDS = 4;
const CREDITS_ASKED = 31;

/** A GUID as the text Windows and Wireshark print (Data1..3 little-endian). */
export function guidText(b: Uint8Array): string {
  const h = toHex(b);
  const le = (s: string) => (s.match(/../g) ?? []).reverse().join('');
  return `${le(h.slice(0, 8))}-${le(h.slice(8, 12))}-${le(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type KrbTokenRead =
  | { kind: 'ap-rep'; apRep: ReturnType<typeof decodeApRep> }
  | { kind: 'krb-error'; error: KrbError }
  | { kind: 'other'; detail: string };

/** A Kerberos mech token (GSS-framed, RFC 4121 §4.1, or a bare message) → AP-REP or KRB-ERROR. */
function readKrbToken(tok: Uint8Array): KrbTokenRead {
  try {
    let inner = tok;
    if (tok[0] === 0x60) {
      const g = decodeInitialContextToken(tok);
      if (!isKrb5Oid(g.thisMech)) return { kind: 'other', detail: `a ${g.thisMech} token, not Kerberos` };
      inner = g.innerToken.subarray(2);
    }
    const m = decodeKrb5Message(inner);
    if (m.name === 'AP-REP') return { kind: 'ap-rep', apRep: decodeApRep(inner) };
    if (m.name === 'KRB-ERROR') return { kind: 'krb-error', error: m.message as KrbError };
    return { kind: 'other', detail: `a ${m.name}, not an AP-REP or KRB-ERROR` };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { kind: 'other', detail: `not a Kerberos token: ${e.message}` };
  }
}

function serverMechsOf(sb: Uint8Array): string[] | undefined {
  if (!sb.length) return undefined;
  try {
    const g = decodeInitialContextToken(sb);
    if (g.thisMech !== GssOid.SPNEGO) return undefined;
    const t = decodeNegotiationToken(g.innerToken);
    return t.type === 'negTokenInit' ? t.value.mechTypes : undefined;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return undefined;
  }
}

class Run {
  readonly steps = new Map<SmbStepId, SmbStep>();
  private t0 = performance.now();
  constructor() {
    for (const id of SMB_STEPS) this.steps.set(id, { id, outcome: 'skip', ms: 0 });
  }
  start(): void {
    this.t0 = performance.now();
  }
  private set(id: SmbStepId, s: Omit<SmbStep, 'id' | 'ms'>): void {
    this.steps.set(id, { id, ms: Math.round(performance.now() - this.t0), ...s });
  }
  ok(id: SmbStepId, detail: string, status?: number): void {
    this.set(id, { outcome: 'ok', detail, ...(status !== undefined ? { status, ntStatus: smb2StatusName(status) } : {}) });
  }
  /** appended to session-setup errors when the server's NEGOTIATE offered no Kerberos */
  hint = '';
  fail(id: SmbStepId, code: SmbErrorCode, error: string, status?: number): false {
    if (id === 'session-setup' && this.hint) error = `${error} (${this.hint})`;
    this.set(id, { outcome: 'fail', code, error, ...(status !== undefined ? { status, ntStatus: smb2StatusName(status) } : {}) });
    return false;
  }
}

/** Runs the probe. See the file comment; never throws for network or peer trouble. */
export async function smbKerberosProbe(o: SmbProbeOptions): Promise<SmbProbeResult> {
  const t0 = performance.now();
  const deadline = t0 + o.timeoutMs;
  const left = () => Math.max(0, deadline - performance.now());
  const now = o.now ?? (() => new Date());
  const port = o.port ?? 445;
  const server = o.server.toLowerCase();
  const spn = o.spn ?? `cifs/${server}`;
  const unc = `\\\\${o.server}\\${o.share}`;
  const offered = [...(o.dialects ?? DEFAULT_DIALECTS)].filter(
    (d, i, all) => KNOWN_DIALECTS.has(d) && (o.maxDialect === undefined || d <= o.maxDialect) && all.indexOf(d) === i,
  );
  const run = new Run();
  const facts: Fact[] = [];
  const where = (id: SmbStepId): Where => ({ label: `smb ${id} (${unc})`, step: `smb-${id}`, time: now() });
  const result: SmbProbeResult = {
    ok: false,
    target: { host: o.host, port, server: o.server, share: o.share, unc },
    spn,
    steps: [],
    offered,
    mutualAuth: 'not-reached',
    facts,
    ms: 0,
  };
  const done = (conn?: SmbConnection): SmbProbeResult => {
    conn?.close();
    result.steps = SMB_STEPS.map((id) => run.steps.get(id) as SmbStep);
    result.ok = ['negotiate', 'session-setup', 'tree-connect'].every((id) => run.steps.get(id as SmbStepId)?.outcome === 'ok');
    result.ms = Math.round(performance.now() - t0);
    return result;
  };

  // ---- connect ----------------------------------------------------------------------------------------------------
  run.start();
  const c = await smbConnect(o.host, port, left(), o.maxFrame);
  if ('error' in c) {
    run.fail('connect', c.error.code, c.error.detail);
    return done();
  }
  const conn = c.conn;
  run.ok('connect', `TCP ${o.host}:${port} open (${c.ms} ms)`);

  let messageId = 0n;
  let sessionId = 0n;
  let dialect = 0;
  let signingKey: Uint8Array | undefined;
  let serverSigs: 'verified' | 'invalid' | 'unsigned' = 'unsigned';

  const header = (command: number, extra: Partial<Smb2Header> = {}): Smb2Header => ({
    creditCharge: dialect >= Smb2Dialect.SMB2_1 ? 1 : 0,
    status: 0,
    command,
    credits: CREDITS_ASKED,
    flags: 0,
    nextCommand: 0,
    messageId: messageId++,
    processId: 0xfeff,
    treeId: 0,
    sessionId,
    signature: new Uint8Array(16),
    ...extra,
  });

  /** Sends one request and waits for its final response (interim STATUS_PENDING replies are skipped). */
  const exchange = async (
    id: SmbStepId,
    m: Smb2Message,
    sign: boolean,
  ): Promise<{ msg: Smb2Message; raw: Uint8Array; sent: Uint8Array } | undefined> => {
    let bytes = encodeSmb2Message(m);
    if (sign && signingKey) bytes = signSmb2Message(dialect, signingKey, bytes);
    conn.send(o.tamper ? o.tamper(m.header.command, bytes.slice()) : bytes);
    for (let i = 0; i < 16; i++) {
      const r = await conn.receive(left());
      if ('error' in r) {
        run.fail(id, r.error.code, `${smb2CommandName(m.header.command)}: ${r.error.detail}`);
        return undefined;
      }
      const proto = smbProtocolOf(r.frame);
      if (proto !== 'smb2') {
        const code = proto === 'smb2-transform' || proto === 'smb2-compressed' ? 'encrypted' : 'not-smb2';
        run.fail(
          id,
          code,
          proto === 'smb1'
            ? 'the server answered in SMB1: it does not speak SMB2 (or SMB2 is disabled)'
            : proto === 'unknown'
              ? `the reply is not SMB (first bytes ${toHex(r.frame.subarray(0, 8))})`
              : `the server sent a ${proto} message; this probe does not do SMB3 encryption or compression`,
        );
        return undefined;
      }
      let msg: Smb2Message;
      try {
        msg = decodeSmb2Message(r.frame);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        run.fail(id, 'bad-reply', `the ${smb2CommandName(m.header.command)} reply is malformed: ${e.message}`);
        return undefined;
      }
      const h = msg.header;
      if (!(h.flags & 1) || h.messageId !== m.header.messageId || h.command !== m.header.command) {
        run.fail(
          id,
          'bad-reply',
          `expected the ${smb2CommandName(m.header.command)} response to message ${m.header.messageId}, got ${h.flags & 1 ? 'a response' : 'a request'} ${smb2CommandName(h.command)} for message ${h.messageId}`,
        );
        return undefined;
      }
      if (h.status >>> 0 === Smb2Status.STATUS_PENDING && h.asyncId !== undefined) continue;
      return { msg, raw: r.frame.subarray(0, h.nextCommand || r.frame.length), sent: bytes };
    }
    run.fail(id, 'bad-reply', 'more than 16 interim STATUS_PENDING replies');
    return undefined;
  };

  // ---- negotiate --------------------------------------------------------------------------------------------------
  run.start();
  if (!offered.length) {
    run.fail('negotiate', 'no-common-dialect', 'no dialect left to offer (dialects / maxDialect exclude every one this client knows)');
    return done(conn);
  }
  const clientGuid = randomBytes(16);
  const with311 = offered.includes(Smb2Dialect.SMB3_1_1);
  const negReq: Smb2Message = {
    header: header(Smb2Command.NEGOTIATE, { creditCharge: 0, credits: CREDITS_ASKED }),
    body: {
      kind: 'negotiate-request',
      value: {
        securityMode: Smb2SecurityMode.SIGNING_ENABLED,
        capabilities: 0,
        clientGuid,
        dialects: offered,
        ...(with311
          ? {
              negotiateContexts: [
                negotiateContext({
                  contextType: Smb2NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES,
                  hashAlgorithms: [Smb2HashAlgorithm.SHA_512],
                  salt: randomBytes(32),
                }),
                negotiateContext({
                  contextType: Smb2NegotiateContextType.SIGNING_CAPABILITIES,
                  signingAlgorithms: [Smb2SigningAlgorithm.AES_CMAC],
                }),
              ],
            }
          : { clientStartTime: 0n }),
      },
    },
  };
  const negRep = await exchange('negotiate', negReq, false);
  if (!negRep) return done(conn);
  if (negRep.msg.body.kind !== 'negotiate-response') {
    const st = negRep.msg.header.status;
    run.fail(
      'negotiate',
      st >>> 0 === Smb2Status.STATUS_NOT_SUPPORTED ? 'no-common-dialect' : 'status',
      `NEGOTIATE → ${smb2StatusName(st)}${st >>> 0 === Smb2Status.STATUS_NOT_SUPPORTED ? ` (no common dialect: offered ${offered.map(smb2DialectName).join(', ')})` : ''}`,
      st,
    );
    return done(conn);
  }
  const neg: NegotiateResponse = negRep.msg.body.value;
  dialect = neg.dialectRevision;
  result.dialect = { revision: dialect, name: smb2DialectName(dialect) };
  result.serverGuid = guidText(neg.serverGuid);
  result.signingRequired = (neg.securityMode & Smb2SecurityMode.SIGNING_REQUIRED) !== 0;
  result.serverCapabilities = neg.capabilities;
  const mechs = serverMechsOf(neg.securityBuffer);
  if (mechs) {
    result.serverMechs = mechs;
    result.kerberosOffered = mechs.some(isKrb5Oid);
  }
  if (!offered.includes(dialect)) {
    run.fail('negotiate', 'no-common-dialect', `the server chose dialect ${smb2DialectName(dialect)}, which was not offered`, 0);
    return done(conn);
  }
  /** Session.PreauthIntegrityHashValue (3.1.1): the connection's after NEGOTIATE, then each SESSION_SETUP but the last */
  let preauth: Uint8Array | undefined;
  if (dialect === Smb2Dialect.SMB3_1_1) {
    const bad = check311Contexts(neg);
    if (bad) {
      run.fail('negotiate', 'bad-reply', bad, negRep.msg.header.status);
      return done(conn);
    }
    result.preauthIntegrity = 'SHA-512';
    preauth = smb2PreauthUpdate(smb2PreauthUpdate(smb2PreauthInitial(), negRep.sent), negRep.raw);
  }
  if (result.kerberosOffered === false)
    run.hint = `the server's NEGOTIATE offered only ${(mechs ?? []).map(mechName).join(', ')}, no Kerberos`;
  run.ok(
    'negotiate',
    `dialect ${smb2DialectName(dialect)}${preauth ? ' (preauth integrity SHA-512)' : ''}; signing ${result.signingRequired ? 'required' : neg.securityMode & 1 ? 'enabled' : 'off'}; server GUID ${result.serverGuid}${mechs ? `; SPNEGO offers ${mechs.join(', ')}` : ''}`,
    negRep.msg.header.status,
  );

  // ---- ticket -----------------------------------------------------------------------------------------------------
  run.start();
  const spnParts = spn.split('/');
  const svc = await getTicket(o, spnParts, deadline, facts, where('ticket'));
  if ('error' in svc) {
    run.fail('ticket', svc.code, svc.error);
    return done(conn);
  }
  const creds = svc.creds;
  const t = creds.ticket;
  result.ticket = {
    sname: t.sname.nameString.join('/'),
    realm: t.realm,
    enctype: t.encPart.etype,
    enctypeName: getEnctype(t.encPart.etype)?.name ?? String(t.encPart.etype),
    ...(t.encPart.kvno !== undefined ? { kvno: t.encPart.kvno } : {}),
  };
  run.ok('ticket', `${spn}@${t.realm}: ticket ${result.ticket.enctypeName}, kvno ${t.encPart.kvno ?? '-'}`);

  // ---- session setup ----------------------------------------------------------------------------------------------
  run.start();
  const mechTypes = o.mechTypes ?? [GssOid.MS_KRB5, GssOid.KRB5];
  const ap = buildApReq({
    creds,
    now: now(),
    gssFlags: o.gssFlags ?? GSS_FLAGS.windows,
    mechTypes,
  });
  facts.push({
    kind: 'ap-req',
    where: where('session-setup'),
    realm: t.realm,
    sname: t.sname.nameString,
    enctype: t.encPart.etype,
    kvno: t.encPart.kvno,
    tokenBytes: ap.spnego.length,
    carrier: 'binary',
  });
  let token: Uint8Array | undefined = ap.spnego;
  let rounds = 0;
  let accepted: { msg: Smb2Message; raw: Uint8Array; sent: Uint8Array } | undefined;
  let gssKey: SessionKey | undefined;
  let micSent = false;
  while (token) {
    if (rounds >= MAX_ROUNDS) {
      run.fail('session-setup', 'more-processing-loop', `still STATUS_MORE_PROCESSING_REQUIRED after ${rounds} SESSION_SETUP round trips`);
      return done(conn);
    }
    rounds++;
    const req: Smb2Message = {
      header: header(Smb2Command.SESSION_SETUP),
      body: {
        kind: 'session-setup-request',
        value: {
          flags: 0,
          securityMode: Smb2SecurityMode.SIGNING_ENABLED,
          capabilities: 0,
          channel: 0,
          previousSessionId: 0n,
          securityBuffer: token,
        },
      },
    };
    const rep = await exchange('session-setup', req, false);
    if (!rep) return done(conn);
    const h = rep.msg.header;
    const st = h.status >>> 0;
    // §3.2.5.3: the request always; the response only when another round follows (the final one is signed instead)
    if (preauth) {
      preauth = smb2PreauthUpdate(preauth, rep.sent);
      if (st === Smb2Status.STATUS_MORE_PROCESSING_REQUIRED) preauth = smb2PreauthUpdate(preauth, rep.raw);
    }
    sessionId = h.sessionId;
    token = undefined;
    if (rep.msg.body.kind !== 'session-setup-response') {
      const code: SmbErrorCode =
        st === Smb2Status.STATUS_LOGON_FAILURE ? 'logon-failure' : st === Smb2Status.STATUS_ACCESS_DENIED ? 'access-denied' : 'status';
      run.fail('session-setup', code, `SESSION_SETUP → ${smb2StatusName(st)}${meaningOf(st)}`, st);
      return done(conn);
    }
    const sb = rep.msg.body.value.securityBuffer;
    let resp: NegTokenResp | undefined;
    if (sb.length) {
      try {
        const n = decodeNegotiationToken(sb);
        if (n.type === 'negTokenResp') resp = n.value;
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        run.fail('session-setup', 'bad-reply', `the SESSION_SETUP security buffer is not a SPNEGO NegTokenResp: ${e.message}`, st);
        return done(conn);
      }
    }
    const inner = resp?.responseToken ? readKrbToken(resp.responseToken) : undefined;
    if (inner?.kind === 'krb-error') {
      const e = inner.error;
      const d = describeKrbError(e);
      facts.push(krbErrorFact(where('session-setup'), e, 'service'));
      result.krbError = {
        code: e.errorCode,
        name: d.name,
        ...(e.eText ? { eText: e.eText } : {}),
        ...(d.ntStatus?.statusName ? { ntStatus: d.ntStatus.statusName } : {}),
      };
      run.fail(
        'session-setup',
        'krb-error',
        `the server rejected the AP-REQ: ${d.name} (${e.errorCode})${e.eText ? `: ${e.eText}` : ''}`,
        st,
      );
      return done(conn);
    }
    if (inner?.kind === 'ap-rep' && result.mutualAuth === 'not-reached') {
      const v = verifyApRep(inner.apRep, creds, ap);
      result.mutualAuth = v.status;
      facts.push({
        kind: 'mutual-auth',
        where: where('session-setup'),
        status: v.status,
        detail: v.status === 'verified' ? `the AP-REP opens with the session key of ${spn} and echoes our authenticator time` : v.detail,
        spn,
      });
      if (v.status === 'failed' || v.status === 'mismatch') {
        run.fail('session-setup', 'mutual-auth-failed', v.detail, st);
        return done(conn);
      }
      const sub = v.part.subkey;
      gssKey = sub ? { enctype: sub.keytype, key: sub.keyvalue } : ap.subkey;
      result.sessionKeySource = sub ? 'acceptor-subkey' : 'initiator-subkey';
    }
    if (resp?.mechListMIC && gssKey && result.serverMic === undefined) {
      // RFC 4178 §5: the acceptor's MIC over the DER of the mechTypes we sent, with the context key
      result.serverMic = checkMechListMic(resp.mechListMIC, mechTypes, gssKey);
      if (result.serverMic === 'failed') {
        run.fail(
          'session-setup',
          'mechlistmic-failed',
          'the SPNEGO mechListMIC does not verify with the Kerberos context key (RFC 4178 §5)',
          st,
        );
        return done(conn);
      }
    }
    if (resp?.negState === 'reject') {
      run.fail('session-setup', 'spnego-reject', `SPNEGO negState reject${resp.supportedMech ? ` (${resp.supportedMech})` : ''}`, st);
      return done(conn);
    }
    if (st === Smb2Status.STATUS_MORE_PROCESSING_REQUIRED) {
      // Kerberos itself completes in one round trip (RFC 4121 §4.1). An acceptor that asks for the initiator's
      // mechListMIC (negState request-mic, RFC 4178 §5) gets it in a second SESSION_SETUP; anything else is a loop.
      const mic =
        gssKey && !micSent && (resp?.negState === 'request-mic' || resp?.negState === 'accept-incomplete')
          ? initiatorMechListMic(mechTypes, gssKey, result.sessionKeySource === 'acceptor-subkey', ap.seqNumber)
          : undefined;
      if (mic) {
        micSent = true;
        token = encodeNegotiationToken({ type: 'negTokenResp', value: { mechListMIC: mic } });
        continue;
      }
      run.fail(
        'session-setup',
        'more-processing-loop',
        `STATUS_MORE_PROCESSING_REQUIRED after ${micSent ? 'our mechListMIC' : 'the AP-REQ'} (negState ${resp?.negState ?? 'absent'}${inner ? `, token: ${inner.kind === 'other' ? inner.detail : inner.kind}` : ', no token'}): the server wants another round this client cannot give`,
        st,
      );
      return done(conn);
    }
    accepted = rep;
  }
  if (!accepted) return done(conn);
  const ss = accepted.msg.body.kind === 'session-setup-response' ? accepted.msg.body.value : undefined;
  const flags = ss?.sessionFlags ?? 0;
  result.session = {
    id: `0x${sessionId.toString(16).padStart(16, '0')}`,
    flags,
    rounds,
    guest: (flags & Smb2SessionFlags.IS_GUEST) !== 0,
    anonymous: (flags & Smb2SessionFlags.IS_NULL) !== 0,
    encryptData: (flags & Smb2SessionFlags.ENCRYPT_DATA) !== 0,
  };
  if (result.mutualAuth === 'not-reached') {
    result.mutualAuth = 'absent';
    facts.push({
      kind: 'mutual-auth',
      where: where('session-setup'),
      status: 'absent',
      detail: 'SESSION_SETUP succeeded without an AP-REP in the SPNEGO response: the server was not authenticated to us',
      spn,
    });
  }
  if (result.session.guest || result.session.anonymous) {
    run.fail(
      'session-setup',
      'guest-session',
      `the server logged us on as ${result.session.guest ? 'guest' : 'anonymous'}: the Kerberos identity was not used`,
      accepted.msg.header.status,
    );
    return done(conn);
  }
  signingKey = gssKey ? smb2SigningKey(dialect, smb2SessionKey(gssKey.key), preauth) : undefined;
  if (signingKey) {
    serverSigs = toSigState(verifySmb2Signature(dialect, signingKey, accepted.raw));
    if (serverSigs === 'invalid') {
      run.fail(
        'session-setup',
        'bad-signature',
        `the signature on the final SESSION_SETUP response does not verify with the Kerberos session key${preauth ? ' and the preauth integrity hash (a NEGOTIATE or SESSION_SETUP message was altered, or the server hashed other bytes)' : ''}`,
        0,
      );
      return done(conn);
    }
    if (serverSigs === 'unsigned' && preauth) {
      run.fail(
        'session-setup',
        'bad-signature',
        'the final SESSION_SETUP response is not signed: SMB 3.1.1 requires it (MS-SMB2 §3.3.5.5.3), so the negotiation is unprotected',
        0,
      );
      return done(conn);
    }
  }
  run.ok(
    'session-setup',
    `Kerberos accepted in ${rounds} round trip${rounds > 1 ? 's' : ''}; mutual authentication ${result.mutualAuth}${serverSigs === 'verified' ? '; the response is signed with our session key' : ''}`,
    accepted.msg.header.status,
  );
  if (result.session.encryptData) {
    run.fail('tree-connect', 'encryption-required', 'the server requires SMB3 encryption for this session, which this probe does not do');
    return done(conn);
  }

  // ---- tree connect -----------------------------------------------------------------------------------------------
  run.start();
  // §3.2.4.1.1: a 3.1.1 client signs TREE_CONNECT even when the server does not require signing
  const mustSign = Boolean((result.signingRequired || preauth) && signingKey);
  const tc = await exchange(
    'tree-connect',
    { header: header(Smb2Command.TREE_CONNECT), body: { kind: 'tree-connect-request', value: { flags: 0, path: unc } } },
    mustSign,
  );
  result.signing = signingKey
    ? {
        algorithm: dialect >= Smb2Dialect.SMB3_0 ? 'AES-128-CMAC' : 'HMAC-SHA256',
        treeConnectSigned: mustSign,
        serverSignatures: serverSigs,
      }
    : undefined;
  if (!tc) return done(conn);
  if (signingKey) {
    const s = toSigState(verifySmb2Signature(dialect, signingKey, tc.raw));
    if (s === 'invalid') serverSigs = 'invalid';
    else if (s === 'verified') serverSigs = 'verified';
    if (result.signing) result.signing.serverSignatures = serverSigs;
    if (s === 'invalid') {
      run.fail(
        'tree-connect',
        'bad-signature',
        'the TREE_CONNECT response signature does not verify with the Kerberos session key',
        tc.msg.header.status,
      );
      return done(conn);
    }
  }
  const ts = tc.msg.header.status >>> 0;
  if (tc.msg.body.kind !== 'tree-connect-response') {
    const code: SmbErrorCode =
      ts === Smb2Status.STATUS_BAD_NETWORK_NAME
        ? 'bad-network-name'
        : ts === Smb2Status.STATUS_ACCESS_DENIED || ts === Smb2Status.STATUS_NETWORK_ACCESS_DENIED
          ? 'access-denied'
          : ts === Smb2Status.STATUS_LOGON_FAILURE
            ? 'logon-failure'
            : 'status';
    run.fail('tree-connect', code, `TREE_CONNECT ${unc} → ${smb2StatusName(ts)}${meaningOf(ts)}`, ts);
    return done(conn);
  }
  const tr = tc.msg.body.value;
  const types = { 1: 'disk', 2: 'pipe', 3: 'print' } as const;
  result.share = {
    treeId: tc.msg.header.treeId ?? 0,
    type: types[tr.shareType as 1 | 2 | 3] ?? 'unknown',
    flags: tr.shareFlags,
    maximalAccess: tr.maximalAccess,
  };
  run.ok(
    'tree-connect',
    `${unc}: ${result.share.type} share, maximal access 0x${(tr.maximalAccess >>> 0).toString(16).padStart(8, '0')}`,
    ts,
  );

  // ---- logoff (courtesy; its outcome changes nothing) --------------------------------------------------------------
  if (left() > 0) {
    const bytes = encodeSmb2Message({ header: header(Smb2Command.LOGOFF), body: { kind: 'logoff-request' } });
    conn.send(mustSign && signingKey ? signSmb2Message(dialect, signingKey, bytes) : bytes);
    await conn.receive(Math.min(left(), 500));
  }
  return done(conn);
}

/**
 * The initiator's mechListMIC (RFC 4178 §5): an RFC 4121 §4.2.6.1 MIC token over the DER of the mechTypes sent,
 * key usage 25 (KG-USAGE-INITIATOR-SIGN), SND_SEQ = the authenticator's seq-number. CFX enctypes only (AES):
 * undefined for RC4/DES, whose RFC 1964/4757 tokens this client does not build.
 */
function initiatorMechListMic(mechTypes: string[], key: SessionKey, acceptorSubkey: boolean, seq: number): Uint8Array | undefined {
  const prof = getEnctype(key.enctype);
  if (!prof?.implemented || key.enctype < 17 || key.enctype === 23 || key.enctype === 24) return undefined;
  const head = new Uint8Array(16);
  head.set([0x04, 0x04, acceptorSubkey ? 0x04 : 0x00, 0xff, 0xff, 0xff, 0xff, 0xff]);
  new DataView(head.buffer).setUint32(12, seq >>> 0);
  const msg = encodeDer(MechTypeList, mechTypes);
  const data = new Uint8Array(msg.length + 16);
  data.set(msg);
  data.set(head, msg.length);
  const ck = makeChecksum(prof.checksumType, key.key, 25, data);
  const out = new Uint8Array(16 + ck.length);
  out.set(head);
  out.set(ck, 16);
  return out;
}

function checkMechListMic(mic: Uint8Array, mechTypes: string[], key: SessionKey): 'verified' | 'failed' | 'unsupported' {
  try {
    const t = decodePerMessageToken(mic);
    if (t.kind !== 'mic') return 'unsupported';
    const v = verifyCfxMic(t, encodeDer(MechTypeList, mechTypes), [key]);
    return v.status === 'ok' ? 'verified' : v.status === 'failed' ? 'failed' : 'unsupported';
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return 'failed';
  }
}

/**
 * MS-SMB2 §3.2.5.2: what a client checks in a 3.1.1 NEGOTIATE response's contexts. Exactly one
 * SMB2_PREAUTH_INTEGRITY_CAPABILITIES with one HashAlgorithm, SHA-512; at most one of each other context; an
 * encryption cipher only if offered (none is); a signing algorithm among those offered (AES-CMAC). Returns the reason
 * the response is refused, or undefined.
 */
function check311Contexts(neg: NegotiateResponse): string | undefined {
  const ctx = neg.negotiateContexts ?? [];
  const T = Smb2NegotiateContextType;
  const of = (t: number) => ctx.filter((c) => c.contextType === t);
  const pre = of(T.PREAUTH_INTEGRITY_CAPABILITIES);
  if (pre.length !== 1)
    return `the 3.1.1 NEGOTIATE response carries ${pre.length} SMB2_PREAUTH_INTEGRITY_CAPABILITIES contexts, not exactly one (MS-SMB2 §3.2.5.2)`;
  const algs = pre[0]?.preauth?.hashAlgorithms ?? [];
  if (algs.length !== 1 || algs[0] !== Smb2HashAlgorithm.SHA_512)
    return `the server's preauth integrity hash algorithms are [${algs.map((a) => `0x${a.toString(16).padStart(4, '0')}`).join(', ')}], not exactly SHA-512 (0x0001) (MS-SMB2 §2.2.4.1.1)`;
  for (const t of [T.ENCRYPTION_CAPABILITIES, T.SIGNING_CAPABILITIES, T.COMPRESSION_CAPABILITIES])
    if (of(t).length > 1) return `the 3.1.1 NEGOTIATE response carries context type 0x${t.toString(16).padStart(4, '0')} more than once`;
  const enc = of(T.ENCRYPTION_CAPABILITIES)[0]?.ciphers;
  const cipher = enc?.find((c) => c !== 0);
  if (cipher !== undefined) {
    const name = Object.entries(Smb2Cipher).find(([, v]) => v === cipher)?.[0] ?? `0x${cipher.toString(16).padStart(4, '0')}`;
    return `the server chose encryption cipher ${name}, but none was offered (MS-SMB2 §2.2.4.1.2)`;
  }
  const sig = of(T.SIGNING_CAPABILITIES)[0]?.signingAlgorithms;
  if (sig && (sig.length !== 1 || sig[0] !== Smb2SigningAlgorithm.AES_CMAC))
    return `the server chose signing algorithm(s) [${sig.join(', ')}]; only AES-CMAC (1) was offered (MS-SMB2 §2.2.4.1.7)`;
  return undefined;
}

function toSigState(s: 'valid' | 'invalid' | 'unsigned'): 'verified' | 'invalid' | 'unsigned' {
  return s === 'valid' ? 'verified' : s;
}

/** " (the meaning)" of an NTSTATUS both tables know, for error texts. */
function meaningOf(status: number): string {
  const m = smb2StatusInfo(status)?.meaning;
  return m ? ` (${m.replace(/\.$/, '')})` : '';
}

/** The cifs/ service ticket from the credentials given, with kerbscope's own KDC exchanges (src/check/kerberos.ts). */
async function getTicket(
  o: SmbProbeOptions,
  spn: string[],
  deadline: number,
  facts: Fact[],
  where: Where,
): Promise<{ creds: Creds } | { error: string; code: SmbErrorCode }> {
  const c = o.credentials;
  if (c.kind === 'ticket') return { creds: c.ticket };
  if (c.kind === 'callback') {
    try {
      const r = await c.getTicket(spn);
      return r instanceof Error ? { error: r.message, code: 'no-ticket' } : { creds: r };
    } catch (e) {
      return { error: (e as Error).message, code: 'no-ticket' };
    }
  }
  const realm = c.kind === 'password' ? c.realm : (c.realm ?? c.tgt.crealm);
  const ctx: KdcContext = {
    realm,
    targets: c.kdcs,
    deadline,
    udpPreferenceLimit: o.udpPreferenceLimit ?? 1465,
    now: o.now ?? (() => new Date()),
  };
  const etypes = c.enctypes?.length ? c.enctypes : DEFAULT_ENCTYPES;
  let tgt: Creds | undefined;
  if (c.kind === 'tgt') tgt = c.tgt;
  else {
    const user = c.user.includes('@') ? c.user.slice(0, c.user.lastIndexOf('@')) : c.user;
    const pw = c.password;
    const salt = `${realm}${user.split('/').join('')}`;
    const as = await asExchange(ctx, user, etypes, (info, req) => userKey(pw, info, req, salt), where, facts);
    if (!as.creds)
      return {
        error: `no TGT for ${user}@${realm}: ${as.detail}`,
        code: as.unreachable ? 'kdc-unreachable' : as.error ? 'kdc-error' : 'no-ticket',
      };
    tgt = as.creds;
  }
  const tgs = await tgsExchange(ctx, tgt, spn, etypes, where, facts);
  if (!tgs.creds)
    return {
      error: `no ticket for ${spn.join('/')}: ${tgs.detail}`,
      code: tgs.unreachable ? 'kdc-unreachable' : tgs.error ? 'kdc-error' : 'no-ticket',
    };
  return { creds: tgs.creds };
}
