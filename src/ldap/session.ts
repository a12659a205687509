/**
 * An authenticated LDAP session to a domain controller, from the same inputs `kerbscope check` takes: krb5.conf
 * (KRB5_CONFIG), a ccache (KRB5CCNAME) or a password, the realm, the DC (--dc, else the DC locator's SRV record
 * `_ldap._tcp.dc._msdcs.DOMAIN`, else the realm's KDC from krb5.conf: an AD DC is both), the KDC (--kdc, krb5.conf,
 * `_kerberos._tcp` SRV, else the DC), DNS servers (--dns-server, else resolv.conf; /etc/hosts first). Then:
 *
 *   TCP 389 → rootDSE (anonymous: dnsHostName) → TGT (AS exchange, or the ccache's) → TGS ldap/<dnsHostName>
 *   → SASL GSSAPI bind with mutual authentication and a security layer.
 *
 * The Kerberos exchanges are check's own (src/check/kerberos.ts asExchange / tgsExchange); every step is bounded by
 * the timeout and a failure names its step.
 */
import { ccachePath, credsFromCcache, loadKrb5Conf, readCcache, readKeytab } from '../check/config.js';
import { asExchange, type KdcContext, tgsExchange } from '../check/kerberos.js';
import { getEnctype } from '../crypto/index.js';
import type { Fact } from '../facts/fact.js';
import { clientDefaults, parseKdcSpec, realmKdcs } from '../formats/krb5conf.js';
import { type Creds, DEFAULT_ENCTYPES, userKey } from '../krb/client.js';
import { dnsLookup, readHosts, readResolvConf } from '../net/dns.js';
import { ipVersion } from '../net/ip.js';
import type { KdcTarget } from '../net/kdc.js';
import type { EtypeInfo2Entry } from '../protocol/krb5/index.js';
import { type BindInfo, LdapClient, type RootDse } from './client.js';
import { LdapError } from './connection.js';

export interface SessionOptions {
  user?: string;
  password?: string;
  ccache?: string;
  realm?: string;
  /** the DC: HOST, IP, HOST:PORT or IP:PORT (port 389 by default, 3268 with gc) */
  dc?: string;
  /** search the forest through the global catalog (port 3268, MS-ADTS §3.1.1.1.8) instead of the domain */
  gc?: boolean;
  kdc?: string;
  dnsServer?: string;
  /** the SASL security layer to ask for when the server offers several (default: confidentiality) */
  saslLayer?: 'integrity' | 'confidentiality';
  /** GSSAPI (RFC 4752, default) or GSS-SPNEGO (what Windows' own LDAP client binds with) */
  saslMech?: 'GSSAPI' | 'GSS-SPNEGO';
  /** LDAPS (port 636, 3269 with gc) and a simple bind with the password instead of Kerberos */
  ldaps?: boolean;
  /** PEM CA certificate(s) the LDAPS certificate must chain to (default: the system's) */
  ca?: Uint8Array | string;
  /** a client keytab (-k, KRB5_CLIENT_KTNAME as check takes it): the TGT with its key instead of a password */
  clientKeytab?: string;
  timeoutMs: number;
  env?: Record<string, string | undefined>;
}

export type SessionStep = 'config' | 'discovery' | 'ldap-connect' | 'rootdse' | 'tgt' | 'service-ticket' | 'bind';

/** A failure of one step of opening the session, in words an admin can act on. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  constructor(
    readonly step: SessionStep,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export interface DirectorySession {
  client: LdapClient;
  realm: string;
  dc: { host: string; address: string; port: number; how: string };
  rootDse: RootDse;
  /** the naming context searched (defaultNamingContext) */
  baseDn: string;
  bind: BindInfo;
  user: string;
  credentials: 'password' | 'ccache' | 'keytab';
  /** the realm's KDCs as the session found them, for further exchanges with the same KDC (S4U for `delegation`) */
  kdc: { targets: KdcTarget[]; udpPreferenceLimit: number; etypes: number[] };
  /** the TGT of a Kerberos bind (undefined for an LDAPS simple bind): further tickets for the same user */
  tgt?: Creds;
  close(): Promise<void>;
}

