/**
 * The embedded KDC's exchanges, pure (the clock is passed in; keys come from the Directory): the mirror of
 * src/krb/client.ts, on the same codecs and crypto.
 *
 * - AS (RFC 4120 §3.1.2): KDC_ERR_PREAUTH_REQUIRED with METHOD-DATA { PA-ETYPE-INFO2, PA-ENC-TIMESTAMP } first, as
 *   Windows and MIT do; then PA-ENC-TIMESTAMP (§5.2.7.2, key usage 1) checked against the user's key and the clock
 *   (KRB_AP_ERR_SKEW beyond 5 minutes, §3.1.2 / MS-KILE §3.3.5.7.1); a TGT with a signed PAC (MS-PAC).
 * - TGS (§3.3.2): the TGT from the PA-TGS-REQ AP-REQ, the authenticator (usage 7) with its body checksum (usage 6),
 *   skew and expiry checks, the service looked up by SPN; the reply encrypted with the authenticator subkey
 *   (usage 9) when there is one, else the TGT session key (usage 8), as §5.4.2 says.
 * - etype negotiation (§3.1.3): the client's list in its order, filtered by what the account has keys for
 *   (msDS-SupportedEncryptionTypes in AD terms); none in common → KDC_ERR_ETYPE_NOSUPP.
 */
import { decrypt, encrypt, getEnctype, KeyUsage, randomBytes, verifyChecksum } from '../crypto/index.js';
import {
  type ApReq,
  decodeApReq,
  decodeAsReq,
  decodeAuthenticator,
  decodeEncTicketPart,
  decodeTgsReq,
  derOf,
  type EncKdcRepPartBody,
  EncryptedData,
  type EncTicketPart,
  EtypeInfo2,
  encodeAsRep,
  encodeEncKdcRepPart,
  encodeEncTicketPart,
  encodeKrbError,
  encodeTgsRep,
  KdcOption,
  type KdcReq,
  KdcReqBody,
  KerbErrorData,
  KerbErrorDataType,
  type KrbError,
  KrbErrorCode,
  MethodData,
  NameType,
  NtStatus,
  type PaData,
  PaDataType,
  PaEncTsEnc,
  type PrincipalName,
  type Ticket,
  TicketFlag,
} from '../protocol/krb5/index.js';
import { decodeDer } from '../wire/asn1.js';
import { ByteWriter } from '../wire/writer.js';
import { type Account, type AccountKey, type Directory, findAccount, keyOf } from './directory.js';
import { pacAuthData } from './pac.js';

/** RFC 4120 §10 / MS-KILE: the default maximum clock skew. */
export const MAX_SKEW_MS = 5 * 60_000;
/** Default ticket lifetime (MIT max_life, AD "Maximum lifetime for user ticket"): 10 hours. */
export const MAX_LIFE_MS = 10 * 3600_000;

export interface KdcOptions {
  dir: Directory;
  /** The KDC's clock (a skewed KDC is a clock-skew scenario). */
  now: () => Date;
  /** Extra group RIDs in every PAC (a large token). */
  extraGroups?: readonly number[];
}

/** What happened, for logs and tests: the request, the reply kind and the error code when there was one. */
export interface KdcEvent {
  request: 'AS-REQ' | 'TGS-REQ' | 'unknown';
  reply: 'AS-REP' | 'TGS-REP' | 'KRB-ERROR';
  errorCode?: number;
  client?: string;
  server?: string;
}

export interface KdcAnswer {
  bytes: Uint8Array;
  event: KdcEvent;
}

class KdcFailure extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
    readonly eData?: Uint8Array,
  ) {
    super(text);
  }
}

const fail = (code: number, text: string, eData?: Uint8Array): never => {
  throw new KdcFailure(code, text, eData);
};

/**
 * MS-KILE §2.2.2 KERB-ERROR-DATA { data-type KERB_ERR_TYPE_EXTENDED (3), data-value KERB_EXT_ERROR } with the
 * MS-KILE §2.2.1 KERB_EXT_ERROR { status (NTSTATUS, LE), reserved, flags = 1 (status valid) }. edata.ts has the
 * decoder of that 12-byte struct only; its writer lives here until an encoder joins it there.
 */
function ntStatusEData(status: number): Uint8Array {
  const ext = new ByteWriter(12)
    .u32le(status >>> 0)
    .u32le(0)
    .u32le(1)
    .finish();
  return KerbErrorData.encode({ dataType: KerbErrorDataType.KERB_ERR_TYPE_EXTENDED, dataValue: ext });
}

