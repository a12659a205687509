/**
 * RFC 4757 §7 GSS-API per-message tokens for RC4-HMAC contexts (enctypes 23 rc4-hmac and 24 rc4-hmac-exp): what
 * LDAP SASL/GSSAPI (RFC 4752 §3.3), SMB and DCE/RPC carry when the context key is RC4, where AES contexts use the
 * RFC 4121 tokens of per-message.ts. Built and checked here; per-message.ts only verifies them for `inspect`.
 *
 * Both inside the RFC 2743 §3.1 framing (`60 len 06 09 2a864886f712010202`, the length covering the whole token,
 * as MIT k5seal.c and Heimdal arcfour.c send it outside DCE style):
 * ```text
 * RFC 4757 §7.2 MIC token (GSS_GetMIC)       RFC 4757 §7.3 Wrap token (GSS_Wrap)
 * 0..1   TOK_ID    01 01                      02 01
 * 2..3   SGN_ALG   11 00 (HMAC-MD5)           11 00
 * 4..5   Filler    FF FF                      SEAL_ALG 10 00 (RC4) or FF FF (none: integrity only)
 * 6..7   Filler    FF FF                      FF FF
 * 8..15  SND_SEQ   RC4(Kseq, seq (4, big-endian) | direction (4))
 * 16..23 SGN_CKSUM first 8 octets of HMAC-MD5(Ksign, MD5(T | header 0..7 | [confounder | message | pad]))
 * 24..31 —                                    Confounder (8 random octets; RC4(Kcrypt, ...) when sealed)
 * 32..   —                                    message | pad 01 (RC4(Kcrypt, ...) when sealed, one stream with the confounder)
 * ```
 *   T          the message type, a little-endian 4-octet integer: 15 for MIC, 13 for Wrap (sealed or not)
 *   Ksign      HMAC-MD5(Kss, "signaturekey\0")
 *   Kseq       HMAC-MD5(HMAC-MD5(Kss, 00000000), SGN_CKSUM)
 *   Kcrypt     HMAC-MD5(HMAC-MD5(Klocal, 00000000), seq (4, big-endian)), Klocal = Kss XOR F0 F0 ... F0
 *   direction  00 00 00 00 from the initiator, FF FF FF FF from the acceptor (MIT `direction?0:0xff`, Heimdal LOCAL)
 *   pad        one octet 01: RC4 is a stream cipher, RFC 1964 §1.2.2.3 padding with a block size of 1
 * rc4-hmac-exp (24) derives its 16-octet intermediate keys from "fortybits\0" | T with octets 7..15 set to AB
 * (RFC 4757 §4), as Heimdal's arcfour_mic_key does; Ksign is the same for both.
 *
 * Kss is the context key: the acceptor's subkey when the AP-REP has one of a different enctype (or DCE style), else the
 * initiator's subkey (MIT init_sec_context.c; Heimdal and Samba echo the initiator's subkey in their AP-REP).
 *
 * Pure codec: no I/O. Malformed bytes throw DecodeError (field, offset); a token that does not verify, comes from the
 * wrong direction, has bad padding or an unexpected sequence number throws ArcfourError with a GSS major status name.
 */

import { digest, hmac, randomBytes, rc4 } from '../../crypto/index.js';
import { concatBytes, toHex } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';

/** RFC 4757 §7.1–7.3 TOK_ID, SGN_ALG and SEAL_ALG as the two octets read big-endian (`11 00` = 0x1100). */
export const ArcfourTokId = { MIC: 0x0101, WRAP: 0x0201 } as const;
export const ARCFOUR_SGN_ALG_HMAC_MD5 = 0x1100;
export const ArcfourSealAlg = { RC4: 0x1000, NONE: 0xffff } as const;

/** RFC 4757 §7.2 / §7.3: the message type T of the checksum. */
export const ArcfourMessageType = { MIC: 15, WRAP: 13 } as const;

