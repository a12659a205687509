/**
 * Kerberos V5 GSS-API per-message tokens: what LDAP SASL/GSSAPI, DCE/RPC with packet privacy, SMB and a SPNEGO
 * mechListMIC carry once the context is established.
 *
 * RFC 4121 §4.2.6.1 MIC token (GSS_GetMIC):
 * ```text
 * 0..1  TOK_ID   04 04
 * 2     Flags    SentByAcceptor 0x01, Sealed 0x02, AcceptorSubkey 0x04 (§4.2.2)
 * 3..7  Filler   FF FF FF FF FF
 * 8..15 SND_SEQ  64-bit big-endian sequence number
 * 16..  SGN_CKSUM  checksum over (message || bytes 0..15)
 * ```
 * RFC 4121 §4.2.6.2 Wrap token (GSS_Wrap):
 * ```text
 * 0..1  TOK_ID   05 04
 * 2     Flags
 * 3     Filler   FF
 * 4..5  EC       extra count: filler octets (sealed) or checksum length (not sealed)
 * 6..7  RRC      right rotation count of what follows the header (§4.2.5)
 * 8..15 SND_SEQ
 * 16..  Data     sealed: E(message || EC filler octets || header with RRC 0), rotated right by RRC
 *                not sealed: message || checksum(message || header with EC 0 and RRC 0), rotated right by RRC
 * ```
 * Key usages (§2): Wrap tokens KG-USAGE-ACCEPTOR-SEAL 22 / KG-USAGE-INITIATOR-SEAL 24 (sealed or not, as MIT's
 * k5sealv3.c), MIC tokens KG-USAGE-ACCEPTOR-SIGN 23 / KG-USAGE-INITIATOR-SIGN 25, chosen by SentByAcceptor. The key
 * is the acceptor's subkey when AcceptorSubkey is set, else the initiator's subkey (or the ticket session key).
 *
 * The older tokens (RFC 1964 §1.2 for DES, RFC 4757 §7 / MS-KILE §3.4.5.4 for RC4-HMAC) come inside the RFC 2743
 * framing (`60 len 06 09 <krb5 OID>`) or bare, as DCE/RPC and SMB send them:
 * ```text
 * 0..1  TOK_ID    01 01 (MIC) / 02 01 (Wrap)
 * 2..3  SGN_ALG   11 00 = HMAC-MD5 (RC4), 00 00 DES MAC MD5, 01 00 MD2.5, 02 00 DES MAC, 04 00 HMAC-SHA1-DES3-KD
 * 4..5  SEAL_ALG  Wrap: 10 00 = RC4, 00 00 DES, 02 00 DES3, FF FF none; MIC: FF FF (Filler)
 * 6..7  Filler    FF FF
 * 8..15 SND_SEQ   encrypted sequence number and direction
 * 16..23 SGN_CKSUM
 * Wrap: 24..31 Confounder (encrypted when sealed), then the message (encrypted when sealed)
 * ```
 * RC4-HMAC tokens are verified and unsealed here (RFC 4757 §7.2–7.3); DES / DES3 ones are only decoded.
 *
 * Pure codec: no I/O. Bad input throws DecodeError (code, field, offset); a wrong key is a status, not an error.
 */

import {
  aesEncryptBlock,
  ctsDecrypt,
  decrypt,
  deriveKey,
  digest,
  type EnctypeProfile,
  getEnctype,
  hmac,
  KE,
  KI,
  rc4,
  usageConstant,
} from '../../crypto/index.js';
import { concatBytes, toHex } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';

// RFC 4121 §4.2.2
export const PerMessageFlag = {
  SentByAcceptor: 0x01,
  Sealed: 0x02,
  AcceptorSubkey: 0x04,
} as const;

/** RFC 4121 §2 */
export const GssKeyUsage = {
  KG_USAGE_ACCEPTOR_SEAL: 22,
  KG_USAGE_ACCEPTOR_SIGN: 23,
  KG_USAGE_INITIATOR_SEAL: 24,
  KG_USAGE_INITIATOR_SIGN: 25,
} as const;

/** The krb5 mechanism OID 1.2.840.113554.1.2.2 as DER (06 09 ...), and Microsoft's legacy 1.2.840.48018.1.2.2. */
const KRB5_OID_DER = Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02);
const KRB5_MS_OID_DER = Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02);

/** The 16-octet header fields RFC 4121 MIC and Wrap tokens share. */
interface CfxHeader {
  flags: number;
  sentByAcceptor: boolean;
  sealed: boolean;
  acceptorSubkey: boolean;
  /** Flag bits RFC 4121 does not define (must be 0; kept so nothing is hidden). */
  reservedFlags: number;
  sndSeq: bigint;
  /** The 16 header octets as sent. */
  header: Uint8Array;
  /** Absolute offset of the token in the input. */
  offset: number;
}

/** RFC 4121 §4.2.6.1 */
export interface MicToken extends CfxHeader {
  kind: 'mic';
  tokId: 0x0404;
  checksum: Uint8Array;
}

