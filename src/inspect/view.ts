/** Small helpers that turn decoded values into JSON-friendly views (secrets masked unless asked). */
import { enctypeName } from '../crypto/index.js';
import { MASKED } from '../formats/common.js';
import { toHex } from '../wire/encoding.js';
import type { KeyView } from './model.js';

export type { KeyView } from './model.js';

export interface ViewOptions {
  showSecrets?: boolean;
}

/** A key as shown: its enctype and length; the value in hex with --show-secrets, else the one masked spelling. */
export function keyView(k: { keytype: number; keyvalue: Uint8Array }, o: ViewOptions): KeyView {
  return {
    enctype: k.keytype,
    enctypeName: enctypeName(k.keytype),
    length: k.keyvalue.length,
    value: o.showSecrets ? toHex(k.keyvalue) : MASKED,
  };
}

export function iso(d: Date | undefined): string | undefined {
  return d ? d.toISOString().replace('.000Z', 'Z') : undefined;
}

export function hexFlags(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
