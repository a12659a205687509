// Argument checks shared by the enctype implementations; they throw CryptoError with a stable code.
import { CryptoError } from './errors.js';

export function checkKey(id: number, name: string, key: Uint8Array, keySize: number): void {
  if (key.length !== keySize) {
    throw new CryptoError('ERR_BAD_KEY', `${name} (${id}) needs a ${keySize}-byte key, got ${key.length} bytes`, id);
  }
}

export function checkLength(id: number, name: string, ciphertext: Uint8Array, min: number): void {
  if (ciphertext.length < min) {
    throw new CryptoError(
      'ERR_TRUNCATED',
      `${name} (${id}) ciphertext is ${ciphertext.length} bytes, shorter than the ${min}-byte confounder + checksum`,
      id,
    );
  }
}

export function checkConfounder(id: number, name: string, confounder: Uint8Array, size: number): void {
  if (confounder.length !== size) {
    throw new CryptoError('ERR_BAD_PARAMS', `${name} (${id}) confounder must be ${size} bytes, got ${confounder.length}`, id);
  }
}

export function integrityError(id: number, name: string, what: string): CryptoError {
  return new CryptoError(
    'ERR_INTEGRITY',
    `${name} (${id}) ${what} integrity check failed (KRB_AP_ERR_BAD_INTEGRITY): wrong key, wrong key usage, or modified data`,
    id,
  );
}

/** RFC 3962 §4 / RFC 8009 §4 s2kparams: a 4-octet big-endian iteration count; empty means the default. */
export function iterationCount(id: number, name: string, params: Uint8Array | undefined, defaultCount: number): number {
  if (params === undefined || params.length === 0) return defaultCount;
  if (params.length !== 4) throw new CryptoError('ERR_BAD_PARAMS', `${name} (${id}) s2kparams must be 4 bytes, got ${params.length}`, id);
  const n = ((params[0]! << 24) | (params[1]! << 16) | (params[2]! << 8) | params[3]!) >>> 0;
  // RFC 3962 reads 0 as 2^32 iterations; MIT refuses counts of 2^24 and more (KRB5_ERR_BAD_S2K_PARAMS). So do we.
  if (n === 0 || n >= 0x1000000) throw new CryptoError('ERR_BAD_PARAMS', `${name} (${id}) iteration count ${n} is out of range`, id);
  return n;
}
