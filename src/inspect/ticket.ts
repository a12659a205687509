/**
 * Opening an AP-REQ the way the service's acceptor would (RFC 4120 §3.2.3, MIT `rd_req_dec.c`): find the service
 * key for the ticket's sname/enctype/kvno, decrypt the ticket (key usage 2), then the authenticator with the
 * ticket's session key (usage 11). When it fails we say why in the acceptor's own terms, because those map
 * one-to-one onto the errors a real server returns in its 401:
 *   no key for the principal          → KRB_AP_ERR_NOT_US (35)        "the ticket isn't for us"
 *   principal present, no such enctype → KRB_AP_ERR_BADKEYVER (44)   (MIT: "found in keytab but not with enctype")
 *   kvno differs and the key fails    → KRB_AP_ERR_BADKEYVER (44)     stale keytab
 *   same kvno, key fails integrity    → KRB_AP_ERR_MODIFIED (41) / BAD_INTEGRITY (31)  wrong password/key
 */
import { CryptoError, decrypt, getEnctype, KeyUsage, makeChecksum } from '../crypto/index.js';
import type { Fact, Where } from '../facts/fact.js';
import { decodeGssChecksum, GSS_CHECKSUM_TYPE, type GssAuthenticatorChecksum } from '../protocol/gss/krb5.js';
import {
  AdType,
  type ApReq,
  type Authenticator,
  decodeAuthenticator,
  decodeEncApRepPart,
  decodeEncKdcRepPart,
  decodeEncTicketPart,
  decodePaDataList,
  type EncApRepPart,
  type EncKdcRepPart,
  type EncryptedData,
  type EncTicketPart,
  findAuthData,
  type KdcRep,
  type Ticket,
} from '../protocol/krb5/index.js';
import { decodePac, type Pac, type PacSignatureVerdict, verifyPacSignatures } from '../protocol/pac/index.js';
import { DecodeError } from '../wire/errors.js';
import type { KeyEntry, KeySet } from './keys.js';

export type TicketDecryptStatus =
  | 'decrypted'
  | 'no-keys' // the user gave no keys at all
  | 'not-us' // no key for this service principal (KRB_AP_ERR_NOT_US)
  | 'enctype-missing' // keys for the principal, none of the ticket's enctype (KRB_AP_ERR_BADKEYVER on MIT)
  | 'kvno-mismatch' // the ticket's kvno is not in the keytab and the keys there fail (stale keytab)
  | 'wrong-key' // a key with the right principal/kvno/enctype fails integrity (KRB_AP_ERR_MODIFIED)
  | 'unsupported-enctype' // DES/3DES/unknown: we cannot decrypt it
  | 'malformed'; // decrypted, but the plaintext is not an EncTicketPart

export interface TicketDecryption {
  status: TicketDecryptStatus;
  /** One sentence for humans. */
  detail: string;
  key?: KeyEntry;
  encPart?: EncTicketPart;
  /** What the keys the user gave hold for this principal (for the stale-keytab explanation). */
  principalKvnos: number[];
  principalEnctypes: number[];
  error?: DecodeError;
}

function principalOf(t: Ticket) {
  return { components: t.sname.nameString, realm: t.realm };
}

function tryDecrypt(enc: EncryptedData, keys: KeyEntry[], usage: number): { key: KeyEntry; plain: Uint8Array } | { failed: KeyEntry[] } {
  const failed: KeyEntry[] = [];
  for (const k of keys) {
    try {
      return { key: k, plain: decrypt(enc.etype, k.key, usage, enc.cipher) };
    } catch (e) {
      if (!(e instanceof CryptoError)) throw e;
      failed.push(k);
    }
  }
  return { failed };
}