function seconds(d: Date): { t: Date; usec: number } {
  const ms = d.getTime();
  return { t: new Date(Math.floor(ms / 1000) * 1000), usec: (ms % 1000) * 1000 };
}

function krbtgtName(realm: string): PrincipalName {
  return { nameType: NameType.NT_SRV_INST, nameString: ['krbtgt', realm] };
}

/** RFC 4120 §5.9.1 KRB-ERROR from the KDC's clock, echoing the request's realm, sname and cname. */
export function krbError(
  now: Date,
  code: number,
  o: { realm: string; sname?: PrincipalName; cname?: PrincipalName; text?: string; eData?: Uint8Array },
): Uint8Array {
  const { t, usec } = seconds(now);
  const e: KrbError = {
    pvno: 5,
    msgType: 30,
    stime: t,
    susec: usec,
    errorCode: code,
    ...(o.cname ? { crealm: o.realm, cname: o.cname } : {}),
    realm: o.realm,
    sname: o.sname ?? krbtgtName(o.realm),
    ...(o.text ? { eText: o.text } : {}),
    ...(o.eData ? { eData: o.eData } : {}),
  };
  return encodeKrbError(e);
}

/** The first etype of the client's list (its preference order) that `a` has a key for. */
function negotiate(req: readonly number[], a: Account): AccountKey | undefined {
  for (const e of req) {
    const k = keyOf(a, e);
    if (k && getEnctype(e)?.implemented) return k;
  }
  return undefined;
}

/** PA-ETYPE-INFO2 (§5.2.7.5) for the etypes the client asked for that the account has, in the client's order. */
function etypeInfo2(req: readonly number[], a: Account): PaData {
  const entries = req.flatMap((e) => {
    const k = keyOf(a, e);
    return k ? [{ etype: e, ...(k.salt !== undefined ? { salt: k.salt } : {}) }] : [];
  });
  return { padataType: PaDataType['PA-ETYPE-INFO2'] ?? 19, padataValue: EtypeInfo2.encode(entries) };
}

function newSessionKey(enctype: number): { keytype: number; keyvalue: Uint8Array } {
  const p = getEnctype(enctype);
  if (!p?.implemented) throw new Error(`session key enctype ${enctype} not implemented`);
  return { keytype: enctype, keyvalue: p.randomToKey(randomBytes(p.seedSize)) };
}

function endOf(now: Date, till: Date): Date {
  const max = now.getTime() + MAX_LIFE_MS;
  // till = 0 (19700101000000Z) means "as long as allowed" (MIT kinit -l 0; RFC 4120 §3.1.3)
  const t = till.getTime() <= 0 ? max : Math.min(till.getTime(), max);
  return seconds(new Date(t)).t;
}

function ticketOf(realm: string, sname: PrincipalName, key: AccountKey, kvno: number, part: EncTicketPart): Ticket {
  const cipher = encrypt(key.enctype, key.key, KeyUsage.KDC_REP_TICKET, encodeEncTicketPart(part));
  return { tktVno: 5, realm, sname, encPart: { etype: key.enctype, kvno, cipher } };
}

function strongest(a: Account): AccountKey {
  const k = a.keys[0];
  if (!k) throw new KdcFailure(KrbErrorCode.KDC_ERR_ETYPE_NOSUPP ?? 14, `account ${a.name} has no keys`);
  return k;
}

/** Handles one KDC message (the bytes of a UDP datagram or a TCP record) and returns the reply. */
export function handleKdcMessage(bytes: Uint8Array, o: KdcOptions): KdcAnswer {
  const now = o.now();
  const realm = o.dir.realm;
  const tag = (bytes[0] ?? 0) & 0x1f;
  let req: KdcReq | undefined;
  const kind = tag === 10 ? 'AS-REQ' : tag === 12 ? 'TGS-REQ' : 'unknown';
  try {
    if (kind === 'unknown') fail(KrbErrorCode.KRB_ERR_GENERIC ?? 60, 'not an AS-REQ or TGS-REQ');
    try {
      req = kind === 'AS-REQ' ? decodeAsReq(bytes) : decodeTgsReq(bytes);
    } catch (e) {
      fail(KrbErrorCode.KRB_ERR_GENERIC ?? 60, `undecodable ${kind}: ${(e as Error).message}`);
    }
    const r = req as KdcReq;
    const answer = kind === 'AS-REQ' ? asExchange(r, now, o) : tgsExchange(r, now, o);
    return answer;
  } catch (caught) {
    // anything else that goes wrong with hostile input is still an answer, never a dead KDC
    const e =
      caught instanceof KdcFailure
        ? caught
        : new KdcFailure(KrbErrorCode.KRB_ERR_GENERIC ?? 60, `cannot process the request: ${String(caught)}`);
    const body = req?.reqBody;
    const cname = kind === 'AS-REQ' ? body?.cname : undefined;
    return {
      bytes: krbError(now, e.code, { realm, sname: body?.sname, cname, text: e.text, eData: e.eData }),
      event: {
        request: kind,
        reply: 'KRB-ERROR',
        errorCode: e.code,
        ...(cname ? { client: cname.nameString.join('/') } : {}),
        ...(body?.sname ? { server: body.sname.nameString.join('/') } : {}),
      },
    };
  }
}

