/**
 * The Kerberos exchanges of a live check, over the network, as facts: each request, each transport attempt, each
 * reply or KRB-ERROR (with its e-data NTSTATUS), the KDC's clock. The protocol logic is src/krb (pure).
 */
import { CryptoError, KeyUsage } from '../crypto/index.js';
import { decodeErrorFact, type Fact, type Where } from '../facts/fact.js';
import { krbErrorFact } from '../facts/krb-error.js';
import {
  buildAsReq,
  buildTgsReq,
  type Creds,
  credsOf,
  DEFAULT_KDC_OPTIONS,
  etypeInfoOf,
  nonce,
  openKdcRep,
  paEncTimestamp,
  paPacRequest,
  paTypesOf,
  principal,
  type SessionKey,
} from '../krb/client.js';
import { type KdcTarget, kdcExchange } from '../net/kdc.js';
import {
  decodeAsRep,
  decodeKrb5Message,
  decodeTgsRep,
  describeKrbError,
  type KdcRep,
  type KrbError,
  NameType,
  type PrincipalName,
} from '../protocol/krb5/index.js';
import { DecodeError } from '../wire/errors.js';

export interface KdcContext {
  realm: string;
  targets: KdcTarget[];
  deadline: number;
  udpPreferenceLimit: number;
  now(): Date;
}

export type KdcOutcome =
  | { kind: 'rep'; rep: KdcRep; raw: Uint8Array; kdc: string }
  | { kind: 'error'; error: KrbError; kdc: string }
  | { kind: 'unreachable' }
  | { kind: 'garbage'; detail: string; kdc: string };

/** One request to the realm's KDCs; every transport attempt becomes a kdc-contact fact. */
export async function sendKdc(req: Uint8Array, msgType: 10 | 12, ctx: KdcContext, where: Where, facts: Fact[]): Promise<KdcOutcome> {
  const r = await kdcExchange(req, ctx.targets, { deadline: ctx.deadline, udpPreferenceLimit: ctx.udpPreferenceLimit });
  for (const a of r.attempts)
    facts.push({
      kind: 'kdc-contact',
      where,
      kdc: a.kdc,
      address: a.address,
      port: a.port,
      transport: a.transport,
      outcome: a.outcome,
      detail: a.detail,
      ms: a.ms,
    });
  if (!r.reply || !r.target) return { kind: 'unreachable' };
  const kdc = `${r.target.host}:${r.target.port}`;
  try {
    const m = decodeKrb5Message(r.reply);
    if (m.name === 'KRB-ERROR') return { kind: 'error', error: m.message as KrbError, kdc };
    if ((msgType === 10 && m.name === 'AS-REP') || (msgType === 12 && m.name === 'TGS-REP')) {
      const rep = msgType === 10 ? decodeAsRep(r.reply) : decodeTgsRep(r.reply);
      return { kind: 'rep', rep, raw: r.reply, kdc };
    }
    const detail = `the KDC ${kdc} answered a ${msgType === 10 ? 'AS-REQ' : 'TGS-REQ'} with ${m.name}`;
    facts.push({ kind: 'bad-reply', where, peer: kdc, protocol: 'kerberos', detail });
    return { kind: 'garbage', detail, kdc };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    facts.push(decodeErrorFact({ ...where, label: `${where.label}: reply from KDC ${kdc}` }, e));
    const detail = `the reply from ${kdc} (${r.reply.length} bytes over ${r.transport}) is not a Kerberos message: ${e.message}`;
    facts.push({ kind: 'bad-reply', where, peer: kdc, protocol: 'kerberos', detail });
    return { kind: 'garbage', detail, kdc };
  }
}

export function requestFact(
  where: Where,
  msgType: 10 | 12,
  realm: string,
  sname: string[],
  cname: string[] | undefined,
  etypes: readonly number[],
  padata: number[],
  kdc?: string,
): Fact {
  return {
    kind: 'kdc-request',
    where,
    msgType,
    realm,
    sname,
    cname,
    etypes: [...etypes],
    padataTypes: padata,
    kdcOptions: DEFAULT_KDC_OPTIONS,
    kdc,
  };
}

export function replyFact(where: Where, rep: KdcRep, msgType: 11 | 13, sessionKeyEnctype?: number, flags?: number): Fact {
  return {
    kind: 'kdc-reply',
    where,
    msgType,
    crealm: rep.crealm,
    cname: rep.cname.nameString,
    realm: rep.ticket.realm,
    sname: rep.ticket.sname.nameString,
    ticketEnctype: rep.ticket.encPart.etype,
    ticketKvno: rep.ticket.encPart.kvno,
    encPartEnctype: rep.encPart.etype,
    ticketBytes: rep.ticket.encPart.cipher.length,
    sessionKeyEnctype,
    flags,
  };
}

