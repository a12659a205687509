/**
 * The Kerberos client exchanges, pure (no I/O, no clock: callers pass `now`, nonces and random bytes come from the
 * crypto layer's randomBytes): AS (RFC 4120 §3.1, pre-authentication with PA-ENC-TIMESTAMP §5.2.7.2 using the
 * PA-ETYPE-INFO2 salt §5.2.7.5), TGS (§3.3, the TGT in a PA-TGS-REQ AP-REQ with a checksum over the KDC-REQ-BODY),
 * AP (§3.2) inside a GSS/SPNEGO token (RFC 4121 §4.1.1 authenticator checksum 0x8003, RFC 4178 NegTokenInit),
 * and the AP-REP check that proves mutual authentication (§3.2.5).
 */
import { decrypt, encrypt, getEnctype, KeyUsage, makeChecksum, randomBytes, stringToKey } from '../crypto/index.js';
import {
  encodeGssChecksum,
  encodeInitialContextToken,
  encodeKrb5MechToken,
  encodeNegotiationToken,
  GSS_CHECKSUM_TYPE,
  GssOid,
  Krb5TokId,
} from '../protocol/gss/index.js';
import {
  ApOption,
  type ApRep,
  decodeEData,
  decodeEncApRepPart,
  decodeEncKdcRepPart,
  derOf,
  type EncApRepPart,
  type EncKdcRepPartBody,
  EncryptedData,
  type EtypeInfo2Entry,
  encodeApReq,
  encodeAsReq,
  encodeAuthenticator,
  encodeTgsReq,
  encodeTicket,
  flagMask,
  KdcOption,
  type KdcRep,
  KdcReqBody,
  type KrbError,
  NameType,
  type PaData,
  PaEncTsEnc,
  PaForUser,
  PaPacOptions,
  type PrincipalName,
  type Ticket,
} from '../protocol/krb5/index.js';
import { encodeNegotiateMessage } from '../protocol/ntlm/index.js';

export interface SessionKey {
  enctype: number;
  key: Uint8Array;
}

/** Credentials: a ticket and what the client knows about it (RFC 4120 §5.4.2 EncKDCRepPart). */
export interface Creds {
  client: PrincipalName;
  crealm: string;
  server: PrincipalName;
  srealm: string;
  ticket: Ticket;
  /** the Ticket's exact DER (reused byte for byte in AP-REQs and ccaches) */
  ticketDer: Uint8Array;
  sessionKey: SessionKey;
  flags: number;
  authtime: Date;
  starttime?: Date;
  endtime: Date;
  renewTill?: Date;
}

/** Enctypes a client offers by default (strongest first), as MIT 1.20's default_tkt_enctypes. */
export const DEFAULT_ENCTYPES = [18, 17, 20, 19, 23] as const;

const NO_ADDRESSES = undefined;

export function principal(components: string[], nameType: number = NameType.NT_PRINCIPAL): PrincipalName {
  return { nameType, nameString: components };
}

export interface KdcReqOptions {
  cname?: PrincipalName;
  realm: string;
  sname: PrincipalName;
  etypes: readonly number[];
  nonce: number;
  /** end of the requested lifetime */
  till: Date;
  kdcOptions: number;
  padata?: PaData[];
  /** RFC 4120 §5.4.1 additional-tickets: the S4U2Self evidence ticket of an S4U2Proxy request (MS-SFU §3.1.5.2.1) */
  additionalTickets?: Ticket[];
}

function body(o: KdcReqOptions): KdcReqBody {
  return {
    kdcOptions: o.kdcOptions,
    ...(o.cname ? { cname: o.cname } : {}),
    realm: o.realm,
    sname: o.sname,
    till: o.till,
    nonce: o.nonce >>> 0,
    etype: [...o.etypes],
    ...(NO_ADDRESSES ? { addresses: NO_ADDRESSES } : {}),
    ...(o.additionalTickets?.length ? { additionalTickets: o.additionalTickets } : {}),
  };
}