const HEADER = 8;
/** krb5 mechanism OID 1.2.840.113554.1.2.2 as DER, and Microsoft's legacy 1.2.840.48018.1.2.2 (accepted on input). */
const KRB5_OID_DER = Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02);
const KRB5_MS_OID_DER = Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02);
const SIGNATUREKEY = new TextEncoder().encode('signaturekey\0');
const FORTYBITS = new TextEncoder().encode('fortybits\0');

export interface ArcfourToken {
  kind: 'mic' | 'wrap';
  tokId: 0x0101 | 0x0201;
  sgnAlg: number;
  /** Wrap: 0x1000 RC4 or 0xffff none; MIC: 0xffff (the filler in its place). */
  sealAlg: number;
  sealed: boolean;
  /** Encrypted sequence number and direction. */
  sndSeq: Uint8Array;
  sgnCksum: Uint8Array;
  /** Wrap only (encrypted when sealed). */
  confounder?: Uint8Array;
  /** Wrap: everything after the confounder (message and pad; encrypted when sealed). MIC: empty. */
  data: Uint8Array;
  /** Octets 0..7 (TOK_ID .. Filler), which the checksum covers. */
  header: Uint8Array;
  /** Whether the token came in the RFC 2743 framing. */
  framed: boolean;
  /** The framing's mechanism OID: krb5, or Microsoft's legacy 1.2.840.48018.1.2.2 (undefined when bare). */
  thisMech?: 'krb5' | 'ms-krb5';
  /** Absolute offset of TOK_ID in the input. */
  offset: number;
}

export type ArcfourErrorCode =
  /** the checksum does not verify with the context key (RFC 2743 GSS_S_BAD_SIG) */
  | 'GSS_S_BAD_SIG'
  /** verified, but the direction octets are ours or garbage, or the padding is wrong (GSS_S_DEFECTIVE_TOKEN) */
  | 'GSS_S_DEFECTIVE_TOKEN'
  /** a sequence number already seen: replayed or reordered (GSS_S_DUPLICATE_TOKEN) */
  | 'GSS_S_DUPLICATE_TOKEN'
  /** a later sequence number than expected: a message was lost or withheld (GSS_S_GAP_TOKEN) */
  | 'GSS_S_GAP_TOKEN'
  /** the key is not an RC4-HMAC key (GSS_S_FAILURE) */
  | 'GSS_S_FAILURE';

