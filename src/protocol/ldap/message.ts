/**
 * LDAPv3 messages (RFC 4511 §4), the subset a read-only directory client needs: bind (simple and SASL), search and
 * its three kinds of result, unbind, and the unsolicited notice of disconnection. Pure codec: `encodeLdapMessage` /
 * `decodeLdapMessage` on whole messages; framing a TCP stream is framing.ts.
 *
 * ```text
 * LDAPMessage ::= SEQUENCE {                                           -- §4.1.1
 *      messageID       MessageID,                 -- INTEGER (0 .. maxInt)
 *      protocolOp      CHOICE { bindRequest BindRequest, bindResponse BindResponse, unbindRequest UnbindRequest,
 *                               searchRequest SearchRequest, searchResEntry SearchResultEntry,
 *                               searchResDone SearchResultDone, searchResRef SearchResultReference,
 *                               extendedResp ExtendedResponse, ... },
 *      controls       [0] Controls OPTIONAL }
 * LDAPResult ::= SEQUENCE { resultCode ENUMERATED, matchedDN LDAPDN, diagnosticMessage LDAPString,
 *                           referral [3] Referral OPTIONAL }                                     -- §4.1.9
 * BindRequest ::= [APPLICATION 0] SEQUENCE { version INTEGER (1 .. 127), name LDAPDN,
 *                 authentication CHOICE { simple [0] OCTET STRING, sasl [3] SaslCredentials } }  -- §4.2
 * SaslCredentials ::= SEQUENCE { mechanism LDAPString, credentials OCTET STRING OPTIONAL }
 * BindResponse ::= [APPLICATION 1] SEQUENCE { COMPONENTS OF LDAPResult,
 *                  serverSaslCreds [7] OCTET STRING OPTIONAL }                                    -- §4.2.2
 * UnbindRequest ::= [APPLICATION 2] NULL                                                          -- §4.3
 * SearchRequest ::= [APPLICATION 3] SEQUENCE { baseObject LDAPDN, scope ENUMERATED { baseObject (0),
 *                  singleLevel (1), wholeSubtree (2) }, derefAliases ENUMERATED, sizeLimit INTEGER,
 *                  timeLimit INTEGER, typesOnly BOOLEAN, filter Filter, attributes AttributeSelection }  -- §4.5.1
 * SearchResultEntry ::= [APPLICATION 4] SEQUENCE { objectName LDAPDN,
 *                  attributes SEQUENCE OF SEQUENCE { type AttributeDescription, vals SET OF AttributeValue } }
 * SearchResultDone ::= [APPLICATION 5] LDAPResult
 * SearchResultReference ::= [APPLICATION 19] SEQUENCE SIZE (1..MAX) OF uri URI
 * ExtendedResponse ::= [APPLICATION 24] SEQUENCE { COMPONENTS OF LDAPResult,
 *                  responseName [10] LDAPOID OPTIONAL, responseValue [11] OCTET STRING OPTIONAL }  -- §4.12
 * Control ::= SEQUENCE { controlType LDAPOID, criticality BOOLEAN DEFAULT FALSE,
 *                        controlValue OCTET STRING OPTIONAL }                                     -- §4.1.11
 * ```
 */
import { readTlv, TagClass, type Tlv, Universal } from '../../wire/der.js';
import { fromUtf8, utf8OrLatin1 } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { app, BerCursor, bool, constructed, ctx, encodeInteger, enumerated, octets, seq, set, tagText } from './ber.js';
import { encodeFilter, type Filter, filterFrom } from './filter.js';

export interface LdapResult {
  resultCode: number;
  matchedDN: string;
  diagnosticMessage: string;
  referral?: string[];
}

export interface Control {
  controlType: string;
  criticality: boolean;
  controlValue?: Uint8Array;
}

export interface PartialAttribute {
  type: string;
  vals: Uint8Array[];
}

export const SearchScope = { baseObject: 0, singleLevel: 1, wholeSubtree: 2 } as const;
export const DerefAliases = { neverDerefAliases: 0, derefInSearching: 1, derefFindingBaseObj: 2, derefAlways: 3 } as const;