/** AS-REQ (RFC 4120 §5.4.1) for krbtgt/REALM, optionally with pre-authentication padata. */
export function buildAsReq(o: Omit<KdcReqOptions, 'sname'> & { sname?: PrincipalName }): Uint8Array {
  const sname = o.sname ?? principal(['krbtgt', o.realm], NameType.NT_SRV_INST);
  return encodeAsReq({ pvno: 5, msgType: 10, ...(o.padata?.length ? { padata: o.padata } : {}), reqBody: body({ ...o, sname }) });
}

/** forwardable, renewable-ok, canonicalize (RFC 4120 §5.4.1 bits 1 and 27, RFC 6806 bit 15), what kinit sends */
export const DEFAULT_KDC_OPTIONS = ((KdcOption.forwardable ?? 0) | (KdcOption['renewable-ok'] ?? 0) | (KdcOption.canonicalize ?? 0)) >>> 0;

/** PA-ENC-TIMESTAMP (RFC 4120 §5.2.7.2): the client's time encrypted with its long-term key, key usage 1. */
export function paEncTimestamp(key: SessionKey, now: Date): PaData {
  const ms = now.getTime();
  const ts = PaEncTsEnc.encode({ patimestamp: new Date(Math.floor(ms / 1000) * 1000), pausec: (ms % 1000) * 1000 });
  const cipher = encrypt(key.enctype, key.key, KeyUsage.PA_ENC_TIMESTAMP, ts);
  return { padataType: 2, padataValue: EncryptedData.encode({ etype: key.enctype, cipher }) };
}

/** PA-PAC-REQUEST include-pac TRUE (MS-KILE §2.2.3), what Windows clients send. */
export function paPacRequest(): PaData {
  return { padataType: 128, padataValue: Uint8Array.of(0x30, 0x05, 0xa0, 0x03, 0x01, 0x01, 0xff) };
}

/** The etype/salt pairs a KDC offers in a KRB-ERROR's METHOD-DATA (PA-ETYPE-INFO2, else PA-ETYPE-INFO, PA-PW-SALT). */
export function etypeInfoOf(err: Pick<KrbError, 'eData'>): EtypeInfo2Entry[] {
  if (!err.eData) return [];
  const e = decodeEData(err.eData);
  if (e.kind !== 'method-data') return [];
  const out: EtypeInfo2Entry[] = [];
  for (const p of e.padata) {
    if (p.kind !== 'value') continue;
    if (p.name === 'PA-ETYPE-INFO2') out.push(...p.value);
    else if (p.name === 'PA-ETYPE-INFO' && !out.length)
      for (const x of p.value) out.push({ etype: x.etype, ...(x.salt ? { salt: new TextDecoder().decode(x.salt) } : {}) });
  }
  return out;
}

/** The padata types a KRB-ERROR's METHOD-DATA lists (what pre-authentication the KDC accepts). */
export function paTypesOf(err: Pick<KrbError, 'eData'>): number[] {
  if (!err.eData) return [];
  const e = decodeEData(err.eData);
  return e.kind === 'method-data' ? e.padata.map((p) => p.type) : [];
}

/** The user's long-term key for the first etype the KDC offered that we asked for and implement (RFC 4120 §3.1.3). */
export function userKey(
  password: string,
  info: readonly EtypeInfo2Entry[],
  requested: readonly number[],
  defaultSalt: string,
): SessionKey | undefined {
  for (const i of info) {
    if (!requested.includes(i.etype)) continue;
    const p = getEnctype(i.etype);
    if (!p?.implemented) continue;
    return { enctype: i.etype, key: stringToKey(i.etype, password, i.salt ?? defaultSalt, i.s2kparams) };
  }
  if (!info.length) {
    const etype = requested.find((e) => getEnctype(e)?.implemented);
    if (etype !== undefined) return { enctype: etype, key: stringToKey(etype, password, defaultSalt) };
  }
  return undefined;
}

