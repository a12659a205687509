/**
 * MIT FILE credential cache, versions 1–4 (0x0501..0x0504): MIT `doc/formats/ccache_file_format.rst`,
 * `src/lib/krb5/ccache/ccmarshal.c` (credentials, principals) and `cc_file.c` (version, header).
 *
 *   ccache ::= 0x05 version (8 bits: 1..4) [header (version 4 only)] default-principal credential*
 *   header ::= length (16 bits) field*            field ::= tag (16 bits) length (16 bits) value
 *              tag 1 = KDC time offset: seconds (32 bits) microseconds (32 bits)
 *   principal ::=
 *     name type (32 bits) [omitted in version 1]
 *     count of components (32 bits) [includes realm in version 1]
 *     realm (data) component1 (data) component2 (data) ...
 *   credential ::=
 *     client (principal) server (principal)
 *     keyblock ::= enctype (16 bits) [repeated twice in version 3] data
 *     authtime starttime endtime renew_till (32 bits each)
 *     is_skey (1 byte) ticket_flags (32 bits)
 *     addresses ::= count (32 bits) { addrtype (16 bits) data }*
 *     authdata  ::= count (32 bits) { ad_type (16 bits, signed) data }*
 *     ticket (data) second_ticket (data)
 *   data ::= length (32 bits) value
 *
 * Versions 1 and 2 use the writer's native byte order (detected here), 3 and 4 are big-endian. There is no count of
 * credentials and no framing: the sequence ends at the end of the file, and a corrupt credential ends the decoding
 * (the credentials before it are returned, the problem is recorded in `errors`).
 *
 * Configuration entries are stored as credentials whose server is `krb5_ccache_conf_data/KEY[/PRINCIPAL]@X-CACHECONF:`
 * with the value in the ticket field (MIT ccache_file_format.rst §"Credential cache configuration entries"):
 * they come back with `kind: 'config'` and are not tickets (klist hides them).
 */

import { Ticket } from '../protocol/krb5/index.js';
import { decodeDer } from '../wire/asn1.js';
import { fromUtf8, toHex, utf8OrLatin1 } from '../wire/encoding.js';
import { DecodeError, isDecodeError } from '../wire/errors.js';
import { ByteReader } from '../wire/reader.js';
import { ByteWriter } from '../wire/writer.js';
import {
  type ByteOrder,
  decodeEitherByteOrder,
  type FileDecodeProblem,
  type IntIO,
  intIO,
  maskKey,
  type Principal,
  principalToString,
  readFileFormatVersion,
  secondsFromTime,
  timeFromSeconds,
  withMaskedJSON,
} from './common.js';

/** The realm MIT uses for configuration entries. */
export const CONFIG_REALM = 'X-CACHECONF:';
export const CONFIG_PREFIX = 'krb5_ccache_conf_data';
/** Header field tag for the KDC time offset (MIT `cc_file.c` FCC_TAG_DELTATIME). */
export const FCC_TAG_DELTATIME = 1;

export interface CcacheHeaderField {
  tag: number;
  value: Uint8Array;
}

export interface CcacheKeyblock {
  enctype: number;
  /** The session key: a secret (masked by JSON.stringify and `ccacheToJSON` unless asked). */
  value: Uint8Array;
}

export interface CcacheAddress {
  addrType: number;
  address: Uint8Array;
}

export interface CcacheAuthData {
  adType: number;
  data: Uint8Array;
}

export interface CcacheConfig {
  /** The configuration key: fast_avail, pa_type, pa_config_data, proxy_impersonator, refresh_time, ... */
  key: string;
  /** The principal the key is about (third component), e.g. krbtgt/REALM@REALM for pa_type. */
  principal?: string;
  value: Uint8Array;
  /** The value as text when it is printable (most MIT keys are ASCII or JSON). */
  text?: string;
}