export type ProtocolOp =
  | {
      type: 'bindRequest';
      version: number;
      name: string;
      authentication: { kind: 'simple'; password: Uint8Array } | { kind: 'sasl'; mechanism: string; credentials?: Uint8Array };
    }
  | ({ type: 'bindResponse'; serverSaslCreds?: Uint8Array } & LdapResult)
  | { type: 'unbindRequest' }
  | {
      type: 'searchRequest';
      baseObject: string;
      scope: number;
      derefAliases: number;
      sizeLimit: number;
      timeLimit: number;
      typesOnly: boolean;
      filter: Filter;
      attributes: string[];
    }
  | { type: 'searchResEntry'; objectName: string; attributes: PartialAttribute[] }
  | ({ type: 'searchResDone' } & LdapResult)
  | { type: 'searchResRef'; uris: string[] }
  | ({ type: 'extendedResp'; responseName?: string; responseValue?: Uint8Array } & LdapResult);

export interface LdapMessage {
  messageID: number;
  protocolOp: ProtocolOp;
  controls?: Control[];
}

/** RFC 4511 §4.4.1: the messageID 0 ExtendedResponse a server sends before it closes the connection. */
export const NOTICE_OF_DISCONNECTION = '1.3.6.1.4.1.1466.20036';

const OP_TAG = {
  bindRequest: 0,
  bindResponse: 1,
  unbindRequest: 2,
  searchRequest: 3,
  searchResEntry: 4,
  searchResDone: 5,
  searchResRef: 19,
  extendedResp: 24,
} as const;
const OP_NAME = new Map<number, ProtocolOp['type']>(Object.entries(OP_TAG).map(([k, v]) => [v, k as ProtocolOp['type']]));
/** Application tags RFC 4511 defines that this client never expects (modify, add, delete, compare...). */
const OTHER_OPS: Record<number, string> = {
  6: 'modifyRequest',
  7: 'modifyResponse',
  8: 'addRequest',
  9: 'addResponse',
  10: 'delRequest',
  11: 'delResponse',
  12: 'modDNRequest',
  13: 'modDNResponse',
  14: 'compareRequest',
  15: 'compareResponse',
  16: 'abandonRequest',
  23: 'extendedReq',
  25: 'intermediateResponse',
};

const MAX_MESSAGE_ID = 0x7fffffff;

// ---- encoding ----------------------------------------------------------------------------------------------------

function resultParts(r: LdapResult): Uint8Array[] {
  const parts = [enumerated(r.resultCode), octets(r.matchedDN), octets(r.diagnosticMessage)];
  if (r.referral) parts.push(ctx(3, true, ...r.referral.map((u) => octets(u))));
  return parts;
}

export function encodeProtocolOp(op: ProtocolOp): Uint8Array {
  switch (op.type) {
    case 'bindRequest': {
      const a = op.authentication;
      const auth =
        a.kind === 'simple'
          ? ctx(0, false, a.password)
          : ctx(3, true, octets(a.mechanism), ...(a.credentials ? [octets(a.credentials)] : []));
      return app(0, true, encodeInteger(op.version), octets(op.name), auth);
    }
    case 'bindResponse':
      return app(1, true, ...resultParts(op), ...(op.serverSaslCreds ? [ctx(7, false, op.serverSaslCreds)] : []));
    case 'unbindRequest':
      return app(2, false);
    case 'searchRequest':
      return app(
        3,
        true,
        octets(op.baseObject),
        enumerated(op.scope),
        enumerated(op.derefAliases),
        encodeInteger(op.sizeLimit),
        encodeInteger(op.timeLimit),
        bool(op.typesOnly),
        encodeFilter(op.filter),
        seq(...op.attributes.map((a) => octets(a))),
      );
    case 'searchResEntry':
      return app(
        4,
        true,
        octets(op.objectName),
        seq(...op.attributes.map((a) => seq(octets(a.type), set(...a.vals.map((v) => octets(v)))))),
      );
    case 'searchResDone':
      return app(5, true, ...resultParts(op));
    case 'searchResRef':
      return app(19, true, ...op.uris.map((u) => octets(u)));
    case 'extendedResp':
      return app(
        24,
        true,
        ...resultParts(op),
        ...(op.responseName !== undefined ? [ctx(10, false, fromUtf8(op.responseName))] : []),
        ...(op.responseValue ? [ctx(11, false, op.responseValue)] : []),
      );
  }
}

export function encodeControl(c: Control): Uint8Array {
  return seq(octets(c.controlType), ...(c.criticality ? [bool(true)] : []), ...(c.controlValue ? [octets(c.controlValue)] : []));
}