/** Opens the enc-part of an AS-REP (usage 3) or TGS-REP (usage 8). Throws CryptoError (wrong key) or DecodeError. */
export function openKdcRep(rep: KdcRep, key: SessionKey, usage: number): EncKdcRepPartBody {
  const plain = decrypt(rep.encPart.etype, key.key, usage, rep.encPart.cipher);
  return decodeEncKdcRepPart(plain).value;
}

export function credsOf(rep: KdcRep, part: EncKdcRepPartBody): Creds {
  return {
    client: rep.cname,
    crealm: rep.crealm,
    server: part.sname,
    srealm: part.srealm,
    ticket: rep.ticket,
    ticketDer: derOf(rep.ticket) ?? encodeTicketDer(rep.ticket),
    sessionKey: { enctype: part.key.keytype, key: part.key.keyvalue },
    flags: part.flags,
    authtime: part.authtime,
    starttime: part.starttime,
    endtime: part.endtime,
    renewTill: part.renewTill,
  };
}

function encodeTicketDer(t: Ticket): Uint8Array {
  return encodeTicket(t);
}

function seconds(now: Date): { ctime: Date; cusec: number } {
  const ms = now.getTime();
  return { ctime: new Date(Math.floor(ms / 1000) * 1000), cusec: (ms % 1000) * 1000 + Math.floor(Math.random() * 1000) };
}

/**
 * TGS-REQ (RFC 4120 §5.4.1, §3.3.1): the TGT in a PA-TGS-REQ AP-REQ whose authenticator checksums the body.
 * `padata` is sent after PA-TGS-REQ (PA-FOR-USER for S4U2Self, PA-PAC-OPTIONS for S4U2Proxy); `additionalTickets`
 * carries S4U2Proxy's evidence ticket (with the cname-in-addl-tkt KDC option).
 */
export function buildTgsReq(o: {
  tgt: Creds;
  sname: PrincipalName;
  realm: string;
  etypes: readonly number[];
  nonce: number;
  till: Date;
  kdcOptions: number;
  now: Date;
  padata?: PaData[];
  additionalTickets?: Ticket[];
}): Uint8Array {
  const b = body({ ...o, cname: undefined });
  const bodyDer = KdcReqBody.encode(b);
  const sk = o.tgt.sessionKey;
  const ck = getEnctype(sk.enctype);
  if (!ck) throw new Error(`TGT session key enctype ${sk.enctype} is not supported`);
  const cksum = { cksumtype: ck.checksumType, checksum: makeChecksum(ck.checksumType, sk.key, KeyUsage.TGS_REQ_AUTH_CKSUM, bodyDer) };
  const { ctime, cusec } = seconds(o.now);
  const auth = encodeAuthenticator({ authenticatorVno: 5, crealm: o.tgt.crealm, cname: o.tgt.client, cksum, cusec, ctime });
  const apReq = encodeApReq({
    pvno: 5,
    msgType: 14,
    apOptions: 0,
    ticket: o.tgt.ticket,
    authenticator: { etype: sk.enctype, cipher: encrypt(sk.enctype, sk.key, KeyUsage.TGS_REQ_AUTHENTICATOR, auth) },
  });
  return encodeTgsReq({ pvno: 5, msgType: 12, padata: [{ padataType: 1, padataValue: apReq }, ...(o.padata ?? [])], reqBody: b });
}

/**
 * MS-SFU §2.2.1 PA-FOR-USER (padata 129): the user a service asks a ticket to itself for (S4U2Self). Its checksum is
 * KERB_CHECKSUM_HMAC_MD5 (RFC 4757, cksumtype -138) keyed with the TGT session key, key usage 17, over the
 * S4UByteArray: name-type (32-bit little-endian), each name string, the realm, the auth-package ("Kerberos").
 */