export interface CcacheCredential {
  kind: 'ticket' | 'config';
  client: Principal;
  server: Principal;
  key: CcacheKeyblock;
  /** Times; undefined where the file holds 0 (MIT: starttime 0 means "same as authtime"). */
  authtime?: Date;
  starttime?: Date;
  endtime?: Date;
  renewTill?: Date;
  isSkey: boolean;
  /** TicketFlags as a 32-bit number (forwardable = 0x40000000, RFC 4120 §5.3). */
  ticketFlags: number;
  addresses: CcacheAddress[];
  authdata: CcacheAuthData[];
  /** The Ticket, raw DER (or the config value for config entries). */
  ticket: Uint8Array;
  secondTicket: Uint8Array;
  /** Set for configuration entries. */
  config?: CcacheConfig;
  /** Absolute offset of the credential in the file (decode only). */
  offset?: number;
}

export interface Ccache {
  version: 1 | 2 | 3 | 4;
  byteOrder: ByteOrder;
  /** Version 4 header fields, in file order (unknown tags kept). */
  header: CcacheHeaderField[];
  /** The KDC time offset from header tag 1, if present. */
  kdcTimeOffset?: { seconds: number; microseconds: number };
  /** Undefined only when the file is cut or corrupt before it (then `errors` says why). */
  defaultPrincipal?: Principal;
  /** Tickets and configuration entries, in file order. */
  credentials: CcacheCredential[];
  errors: FileDecodeProblem[];
}

export interface DecodeCcacheOptions {
  /** Byte order of a version 1 or 2 ccache; by default both are tried and the one that decodes cleanly wins. */
  byteOrder?: ByteOrder;
}

/**
 * Decodes a FILE ccache. Throws DecodeError only when the bytes are not a ccache (bad magic or version); anything
 * after that is returned as far as it decodes, with the problem in `errors`.
 */
export function decodeCcache(bytes: Uint8Array, opts: DecodeCcacheOptions = {}): Ccache {
  const v = readFileFormatVersion(bytes, 'ccache', [1, 2, 3, 4]) as 1 | 2 | 3 | 4;
  if (v >= 3) return decodeBody(bytes, v, 'be');
  const score = (c: Ccache) => (c.defaultPrincipal ? 1 : 0) * 1e6 + c.credentials.length;
  return decodeEitherByteOrder((o) => decodeBody(bytes, v, o), score, opts.byteOrder);
}

function decodeBody(bytes: Uint8Array, version: 1 | 2 | 3 | 4, byteOrder: ByteOrder): Ccache {
  const io = intIO(byteOrder);
  const r = new ByteReader(bytes);
  r.skip(2);
  const cc: Ccache = { version, byteOrder, header: [], credentials: [], errors: [] };
  if (version === 4) {
    const at = r.offset;
    const len = r.u16be('header.length');
    const h = r.sub(len, 'header');
    while (h.ok && h.remaining > 0) {
      const tag = h.u16be('header.tag');
      const flen = h.u16be('header.field-length');
      const value = h.copy(flen, 'header.value');
      if (!h.ok) break;
      cc.header.push({ tag, value });
      if (tag === FCC_TAG_DELTATIME && flen === 8) {
        const d = new ByteReader(value);
        cc.kdcTimeOffset = { seconds: d.i32be(), microseconds: d.i32be() };
      }
    }
    r.adopt(h);
    if (r.error) {
      cc.errors.push({ offset: at, error: r.error });
      return cc;
    }
  }
  const pAt = r.offset;
  const p = readPrincipal(r, version, io, 'default-principal');
  if (r.error) {
    cc.errors.push({ offset: pAt, error: r.error });
    return cc;
  }
  cc.defaultPrincipal = p;
  while (r.remaining > 0) {
    const at = r.offset;
    const c = readCredential(r, version, io);
    if (r.error) {
      cc.errors.push({ offset: at, error: r.error });
      break;
    }
    c.offset = at;
    cc.credentials.push(c);
  }
  return cc;
}

function readData(r: ByteReader, io: IntIO, field: string): Uint8Array {
  const len = io.u32(r, `${field}.length`);
  return r.copy(len, field);
}

