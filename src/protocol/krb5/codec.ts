/**
 * Whole-buffer entry points: `decodeX(bytes)` / `encodeX(value)` for every message, `decodeKrb5Message` which
 * dispatches on the APPLICATION tag, and the TCP record framing of RFC 4120 §7.2.2.
 */
import { type Asn1, decodeDer, encodeDer } from '../../wire/asn1.js';
import { TagClass } from '../../wire/der.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { peekTlv } from './asn1-ext.js';
import {
  ApRep,
  ApReq,
  AsRep,
  AsReq,
  Authenticator,
  EncApRepPart,
  EncAsRepPart,
  EncKdcRepPart,
  type EncKdcRepPartBody,
  EncKrbCredPart,
  EncKrbPrivPart,
  EncTgsRepPart,
  EncTicketPart,
  KrbCred,
  KrbError,
  KrbPriv,
  KrbSafe,
  TgsRep,
  TgsReq,
  Ticket,
} from './messages.js';

/** Options for every `decodeX`: `base` makes error offsets absolute; `allowTrailing` ignores bytes after the message. */
export interface DecodeOptions {
  base?: number;
  allowTrailing?: boolean;
}

const dec =
  <T>(s: Asn1<T>) =>
  (bytes: Uint8Array, opts: DecodeOptions = {}): T =>
    decodeDer(s, bytes, opts);
const enc =
  <T>(s: Asn1<T>) =>
  (v: T): Uint8Array =>
    encodeDer(s, v);

export const decodeTicket = dec(Ticket);
export const encodeTicket = enc(Ticket);
export const decodeEncTicketPart = dec(EncTicketPart);
export const encodeEncTicketPart = enc(EncTicketPart);
export const decodeAsReq = dec(AsReq);
export const encodeAsReq = enc(AsReq);
export const decodeTgsReq = dec(TgsReq);
export const encodeTgsReq = enc(TgsReq);
export const decodeAsRep = dec(AsRep);
export const encodeAsRep = enc(AsRep);
export const decodeTgsRep = dec(TgsRep);
export const encodeTgsRep = enc(TgsRep);
/** EncASRepPart or EncTGSRepPart (either tag is accepted for either reply; see messages.ts). */
export const decodeEncKdcRepPart = dec(EncKdcRepPart);
export const encodeEncKdcRepPart = enc(EncKdcRepPart);
export const decodeApReq = dec(ApReq);
export const encodeApReq = enc(ApReq);
export const decodeAuthenticator = dec(Authenticator);
export const encodeAuthenticator = enc(Authenticator);
export const decodeApRep = dec(ApRep);
export const encodeApRep = enc(ApRep);
export const decodeEncApRepPart = dec(EncApRepPart);
export const encodeEncApRepPart = enc(EncApRepPart);
export const decodeKrbSafe = dec(KrbSafe);
export const encodeKrbSafe = enc(KrbSafe);
export const decodeKrbPriv = dec(KrbPriv);
export const encodeKrbPriv = enc(KrbPriv);
export const decodeEncKrbPrivPart = dec(EncKrbPrivPart);
export const encodeEncKrbPrivPart = enc(EncKrbPrivPart);
export const decodeKrbCred = dec(KrbCred);
export const encodeKrbCred = enc(KrbCred);
export const decodeEncKrbCredPart = dec(EncKrbCredPart);
export const encodeEncKrbCredPart = enc(EncKrbCredPart);
export const decodeKrbError = dec(KrbError);
export const encodeKrbError = enc(KrbError);

type V<S> = S extends Asn1<infer T> ? T : never;

