// MIT krb5 KDC (krb5kdc 1.20) for CONTOSO.COM in the server namespace, with every principal and keytab the
// catalogue needs created up front (kdb5_util + kadmin.local take ~0.3 s, so each base gets a fresh database).
// Recipes: ../shared/lab/scripts/mit-kdc-up.sh, RECIPES §2.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Apache, apacheRestart, apacheUp, type Vhost, writeNtlmUsers } from '../apache.js';
import type { Janitor } from '../janitor.js';
import { DOMAIN, REALM, WEB_CNAMES, WEB_HOSTS, writeClientConfs } from '../krb5conf.js';
import { IP, type LabNet } from '../netns.js';
import { must, run, spawnDaemon, waitTcp } from '../proc.js';
import type { DnsOps, LabEnv } from '../types.js';

export const MIT_USER = 'john';
export const MIT_PASSWORD = 'Passw0rd!John1';
/** users for the account-state scenarios (all with MIT_PASSWORD) */
export const MIT_USERS = { disabled: 'disableduser', locked: 'lockeduser', expired: 'expireduser' } as const;

export interface MitKdc {
  dir: string;
  ip: string;
  pid: number;
  /** environment for kadmin.local / kdb5_util */
  adminEnv: NodeJS.ProcessEnv;
  /** keytab files by role */
  keytabs: Record<string, string>;
  kadmin(cmds: string[]): Promise<string>;
}

export interface MitBase {
  env: LabEnv;
  kdc: MitKdc;
  apache: Apache;
}

const SERVICES = [
  'HTTP/iisserver.contoso.com',
  'HTTP/webstale.contoso.com',
  'HTTP/webwrongkey.contoso.com',
  'HTTP/webenc.contoso.com',
  'HTTP/webalias.contoso.com',
  'HTTP/otherweb.contoso.com',
  'HTTP/portsrv.contoso.com:8080',
  'HTTP/app.contoso.com',
  'HTTP/websmall.contoso.com',
];

function kdcConf(dir: string, ip: string): string {
  return `[kdcdefaults]
    kdc_listen = ${ip}:88
    kdc_tcp_listen = ${ip}:88
[realms]
    ${REALM} = {
        database_name = ${dir}/db/principal
        admin_keytab = FILE:${dir}/kadm5.keytab
        acl_file = ${dir}/kadm5.acl
        key_stash_file = ${dir}/stash
        kadmind_listen = ${ip}:749
        max_life = 10h 0m 0s
        max_renewable_life = 7d 0h 0m 0s
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
        default_principal_flags = +preauth
    }
[logging]
    kdc = FILE:${dir}/kdc.log
    default = FILE:${dir}/krb5lib.log
`;
}

async function ktutil(script: string, env: NodeJS.ProcessEnv): Promise<void> {
  await must(['ktutil'], { input: script, env });
}

