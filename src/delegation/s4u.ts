/**
 * The live proof of a delegation chain (MS-SFU §3.1.5), as `kvno -U user -P SPN` makes it with the front end's
 * credentials:
 *
 *   S4U2Self  (§3.1.5.1): TGS-REQ for the front end's own name with PA-FOR-USER(user)  → the "evidence" ticket
 *                         (forwardable only when the front end may use protocol transition and the user may be
 *                         delegated)
 *   S4U2Proxy (§3.1.5.2): TGS-REQ for the back end's SPN, kdc-options cname-in-addl-tkt, the evidence ticket in
 *                         additional-tickets, PA-PAC-OPTIONS resource-based-constrained-delegation (as Windows sends)
 *                         → a ticket to the back end in the user's name
 *
 * Each hop becomes a `delegation-hop` fact carrying the KDC's error: the delegation rules read it with the
 * directory's settings beside it (a bare krb-error fact would be read as the client's own TGS failure).
 */

import { type KdcContext, replyFact, requestFact, sendKdc } from '../check/kerberos.js';
import { CryptoError, KeyUsage } from '../crypto/index.js';
import type { Fact, Where } from '../facts/fact.js';
import {
  buildTgsReq,
  type Creds,
  credsOf,
  DEFAULT_KDC_OPTIONS,
  nonce,
  openKdcRep,
  paForUser,
  paPacOptionsRbcd,
  principal,
} from '../krb/client.js';
import { describeKrbError, KdcOption, type KrbError, NameType, type PrincipalName, TicketFlag } from '../protocol/krb5/index.js';
import { DecodeError } from '../wire/errors.js';

export interface S4uResult {
  /** the evidence ticket (S4U2Self) and the delegated ticket (S4U2Proxy), when issued */
  evidence?: Creds;
  proxy?: Creds;
}

const FORWARDABLE = TicketFlag.forwardable ?? 0x40000000;
const CNAME_IN_ADDL_TKT = KdcOption['cname-in-addl-tkt'] ?? 0x00020000;

function name(p: PrincipalName, realm: string): string {
  return `${p.nameString.join('/')}@${realm}`;
}

function errorOf(e: KrbError): { errorCode: number; errorName: string; eText?: string } {
  return { errorCode: e.errorCode, errorName: describeKrbError(e).name, ...(e.eText ? { eText: e.eText } : {}) };
}

/** A user given as name or name@REALM (an enterprise name with two @ keeps its first part). */
export function userPrincipal(user: string, realm: string): { name: PrincipalName; realm: string } {
  const at = user.lastIndexOf('@');
  const n = at > 0 ? user.slice(0, at) : user;
  const r = at > 0 ? user.slice(at + 1).toUpperCase() : realm;
  return { name: principal(n.split('/'), NameType.NT_PRINCIPAL), realm: r };
}

/**
 * S4U2Self then, when `backEnd` is given, S4U2Proxy. `tgt` is the front end's TGT. Facts are appended as they
 * happen; a hop that cannot be tried is recorded as skipped so the report shows the whole chain.
 */
