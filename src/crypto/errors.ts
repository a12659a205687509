/**
 * The one error type of the crypto layer. `code` is stable: scripts and the rulebook match on it.
 *
 * - ERR_INTEGRITY            checksum/HMAC mismatch: wrong key, wrong key usage, or tampered data
 *                            (what a KDC or service reports as KRB_AP_ERR_BAD_INTEGRITY, RFC 4120 §7.5.9 code 31)
 * - ERR_UNSUPPORTED_ENCTYPE  unknown, weak (DES/3DES) or unimplemented (Camellia) encryption type
 * - ERR_UNSUPPORTED_CHECKSUM unknown or unimplemented checksum type
 * - ERR_TRUNCATED            ciphertext or checksum shorter than the enctype's fixed overhead
 * - ERR_BAD_KEY              key length does not match the enctype
 * - ERR_BAD_PARAMS           bad s2kparams (RFC 3962 §4 iteration count) or other bad argument
 */
export type CryptoErrorCode =
  | 'ERR_INTEGRITY'
  | 'ERR_UNSUPPORTED_ENCTYPE'
  | 'ERR_UNSUPPORTED_CHECKSUM'
  | 'ERR_TRUNCATED'
  | 'ERR_BAD_KEY'
  | 'ERR_BAD_PARAMS';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;
  /** Encryption or checksum type number involved, when there is one. */
  readonly enctype: number | undefined;

  constructor(code: CryptoErrorCode, message: string, enctype?: number) {
    super(message);
    this.code = code;
    this.enctype = enctype;
  }
}
