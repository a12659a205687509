/**
 * Shared pieces of the MIT file formats (keytab, FILE ccache, kirbi): the principal shape, the byte order of the
 * old "native byte order" versions, times, display helpers and the masking of secrets.
 */
import { toHex } from '../wire/encoding.js';
import { DecodeError } from '../wire/errors.js';
import { ByteReader } from '../wire/reader.js';
import type { ByteWriter } from '../wire/writer.js';

/**
 * A principal as the file formats store it: realm, name components and the name type (RFC 4120 §6.2).
 * Keytab v1 and ccache v1 do not store the type; we report KRB5_NT_UNKNOWN = 0 then, as MIT's `ccmarshal.c` does.
 */
export interface Principal {
  realm: string;
  components: string[];
  nameType: number;
}

/** Name types (RFC 4120 §6.2, MS-KILE): the krb5 layer's table. */
import { NameType } from '../protocol/krb5/constants.js';

export { NameType };

/**
 * Enctype names as MIT's `klist -e` prints them (MIT `src/lib/crypto/krb/etypes.c`, first alias). Only for display
 * and for reading `klist` text; the crypto table in src/crypto is the authority for what an enctype can do.
 */
export const ENCTYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'des-cbc-crc',
  2: 'des-cbc-md4',
  3: 'des-cbc-md5',
  4: 'des-cbc-raw',
  5: 'des3-cbc-sha',
  6: 'des3-cbc-raw',
  8: 'des-hmac-sha1',
  16: 'des3-cbc-sha1',
  17: 'aes128-cts-hmac-sha1-96',
  18: 'aes256-cts-hmac-sha1-96',
  19: 'aes128-cts-hmac-sha256-128',
  20: 'aes256-cts-hmac-sha384-192',
  23: 'arcfour-hmac',
  24: 'arcfour-hmac-exp',
  25: 'camellia128-cts-cmac',
  26: 'camellia256-cts-cmac',
};

/** Enctypes MIT marks "DEPRECATED:" in `klist -e` output (weak or legacy). */
export const DEPRECATED_ENCTYPES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 8, 16, 23, 24]);

export function enctypeName(n: number): string {
  return ENCTYPE_NAMES[n] ?? `etype ${n}`;
}

/** The enctype number for a name as MIT prints or accepts it ("aes256-cts-hmac-sha1-96", "aes256-cts", "rc4-hmac"). */
export function enctypeFromName(name: string): number | undefined {
  const s = name
    .trim()
    .replace(/^DEPRECATED:/, '')
    .toLowerCase();
  for (const [k, v] of Object.entries(ENCTYPE_NAMES)) if (v === s) return Number(k);
  const aliases: Record<string, number> = {
    'des3-hmac-sha1': 16,
    'des3-cbc-sha1-kd': 16,
    'aes128-cts': 17,
    aes128: 17,
    'aes256-cts': 18,
    aes256: 18,
    'aes128-sha2': 19,
    'aes256-sha2': 20,
    'rc4-hmac': 23,
    rc4: 23,
    'arcfour-hmac-md5': 23,
    'rc4-hmac-exp': 24,
    'arcfour-hmac-md5-exp': 24,
    // Windows klist names
    'aes-256-cts-hmac-sha1-96': 18,
    'aes-128-cts-hmac-sha1-96': 17,
    'rsadsi rc4-hmac(nt)': 23,
    'rc4-hmac(nt)': 23,
  };
  const m = /^etype (-?\d+)$/.exec(s) ?? /^\(?(-?\d+)\)?$/.exec(s);
  if (m) return Number(m[1]);
  return aliases[s];
}

/** Quotes the characters RFC 1964 / MIT `krb5_unparse_name` escape inside a component or realm. */
function quote(s: string, inRealm: boolean): string {
  let out = '';
  for (const c of s) {
    if (c === '\\' || c === '@' || (!inRealm && c === '/')) out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\b') out += '\\b';
    else if (c === '\0') out += '\\0';
    else out += c;
  }
  return out;
}

/** "HTTP/web.contoso.com@CONTOSO.COM", quoted the way MIT's `krb5_unparse_name` does. */
export function principalToString(p: Principal): string {
  const name = p.components.map((c) => quote(c, false)).join('/');
  return `${name}@${quote(p.realm, true)}`;
}