export async function mitKdcUp(dir: string, net: LabNet, janitor: Janitor): Promise<MitKdc> {
  const ip = IP.dc;
  mkdirSync(join(dir, 'db'), { recursive: true });
  writeFileSync(join(dir, 'kdc.conf'), kdcConf(dir, ip));
  writeFileSync(join(dir, 'kadm5.acl'), `*/admin@${REALM} *\n`);
  writeClientConfs(dir, ip);
  const adminEnv = { ...process.env, KRB5_CONFIG: join(dir, 'krb5.conf'), KRB5_KDC_PROFILE: join(dir, 'kdc.conf') };
  const kadmin = async (cmds: string[]): Promise<string> => {
    const r = await must(['kadmin.local'], { input: `${cmds.join('\n')}\nquit\n`, env: adminEnv });
    return r.stdout + r.stderr;
  };
  const kt = (n: string) => join(dir, `${n}.keytab`);
  const keytabs = {
    http: kt('http'),
    stale: kt('stale'),
    staleCurrent: kt('stale-current'),
    wrongKey: kt('wrongkey'),
    encFull: kt('webenc-full'),
    encAes128: kt('webenc-aes128only'),
    other: kt('otherweb'),
    port: kt('portsrv'),
    app: kt('app'),
    small: kt('websmall'),
    legacy: kt('legacy'),
    decrypt: kt('decrypt-all'),
  };
  await must(['kdb5_util', 'create', '-s', '-r', REALM, '-P', 'MasterKey-Test-Only1'], { env: adminEnv });
  await kadmin([
    `addprinc -pw ${MIT_PASSWORD} ${MIT_USER}`,
    `addprinc -pw ${MIT_PASSWORD} -allow_tix ${MIT_USERS.disabled}`,
    'addpol -maxfailure 3 -failurecountinterval 0 -lockoutduration 10min lockout',
    `addprinc -pw ${MIT_PASSWORD} -policy lockout ${MIT_USERS.locked}`,
    // expired a day ago: "now" raced a kinit run in the same second ("will expire in less than one hour")
    `addprinc -pw ${MIT_PASSWORD} -pwexpire yesterday ${MIT_USERS.expired}`,
    ...SERVICES.map((s) => `addprinc -randkey ${s}`),
    // an account with only an RC4 key: an AES-only client finds no common enctype (KDC_ERR_ETYPE_NOSUPP)
    'addprinc -randkey -e arcfour-hmac:normal HTTP/legacy.contoso.com',
    // MIT assumes every service takes AES session keys unless session_enctypes says otherwise (the AD analogue
    // is msDS-SupportedEncryptionTypes)
    'setstr HTTP/legacy.contoso.com session_enctypes arcfour-hmac',
    `ktadd -k ${keytabs.http} HTTP/iisserver.contoso.com`, // kvno 2
    `ktadd -k ${keytabs.stale} HTTP/webstale.contoso.com`, // kvno 2: stale once the next line runs
    `ktadd -k ${keytabs.staleCurrent} HTTP/webstale.contoso.com`, // kvno 3 = what the KDC issues
    `ktadd -k ${keytabs.encFull} HTTP/webenc.contoso.com`,
    `ktadd -k ${keytabs.other} HTTP/otherweb.contoso.com`,
    `ktadd -k ${keytabs.port} HTTP/portsrv.contoso.com:8080`,
    `ktadd -k ${keytabs.app} HTTP/app.contoso.com`,
    `ktadd -k ${keytabs.small} HTTP/websmall.contoso.com`,
    `ktadd -k ${keytabs.legacy} -e arcfour-hmac:normal HTTP/legacy.contoso.com`,
  ]);
  // right kvno (1, from addprinc -randkey) but a key derived from another password → KRB_AP_ERR_BAD_INTEGRITY
  const wrong = (e: string) => `addent -password -p HTTP/webwrongkey.contoso.com@${REALM} -k 1 -e ${e}\nNotTheRealKey1\n`;
  await ktutil(`${wrong('aes256-cts-hmac-sha1-96')}${wrong('aes128-cts-hmac-sha1-96')}wkt ${keytabs.wrongKey}\nquit\n`, adminEnv);
  // keytab without the enctype the KDC uses for tickets (aes256): only the aes128 entry of the real keys
  const list = await must(['klist', '-ke', keytabs.encFull], { env: adminEnv });
  const slots = list.stdout.split('\n').filter((l) => /^\s+\d+ /.test(l));
  const aes256Slot = slots.findIndex((l) => l.includes('aes256-cts'));
  if (aes256Slot < 0) throw new Error(`no aes256 key in ${keytabs.encFull}:\n${list.stdout}`);
  await ktutil(`rkt ${keytabs.encFull}\ndelent ${aes256Slot + 1}\nwkt ${keytabs.encAes128}\nquit\n`, adminEnv);
  // every key, current kvno, for tshark (-norandkey keeps them)
  await kadmin([`ktadd -norandkey -k ${keytabs.decrypt} krbtgt/${REALM} ${MIT_USER} ${SERVICES.join(' ')} HTTP/legacy.contoso.com`]);
  const pid = spawnDaemon([...net.serverExec, 'krb5kdc', '-n', '-P', join(dir, 'krb5kdc.pid.kdc')], join(dir, 'krb5kdc.stdout'), adminEnv);
  janitor.add({ kind: 'pid', pid, name: 'krb5kdc' });
  await waitTcp(ip, 88, 10_000, net.server);
  return { dir, ip, pid, adminEnv, keytabs, kadmin };
}

