/**
 * `.kirbi` files: one DER KRB-CRED (RFC 4120 §5.8, [APPLICATION 22]), what mimikatz `kerberos::list /export`,
 * Rubeus `dump` and impacket `ticketConverter.py` write. Their EncKrbCredPart is "encrypted" with etype 0 (NULL):
 * the cipher field holds the plain DER of EncKrbCredPart ([APPLICATION 29]) with the session keys.
 *
 * The KRB-CRED schema is declared privately in ./krb5-asn1.ts with the src/wire/asn1.ts engine (src/protocol/krb5
 * had no `decodeKrbCred` export when this was written).
 */

import { EncKrbCredPart, EncryptedData, type KrbCredInfo, Ticket } from '../protocol/krb5/index.js';
import { any, application, decodeDer, field, type Infer, integer, sequence, sequenceOf } from '../wire/asn1.js';
import { DecodeError, isDecodeError } from '../wire/errors.js';
import type { Ccache, CcacheCredential, CcacheInput } from './ccache.js';
import { type FileDecodeProblem, maskKey, type Principal, withMaskedJSON } from './common.js';

/**
 * KRB-CRED (RFC 4120 §5.8.1) with each Ticket kept as its exact DER: a ticket moved between a kirbi and a ccache
 * must stay byte for byte what the KDC issued (its enc-part is opaque to us, and re-encoding could normalise it).
 */
const KrbCred = application(
  22,
  sequence('KRB-CRED', {
    pvno: field(0, integer),
    msgType: field(1, integer),
    tickets: field(2, sequenceOf(any, 'SEQUENCE OF Ticket')),
    encPart: field(3, EncryptedData, 'enc-part'),
  }),
  'KRB-CRED',
);
/** A KRB-CRED whose tickets are raw DER. */
export type KrbCredRaw = Infer<typeof KrbCred>;

export interface Kirbi {
  krbCred: KrbCredRaw;
  /** The decoded EncKrbCredPart when enc-part is unencrypted (etype 0); undefined when it is really encrypted. */
  encPart?: EncKrbCredPart;
  /** One credential per ticket / KrbCredInfo pair, in the ccache shape. */
  credentials: CcacheCredential[];
  errors: FileDecodeProblem[];
}

/** KRB-CRED msg-type (RFC 4120 §5.8.1) */
export const KRB_CRED_MSG_TYPE = 22;

/**
 * Decodes a .kirbi (KRB-CRED). Throws DecodeError when the bytes are not a KRB-CRED; a broken ticket or
 * EncKrbCredPart is recorded in `errors` with what could be decoded.
 */
export function decodeKirbi(bytes: Uint8Array): Kirbi {
  const krbCred = decodeDer(KrbCred, bytes, { path: 'KRB-CRED' });
  if (krbCred.msgType !== KRB_CRED_MSG_TYPE)
    throw new DecodeError('ERR_BAD_VALUE', `msg-type ${krbCred.msgType} is not KRB-CRED (22)`, { field: 'KRB-CRED.msg-type' });
  const out: Kirbi = { krbCred, credentials: [], errors: [] };
  if (krbCred.encPart.etype !== 0) return out;
  let encPart: EncKrbCredPart;
  try {
    encPart = decodeDer(EncKrbCredPart, krbCred.encPart.cipher, { path: 'EncKrbCredPart' });
  } catch (e) {
    if (!isDecodeError(e)) throw e;
    out.errors.push({ offset: e.offset ?? 0, error: e.within('KRB-CRED.enc-part.cipher') });
    return out;
  }
  out.encPart = encPart;
  const n = Math.min(encPart.ticketInfo.length, krbCred.tickets.length);
  if (encPart.ticketInfo.length !== krbCred.tickets.length) {
    out.errors.push({
      offset: 0,
      error: new DecodeError('ERR_BAD_VALUE', `${krbCred.tickets.length} tickets but ${encPart.ticketInfo.length} ticket-info entries`, {
        field: 'KRB-CRED.enc-part',
      }),
    });
  }
  for (let i = 0; i < n; i++) {
    const ticket = krbCred.tickets[i] as Uint8Array;
    const info = encPart.ticketInfo[i] as KrbCredInfo;
    out.credentials.push(credentialFromInfo(info, ticket));
  }
  return out;
}