export class ArcfourError extends Error {
  override readonly name = 'ArcfourError';
  constructor(
    readonly code: ArcfourErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ArcfourKey {
  enctype: number;
  key: Uint8Array;
}

// ---------------------------------------------------------------------------------------------------------
// Decoding and encoding

/** One RFC 4757 token, framed (`60 ...`) or bare (DCE/RPC and SMB send it bare). */
export function decodeArcfourToken(bytes: Uint8Array, opts: { base?: number } = {}): ArcfourToken {
  const base = opts.base ?? 0;
  const r = new ByteReader(bytes, base);
  let framed = false;
  let thisMech: ArcfourToken['thisMech'];
  if (bytes[0] === 0x60) {
    framed = true;
    r.u8('GSS-API.tag');
    const lenAt = r.offset;
    const first = r.u8('GSS-API.length');
    let len = first;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n === 0 || n > 3) throw new DecodeError('ERR_BAD_LENGTH', `a ${n}-octet DER length`, { field: 'GSS-API.length', offset: lenAt });
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + r.u8('GSS-API.length');
      r.check();
      if (len < (n === 1 ? 0x80 : 1 << (8 * (n - 1))))
        throw new DecodeError('ERR_BAD_LENGTH', `a non-minimal DER length (${n} octets for ${len})`, {
          field: 'GSS-API.length',
          offset: lenAt,
        });
    }
    r.check();
    // outside DCE style the length covers the whole token (MIT g_verify_token_header, Heimdal _gssapi_verify_mech_header)
    if (len !== r.remaining)
      throw new DecodeError(
        'ERR_BAD_LENGTH',
        `the GSS-API framing says ${len} octets but ${r.remaining} follow`,
        len > r.remaining
          ? { field: 'GSS-API.length', offset: lenAt, needed: len, left: r.remaining }
          : { field: 'GSS-API.length', offset: lenAt },
      );
    const oidAt = r.offset;
    const oid = r.copy(KRB5_OID_DER.length, 'thisMech');
    r.check();
    if (!sameBytes(oid, KRB5_OID_DER) && !sameBytes(oid, KRB5_MS_OID_DER))
      throw new DecodeError('ERR_UNSUPPORTED', `the token's mechanism is not Kerberos V5 (${toHex(oid)})`, {
        field: 'thisMech',
        offset: oidAt,
      });
    thisMech = sameBytes(oid, KRB5_OID_DER) ? 'krb5' : 'ms-krb5';
  }
  const offset = r.offset;
  const header = r.copy(HEADER, 'header');
  r.check();
  const h = new ByteReader(header, offset);
  const tokId = h.u16be('TOK_ID');
  if (tokId !== ArcfourTokId.MIC && tokId !== ArcfourTokId.WRAP)
    throw new DecodeError(
      'ERR_BAD_VALUE',
      `TOK_ID ${hex16(tokId)} is not an RFC 4757 MIC (01 01) or Wrap (02 01) token${tokId === 0x0404 || tokId === 0x0504 ? ' (an RFC 4121 token: the context is not RC4)' : ''}`,
      { field: 'TOK_ID', offset },
    );
  const sgnAlg = h.u16be('SGN_ALG');
  if (sgnAlg !== ARCFOUR_SGN_ALG_HMAC_MD5)
    throw new DecodeError('ERR_UNSUPPORTED', `SGN_ALG ${hex16(sgnAlg)} is not HMAC-MD5 (11 00): not an RC4-HMAC token`, {
      field: 'SGN_ALG',
      offset: offset + 2,
    });
  const sealAlg = h.u16be(tokId === ArcfourTokId.WRAP ? 'SEAL_ALG' : 'Filler');
  if (tokId === ArcfourTokId.MIC && sealAlg !== 0xffff)
    throw new DecodeError('ERR_BAD_VALUE', `filler ${hex16(sealAlg)} is not FF FF`, { field: 'Filler', offset: offset + 4 });
  if (tokId === ArcfourTokId.WRAP && sealAlg !== ArcfourSealAlg.RC4 && sealAlg !== ArcfourSealAlg.NONE)
    throw new DecodeError('ERR_UNSUPPORTED', `SEAL_ALG ${hex16(sealAlg)} is not RC4 (10 00) or none (FF FF)`, {
      field: 'SEAL_ALG',
      offset: offset + 4,
    });
  const filler = h.u16be('Filler');
  if (filler !== 0xffff)
    throw new DecodeError('ERR_BAD_VALUE', `filler ${hex16(filler)} is not FF FF`, { field: 'Filler', offset: offset + 6 });
  const sndSeq = r.copy(8, 'SND_SEQ');
  const sgnCksum = r.copy(8, 'SGN_CKSUM');
  r.check();
  if (tokId === ArcfourTokId.MIC) {
    if (r.remaining)
      throw new DecodeError('ERR_TRAILING', `${r.remaining} octets after the MIC token`, { field: 'SGN_CKSUM', offset: r.offset });
    return {
      kind: 'mic',
      tokId,
      sgnAlg,
      sealAlg,
      sealed: false,
      sndSeq,
      sgnCksum,
      data: new Uint8Array(0),
      header,
      framed,
      ...(thisMech ? { thisMech } : {}),
      offset,
    };
  }
  const confounder = r.copy(8, 'Confounder');
  r.check();
  const data = r.copy(r.remaining, 'Data');
  return {
    kind: 'wrap',
    tokId,
    sgnAlg,
    sealAlg,
    sealed: sealAlg === ArcfourSealAlg.RC4,
    sndSeq,
    sgnCksum,
    confounder,
    data,
    header,
    framed,
    ...(thisMech ? { thisMech } : {}),
    offset,
  };
}

