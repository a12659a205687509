/**
 * krb5.conf as MIT krb5 reads it (profile library, `src/util/profile/prof_parse.c`; krb5.conf(5)):
 *
 * ```text
 * file     := { line }
 * line     := "[" section "]" [ "*" ]              a section; "*" marks it final (later files cannot add to it)
 *           | tag "=" value [ "*" ]                a relation (tags repeat: every value is kept, in order)
 *           | tag "=" "{"  ...  "}" [ "*" ]        a subsection (realm entries in [realms])
 *           | "include" PATH | "includedir" DIR    other files, read where the directive stands
 *           | "module" PATH:RESIDUAL               a profile module (not supported: reported)
 *           | "#" ... | ";" ... | blank            comments (only at the start of a line)
 * ```
 * Values run to the end of the line with surrounding blanks removed; a value in double quotes may hold \n \t \b \\ \".
 * Lookups follow MIT: the FIRST value of a relation wins (profile_get_string), tags are case-sensitive, realm names too.
 *
 * Pure: includes are read through the `readFile`/`listDir` callbacks the caller passes (Node side: src/check/config.ts).
 */

export type Krb5ConfNode = Map<string, (string | Krb5ConfNode)[]>;

export interface Krb5ConfProblem {
  file: string;
  line: number;
  message: string;
}

export interface Krb5Conf {
  /** Section name → relations (a Map per section, values in file order across every file read). */
  sections: Map<string, Krb5ConfNode>;
  /** The files read, in order (the top file first, then includes). */
  files: string[];
  problems: Krb5ConfProblem[];
}

export interface ParseKrb5ConfOptions {
  /** Name of the text's file (for problems and relative includes). */
  file?: string;
  /** Reads an included file; undefined when it cannot be read. */
  readFile?: (path: string) => string | undefined;
  /** Lists an includedir: file names (MIT reads names made of alphanumerics, '-' and '_', or ending in .conf). */
  listDir?: (dir: string) => string[] | undefined;
}

const MAX_INCLUDE_DEPTH = 8;

export function parseKrb5Conf(text: string, opts: ParseKrb5ConfOptions = {}): Krb5Conf {
  const conf: Krb5Conf = { sections: new Map(), files: [], problems: [] };
  parseInto(conf, text, opts.file ?? '(krb5.conf)', opts, 0);
  return conf;
}

function unquote(v: string): string {
  if (!(v.startsWith('"') && v.length >= 2)) return v;
  const inner = v.endsWith('"') ? v.slice(1, -1) : v.slice(1);
  return inner.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', b: '\b' })[c as 'n'] ?? c);
}

function parseInto(conf: Krb5Conf, text: string, file: string, opts: ParseKrb5ConfOptions, depth: number): void {
  conf.files.push(file);
  const problem = (line: number, message: string) => conf.problems.push({ file, line, message });
  let section: Krb5ConfNode | undefined;
  const stack: Krb5ConfNode[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = (lines[i] ?? '').trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const inc = /^(include|includedir|module)\s+(.+)$/.exec(line);
    if (inc && stack.length === 0) {
      const [, what, arg = ''] = inc;
      if (what === 'module') {
        problem(n, `profile module ${arg} is not supported (its relations are not read)`);
        continue;
      }
      if (depth >= MAX_INCLUDE_DEPTH) {
        problem(n, `${what} ${arg}: includes nested more than ${MAX_INCLUDE_DEPTH} deep`);
        continue;
      }
      if (!arg.startsWith('/')) problem(n, `${what} ${arg}: MIT requires an absolute path`);
      if (what === 'include') {
        const body = opts.readFile?.(arg);
        if (body === undefined) problem(n, `include ${arg}: cannot read it (MIT fails to load the whole profile)`);
        else parseInto(conf, body, arg, opts, depth + 1);
      } else {
        const names = opts.listDir?.(arg);
        if (names === undefined) problem(n, `includedir ${arg}: cannot list it`);
        else
          for (const name of names.filter((x) => /^[A-Za-z0-9_-]+$/.test(x) || x.endsWith('.conf')).sort()) {
            const p = `${arg.replace(/\/$/, '')}/${name}`;
            const body = opts.readFile?.(p);
            if (body !== undefined) parseInto(conf, body, p, opts, depth + 1);
          }
      }
      // an include ends the current section in MIT (each file starts outside any section)
      continue;
    }
    const sec = /^\[([^\]]*)\]\s*\*?$/.exec(line);
    if (sec) {
      if (stack.length) problem(n, `section [${sec[1]}] starts inside an unclosed { }`);
      stack.length = 0;
      const name = (sec[1] ?? '').trim();
      section = conf.sections.get(name);
      if (!section) {
        section = new Map();
        conf.sections.set(name, section);
      }
      continue;
    }
    if (/^}\s*\*?$/.test(line)) {
      if (!stack.length) problem(n, 'a } without a matching {');
      else stack.pop();
      continue;
    }
    const rel = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!rel) {
      problem(n, `not a relation (tag = value): ${line.slice(0, 60)}`);
      continue;
    }
    if (!section) {
      problem(n, 'a relation before any [section]');
      continue;
    }
    const node = stack[stack.length - 1] ?? section;
    const tag = rel[1] ?? '';
    let value = rel[2] ?? '';
    const list = node.get(tag) ?? [];
    node.set(tag, list);
    if (/^{\s*$/.test(value)) {
      const child: Krb5ConfNode = new Map();
      list.push(child);
      stack.push(child);
      continue;
    }
    value = value.replace(/\s+\*$/, '').trim();
    list.push(unquote(value));
  }
  if (stack.length) problem(lines.length, `${stack.length} unclosed { at the end of the file`);
}

