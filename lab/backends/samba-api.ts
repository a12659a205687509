// The Samba AD DC primitives live in ./samba.ts; the lab's Samba backend and operations use them through this
// module so there is one place that names the API they depend on.
import * as sambaModule from './samba.js';

export type { SambaDc } from './samba.js';
export type SambaModule = typeof sambaModule;

export async function loadSamba(): Promise<SambaModule> {
  return sambaModule;
}
