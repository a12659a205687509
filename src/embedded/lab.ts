/**
 * `startEmbeddedLab()`: CONTOSO.COM in one process, on loopback. A KDC (UDP+TCP), an authoritative DNS server for
 * contoso.com and a Negotiate web server standing for iisserver.contoso.com, each on its own 127.x.y.z address;
 * a krb5.conf, the web server's keytab and the user's password in a state folder.
 *
 * Ports: as root (and unless `portBase` is given) the well-known ones, 88, 53 and 80, on fresh 127.x.y.z addresses
 * nothing else uses, so the URL carries no port, as in the catalogue's scenarios. Otherwise (no root needed) free
 * ports, or portBase, +1, +2: krb5.conf names the KDC's port and the SRV records carry it, `dnsServer` is
 * `address:port` (`kerbscope check --dns-server`), and the URL carries the web server's port. The SPN a client
 * builds leaves the port out (every client does by default), so it is still HTTP/iisserver.contoso.com.
 * Where loopback has 127.0.0.1 only (macOS), every host shares it, on free ports (`singleAddress`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from '../crypto/index.js';
import { encodeKeytab } from '../formats/keytab.js';
import { toHex } from '../wire/encoding.js';
import { ReplayCache, type ServiceKey } from './acceptor.js';
import { type CldapServer, startCldapServer } from './cldap.js';
import { type Account, DEFAULT_ACCOUNT_ENCTYPES, type Directory, passwordKeys, randomKeys } from './directory.js';
import { type DnsServer, startDnsServer, type ZoneRecord } from './dns.js';
import { type KdcServer, startKdcServer } from './kdc-server.js';
import { ntHash } from './ntlm.js';
import { startWebServer, type WebServer } from './web.js';

/** The scenarios this slice can stage, named as in lab/catalogue.ts. */
export const EMBEDDED_SCENARIOS = [
  'healthy',
  'missing-spn',
  'url-is-ip',
  'wrong-password',
  'unknown-user',
  'account-disabled',
  'account-locked',
  'password-expired',
  'clock-skew-as',
  'clock-skew-web',
  'clock-skew-web-behind',
  'keytab-stale-kvno',
  'keytab-wrong-key',
  'keytab-missing-enctype',
  'cname-alias',
  'spn-with-port',
  'ticket-not-for-server',
  'enctype-unsupported',
  'kdc-rejected',
  'kdc-dropped',
  'dns-dropped',
  'no-srv-records',
  'cname-canonical',
  'duplicate-spn',
  'spn-wrong-account',
  'dns-a-wrong',
  'ntlm-only',
  'basic-only',
  'token-too-large',
  'ldap-blocked',
  'ntlm-fallback',
  'clock-skew-tgs',
] as const;
export type EmbeddedScenario = (typeof EMBEDDED_SCENARIOS)[number];

export interface EmbeddedLabOptions {
  scenario?: EmbeddedScenario;
  /** KDC on portBase, DNS on portBase+1, web on portBase+2 (default: 88/53/80 as root, else free ports) */
  portBase?: number;
  /**
   * every host on 127.0.0.1 (free ports): for a loopback that has no other address (macOS). Chosen by itself when
   * a 127.201.x.y address cannot be bound (EADDRNOTAVAIL).
   */
  singleAddress?: boolean;
  /** 88/53/80 (needs root) or free ports; default: well-known as root unless portBase is given */
  wellKnownPorts?: boolean;
  /** state folder (default: a fresh one under the OS temp folder, removed by stop()) */
  dir?: string;
  /** keep the state folder on stop() */
  keep?: boolean;
  /** first of two consecutive loopback addresses (default: a random 127.x.y.z) */
  address?: string;
  /** the KDC's UDP reply limit before KRB_ERR_RESPONSE_TOO_BIG (default 1465, Windows') */
  udpMax?: number;
}