/** Lab DNS for the MIT world: lab/dns-server.ts in the server namespace, zone edited as JSON. */
export async function labDnsUp(dir: string, net: LabNet, janitor: Janitor): Promise<DnsOps> {
  const zoneFile = join(dir, 'zone.json');
  type Rec = { name: string; type: 'A' | 'CNAME' | 'SRV'; data: string };
  const records: Rec[] = [
    { name: 'kdc.contoso.com', type: 'A', data: IP.dc },
    { name: 'dc1.contoso.com', type: 'A', data: IP.dc },
    { name: 'contoso.com', type: 'A', data: IP.dc },
    ...Object.entries(WEB_HOSTS).map(([name, ip]) => ({ name, type: 'A' as const, data: ip })),
    ...Object.entries(WEB_CNAMES).map(([name, t]) => ({ name, type: 'CNAME' as const, data: t })),
    { name: '_kerberos._udp.contoso.com', type: 'SRV', data: '0 100 88 kdc.contoso.com' },
    { name: '_kerberos._tcp.contoso.com', type: 'SRV', data: '0 100 88 kdc.contoso.com' },
    { name: '_kerberos-master._udp.contoso.com', type: 'SRV', data: '0 100 88 kdc.contoso.com' },
    { name: '_kpasswd._udp.contoso.com', type: 'SRV', data: '0 100 464 kdc.contoso.com' },
  ];
  let seq = 0;
  const save = () => {
    // a new mtime for every edit even within one millisecond: write a temp file then rename
    writeFileSync(`${zoneFile}.${++seq}`, JSON.stringify({ records }, null, 1));
    return must(['mv', '-f', `${zoneFile}.${seq}`, zoneFile]);
  };
  await save();
  const script = new URL('../dns-server.ts', import.meta.url).pathname;
  const pid = spawnDaemon([...net.serverExec, process.execPath, '--import', 'tsx', script, zoneFile, IP.dc], join(dir, 'dns.log'), {
    ...process.env,
    NODE_OPTIONS: '',
  });
  janitor.add({ kind: 'pid', pid, name: 'node' });
  await waitTcp(IP.dc, 53, 20_000, net.server);
  const ops: DnsOps = {
    async set(name, type, data) {
      for (let i = records.length - 1; i >= 0; i--) {
        const r = records[i];
        if (r && r.name === name && r.type === type) records.splice(i, 1);
      }
      records.push({ name, type, data });
      await save();
    },
    async remove(name, type, data) {
      for (let i = records.length - 1; i >= 0; i--) {
        const r = records[i];
        if (r && r.name === name && r.type === type && (data === undefined || r.data === data)) records.splice(i, 1);
      }
      await save();
    },
    async removeKerberosSrv() {
      const removed = records.filter((r) => r.type === 'SRV');
      for (const r of removed) records.splice(records.indexOf(r), 1);
      await save();
      return async () => {
        records.push(...removed);
        await save();
      };
    },
  };
  return ops;
}