// ---- lookups (MIT semantics) -----------------------------------------------------------------------------------

function strings(node: Krb5ConfNode | undefined, tag: string): string[] {
  return (node?.get(tag) ?? []).filter((v): v is string => typeof v === 'string');
}

export function libdefault(conf: Krb5Conf, tag: string): string | undefined {
  return strings(conf.sections.get('libdefaults'), tag)[0];
}

/** krb5.conf(5) booleans: y, yes, true, t, 1, on → true; n, no, false, nil, 0, off → false. */
export function confBool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (/^(y|yes|true|t|1|on)$/i.test(v)) return true;
  if (/^(n|no|false|nil|0|off)$/i.test(v)) return false;
  return dflt;
}

/** krb5.conf(5) durations: seconds, "5m", "1h30m", "1d", "h:m[:s]". */
export function confDuration(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const hms = /^(\d+):(\d+)(?::(\d+))?$/.exec(v);
  if (hms) return Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3] ?? 0);
  const re = /(\d+)\s*([dhms])/g;
  let total = 0;
  let any = false;
  for (const m of v.matchAll(re)) {
    any = true;
    total += Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'd'];
  }
  return any ? total : undefined;
}

export function realmEntry(conf: Krb5Conf, realm: string): Krb5ConfNode | undefined {
  const v = conf.sections
    .get('realms')
    ?.get(realm)
    ?.find((x): x is Krb5ConfNode => typeof x !== 'string');
  return v;
}

export function realmValues(conf: Krb5Conf, realm: string, tag: string): string[] {
  const node = conf.sections.get('realms')?.get(realm);
  return (node ?? []).flatMap((n) => (typeof n === 'string' ? [] : strings(n, tag)));
}

export interface KdcAddress {
  /** As written: host, host:port, [v6]:port, or a URL (MS-KKDCP https://...) */
  spec: string;
  host: string;
  port: number;
  /** 'udp'/'tcp' prefixes (MIT 1.13+: kdc = tcp/host) force the transport */
  transport?: 'udp' | 'tcp';
  https?: boolean;
}

/** Parses one `kdc =` value as MIT's locate_kdc does (locate_kdc.c parse_host_string). */
export function parseKdcSpec(spec: string, defaultPort = 88): KdcAddress | undefined {
  let s = spec.trim();
  if (!s) return undefined;
  if (/^https:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      return { spec, host: u.hostname, port: Number(u.port || 443), https: true };
    } catch {
      return undefined;
    }
  }
  let transport: 'udp' | 'tcp' | undefined;
  const t = /^(udp|tcp)\//i.exec(s);
  if (t) {
    transport = (t[1] ?? '').toLowerCase() as 'udp' | 'tcp';
    s = s.slice(t[0].length);
  }
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { spec, host: v6[1] ?? '', port: Number(v6[2] ?? defaultPort), transport };
  const hp = /^([^:\s]+)(?::(\d+))?$/.exec(s);
  if (!hp) return undefined;
  const port = Number(hp[2] ?? defaultPort);
  if (!(port > 0 && port < 65536)) return undefined;
  return { spec, host: hp[1] ?? '', port, transport };
}

