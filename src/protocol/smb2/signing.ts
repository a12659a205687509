/**
 * SMB2/SMB3 message signing (MS-SMB2 §3.1.4.1) and the signing key (§3.1.4.2, §3.2.5.3.1):
 *
 * | dialect        | signing key                                                          | MAC                         |
 * | -------------- | -------------------------------------------------------------------- | --------------------------- |
 * | 2.0.2, 2.1     | Session.SessionKey                                                   | HMAC-SHA256, first 16 bytes |
 * | 3.0, 3.0.2     | KDF(SessionKey, "SMB2AESCMAC\0", "SmbSign\0")                        | AES-128-CMAC                |
 * | 3.1.1          | KDF(SessionKey, "SMBSigningKey\0", Session.PreauthIntegrityHashValue) | AES-128-CMAC (or as negotiated) |
 *
 * KDF is SP800-108 counter mode with HMAC-SHA256, r = 32, L = 128 (§3.1.4.2): HMAC(Ki, [1]₄ ‖ Label ‖ 0x00 ‖ Context ‖ [128]₄),
 * the same construction as RFC 8009's KDF-HMAC-SHA2 (crypto/aes-sha2.ts). Session.SessionKey is the first 16 bytes of
 * the GSS context's key, right-padded with zeros when shorter (§3.2.5.3.1).
 *
 * The signature covers the whole message (header + body, up to NextCommand) with the Signature field zeroed and
 * SMB2_FLAGS_SIGNED set.
 */
import { aesCmac } from '../../crypto/cmac.js';
import { digest, hmac, kdfHmacSha2 } from '../../crypto/index.js';
import { Smb2Dialect, Smb2Flags } from './constants.js';

const SIG_AT = 48;
const FLAGS_AT = 16;
const enc = new TextEncoder();
/** The labels and contexts include their terminating NUL (MS-SMB2 §3.2.5.3.1: "SMB2AESCMAC" is 12 bytes). */
const cstr = (s: string) => enc.encode(`${s}\0`);

/** Session.SessionKey: the GSS key cut or zero-padded to 16 bytes (MS-SMB2 §3.2.5.3.1). */
export function smb2SessionKey(gssKey: Uint8Array): Uint8Array {
  const k = new Uint8Array(16);
  k.set(gssKey.subarray(0, 16));
  return k;
}

/** SP800-108 counter-mode KDF with HMAC-SHA256, 128 bits out (MS-SMB2 §3.1.4.2). */
export function smb2Kdf(key: Uint8Array, label: Uint8Array, context: Uint8Array): Uint8Array {
  return kdfHmacSha2('sha256', key, label, context, 128);
}

/** Session.SigningKey for a dialect; 3.1.1 needs the preauth integrity hash of the session setup exchange. */
export function smb2SigningKey(dialect: number, sessionKey: Uint8Array, preauthHash?: Uint8Array): Uint8Array {
  if (dialect < Smb2Dialect.SMB3_0) return sessionKey.slice();
  if (dialect === Smb2Dialect.SMB3_1_1) {
    if (!preauthHash) throw new RangeError('SMB 3.1.1 signing needs the preauth integrity hash');
    return smb2Kdf(sessionKey, cstr('SMBSigningKey'), preauthHash);
  }
  return smb2Kdf(sessionKey, cstr('SMB2AESCMAC'), cstr('SmbSign'));
}

/**
 * MS-SMB2 §3.2.5.2 / §3.2.4.2.3 / §3.2.5.3: the SMB 3.1.1 preauthentication integrity hash chain, SHA-512 (the only
 * HashAlgorithm of §2.2.3.1.1). Connection.PreauthIntegrityHashValue starts as 64 zero bytes and takes the NEGOTIATE
 * request and response; Session.PreauthIntegrityHashValue starts from that and takes each SESSION_SETUP request and
 * each SESSION_SETUP response except the final successful one. Each step is H = SHA-512(H ‖ message), where message
 * is the whole SMB2 message (header and body, no direct-TCP length prefix).
 */
export const SMB2_PREAUTH_HASH_SIZE = 64;

/** Connection.PreauthIntegrityHashValue before the NEGOTIATE request: 64 zero bytes (§3.2.4.2.3). */
export function smb2PreauthInitial(): Uint8Array {
  return new Uint8Array(SMB2_PREAUTH_HASH_SIZE);
}

/** One step of the chain: SHA-512(previous ‖ message). */
export function smb2PreauthUpdate(previous: Uint8Array, message: Uint8Array): Uint8Array {
  if (previous.length !== SMB2_PREAUTH_HASH_SIZE) throw new RangeError(`a preauth integrity hash is 64 bytes, got ${previous.length}`);
  return digest('sha512', previous, message);
}

/** The 16-byte signature of one message (its Signature field is treated as zeros; the SIGNED flag as set). */
export function smb2Signature(dialect: number, signingKey: Uint8Array, message: Uint8Array): Uint8Array {
  if (message.length < 64) throw new RangeError('an SMB2 message is at least 64 bytes');
  const m = message.slice();
  m.fill(0, SIG_AT, SIG_AT + 16);
  m[FLAGS_AT] = (m[FLAGS_AT] as number) | Smb2Flags.SIGNED;
  if (dialect < Smb2Dialect.SMB3_0) return hmac('sha256', signingKey, m).slice(0, 16);
  return aesCmac(signingKey, m);
}

/** A signed copy: SMB2_FLAGS_SIGNED set and the Signature field filled in. */
export function signSmb2Message(dialect: number, signingKey: Uint8Array, message: Uint8Array): Uint8Array {
  const m = message.slice();
  m[FLAGS_AT] = (m[FLAGS_AT] as number) | Smb2Flags.SIGNED;
  m.set(smb2Signature(dialect, signingKey, m), SIG_AT);
  return m;
}

/** 'valid' | 'invalid' | 'unsigned' (the SIGNED flag is not set) for a received message. */
export function verifySmb2Signature(dialect: number, signingKey: Uint8Array, message: Uint8Array): 'valid' | 'invalid' | 'unsigned' {
  if (message.length < 64) return 'invalid';
  if (!((message[FLAGS_AT] as number) & Smb2Flags.SIGNED)) return 'unsigned';
  const want = smb2Signature(dialect, signingKey, message);
  const got = message.subarray(SIG_AT, SIG_AT + 16);
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= (want[i] as number) ^ (got[i] as number);
  return diff === 0 ? 'valid' : 'invalid';
}