/**
 * Parses "a/b@REALM" (with MIT's backslash escapes). Without a realm, `defaultRealm` is used (empty if not given).
 * The name type defaults to NT_PRINCIPAL, or NT_SRV_INST for "krbtgt/...".
 */
export function parsePrincipal(text: string, defaultRealm = '', nameType?: number): Principal {
  const comps: string[] = [];
  let cur = '';
  let realm: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\' && i + 1 < text.length) {
      const n = text.charAt(++i);
      const map: Record<string, string> = { n: '\n', t: '\t', b: '\b', '0': '\0' };
      cur += map[n] ?? n;
    } else if (c === '/' && realm === undefined) {
      comps.push(cur);
      cur = '';
    } else if (c === '@' && realm === undefined) {
      comps.push(cur);
      cur = '';
      realm = ''; // from here on `cur` collects the realm
    } else cur += c;
  }
  if (realm === undefined) comps.push(cur);
  else realm = cur;
  const nt = nameType ?? (comps[0] === 'krbtgt' && comps.length === 2 ? NameType.NT_SRV_INST : NameType.NT_PRINCIPAL);
  return { realm: realm ?? defaultRealm, components: comps, nameType: nt };
}

export function principalEquals(a: Principal, b: Principal): boolean {
  return a.realm === b.realm && a.components.length === b.components.length && a.components.every((c, i) => c === b.components[i]);
}

/**
 * The one spelling of a masked secret, in every command's text and JSON (keys, session keys, subkeys, NTLM session
 * keys). Lengths, when useful, are separate fields.
 */
export const MASKED = '(masked)';

/** A key shown without its value. Keys are secrets: display and JSON use this by default. */
export function maskKey(_key: Uint8Array): string {
  return MASKED;
}

/** The key as hex when secrets are asked for, otherwise masked. */
export function showKey(key: Uint8Array, showSecrets = false): string {
  return showSecrets ? toHex(key) : maskKey(key);
}

/** A decode problem inside a file that did not stop us from returning what came before (and, if possible, after). */
export interface FileDecodeProblem {
  /** Absolute offset of the record or credential that failed. */
  offset: number;
  error: DecodeError;
}

/**
 * Byte order of integers. Keytab v1 and ccache v1/v2 use the *native* byte order of the machine that wrote them
 * (MIT `kt_file.c`, `ccmarshal.c`); in practice that is little-endian (x86), big-endian on old SPARC/PowerPC.
 */
export type ByteOrder = 'be' | 'le';

export interface IntIO {
  u16(r: ByteReader, field?: string): number;
  u32(r: ByteReader, field?: string): number;
  i32(r: ByteReader, field?: string): number;
  w16(w: ByteWriter, v: number): void;
  w32(w: ByteWriter, v: number): void;
}

const BE: IntIO = {
  u16: (r, f) => r.u16be(f),
  u32: (r, f) => r.u32be(f),
  i32: (r, f) => r.i32be(f),
  w16: (w, v) => void w.u16be(v),
  w32: (w, v) => void w.u32be(v >>> 0),
};
const LE: IntIO = {
  u16: (r, f) => r.u16le(f),
  u32: (r, f) => r.u32le(f),
  i32: (r, f) => r.i32le(f),
  w16: (w, v) => void w.u16le(v),
  w32: (w, v) => void w.u32le(v >>> 0),
};

export function intIO(order: ByteOrder): IntIO {
  return order === 'le' ? LE : BE;
}

/**
 * The two bytes MIT's file formats start with (ccache and keytab): 0x05, then the version. Throws DecodeError when
 * the first byte is not 0x05 (not this kind of file) or the version is not one of `versions`; returns the version.
 */
export function readFileFormatVersion(bytes: Uint8Array, kind: 'ccache' | 'keytab', versions: readonly number[]): number {
  const r = new ByteReader(bytes);
  const magic = r.u8('file-format');
  const version = r.u8('file-format.version');
  r.check();
  const hex2 = (n: number) => n.toString(16).padStart(2, '0');
  if (magic !== 5)
    throw new DecodeError('ERR_BAD_VALUE', `not a ${kind} (first byte 0x${hex2(magic)}, expected 0x05)`, {
      field: 'file-format',
      offset: 0,
    });
  if (!versions.includes(version)) {
    const allowed = versions.map((v) => `0x05${hex2(v)}`);
    const range = versions.length > 2 ? `${allowed[0]}..${allowed[allowed.length - 1]}` : allowed.join(' or ');
    throw new DecodeError('ERR_UNSUPPORTED', `${kind} version 0x05${hex2(version)} is not ${range}`, {
      field: 'file-format.version',
      offset: 1,
    });
  }
  return version;
}