export async function proveDelegation(
  ctx: KdcContext,
  tgt: Creds,
  user: string,
  backEnd: string | undefined,
  etypes: readonly number[],
  where: Where,
  facts: Fact[],
): Promise<S4uResult> {
  const realm = tgt.crealm;
  const front = name(tgt.client, realm);
  const u = userPrincipal(user, realm);
  const userName = name(u.name, u.realm);
  const till = new Date(Math.min(tgt.endtime.getTime(), ctx.now().getTime() + 10 * 3600 * 1000));
  const hop = (f: Omit<Extract<Fact, { kind: 'delegation-hop' }>, 'kind' | 'where'>) => facts.push({ kind: 'delegation-hop', where, ...f });
  const proxyTo = backEnd;
  const skipProxy = (why: string) => {
    if (proxyTo) hop({ step: 's4u2proxy', from: front, to: proxyTo, user: userName, ok: false, skipped: why, detail: `not tried: ${why}` });
  };

  // ---- S4U2Self
  const n1 = nonce();
  const self = principal([...tgt.client.nameString], tgt.client.nameType);
  const req1 = buildTgsReq({
    tgt,
    sname: self,
    realm,
    etypes,
    nonce: n1,
    till,
    kdcOptions: DEFAULT_KDC_OPTIONS,
    now: ctx.now(),
    padata: [paForUser(u.name, u.realm, tgt.sessionKey)],
  });
  facts.push(requestFact(where, 12, realm, self.nameString, undefined, etypes, [1, 129]));
  const o1 = await sendKdc(req1, 12, ctx, where, facts);
  if (o1.kind !== 'rep') {
    let detail: string;
    if (o1.kind === 'error') {
      const e = errorOf(o1.error);
      detail = `the KDC refused S4U2Self: ${e.errorName} (${e.errorCode})${e.eText ? `: ${e.eText}` : ''}`;
      hop({ step: 's4u2self', from: userName, to: front, user: userName, ok: false, ...e, detail });
    } else {
      detail = o1.kind === 'unreachable' ? 'no KDC answered the S4U2Self request' : o1.detail;
      hop({ step: 's4u2self', from: userName, to: front, user: userName, ok: false, skipped: detail, detail });
    }
    skipProxy('S4U2Self gave no evidence ticket');
    return {};
  }
  let evidence: Creds;
  try {
    const part = openKdcRep(o1.rep, tgt.sessionKey, KeyUsage.TGS_REP_ENC_PART_SESSION_KEY);
    facts.push(replyFact(where, o1.rep, 13, part.key.keytype, part.flags));
    if (part.nonce !== n1 >>> 0) throw new DecodeError('ERR_BAD_VALUE', 'the TGS-REP nonce does not match the request', { field: 'nonce' });
    evidence = credsOf(o1.rep, part);
  } catch (e) {
    if (!(e instanceof CryptoError) && !(e instanceof DecodeError)) throw e;
    const detail = `the S4U2Self reply does not open with the TGT session key: ${(e as Error).message}`;
    hop({ step: 's4u2self', from: userName, to: front, user: userName, ok: false, skipped: detail, detail });
    skipProxy('the S4U2Self reply could not be read');
    return {};
  }
  const forwardable = (evidence.flags & FORWARDABLE) !== 0;
  const gotFor = name(evidence.client, evidence.crealm);
  if (gotFor.toLowerCase() !== userName.toLowerCase()) {
    // a KDC without S4U ignores PA-FOR-USER and issues the front end a ticket to itself in its own name
    const detail = `the KDC issued a ticket for ${gotFor}, not for ${userName}: it ignored PA-FOR-USER (no S4U2Self support)`;
    hop({ step: 's4u2self', from: userName, to: front, user: gotFor, ok: false, errorName: 'PA-FOR-USER ignored', detail });
    skipProxy('S4U2Self gave no evidence ticket for the user');
    return {};
  }
  hop({
    step: 's4u2self',
    from: userName,
    to: front,
    user: gotFor,
    ok: true,
    forwardable,
    detail: `evidence ticket to ${name(evidence.server, evidence.srealm)} for ${gotFor}, ${forwardable ? 'forwardable' : 'NOT forwardable'}`,
  });
  if (!proxyTo) return { evidence };

  // ---- S4U2Proxy
  const sname = principal(proxyTo.replace(/@[^@/]*$/, '').split('/'), NameType.NT_SRV_INST);
  const n2 = nonce();
  const req2 = buildTgsReq({
    tgt,
    sname,
    realm,
    etypes,
    nonce: n2,
    till,
    kdcOptions: (DEFAULT_KDC_OPTIONS | CNAME_IN_ADDL_TKT) >>> 0,
    now: ctx.now(),
    padata: [paPacOptionsRbcd()],
    additionalTickets: [evidence.ticket],
  });
  facts.push(requestFact(where, 12, realm, sname.nameString, undefined, etypes, [1, 167]));
  const o2 = await sendKdc(req2, 12, ctx, where, facts);
  const target = name(sname, realm);
  if (o2.kind !== 'rep') {
    if (o2.kind === 'error') {
      const e = errorOf(o2.error);
      hop({
        step: 's4u2proxy',
        from: front,
        to: target,
        user: gotFor,
        ok: false,
        forwardable,
        ...e,
        detail: `the KDC refused S4U2Proxy: ${e.errorName} (${e.errorCode})${e.eText ? `: ${e.eText}` : ''}`,
      });
    } else {
      const detail = o2.kind === 'unreachable' ? 'no KDC answered the S4U2Proxy request' : o2.detail;
      hop({ step: 's4u2proxy', from: front, to: target, user: gotFor, ok: false, skipped: detail, detail });
    }
    return { evidence };
  }
  try {
    const part = openKdcRep(o2.rep, tgt.sessionKey, KeyUsage.TGS_REP_ENC_PART_SESSION_KEY);
    facts.push(replyFact(where, o2.rep, 13, part.key.keytype, part.flags));
    if (part.nonce !== n2 >>> 0) throw new DecodeError('ERR_BAD_VALUE', 'the TGS-REP nonce does not match the request', { field: 'nonce' });
    const proxy = credsOf(o2.rep, part);
    const as = name(proxy.client, proxy.crealm);
    const same = as.toLowerCase() === gotFor.toLowerCase();
    hop({
      step: 's4u2proxy',
      from: front,
      to: target,
      user: as,
      ok: same,
      detail: same
        ? `ticket to ${name(proxy.server, proxy.srealm)} for ${as}`
        : `the KDC issued a ticket to ${name(proxy.server, proxy.srealm)} for ${as}, not for ${gotFor}`,
    });
    return { evidence, proxy };
  } catch (e) {
    if (!(e instanceof CryptoError) && !(e instanceof DecodeError)) throw e;
    const detail = `the S4U2Proxy reply does not open with the TGT session key: ${(e as Error).message}`;
    hop({ step: 's4u2proxy', from: front, to: target, user: gotFor, ok: false, skipped: detail, detail });
    return { evidence };
  }
}