function asExchange(req: KdcReq, now: Date, o: KdcOptions): KdcAnswer {
  const dir = o.dir;
  const b = req.reqBody;
  if (!b.cname) return fail(KrbErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN ?? 6, 'AS-REQ without cname');
  if (b.realm.toUpperCase() !== dir.realm) return fail(KrbErrorCode.KDC_ERR_WRONG_REALM ?? 68, `realm ${b.realm} is not ${dir.realm}`);
  const user = findAccount(dir, b.cname.nameString, true);
  if (!user || user.kind === 'krbtgt') return fail(KrbErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN ?? 6, 'Client not found in Kerberos database');
  const server = b.sname ? findAccount(dir, b.sname.nameString, false) : undefined;
  if (!server || !b.sname) return fail(KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN ?? 7, 'Server not found in Kerberos database');
  // MS-KILE §3.3.5.7.1: account restrictions come with the NTSTATUS in KERB-ERROR-DATA, before pre-authentication
  if (user.disabled)
    return fail(
      KrbErrorCode.KDC_ERR_CLIENT_REVOKED ?? 18,
      'Clients credentials have been revoked',
      ntStatusEData(NtStatus.STATUS_ACCOUNT_DISABLED),
    );
  if (user.locked)
    return fail(
      KrbErrorCode.KDC_ERR_CLIENT_REVOKED ?? 18,
      'Clients credentials have been revoked',
      ntStatusEData(NtStatus.STATUS_ACCOUNT_LOCKED_OUT),
    );
  const replyKey = negotiate(b.etype, user);
  if (!replyKey) return fail(KrbErrorCode.KDC_ERR_ETYPE_NOSUPP ?? 14, 'KDC has no support for encryption type');
  const info = etypeInfo2(b.etype, user);
  const methodData = () => MethodData.encode([info, { padataType: PaDataType['PA-ENC-TIMESTAMP'] ?? 2, padataValue: new Uint8Array(0) }]);

  // RFC 4120 §5.2.7.2: PA-ENC-TIMESTAMP, the only pre-authentication offered
  const ts = req.padata?.find((p) => p.padataType === (PaDataType['PA-ENC-TIMESTAMP'] ?? 2));
  if (!ts) return fail(KrbErrorCode.KDC_ERR_PREAUTH_REQUIRED ?? 25, 'Additional pre-authentication required', methodData());
  let tsKey: AccountKey | undefined;
  let stamp: Date;
  try {
    const ed = decodeDer(EncryptedData, ts.padataValue);
    tsKey = keyOf(user, ed.etype);
    if (!tsKey) return fail(KrbErrorCode.KDC_ERR_ETYPE_NOSUPP ?? 14, `no key for the timestamp's enctype ${ed.etype}`);
    const plain = decrypt(ed.etype, tsKey.key, KeyUsage.PA_ENC_TIMESTAMP, ed.cipher);
    const p = decodeDer(PaEncTsEnc, plain);
    stamp = new Date(p.patimestamp.getTime() + Math.floor((p.pausec ?? 0) / 1000));
  } catch (e) {
    if (e instanceof KdcFailure) throw e;
    // MIT and Windows both answer 24 for a timestamp that does not decrypt (wrong password)
    return fail(KrbErrorCode.KDC_ERR_PREAUTH_FAILED ?? 24, 'Preauthentication failed', methodData());
  }
  if (Math.abs(stamp.getTime() - now.getTime()) > MAX_SKEW_MS) return fail(KrbErrorCode.KRB_AP_ERR_SKEW ?? 37, 'Clock skew too great');
  // Windows tells an expired password only to a client that proved it knows it
  // (MS-KILE §3.3.5.7.1): except to ask for kadmin/changepw, the ticket that lets it set a new one (RFC 3244)
  if (user.passwordExpired && b.sname.nameString.join('/').toLowerCase() !== 'kadmin/changepw')
    return fail(KrbErrorCode.KDC_ERR_KEY_EXPIRED ?? 23, 'Password has expired', ntStatusEData(NtStatus.STATUS_PASSWORD_EXPIRED));

  const tgsKey = negotiate(b.etype, server);
  if (!tgsKey) return fail(KrbErrorCode.KDC_ERR_ETYPE_NOSUPP ?? 14, 'no session key enctype in common');
  const ticketKey = strongest(server);
  const sessionKey = newSessionKey(tgsKey.enctype);
  const authtime = seconds(now).t;
  const endtime = endOf(now, b.till);
  let flags = (TicketFlag.initial ?? 0) | (TicketFlag['pre-authent'] ?? 0);
  if (b.kdcOptions & (KdcOption.forwardable ?? 0)) flags |= TicketFlag.forwardable ?? 0;
  const kdcKey = strongest(dir.accounts.find((a) => a.kind === 'krbtgt') as Account);
  const part: EncTicketPart = {
    flags: flags >>> 0,
    key: sessionKey,
    crealm: dir.realm,
    cname: b.cname,
    transited: { trType: 1, contents: new Uint8Array(0) },
    authtime,
    endtime,
    authorizationData: pacAuthData(dir, user, authtime, ticketKey, kdcKey, o.extraGroups),
  };
  const ticket = ticketOf(dir.realm, b.sname, ticketKey, server.kvno, part);
  const enc: EncKdcRepPartBody = {
    key: sessionKey,
    lastReq: [{ lrType: 0, lrValue: authtime }],
    nonce: b.nonce,
    flags: flags >>> 0,
    authtime,
    endtime,
    srealm: dir.realm,
    sname: b.sname,
  };
  // RFC 4120 §5.4.2: EncASRepPart; the reply key is the one the timestamp was encrypted with
  const cipher = encrypt(tsKey.enctype, tsKey.key, KeyUsage.AS_REP_ENC_PART, encodeEncKdcRepPart({ type: 'EncASRepPart', value: enc }));
  const bytes = encodeAsRep({
    pvno: 5,
    msgType: 11,
    padata: [info],
    crealm: dir.realm,
    cname: b.cname,
    ticket,
    encPart: { etype: tsKey.enctype, kvno: user.kvno, cipher },
  });
  return {
    bytes,
    event: { request: 'AS-REQ', reply: 'AS-REP', client: b.cname.nameString.join('/'), server: b.sname.nameString.join('/') },
  };
}