function readPrincipal(r: ByteReader, version: number, io: IntIO, field: string): Principal {
  const nameType = version === 1 ? 0 : io.i32(r, `${field}.name-type`);
  const countAt = r.offset;
  let count = io.u32(r, `${field}.count`);
  if (version === 1 && r.ok) {
    // v1 counts the realm; MIT's uint32 arithmetic turns 0 into 2^32-1, which its sanity check then refuses
    if (count === 0)
      r.error = new DecodeError('ERR_BAD_VALUE', 'version 1 principal count 0 (it must include the realm)', {
        field: `${field}.count`,
        offset: countAt,
      });
    count = Math.max(count - 1, 0);
  }
  count = r.count(count, 4, `${field}.count`);
  const realm = utf8OrLatin1(readData(r, io, `${field}.realm`));
  const components: string[] = [];
  for (let i = 0; i < count && r.ok; i++) components.push(utf8OrLatin1(readData(r, io, `${field}.components[${i}]`)));
  return { realm, components, nameType };
}

function readCredential(r: ByteReader, version: number, io: IntIO): CcacheCredential {
  const client = readPrincipal(r, version, io, 'client');
  const server = readPrincipal(r, version, io, 'server');
  const enctype = (io.u16(r, 'keyblock.enctype') << 16) >> 16;
  if (version === 3) io.u16(r, 'keyblock.enctype2'); // v3 stores it twice; MIT ignores the second
  const keyValue = readData(r, io, 'keyblock.contents');
  const authtime = io.u32(r, 'authtime');
  const starttime = io.u32(r, 'starttime');
  const endtime = io.u32(r, 'endtime');
  const renewTill = io.u32(r, 'renew-till');
  const isSkey = r.u8('is-skey') !== 0;
  const ticketFlags = io.u32(r, 'ticket-flags');
  const nAddr = r.count(io.u32(r, 'addresses.count'), 6, 'addresses.count');
  const addresses: CcacheAddress[] = [];
  for (let i = 0; i < nAddr && r.ok; i++) {
    const addrType = io.u16(r, `addresses[${i}].addrtype`);
    addresses.push({ addrType, address: readData(r, io, `addresses[${i}]`) });
  }
  const nAd = r.count(io.u32(r, 'authdata.count'), 6, 'authdata.count');
  const authdata: CcacheAuthData[] = [];
  for (let i = 0; i < nAd && r.ok; i++) {
    const adType = (io.u16(r, `authdata[${i}].ad-type`) << 16) >> 16; // signed, as MIT reads it
    authdata.push({ adType, data: readData(r, io, `authdata[${i}]`) });
  }
  const ticket = readData(r, io, 'ticket');
  const secondTicket = readData(r, io, 'second-ticket');
  const t = (s: number) => (s === 0 ? undefined : timeFromSeconds(s));
  const cred: CcacheCredential = {
    kind: 'ticket',
    client,
    server,
    key: { enctype, value: keyValue },
    authtime: t(authtime),
    starttime: t(starttime),
    endtime: t(endtime),
    renewTill: t(renewTill),
    isSkey,
    ticketFlags,
    addresses,
    authdata,
    ticket,
    secondTicket,
  };
  const config = configOf(server, ticket);
  if (config) {
    cred.kind = 'config';
    cred.config = config;
  }
  return maskCred(cred);
}

function maskCred(c: CcacheCredential): CcacheCredential {
  return withMaskedJSON(c, (copy) => {
    copy.key = { enctype: c.key.enctype, value: maskKey(c.key.value) };
  });
}

/** Recognises `krb5_ccache_conf_data/KEY[/PRINCIPAL]@X-CACHECONF:` (MIT `krb5_cc_set_config`). */
export function configOf(server: Principal, value: Uint8Array): CcacheConfig | undefined {
  const c = server.components;
  if (server.realm !== CONFIG_REALM || c[0] !== CONFIG_PREFIX || c.length < 2 || c.length > 3) return undefined;
  const cfg: CcacheConfig = { key: c[1] as string, value };
  if (c[2] !== undefined) cfg.principal = c[2];
  if (value.length > 0 && value.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x09)) cfg.text = utf8OrLatin1(value);
  return cfg;
}

export function isConfigCredential(c: CcacheCredential): boolean {
  return c.kind === 'config';
}

/** The tickets only (what `klist -c` lists). */
export function ccacheTickets(cc: Ccache): CcacheCredential[] {
  return cc.credentials.filter((c) => c.kind === 'ticket');
}