function principalOf(realm: string | undefined, name: { nameType: number; nameString: string[] } | undefined): Principal {
  return { realm: realm ?? '', components: name?.nameString ?? [], nameType: name?.nameType ?? 0 };
}

function credentialFromInfo(info: KrbCredInfo, ticket: Uint8Array): CcacheCredential {
  // A KrbCredInfo may omit srealm/sname; the Ticket itself always names its service.
  let server = principalOf(info.srealm, info.sname);
  if (info.sname === undefined) {
    try {
      const t = decodeDer(Ticket, ticket);
      server = principalOf(t.realm, t.sname);
    } catch (e) {
      if (!isDecodeError(e)) throw e;
    }
  }
  const c: CcacheCredential = {
    kind: 'ticket',
    client: principalOf(info.prealm, info.pname),
    server,
    key: { enctype: info.key.keytype, value: info.key.keyvalue },
    authtime: info.authtime,
    starttime: info.starttime,
    endtime: info.endtime,
    renewTill: info.renewTill,
    isSkey: false,
    ticketFlags: info.flags ?? 0,
    addresses: (info.caddr ?? []).map((a) => ({ addrType: a.addrType, address: a.address })),
    authdata: [],
    ticket,
    secondTicket: new Uint8Array(0),
  };
  return withMaskedJSON(c, (copy) => {
    copy.key = { enctype: c.key.enctype, value: maskKey(c.key.value) };
  });
}

/**
 * A .kirbi as a version 4 ccache (the conversion impacket's `ticketConverter.py` and Rubeus `describe` do). The
 * default principal is the client of the first credential. Throws DecodeError when the KRB-CRED is encrypted.
 */
export function kirbiToCcache(kirbi: Uint8Array | Kirbi): Ccache {
  const k = kirbi instanceof Uint8Array ? decodeKirbi(kirbi) : kirbi;
  if (!k.encPart)
    throw new DecodeError('ERR_UNSUPPORTED', `KRB-CRED enc-part is encrypted (etype ${k.krbCred.encPart.etype}); a key is needed`, {
      field: 'KRB-CRED.enc-part',
    });
  const first = k.credentials[0];
  const cc: Ccache = {
    version: 4,
    byteOrder: 'be',
    header: [],
    credentials: k.credentials,
    errors: [...k.errors],
  };
  if (first) cc.defaultPrincipal = first.client;
  return cc;
}

function nameOf(p: Principal): { nameType: number; nameString: string[] } {
  return { nameType: p.nameType, nameString: [...p.components] };
}

/**
 * Writes the tickets of a ccache (configuration entries and credentials without a ticket are left out) as one
 * KRB-CRED with an unencrypted (etype 0) EncKrbCredPart, the form mimikatz, Rubeus and impacket exchange.
 */
export interface CcacheToKirbiOptions {
  /** Keep only the credentials for which this returns true. */
  filter?: (c: CcacheInput['credentials'][number]) => boolean;
  /** Write authtime into each KrbCredInfo (default true; impacket's `ticketConverter.py` leaves it out). */
  authtime?: boolean;
}

export function ccacheToKirbi(cc: CcacheInput | Ccache, opts: CcacheToKirbiOptions = {}): Uint8Array {
  const creds = cc.credentials.filter((c) => !('kind' in c && c.kind === 'config') && c.ticket.length > 0 && (opts.filter?.(c) ?? true));
  const infos: KrbCredInfo[] = creds.map((c) => {
    const info: KrbCredInfo = {
      key: { keytype: c.key.enctype, keyvalue: c.key.value },
      prealm: c.client.realm,
      pname: nameOf(c.client),
      flags: c.ticketFlags >>> 0,
      srealm: c.server.realm,
      sname: nameOf(c.server),
    };
    if (c.authtime && opts.authtime !== false) info.authtime = c.authtime;
    if (c.starttime) info.starttime = c.starttime;
    if (c.endtime) info.endtime = c.endtime;
    if (c.renewTill) info.renewTill = c.renewTill;
    if (c.addresses && c.addresses.length > 0) info.caddr = c.addresses.map((a) => ({ addrType: a.addrType, address: a.address }));
    return info;
  });
  const encPart = EncKrbCredPart.encode({ ticketInfo: infos });
  return KrbCred.encode({
    pvno: 5,
    msgType: KRB_CRED_MSG_TYPE,
    tickets: creds.map((c) => c.ticket),
    encPart: { etype: 0, cipher: encPart },
  });
}
