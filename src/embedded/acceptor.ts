/**
 * The web server's Kerberos acceptor (RFC 4120 §3.2.3, RFC 4121 §4.1, RFC 4178): the SPNEGO NegTokenInit (or a
 * bare krb5 GSS token) from `Authorization: Negotiate`, the ticket decrypted with the service's keytab key for its
 * enctype and kvno, the authenticator (usage 11), the skew and ticket-time checks, a replay cache, and the
 * mutual-authentication AP-REP (usage 12) back in a NegTokenResp. Failures are KRB-ERRORs in a NegTokenResp
 * (negState reject), as IIS and mod_auth_gssapi send them in the 401. Pure except for the replay cache's memory.
 */
import { decrypt, encrypt, KeyUsage } from '../crypto/index.js';
import {
  decodeInitialContextToken,
  decodeKrb5MechToken,
  decodeNegotiationToken,
  encodeInitialContextToken,
  encodeKrb5MechToken,
  encodeNegotiationToken,
  GssOid,
  isKrb5Oid,
  Krb5TokId,
} from '../protocol/gss/index.js';
import {
  type ApReq,
  type Authenticator,
  decodeApReq,
  decodeAuthenticator,
  decodeEncTicketPart,
  type EncTicketPart,
  encodeApRep,
  encodeEncApRepPart,
  KrbErrorCode,
  type PrincipalName,
} from '../protocol/krb5/index.js';
import { krbError, MAX_SKEW_MS } from './kdc.js';

export interface ServiceKey {
  principal: string;
  kvno: number;
  enctype: number;
  key: Uint8Array;
}

export interface AcceptorOptions {
  realm: string;
  /** what this server answers for, `HTTP/iisserver.contoso.com` */
  spn: string;
  keys: readonly ServiceKey[];
  now: () => Date;
  replay: ReplayCache;
}

export type AcceptResult =
  | { status: 'accepted'; client: string; responseToken: Uint8Array; mech: string }
  | { status: 'rejected'; code: number; text: string; responseToken?: Uint8Array };

/** RFC 4120 §3.2.3: authenticators seen within the skew window, keyed by client, server, ctime and cusec. */
export class ReplayCache {
  private seen = new Map<string, number>();
  /** true when `key` was already seen (a replay); otherwise remembers it until `expires` */
  check(key: string, now: number): boolean {
    for (const [k, exp] of this.seen) if (exp < now) this.seen.delete(k);
    if (this.seen.has(key)) return true;
    this.seen.set(key, now + 2 * MAX_SKEW_MS);
    return false;
  }
}

const nameOf = (p: PrincipalName) => p.nameString.join('/');

function wrap(mech: string, tokId: number, body: Uint8Array, negState: 'accept-completed' | 'reject', spnego: boolean): Uint8Array {
  const gss = encodeInitialContextToken({ thisMech: GssOid.KRB5, innerToken: encodeKrb5MechToken({ tokId, body }) });
  if (!spnego) return gss;
  return encodeNegotiationToken({ type: 'negTokenResp', value: { negState, supportedMech: mech, responseToken: gss } });
}