function creds(cc: NonNullable<ReturnType<typeof readCcache>['cc']>, realm: string): Creds | undefined {
  const tgt = cc.credentials.find(
    (c) => c.kind === 'ticket' && c.server.components[0] === 'krbtgt' && c.server.components[1] === realm && c.server.realm === realm,
  );
  if (!tgt || (tgt.endtime && tgt.endtime.getTime() <= Date.now())) return undefined;
  return credsFromCcache(cc, tgt);
}

function hostPort(spec: string, dflt: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec);
  if (v6) return { host: v6[1] as string, port: Number(v6[2] ?? dflt) };
  const m = /^([^:]+):(\d+)$/.exec(spec);
  return m ? { host: m[1] as string, port: Number(m[2]) } : { host: spec, port: dflt };
}

/** Opens the session; the caller closes it. Throws SessionError naming the step. */
export async function openDirectorySession(o: SessionOptions): Promise<DirectorySession> {
  const env = o.env ?? process.env;
  const deadline = performance.now() + o.timeoutMs;
  const left = () => Math.round(Math.max(50, Math.min(o.timeoutMs, deadline - performance.now())));
  const conf = loadKrb5Conf(env).conf;
  const defaults = clientDefaults(conf);

  // ---- credentials and realm (as check: a password wins over the ccache)
  const kt = o.clientKeytab && o.password === undefined ? readKeytab(o.clientKeytab.replace(/^FILE:/, '')) : undefined;
  if (kt && !kt.kt) throw new SessionError('config', `client keytab ${o.clientKeytab}: ${kt.error}`);
  const ccPath = o.password === undefined && !kt ? ccachePath(o.ccache ?? env.KRB5CCNAME) : undefined;
  const cc = ccPath ? readCcache(ccPath).cc : undefined;
  const ccRealm = cc?.defaultPrincipal?.realm;
  const userRealm = o.user?.includes('@') ? o.user.slice(o.user.lastIndexOf('@') + 1) : undefined;
  const ktRealm = kt?.kt?.entries[0]?.principal.realm;
  const realm = o.realm ?? userRealm ?? (o.user ? undefined : (ccRealm ?? ktRealm)) ?? defaults.defaultRealm ?? ccRealm ?? ktRealm;
  if (!realm) throw new SessionError('config', 'no realm: give --realm, --user NAME@REALM, or set default_realm in krb5.conf');
  const userName = o.user
    ? o.user.includes('@')
      ? o.user.slice(0, o.user.lastIndexOf('@'))
      : o.user
    : (cc?.defaultPrincipal?.components.join('/') ?? kt?.kt?.entries[0]?.principal.components.join('/'));
  if (!userName)
    throw new SessionError('config', `no user: give --user and --password-stdin, or kinit first (no ccache at ${ccPath ?? '(none)'})`);
  const ccTgt =
    cc && o.password === undefined && (!o.user || cc.defaultPrincipal?.components.join('/') === userName) ? creds(cc, realm) : undefined;
  if (o.ldaps && o.password === undefined)
    throw new SessionError('config', 'an LDAPS simple bind needs the password (--user NAME --password-stdin)');
  // the client keytab's keys for this principal, highest kvno per enctype (as check)
  const ktEntries = kt?.kt?.entries.filter((e) => e.principal.components.join('/') === userName) ?? [];
  if (kt && !ktEntries.length) throw new SessionError('config', `client keytab ${o.clientKeytab} has no key for ${userName}`);
  if (o.password === undefined && !ccTgt && !kt)
    throw new SessionError(
      'config',
      ccPath
        ? `no valid TGT for ${realm} in the ccache ${ccPath} and no password (--password-stdin)`
        : 'no credentials: --user NAME --password-stdin, or KRB5CCNAME',
    );

  // ---- name resolution (hosts file, then the DNS servers given or resolv.conf; never the OS resolver)
  const dnsServers = o.dnsServer ? [o.dnsServer] : (readResolvConf()?.nameservers ?? []);
  const hosts = readHosts();
  const resolve = async (name: string): Promise<string | undefined> => {
    if (ipVersion(name)) return name;
    const h = hosts.get(name.toLowerCase())?.[0];
    if (h) return h;
    if (!dnsServers.length) return undefined;
    const rs = await dnsLookup(name, 'A', dnsServers, Math.min(2000, left()));
    return rs[rs.length - 1]?.answers.find((a) => a.type === 'A')?.data;
  };
  const srv = async (name: string): Promise<{ host: string; port: number }[]> => {
    if (!dnsServers.length) return [];
    const rs = await dnsLookup(name, 'SRV', dnsServers, Math.min(2000, left()));
    return (rs[rs.length - 1]?.answers ?? [])
      .filter((a) => a.type === 'SRV')
      .map((a) => a.data.split(' '))
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map((p) => ({ host: (p[3] ?? '').replace(/\.$/, ''), port: Number(p[2]) }))
      .filter((x) => x.host);
  };

  // ---- the DC
  const domain = realm.toLowerCase();
  let dc: { host: string; port: number; how: string } | undefined;
  const ldapPort = o.ldaps ? (o.gc ? 3269 : 636) : o.gc ? 3268 : 389;
  if (o.dc) dc = { ...hostPort(o.dc, ldapPort), how: '--dc' };
  else {
    const name = o.gc ? `_gc._tcp.${domain}` : `_ldap._tcp.dc._msdcs.${domain}`;
    const s = (await srv(name))[0];
    if (s) dc = { host: s.host, port: o.ldaps ? ldapPort : s.port, how: `SRV ${name}` };
    else {
      const k = realmKdcs(conf, realm)[0];
      if (k && !k.https) dc = { host: k.host, port: ldapPort, how: `krb5.conf [realms] ${realm} kdc` };
    }
  }
  if (!dc)
    throw new SessionError(
      'discovery',
      `no DC for ${domain}: no _ldap._tcp.dc._msdcs.${domain} SRV record and no kdc in krb5.conf; give --dc`,
    );
  const dcAddress = await resolve(dc.host);
  if (!dcAddress) throw new SessionError('discovery', `the DC ${dc.host} (${dc.how}) does not resolve`);

  // ---- the KDCs
  let kdcSpecs: { host: string; port: number; transport?: 'udp' | 'tcp' }[] = [];
  if (o.kdc) {
    const k = parseKdcSpec(o.kdc);
    if (k) kdcSpecs = [k];
  } else kdcSpecs = realmKdcs(conf, realm).filter((k) => !k.https);
  if (!kdcSpecs.length && !o.kdc && defaults.dnsLookupKdc) kdcSpecs = await srv(`_kerberos._tcp.${domain}`);
  const targets: KdcTarget[] = [];
  for (const k of kdcSpecs) {
    const a = await resolve(k.host);
    if (a) targets.push({ host: k.host, address: a, port: k.port, ...(k.transport ? { transport: k.transport } : {}) });
  }
  if (!targets.length) targets.push({ host: dc.host, address: dcAddress, port: 88 });
  const enctypes = (defaults.defaultTktEnctypes ?? defaults.permittedEnctypes ?? DEFAULT_ENCTYPES.map(String))
    .map((n) => (/^\d+$/.test(n) ? Number(n) : getEnctype(n)?.id))
    .filter((n): n is number => n !== undefined && getEnctype(n)?.implemented === true);
  const etypes = enctypes.length ? enctypes : [...DEFAULT_ENCTYPES];
  const kdc = { targets, udpPreferenceLimit: defaults.udpPreferenceLimit, etypes };

  // ---- LDAP: connect, rootDSE
  let client: LdapClient;
  try {
    if (o.ldaps && ipVersion(dc.host))
      throw new SessionError(
        'ldap-connect',
        `LDAPS checks the DC's certificate against its name: give --dc with the DC's DNS name, not ${dc.host}`,
      );
    client = await LdapClient.connect(
      dcAddress,
      dc.port,
      left(),
      o.ldaps ? { servername: dc.host, ...(o.ca ? { ca: o.ca } : {}) } : undefined,
    );
  } catch (e) {
    if (e instanceof SessionError) throw e;
    throw new SessionError('ldap-connect', (e as Error).message, e);
  }
  const fail = async (step: SessionStep, message: string, cause?: unknown): Promise<never> => {
    await client.close();
    throw new SessionError(step, message, cause);
  };
  let rootDse: RootDse;
  try {
    rootDse = await client.rootDse();
  } catch (e) {
    return fail('rootdse', `reading the rootDSE of ${dc.host} (${dcAddress}:${dc.port}): ${(e as Error).message}`, e);
  }
  const dcName = (rootDse.dnsHostName ?? (ipVersion(dc.host) ? undefined : dc.host))?.toLowerCase();
  if (!dcName)
    return fail('rootdse', `the rootDSE of ${dcAddress} has no dnsHostName, so the ldap/ SPN is unknown: give --dc with the DC's name`);
  // the global catalog is searched from the empty base: every domain of the forest (MS-ADTS §3.1.1.3.1.1.1)
  const baseDn = o.gc ? '' : (rootDse.defaultNamingContext ?? `DC=${domain.split('.').join(',DC=')}`);

  if (o.ldaps) {
    // a DN, DOMAIN\\user or a UPN as given; a bare name becomes name@dns-domain (AD's implicit UPN)
    const bindName = o.user && /[@\\=]/.test(o.user) ? o.user : `${userName}@${domain}`;
    let bind: BindInfo;
    try {
      bind = await client.bindSimple(bindName, o.password as string);
    } catch (e) {
      return fail('bind', (e as Error).message, e);
    }
    return {
      client,
      realm,
      dc: { host: dcName, address: dcAddress, port: dc.port, how: dc.how },
      rootDse,
      baseDn,
      bind,
      user: bindName,
      credentials: 'password',
      kdc,
      close: () => client.close(),
    };
  }

  // ---- Kerberos: TGT, then ldap/<dc>
  const facts: Fact[] = [];
  const where = { label: 'spn: directory bind' };
  const kctx: KdcContext = {
    realm,
    targets,
    deadline: performance.now() + left(),
    udpPreferenceLimit: defaults.udpPreferenceLimit,
    now: () => new Date(),
  };
  let tgt = ccTgt;
  if (!tgt) {
    const pw = o.password;
    const salt = `${realm}${userName.split('/').join('')}`;
    const keyFor =
      pw !== undefined
        ? (info: EtypeInfo2Entry[], req: readonly number[]) => userKey(pw, info, req, salt)
        : (info: EtypeInfo2Entry[], req: readonly number[]) => {
            for (const i of info.length ? info.map((x) => x.etype) : req) {
              const e = ktEntries.filter((x) => x.enctype === i).sort((a, b) => b.kvno - a.kvno)[0];
              if (e && req.includes(i)) return { enctype: e.enctype, key: e.key };
            }
            return undefined;
          };
    const r = await asExchange(kctx, userName, etypes, keyFor, where, facts);
    if (!r.creds)
      return fail('tgt', `no TGT for ${userName}@${realm} from ${targets.map((t) => `${t.address}:${t.port}`).join(', ')}: ${r.detail}`);
    tgt = r.creds;
  }
  const spn = ['ldap', dcName];
  const st = await tgsExchange({ ...kctx, deadline: performance.now() + left() }, tgt, spn, etypes, where, facts);
  if (!st.creds) return fail('service-ticket', `no service ticket for ${spn.join('/')}: ${st.detail}`);

  // ---- bind
  let bind: BindInfo;
  try {
    const prefer = o.saslLayer ? { prefer: o.saslLayer } : {};
    bind = o.saslMech === 'GSS-SPNEGO' ? await client.bindGssSpnego(st.creds, prefer) : await client.bindGssapi(st.creds, prefer);
  } catch (e) {
    return fail('bind', e instanceof LdapError ? e.message : `GSSAPI bind: ${(e as Error).message}`, e);
  }
  return {
    client,
    realm,
    dc: { host: dcName, address: dcAddress, port: dc.port, how: dc.how },
    rootDse,
    baseDn,
    bind,
    user: `${userName}@${realm}`,
    credentials: ccTgt ? 'ccache' : kt ? 'keytab' : 'password',
    kdc,
    tgt,
    close: () => client.close(),
  };
}
