// Scenario injections for the Samba backend, built from the DC primitives in samba.ts. Every injection returns
// its undo, so one provisioned DC serves the whole catalogue on one base; between ups samba.ts restores the DC's
// pristine copy, and they are still written to be re-runnable on a DC that an earlier scenario changed.
import { join } from 'node:path';
import { installKeytab } from '../apache.js';
import { must, run } from '../proc.js';
import type { LabEnv, Undo } from '../types.js';
import { loadSamba, type SambaDc, type SambaModule } from './samba-api.js';

/** The keytab file Apache reads for a vhost (mod_auth_gssapi re-reads it per request: no restart needed). */
export function vhostKeytab(env: LabEnv, host: string, port = 80): string {
  return join(env.dir, 'apache', `${host}-${port}.keytab`);
}

export function installKeytabForVhost(env: LabEnv, keytab: string, host: string, port = 80): void {
  installKeytab(keytab, vhostKeytab(env, host, port));
}

async function quiet(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch {
    /* already in the wanted state */
  }
}

/** kvno of the first entry in a keytab (klist -k). */
async function keytabKvno(file: string): Promise<number> {
  const r = await must(['klist', '-k', file]);
  const m = /^\s*(\d+)\s+\S+@/m.exec(r.stdout);
  if (!m?.[1]) throw new Error(`no entry in ${file}: ${r.stdout}`);
  return Number(m[1]);
}

export interface SambaOps {
  withoutSpn(spn: string, account: string): Promise<Undo>;
  withSpn(spn: string, account: string): Promise<Undo>;
  duplicateSpn(spn: string, account: string): Promise<Undo>;
  moveSpn(spn: string, from: string, to: string): Promise<Undo>;
  disabledUser(name: string): Promise<Undo>;
  lockedUser(name: string): Promise<Undo>;
  expiredUser(name: string): Promise<Undo>;
  staleKeytab(spn: string, host: string): Promise<Undo>;
  wrongKeyKeytab(spn: string, host: string): Promise<Undo>;
  enctypeKeytab(spn: string, host: string): Promise<Undo>;
  rc4OnlyAccount(spn: string): Promise<Undo>;
  bigTokenUser(name: string, groups?: number): Promise<Undo>;
  delegation(setup: DelegationSetup): Promise<Undo>;
}

/** A front end (user account svc-front, SPN HTTP/front.contoso.com, keytab `front.keytab` in the lab folder) set up for delegation. */
export interface DelegationSetup {
  /** msDS-AllowedToDelegateTo (samba-tool delegation add-service) */
  allowedTo?: string[];
  /** UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION (for-any-protocol) */
  protocolTransition?: boolean;
  /** UF_TRUSTED_FOR_DELEGATION (for-any-service) */
  unconstrained?: boolean;
  /** the DC's computer account (host/ and so cifs/dc1) lists the front end in msDS-AllowedToActOnBehalfOfOtherIdentity */
  rbcdOnDc?: boolean;
  /** users to create, sensitive (UF_NOT_DELEGATED) or in Protected Users */
  sensitiveUser?: string;
  protectedUser?: string;
}

export const FRONT_END = { account: 'svc-front', spn: 'HTTP/front.contoso.com', keytab: 'front.keytab' } as const;

export const SAMBA_PASSWORD = 'Passw0rd!John1';