/** Accepts one `Authorization: Negotiate` token (the base64-decoded bytes). */
export function acceptNegotiate(token: Uint8Array, o: AcceptorOptions): AcceptResult {
  const now = o.now();
  let spnego = false;
  let mech: string = GssOid.KRB5;
  let apReqBytes: Uint8Array;
  try {
    let t = decodeInitialContextToken(token);
    if (t.thisMech === GssOid.SPNEGO) {
      spnego = true;
      const n = decodeNegotiationToken(t.innerToken);
      if (n.type !== 'negTokenInit' || !n.value.mechToken)
        return { status: 'rejected', code: KrbErrorCode.KRB_ERR_GENERIC ?? 60, text: 'SPNEGO without an optimistic mech token' };
      // RFC 4178 §4.2.1: the optimistic token is for the first mechanism listed; answer with that OID
      const first = n.value.mechTypes?.[0];
      if (!first || !isKrb5Oid(first))
        return {
          status: 'rejected',
          code: KrbErrorCode.KRB_ERR_GENERIC ?? 60,
          text: `first mechanism ${first ?? '(none)'} is not Kerberos`,
        };
      mech = first;
      t = decodeInitialContextToken(n.value.mechToken);
    }
    if (!isKrb5Oid(t.thisMech)) return { status: 'rejected', code: KrbErrorCode.KRB_ERR_GENERIC ?? 60, text: `mechanism ${t.thisMech}` };
    const m = decodeKrb5MechToken(t.innerToken);
    if (m.tokId !== Krb5TokId.KRB_AP_REQ)
      return { status: 'rejected', code: KrbErrorCode.KRB_ERR_GENERIC ?? 60, text: 'not an AP-REQ token' };
    apReqBytes = m.body;
  } catch (e) {
    return { status: 'rejected', code: KrbErrorCode.KRB_ERR_GENERIC ?? 60, text: `undecodable token: ${(e as Error).message}` };
  }
  const reject = (code: number, text: string, sname?: PrincipalName): AcceptResult => ({
    status: 'rejected',
    code,
    text,
    responseToken: wrap(mech, Krb5TokId.KRB_ERROR, krbError(now, code, { realm: o.realm, sname, text }), 'reject', spnego),
  });
  let ap: ApReq;
  try {
    ap = decodeApReq(apReqBytes);
  } catch (e) {
    return reject(KrbErrorCode.KRB_ERR_GENERIC ?? 60, `undecodable AP-REQ: ${(e as Error).message}`);
  }
  const sname = ap.ticket.sname;
  if (nameOf(sname).toLowerCase() !== o.spn.toLowerCase() || ap.ticket.realm.toUpperCase() !== o.realm)
    return reject(KrbErrorCode.KRB_AP_ERR_NOT_US ?? 35, "The ticket isn't for us", sname);
  const forUs = o.keys.filter((k) => k.principal.toLowerCase() === `${o.spn}@${o.realm}`.toLowerCase());
  const sameEtype = forUs.filter((k) => k.enctype === ap.ticket.encPart.etype);
  // no key of the ticket's enctype: MIT's keytab lookup says KRB_AP_ERR_BADKEYVER (44), as the catalogue's
  // keytab-missing-enctype shows on the wire; KRB_AP_ERR_NOKEY (45) would name the fault better
  if (!sameEtype.length) return reject(KrbErrorCode.KRB_AP_ERR_BADKEYVER ?? 44, 'Specified version of key is not available', sname);
  const kvno = ap.ticket.encPart.kvno;
  const key = kvno === undefined ? sameEtype[0] : sameEtype.find((k) => k.kvno === kvno);
  if (!key) return reject(KrbErrorCode.KRB_AP_ERR_BADKEYVER ?? 44, 'Specified version of key is not available', sname);
  let part: EncTicketPart;
  try {
    part = decodeEncTicketPart(decrypt(key.enctype, key.key, KeyUsage.KDC_REP_TICKET, ap.ticket.encPart.cipher));
  } catch {
    // KRB_AP_ERR_BAD_INTEGRITY as the catalogue's Apache/MIT acceptor sends it (lab/catalogue.ts keytab-wrong-key);
    // IIS would say KRB_AP_ERR_MODIFIED (41) for the same fault
    return reject(KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY ?? 31, 'Decrypt integrity check failed', sname);
  }
  // the ticket's times first, then the authenticator's clock, in MIT's order (krb5int_validate_times before the
  // authenticator skew): a server 10 minutes behind sees a ticket not yet valid (33), as the catalogue's lab does
  if ((part.starttime ?? part.authtime).getTime() - now.getTime() > MAX_SKEW_MS)
    return reject(KrbErrorCode.KRB_AP_ERR_TKT_NYV ?? 33, 'Ticket not yet valid', sname);
  if (part.endtime.getTime() + MAX_SKEW_MS < now.getTime())
    return reject(KrbErrorCode.KRB_AP_ERR_TKT_EXPIRED ?? 32, 'Ticket expired', sname);
  let auth: Authenticator;
  try {
    auth = decodeAuthenticator(decrypt(ap.authenticator.etype, part.key.keyvalue, KeyUsage.AP_REQ_AUTHENTICATOR, ap.authenticator.cipher));
  } catch {
    return reject(KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY ?? 31, 'Decrypt integrity check failed (authenticator)', sname);
  }
  if (nameOf(auth.cname) !== nameOf(part.cname) || auth.crealm.toUpperCase() !== part.crealm.toUpperCase())
    return reject(KrbErrorCode.KRB_AP_ERR_BADMATCH ?? 36, "Ticket and authenticator don't match", sname);
  if (Math.abs(auth.ctime.getTime() - now.getTime()) > MAX_SKEW_MS)
    return reject(KrbErrorCode.KRB_AP_ERR_SKEW ?? 37, 'Clock skew too great', sname);
  const client = `${nameOf(part.cname)}@${part.crealm}`;
  if (o.replay.check(`${client}|${o.spn}|${auth.ctime.getTime()}|${auth.cusec}`, now.getTime()))
    return reject(KrbErrorCode.KRB_AP_ERR_REPEAT ?? 34, 'Request is a replay', sname);
  // RFC 4120 §3.2.4 / RFC 4121 §4.1: the AP-REP echoes ctime/cusec and carries the acceptor's sequence number
  const seqNumber = auth.seqNumber ?? 0;
  const encPart = encodeEncApRepPart({ ctime: auth.ctime, cusec: auth.cusec, seqNumber });
  const apRep = encodeApRep({
    pvno: 5,
    msgType: 15,
    encPart: { etype: part.key.keytype, cipher: encrypt(part.key.keytype, part.key.keyvalue, KeyUsage.AP_REP_ENC_PART, encPart) },
  });
  return { status: 'accepted', client, responseToken: wrap(mech, Krb5TokId.KRB_AP_REP, apRep, 'accept-completed', spnego), mech };
}