/** A decoded top-level Kerberos structure, told apart by `name` (and `msgType`, its APPLICATION tag). */
export type Krb5Message =
  | { msgType: 1; name: 'Ticket'; message: V<typeof Ticket> }
  | { msgType: 2; name: 'Authenticator'; message: V<typeof Authenticator> }
  | { msgType: 3; name: 'EncTicketPart'; message: V<typeof EncTicketPart> }
  | { msgType: 10; name: 'AS-REQ'; message: V<typeof AsReq> }
  | { msgType: 11; name: 'AS-REP'; message: V<typeof AsRep> }
  | { msgType: 12; name: 'TGS-REQ'; message: V<typeof TgsReq> }
  | { msgType: 13; name: 'TGS-REP'; message: V<typeof TgsRep> }
  | { msgType: 14; name: 'AP-REQ'; message: V<typeof ApReq> }
  | { msgType: 15; name: 'AP-REP'; message: V<typeof ApRep> }
  | { msgType: 20; name: 'KRB-SAFE'; message: V<typeof KrbSafe> }
  | { msgType: 21; name: 'KRB-PRIV'; message: V<typeof KrbPriv> }
  | { msgType: 22; name: 'KRB-CRED'; message: V<typeof KrbCred> }
  | { msgType: 25; name: 'EncASRepPart'; message: EncKdcRepPartBody }
  | { msgType: 26; name: 'EncTGSRepPart'; message: EncKdcRepPartBody }
  | { msgType: 27; name: 'EncAPRepPart'; message: V<typeof EncApRepPart> }
  | { msgType: 28; name: 'EncKrbPrivPart'; message: V<typeof EncKrbPrivPart> }
  | { msgType: 29; name: 'EncKrbCredPart'; message: V<typeof EncKrbCredPart> }
  | { msgType: 30; name: 'KRB-ERROR'; message: V<typeof KrbError> };

export type Krb5MessageName = Krb5Message['name'];

const BY_TAG: Record<number, [Krb5MessageName, Asn1<unknown>]> = {
  1: ['Ticket', Ticket],
  2: ['Authenticator', Authenticator],
  3: ['EncTicketPart', EncTicketPart],
  10: ['AS-REQ', AsReq],
  11: ['AS-REP', AsRep],
  12: ['TGS-REQ', TgsReq],
  13: ['TGS-REP', TgsRep],
  14: ['AP-REQ', ApReq],
  15: ['AP-REP', ApRep],
  20: ['KRB-SAFE', KrbSafe],
  21: ['KRB-PRIV', KrbPriv],
  22: ['KRB-CRED', KrbCred],
  25: ['EncASRepPart', EncAsRepPart],
  26: ['EncTGSRepPart', EncTgsRepPart],
  27: ['EncAPRepPart', EncApRepPart],
  28: ['EncKrbPrivPart', EncKrbPrivPart],
  29: ['EncKrbCredPart', EncKrbCredPart],
  30: ['KRB-ERROR', KrbError],
};

/** True when the first octet is an APPLICATION tag we decode (a cheap content sniff for `kerbscope decode`). */
export function looksLikeKrb5Message(bytes: Uint8Array): boolean {
  const b = bytes[0];
  return b !== undefined && (b & 0xe0) === 0x60 && (b & 0x1f) in BY_TAG;
}

/** Decodes any Kerberos message or encrypted part by its [APPLICATION n] tag. Bad input throws DecodeError. */
export function decodeKrb5Message(bytes: Uint8Array, opts: DecodeOptions = {}): Krb5Message {
  const t = peekTlv(bytes, opts.base ?? 0);
  const entry = t.cls === TagClass.APPLICATION ? BY_TAG[t.tag] : undefined;
  if (!entry)
    throw new DecodeError('ERR_BAD_TAG', 'not a Kerberos message (no known [APPLICATION n] tag)', { field: 'message', offset: t.offset });
  const [name, schema] = entry;
  return { msgType: t.tag, name, message: decodeDer(schema, bytes, opts) } as Krb5Message;
}

/** Encodes a value from decodeKrb5Message back to DER. */
export function encodeKrb5Message(m: Krb5Message): Uint8Array {
  const entry = BY_TAG[m.msgType];
  if (!entry) throw new TypeError(`unknown Kerberos message tag ${m.msgType}`);
  return entry[1].encode(m.message);
}

/**
 * RFC 4120 §7.2.2 TCP record: a 4-byte big-endian length (high bit reserved, must be 0) then the message.
 * Returns the message bytes (a view) and how many bytes the record used. Throws DecodeError when incomplete.
 */
export function readTcpRecord(bytes: Uint8Array, base = 0): { message: Uint8Array; length: number } {
  const r = new ByteReader(bytes, base);
  const n = r.u32be('record-length');
  if (r.ok && n & 0x80000000) r.fail('ERR_UNSUPPORTED', 'TCP record length with the reserved high bit set', 'record-length');
  const message = r.take(n, 'record');
  r.check();
  return { message, length: 4 + n };
}

/** Prepends the RFC 4120 §7.2.2 4-byte length. */
export function writeTcpRecord(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + message.length);
  new DataView(out.buffer).setUint32(0, message.length);
  out.set(message, 4);
  return out;
}
