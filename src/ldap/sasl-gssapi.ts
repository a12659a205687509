/**
 * The SASL GSSAPI mechanism (RFC 4752) over kerbscope's own Kerberos client, without I/O: the steps of the bind and the
 * security layer that wraps every LDAP message after it.
 *
 * ```text
 * client                                             server (AD DC, Samba)
 * BindRequest sasl GSSAPI  [GSS initial token: AP-REQ for ldap/<dc>, mutual, integ+conf]   RFC 4752 §3.1
 *                          BindResponse saslBindInProgress (14)  [AP-REP token]             mutual authentication
 * BindRequest sasl GSSAPI  [empty]
 *                          BindResponse 14  [Wrap(layers offered (1 octet) | max buffer (3 octets))]
 * BindRequest sasl GSSAPI  [Wrap(layer chosen | max buffer | authzid)]
 *                          BindResponse success (0)
 * then every LDAPMessage in a SASL buffer: 4-octet length | Wrap token (RFC 4752 §3.3, RFC 4121 §4.2.6.2)
 * ```
 * Layers (RFC 4752 §3.3): 1 none, 2 integrity, 4 confidentiality. Active Directory and Samba refuse LDAP without one
 * of the last two after a GSSAPI bind ("ldap server require strong auth"); we take confidentiality when offered.
 * The context key's enctype picks the token format: RFC 4121 MIC/Wrap tokens for AES (and every RFC 3961 enctype
 * after it), RFC 4757 §7 tokens (src/protocol/gss/arcfour.ts, inside the RFC 2743 framing) for RC4-HMAC (23, 24),
 * which a DC still hands out for an ldap/ ticket when the client asks only for RC4 or the account has no AES keys.
 * DES and DES3 contexts (RFC 1964 tokens) are refused with a clear error.
 */
import { buildApReq, type Creds, type SessionKey, verifyApRep } from '../krb/client.js';
import { ArcfourError, decodeArcfourToken, getMicArcfour, unwrapArcfour, verifyMicArcfour, wrapArcfour } from '../protocol/gss/arcfour.js';
import {
  decodeInitialContextToken,
  decodeKrb5MechToken,
  decodeNegotiationToken,
  encodeNegotiationToken,
  GssOid,
  isKrb5Oid,
  Krb5TokId,
  MechTypeList,
  type NegTokenResp,
} from '../protocol/gss/index.js';
import { decodePerMessageToken, micCfx, unwrapCfx, verifyCfxMic, wrapCfx } from '../protocol/gss/per-message.js';
import { decodeApRep, decodeKrb5Message, describeKrbError, type KrbError } from '../protocol/krb5/index.js';
import { encodeDer } from '../wire/asn1.js';
import { DecodeError } from '../wire/errors.js';

export const SaslLayer = { none: 1, integrity: 2, confidentiality: 4 } as const;
export type SaslLayerName = keyof typeof SaslLayer;

/** mutual, replay, sequence, confidentiality, integrity (RFC 4121 §4.1.1.1), what cyrus-sasl asks for with a layer */
const SASL_GSS_FLAGS = 0x2 | 0x4 | 0x8 | 0x10 | 0x20;
/** the largest SASL buffer we accept, told to the server (RFC 4752 §3.1: 3 octets) */
export const CLIENT_MAX_BUFFER = 0xffffff;

export class SaslError extends Error {
  override readonly name = 'SaslError';
  constructor(
    readonly step: 'ap-rep' | 'layer' | 'wrap',
    message: string,
    readonly krbError?: KrbError,
  ) {
    super(message);
  }
}

export interface GssapiStart {
  /** the SASL credentials of the first BindRequest: the RFC 2743 initial context token holding the AP-REQ */
  token: Uint8Array;
  state: { creds: Creds; ctime: Date; cusec: number; subkey: SessionKey; seqNumber: number };
}

/**
 * Step 1: the AP-REQ for the ldap/ service ticket, in the GSS krb5 framing (GSSAPI), or inside a SPNEGO NegTokenInit
 * (GSS-SPNEGO, `spnego` and the mechTypes its mechListMIC covers). `integrityOnly` leaves GSS_C_CONF_FLAG out: with
 * GSS-SPNEGO the flags alone decide signing or sealing (there is no RFC 4752 negotiation).
 */
export function gssapiStart(
  creds: Creds,
  now: Date,
  opts: { integrityOnly?: boolean } = {},
): GssapiStart & { spnego: Uint8Array; mechTypes: string[] } {
  const mechTypes = [GssOid.MS_KRB5, GssOid.KRB5];
  const r = buildApReq({ creds, now, gssFlags: opts.integrityOnly ? SASL_GSS_FLAGS & ~0x10 : SASL_GSS_FLAGS, mechTypes });
  return {
    token: r.gssToken,
    spnego: r.spnego,
    mechTypes,
    state: { creds, ctime: r.ctime, cusec: r.cusec, subkey: r.subkey, seqNumber: r.seqNumber },
  };
}

