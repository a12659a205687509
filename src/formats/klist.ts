/**
 * Reading `klist` text: what users paste into a ticket when they cannot send the file itself.
 *
 * - MIT `klist [-c] [-e] [-f] [-a]` (ccache listing) and `klist -k [-t] [-e] [-K]` (keytab listing), after MIT
 *   `src/clients/klist/klist.c` (`show_credential`, `do_keytab`, `flags_string`). Times are printed in the local
 *   time zone with a locale-dependent format ("MM/DD/YY HH:MM:SS" in the C locale); we read that format and return
 *   the wall-clock time as if it were UTC (`timeZone: 'local'` says so). Run klist with TZ=UTC to get true UTC.
 * - Windows `klist` (`klist tickets`): "#0> Client: x @ REALM", "Server: ...", "KerbTicket Encryption Type: ...",
 *   "Ticket Flags 0x40e10000 -> ...", "Start Time: 5/3/2023 10:00:00 (local)", "Session Key Type: ...".
 *
 * Only the fields klist shows come back (no keys except with `klist -K`, no tickets). Never throws: lines it does
 * not understand are skipped.
 */
import { fromHex } from '../wire/encoding.js';
import { enctypeFromName, KLIST_FLAG_LETTERS, type Principal, parsePrincipal } from './common.js';

export interface KlistCredential {
  client?: Principal;
  server: Principal;
  starttime?: Date;
  endtime?: Date;
  renewTill?: Date;
  /** TicketFlags: from the 0x... value (Windows) or rebuilt from MIT's letters. */
  ticketFlags?: number;
  /** MIT's flag letters ("FRIA") as printed. */
  flagLetters?: string;
  /** Session key enctype ("skey"). */
  sessionKeyEnctype?: number;
  /** Ticket enc-part enctype ("tkt"). */
  ticketEnctype?: number;
  addresses?: string[];
}

export interface KlistCcache {
  source: 'mit' | 'windows';
  cacheName?: string;
  defaultPrincipal?: Principal;
  credentials: KlistCredential[];
  /** Printed times are local wall-clock times read as UTC. */
  timeZone: 'local';
}

export interface KlistKeytabEntry {
  kvno: number;
  timestamp?: Date;
  principal: Principal;
  enctype?: number;
  /** Only with `klist -K`. */
  key?: Uint8Array;
}

export interface KlistKeytab {
  keytabName?: string;
  entries: KlistKeytabEntry[];
  timeZone: 'local';
}

