/** Small helpers that turn decoded values into JSON-friendly views (secrets masked unless asked). */
import { enctypeName } from '../crypto/index.js';
import { toHex } from '../wire/encoding.js';

export interface ViewOptions {
  showSecrets?: boolean;
}

export interface KeyView {
  enctype: number;
  enctypeName: string;
  length: number;
  /** Hex of the key, only with --show-secrets. */
  value?: string;
}

export function keyView(k: { keytype: number; keyvalue: Uint8Array }, o: ViewOptions): KeyView {
  const v: KeyView = { enctype: k.keytype, enctypeName: enctypeName(k.keytype), length: k.keyvalue.length };
  if (o.showSecrets) v.value = toHex(k.keyvalue);
  return v;
}

export function iso(d: Date | undefined): string | undefined {
  return d ? d.toISOString().replace('.000Z', 'Z') : undefined;
}

export function hexFlags(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