export interface EmbeddedLab {
  scenario: EmbeddedScenario;
  realm: string;
  /** path of the krb5.conf to use as KRB5_CONFIG */
  krb5Conf: string;
  keytab: string;
  ccache: string;
  /** john@CONTOSO.COM (or what the scenario has the user type) */
  user: string;
  password: string;
  url: string;
  spn: string;
  /** `address:port` */
  kdc: string;
  /** the DNS server for `kerbscope check --dns-server`: its address, with `:port` when that is not 53 */
  dnsServer: string;
  hosts: { dc: string; web: string };
  ports: { kdc: number; dns: number; http: number };
  dir: string;
  /** milliseconds from the call to ready */
  startMs: number;
  /** cldap: only on the well-known ports (the DC locator pings UDP 389; an AD domain's SRV records then exist) */
  servers: { kdc: KdcServer; dns: DnsServer; web: WebServer; cldap?: CldapServer };
  /** the accounts and keys the KDC serves (tests verify PAC signatures with the krbtgt key) */
  directory: Directory;
  /**
   * Moves the KDC's and the web server's clocks (milliseconds from the real time). clock-skew-tgs is staged with
   * it: a TGT obtained first, then both servers 10 minutes behind, as a client whose clock jumped ahead.
   */
  setClock(offsets: { kdc?: number; web?: number }): void;
  stop(): Promise<void>;
}

const REALM = 'CONTOSO.COM';
const DOMAIN = 'contoso.com';
const TEN_MINUTES = 10 * 60_000;
/** the domain's objectGUID (any fixed value: it names this lab's CONTOSO) */
const domainGuid = Uint8Array.from([0x4b, 0x53, 0x43, 0x4f, 0x4e, 0x54, 0x4f, 0x53, 0x4f, 0x2d, 0x4c, 0x41, 0x42, 0x2d, 0x30, 0x31]);

function randomAddress(): string {
  const b = randomBytes(3);
  // 127.201.x.y with y a multiple of 4 in 4..248 so y+1 and y+2 stay in the /24
  return `127.201.${b[1] ?? 0}.${4 + ((b[2] ?? 0) % 62) * 4}`;
}

function nextAddress(a: string): string {
  const p = a.split('.').map(Number);
  return `${p[0]}.${p[1]}.${p[2]}.${(p[3] ?? 0) + 1}`;
}

function ptrName(a: string): string {
  return `${a.split('.').reverse().join('.')}.in-addr.arpa`;
}

function randomPassword(): string {
  return `Cz-${toHex(randomBytes(6))}!`;
}