export function encodeLdapMessage(m: LdapMessage): Uint8Array {
  if (!Number.isInteger(m.messageID) || m.messageID < 0 || m.messageID > MAX_MESSAGE_ID)
    throw new RangeError(`messageID ${m.messageID} is outside 0..2^31-1`);
  return seq(
    encodeInteger(m.messageID),
    encodeProtocolOp(m.protocolOp),
    ...(m.controls?.length ? [ctx(0, true, ...m.controls.map(encodeControl))] : []),
  );
}

// ---- decoding ----------------------------------------------------------------------------------------------------

function readResult(c: BerCursor): LdapResult {
  const r: LdapResult = {
    resultCode: c.enumerated('resultCode'),
    matchedDN: c.string('matchedDN'),
    diagnosticMessage: c.string('diagnosticMessage'),
  };
  const ref = c.optional(TagClass.CONTEXT, 3, 'referral');
  if (ref) r.referral = stringsOf(constructed(ref, `${c.path}.referral`), `${c.path}.referral`);
  return r;
}

/** The OCTET STRING children of a constructed value, as text. */
function stringsOf(t: Tlv, field: string): string[] {
  const out: string[] = [];
  const c = new BerCursor(t, field);
  while (!c.done) out.push(c.string(`[${out.length}]`));
  return out;
}

function readOp(t: Tlv, path: string): ProtocolOp {
  if (t.cls !== TagClass.APPLICATION)
    throw new DecodeError('ERR_BAD_TAG', `${tagText(t.cls, t.tag)} is not a protocolOp (an APPLICATION tag)`, {
      field: path,
      offset: t.offset,
    });
  const type = OP_NAME.get(t.tag);
  if (!type) {
    const other = OTHER_OPS[t.tag];
    throw new DecodeError(
      'ERR_UNSUPPORTED',
      other ? `${other} [APPLICATION ${t.tag}] is not decoded` : `unknown protocolOp [APPLICATION ${t.tag}]`,
      {
        field: path,
        offset: t.offset,
      },
    );
  }
  const f = `${path}.${type}`;
  if (type === 'unbindRequest') {
    if (t.constructed || t.value.length) throw new DecodeError('ERR_BAD_VALUE', 'unbindRequest is NULL', { field: f, offset: t.offset });
    return { type };
  }
  constructed(t, f);
  const c = new BerCursor(t, f);
  switch (type) {
    case 'bindRequest': {
      const version = c.int('version');
      const name = c.string('name');
      const a = c.any('authentication');
      let op: ProtocolOp;
      if (a.cls === TagClass.CONTEXT && a.tag === 0 && !a.constructed)
        op = { type, version, name, authentication: { kind: 'simple', password: a.value.slice() } };
      else if (a.cls === TagClass.CONTEXT && a.tag === 3 && a.constructed) {
        const s = new BerCursor(a, `${f}.authentication.sasl`);
        const mechanism = s.string('mechanism');
        const cred = s.optional(TagClass.UNIVERSAL, Universal.OCTET_STRING, 'credentials');
        s.end();
        op = { type, version, name, authentication: { kind: 'sasl', mechanism, ...(cred ? { credentials: cred.value.slice() } : {}) } };
      } else
        throw new DecodeError('ERR_UNSUPPORTED', `authentication ${tagText(a.cls, a.tag)} is neither simple [0] nor sasl [3]`, {
          field: `${f}.authentication`,
          offset: a.offset,
        });
      c.end();
      return op;
    }
    case 'bindResponse': {
      const r = readResult(c);
      const creds = c.optional(TagClass.CONTEXT, 7, 'serverSaslCreds');
      c.end();
      return { type, ...r, ...(creds ? { serverSaslCreds: creds.value.slice() } : {}) };
    }
    case 'searchRequest': {
      const op: ProtocolOp = {
        type,
        baseObject: c.string('baseObject'),
        scope: c.enumerated('scope'),
        derefAliases: c.enumerated('derefAliases'),
        sizeLimit: c.int('sizeLimit'),
        timeLimit: c.int('timeLimit'),
        typesOnly: c.bool('typesOnly'),
        filter: filterFrom(c.any('filter'), `${f}.filter`),
        attributes: stringsOf(c.next(TagClass.UNIVERSAL, Universal.SEQUENCE, 'attributes'), `${f}.attributes`),
      };
      c.end();
      return op;
    }
    case 'searchResEntry': {
      const objectName = c.string('objectName');
      const list = c.next(TagClass.UNIVERSAL, Universal.SEQUENCE, 'attributes');
      const lc = new BerCursor(list, `${f}.attributes`);
      const attributes: PartialAttribute[] = [];
      while (!lc.done) {
        const i = attributes.length;
        const pa = new BerCursor(lc.next(TagClass.UNIVERSAL, Universal.SEQUENCE, `[${i}]`), `${f}.attributes[${i}]`);
        const typeName = pa.string('type');
        const vals: Uint8Array[] = [];
        const vs = new BerCursor(pa.next(TagClass.UNIVERSAL, Universal.SET, 'vals'), `${f}.attributes[${i}].vals`);
        while (!vs.done) vals.push(vs.octets(`[${vals.length}]`));
        pa.end();
        attributes.push({ type: typeName, vals });
      }
      c.end();
      return { type, objectName, attributes };
    }
    case 'searchResDone': {
      const r = readResult(c);
      c.end();
      return { type, ...r };
    }
    case 'searchResRef': {
      const uris = stringsOf(t, f);
      if (!uris.length) throw new DecodeError('ERR_BAD_VALUE', 'a SearchResultReference without a URI', { field: f, offset: t.offset });
      return { type, uris };
    }
    case 'extendedResp': {
      const r = readResult(c);
      const name = c.optional(TagClass.CONTEXT, 10, 'responseName');
      const value = c.optional(TagClass.CONTEXT, 11, 'responseValue');
      c.end();
      return {
        type,
        ...r,
        ...(name ? { responseName: utf8OrLatin1(name.value) } : {}),
        ...(value ? { responseValue: value.value.slice() } : {}),
      };
    }
  }
}