function tgsExchange(req: KdcReq, now: Date, o: KdcOptions): KdcAnswer {
  const dir = o.dir;
  const b = req.reqBody;
  const paTgs = req.padata?.find((p) => p.padataType === (PaDataType['PA-TGS-REQ'] ?? 1));
  if (!paTgs) return fail(KrbErrorCode.KDC_ERR_PADATA_TYPE_NOSUPP ?? 16, 'TGS-REQ without PA-TGS-REQ');
  let ap: ApReq;
  try {
    ap = decodeApReq(paTgs.padataValue);
  } catch (e) {
    return fail(KrbErrorCode.KRB_ERR_GENERIC ?? 60, `undecodable PA-TGS-REQ: ${(e as Error).message}`);
  }
  const krbtgt = dir.accounts.find((a) => a.kind === 'krbtgt') as Account;
  const tgtSname = ap.ticket.sname.nameString;
  if (tgtSname[0]?.toLowerCase() !== 'krbtgt' || tgtSname[1]?.toUpperCase() !== dir.realm)
    return fail(KrbErrorCode.KRB_AP_ERR_NOT_US ?? 35, 'the PA-TGS-REQ ticket is not a TGT of this realm');
  if (ap.ticket.encPart.kvno !== undefined && ap.ticket.encPart.kvno !== krbtgt.kvno)
    return fail(KrbErrorCode.KRB_AP_ERR_BADKEYVER ?? 44, 'Specified version of key is not available');
  const tgtKey = keyOf(krbtgt, ap.ticket.encPart.etype);
  if (!tgtKey) return fail(KrbErrorCode.KRB_AP_ERR_NOKEY ?? 45, 'Service key not available');
  let tgt: EncTicketPart;
  try {
    tgt = decodeEncTicketPart(decrypt(tgtKey.enctype, tgtKey.key, KeyUsage.KDC_REP_TICKET, ap.ticket.encPart.cipher));
  } catch {
    return fail(KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY ?? 31, 'Decrypt integrity check failed');
  }
  let auth: ReturnType<typeof decodeAuthenticator>;
  try {
    auth = decodeAuthenticator(decrypt(ap.authenticator.etype, tgt.key.keyvalue, KeyUsage.TGS_REQ_AUTHENTICATOR, ap.authenticator.cipher));
  } catch {
    return fail(KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY ?? 31, 'the authenticator does not decrypt with the TGT session key');
  }
  if (auth.cname.nameString.join('/') !== tgt.cname.nameString.join('/') || auth.crealm.toUpperCase() !== tgt.crealm.toUpperCase())
    return fail(KrbErrorCode.KRB_AP_ERR_BADMATCH ?? 36, "Ticket and authenticator don't match");
  if (Math.abs(auth.ctime.getTime() - now.getTime()) > MAX_SKEW_MS) return fail(KrbErrorCode.KRB_AP_ERR_SKEW ?? 37, 'Clock skew too great');
  if (tgt.endtime.getTime() < now.getTime()) return fail(KrbErrorCode.KRB_AP_ERR_TKT_EXPIRED ?? 32, 'Ticket expired');
  // §3.3.2: the checksum binds the authenticator to this KDC-REQ-BODY (exact DER as sent)
  const bodyDer = derOf(b) ?? KdcReqBody.encode(b);
  if (!auth.cksum || !verifyChecksum(auth.cksum.cksumtype, tgt.key.keyvalue, KeyUsage.TGS_REQ_AUTH_CKSUM, bodyDer, auth.cksum.checksum))
    return fail(KrbErrorCode.KRB_AP_ERR_MODIFIED ?? 41, 'Message stream modified (body checksum)');

  if (!b.sname) return fail(KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN ?? 7, 'TGS-REQ without sname');
  const server = findAccount(dir, b.sname.nameString, false);
  if (!server) return fail(KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN ?? 7, 'Server not found in Kerberos database');
  const user = findAccount(dir, tgt.cname.nameString, true);
  if (!user) return fail(KrbErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN ?? 6, 'Client not found in Kerberos database');
  const ticketKey = strongest(server);
  const sessionEtype = b.etype.find((e) => keyOf(server, e) && getEnctype(e)?.implemented);
  if (sessionEtype === undefined) return fail(KrbErrorCode.KDC_ERR_ETYPE_NOSUPP ?? 14, 'KDC has no support for encryption type');
  const sessionKey = newSessionKey(sessionEtype);
  const endtime = new Date(Math.min(endOf(now, b.till).getTime(), tgt.endtime.getTime()));
  let flags = tgt.flags & (TicketFlag.forwardable ?? 0);
  flags |= tgt.flags & (TicketFlag['pre-authent'] ?? 0);
  const kdcKey = strongest(krbtgt);
  const part: EncTicketPart = {
    flags: flags >>> 0,
    key: sessionKey,
    crealm: tgt.crealm,
    cname: tgt.cname,
    transited: { trType: 1, contents: new Uint8Array(0) },
    authtime: tgt.authtime,
    starttime: seconds(now).t,
    endtime,
    authorizationData: pacAuthData(dir, user, tgt.authtime, ticketKey, kdcKey, o.extraGroups),
  };
  const ticket = ticketOf(dir.realm, b.sname, ticketKey, server.kvno, part);
  const enc: EncKdcRepPartBody = {
    key: sessionKey,
    lastReq: [{ lrType: 0, lrValue: tgt.authtime }],
    nonce: b.nonce,
    flags: flags >>> 0,
    authtime: tgt.authtime,
    starttime: seconds(now).t,
    endtime,
    srealm: dir.realm,
    sname: b.sname,
  };
  // §5.4.2: the authenticator subkey when the client sent one (usage 9), else the TGT session key (usage 8)
  const replyKey = auth.subkey
    ? { enctype: auth.subkey.keytype, key: auth.subkey.keyvalue }
    : { enctype: tgt.key.keytype, key: tgt.key.keyvalue };
  const usage = auth.subkey ? KeyUsage.TGS_REP_ENC_PART_SUB_KEY : KeyUsage.TGS_REP_ENC_PART_SESSION_KEY;
  const cipher = encrypt(replyKey.enctype, replyKey.key, usage, encodeEncKdcRepPart({ type: 'EncTGSRepPart', value: enc }));
  const bytes = encodeTgsRep({
    pvno: 5,
    msgType: 13,
    crealm: tgt.crealm,
    cname: tgt.cname,
    ticket,
    encPart: { etype: replyKey.enctype, cipher },
  });
  return {
    bytes,
    event: { request: 'TGS-REQ', reply: 'TGS-REP', client: tgt.cname.nameString.join('/'), server: b.sname.nameString.join('/') },
  };
}