/** The configuration entries only. */
export function ccacheConfig(cc: Ccache): CcacheConfig[] {
  return cc.credentials.flatMap((c) => (c.config ? [c.config] : []));
}

/** What the Ticket DER says about itself: realm, service name, ticket enctype and kvno (undefined if not a Ticket). */
export interface TicketSummary {
  realm: string;
  sname: string[];
  nameType: number;
  /** Enctype of the ticket's enc-part (the service key's enctype; `klist -e` "tkt"). */
  enctype: number;
  kvno?: number;
}

export function ticketSummary(der: Uint8Array): TicketSummary | undefined {
  if (der.length === 0) return undefined;
  try {
    const t = decodeDer(Ticket, der);
    const s: TicketSummary = { realm: t.realm, sname: t.sname.nameString, nameType: t.sname.nameType, enctype: t.encPart.etype };
    if (t.encPart.kvno !== undefined) s.kvno = t.encPart.kvno;
    return s;
  } catch (e) {
    if (isDecodeError(e)) return undefined;
    throw e;
  }
}

// ---- encoding ----

/** What the encoder needs; decoded values fit. */
export interface CcacheInput {
  version?: 1 | 2 | 3 | 4;
  byteOrder?: ByteOrder;
  header?: readonly CcacheHeaderField[];
  kdcTimeOffset?: { seconds: number; microseconds: number };
  /** Required to encode (optional here so a decoded, damaged Ccache type-checks; the encoder throws without it). */
  defaultPrincipal?: Principal;
  credentials: readonly CcacheCredentialInput[];
}

export type CcacheCredentialInput = Omit<
  CcacheCredential,
  'kind' | 'config' | 'offset' | 'addresses' | 'authdata' | 'secondTicket' | 'isSkey'
> & {
  isSkey?: boolean;
  addresses?: readonly CcacheAddress[];
  authdata?: readonly CcacheAuthData[];
  secondTicket?: Uint8Array;
};

export interface EncodeCcacheOptions {
  /** Default: the input's version, else 4. */
  version?: 1 | 2 | 3 | 4;
  /** Byte order for versions 1 and 2 (default: the input's, else little-endian). */
  byteOrder?: ByteOrder;
}

/**
 * Encodes a FILE ccache (version 4 by default). The v4 header is `header` when given, else a KDC time offset field
 * when `kdcTimeOffset` is given, else empty (what MIT writes when it knows no offset).
 */
export function encodeCcache(cc: CcacheInput, opts: EncodeCcacheOptions = {}): Uint8Array {
  const version = opts.version ?? cc.version ?? 4;
  const io = intIO(
    version >= 3 ? 'be' : (opts.byteOrder ?? (cc.version !== undefined && cc.version < 3 ? cc.byteOrder : undefined) ?? 'le'),
  );
  const w = new ByteWriter(2048);
  w.u8(5).u8(version);
  if (version === 4) {
    let fields = cc.header ? [...cc.header] : [];
    if (!cc.header && cc.kdcTimeOffset) {
      const v = new ByteWriter(8).u32be(cc.kdcTimeOffset.seconds >>> 0).u32be(cc.kdcTimeOffset.microseconds >>> 0);
      fields = [{ tag: FCC_TAG_DELTATIME, value: v.finish() }];
    }
    let len = 0;
    for (const f of fields) len += 4 + f.value.length;
    if (len > 0xffff) throw new RangeError('ccache header longer than 65535 bytes');
    w.u16be(len);
    for (const f of fields) {
      if (f.value.length > 0xffff) throw new RangeError('ccache header field longer than 65535 bytes');
      w.u16be(f.tag).u16be(f.value.length).bytes(f.value);
    }
  }
  if (!cc.defaultPrincipal) throw new TypeError('a ccache needs a default principal');
  writePrincipal(w, version, io, cc.defaultPrincipal);
  for (const c of cc.credentials) writeCredential(w, version, io, c);
  return w.finish();
}

function writeData(w: ByteWriter, io: IntIO, b: Uint8Array): void {
  io.w32(w, b.length);
  w.bytes(b);
}