function readControls(t: Tlv, path: string): Control[] {
  const out: Control[] = [];
  const c = new BerCursor(constructed(t, path), path);
  while (!c.done) {
    const i = out.length;
    const cc = new BerCursor(c.next(TagClass.UNIVERSAL, Universal.SEQUENCE, `[${i}]`), `${path}[${i}]`);
    const controlType = cc.string('controlType');
    const crit = cc.optional(TagClass.UNIVERSAL, Universal.BOOLEAN, 'criticality');
    const value = cc.optional(TagClass.UNIVERSAL, Universal.OCTET_STRING, 'controlValue');
    cc.end();
    out.push({
      controlType,
      criticality: crit ? crit.value.length === 1 && crit.value[0] !== 0 : false,
      ...(value ? { controlValue: value.value.slice() } : {}),
    });
  }
  return out;
}

/** One LDAPMessage at the cursor (a reader over a stream of them). */
export function readLdapMessage(r: ByteReader): LdapMessage {
  const t = readTlv(r, 'LDAPMessage');
  r.check();
  const outer = t as Tlv;
  if (outer.cls !== TagClass.UNIVERSAL || outer.tag !== Universal.SEQUENCE || !outer.constructed)
    throw new DecodeError('ERR_BAD_TAG', `an LDAPMessage is a SEQUENCE, not ${tagText(outer.cls, outer.tag)}`, {
      field: 'LDAPMessage',
      offset: outer.offset,
    });
  const c = new BerCursor(outer, 'LDAPMessage');
  const messageID = c.int('messageID');
  if (messageID < 0 || messageID > MAX_MESSAGE_ID)
    throw new DecodeError('ERR_BAD_VALUE', `messageID ${messageID} is outside 0..2^31-1`, {
      field: 'LDAPMessage.messageID',
      offset: outer.valueOffset,
    });
  const protocolOp = readOp(c.any('protocolOp'), 'LDAPMessage.protocolOp');
  const m: LdapMessage = { messageID, protocolOp };
  const ctl = c.optional(TagClass.CONTEXT, 0, 'controls');
  if (ctl) m.controls = readControls(ctl, 'LDAPMessage.controls');
  c.end();
  return m;
}

/** Exactly one LDAPMessage (trailing bytes are an error). */
export function decodeLdapMessage(bytes: Uint8Array, opts: { base?: number } = {}): LdapMessage {
  const r = new ByteReader(bytes, opts.base ?? 0);
  const m = readLdapMessage(r);
  r.expectEnd('LDAPMessage');
  r.check();
  return m;
}

/** The values of an attribute in an entry, by case-insensitive name (RFC 4512 §2.5: descriptors are case-insensitive). */
export function attributeValues(entry: { attributes: PartialAttribute[] }, name: string): Uint8Array[] {
  const n = name.toLowerCase();
  return entry.attributes.filter((a) => a.type.toLowerCase() === n).flatMap((a) => a.vals);
}

export function attributeStrings(entry: { attributes: PartialAttribute[] }, name: string): string[] {
  return attributeValues(entry, name).map(utf8OrLatin1);
}