export function decryptTicket(ticket: Ticket, keys: KeySet): TicketDecryption {
  const p = principalOf(ticket);
  const name = `${p.components.join('/')}@${p.realm}`;
  const mine = keys.forPrincipal(p);
  const principalKvnos = [...new Set(mine.map((k) => k.kvno ?? 0))].sort((a, b) => a - b);
  const principalEnctypes = [...new Set(mine.map((k) => k.enctype))].sort((a, b) => a - b);
  const base = { principalKvnos, principalEnctypes };
  const etype = ticket.encPart.etype;
  const kvno = ticket.encPart.kvno;
  const et = getEnctype(etype);
  if (keys.empty) return { ...base, status: 'no-keys', detail: 'no keys given (use --keytab or --password)' };
  if (!et?.implemented) {
    return {
      ...base,
      status: 'unsupported-enctype',
      detail: `the ticket's enctype ${et?.name ?? etype} cannot be decrypted by kerbscope (weak or unknown)`,
    };
  }
  const candidates = keys.candidates(etype, p, kvno);
  const r = tryDecrypt(ticket.encPart, candidates, KeyUsage.KDC_REP_TICKET);
  if ('plain' in r) {
    try {
      const encPart = decodeEncTicketPart(r.plain);
      return {
        ...base,
        status: 'decrypted',
        key: r.key,
        encPart,
        detail: `decrypted with ${r.key.principal ?? 'a key'} kvno ${r.key.kvno ?? '?'} from ${r.key.source}`,
      };
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      return {
        ...base,
        status: 'malformed',
        key: r.key,
        error: e,
        detail: `decrypted, but the EncTicketPart does not decode: ${e.message}`,
      };
    }
  }
  if (mine.length === 0 && keys.passwords.length === 0) {
    const others = [...new Set(keys.entries.map((k) => k.principal))].join(', ');
    return { ...base, status: 'not-us', detail: `no key for ${name} (the keys given are for ${others || 'nobody'})` };
  }
  if (mine.length > 0 && !mine.some((k) => k.enctype === etype) && keys.passwords.length === 0) {
    return { ...base, status: 'enctype-missing', detail: `keys for ${name} exist, but none with the ticket's enctype ${et.name}` };
  }
  if (kvno !== undefined && mine.length > 0 && !mine.some((k) => k.kvno === kvno && k.enctype === etype)) {
    return {
      ...base,
      status: 'kvno-mismatch',
      detail: `the ticket was encrypted with key version ${kvno} of ${name}; the keys given have version ${principalKvnos.join(', ')}`,
    };
  }
  return {
    ...base,
    status: 'wrong-key',
    detail: `a ${et.name} key${kvno !== undefined ? ` with kvno ${kvno}` : ''} for ${name} was tried and failed the integrity check: it is not the key the KDC used`,
  };
}

export interface AuthenticatorDecryption {
  status: 'decrypted' | 'failed' | 'malformed';
  detail: string;
  authenticator?: Authenticator;
  gssChecksum?: GssAuthenticatorChecksum;
  error?: DecodeError;
}

export function decryptAuthenticator(apReq: ApReq, ticketPart: EncTicketPart): AuthenticatorDecryption {
  let plain: Uint8Array;
  try {
    plain = decrypt(apReq.authenticator.etype, ticketPart.key.keyvalue, KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher);
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    return { status: 'failed', detail: `the authenticator does not decrypt with the ticket's session key: ${e.message}` };
  }
  try {
    const authenticator = decodeAuthenticator(plain);
    const out: AuthenticatorDecryption = { status: 'decrypted', detail: 'decrypted with the ticket session key', authenticator };
    if (authenticator.cksum?.cksumtype === GSS_CHECKSUM_TYPE) {
      try {
        out.gssChecksum = decodeGssChecksum(authenticator.cksum.checksum);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        out.error = e.within('authenticator.cksum');
      }
    }
    return out;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { status: 'malformed', error: e, detail: `the authenticator does not decode: ${e.message}` };
  }
}

/** The AP-REP's EncAPRepPart (usage 12), encrypted with the ticket session key (RFC 4120 §5.5.2). */
export function decryptApRep(
  encPart: EncryptedData,
  sessionKeys: readonly { enctype: number; key: Uint8Array }[],
): EncApRepPart | undefined {
  for (const k of sessionKeys) {
    if (k.enctype !== encPart.etype) continue;
    try {
      return decodeEncApRepPart(decrypt(encPart.etype, k.key, KeyUsage.AP_REP_ENC_PART, encPart.cipher));
    } catch (e) {
      if (!(e instanceof CryptoError) && !(e instanceof DecodeError)) throw e;
    }
  }
  return undefined;
}

export interface PacInspection {
  pac?: Pac;
  /** The PAC bytes' length. */
  size: number;
  signatures?: PacSignatureVerdict;
  error?: DecodeError;
}