export function paForUser(user: PrincipalName, userRealm: string, tgtSessionKey: SessionKey): PaData {
  const enc = new TextEncoder();
  const parts = [
    Uint8Array.of(user.nameType & 0xff, (user.nameType >>> 8) & 0xff, (user.nameType >>> 16) & 0xff, (user.nameType >>> 24) & 0xff),
    ...user.nameString.map((s) => enc.encode(s)),
    enc.encode(userRealm),
    enc.encode(S4U_AUTH_PACKAGE),
  ];
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  const checksum = makeChecksum(-138, tgtSessionKey.key, KeyUsage.KERB_NON_KERB_CKSUM_SALT, data);
  return {
    padataType: 129,
    padataValue: PaForUser.encode({ userName: user, userRealm, cksum: { cksumtype: -138, checksum }, authPackage: S4U_AUTH_PACKAGE }),
  };
}

const S4U_AUTH_PACKAGE = 'Kerberos';

/**
 * MS-KILE §2.2.10 PA-PAC-OPTIONS (padata 167) with the resource-based-constrained-delegation bit (3), which a
 * Windows front end sends with every S4U2Proxy request so a 2012+ KDC also considers the back end's
 * msDS-AllowedToActOnBehalfOfOtherIdentity.
 */
export function paPacOptionsRbcd(): PaData {
  return { padataType: 167, padataValue: PaPacOptions.encode({ options: flagMask(3) }) };
}

/** GSS context flags the client profiles ask for (RFC 4121 §4.1.1.1). */
export const GSS_FLAGS = {
  /** Windows SSPI (Edge, IE, .NET UseDefaultCredentials): mutual, replay, sequence, confidentiality, integrity, extended errors */
  windows: 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x4000,
  /** Chrome/Firefox on Linux/macOS through GSSAPI: GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG (delegation off by default) */
  gssapi: 0x2 | 0x8,
  /** curl --negotiate via MIT: GSS_C_MUTUAL_FLAG (MIT adds replay/sequence detection itself) */
  mit: 0x2 | 0x4 | 0x8,
} as const;

export interface ApReqResult {
  /** the AP-REQ (RFC 4120 §5.5.1) DER */
  apReq: Uint8Array;
  /** the GSS initial context token (RFC 4121 §4.1: 0x60, krb5 OID, tok id 01 00, AP-REQ) */
  gssToken: Uint8Array;
  /** the SPNEGO NegTokenInit carrying it (RFC 4178 §4.2.1) — what `Authorization: Negotiate` holds */
  spnego: Uint8Array;
  ctime: Date;
  cusec: number;
  subkey: SessionKey;
  seqNumber: number;
}

/**
 * AP-REQ for a service ticket, in a GSS krb5 token inside SPNEGO, as a browser builds it: mutual-required, the
 * 0x8003 checksum with the profile's flags and (for Extended Protection) the MD5 of the channel bindings, a fresh
 * subkey and sequence number.
 */
