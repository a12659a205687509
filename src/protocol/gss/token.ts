/**
 * What a Negotiate / Kerberos / NTLM HTTP header (or an SMB security blob, or an LDAP SASL credential) carries,
 * peeled layer by layer: GSS framing (RFC 2743 §3.1) → SPNEGO (RFC 4178) → the mechanism token (Kerberos RFC 4121,
 * NTLMSSP MS-NLMP, NegoEx MS-NEGOEX).
 *
 * Malformed input is data: when an inner layer fails, the outer layers are still returned and the inner failure is
 * recorded (with its absolute offset). Only when not even the outermost layer decodes does this throw DecodeError.
 */
import { DecodeError } from '../../wire/errors.js';
import { decodeKrb5Message, type Krb5Message } from '../krb5/index.js';
import { decodeNtlmMessage, hasNtlmSignature, type NtlmMessage } from '../ntlm/messages.js';
import { decodeInitialContextToken } from './framing.js';
import { decodeKrb5MechToken, type Krb5MechToken, type Krb5MessageName, Krb5TokId, peekKrb5MessageType } from './krb5.js';
import { decodeNegoEx, hasNegoExSignature, type NegoExMessage } from './negoex.js';
import { GssOid, isKrb5Oid, mechName } from './oids.js';
import { contentOffsetOf, decodeNegotiationToken, type NegotiationToken } from './spnego.js';

export type GssMechanism = 'kerberos' | 'ntlm' | 'negoex' | 'spnego-only' | 'unknown';

interface LayerBase {
  /** Absolute offset of the layer's first octet in the input. */
  offset: number;
  length: number;
}

export type GssLayer =
  | (LayerBase & { kind: 'gss-framing'; thisMech: string; mechName: string })
  | (LayerBase & { kind: 'spnego'; token: NegotiationToken })
  | (LayerBase & { kind: 'krb5'; token: Krb5MechToken })
  /**
   * The Kerberos message (AP-REQ, AP-REP, KRB-ERROR, the AS-REQ IAKERB proxies), decoded by src/protocol/krb5:
   * inside a krb5 token, or bare (some servers put an unframed AP-REP in responseToken).
   */
  | (LayerBase & { kind: 'krb5-message'; msgType: number; name: Krb5MessageName; decoded: Krb5Message })
  | (LayerBase & { kind: 'ntlmssp'; message: NtlmMessage })
  | (LayerBase & { kind: 'negoex'; messages: NegoExMessage[] });

export interface GssTokenResult {
  /** Outermost first. */
  layers: GssLayer[];
  mechanism: GssMechanism;
  /** The innermost layer that decoded. */
  inner: GssLayer;
  /** The SPNEGO layer's token, when there is one (convenience). */
  spnego?: NegotiationToken;
  /** Why decoding stopped before the innermost layer (the layers above it are still in `layers`). */
  error?: DecodeError;
}

interface State {
  layers: GssLayer[];
  mechanism: GssMechanism;
  depth: number;
}

function mechanismOf(oid: string | undefined): GssMechanism {
  if (oid === undefined) return 'spnego-only';
  if (isKrb5Oid(oid) || oid === GssOid.KRB5_USER_TO_USER || oid === GssOid.IAKERB) return 'kerberos';
  if (oid === GssOid.NTLMSSP) return 'ntlm';
  if (oid === GssOid.NEGOEX) return 'negoex';
  return 'unknown';
}

const PER_MESSAGE = new Set<number>([Krb5TokId.MIC, Krb5TokId.WRAP]);

