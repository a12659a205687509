/**
 * Bytes that are a secret (a session key): kept as data, never printed. JSON and `util.inspect` show only the
 * length; `reveal()` is the one explicit way to get them (e.g. for `--show-secrets`).
 */
export class SecretBytes {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes.slice();
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** True when every byte is zero (KDCs put an all-zero UserSessionKey in Kerberos PACs). */
  get isZero(): boolean {
    return this.#bytes.every((b) => b === 0);
  }

  reveal(): Uint8Array {
    return this.#bytes.slice();
  }

  toJSON(): string {
    return `<secret ${this.#bytes.length} bytes>`;
  }

  toString(): string {
    return this.toJSON();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toJSON();
  }
}