export async function startEmbeddedLab(o: EmbeddedLabOptions = {}): Promise<EmbeddedLab> {
  const t0 = performance.now();
  const scenario = o.scenario ?? 'healthy';
  if (!EMBEDDED_SCENARIOS.includes(scenario)) throw new RangeError(`unknown embedded scenario ${scenario}`);
  const ownDir = !o.dir;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'kerbscope-lab-'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  const password = randomPassword();
  const svcPassword = randomPassword();
  const spn = `HTTP/iisserver.${DOMAIN}`;
  const svcKvno = scenario === 'keytab-stale-kvno' ? 3 : 2;
  const user: Account = {
    name: 'john',
    kind: 'user',
    kvno: 1,
    keys: passwordKeys(REALM, 'john', password, DEFAULT_ACCOUNT_ENCTYPES),
    spns: [],
    rid: 1105,
    fullName: 'John Doe',
    disabled: scenario === 'account-disabled',
    locked: scenario === 'account-locked',
    passwordExpired: scenario === 'password-expired',
  };
  const svc: Account = {
    name: 'svc-web',
    kind: 'service',
    kvno: svcKvno,
    keys: passwordKeys(REALM, 'svc-web', svcPassword, DEFAULT_ACCOUNT_ENCTYPES),
    // the port SPN only: a client that leaves the port out (all of them by default) asks for a name nobody has
    spns: [spn, `HTTP/portsrv.${DOMAIN}:8080`, `HTTP/app.${DOMAIN}`],
    rid: 1106,
    fullName: 'IIS application pool',
  };
  // webalias.contoso.com's SPN is on another account: the web server's keytab cannot open tickets for it
  const alias: Account = {
    name: 'svc-alias',
    kind: 'service',
    kvno: 2,
    keys: passwordKeys(REALM, 'svc-alias', randomPassword(), DEFAULT_ACCOUNT_ENCTYPES),
    spns: [`HTTP/webalias.${DOMAIN}`],
    rid: 1107,
    fullName: 'another application pool',
  };
  // an account with an RC4 key only (msDS-SupportedEncryptionTypes = 0x4): an AES-only client gets no ticket
  const legacy: Account = {
    name: 'svc-legacy',
    kind: 'service',
    kvno: 2,
    keys: passwordKeys(REALM, 'svc-legacy', randomPassword(), [23]),
    spns: [`HTTP/legacy.${DOMAIN}`],
    rid: 1108,
    fullName: 'legacy application',
  };
  // kadmin/changepw is an SPN of krbtgt in AD: a user whose password expired gets a ticket for it, to change it
  const krbtgt: Account = {
    name: 'krbtgt',
    kind: 'krbtgt',
    kvno: 2,
    keys: randomKeys([18, 17]),
    spns: ['kadmin/changepw'],
    rid: 502,
    fullName: '',
  };
  // the account-state users of the real labs (the catalogue's probes name them), with john's password
  const stateUser = (name: string, rid: number, state: Pick<Account, 'disabled' | 'locked' | 'passwordExpired'>): Account => ({
    name,
    kind: 'user',
    kvno: 1,
    keys: passwordKeys(REALM, name, password, DEFAULT_ACCOUNT_ENCTYPES),
    spns: [],
    rid,
    fullName: name,
    ...state,
  });
  // the directory's misconfigurations (setspn's view): a second owner, the SPN moved, a site's SPN added
  if (scenario === 'duplicate-spn') alias.spns.push(spn);
  if (scenario === 'spn-wrong-account') {
    svc.spns = svc.spns.filter((x) => x !== spn);
    alias.spns.push(spn);
  }
  if (scenario === 'token-too-large') svc.spns.push(`HTTP/websmall.${DOMAIN}`);
  const dirObj: Directory = {
    realm: REALM,
    domainSid: 'S-1-5-21-3623811015-3361044348-30300820',
    netbios: 'CONTOSO',
    accounts: [
      krbtgt,
      user,
      svc,
      alias,
      legacy,
      stateUser('disableduser', 1110, { disabled: true }),
      stateUser('lockeduser', 1111, { locked: true }),
      stateUser('expireduser', 1112, { passwordExpired: true }),
    ],
  };

  // The web server's keytab: the current keys, or (stale kvno) the keys of the password before the last reset
  // (stale kvno), or keys of another password under the current kvno (wrong key: a keytab made with a typo)
  const keytabKeys: ServiceKey[] =
    scenario === 'keytab-stale-kvno' || scenario === 'keytab-wrong-key'
      ? passwordKeys(REALM, 'svc-web', randomPassword(), DEFAULT_ACCOUNT_ENCTYPES).map((k) => ({
          principal: `${spn}@${REALM}`,
          kvno: scenario === 'keytab-stale-kvno' ? svcKvno - 1 : svcKvno,
          enctype: k.enctype,
          key: k.key,
        }))
      : svc.keys
          // keytab-missing-enctype: exported with aes128 only while tickets come in aes256
          .filter((k) => scenario !== 'keytab-missing-enctype' || k.enctype === 17)
          .map((k) => ({ principal: `${spn}@${REALM}`, kvno: svcKvno, enctype: k.enctype, key: k.key }));

  const root = process.getuid?.() === 0;
  let single = o.singleAddress === true;
  // on the one address 127.0.0.1 the well-known ports may be the system's own (macOS runs a KDC on 88)
  let wellKnown = o.portBase === undefined && !single && (o.wellKnownPorts ?? root);
  // the DC locator pings UDP 389 and probes TCP 389, whatever the SRV records say: no other port can stand for it
  if (scenario === 'ldap-blocked' && !wellKnown) {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw new RangeError('ldap-blocked needs the well-known ports (389 for CLDAP/LDAP): run as root, without --port-base');
  }
  const port = (well: number, off: number) => (wellKnown ? well : o.portBase !== undefined ? o.portBase + off : 0);
  const clock = {
    kdc: scenario === 'clock-skew-as' ? -TEN_MINUTES : 0,
    web: scenario === 'clock-skew-web' ? TEN_MINUTES : scenario === 'clock-skew-web-behind' ? -TEN_MINUTES : 0,
  };

  let servers: EmbeddedLab['servers'] | undefined;
  let dcAddrForCldap = '';
  const cldapServer = () =>
    wellKnown
      ? startCldapServer({
          host: dcAddrForCldap,
          port: 389,
          dnsDomain: DOMAIN,
          netbiosDomain: 'CONTOSO',
          dcName: `dc1.${DOMAIN}`,
          domainGuid: domainGuid,
          silent: scenario === 'ldap-blocked',
        })
      : undefined;
  let dcAddr = '';
  let webAddr = '';
  for (let attempt = 0; attempt < 8 && !servers; attempt++) {
    dcAddr = single ? '127.0.0.1' : (o.address ?? randomAddress());
    dcAddrForCldap = dcAddr;
    /** the DC's address, the one after it (iisserver), and the one after that (webalias) */
    const nth = (n: 0 | 1 | 2) => (single || n === 0 ? dcAddr : n === 1 ? nextAddress(dcAddr) : nextAddress(nextAddress(dcAddr)));
    // ticket-not-for-server: the site webalias.contoso.com has an address of its own (an IIS site binding) on
    // the same server, whose keytab holds only iisserver's key
    // dns-a-wrong: iisserver's A record names that address, where another site (webalias) answers
    const elsewhere = scenario === 'ticket-not-for-server' || scenario === 'dns-a-wrong';
    webAddr = nth(elsewhere ? 2 : 1);
    const started: { close(): Promise<void> }[] = [];
    try {
      const kdc = await startKdcServer({
        host: dcAddr,
        port: port(88, 0),
        dir: dirObj,
        now: () => new Date(Date.now() + clock.kdc),
        udpMax: o.udpMax,
        silent: scenario === 'kdc-dropped',
        // clock-skew-tgs: the first TGT is issued with good clocks; then the KDC and the web server fall 10 minutes
        // behind, as if the client's clock had jumped ahead after its logon: its next TGS-REQ is "in the future"
        onEvent: (e) => {
          if (scenario === 'clock-skew-tgs' && e.reply === 'AS-REP' && e.server?.toLowerCase().startsWith('krbtgt/')) {
            clock.kdc = -TEN_MINUTES;
            clock.web = -TEN_MINUTES;
          }
        },
        // token-too-large: the user is in 300 groups, every one in the PAC's logon info (8 bytes each)
        extraGroups: scenario === 'token-too-large' ? Array.from({ length: 300 }, (_, i) => 5000 + i) : undefined,
      });
      started.push(kdc);
      const web = await startWebServer({
        host: webAddr,
        port: scenario === 'spn-with-port' && wellKnown ? 8080 : port(80, 2),
        realm: REALM,
        ...(scenario === 'dns-a-wrong'
          ? {
              spn: `HTTP/webalias.${DOMAIN}`,
              keys: alias.keys.map((k) => ({
                principal: `HTTP/webalias.${DOMAIN}@${REALM}`,
                kvno: alias.kvno,
                enctype: k.enctype,
                key: k.key,
              })),
            }
          : { spn, keys: keytabKeys }),
        offer: scenario === 'ntlm-only' ? 'NTLM' : scenario === 'basic-only' ? 'Basic' : undefined,
        // token-too-large: a header limit the user's Negotiate header (300 groups in the PAC) exceeds
        maxFieldSize: scenario === 'token-too-large' ? 4096 : undefined,
        // ntlm-fallback: IIS's Negotiate provider takes NTLM when the client could get no ticket (no SPN for the site)
        ntlm:
          scenario === 'ntlm-fallback'
            ? {
                netbiosDomain: 'CONTOSO',
                dnsDomain: DOMAIN,
                dnsComputer: `iisserver.${DOMAIN}`,
                accounts: [{ name: 'john', ntHash: ntHash(password) }],
                now: () => new Date(Date.now() + clock.web),
              }
            : undefined,
        now: () => new Date(Date.now() + clock.web),
        replay: new ReplayCache(),
      });
      started.push(web);
      const zone: ZoneRecord[] = [
        { name: `dc1.${DOMAIN}`, type: 'A', data: dcAddr },
        { name: `iisserver.${DOMAIN}`, type: 'A', data: scenario === 'dns-a-wrong' ? webAddr : nth(1) },
        { name: `webntlm.${DOMAIN}`, type: 'A', data: webAddr },
        { name: `webbasic.${DOMAIN}`, type: 'A', data: webAddr },
        { name: `webfallback.${DOMAIN}`, type: 'A', data: webAddr },
        { name: `websmall.${DOMAIN}`, type: 'A', data: webAddr },
        { name: `nospn.${DOMAIN}`, type: 'A', data: webAddr },
        { name: `www.${DOMAIN}`, type: 'CNAME', data: `iisserver.${DOMAIN}` },
        // cname-canonical: app is an alias of webhost; the SPN is registered for the alias only
        { name: `app.${DOMAIN}`, type: 'CNAME', data: `webhost.${DOMAIN}` },
        { name: `webhost.${DOMAIN}`, type: 'A', data: webAddr },
        { name: `portsrv.${DOMAIN}`, type: 'A', data: webAddr },
        { name: `webalias.${DOMAIN}`, type: 'A', data: nth(2) },
        { name: `legacy.${DOMAIN}`, type: 'A', data: webAddr },
        // no-srv-records: the DC locator finds nothing (Windows error 1355)
        ...(scenario === 'no-srv-records'
          ? []
          : [
              { name: `_kerberos._udp.${DOMAIN}`, type: 'SRV' as const, data: `0 100 ${kdc.port} dc1.${DOMAIN}` },
              { name: `_kerberos._tcp.${DOMAIN}`, type: 'SRV' as const, data: `0 100 ${kdc.port} dc1.${DOMAIN}` },
              // an AD domain's DC locator records (MS-ADTS §6.3.2.3), where the CLDAP responder is on 389
              ...(wellKnown
                ? [
                    { name: `_ldap._tcp.dc._msdcs.${DOMAIN}`, type: 'SRV' as const, data: `0 100 389 dc1.${DOMAIN}` },
                    { name: `_ldap._tcp.${DOMAIN}`, type: 'SRV' as const, data: `0 100 389 dc1.${DOMAIN}` },
                    { name: `_kerberos._tcp.dc._msdcs.${DOMAIN}`, type: 'SRV' as const, data: `0 100 ${kdc.port} dc1.${DOMAIN}` },
                  ]
                : []),
            ]),
        // one address, one name: 127.0.0.1 is the site's when everything shares it (webalias when the site is
        // webalias: a PTR naming iisserver would make iisserver's the A record the site should have, dns-a-wrong)
        ...(single
          ? [
              {
                name: ptrName(dcAddr),
                type: 'PTR' as const,
                data: `${elsewhere ? 'webalias' : 'iisserver'}.${DOMAIN}`,
              },
            ]
          : [
              { name: ptrName(dcAddr), type: 'PTR' as const, data: `dc1.${DOMAIN}` },
              { name: ptrName(nth(1)), type: 'PTR' as const, data: `iisserver.${DOMAIN}` },
              { name: ptrName(nth(2)), type: 'PTR' as const, data: `webalias.${DOMAIN}` },
            ]),
      ];
      const dns = await startDnsServer({ host: dcAddr, port: port(53, 1), zone, silent: scenario === 'dns-dropped' });
      started.push(dns);
      const cldap = cldapServer ? await cldapServer() : undefined;
      if (cldap) started.push(cldap);
      servers = { kdc, dns, web, ...(cldap ? { cldap } : {}) };
    } catch (e) {
      for (const s of started.reverse()) await s.close();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' && !o.address && !single) {
        single = true;
        wellKnown = false;
        continue;
      }
      if (o.address || (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL')) {
        if (ownDir) rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }
  if (!servers) throw new Error('no free loopback address for the embedded lab');
  const { kdc, dns, web, cldap } = servers;
  // without the well-known ports the site is not on 8080: the SPN carries the port the site is really on, so the
  // port form a client could try (check's host:port question) names it, as on the real lab
  if (!wellKnown) svc.spns = svc.spns.map((x) => (x.startsWith(`HTTP/portsrv.${DOMAIN}:`) ? `HTTP/portsrv.${DOMAIN}:${web.port}` : x));
  // kdc-rejected: the KDC's address answers, its port 88 refuses (ICMP port unreachable, TCP RST)
  if (scenario === 'kdc-rejected') await kdc.close();

  const locate = scenario === 'no-srv-records' || scenario === 'dns-dropped';
  const krb5Conf = join(dir, 'krb5.conf');
  const keytab = join(dir, 'http.keytab');
  const ccache = join(dir, 'ccache');
  writeFileSync(
    krb5Conf,
    [
      '# kerbscope embedded lab (CONTOSO.COM on loopback)',
      '[libdefaults]',
      `  default_realm = ${REALM}`,
      // where the scenario is about finding the KDC, the client looks it up in DNS (SRV) instead of krb5.conf
      `  dns_lookup_kdc = ${locate}`,
      '  dns_lookup_realm = false',
      `  dns_canonicalize_hostname = ${scenario === 'cname-canonical'}`,
      '  rdns = false',
      ...(scenario === 'clock-skew-as' ? ['  kdc_timesync = 0'] : []),
      ...(scenario === 'enctype-unsupported'
        ? ['default_tkt_enctypes', 'default_tgs_enctypes', 'permitted_enctypes'].map(
            (k) => `  ${k} = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96`,
          )
        : []),
      `  default_ccache_name = FILE:${ccache}`,
      '',
      ...(locate ? [] : ['[realms]', `  ${REALM} = {`, `    kdc = ${dcAddr}:${kdc.port}`, '  }', '']),
      '[domain_realm]',
      `  .${DOMAIN} = ${REALM}`,
      `  ${DOMAIN} = ${REALM}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  writeFileSync(
    keytab,
    encodeKeytab({
      entries: keytabKeys.map((k) => ({
        principal: { realm: REALM, components: spn.split('/'), nameType: 1 },
        kvno: k.kvno,
        enctype: k.enctype,
        key: k.key,
        timestamp: new Date(),
      })),
    }),
    { mode: 0o600 },
  );
  const userName = scenario === 'unknown-user' ? 'nobody' : 'john';
  const typed = scenario === 'wrong-password' ? 'NotThePassw0rd!' : password;
  writeFileSync(join(dir, 'password'), `${typed}\n`, { mode: 0o600 });
  const HOSTS: Partial<Record<EmbeddedScenario, string>> = {
    'missing-spn': `nospn.${DOMAIN}`,
    'url-is-ip': webAddr,
    'cname-alias': `www.${DOMAIN}`,
    'spn-with-port': `portsrv.${DOMAIN}`,
    'ticket-not-for-server': `webalias.${DOMAIN}`,
    'enctype-unsupported': `legacy.${DOMAIN}`,
    'cname-canonical': `app.${DOMAIN}`,
    'ntlm-only': `webntlm.${DOMAIN}`,
    'basic-only': `webbasic.${DOMAIN}`,
    'ntlm-fallback': `webfallback.${DOMAIN}`,
    'token-too-large': `websmall.${DOMAIN}`,
  };
  const host = HOSTS[scenario] ?? `iisserver.${DOMAIN}`;
  const httpPort = web.port === 80 ? '' : `:${web.port}`;
  let stopped = false;
  return {
    scenario,
    realm: REALM,
    krb5Conf,
    keytab,
    ccache,
    user: `${userName}@${REALM}`,
    password: typed,
    url: `http://${host}${httpPort}/`,
    spn: `HTTP/${host}`,
    kdc: `${dcAddr}:${kdc.port}`,
    dnsServer: dns.port === 53 ? dcAddr : `${dcAddr}:${dns.port}`,
    hosts: { dc: dcAddr, web: webAddr },
    ports: { kdc: kdc.port, dns: dns.port, http: web.port },
    dir,
    startMs: Math.round(performance.now() - t0),
    servers,
    directory: dirObj,
    setClock(offsets) {
      if (offsets.kdc !== undefined) clock.kdc = offsets.kdc;
      if (offsets.web !== undefined) clock.web = offsets.web;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([kdc.close(), dns.close(), web.close(), cldap?.close()]);
      if (ownDir && !o.keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}