function writePrincipal(w: ByteWriter, version: number, io: IntIO, p: Principal): void {
  if (version !== 1) io.w32(w, p.nameType);
  io.w32(w, p.components.length + (version === 1 ? 1 : 0));
  writeData(w, io, fromUtf8(p.realm));
  for (const c of p.components) writeData(w, io, fromUtf8(c));
}

function writeCredential(w: ByteWriter, version: number, io: IntIO, c: CcacheCredentialInput): void {
  writePrincipal(w, version, io, c.client);
  writePrincipal(w, version, io, c.server);
  io.w16(w, c.key.enctype & 0xffff);
  if (version === 3) io.w16(w, c.key.enctype & 0xffff);
  writeData(w, io, c.key.value);
  const s = (d: Date | undefined) => (d === undefined ? 0 : secondsFromTime(d));
  io.w32(w, s(c.authtime));
  io.w32(w, s(c.starttime));
  io.w32(w, s(c.endtime));
  io.w32(w, s(c.renewTill));
  w.u8(c.isSkey ? 1 : 0);
  io.w32(w, c.ticketFlags);
  const addrs = c.addresses ?? [];
  io.w32(w, addrs.length);
  for (const a of addrs) {
    io.w16(w, a.addrType & 0xffff);
    writeData(w, io, a.address);
  }
  const ad = c.authdata ?? [];
  io.w32(w, ad.length);
  for (const a of ad) {
    io.w16(w, a.adType & 0xffff);
    writeData(w, io, a.data);
  }
  writeData(w, io, c.ticket);
  writeData(w, io, c.secondTicket ?? new Uint8Array(0));
}

/** A configuration entry as MIT writes it (all other fields zero); the value goes in the ticket field. */
export function makeConfigCredential(client: Principal, key: string, value: Uint8Array | string, principal?: Principal): CcacheCredential {
  const v = typeof value === 'string' ? fromUtf8(value) : value;
  const components = [CONFIG_PREFIX, key];
  if (principal) components.push(principalToString(principal));
  const server: Principal = { realm: CONFIG_REALM, components, nameType: 0 };
  return maskCred({
    kind: 'config',
    client,
    server,
    key: { enctype: 0, value: new Uint8Array(0) },
    isSkey: false,
    ticketFlags: 0,
    addresses: [],
    authdata: [],
    ticket: v,
    secondTicket: new Uint8Array(0),
    config: configOf(server, v) as CcacheConfig,
  });
}

/** A JSON-ready view of a ccache; session keys are masked unless `showSecrets`. Times are ISO strings. */
export function ccacheToJSON(cc: Ccache, opts: { showSecrets?: boolean } = {}): Record<string, unknown> {
  const iso = (d: Date | undefined) => d?.toISOString();
  return {
    version: cc.version,
    byteOrder: cc.byteOrder,
    kdcTimeOffset: cc.kdcTimeOffset,
    defaultPrincipal: cc.defaultPrincipal ? principalToString(cc.defaultPrincipal) : undefined,
    credentials: cc.credentials.map((c) => {
      if (c.config)
        return { kind: 'config', key: c.config.key, principal: c.config.principal, value: c.config.text ?? toHex(c.config.value) };
      const t = ticketSummary(c.ticket);
      return {
        kind: 'ticket',
        client: principalToString(c.client),
        server: principalToString(c.server),
        sessionKey: { enctype: c.key.enctype, value: opts.showSecrets ? toHex(c.key.value) : maskKey(c.key.value) },
        ticketEnctype: t?.enctype,
        ticketKvno: t?.kvno,
        authtime: iso(c.authtime),
        starttime: iso(c.starttime),
        endtime: iso(c.endtime),
        renewTill: iso(c.renewTill),
        ticketFlags: c.ticketFlags,
        isSkey: c.isSkey,
        addresses: c.addresses.map((a) => ({ addrType: a.addrType, address: toHex(a.address) })),
        authdata: c.authdata.map((a) => ({ adType: a.adType, length: a.data.length })),
        offset: c.offset,
      };
    }),
    errors: cc.errors.map((p) => ({ offset: p.offset, error: p.error.toJSON() })),
  };
}