export function buildApReq(o: {
  creds: Creds;
  now: Date;
  gssFlags: number;
  /** MD5 of gss_channel_bindings_struct (RFC 4121 §4.1.1.2); zeros = none */
  bindingsHash?: Uint8Array;
  mechTypes?: string[];
}): ApReqResult {
  const sk = o.creds.sessionKey;
  const profile = getEnctype(sk.enctype);
  if (!profile?.implemented) throw new Error(`session key enctype ${sk.enctype} is not supported`);
  const subkey: SessionKey = { enctype: sk.enctype, key: profile.randomToKey(randomBytes(profile.seedSize)) };
  const seqNumber = new DataView(randomBytes(4).buffer).getUint32(0) & 0x3fffffff;
  const { ctime, cusec } = seconds(o.now);
  const gssCk = encodeGssChecksum({ bnd: o.bindingsHash ?? new Uint8Array(16), flags: o.gssFlags });
  const auth = encodeAuthenticator({
    authenticatorVno: 5,
    crealm: o.creds.crealm,
    cname: o.creds.client,
    cksum: { cksumtype: GSS_CHECKSUM_TYPE, checksum: gssCk },
    cusec,
    ctime,
    subkey: { keytype: subkey.enctype, keyvalue: subkey.key },
    seqNumber,
  });
  const apReq = encodeApReq({
    pvno: 5,
    msgType: 14,
    apOptions: o.gssFlags & 0x2 ? (ApOption['mutual-required'] ?? 0) : 0,
    ticket: o.creds.ticket,
    authenticator: { etype: sk.enctype, cipher: encrypt(sk.enctype, sk.key, KeyUsage.AP_REQ_AUTHENTICATOR, auth) },
  });
  const gssToken = encodeInitialContextToken({
    thisMech: GssOid.KRB5,
    innerToken: encodeKrb5MechToken({ tokId: Krb5TokId.KRB_AP_REQ, body: apReq }),
  });
  const spnego = encodeInitialContextToken({
    thisMech: GssOid.SPNEGO,
    innerToken: encodeNegotiationToken({
      type: 'negTokenInit',
      value: { form: 'NegTokenInit', mechTypes: o.mechTypes ?? [GssOid.MS_KRB5, GssOid.KRB5], mechToken: gssToken },
    }),
  });
  return { apReq, gssToken, spnego, ctime, cusec, subkey, seqNumber };
}

/**
 * The SPNEGO NegTokenInit a Windows client sends when it has no Kerberos ticket: NTLMSSP as the only mechanism and an
 * NTLM NEGOTIATE_MESSAGE (MS-NLMP §2.2.1.1) as the mech token. It carries no credentials (no user, no response):
 * it only asks the server whether it would take NTLM.
 */
export function buildNtlmNegotiateToken(): Uint8Array {
  const ntlm = encodeNegotiateMessage({
    // UNICODE | OEM | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | VERSION | 128 | KEY_EXCH | 56
    negotiateFlags: 0xe2088207,
    version: { productMajorVersion: 10, productMinorVersion: 0, productBuild: 19041, reserved: new Uint8Array(3), ntlmRevisionCurrent: 15 },
  });
  return encodeInitialContextToken({
    thisMech: GssOid.SPNEGO,
    innerToken: encodeNegotiationToken({
      type: 'negTokenInit',
      value: { form: 'NegTokenInit', mechTypes: [GssOid.NTLMSSP], mechToken: ntlm },
    }),
  });
}

export type ApRepCheck =
  | { status: 'verified'; part: EncApRepPart }
  | { status: 'mismatch'; part: EncApRepPart; detail: string }
  | { status: 'failed'; detail: string };

/** Mutual authentication (RFC 4120 §3.2.5): the AP-REP opens with the session key and echoes our ctime/cusec. */
export function verifyApRep(rep: ApRep, creds: Creds, sent: { ctime: Date; cusec: number }): ApRepCheck {
  let part: EncApRepPart;
  try {
    part = decodeEncApRepPart(decrypt(rep.encPart.etype, creds.sessionKey.key, KeyUsage.AP_REP_ENC_PART, rep.encPart.cipher));
  } catch (e) {
    return { status: 'failed', detail: `the AP-REP does not open with the ticket's session key: ${(e as Error).message}` };
  }
  if (part.ctime.getTime() !== sent.ctime.getTime() || part.cusec !== sent.cusec)
    return { status: 'mismatch', part, detail: 'the AP-REP does not echo the authenticator time (a replayed or foreign AP-REP)' };
  return { status: 'verified', part };
}

/** A random nonce for KDC requests (31 bits: some KDCs mishandle the sign bit). */
export function nonce(): number {
  return new DataView(randomBytes(4).buffer).getUint32(0) & 0x7fffffff;
}