/** "MM/DD/YY HH:MM:SS" (C locale) or "MM/DD/YYYY HH:MM:SS" → Date (wall clock as UTC). */
export function parseKlistTime(s: string): Date | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  let y = Number(m[3]);
  if (y < 100) y += y >= 70 ? 1900 : 2000; // POSIX %y
  const d = new Date(Date.UTC(y, Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function flagsFromLetters(letters: string): number {
  let n = 0;
  for (const [c, bit] of KLIST_FLAG_LETTERS) if (letters.includes(c)) n |= bit;
  return n >>> 0;
}

const TIME = String.raw`\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}:\d{2}`;

/** Parses MIT or Windows `klist` ticket output. */
export function parseKlist(text: string): KlistCcache {
  if (/Cached Tickets:|^\s*#\d+>\s/m.test(text)) return parseWindowsKlist(text);
  return parseMitKlist(text);
}

function parseMitKlist(text: string): KlistCcache {
  const out: KlistCcache = { source: 'mit', credentials: [], timeZone: 'local' };
  const lines = text.split(/\r?\n/);
  const head = new RegExp(`^(${TIME})\\s+(${TIME})\\s+(\\S.*?)\\s*$`);
  let cur: KlistCredential | undefined;
  let more: string[] = [];
  const finish = () => {
    if (!cur) return;
    const rest = more.join(', ');
    const renew = new RegExp(`renew until (${TIME})`).exec(rest);
    if (renew) cur.renewTill = parseKlistTime(renew[1] as string);
    const flags = /Flags: ([A-Za-z]*)/.exec(rest);
    if (flags) {
      cur.flagLetters = flags[1] as string;
      cur.ticketFlags = flagsFromLetters(cur.flagLetters);
    }
    const et = /Etype \(skey, tkt\): ([^\s,]+), ([^\s,]+)/.exec(rest);
    if (et) {
      cur.sessionKeyEnctype = enctypeFromName(et[1] as string);
      cur.ticketEnctype = enctypeFromName(et[2] as string);
    }
    const addr = /Addresses: (.*)$/.exec(rest);
    if (addr) cur.addresses = addr[1] === '(none)' ? [] : (addr[1] as string).split(/,\s*/);
    out.credentials.push(cur);
    cur = undefined;
    more = [];
  };
  for (const line of lines) {
    const cn = /^Ticket cache: (.*)$/.exec(line);
    if (cn) out.cacheName = cn[1];
    const dp = /^Default principal: (.*)$/.exec(line);
    if (dp) out.defaultPrincipal = parsePrincipal(dp[1] as string);
    const h = head.exec(line);
    if (h) {
      finish();
      cur = { starttime: parseKlistTime(h[1] as string), endtime: parseKlistTime(h[2] as string), server: parsePrincipal(h[3] as string) };
      if (out.defaultPrincipal) cur.client = out.defaultPrincipal;
    } else if (cur && /^\s/.test(line) && line.trim() !== '') more.push(line.trim());
    else if (cur && line.trim() === '') finish();
  }
  finish();
  return out;
}

function parseWindowsKlist(text: string): KlistCcache {
  const out: KlistCcache = { source: 'windows', credentials: [], timeZone: 'local' };
  const blocks = text.split(/^\s*#\d+>\s*/m).slice(1);
  const winPrincipal = (s: string) => {
    const m = /^(.*?)\s*@\s*(\S+)\s*$/.exec(s.trim());
    return m ? parsePrincipal(`${m[1]}@${m[2]}`) : parsePrincipal(s.trim());
  };
  const winTime = (s: string | undefined) => {
    if (!s) return undefined;
    const m = /(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\s*([AP]M))?/i.exec(s);
    if (!m) return undefined;
    let hh = Number(m[4]);
    if (m[7]) hh = (hh % 12) + (m[7].toUpperCase() === 'PM' ? 12 : 0);
    return new Date(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hh, Number(m[5]), Number(m[6])));
  };
  for (const b of blocks) {
    const get = (label: string) => new RegExp(`^\\s*${label}\\s*:?\\s*(.*)$`, 'mi').exec(b)?.[1]?.trim();
    const server = get('Server');
    if (!server) continue;
    const c: KlistCredential = { server: winPrincipal(server) };
    const client = get('Client');
    if (client) c.client = winPrincipal(client);
    const flags = /Ticket Flags\s+0x([0-9a-f]+)/i.exec(b);
    if (flags) c.ticketFlags = Number.parseInt(flags[1] as string, 16) >>> 0;
    const st = winTime(get('Start Time'));
    if (st) c.starttime = st;
    const et = winTime(get('End Time'));
    if (et) c.endtime = et;
    const rt = winTime(get('Renew Time'));
    if (rt) c.renewTill = rt;
    const tk = get('KerbTicket Encryption Type');
    if (tk) c.ticketEnctype = enctypeFromName(tk);
    const sk = get('Session Key Type');
    if (sk) c.sessionKeyEnctype = enctypeFromName(sk);
    out.credentials.push(c);
  }
  return out;
}

/** Parses MIT `klist -k [-t] [-e] [-K]` output. */
export function parseKlistKeytab(text: string): KlistKeytab {
  const out: KlistKeytab = { entries: [], timeZone: 'local' };
  const re = new RegExp(`^\\s*(\\d+)\\s+(?:(${TIME})\\s+)?(\\S+)(?:\\s+\\(([^)]+)\\))?(?:\\s+\\(0x([0-9a-fA-F]+)\\))?\\s*$`);
  for (const line of text.split(/\r?\n/)) {
    const n = /^Keytab name: (.*)$/.exec(line);
    if (n) out.keytabName = n[1];
    const m = re.exec(line);
    if (!m) continue;
    const e: KlistKeytabEntry = { kvno: Number(m[1]), principal: parsePrincipal(m[3] as string) };
    if (m[2]) e.timestamp = parseKlistTime(m[2]);
    if (m[4]) e.enctype = enctypeFromName(m[4]);
    if (m[5]) e.key = fromHex(m[5]);
    out.entries.push(e);
  }
  return out;
}