export function clockFact(where: Where, peer: string, theirs: Date, ourSentAt: Date, ourReceivedAt: Date, source: string): Fact {
  // the KDC's time is compared with the middle of our round trip (whole seconds + usec are in stime/susec)
  const mid = (ourSentAt.getTime() + ourReceivedAt.getTime()) / 2;
  return { kind: 'clock-offset', where, peer, offsetMs: Math.round(theirs.getTime() - mid), source };
}

export interface AsResult {
  creds?: Creds;
  /** the first reply's server time (PREAUTH_REQUIRED or any error, or the AS-REP) for the clock step */
  clock?: Fact;
  /** true when the KDC could not be reached at all */
  unreachable?: boolean;
  error?: KrbError;
  detail: string;
}

function clientName(user: string): PrincipalName {
  return principal(user.split('/'), NameType.NT_PRINCIPAL);
}

/**
 * The AS exchange (RFC 4120 §3.1) as MIT's kinit does it: a first AS-REQ without pre-authentication (its
 * PREAUTH_REQUIRED brings the KDC's time and the PA-ETYPE-INFO2 salts), then PA-ENC-TIMESTAMP with the user's key.
 * With `keyFor` undefined only the first round trip is made (the clock measurement when a ccache TGT is used).
 */
export async function asExchange(
  ctx: KdcContext,
  user: string,
  etypes: readonly number[],
  keyFor: ((info: ReturnType<typeof etypeInfoOf>, requested: readonly number[]) => SessionKey | undefined) | undefined,
  where: Where,
  facts: Fact[],
  tillSeconds = 10 * 3600,
): Promise<AsResult> {
  const cname = clientName(user);
  const sname = ['krbtgt', ctx.realm];
  const base = {
    cname,
    realm: ctx.realm,
    etypes,
    till: new Date(ctx.now().getTime() + tillSeconds * 1000),
    kdcOptions: DEFAULT_KDC_OPTIONS,
  };
  const n1 = nonce();
  const req1 = buildAsReq({ ...base, nonce: n1, padata: [paPacRequest()] });
  facts.push(requestFact(where, 10, ctx.realm, sname, cname.nameString, etypes, [128]));
  const sent1 = ctx.now();
  const o1 = await sendKdc(req1, 10, ctx, where, facts);
  const got1 = ctx.now();
  if (o1.kind === 'unreachable') return { unreachable: true, detail: 'no KDC answered' };
  if (o1.kind === 'garbage') return { detail: o1.detail };
  let clock: Fact | undefined;
  if (o1.kind === 'error') {
    const e = o1.error;
    clock = clockFact(
      where,
      o1.kdc,
      new Date(e.stime.getTime() + Math.floor(e.susec / 1000)),
      sent1,
      got1,
      `KRB-ERROR ${describeKrbError(e).name} stime`,
    );
    if (e.errorCode !== 25) {
      facts.push(krbErrorFact(where, e, 'kdc'));
      return { clock, error: e, detail: `${describeKrbError(e).name} (${e.errorCode})${e.eText ? `: ${e.eText}` : ''}` };
    }
    if (!keyFor) return { clock, detail: 'KDC time measured from PREAUTH_REQUIRED' };
    // KDC_ERR_PREAUTH_REQUIRED: a normal step; its METHOD-DATA says which pre-authentication and which salts
    const info = etypeInfoOf(e);
    const key = keyFor(info, etypes);
    if (!key) {
      const offered = info.map((i) => i.etype).join(', ') || 'none';
      return { clock, detail: `no key for the enctypes the KDC offered (${offered}); pre-authentication types ${paTypesOf(e).join(', ')}` };
    }
    const n2 = nonce();
    const req2 = buildAsReq({ ...base, nonce: n2, padata: [paEncTimestamp(key, ctx.now()), paPacRequest()] });
    facts.push(requestFact(where, 10, ctx.realm, sname, cname.nameString, etypes, [2, 128], o1.kdc));
    const o2 = await sendKdc(req2, 10, ctx, where, facts);
    if (o2.kind === 'unreachable') return { clock, unreachable: true, detail: 'the KDC stopped answering after PREAUTH_REQUIRED' };
    if (o2.kind === 'garbage') return { clock, detail: o2.detail };
    if (o2.kind === 'error') {
      facts.push(krbErrorFact(where, o2.error, 'kdc'));
      return {
        clock,
        error: o2.error,
        detail: `${describeKrbError(o2.error).name} (${o2.error.errorCode})${o2.error.eText ? `: ${o2.error.eText}` : ''}`,
      };
    }
    return finishAs(o2.rep, key, n2, where, facts, clock);
  }
  // an AS-REP without pre-authentication (the principal does not require it)
  if (!keyFor) return { clock, detail: 'the KDC issued a TGT without pre-authentication' };
  const info = etypeInfoOf({ eData: undefined });
  const key = keyFor(info, [o1.rep.encPart.etype]);
  if (!key) return { detail: 'no key to open the AS-REP' };
  return finishAs(o1.rep, key, n1, where, facts, clock);
}