/** Finds the AD-WIN2K-PAC (inside AD-IF-RELEVANT) of a decrypted ticket and decodes it; verifies the server signature with the ticket key. */
export function inspectPac(
  part: EncTicketPart,
  serviceKey: KeyEntry | undefined,
  keys?: KeySet,
  realm?: string,
): PacInspection | undefined {
  const ad = findAuthData(part.authorizationData, AdType['AD-WIN2K-PAC']);
  if (!ad) return undefined;
  const out: PacInspection = { size: ad.adData.length };
  try {
    out.pac = decodePac(ad.adData);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    out.error = e.within('authorization-data.AD-WIN2K-PAC');
    return out;
  }
  if (serviceKey) {
    // The KDC signature (MS-PAC §2.8.2) is keyed with krbtgt's key: verified when the keys given hold it (a krbtgt
    // keytab, as the lab's decrypt keytab has), tried key by key because its enctype follows the KDC's choice.
    const kdcKeys = keys?.krbtgtKeys(realm ?? part.crealm) ?? [];
    const verify = (kdcKey?: Uint8Array) => {
      try {
        return verifyPacSignatures(ad.adData, { serverKey: serviceKey.key, ...(kdcKey ? { kdcKey } : {}) }, (t, k, u, d) =>
          makeChecksum(t, k, u, d),
        );
      } catch (e) {
        if (!(e instanceof DecodeError) && !(e instanceof CryptoError)) throw e;
        return undefined;
      }
    };
    for (const k of kdcKeys) {
      const v = verify(k.key);
      if (v) out.signatures = v;
      if (v?.kdc.status === 'valid') break;
    }
    if (!out.signatures) out.signatures = verify();
  }
  return out;
}

/** The fact a decryption attempt leaves, wherever the ticket came from (a token, a ccache, a capture). */
export function ticketDecryptFact(where: Where, ticket: Ticket, dec: TicketDecryption): Fact {
  return {
    kind: 'ticket-decrypt',
    where,
    status: dec.status,
    detail: dec.detail,
    principal: `${ticket.sname.nameString.join('/')}@${ticket.realm}`,
    enctype: ticket.encPart.etype,
    kvno: ticket.encPart.kvno,
    keyKvnos: dec.principalKvnos,
    keyEnctypes: dec.principalEnctypes,
    keyKvno: dec.key?.kvno,
  };
}

export interface KdcRepDecryption {
  status: 'decrypted' | 'failed' | 'no-keys' | 'malformed';
  detail: string;
  encPart?: EncKdcRepPart;
  key?: KeyEntry;
}

/**
 * The client's half of an AS-REP (key usage 3, the user's long-term key; the salt comes from the reply's
 * PA-ETYPE-INFO2 when the user gave a password). TGS-REPs are encrypted with the TGT session key (usage 8),
 * which only the client's ccache holds, so they are not opened here.
 */
export function decryptAsRep(rep: KdcRep, keys: KeySet): KdcRepDecryption {
  if (keys.empty) return { status: 'no-keys', detail: 'no keys given (use --password-stdin with the user’s password, or --keytab)' };
  let saltHint: string | undefined;
  for (const pa of decodePaDataList(rep.padata)) {
    if (pa.kind === 'value' && pa.name === 'PA-ETYPE-INFO2') {
      const e = (pa.value as { etype: number; salt?: string }[]).find((x) => x.etype === rep.encPart.etype);
      if (e?.salt !== undefined) saltHint = e.salt;
    }
  }
  const client = { components: rep.cname.nameString, realm: rep.crealm };
  const r = tryDecrypt(rep.encPart, keys.candidates(rep.encPart.etype, client, rep.encPart.kvno, saltHint), KeyUsage.AS_REP_ENC_PART);
  if (!('plain' in r))
    return {
      status: 'failed',
      detail: `no key given opens the reply for ${client.components.join('/')}@${client.realm} (${r.failed.length} tried)`,
    };
  try {
    return { status: 'decrypted', encPart: decodeEncKdcRepPart(r.plain), key: r.key, detail: `decrypted with ${r.key.source}` };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { status: 'malformed', key: r.key, detail: `decrypted, but EncASRepPart does not decode: ${e.message}` };
  }
}