function walk(bytes: Uint8Array, base: number, st: State): void {
  if (++st.depth > 8) throw new DecodeError('ERR_TOO_DEEP', 'tokens nested too deeply', { offset: base });
  const length = bytes.length;
  if (hasNtlmSignature(bytes)) {
    st.mechanism = 'ntlm';
    st.layers.push({ kind: 'ntlmssp', offset: base, length, message: decodeNtlmMessage(bytes, { base }) });
    return;
  }
  if (hasNegoExSignature(bytes)) {
    st.mechanism = 'negoex';
    st.layers.push({ kind: 'negoex', offset: base, length, messages: decodeNegoEx(bytes, { base }) });
    return;
  }
  const b0 = bytes[0];
  if (b0 === 0x60) {
    const t = decodeInitialContextToken(bytes, { base });
    st.layers.push({ kind: 'gss-framing', offset: base, length, thisMech: t.thisMech, mechName: mechName(t.thisMech) });
    const innerBase = t.innerOffset ?? base;
    if (t.thisMech === GssOid.SPNEGO) {
      st.mechanism = 'spnego-only';
      spnego(t.innerToken, innerBase, st);
    } else if (mechanismOf(t.thisMech) === 'kerberos') {
      st.mechanism = 'kerberos';
      krb5Token(t.innerToken, innerBase, st);
    } else {
      // NTLMSSP or NegoEx framed by a peer that frames everything; anything else stays recognised by name
      st.mechanism = mechanismOf(t.thisMech);
      if (hasNtlmSignature(t.innerToken) || hasNegoExSignature(t.innerToken)) walk(t.innerToken, innerBase, st);
    }
    return;
  }
  if (b0 === 0xa0 || b0 === 0xa1) {
    st.mechanism = 'spnego-only';
    spnego(bytes, base, st);
    return;
  }
  if (peekKrb5MessageType(bytes)) {
    st.mechanism = 'kerberos';
    krb5Message(bytes, base, st);
    return;
  }
  if (bytes.length >= 16 && PER_MESSAGE.has(((bytes[0] as number) << 8) | (bytes[1] as number))) {
    st.mechanism = 'kerberos';
    krb5Token(bytes, base, st);
    return;
  }
  throw new DecodeError(
    bytes.length === 0 ? 'ERR_TRUNCATED' : 'ERR_UNSUPPORTED',
    bytes.length === 0
      ? 'empty token'
      : `not a GSS-API, SPNEGO, Kerberos, NTLMSSP or NegoEx token (first octet 0x${(b0 ?? 0).toString(16).padStart(2, '0')})`,
    { field: 'token', offset: base },
  );
}

function krb5Token(bytes: Uint8Array, base: number, st: State): void {
  const token = decodeKrb5MechToken(bytes, { base });
  st.layers.push({ kind: 'krb5', offset: base, length: bytes.length, token });
  if (!token.message) return;
  const at = token.messageOffset ?? token.bodyOffset ?? base + 2;
  krb5Message(bytes.subarray(at - base), at, st);
}

function krb5Message(bytes: Uint8Array, base: number, st: State): void {
  const decoded = decodeKrb5Message(bytes, { base });
  st.layers.push({
    kind: 'krb5-message',
    offset: base,
    length: bytes.length,
    msgType: decoded.msgType,
    name: decoded.name as Krb5MessageName,
    decoded,
  });
}

function spnego(bytes: Uint8Array, base: number, st: State): void {
  const token = decodeNegotiationToken(bytes, { base });
  st.layers.push({ kind: 'spnego', offset: base, length: bytes.length, token });
  let inner: Uint8Array | undefined;
  if (token.type === 'negTokenInit') {
    inner = token.value.mechToken;
    // the optimistic token is for the first mechanism listed; Windows lists Microsoft's legacy Kerberos OID first
    if (inner) st.mechanism = mechanismOf(token.value.mechTypes?.[0]);
  } else {
    inner = token.value.responseToken;
    if (inner) st.mechanism = mechanismOf(token.value.supportedMech) === 'spnego-only' ? 'unknown' : mechanismOf(token.value.supportedMech);
  }
  if (inner) walk(inner, contentOffsetOf(inner) ?? base, st);
}

/**
 * Decodes whatever a Negotiate, Kerberos or NTLM authorization header carries (after base64), or an SMB / LDAP
 * security blob. Throws DecodeError only when the outermost layer does not decode.
 */
export function decodeGssToken(bytes: Uint8Array, opts: { base?: number } = {}): GssTokenResult {
  const st: State = { layers: [], mechanism: 'unknown', depth: 0 };
  let error: DecodeError | undefined;
  try {
    walk(bytes, opts.base ?? 0, st);
  } catch (e) {
    if (!(e instanceof DecodeError) || st.layers.length === 0) throw e;
    error = e;
  }
  const inner = st.layers[st.layers.length - 1] as GssLayer;
  const out: GssTokenResult = { layers: st.layers, mechanism: st.mechanism, inner };
  const sp = st.layers.find((l) => l.kind === 'spnego');
  if (sp && sp.kind === 'spnego') out.spnego = sp.token;
  if (error) out.error = error;
  return out;
}