/**
 * The realm of a host as MIT's krb5_get_host_realm finds it in [domain_realm]: an exact host entry, else the
 * longest ".domain" suffix entry. Undefined when no entry matches (MIT then tries DNS TXT if dns_lookup_realm,
 * then the host's own domain upper-cased — the referral/fallback realm).
 */
export function domainRealm(conf: Krb5Conf, host: string): string | undefined {
  const map = conf.sections.get('domain_realm');
  if (!map) return undefined;
  const h = host.toLowerCase().replace(/\.$/, '');
  const get = (k: string) => {
    for (const [tag, vals] of map) if (tag.toLowerCase() === k) return vals.find((v): v is string => typeof v === 'string');
    return undefined;
  };
  const exact = get(h);
  if (exact) return exact;
  for (let i = h.indexOf('.'); i >= 0; i = h.indexOf('.', i + 1)) {
    const r = get(h.slice(i));
    if (r) return r;
  }
  return undefined;
}

/** The enctype names of a list relation (space- or comma-separated, several relations allowed). */
export function enctypeList(conf: Krb5Conf, tag: string): string[] | undefined {
  const vals = strings(conf.sections.get('libdefaults'), tag);
  if (!vals.length) return undefined;
  return vals.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
}

/** The settings a Kerberos client takes from [libdefaults], with MIT's defaults. */
export interface ClientDefaults {
  defaultRealm?: string;
  dnsLookupKdc: boolean;
  dnsLookupRealm: boolean;
  dnsCanonicalizeHostname: boolean | 'fallback';
  rdns: boolean;
  udpPreferenceLimit: number;
  /** Allowed clock skew in seconds (default 300). */
  clockskew: number;
  /** kdc_timesync (default true): MIT corrects its clock from the KDC's reply */
  kdcTimesync: boolean;
  permittedEnctypes?: string[];
  defaultTktEnctypes?: string[];
  defaultTgsEnctypes?: string[];
  forwardable: boolean;
  ticketLifetime?: number;
  defaultCcacheName?: string;
  defaultClientKeytabName?: string;
}

export function clientDefaults(conf: Krb5Conf): ClientDefaults {
  const canon = libdefault(conf, 'dns_canonicalize_hostname');
  return {
    defaultRealm: libdefault(conf, 'default_realm'),
    dnsLookupKdc: confBool(libdefault(conf, 'dns_lookup_kdc') ?? libdefault(conf, 'dns_fallback'), true),
    dnsLookupRealm: confBool(libdefault(conf, 'dns_lookup_realm') ?? libdefault(conf, 'dns_fallback'), false),
    dnsCanonicalizeHostname: canon && /^fallback$/i.test(canon) ? 'fallback' : confBool(canon, true),
    rdns: confBool(libdefault(conf, 'rdns'), true),
    udpPreferenceLimit: Number(libdefault(conf, 'udp_preference_limit') ?? 1465) || 1465,
    clockskew: confDuration(libdefault(conf, 'clockskew')) ?? 300,
    kdcTimesync: confBool(libdefault(conf, 'kdc_timesync'), true),
    permittedEnctypes: enctypeList(conf, 'permitted_enctypes'),
    defaultTktEnctypes: enctypeList(conf, 'default_tkt_enctypes'),
    defaultTgsEnctypes: enctypeList(conf, 'default_tgs_enctypes'),
    forwardable: confBool(libdefault(conf, 'forwardable'), false),
    ticketLifetime: confDuration(libdefault(conf, 'ticket_lifetime')),
    defaultCcacheName: libdefault(conf, 'default_ccache_name'),
    defaultClientKeytabName: libdefault(conf, 'default_client_keytab_name'),
  };
}

/** The KDCs of a realm as written in [realms] (kdc = ..., then master_kdc/primary_kdc when no kdc is listed). */
export function realmKdcs(conf: Krb5Conf, realm: string): KdcAddress[] {
  const specs = realmValues(conf, realm, 'kdc');
  const list = specs.length ? specs : [...realmValues(conf, realm, 'primary_kdc'), ...realmValues(conf, realm, 'master_kdc')];
  return list.map((s) => parseKdcSpec(s)).filter((k): k is KdcAddress => k !== undefined);
}