/** RFC 4121 §4.2.6.2 */
export interface WrapToken extends CfxHeader {
  kind: 'wrap';
  tokId: 0x0504;
  ec: number;
  rrc: number;
  /** Everything after the header, as sent (still rotated by RRC). */
  data: Uint8Array;
}

/** RFC 1964 §1.2 / RFC 4757 §7 GSS_GetMIC and GSS_Wrap tokens (DES, DES3, RC4-HMAC). */
export interface LegacyToken {
  kind: 'rfc1964-mic' | 'rfc1964-wrap';
  tokId: 0x0101 | 0x0201;
  /** Whether the token came inside the RFC 2743 framing (60 ... krb5 OID); DCE/RPC and SMB send it bare. */
  framed: boolean;
  sgnAlg: number;
  sgnAlgName: string;
  /** Wrap: the SEAL_ALG; MIC: 0xffff (the filler in its place). */
  sealAlg: number;
  sealAlgName: string;
  sealed: boolean;
  /** Encrypted sequence number + direction (RFC 4757 §7.2). */
  sndSeq: Uint8Array;
  sgnCksum: Uint8Array;
  /** Wrap only (encrypted when sealed). */
  confounder?: Uint8Array;
  /** Wrap: the message after the confounder (encrypted when sealed); MIC: empty. */
  data: Uint8Array;
  /** The 8 octets TOK_ID..Filler, which the checksum covers. */
  header: Uint8Array;
  /** Absolute offset of TOK_ID in the input. */
  offset: number;
}

export type PerMessageToken = MicToken | WrapToken | LegacyToken;

/** SGN_ALG / SEAL_ALG as little-endian 16-bit values of their two octets (`11 00` = 0x0011), as Wireshark shows them. */
const SGN_ALG = new Map<number, string>([
  [0x0000, 'DES MAC MD5'],
  [0x0001, 'MD2.5'],
  [0x0002, 'DES MAC'],
  [0x0004, 'HMAC SHA1 DES3-KD'],
  [0x0011, 'HMAC-MD5 (RC4)'],
]);
const SEAL_ALG = new Map<number, string>([
  [0x0000, 'DES'],
  [0x0002, 'DES3-KD'],
  [0x0010, 'RC4'],
  [0xffff, 'none'],
]);
const SGN_ALG_HMAC_MD5 = 0x0011;

import { looksLikeCfxToken } from './per-message-shape.js';

export { looksLikeCfxToken };

function readCfxHeader(r: ByteReader, kind: 'mic' | 'wrap'): CfxHeader & { ec?: number; rrc?: number } {
  const offset = r.offset;
  const start = r.copy(16, 'header');
  r.check();
  const h = new ByteReader(start, offset);
  const tokId = h.u16be('TOK_ID');
  const want = kind === 'mic' ? 0x0404 : 0x0504;
  if (tokId !== want)
    throw new DecodeError(
      'ERR_BAD_VALUE',
      `TOK_ID 0x${tokId.toString(16).padStart(4, '0')} is not 0x${want.toString(16).padStart(4, '0')}`,
      {
        field: 'TOK_ID',
        offset,
      },
    );
  const flags = h.u8('Flags');
  const out: CfxHeader & { ec?: number; rrc?: number } = {
    flags,
    sentByAcceptor: (flags & PerMessageFlag.SentByAcceptor) !== 0,
    sealed: (flags & PerMessageFlag.Sealed) !== 0,
    acceptorSubkey: (flags & PerMessageFlag.AcceptorSubkey) !== 0,
    reservedFlags: flags & 0xf8,
    sndSeq: 0n,
    header: start,
    offset,
  };
  const fillerAt = h.offset;
  const filler = h.copy(kind === 'mic' ? 5 : 1, 'Filler');
  if (filler.some((x) => x !== 0xff))
    throw new DecodeError('ERR_BAD_VALUE', `filler ${toHex(filler)} is not all FF`, { field: 'Filler', offset: fillerAt });
  if (kind === 'wrap') {
    out.ec = h.u16be('EC');
    out.rrc = h.u16be('RRC');
  }
  out.sndSeq = h.u64be('SND_SEQ');
  h.check();
  return out;
}

/** RFC 4121 §4.2.6.1 MIC token at the cursor: the header, then the checksum to the end of the reader. */
export function readMicToken(r: ByteReader): MicToken {
  const h = readCfxHeader(r, 'mic');
  if (h.sealed)
    throw new DecodeError('ERR_BAD_VALUE', 'a MIC token with the Sealed flag (RFC 4121 §4.2.2: only Wrap tokens are sealed)', {
      field: 'Flags',
      offset: h.offset + 2,
    });
  const checksum = r.copy(r.remaining, 'SGN_CKSUM');
  r.check();
  if (checksum.length === 0)
    throw new DecodeError('ERR_TRUNCATED', 'MIC token without a checksum', { field: 'SGN_CKSUM', offset: r.offset });
  return { kind: 'mic', tokId: 0x0404, ...h, checksum };
}

