// The kerbscope client (src/krb/client.ts over src/net/kdc.ts) pointed at an embedded lab: what the KDC tests send.

import type { EmbeddedLab } from '../../src/embedded/index.js';
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
  principal,
  type SessionKey,
  userKey,
} from '../../src/krb/client.js';
import { type KdcExchangeResult, kdcExchange } from '../../src/net/kdc.js';
import {
  AuthorizationData,
  decodeAsRep,
  decodeKrb5Message,
  decodeTgsRep,
  type EncTicketPart,
  type KrbError,
  NameType,
} from '../../src/protocol/krb5/index.js';
import { decodeDer } from '../../src/wire/asn1.js';

export const REALM = 'CONTOSO.COM';

export async function exchange(lab: EmbeddedLab, req: Uint8Array, udpPreferenceLimit = 1465): Promise<KdcExchangeResult> {
  return kdcExchange(req, [{ host: 'dc1.contoso.com', address: lab.hosts.dc, port: lab.ports.kdc }], {
    deadline: performance.now() + 5000,
    udpPreferenceLimit,
  });
}

export function asKrbError(reply: Uint8Array | undefined): KrbError | undefined {
  if (!reply) return undefined;
  const m = decodeKrb5Message(reply);
  return m.name === 'KRB-ERROR' ? m.message : undefined;
}

export function till(): Date {
  return new Date(Date.now() + 8 * 3600_000);
}

/** AS exchange as kinit does it: without pre-authentication first, then PA-ENC-TIMESTAMP with the offered salt. */
export async function getTgt(
  lab: EmbeddedLab,
  o: { user?: string; password?: string; etypes?: number[]; clockOffsetMs?: number } = {},
): Promise<{ creds?: Creds; key?: SessionKey; first: KrbError | undefined; error?: KrbError }> {
  const user = o.user ?? 'john';
  const etypes = o.etypes ?? [18, 17];
  const base = { cname: principal([user]), realm: REALM, etypes, till: till(), kdcOptions: DEFAULT_KDC_OPTIONS };
  const r1 = await exchange(lab, buildAsReq({ ...base, nonce: nonce() }));
  const first = asKrbError(r1.reply);
  if (first?.errorCode !== 25) return { first, error: first };
  const key = userKey(o.password ?? lab.password, etypeInfoOf(first), etypes, `${REALM}${user}`);
  if (!key) throw new Error('no usable etype offered');
  const n = nonce();
  const now = new Date(Date.now() + (o.clockOffsetMs ?? 0));
  const r2 = await exchange(lab, buildAsReq({ ...base, nonce: n, padata: [paEncTimestamp(key, now)] }));
  const err = asKrbError(r2.reply);
  if (err || !r2.reply) return { first, key, error: err };
  const rep = decodeAsRep(r2.reply);
  const part = openKdcRep(rep, key, 3);
  if (part.nonce !== n) throw new Error('AS-REP nonce mismatch');
  return { first, key, creds: credsOf(rep, part) };
}

export function tgsReq(tgt: Creds, spn: string, n = nonce()): Uint8Array {
  const [svc = '', host = ''] = spn.split('/');
  return buildTgsReq({
    tgt,
    sname: principal([svc, host], NameType.NT_SRV_HST),
    realm: REALM,
    etypes: [18, 17],
    nonce: n,
    till: till(),
    kdcOptions: DEFAULT_KDC_OPTIONS,
    now: new Date(),
  });
}

export async function getServiceTicket(lab: EmbeddedLab, tgt: Creds, spn: string): Promise<{ creds?: Creds; error?: KrbError }> {
  const n = nonce();
  const r = await exchange(lab, tgsReq(tgt, spn, n));
  const err = asKrbError(r.reply);
  if (err || !r.reply) return { error: err };
  const rep = decodeTgsRep(r.reply);
  const part = openKdcRep(rep, tgt.sessionKey, 8);
  if (part.nonce !== n) throw new Error('TGS-REP nonce mismatch');
  return { creds: credsOf(rep, part) };
}

/** The AD-WIN2K-PAC inside a ticket's AD-IF-RELEVANT (MS-PAC §2.1). */
export function pacOf(part: EncTicketPart): Uint8Array | undefined {
  for (const ad of part.authorizationData ?? []) {
    if (ad.adType !== 1) continue;
    for (const inner of decodeDer(AuthorizationData, ad.adData)) if (inner.adType === 128) return inner.adData;
  }
  return undefined;
}