export function mitVhosts(k: MitKdc['keytabs']): Vhost[] {
  const n = (name: string, keytab: string, kind: Vhost['kind'] = 'negotiate'): Vhost => ({
    name,
    ip: IP.web,
    port: 80,
    kind,
    keytab,
  });
  return [
    n('iisserver.contoso.com', k.http ?? ''),
    n('webstale.contoso.com', k.stale ?? ''),
    n('webwrongkey.contoso.com', k.wrongKey ?? ''),
    n('webenc.contoso.com', k.encAes128 ?? ''),
    n('webalias.contoso.com', k.http ?? ''), // only iisserver's key: a ticket for webalias is "not us"
    n('webhost.contoso.com', k.app ?? ''), // reached as app.contoso.com (CNAME); key only for HTTP/app
    n('legacy.contoso.com', k.legacy ?? ''),
    n('webntlm.contoso.com', '', 'ntlm-only'),
    n('webbasic.contoso.com', '', 'basic-only'),
    n('webfallback.contoso.com', '', 'negotiate-ntlmssp'), // no SPN: Kerberos fails, SPNEGO falls back to NTLM
    { name: 'portsrv.contoso.com', ip: IP.web, port: 8080, kind: 'negotiate', keytab: k.port ?? '' },
    { name: 'otherweb.contoso.com', ip: IP.otherWeb, port: 80, kind: 'negotiate', keytab: k.other ?? '' },
    // MIT tickets carry a small PAC (~1 kB token), so the limit is set low to show the same 400 as a big AD token
    {
      name: 'websmall.contoso.com',
      ip: IP.smallWeb,
      port: 80,
      kind: 'negotiate',
      keytab: k.small ?? '',
      limitRequestFieldSize: 600,
    },
  ].map((v) => (v.keytab === '' ? { ...v, keytab: undefined } : v)) as Vhost[];
}

export async function mitUp(dir: string, id: string, net: LabNet, janitor: Janitor): Promise<MitBase> {
  const kdc = await mitKdcUp(join(dir, 'kdc'), net, janitor);
  const dns = await labDnsUp(dir, net, janitor);
  const clientDir = join(dir, 'kdc');
  const apacheEnv = {
    ...process.env,
    KRB5_CONFIG: join(clientDir, 'krb5.conf'),
    KRB5_KTNAME: join(dir, 'apache', 'iisserver.contoso.com-80.keytab'),
    NTLM_USER_FILE: writeNtlmUsers(join(dir, 'ntlm-users'), DOMAIN, MIT_USER, MIT_PASSWORD),
  };
  const apache = await apacheUp(join(dir, 'apache'), net, mitVhosts(kdc.keytabs), janitor, apacheEnv);
  const env: LabEnv = {
    backend: 'mit',
    id,
    dir,
    realm: REALM,
    domain: DOMAIN,
    kdc: IP.dc,
    dns: IP.dc,
    user: MIT_USER,
    password: MIT_PASSWORD,
    url: 'http://iisserver.contoso.com/',
    spn: 'HTTP/iisserver.contoso.com',
    hosts: {
      'kdc.contoso.com': IP.dc,
      'dc1.contoso.com': IP.dc,
      ...WEB_HOSTS,
      // aliases resolve (through their CNAME) to the canonical name's address
      ...Object.fromEntries(Object.entries(WEB_CNAMES).map(([a, c]) => [a, WEB_HOSTS[c] ?? ''])),
    },
    krb5: {
      conf: join(clientDir, 'krb5.conf'),
      noTimesync: join(clientDir, 'krb5-notimesync.conf'),
      dnsLookup: join(clientDir, 'krb5-dns.conf'),
      canonicalize: join(clientDir, 'krb5-canon.conf'),
      aesOnly: join(clientDir, 'krb5-aesonly.conf'),
    },
    decryptKeytab: kdc.keytabs.decrypt ?? '',
    httpKeytab: kdc.keytabs.http ?? '',
    net,
    ops: {
      dns,
      async webClock(offset) {
        await apacheRestart(apache, janitor, offset);
      },
      mit: kdc,
    },
  };
  return { env, kdc, apache };
}

/** Runs a command as an unprivileged check that MIT's tools are present (used by the skip logic). */
export async function mitToolsPresent(): Promise<boolean> {
  const r = await run(['sh', '-c', 'command -v krb5kdc && command -v kadmin.local && command -v kinit && command -v apache2']);
  return r.code === 0;
}
