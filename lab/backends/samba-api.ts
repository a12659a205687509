// The Samba AD DC primitives live in ./samba.ts (written separately). This file declares the signatures the lab
// codes against and loads the module at run time, so the lab typechecks and runs its MIT part whether or not
// samba.ts exists yet.

export interface SambaDc {
  ip: string;
  dir: string;
  netns?: string;
  realm: string;
  domain: string;
  dcHost: string;
  smbConf: string;
  krb5Conf: string;
  adminPassword: string;
  pid: number;
  decryptKeytab: string;
}

type Res = { code: number; stdout: string; stderr: string };

export interface SambaModule {
  sambaUp(opts: { dir: string; ip: string; netns?: string }): Promise<SambaDc>;
  sambaDown(dc: SambaDc): Promise<void>;
  samba(dc: SambaDc, args: string[]): Promise<Res>;
  createUser(dc: SambaDc, name: string, password: string): Promise<void>;
  setUserEnabled(dc: SambaDc, name: string, enabled: boolean): Promise<void>;
  lockUser(dc: SambaDc, name: string): Promise<void>;
  unlockUser(dc: SambaDc, name: string): Promise<void>;
  expirePassword(dc: SambaDc, name: string): Promise<void>;
  unexpirePassword?(dc: SambaDc, name: string): Promise<void>;
  addSpn(dc: SambaDc, spn: string, account: string): Promise<void>;
  removeSpn(dc: SambaDc, spn: string, account: string): Promise<void>;
  addDuplicateSpn(dc: SambaDc, spn: string, account: string): Promise<void>;
  setSupportedEnctypes(dc: SambaDc, account: string, mask: number | null): Promise<void>;
  exportKeytab(dc: SambaDc, principal: string, file: string): Promise<void>;
  setPassword(dc: SambaDc, account: string, password: string): Promise<void>;
  addDnsRecord(dc: SambaDc, name: string, type: 'A' | 'CNAME' | 'SRV', data: string): Promise<void>;
  deleteDnsRecord(dc: SambaDc, name: string, type: string, data: string): Promise<void>;
  deleteKerberosSrvRecords(dc: SambaDc): Promise<() => Promise<void>>;
  addUserToNewGroups(dc: SambaDc, user: string, n: number): Promise<void>;
}

let cached: SambaModule | undefined;

/** Loads ./samba.ts; throws a clear error when it is not there yet. */
export async function loadSamba(): Promise<SambaModule> {
  if (cached) return cached;
  const spec = new URL('./samba.js', import.meta.url).href; // a variable specifier: no compile-time dependency
  try {
    cached = (await import(spec)) as SambaModule;
  } catch (e) {
    const ts = new URL('./samba.ts', import.meta.url).href;
    try {
      cached = (await import(ts)) as SambaModule;
    } catch {
      throw new Error(`lab/backends/samba.ts could not be loaded: ${(e as Error).message}`);
    }
  }
  return cached;
}
