/**
 * Step 1 inputs, read from the machine the way MIT does: KRB5_CONFIG (a colon-separated list, default
 * /etc/krb5.conf), KRB5CCNAME (FILE: only; default FILE:/tmp/krb5cc_UID), KRB5_CLIENT_KTNAME / -k.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type Ccache, type CcacheCredential, decodeCcache } from '../formats/ccache.js';
import { decodeKeytab, type Keytab } from '../formats/keytab.js';
import { type Krb5Conf, parseKrb5Conf } from '../formats/krb5conf.js';
import type { Creds } from '../krb/client.js';
import { decodeTicket } from '../protocol/krb5/index.js';

export interface LoadedConf {
  conf: Krb5Conf;
  files: string[];
  missing: string[];
}

export function loadKrb5Conf(env: Record<string, string | undefined>): LoadedConf {
  const list = (env.KRB5_CONFIG ?? '/etc/krb5.conf').split(':').filter(Boolean);
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const listDir = (d: string) => {
    try {
      return readdirSync(d);
    } catch {
      return undefined;
    }
  };
  const missing: string[] = [];
  let merged: Krb5Conf | undefined;
  for (const f of list) {
    const text = read(f);
    if (text === undefined) {
      missing.push(f);
      continue;
    }
    const c = parseKrb5Conf(text, { file: f, readFile: read, listDir });
    if (!merged) merged = c;
    else {
      // MIT reads the files in order; the first value of a relation wins, so later files only add
      for (const [name, sec] of c.sections) {
        const into = merged.sections.get(name) ?? new Map();
        merged.sections.set(name, into);
        for (const [tag, vals] of sec) into.set(tag, [...(into.get(tag) ?? []), ...vals]);
      }
      merged.files.push(...c.files);
      merged.problems.push(...c.problems);
    }
  }
  const conf = merged ?? { sections: new Map(), files: [], problems: [] };
  return { conf, files: conf.files, missing };
}

export function ccachePath(spec: string | undefined): string | undefined {
  const s = spec ?? `FILE:/tmp/krb5cc_${process.getuid?.() ?? 0}`;
  if (s.startsWith('FILE:')) return s.slice(5);
  if (/^[A-Z]+:/.test(s)) return undefined; // KEYRING:, KCM:, MEMORY:, API: — not readable from a file
  return s;
}

export function readCcache(path: string): { cc?: Ccache; error?: string } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
  try {
    return { cc: decodeCcache(bytes) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export function readKeytab(path: string): { kt?: Keytab; error?: string } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
  try {
    return { kt: decodeKeytab(bytes) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * A ticket of a ccache as the Kerberos client's credentials (check, spn and the SMB probe use a TGT from the ccache).
 * Throws DecodeError when the ticket bytes do not decode.
 */
export function credsFromCcache(cc: Ccache, c: CcacheCredential): Creds {
  return {
    client: { nameType: cc.defaultPrincipal?.nameType ?? 1, nameString: c.client.components },
    crealm: c.client.realm,
    server: { nameType: c.server.nameType, nameString: c.server.components },
    srealm: c.server.realm,
    ticket: decodeTicket(c.ticket),
    ticketDer: c.ticket,
    sessionKey: { enctype: c.key.enctype, key: c.key.value },
    flags: c.ticketFlags,
    authtime: c.authtime ?? new Date(),
    starttime: c.starttime,
    endtime: c.endtime ?? new Date(Date.now() + 3600_000),
    renewTill: c.renewTill,
  };
}