export function sambaOps(env: LabEnv): SambaOps {
  const dcOrThrow = (): SambaDc => {
    const dc = env.ops.samba;
    if (!dc) throw new Error('not a samba lab');
    return dc;
  };
  const withMod = async <T>(f: (m: SambaModule, dc: SambaDc) => Promise<T>): Promise<T> => f(await loadSamba(), dcOrThrow());
  const ensureUser = (m: SambaModule, dc: SambaDc, name: string) => quiet(m.createUser(dc, name, SAMBA_PASSWORD));
  /** a dedicated service account per keytab scenario, so scenarios cannot disturb each other */
  const serviceAccount = async (m: SambaModule, dc: SambaDc, spn: string): Promise<string> => {
    const account = `svc-${spn.split('/')[1]?.split('.')[0] ?? 'x'}`.slice(0, 20);
    await ensureUser(m, dc, account);
    await quiet(m.addSpn(dc, spn, account));
    return account;
  };
  return {
    withoutSpn: (spn, account) =>
      withMod(async (m, dc) => {
        await m.removeSpn(dc, spn, account);
        return () => m.addSpn(dc, spn, account);
      }),
    withSpn: (spn, account) =>
      withMod(async (m, dc) => {
        await quiet(m.addSpn(dc, spn, account));
        return () => quiet(m.removeSpn(dc, spn, account));
      }),
    duplicateSpn: (spn, account) =>
      withMod(async (m, dc) => {
        await m.addDuplicateSpn(dc, spn, account);
        return () => m.removeSpn(dc, spn, account);
      }),
    moveSpn: (spn, from, to) =>
      withMod(async (m, dc) => {
        await m.removeSpn(dc, spn, from);
        await m.addSpn(dc, spn, to);
        return async () => {
          await m.removeSpn(dc, spn, to);
          await m.addSpn(dc, spn, from);
        };
      }),
    disabledUser: (name) =>
      withMod(async (m, dc) => {
        await ensureUser(m, dc, name);
        await m.setUserEnabled(dc, name, false);
        return () => m.setUserEnabled(dc, name, true);
      }),
    lockedUser: (name) =>
      withMod(async (m, dc) => {
        await ensureUser(m, dc, name);
        await m.lockUser(dc, name);
        return () => m.unlockUser(dc, name);
      }),
    expiredUser: (name) =>
      withMod(async (m, dc) => {
        await ensureUser(m, dc, name);
        await m.expirePassword(dc, name);
        return () => (m.unexpirePassword ? m.unexpirePassword(dc, name) : m.setPassword(dc, name, SAMBA_PASSWORD));
      }),
    staleKeytab: (spn, host) =>
      withMod(async (m, dc) => {
        const account = await serviceAccount(m, dc, spn);
        const kt = join(env.dir, `${host}-old.keytab`);
        await m.exportKeytab(dc, spn, kt);
        // a password reset after the export: the KDC now issues tickets with kvno+1
        await m.setPassword(dc, account, `Passw0rd!${Date.now()}`);
        installKeytabForVhost(env, kt, host);
        return async () => {};
      }),
    wrongKeyKeytab: (spn, host) =>
      withMod(async (m, dc) => {
        await serviceAccount(m, dc, spn);
        const real = join(env.dir, `${host}-real.keytab`);
        await m.exportKeytab(dc, spn, real);
        const kvno = await keytabKvno(real);
        const wrong = join(env.dir, `${host}-wrong.keytab`);
        // same principal and kvno, key from another password (RC4: what exportkeytab gives for a user account)
        const script = `addent -password -p ${spn}@${env.realm} -k ${kvno} -e arcfour-hmac\nNotTheRealKey1\nwkt ${wrong}\nquit\n`;
        await must(['ktutil'], { input: script });
        installKeytabForVhost(env, wrong, host);
        return async () => {};
      }),
    enctypeKeytab: (spn, host) =>
      withMod(async (m, dc) => {
        const account = await serviceAccount(m, dc, spn);
        await m.setSupportedEnctypes(dc, account, null);
        const kt = join(env.dir, `${host}-rc4.keytab`);
        await m.exportKeytab(dc, spn, kt); // RC4 only for a user account without msDS-SupportedEncryptionTypes
        await m.setSupportedEnctypes(dc, account, 0x18); // AES128|AES256: tickets become AES
        installKeytabForVhost(env, kt, host);
        return () => m.setSupportedEnctypes(dc, account, null);
      }),
    rc4OnlyAccount: (spn) =>
      withMod(async (m, dc) => {
        const account = await serviceAccount(m, dc, spn);
        await m.setSupportedEnctypes(dc, account, 0x4);
        return () => m.setSupportedEnctypes(dc, account, null);
      }),
    delegation: (setup) =>
      withMod(async (m, dc) => {
        const fe = FRONT_END.account;
        await ensureUser(m, dc, fe);
        await quiet(m.addSpn(dc, FRONT_END.spn, fe));
        await m.exportKeytab(dc, fe, join(env.dir, FRONT_END.keytab));
        // and under its SPN (the enctype of its tickets), so the keytab also serves as the site's (check --keytab)
        await m.exportKeytab(dc, FRONT_END.spn, join(env.dir, FRONT_END.keytab), { append: true });
        // samba-tool exits 255 when a flag already has the wanted value: `quiet` keeps these idempotent
        const tool = (args: string[]) => quiet(m.samba(dc, args).then((r) => (r.code === 0 ? r : Promise.reject(new Error(r.stderr)))));
        const reset = async () => {
          for (const spn of ['cifs/dc1.contoso.com', 'ldap/dc1.contoso.com']) await tool(['delegation', 'del-service', fe, spn]);
          await tool(['delegation', 'del-principal', 'DC1$', fe]);
          await tool(['delegation', 'for-any-protocol', fe, 'off']);
          await tool(['delegation', 'for-any-service', fe, 'off']);
        };
        await reset();
        if (setup.protocolTransition) await tool(['delegation', 'for-any-protocol', fe, 'on']);
        if (setup.unconstrained) await tool(['delegation', 'for-any-service', fe, 'on']);
        for (const spn of setup.allowedTo ?? []) await tool(['delegation', 'add-service', fe, spn]);
        if (setup.rbcdOnDc) await tool(['delegation', 'add-principal', 'DC1$', fe]);
        if (setup.sensitiveUser) {
          await ensureUser(m, dc, setup.sensitiveUser);
          await tool(['user', 'sensitive', setup.sensitiveUser, 'on']);
        }
        if (setup.protectedUser) {
          await ensureUser(m, dc, setup.protectedUser);
          await tool(['group', 'addmembers', 'Protected Users', setup.protectedUser]);
        }
        return reset;
      }),
    bigTokenUser: (name, groups = 300) =>
      withMod(async (m, dc) => {
        await ensureUser(m, dc, name);
        // idempotent (existing groups are reused); every up restores the pristine DC, so they are made again (~0.7 s)
        await m.addUserToNewGroups(dc, name, groups);
        return async () => {};
      }),
  };
}

/** Adds the lab's web host names to Samba's DNS when they are not there yet (the zone persists with the DC). */
export async function ensureSambaDns(
  env: LabEnv,
  m: SambaModule,
  dc: SambaDc,
  records: { name: string; type: 'A' | 'CNAME'; data: string }[],
): Promise<void> {
  for (const r of records) {
    const q = await run([...env.net.clientExec, 'dig', '+short', '+time=1', '+tries=2', r.name, r.type]);
    const have = q.stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/\.$/, ''));
    if (have.includes(r.data.replace(/\.$/, ''))) continue;
    await quiet(m.addDnsRecord(dc, r.name, r.type, r.data));
  }
}