/**
 * GSS-SPNEGO (MS-SPNG, RFC 4178): the server's NegTokenResp holds the AP-REP and, with an RFC 4121 context, its
 * mechListMIC over the DER of our mechTypes (verified, then it has used one acceptor sequence number). Returns the
 * context and, when the server has not said accept-completed, our own mechListMIC for one more BindRequest.
 */
export function spnegoAccept(
  s: GssapiStart['state'],
  mechTypes: string[],
  serverSaslCreds: Uint8Array | undefined,
): { ctx: GssContext; reply?: Uint8Array; negState?: string } {
  if (!serverSaslCreds?.length) throw new SaslError('ap-rep', 'the server sent no SPNEGO token after the AP-REQ');
  let resp: NegTokenResp;
  try {
    const n = decodeNegotiationToken(serverSaslCreds);
    if (n.type !== 'negTokenResp') throw new SaslError('ap-rep', 'the server answered with a NegTokenInit, not a NegTokenResp');
    resp = n.value;
  } catch (e) {
    if (e instanceof DecodeError) throw new SaslError('ap-rep', `the server's token is not SPNEGO: ${e.message}`);
    throw e;
  }
  if (resp.negState === 'reject')
    throw new SaslError('ap-rep', `SPNEGO negState reject${resp.supportedMech ? ` (${resp.supportedMech})` : ''}`);
  const ctx = gssapiAcceptApRep(s, resp.responseToken);
  const listDer = encodeDer(MechTypeList, mechTypes);
  if (resp.mechListMIC && ctx.tokens === 'rfc4757') {
    try {
      verifyMicArcfour(resp.mechListMIC, listDer, ctx.key, { from: 'acceptor', expectSeq: Number(ctx.recvSeq) });
    } catch (e) {
      if (e instanceof ArcfourError || e instanceof DecodeError)
        throw new SaslError(
          'ap-rep',
          `the SPNEGO mechListMIC does not verify with the RC4 context key (RFC 4178 §5, RFC 4757 §7.2): ${e.message}`,
        );
      throw e;
    }
    ctx.recvSeq = (ctx.recvSeq + 1n) & 0xffffffffn;
  } else if (resp.mechListMIC) {
    const t = decodePerMessageToken(resp.mechListMIC);
    if (t.kind !== 'mic') throw new SaslError('ap-rep', `the SPNEGO mechListMIC is a ${t.kind} token, not a MIC`);
    const v = verifyCfxMic(t, listDer, [ctx.key]);
    if (v.status !== 'ok')
      throw new SaslError('ap-rep', `the SPNEGO mechListMIC does not verify with the context key (RFC 4178 §5): ${v.status}`);
    ctx.recvSeq = t.sndSeq + 1n;
  }
  if (resp.negState === 'accept-completed') return { ctx, negState: resp.negState };
  const mic =
    ctx.tokens === 'rfc4757'
      ? getMicArcfour(listDer, ctx.key, { initiator: true, seqNumber: Number(ctx.sendSeq) })
      : micCfx(listDer, ctx.key, { sentByAcceptor: false, acceptorSubkey: ctx.acceptorSubkey, sndSeq: ctx.sendSeq });
  ctx.sendSeq = (ctx.sendSeq + 1n) & (ctx.tokens === 'rfc4757' ? 0xffffffffn : 0xffffffffffffffffn);
  return {
    ctx,
    reply: encodeNegotiationToken({ type: 'negTokenResp', value: { mechListMIC: mic } }),
    ...(resp.negState ? { negState: resp.negState } : {}),
  };
}

export interface GssContext {
  /**
   * the key of every Wrap token: the acceptor's subkey when its AP-REP has one, else ours (RFC 4121 §2); for RC4 the
   * acceptor's subkey only when its enctype differs from ours (MIT init_sec_context.c: Windows and Samba return one
   * of the same enctype and keep using the initiator's)
   */
  key: SessionKey;
  acceptorSubkey: boolean;
  /** the per-message token format the key's enctype calls for: RFC 4121 (AES ...) or RFC 4757 §7 (RC4-HMAC) */
  tokens: 'rfc4121' | 'rfc4757';
  /** our next SND_SEQ (starts at the authenticator's seq-number; 32 bits with RFC 4757) */
  sendSeq: bigint;
  /** the acceptor's first SND_SEQ (its AP-REP seq-number) */
  recvSeq: bigint;
}