/** The token's octets, framed when `t.framed` (the exact inverse of decodeArcfourToken). */
export function encodeArcfourToken(
  t: Pick<ArcfourToken, 'tokId' | 'sealAlg' | 'sndSeq' | 'sgnCksum' | 'data' | 'framed'> & {
    confounder?: Uint8Array;
    thisMech?: ArcfourToken['thisMech'];
  },
): Uint8Array {
  const body =
    t.tokId === ArcfourTokId.MIC
      ? concatBytes(headerOf(t.tokId, 0xffff), t.sndSeq, t.sgnCksum)
      : concatBytes(headerOf(t.tokId, t.sealAlg), t.sndSeq, t.sgnCksum, t.confounder ?? new Uint8Array(8), t.data);
  return t.framed ? frame(body, t.thisMech === 'ms-krb5' ? KRB5_MS_OID_DER : KRB5_OID_DER) : body;
}

function headerOf(tokId: number, sealAlg: number): Uint8Array {
  return Uint8Array.of(tokId >> 8, tokId & 0xff, 0x11, 0x00, sealAlg >> 8, sealAlg & 0xff, 0xff, 0xff);
}

/** RFC 2743 §3.1: 60, DER length, the krb5 OID, the token. */
function frame(body: Uint8Array, oid: Uint8Array): Uint8Array {
  const n = oid.length + body.length;
  const len =
    n < 0x80
      ? Uint8Array.of(n)
      : n < 0x100
        ? Uint8Array.of(0x81, n)
        : n < 0x10000
          ? Uint8Array.of(0x82, n >> 8, n & 0xff)
          : Uint8Array.of(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
  if (n > 0xffffff) throw new RangeError('an RFC 4757 token longer than 16 MB');
  return concatBytes(Uint8Array.of(0x60), len, oid, body);
}

// ---------------------------------------------------------------------------------------------------------
// The keys of RFC 4757 §7

function checkKey(k: ArcfourKey): void {
  if ((k.enctype !== 23 && k.enctype !== 24) || k.key.length !== 16)
    throw new ArcfourError(
      'GSS_S_FAILURE',
      `RFC 4757 tokens need a 16-octet RC4-HMAC key (enctype 23 or 24), not enctype ${k.enctype} of ${k.key.length} octets`,
    );
}

/** HMAC-MD5(HMAC-MD5(K, T = 0), data) (for 24: the "fortybits" key, octets 7..15 AB): Kseq and Kcrypt. */
function k6(k: ArcfourKey, key: Uint8Array, data: Uint8Array): Uint8Array {
  const t0 = new Uint8Array(4);
  let k5: Uint8Array;
  if (k.enctype === 24) {
    k5 = hmac('md5', key, FORTYBITS, t0).slice();
    k5.fill(0xab, 7, 16);
  } else k5 = hmac('md5', key, t0);
  return hmac('md5', k5, data);
}

/** SGN_CKSUM: the first 8 octets of HMAC-MD5(Ksign, MD5(T | header | parts)). */
function sgnCksum(k: ArcfourKey, type: number, header: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const ksign = hmac('md5', k.key, SIGNATUREKEY);
  const t = Uint8Array.of(type & 0xff, (type >>> 8) & 0xff, (type >>> 16) & 0xff, (type >>> 24) & 0xff);
  return hmac('md5', ksign, digest('md5', t, header, ...parts)).slice(0, 8);
}

const seqOctets = (n: number) => Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const klocal = (key: Uint8Array) => key.map((x) => x ^ 0xf0);

function sealSeq(k: ArcfourKey, cksum: Uint8Array, seqNumber: number, initiator: boolean): Uint8Array {
  return rc4(k6(k, k.key, cksum), concatBytes(seqOctets(seqNumber), new Uint8Array(4).fill(initiator ? 0x00 : 0xff)));
}

// ---------------------------------------------------------------------------------------------------------
// GSS_GetMIC / GSS_Wrap

export interface ArcfourSendOptions {
  /** whether we are the context initiator (direction octets 00) or the acceptor (FF) */
  initiator: boolean;
  /** our 32-bit sequence number for this token (the caller advances it) */
  seqNumber: number;
  /** the RFC 2743 framing (default true: LDAP SASL and SPNEGO; DCE/RPC and SMB send bare tokens) */
  framed?: boolean;
}

/** RFC 4757 §7.2 GSS_GetMIC: header, encrypted SND_SEQ, SGN_CKSUM over (header | message), T = 15. */
export function getMicArcfour(message: Uint8Array, key: ArcfourKey, o: ArcfourSendOptions): Uint8Array {
  checkKey(key);
  const header = headerOf(ArcfourTokId.MIC, 0xffff);
  const cksum = sgnCksum(key, ArcfourMessageType.MIC, header, message);
  return encodeArcfourToken({
    tokId: ArcfourTokId.MIC,
    sealAlg: 0xffff,
    sndSeq: sealSeq(key, cksum, o.seqNumber, o.initiator),
    sgnCksum: cksum,
    data: new Uint8Array(0),
    framed: o.framed ?? true,
  });
}

/**
 * RFC 4757 §7.3 GSS_Wrap: the checksum over (header | confounder | message | pad 01) with T = 13, then, when sealed,
 * confounder | message | pad in one RC4 stream under Kcrypt, then SND_SEQ under Kseq. `confounder` is for tests.
 */
export function wrapArcfour(
  message: Uint8Array,
  key: ArcfourKey,
  o: ArcfourSendOptions & { sealed: boolean; confounder?: Uint8Array },
): Uint8Array {
  checkKey(key);
  const confounder = o.confounder ?? randomBytes(8);
  if (confounder.length !== 8) throw new RangeError('the RFC 4757 confounder is 8 octets');
  const sealAlg = o.sealed ? ArcfourSealAlg.RC4 : ArcfourSealAlg.NONE;
  const header = headerOf(ArcfourTokId.WRAP, sealAlg);
  const plain = concatBytes(message, Uint8Array.of(1));
  const cksum = sgnCksum(key, ArcfourMessageType.WRAP, header, confounder, plain);
  let conf = confounder;
  let data = plain;
  if (o.sealed) {
    const c = rc4(k6(key, klocal(key.key), seqOctets(o.seqNumber)), concatBytes(confounder, plain));
    conf = c.subarray(0, 8);
    data = c.subarray(8);
  }
  return encodeArcfourToken({
    tokId: ArcfourTokId.WRAP,
    sealAlg,
    sndSeq: sealSeq(key, cksum, o.seqNumber, o.initiator),
    sgnCksum: cksum,
    confounder: conf,
    data,
    framed: o.framed ?? true,
  });
}

// ---------------------------------------------------------------------------------------------------------
// GSS_VerifyMIC / GSS_Unwrap

export interface ArcfourReceiveOptions {
  /** who must have sent it: the peer (the acceptor when we are the initiator) */
  from: 'initiator' | 'acceptor';
  /** the sequence number the peer must use next (RFC 2743 §1.2.3 sequencing); unchecked when undefined */
  expectSeq?: number;
}

export interface ArcfourVerified {
  seqNumber: number;
  direction: 'initiator' | 'acceptor';
  sealed: boolean;
}

/** RFC 4757 §7.2 GSS_VerifyMIC over `message`. Throws DecodeError (malformed) or ArcfourError (does not verify). */
export function verifyMicArcfour(
  token: Uint8Array | ArcfourToken,
  message: Uint8Array,
  key: ArcfourKey,
  o: ArcfourReceiveOptions,
): ArcfourVerified {
  checkKey(key);
  const t = token instanceof Uint8Array ? decodeArcfourToken(token) : token;
  if (t.kind !== 'mic') throw new ArcfourError('GSS_S_DEFECTIVE_TOKEN', 'a Wrap token (02 01) where a MIC token (01 01) belongs');
  if (!sameBytes(sgnCksum(key, ArcfourMessageType.MIC, t.header, message), t.sgnCksum))
    throw new ArcfourError('GSS_S_BAD_SIG', 'the MIC token’s SGN_CKSUM does not verify with the context key (RFC 4757 §7.2)');
  return { ...sequenceOf(t, key, o), sealed: false };
}

/**
 * RFC 4757 §7.3 GSS_Unwrap: decrypts SND_SEQ (Kseq from SGN_CKSUM), then, when sealed, the confounder and data
 * (Kcrypt from the sequence number), verifies SGN_CKSUM, the direction, the 01 pad and the sequence number, in
 * the order that gives the clearest error (a wrong key is a bad checksum, not a "reflected token").
 */
export function unwrapArcfour(
  token: Uint8Array | ArcfourToken,
  key: ArcfourKey,
  o: ArcfourReceiveOptions,
): ArcfourVerified & { payload: Uint8Array; confounder: Uint8Array } {
  checkKey(key);
  const t = token instanceof Uint8Array ? decodeArcfourToken(token) : token;
  if (t.kind !== 'wrap') throw new ArcfourError('GSS_S_DEFECTIVE_TOKEN', 'a MIC token (01 01) where a Wrap token (02 01) belongs');
  const seq = rc4(k6(key, key.key, t.sgnCksum), t.sndSeq);
  let confounder = t.confounder ?? new Uint8Array(8);
  let data = t.data;
  if (t.sealed) {
    const p = rc4(k6(key, klocal(key.key), seq.subarray(0, 4)), concatBytes(confounder, data));
    confounder = p.subarray(0, 8);
    data = p.subarray(8);
  }
  if (!sameBytes(sgnCksum(key, ArcfourMessageType.WRAP, t.header, confounder, data), t.sgnCksum))
    throw new ArcfourError(
      'GSS_S_BAD_SIG',
      `the ${t.sealed ? 'sealed' : 'signed'} Wrap token's SGN_CKSUM does not verify with the context key (RFC 4757 §7.3)`,
    );
  const s = sequenceOf(t, key, o, seq);
  // RFC 1964 §1.2.2.3 with a block size of 1: exactly one 01 octet (MIT and Heimdal check the same)
  if (data.length < 1 || data[data.length - 1] !== 1)
    throw new ArcfourError(
      'GSS_S_DEFECTIVE_TOKEN',
      data.length
        ? `the message ends in 0x${(data[data.length - 1] as number).toString(16).padStart(2, '0')}, not the pad 01`
        : 'no pad octet after the confounder',
    );
  return { ...s, sealed: t.sealed, payload: data.slice(0, data.length - 1), confounder: confounder.slice() };
}

function sequenceOf(
  t: ArcfourToken,
  key: ArcfourKey,
  o: ArcfourReceiveOptions,
  plain?: Uint8Array,
): { seqNumber: number; direction: 'initiator' | 'acceptor' } {
  const seq = plain ?? rc4(k6(key, key.key, t.sgnCksum), t.sndSeq);
  const seqNumber = (((seq[0] as number) << 24) | ((seq[1] as number) << 16) | ((seq[2] as number) << 8) | (seq[3] as number)) >>> 0;
  const dir = toHex(seq.subarray(4));
  const direction = dir === '00000000' ? 'initiator' : dir === 'ffffffff' ? 'acceptor' : undefined;
  if (direction !== o.from)
    throw new ArcfourError(
      'GSS_S_DEFECTIVE_TOKEN',
      direction
        ? `the token was sent by the ${direction} (direction ${dir}), not the ${o.from}: a reflected token`
        : `the direction octets decrypt to ${dir}, neither 00000000 nor ffffffff`,
    );
  if (o.expectSeq !== undefined && seqNumber !== o.expectSeq >>> 0) {
    const ahead = (seqNumber - o.expectSeq) >>> 0 < 0x80000000;
    throw new ArcfourError(
      ahead ? 'GSS_S_GAP_TOKEN' : 'GSS_S_DUPLICATE_TOKEN',
      `sequence number ${seqNumber}, expected ${o.expectSeq >>> 0} (${ahead ? 'a message was lost or withheld' : 'a replayed or reordered message'})`,
    );
  }
  return { seqNumber, direction };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

const hex16 = (n: number) => `${((n >> 8) & 0xff).toString(16).padStart(2, '0')} ${(n & 0xff).toString(16).padStart(2, '0')}`;