/**
 * A file in the writer's native byte order (keytab v1, ccache v1/v2) carries no mark of it: decode as little-endian
 * (x86, by far the likeliest) and, unless that is clean, as big-endian too; fewer errors wins, then `score`
 * (how much was decoded). An explicit `order` decodes only that way.
 */
export function decodeEitherByteOrder<T extends { errors: readonly unknown[] }>(
  decode: (order: ByteOrder) => T,
  score: (decoded: T) => number,
  order?: ByteOrder,
): T {
  if (order) return decode(order);
  const le = decode('le');
  if (le.errors.length === 0) return le;
  const be = decode('be');
  return be.errors.length < le.errors.length || (be.errors.length === le.errors.length && score(be) > score(le)) ? be : le;
}

/** Seconds since the epoch (unsigned 32-bit, as MIT reads krb5_timestamp since 1.17's y2038 work) → Date. */
export function timeFromSeconds(s: number): Date {
  return new Date((s >>> 0) * 1000);
}

/** Date → unsigned 32-bit seconds (sub-second part dropped; out-of-range values wrap as MIT's ts2tt would). */
export function secondsFromTime(d: Date): number {
  return Math.floor(d.getTime() / 1000) >>> 0;
}

/**
 * Gives `obj` a non-enumerable `toJSON` that masks its secrets, so `JSON.stringify` of a decoded keytab or ccache
 * never prints a key by accident. `mask` edits a shallow copy.
 */
export function withMaskedJSON<T extends object>(obj: T, mask: (copy: Record<string, unknown>) => void): T {
  Object.defineProperty(obj, 'toJSON', {
    enumerable: false,
    configurable: true,
    writable: true,
    value(this: T) {
      const copy = { ...this } as Record<string, unknown>;
      mask(copy);
      return copy;
    },
  });
  return obj;
}

/** TicketFlags bits (RFC 4120 §5.3, RFC 6806 §11 for enc-pa-rep) as the 32-bit value files store (bit 0 = MSB). */
export const TicketFlag = {
  reserved: 0x80000000,
  forwardable: 0x40000000,
  forwarded: 0x20000000,
  proxiable: 0x10000000,
  proxy: 0x08000000,
  mayPostdate: 0x04000000,
  postdated: 0x02000000,
  invalid: 0x01000000,
  renewable: 0x00800000,
  initial: 0x00400000,
  preAuthent: 0x00200000,
  hwAuthent: 0x00100000,
  transitedPolicyChecked: 0x00080000,
  okAsDelegate: 0x00040000,
  encPaRep: 0x00010000,
  anonymous: 0x00008000,
} as const;

export function ticketFlagNames(flags: number): (keyof typeof TicketFlag)[] {
  return (Object.keys(TicketFlag) as (keyof typeof TicketFlag)[]).filter((k) => (flags & TicketFlag[k]) !== 0);
}

/** The letters MIT `klist -f` prints, in its order (MIT `src/clients/klist/klist.c`, `flags_string`). */
export const KLIST_FLAG_LETTERS: readonly [string, number][] = [
  ['F', TicketFlag.forwardable],
  ['f', TicketFlag.forwarded],
  ['P', TicketFlag.proxiable],
  ['p', TicketFlag.proxy],
  ['D', TicketFlag.mayPostdate],
  ['d', TicketFlag.postdated],
  ['i', TicketFlag.invalid],
  ['R', TicketFlag.renewable],
  ['I', TicketFlag.initial],
  ['H', TicketFlag.hwAuthent],
  ['A', TicketFlag.preAuthent],
  ['T', TicketFlag.transitedPolicyChecked],
  ['O', TicketFlag.okAsDelegate],
  ['a', TicketFlag.anonymous],
];

/** "FRIA"-style flag letters as MIT `klist -f` shows them. */
export function klistFlagString(flags: number): string {
  let s = '';
  for (const [c, bit] of KLIST_FLAG_LETTERS) if ((flags & bit) !== 0) s += c;
  return s;
}