/** Step 2: the server's AP-REP proves it holds the ldap/ key (RFC 4120 §3.2.5); a KRB-ERROR token says why not. */
export function gssapiAcceptApRep(s: GssapiStart['state'], serverSaslCreds: Uint8Array | undefined): GssContext {
  if (!serverSaslCreds?.length) throw new SaslError('ap-rep', 'the server sent no AP-REP (mutual authentication was asked for)');
  let inner: Uint8Array;
  try {
    const ict = decodeInitialContextToken(serverSaslCreds);
    if (!isKrb5Oid(ict.thisMech)) throw new SaslError('ap-rep', `the server answered with mechanism ${ict.thisMech}, not Kerberos V5`);
    inner = ict.innerToken;
  } catch (e) {
    if (e instanceof SaslError) throw e;
    throw new SaslError('ap-rep', `the server's GSS token is not an RFC 2743 initial context token: ${(e as Error).message}`);
  }
  const mech = decodeKrb5MechToken(inner);
  if (mech.tokId === Krb5TokId.KRB_ERROR) {
    const m = decodeKrb5Message(mech.body);
    const err = m.message as KrbError;
    const d = describeKrbError(err);
    throw new SaslError('ap-rep', `the server refused the AP-REQ: ${d.name} (${err.errorCode})${err.eText ? `: ${err.eText}` : ''}`, err);
  }
  if (mech.tokId !== Krb5TokId.KRB_AP_REP)
    throw new SaslError(
      'ap-rep',
      `the server's krb5 token has TOK_ID 0x${mech.tokId.toString(16).padStart(4, '0')}, not an AP-REP (02 00)`,
    );
  const check = verifyApRep(decodeApRep(mech.body), s.creds, s);
  if (check.status !== 'verified') throw new SaslError('ap-rep', `mutual authentication failed: ${check.detail}`);
  const sub = check.part.subkey;
  const ours = s.subkey;
  const useSub = sub !== undefined && (!isRc4(ours.enctype) || sub.keytype !== ours.enctype);
  const key = useSub ? { enctype: sub.keytype, key: sub.keyvalue } : ours;
  if (LEGACY_DES.has(key.enctype))
    throw new SaslError(
      'ap-rep',
      `the context key is ${key.enctype === 16 ? 'DES3' : 'single DES'} (enctype ${key.enctype}): its RFC 1964 per-message tokens are not implemented (only AES and RC4-HMAC)`,
    );
  return {
    key,
    acceptorSubkey: useSub,
    tokens: isRc4(key.enctype) ? 'rfc4757' : 'rfc4121',
    sendSeq: BigInt(s.seqNumber),
    recvSeq: BigInt(check.part.seqNumber ?? 0),
  };
}

const isRc4 = (enctype: number) => enctype === 23 || enctype === 24;
/** des-cbc-crc, des-cbc-md4, des-cbc-md5, des3-cbc-sha1: RFC 1964 token contexts */
const LEGACY_DES = new Set([1, 2, 3, 16]);

export interface LayerChoice {
  offered: SaslLayerName[];
  chosen: SaslLayerName;
  serverMaxBuffer: number;
  /** the SASL credentials of the last BindRequest */
  token: Uint8Array;
}

/**
 * Step 3 (RFC 4752 §3.1): unwraps the server's offer, picks confidentiality, else integrity (or none when `allowNone`
 * and nothing else is offered), and wraps the answer (not sealed, as the RFC says) with an empty authzid.
 */
export function gssapiNegotiateLayer(
  ctx: GssContext,
  serverToken: Uint8Array | undefined,
  opts: { prefer?: SaslLayerName } = {},
): LayerChoice {
  if (!serverToken?.length) throw new SaslError('layer', 'the server sent no security-layer offer after the AP-REP');
  const offer = unwrapFromServer(ctx, serverToken, 'layer');
  if (offer.length !== 4) throw new SaslError('layer', `the security-layer offer is ${offer.length} octets, not 4 (RFC 4752 §3.1)`);
  const mask = offer[0] as number;
  const serverMaxBuffer = ((offer[1] as number) << 16) | ((offer[2] as number) << 8) | (offer[3] as number);
  const offered = (Object.keys(SaslLayer) as SaslLayerName[]).filter((n) => mask & SaslLayer[n]);
  const order: SaslLayerName[] = opts.prefer ? [opts.prefer, 'confidentiality', 'integrity'] : ['confidentiality', 'integrity'];
  const chosen = order.find((n) => offered.includes(n));
  if (!chosen)
    throw new SaslError('layer', `the server offers ${offered.join(', ') || 'no layer'}: kerbscope needs integrity or confidentiality`);
  const answer = Uint8Array.of(
    SaslLayer[chosen],
    (CLIENT_MAX_BUFFER >> 16) & 0xff,
    (CLIENT_MAX_BUFFER >> 8) & 0xff,
    CLIENT_MAX_BUFFER & 0xff,
  );
  const token = wrapToServer(ctx, answer, false);
  return { offered, chosen, serverMaxBuffer, token };
}