/** RFC 4121 §4.2.6.2 Wrap token at the cursor: the header, then the (rotated) data to the end of the reader. */
export function readWrapToken(r: ByteReader): WrapToken {
  const h = readCfxHeader(r, 'wrap');
  const data = r.copy(r.remaining, 'Data');
  r.check();
  return { kind: 'wrap', tokId: 0x0504, ...h, ec: h.ec ?? 0, rrc: h.rrc ?? 0, data };
}

/** RFC 1964 §1.2 token body at the cursor (after any framing): TOK_ID 01 01 or 02 01 and what follows. */
export function readLegacyToken(r: ByteReader, framed: boolean): LegacyToken {
  const offset = r.offset;
  const tokId = r.u16be('TOK_ID');
  r.check();
  if (tokId !== 0x0101 && tokId !== 0x0201)
    throw new DecodeError('ERR_BAD_VALUE', `TOK_ID 0x${tokId.toString(16).padStart(4, '0')} is not an RFC 1964 MIC (0101) or Wrap (0201)`, {
      field: 'TOK_ID',
      offset,
    });
  const sgnAlg = r.u16le('SGN_ALG');
  const sealAt = r.offset;
  const sealAlg = r.u16le(tokId === 0x0201 ? 'SEAL_ALG' : 'Filler');
  const fillerAt = r.offset;
  const filler = r.u16be('Filler');
  r.check();
  if (filler !== 0xffff)
    throw new DecodeError('ERR_BAD_VALUE', `filler 0x${filler.toString(16)} is not FFFF`, { field: 'Filler', offset: fillerAt });
  if (tokId === 0x0101 && sealAlg !== 0xffff)
    throw new DecodeError('ERR_BAD_VALUE', `filler 0x${sealAlg.toString(16)} is not FFFF`, { field: 'Filler', offset: sealAt });
  if (!SGN_ALG.has(sgnAlg))
    throw new DecodeError('ERR_UNSUPPORTED', `unknown SGN_ALG 0x${sgnAlg.toString(16).padStart(4, '0')}`, {
      field: 'SGN_ALG',
      offset: offset + 2,
    });
  if (tokId === 0x0201 && !SEAL_ALG.has(sealAlg))
    throw new DecodeError('ERR_UNSUPPORTED', `unknown SEAL_ALG 0x${sealAlg.toString(16).padStart(4, '0')}`, {
      field: 'SEAL_ALG',
      offset: sealAt,
    });
  const header = new Uint8Array(8);
  header.set([tokId >> 8, tokId & 0xff, sgnAlg & 0xff, sgnAlg >> 8, sealAlg & 0xff, sealAlg >> 8, 0xff, 0xff]);
  const sndSeq = r.copy(8, 'SND_SEQ');
  const sgnCksum = r.copy(8, 'SGN_CKSUM');
  r.check();
  const tok: LegacyToken = {
    kind: tokId === 0x0101 ? 'rfc1964-mic' : 'rfc1964-wrap',
    tokId,
    framed,
    sgnAlg,
    sgnAlgName: SGN_ALG.get(sgnAlg) as string,
    sealAlg,
    sealAlgName: tokId === 0x0201 ? (SEAL_ALG.get(sealAlg) as string) : 'none',
    sealed: tokId === 0x0201 && sealAlg !== 0xffff,
    sndSeq,
    sgnCksum,
    data: new Uint8Array(0),
    header,
    offset,
  };
  if (tokId === 0x0201) {
    tok.confounder = r.copy(8, 'Confounder');
    r.check();
  }
  tok.data = r.copy(r.remaining, 'Data');
  return tok;
}

/**
 * Decodes one per-message token: RFC 4121 MIC / Wrap (bare, as LDAP SASL and SPNEGO carry them), or an RFC 1964 /
 * RC4 token, framed (`60 ... 06 09 <krb5 OID> 01 01|02 01 ...`) or bare. DecodeError for anything else.
 */
