/**
 * One row of the enctype table: the RFC 3961 §3 "encryption mechanism" interface
 * (protocol key format, string-to-key, random-to-key, encrypt, decrypt, pseudo-random, required checksum).
 * Keys are raw key bytes (RFC 4120 EncryptionKey.keyvalue); all functions are synchronous and pure apart from
 * the backend primitives.
 */
export interface EnctypeProfile {
  /** RFC 3961 §8 / IANA etype number. */
  readonly id: number;
  /** MIT krb5 name (etypes.c), e.g. "aes256-cts-hmac-sha1-96", "arcfour-hmac". */
  readonly name: string;
  /** Other spellings users meet: MIT aliases, Windows klist / Kerberos.NET names. Matched case-insensitively. */
  readonly aliases: readonly string[];
  /** Where the enctype is specified. */
  readonly spec: string;
  /** Protocol key length in bytes. */
  readonly keySize: number;
  /** Key-generation seed length in bytes (random-to-key input). */
  readonly seedSize: number;
  /** The keyed checksum type this enctype requires (RFC 3961 §4 "required checksum mechanism"). */
  readonly checksumType: number;
  /** Bytes encrypt adds to the plaintext (confounder + integrity). */
  readonly overhead: number;
  /** Pseudo-random output length in bytes (RFC 3961 §3 "pseudo-random"). */
  readonly prfSize: number;
  /** MIT's ETYPE_WEAK: single DES and the 56-bit RC4 export variant (RFC 6649). */
  readonly weak: boolean;
  /** Deprecated by RFC 8429 (3DES, RC4-HMAC) though still deployed. */
  readonly deprecated: boolean;
  /** False for table rows kerbscope recognises but does not implement (DES, 3DES, Camellia). */
  readonly implemented: boolean;
  stringToKey(password: string | Uint8Array, salt: string | Uint8Array, params?: Uint8Array): Uint8Array;
  randomToKey(seed: Uint8Array): Uint8Array;
  encrypt(key: Uint8Array, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Uint8Array;
  makeChecksum(key: Uint8Array, usage: number, data: Uint8Array): Uint8Array;
  verifyChecksum(key: Uint8Array, usage: number, data: Uint8Array, checksum: Uint8Array): boolean;
  prf(key: Uint8Array, input: Uint8Array): Uint8Array;
}