/** GSS_Wrap one outgoing buffer (advances our sequence number). */
export function wrapToServer(ctx: GssContext, message: Uint8Array, sealed: boolean): Uint8Array {
  if (ctx.tokens === 'rfc4757') {
    const t = wrapArcfour(message, ctx.key, { initiator: true, sealed, seqNumber: Number(ctx.sendSeq) });
    ctx.sendSeq = (ctx.sendSeq + 1n) & 0xffffffffn;
    return t;
  }
  const t = wrapCfx(message, ctx.key, { sentByAcceptor: false, sealed, acceptorSubkey: ctx.acceptorSubkey, sndSeq: ctx.sendSeq });
  ctx.sendSeq = (ctx.sendSeq + 1n) & 0xffffffffffffffffn;
  return t;
}

/**
 * GSS_Unwrap one incoming token: it must be an RFC 4121 Wrap token from the acceptor that verifies (or decrypts) with
 * the context key. Sequence numbers are checked in order (the server's replay/sequence detection mirrors ours).
 */
export function unwrapFromServer(ctx: GssContext, token: Uint8Array, step: 'layer' | 'wrap' = 'wrap', requireSealed = false): Uint8Array {
  if (ctx.tokens === 'rfc4757') return unwrapArcfourFromServer(ctx, token, step, requireSealed);
  let t: ReturnType<typeof decodePerMessageToken>;
  try {
    t = decodePerMessageToken(token);
  } catch (e) {
    if (e instanceof DecodeError) throw new SaslError(step, `the server's SASL buffer is not a GSS Wrap token: ${e.message}`);
    throw e;
  }
  if (t.kind !== 'wrap') throw new SaslError(step, `the server sent a ${t.kind} token where a Wrap token (RFC 4121 §4.2.6.2) belongs`);
  if (!t.sentByAcceptor) throw new SaslError(step, 'the Wrap token does not carry SentByAcceptor: a reflected token');
  if (requireSealed && !t.sealed)
    throw new SaslError(step, 'confidentiality was negotiated but the server sent a token that is not sealed');
  const r = unwrapCfx(t, [ctx.key]);
  if (r.status !== 'ok' || !r.payload)
    throw new SaslError(
      step,
      `the server's Wrap token does not verify with the context key (${r.status}${r.notes.length ? `: ${r.notes.join('; ')}` : ''})`,
    );
  if (t.sndSeq !== ctx.recvSeq)
    throw new SaslError(
      step,
      `the server's Wrap token has sequence number ${t.sndSeq}, expected ${ctx.recvSeq} (replayed or lost message)`,
    );
  ctx.recvSeq = (ctx.recvSeq + 1n) & 0xffffffffffffffffn;
  return r.payload;
}

/** unwrapFromServer for an RC4-HMAC context: RFC 4757 §7.3 Wrap tokens from the acceptor, in sequence. */
function unwrapArcfourFromServer(ctx: GssContext, token: Uint8Array, step: 'layer' | 'wrap', requireSealed: boolean): Uint8Array {
  let t: ReturnType<typeof decodeArcfourToken>;
  try {
    t = decodeArcfourToken(token);
  } catch (e) {
    if (e instanceof DecodeError)
      throw new SaslError(step, `the server's SASL buffer is not an RFC 4757 (RC4-HMAC) Wrap token: ${e.message}`);
    throw e;
  }
  if (t.kind !== 'wrap')
    throw new SaslError(step, 'the server sent an RC4 MIC token (01 01) where a Wrap token (02 01, RFC 4757 §7.3) belongs');
  if (requireSealed && !t.sealed)
    throw new SaslError(step, 'confidentiality was negotiated but the server sent a token that is not sealed (SEAL_ALG FF FF)');
  try {
    const r = unwrapArcfour(t, ctx.key, { from: 'acceptor', expectSeq: Number(ctx.recvSeq) });
    ctx.recvSeq = (ctx.recvSeq + 1n) & 0xffffffffn;
    return r.payload;
  } catch (e) {
    if (e instanceof ArcfourError) throw new SaslError(step, `the server's RC4 Wrap token: ${e.message} (${e.code})`);
    throw e;
  }
}