export function decodePerMessageToken(bytes: Uint8Array, opts: { base?: number } = {}): PerMessageToken {
  const base = opts.base ?? 0;
  const r = new ByteReader(bytes, base);
  const cfx = looksLikeCfxToken(bytes);
  if (cfx === 'mic') return readMicToken(r);
  if (cfx === 'wrap') return readWrapToken(r);
  const b0 = bytes[0];
  if (b0 === 0x60) {
    // RFC 2743 §3.1 framing: [APPLICATION 0] IMPLICIT SEQUENCE { thisMech OID, innerToken }; the length covers the
    // whole token only for the header part in RFC 1964 Wrap tokens sent by old Windows (DCE style), so it is not
    // held against the data length.
    r.u8('GSS-API.tag');
    const first = r.u8('GSS-API.length');
    if (first & 0x80) r.take(first & 0x7f, 'GSS-API.length');
    r.check();
    const oidAt = r.offset;
    const oid = r.copy(11, 'thisMech');
    r.check();
    if (!sameBytes(oid, KRB5_OID_DER) && !sameBytes(oid, KRB5_MS_OID_DER))
      throw new DecodeError('ERR_UNSUPPORTED', `the framed token's mechanism is not Kerberos V5 (${toHex(oid)})`, {
        field: 'thisMech',
        offset: oidAt,
      });
    return readLegacyToken(r, true);
  }
  if ((b0 === 0x01 || b0 === 0x02) && bytes[1] === 0x01) return readLegacyToken(r, false);
  if ((b0 === 0x04 || b0 === 0x05) && bytes[1] === 0x04) {
    // a CFX TOK_ID whose header is cut or malformed: say which field
    if (bytes.length < 16)
      throw new DecodeError('ERR_TRUNCATED', 'RFC 4121 token header is 16 octets', {
        field: 'header',
        offset: base,
        needed: 16,
        left: bytes.length,
      });
    return b0 === 0x04 ? readMicToken(r) : readWrapToken(r);
  }
  throw new DecodeError('ERR_UNSUPPORTED', 'not a Kerberos per-message token (TOK_ID 04 04, 05 04, 01 01 or 02 01)', {
    field: 'TOK_ID',
    offset: base,
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---------------------------------------------------------------------------------------------------------
// Encoders (RFC 4121 tokens): used by the round-trip tests and to build tokens with a known key.

/** The 16 octets of a MIC/Wrap header. */
export function encodeCfxHeader(kind: 'mic' | 'wrap', h: { flags: number; sndSeq: bigint; ec?: number; rrc?: number }): Uint8Array {
  const w = new ByteWriter();
  w.u16be(kind === 'mic' ? 0x0404 : 0x0504);
  w.u8(h.flags & 0xff);
  if (kind === 'mic') w.bytes(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff));
  else {
    w.u8(0xff);
    w.u16be(h.ec ?? 0);
    w.u16be(h.rrc ?? 0);
  }
  w.u64be(h.sndSeq);
  return w.finish();
}

export function encodePerMessageToken(t: MicToken | WrapToken): Uint8Array {
  if (t.kind === 'mic') return concatBytes(encodeCfxHeader('mic', t), t.checksum);
  return concatBytes(encodeCfxHeader('wrap', t), t.data);
}

/** RFC 4121 §4.2.5: rotate right by rrc (mod length); rotateLeft undoes it. */
export function rotateRight(b: Uint8Array, rrc: number): Uint8Array {
  if (b.length === 0) return b.slice();
  const n = rrc % b.length;
  return n === 0 ? b.slice() : concatBytes(b.subarray(b.length - n), b.subarray(0, b.length - n));
}

export function rotateLeft(b: Uint8Array, rrc: number): Uint8Array {
  if (b.length === 0) return b.slice();
  const n = rrc % b.length;
  return n === 0 ? b.slice() : concatBytes(b.subarray(n), b.subarray(0, n));
}

// ---------------------------------------------------------------------------------------------------------
// Unwrap / verify with a session key

export interface SessionKey {
  enctype: number;
  key: Uint8Array;
}

export type PerMessageStatus =
  /** Wrap: decrypted (sealed) or checksum verified (not sealed); MIC: checksum verified (needs the message) */
  | 'ok'
  /** no key given */
  | 'no-key'
  /** none of the keys decrypts / verifies it */
  | 'failed'
  /** a MIC token: its checksum covers a message that is not in the token */
  | 'no-message'
  /** an enctype or algorithm kerbscope does not implement for this token */
  | 'unsupported';

export interface UnwrapResult {
  status: PerMessageStatus;
  /** The message (Wrap tokens, status ok). */
  payload?: Uint8Array;
  /** The key that worked (its index in the list given). */
  keyIndex?: number;
  enctype?: number;
  usage?: number;
  /** Why it failed or is unsupported, one line per key tried. */
  notes: string[];
  /** RC4 tokens: the decrypted sequence number and the direction octets (RFC 4757 §7.2). */
  sequence?: { number: number; direction: 'initiator' | 'acceptor' | 'unknown' };
}

function sealUsage(t: { sentByAcceptor: boolean }): number {
  return t.sentByAcceptor ? GssKeyUsage.KG_USAGE_ACCEPTOR_SEAL : GssKeyUsage.KG_USAGE_INITIATOR_SEAL;
}

function signUsage(t: { sentByAcceptor: boolean }): number {
  return t.sentByAcceptor ? GssKeyUsage.KG_USAGE_ACCEPTOR_SIGN : GssKeyUsage.KG_USAGE_INITIATOR_SIGN;
}

/** The header as the checksum / encrypted copy carries it: RRC 0, and EC 0 too for the checksum (RFC 4121 §4.2.4). */
function headerFor(h: Uint8Array, zeroEc: boolean): Uint8Array {
  const c = h.slice();
  c[6] = 0;
  c[7] = 0;
  if (zeroEc) {
    c[4] = 0;
    c[5] = 0;
  }
  return c;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The keys whose enctype kerbscope implements, with their table row; a note for each other one. */
function implementedKeys(keys: readonly SessionKey[], notes: string[]): { i: number; k: SessionKey; prof: EnctypeProfile }[] {
  const out: { i: number; k: SessionKey; prof: EnctypeProfile }[] = [];
  for (const [i, k] of keys.entries()) {
    const prof = getEnctype(k.enctype);
    if (prof?.implemented) out.push({ i, k, prof });
    else notes.push(`key ${i}: enctype ${k.enctype} not implemented`);
  }
  return out;
}

/** RFC 4121 §4.2.4: decrypts (sealed) or verifies (not sealed) a Wrap token with each key until one works. */
export function unwrapCfx(t: WrapToken, keys: readonly SessionKey[]): UnwrapResult {
  const notes: string[] = [];
  if (keys.length === 0) return { status: 'no-key', notes };
  const usage = sealUsage(t);
  const body = rotateLeft(t.data, t.rrc);
  const usable = implementedKeys(keys, notes);
  const anyImplemented = usable.length > 0;
  for (const { i, k, prof } of usable) {
    if (t.sealed) {
      let plain: Uint8Array;
      try {
        plain = decrypt(k.enctype, k.key, usage, body);
      } catch (e) {
        notes.push(`key ${i} (${prof.name}): ${errorText(e)}`);
        continue;
      }
      if (plain.length < 16 + t.ec) {
        notes.push(`key ${i} (${prof.name}): decrypted ${plain.length} octets, fewer than EC ${t.ec} + the 16-octet header`);
        continue;
      }
      const copy = plain.subarray(plain.length - 16);
      if (!sameBytes(copy, headerFor(t.header, false))) {
        notes.push(`key ${i} (${prof.name}): the encrypted header copy ${toHex(copy)} differs from the token header`);
        continue;
      }
      return { status: 'ok', payload: plain.slice(0, plain.length - 16 - t.ec), keyIndex: i, enctype: k.enctype, usage, notes };
    }
    // not sealed: message || checksum, EC = checksum length
    if (t.ec > body.length) {
      notes.push(`key ${i} (${prof.name}): EC ${t.ec} is longer than the data (${body.length})`);
      continue;
    }
    const message = body.subarray(0, body.length - t.ec);
    const cksum = body.subarray(body.length - t.ec);
    let ok = false;
    try {
      ok = prof.verifyChecksum(k.key, usage, concatBytes(message, headerFor(t.header, true)), cksum);
    } catch (e) {
      notes.push(`key ${i} (${prof.name}): ${errorText(e)}`);
      continue;
    }
    if (ok) return { status: 'ok', payload: message.slice(), keyIndex: i, enctype: k.enctype, usage, notes };
    notes.push(`key ${i} (${prof.name}): checksum does not match`);
  }
  return { status: anyImplemented ? 'failed' : 'unsupported', notes, usage };
}

/**
 * RFC 4121 §4.2.6.2 GSS_Wrap for a CFX (AES) context: what an LDAP SASL/GSSAPI client sends after the bind (RFC 4752
 * §3.3). Sealed: E(message || header with RRC 0), EC 0 (CTS needs no padding; MIT and Heimdal send EC 0 too). Not
 * sealed: message || checksum over (message || header with EC 0 and RRC 0), EC = checksum length. RRC is always 0
 * (a stream transport does not need the rotation; every receiver honours the field). The caller keeps SND_SEQ.
 */
export function wrapCfx(
  message: Uint8Array,
  key: SessionKey,
  o: { sentByAcceptor: boolean; sealed: boolean; acceptorSubkey: boolean; sndSeq: bigint },
): Uint8Array {
  const prof = getEnctype(key.enctype);
  if (!prof?.implemented) throw new RangeError(`enctype ${key.enctype} is not implemented for RFC 4121 Wrap tokens`);
  const flags =
    (o.sentByAcceptor ? PerMessageFlag.SentByAcceptor : 0) |
    (o.sealed ? PerMessageFlag.Sealed : 0) |
    (o.acceptorSubkey ? PerMessageFlag.AcceptorSubkey : 0);
  const usage = sealUsage(o);
  if (o.sealed) {
    const header = encodeCfxHeader('wrap', { flags, sndSeq: o.sndSeq, ec: 0, rrc: 0 });
    return concatBytes(header, prof.encrypt(key.key, usage, concatBytes(message, header)));
  }
  const cksum = prof.makeChecksum(
    key.key,
    usage,
    concatBytes(message, encodeCfxHeader('wrap', { flags, sndSeq: o.sndSeq, ec: 0, rrc: 0 })),
  );
  return concatBytes(encodeCfxHeader('wrap', { flags, sndSeq: o.sndSeq, ec: cksum.length, rrc: 0 }), message, cksum);
}

/**
 * RFC 4121 §4.2.6.1 GSS_GetMIC for a CFX (AES) context: header (TOK_ID 04 04, flags, FF filler, SND_SEQ) and the
 * checksum over (message || header), key usage 23/25 by sender. What a SPNEGO mechListMIC (RFC 4178 §5) is.
 */
export function micCfx(
  message: Uint8Array,
  key: SessionKey,
  o: { sentByAcceptor: boolean; acceptorSubkey: boolean; sndSeq: bigint },
): Uint8Array {
  const prof = getEnctype(key.enctype);
  if (!prof?.implemented) throw new RangeError(`enctype ${key.enctype} is not implemented for RFC 4121 MIC tokens`);
  const flags = (o.sentByAcceptor ? PerMessageFlag.SentByAcceptor : 0) | (o.acceptorSubkey ? PerMessageFlag.AcceptorSubkey : 0);
  const header = encodeCfxHeader('mic', { flags, sndSeq: o.sndSeq });
  return concatBytes(header, prof.makeChecksum(key.key, signUsage(o), concatBytes(message, header)));
}

/**
 * DCE/RPC packet privacy with Kerberos (MS-RPCE §2.2.2.11, MS-KILE §3.4.5.4.1, "DCE style"): the auth verifier holds
 * the Wrap token's header and the rest of the token, the sealed stub travels as the PDU body, and the checksum also
 * covers the PDU octets before the stub (PDU and request headers) and after it (auth padding is inside the stub;
 * the sec_trailer) — GSS_Wrap_iov SIGN_ONLY buffers. Windows rotates the token by RRC + EC, not RRC (Heimdal's
 * cfx.c says so too); MIT peers by RRC: both are tried, the header copy tells which. AES-SHA1 (17, 18) only:
 * ciphertext = confounder | stub | EC filler | header copy, HMAC-SHA1-96 over confounder | before | stub | after |
 * filler | header copy (RFC 3961 §5.3 with the GSS IOV order of MIT's k5sealiov.c).
 */
export function unwrapCfxDce(
  t: WrapToken,
  stub: Uint8Array,
  sign: { before: Uint8Array; after: Uint8Array },
  keys: readonly SessionKey[],
): UnwrapResult {
  const notes: string[] = [];
  if (keys.length === 0) return { status: 'no-key', notes };
  if (!t.sealed) return { status: 'unsupported', notes: ['a DCE-style token without Sealed: verify it as a MIC over the PDU'] };
  const usage = sealUsage(t);
  const all = concatBytes(t.data, stub);
  let anyAes = false;
  for (const [i, k] of keys.entries()) {
    const prof = getEnctype(k.enctype);
    if (!prof || (k.enctype !== 17 && k.enctype !== 18)) continue;
    anyAes = true;
    const dk = (c: Uint8Array) => deriveKey(aesEncryptBlock, 16, (s) => prof.randomToKey(s), k.key, c, prof.keySize);
    for (const rot of t.ec ? [t.rrc + t.ec, t.rrc] : [t.rrc]) {
      const data = rotateLeft(all, rot);
      if (data.length < 16 + 16 + 12 + t.ec) continue;
      const ct = data.subarray(0, data.length - 12);
      const mac = data.subarray(data.length - 12);
      let plain: Uint8Array;
      try {
        plain = ctsDecrypt(dk(usageConstant(usage, KE)), new Uint8Array(16), ct);
      } catch (e) {
        notes.push(`key ${i} (${prof.name}), rotation ${rot}: ${errorText(e)}`);
        continue;
      }
      if (!sameBytes(plain.subarray(plain.length - 16), headerFor(t.header, false))) continue;
      const confounder = plain.subarray(0, 16);
      const body = plain.subarray(16, plain.length - 16 - t.ec);
      const tail = plain.subarray(plain.length - 16 - t.ec);
      const expected = hmac('sha1', dk(usageConstant(usage, KI)), concatBytes(confounder, sign.before, body, sign.after, tail)).subarray(
        0,
        12,
      );
      if (!sameBytes(expected, mac)) {
        notes.push(`key ${i} (${prof.name}): decrypted (header copy matches, rotation ${rot}) but the checksum over the PDU does not`);
        continue;
      }
      return { status: 'ok', payload: body.slice(), keyIndex: i, enctype: k.enctype, usage, notes };
    }
    notes.push(`key ${i} (${prof.name}): no rotation gives the token header back`);
  }
  return {
    status: anyAes ? 'failed' : 'unsupported',
    notes: anyAes ? notes : [...notes, 'DCE style is read for AES-SHA1 keys only'],
    usage,
  };
}

/** RFC 4121 §4.2.4: verifies a MIC token over `message` with each key until one works. */
export function verifyCfxMic(t: MicToken, message: Uint8Array | undefined, keys: readonly SessionKey[]): UnwrapResult {
  const notes: string[] = [];
  const usage = signUsage(t);
  if (message === undefined) return { status: 'no-message', notes, usage };
  if (keys.length === 0) return { status: 'no-key', notes, usage };
  const usable = implementedKeys(keys, notes);
  const anyImplemented = usable.length > 0;
  for (const { i, k, prof } of usable) {
    try {
      if (prof.verifyChecksum(k.key, usage, concatBytes(message, t.header), t.checksum))
        return { status: 'ok', keyIndex: i, enctype: k.enctype, usage, notes };
      notes.push(`key ${i} (${prof.name}): checksum does not match`);
    } catch (e) {
      notes.push(`key ${i} (${prof.name}): ${errorText(e)}`);
    }
  }
  return { status: anyImplemented ? 'failed' : 'unsupported', notes, usage };
}

// RFC 4757 §7.2 / §7.3 (RC4-HMAC, enctype 23 and 24): key usages of the message type field
const RC4_SIGN_USAGE = 15;
const RC4_SEAL_USAGE = 13;
const u32le = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
const md5 = (key: Uint8Array, data: Uint8Array) => hmac('md5', key, data);
const SIGNATURE_KEY = new TextEncoder().encode('signaturekey\0');

/**
 * RFC 4757 §7.2–7.3: verifies an RC4-HMAC MIC, or verifies and (when sealed) decrypts an RC4-HMAC Wrap token.
 * The sequence number is decrypted first (Kseq from SGN_CKSUM), then the confounder and data (Kcrypt from it).
 */
export function unwrapRc4(t: LegacyToken, message: Uint8Array | undefined, keys: readonly SessionKey[]): UnwrapResult {
  const notes: string[] = [];
  if (t.sgnAlg !== SGN_ALG_HMAC_MD5)
    return { status: 'unsupported', notes: [`SGN_ALG ${t.sgnAlgName}: only RC4-HMAC tokens are verified`] };
  if (t.kind === 'rfc1964-mic' && message === undefined) return { status: 'no-message', notes };
  const rc4Keys = keys.filter((k) => k.enctype === 23 || k.enctype === 24);
  if (rc4Keys.length === 0)
    return { status: keys.length ? 'failed' : 'no-key', notes: keys.length ? ['no RC4-HMAC key among the keys given'] : [] };
  const usage = t.kind === 'rfc1964-wrap' ? RC4_SEAL_USAGE : RC4_SIGN_USAGE;
  for (const [i, k] of keys.entries()) {
    if (k.enctype !== 23 && k.enctype !== 24) continue;
    // Kseq = HMAC(HMAC(K, 0), SGN_CKSUM); SND_SEQ = RC4(Kseq, seq(4, big-endian) || direction(4))
    const kseq = md5(md5(k.key, u32le(0)), t.sgnCksum);
    const seq = rc4(kseq, t.sndSeq);
    const dir = toHex(seq.subarray(4));
    const direction = dir === '00000000' ? 'initiator' : dir === 'ffffffff' ? 'acceptor' : 'unknown';
    let confounder = t.confounder ?? new Uint8Array(0);
    let data = t.kind === 'rfc1964-wrap' ? t.data : (message as Uint8Array);
    if (t.sealed) {
      // Kcrypt = HMAC(HMAC(K xor F0, 0), seq(4)); confounder and data are one RC4 stream
      const klocal = k.key.map((x) => x ^ 0xf0);
      const kcrypt = md5(md5(klocal, u32le(0)), seq.subarray(0, 4));
      const plain = rc4(kcrypt, concatBytes(confounder, data));
      confounder = plain.subarray(0, 8);
      data = plain.subarray(8);
    }
    // SGN_CKSUM = HMAC(Ksign, MD5(usage || header || confounder || data))[0..8], Ksign = HMAC(K, "signaturekey\0")
    const ksign = md5(k.key, SIGNATURE_KEY);
    const inner = digest('md5', u32le(usage), t.header, confounder, data);
    const cksum = md5(ksign, inner).subarray(0, 8);
    if (sameBytes(cksum, t.sgnCksum)) {
      const number = (((seq[0] as number) << 24) | ((seq[1] as number) << 16) | ((seq[2] as number) << 8) | (seq[3] as number)) >>> 0;
      const r: UnwrapResult = { status: 'ok', keyIndex: i, enctype: k.enctype, usage, notes, sequence: { number, direction } };
      if (t.kind === 'rfc1964-wrap') {
        // RFC 1964 §1.2.2.3: 1..8 padding octets, each holding the pad length (RC4 uses one 01 octet)
        const pad = data[data.length - 1] ?? 0;
        const padded = pad >= 1 && pad <= 8 && pad <= data.length && data.subarray(data.length - pad).every((x) => x === pad);
        if (!padded) notes.push(`the message does not end in RFC 1964 padding (last octet 0x${pad.toString(16)}): returned whole`);
        r.payload = data.slice(0, padded ? data.length - pad : data.length);
      }
      return r;
    }
    notes.push(`key ${i} (rc4-hmac): checksum does not match`);
  }
  return { status: 'failed', notes, usage };
}

// ---------------------------------------------------------------------------------------------------------
// The description src/inspect shows

export interface PerMessageDescription {
  /** 'mic' | 'wrap' (RFC 4121), 'rfc1964-mic' | 'rfc1964-wrap' (DES/RC4 era, RFC 1964 / RFC 4757) */
  kind: PerMessageToken['kind'];
  spec: string;
  tokId: string;
  flags?: { value: number; sentByAcceptor: boolean; sealed: boolean; acceptorSubkey: boolean; reserved: number };
  /** Who sent it (from SentByAcceptor, or the decrypted RC4 direction); undefined when not known. */
  sender?: 'initiator' | 'acceptor';
  /** RFC 4121: the 64-bit sequence number as a decimal string (JSON has no 64-bit integers). */
  sequenceNumber?: string;
  ec?: number;
  rrc?: number;
  sgnAlg?: string;
  sealAlg?: string;
  framed?: boolean;
  sealed: boolean;
  /** Octets after the header (Wrap) / checksum length (MIC). */
  dataLength: number;
  checksumLength?: number;
  /** What the keys did: ok (decrypted / verified), no-key, failed, no-message (MIC), unsupported. */
  decryption: { status: PerMessageStatus; keyIndex?: number; enctype?: number; usage?: number; notes: string[] };
  /** The unwrapped message (status ok, Wrap tokens); a secret of the session: the caller masks it unless asked. */
  payload?: Uint8Array;
}

/**
 * Decodes a per-message token and, with session keys (the initiator's and acceptor's subkeys or the ticket session
 * key of the same exchange), decrypts or verifies it. `message` is what a MIC token signs (it is not in the token).
 * Throws DecodeError when the bytes are not a per-message token; a wrong or missing key is a status.
 */
export function describePerMessageToken(
  bytes: Uint8Array,
  sessionKeys: readonly SessionKey[] = [],
  opts: {
    base?: number;
    /** what a MIC token signs (it is not in the token) */
    message?: Uint8Array;
    /** DCE/RPC: the token is the auth verifier; the sealed stub and the PDU octets around it (see unwrapCfxDce) */
    dce?: { stub: Uint8Array; before: Uint8Array; after: Uint8Array };
  } = {},
): PerMessageDescription {
  const t = decodePerMessageToken(bytes, opts.base === undefined ? {} : { base: opts.base });
  if (t.kind === 'mic' || t.kind === 'wrap') {
    const r =
      t.kind === 'mic'
        ? verifyCfxMic(t, opts.message, sessionKeys)
        : opts.dce
          ? unwrapCfxDce(t, opts.dce.stub, opts.dce, sessionKeys)
          : unwrapCfx(t, sessionKeys);
    const d: PerMessageDescription = {
      kind: t.kind,
      spec: t.kind === 'wrap' ? 'RFC 4121 §4.2.6.2' : 'RFC 4121 §4.2.6.1',
      tokId: t.kind === 'wrap' ? '05 04' : '04 04',
      flags: {
        value: t.flags,
        sentByAcceptor: t.sentByAcceptor,
        sealed: t.sealed,
        acceptorSubkey: t.acceptorSubkey,
        reserved: t.reservedFlags,
      },
      sender: t.sentByAcceptor ? 'acceptor' : 'initiator',
      sequenceNumber: t.sndSeq.toString(),
      sealed: t.sealed,
      dataLength: t.kind === 'wrap' ? t.data.length : 0,
      decryption: decryptionOf(r),
    };
    if (t.kind === 'wrap') {
      d.ec = t.ec;
      d.rrc = t.rrc;
    } else d.checksumLength = t.checksum.length;
    if (r.payload) d.payload = r.payload;
    return d;
  }
  const r = unwrapRc4(t, opts.message, sessionKeys);
  const d: PerMessageDescription = {
    kind: t.kind,
    spec: t.sgnAlg === SGN_ALG_HMAC_MD5 ? 'RFC 4757 §7 (RC4-HMAC)' : 'RFC 1964 §1.2',
    tokId: t.kind === 'rfc1964-wrap' ? '02 01' : '01 01',
    sgnAlg: t.sgnAlgName,
    sealAlg: t.sealAlgName,
    framed: t.framed,
    sealed: t.sealed,
    dataLength: t.data.length,
    checksumLength: t.sgnCksum.length,
    decryption: decryptionOf(r),
  };
  if (r.sequence) {
    d.sequenceNumber = String(r.sequence.number);
    if (r.sequence.direction !== 'unknown') d.sender = r.sequence.direction;
  }
  if (r.payload) d.payload = r.payload;
  return d;
}

function decryptionOf(r: UnwrapResult): PerMessageDescription['decryption'] {
  const out: PerMessageDescription['decryption'] = { status: r.status, notes: r.notes };
  if (r.keyIndex !== undefined) out.keyIndex = r.keyIndex;
  if (r.enctype !== undefined) out.enctype = r.enctype;
  if (r.usage !== undefined) out.usage = r.usage;
  return out;
}