function finishAs(rep: KdcRep, key: SessionKey, sentNonce: number, where: Where, facts: Fact[], clock: Fact | undefined): AsResult {
  try {
    const part = openKdcRep(rep, key, KeyUsage.AS_REP_ENC_PART);
    facts.push(replyFact(where, rep, 11, part.key.keytype, part.flags));
    if (part.nonce !== sentNonce >>> 0)
      return { clock, detail: 'the AS-REP nonce does not match the request (a replayed or forged reply)' };
    return {
      clock,
      creds: credsOf(rep, part),
      detail: `TGT for ${rep.cname.nameString.join('/')}@${rep.crealm}, valid until ${part.endtime.toISOString()}`,
    };
  } catch (e) {
    if (!(e instanceof CryptoError) && !(e instanceof DecodeError)) throw e;
    facts.push(replyFact(where, rep, 11));
    return { clock, detail: `the AS-REP does not open with the user's key: ${(e as Error).message}` };
  }
}

export interface TgsResult {
  creds?: Creds;
  error?: KrbError;
  unreachable?: boolean;
  detail: string;
}

/** The TGS exchange (RFC 4120 §3.3), following cross-realm referrals (RFC 6806 §8) up to 5 hops. */
export async function tgsExchange(
  ctx: KdcContext,
  tgt: Creds,
  spn: string[],
  etypes: readonly number[],
  where: Where,
  facts: Fact[],
  record = true,
): Promise<TgsResult> {
  let current = tgt;
  for (let hop = 0; hop < 5; hop++) {
    const realm = current.server.nameString[1] ?? ctx.realm;
    const sname = principal(spn, NameType.NT_SRV_INST);
    const n = nonce();
    const till = new Date(Math.min(current.endtime.getTime(), ctx.now().getTime() + 10 * 3600 * 1000));
    const req = buildTgsReq({ tgt: current, sname, realm, etypes, nonce: n, till, kdcOptions: DEFAULT_KDC_OPTIONS, now: ctx.now() });
    const out: Fact[] = [];
    out.push(requestFact(where, 12, realm, spn, undefined, etypes, [1]));
    const o = await sendKdc(req, 12, { ...ctx, realm }, where, out);
    if (record) facts.push(...out);
    else facts.push(...out.filter((f) => f.kind === 'kdc-contact' && f.outcome !== 'answered'));
    if (o.kind === 'unreachable') return { unreachable: true, detail: 'no KDC answered the TGS-REQ' };
    if (o.kind === 'garbage') return { detail: o.detail };
    if (o.kind === 'error') {
      if (record) facts.push(krbErrorFact(where, o.error, 'kdc'));
      return {
        error: o.error,
        detail: `${describeKrbError(o.error).name} (${o.error.errorCode})${o.error.eText ? `: ${o.error.eText}` : ''}`,
      };
    }
    let part: ReturnType<typeof openKdcRep>;
    try {
      part = openKdcRep(o.rep, current.sessionKey, KeyUsage.TGS_REP_ENC_PART_SESSION_KEY);
    } catch (e) {
      if (!(e instanceof CryptoError) && !(e instanceof DecodeError)) throw e;
      return { detail: `the TGS-REP does not open with the TGT session key: ${(e as Error).message}` };
    }
    if (record) facts.push(replyFact(where, o.rep, 13, part.key.keytype, part.flags));
    if (part.nonce !== n >>> 0) return { detail: 'the TGS-REP nonce does not match the request' };
    const creds = credsOf(o.rep, part);
    const s = creds.server.nameString;
    if (s[0] === 'krbtgt' && spn[0] !== 'krbtgt' && s[1] && s[1] !== realm) {
      current = creds; // a referral to another realm: ask its KDC (same KDC list: a trust inside one forest)
      continue;
    }
    return { creds, detail: `ticket for ${s.join('/')}@${creds.srealm}` };
  }
  return { detail: 'more than 5 referrals' };
}
