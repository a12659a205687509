// Samba 4.17 Active Directory DC backend primitives for the kerbscope lab (issue 2).
//
// One DC per state directory: provisioned once (the slow part), started as `samba -F --no-process-group` in its own
// process group and its own mount namespace (this DC's winbindd socket over /run/samba/winbindd, so smbd sessions
// work: see sambaArgv), stopped by the PID recorded in $dir/samba.pid. Every directory change below has an undo (named in
// its doc comment); the lab reuses one provisioned DC across scenarios, so each scenario must undo what it did.
// Every sambaUp starts from the clean state whatever ran before (an undo that never ran, a SIGKILLed run): right
// after provisioning the directory is copied to $dir/pristine (samba stopped, so the tdb files are consistent) and each
// sambaUp copies it back before samba starts (~0.1 s, against ~6 s for a new provision). A caller that builds more
// base state on top (the lab's SPNs and DNS records) saves it as the new pristine copy with sambaSavePristine.
// Measured timings and the wire error each primitive produces: lab/backends/samba.md.
//
// Network safety: the DC binds only `ip` (a 127/8 address on lo, or an address inside a namespace the lab created);
// every child gets KRB5_CONFIG pointing at the lab's krb5.conf (kdc = ip, no DNS lookups), so nothing looks up or
// contacts a KDC outside the lab. /etc/krb5.conf and /etc/resolv.conf are never touched.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { krb5ConfText } from '../krb5conf.js';
import { childEnv, cmdline, descendants, isAlive, type RunResult, run, runOk, sleep, withNetns } from './samba-exec.js';
import { SRV_RECORDS_PY } from './samba-py.js';

export interface SambaDc {
  ip: string;
  dir: string;
  netns?: string;
  /** CONTOSO.COM */
  realm: string;
  /** CONTOSO (NetBIOS) */
  domain: string;
  /** dc1.contoso.com */
  dcHost: string;
  smbConf: string;
  /** kdc = ip, dns_lookup_kdc = false, dns_canonicalize_hostname = false, rdns = false */
  krb5Conf: string;
  adminPassword: string;
  pid: number;
  /** krbtgt, administrator, john, svcaccount, svcaccount2, DC1$ keys (tshark -o kerberos.keytab_file:...) */
  decryptKeytab: string;
  /** krb5.conf variant with kdc_timesync = 0 (AS-REQ clock skew becomes visible as error 37) */
  krb5NoTimesyncConf: string;
  /** krb5.conf with dns_lookup_kdc = true and no [realms] entry: the KDC is found through SRV records */
  krb5DnsConf: string;
  /** `nameserver ip` (+ short timeouts), for a mount-namespace bind over /etc/resolv.conf or /etc/netns/NS/resolv.conf */
  resolvConf: string;
  /** `ip dc1.contoso.com dc1`, for /etc/netns/NS/hosts */
  hostsFile: string;
  /** sam.ldb (through all DSDB modules) */
  samLdb: string;
  /** the domain partition's own tdb (below every module: used only to write what DSDB refuses) */
  domainPartitionTdb: string;
  /** DC=contoso,DC=com */
  baseDn: string;
  /** local path of the read-only share //dc1.contoso.com/software$ (SAMBA_SOFTWARE_SHARE; holds SAMBA_SOFTWARE_FILE) */
  softwareShareDir: string;
  /** wall-clock milliseconds of this sambaUp: provision (0 when reused), baseline objects, restore of the pristine
   *  copy (0 when freshly provisioned or reset: false), start → ready */
  timings: { provisionMs: number; baselineMs: number; restoreMs: number; startToReadyMs: number; reused: boolean };
}

export const SAMBA_REALM = 'CONTOSO.COM';
export const SAMBA_DOMAIN = 'CONTOSO';
export const SAMBA_ADMIN_PASSWORD = 'Passw0rd!Adm1n';
/** Baseline accounts created at provision (passwords as in RECIPES §4). */
export const SAMBA_USERS = {
  john: 'Passw0rd!John1',
  svcaccount: 'Passw0rd!Svc1',
  svcaccount2: 'Passw0rd!Svc2',
} as const;
export const SAMBA_HTTP_SPN = 'HTTP/iisserver.contoso.com';
/** A plain read-only file share on the DC, like the seed's `Software$` (smbd shares are case-insensitive). */
export const SAMBA_SOFTWARE_SHARE = 'software$';
/** The file sambaUp puts into that share, and its content (a test can compare what smbclient fetched). */
export const SAMBA_SOFTWARE_FILE = { name: 'readme.txt', content: 'kerbscope lab software share\n' } as const;
/** Group name prefix used by addUserToNewGroups (kslab-tok-0001 ...). */
export const TOKEN_GROUP_PREFIX = 'kslab-tok-';

const STATE_FILE = 'lab-samba.json';
const IP_ADDED_FILE = 'ip-added';
const SRV_BACKUP_FILE = 'srv-backup.json';
/** $dir/pristine: dc/ + decrypt.keytab as they were right after provisioning (or after sambaSavePristine) */
const PRISTINE_DIR = 'pristine';
const PRISTINE_TAG = 'tag';

interface ProvisionState {
  version: 1;
  ip: string;
  netns?: string;
  provisionMs: number;
  baselineMs: number;
  provisionedAt: string;
}

function paths(dir: string) {
  const dcDir = join(dir, 'dc');
  return {
    dcDir,
    smbConf: join(dcDir, 'etc', 'smb.conf'),
    samLdb: join(dcDir, 'private', 'sam.ldb'),
    domainPartitionTdb: join(dcDir, 'private', 'sam.ldb.d', 'DC=CONTOSO,DC=COM.ldb'),
    krb5Conf: join(dir, 'krb5.conf'),
    krb5NoTimesyncConf: join(dir, 'krb5-notimesync.conf'),
    krb5DnsConf: join(dir, 'krb5-dns.conf'),
    resolvConf: join(dir, 'resolv.conf'),
    hostsFile: join(dir, 'hosts'),
    shareDir: join(dir, 'share'),
    decryptKeytab: join(dir, 'decrypt.keytab'),
    pidFile: join(dir, 'samba.pid'),
    state: join(dir, STATE_FILE),
    pristine: join(dir, PRISTINE_DIR),
  };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** The DC may bind only a loopback address other than 127.0.0.1 (provision ignores 127.0.0.1: no A record) or,
 *  inside a namespace, an address that is configured in that namespace. */
async function checkAddress(ip: string, netns: string | undefined): Promise<void> {
  if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip)) throw new Error(`samba: not an IPv4 address: ${ip}`);
  if (!netns) {
    if (!ip.startsWith('127.')) throw new Error(`samba: outside a namespace the DC may only use 127.0.0.0/8, not ${ip}`);
    if (ip === '127.0.0.1' || ip.endsWith('.255') || ip.endsWith('.0'))
      throw new Error(`samba: ${ip} cannot be used (provision ignores 127.0.0.1; .0/.255 are not host addresses)`);
    return;
  }
  const r = await runOk('ip', ['-4', '-o', 'addr', 'show'], { netns });
  if (!r.stdout.includes(` ${ip}/`)) throw new Error(`samba: ${ip} is not configured inside namespace ${netns}`);
}

/** Adds ip to lo when missing (Samba binds only addresses present on an interface); remembers that we added it. */
async function ensureLoopbackAddress(dir: string, ip: string): Promise<void> {
  const r = await runOk('ip', ['-4', '-o', 'addr', 'show', 'dev', 'lo']);
  if (r.stdout.includes(` ${ip}/`)) return;
  await runOk('ip', ['addr', 'add', `${ip}/8`, 'dev', 'lo']);
  await writeFile(join(dir, IP_ADDED_FILE), `${ip}\n`);
}

function krb5Files(ip: string) {
  const realm = SAMBA_REALM;
  const domain = realm.toLowerCase();
  // Samba's clients: no `forwardable` (samba.md "smbclient": the TGT is not forwardable, which the capture shows)
  const common = { realm, forwardable: false } as const;
  const withKdc = { ...common, kdc: ip, adminServer: ip, kpasswdServer: ip, domains: [domain] };
  return {
    krb5: krb5ConfText(withKdc),
    noTimesync: krb5ConfText({ ...withKdc, libdefaultsFirst: ['kdc_timesync = 0'] }),
    dns: krb5ConfText(common),
    // short resolver timeouts: with port 53 dropped, the default options hang for > 60 s (RECIPES §5)
    resolv: `nameserver ${ip}\noptions timeout:1 attempts:1\n`,
    hosts: `${ip} dc1.${domain} dc1\n`,
  };
}

interface Ctx {
  dir: string;
  ip: string;
  netns?: string | undefined;
  smbConf: string;
  krb5Conf: string;
}

function toolEnv(ctx: Pick<Ctx, 'krb5Conf'>, extra: Record<string, string> = {}) {
  return childEnv({ KRB5_CONFIG: ctx.krb5Conf, ...extra });
}

function sambaTool(ctx: Ctx, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return run('samba-tool', [...args, '-s', ctx.smbConf], {
    netns: ctx.netns,
    env: toolEnv(ctx, extraEnv),
    timeoutMs: 180_000,
  });
}

async function sambaToolOk(ctx: Ctx, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const r = await sambaTool(ctx, args, extraEnv);
  if (r.code !== 0) throw new Error(`samba-tool ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  return r;
}

/**
 * Provisions CONTOSO.COM into $dir/dc and creates the baseline objects (samba not running yet: samba-tool edits the
 * local sam.ldb). Returns [provisionMs, baselineMs].
 */
async function provision(ctx: Ctx, p: ReturnType<typeof paths>): Promise<[number, number]> {
  const { dir, ip, netns } = ctx;
  await rm(p.dcDir, { recursive: true, force: true });
  await rm(p.decryptKeytab, { force: true });
  await rm(join(dir, SRV_BACKUP_FILE), { force: true });
  await mkdir(join(dir, 'run'), { recursive: true });
  await mkdir(join(dir, 'winbindd'), { recursive: true });
  const t0 = Date.now();
  const r = await run(
    'samba-tool',
    [
      'domain',
      'provision',
      `--targetdir=${p.dcDir}`,
      `--realm=${SAMBA_REALM}`,
      `--domain=${SAMBA_DOMAIN}`,
      '--server-role=dc',
      '--dns-backend=SAMBA_INTERNAL',
      '--host-name=dc1',
      `--host-ip=${ip}`,
      `--adminpass=${SAMBA_ADMIN_PASSWORD}`,
      `--option=interfaces=${ip}`,
      '--option=bind interfaces only=yes',
      // a second Samba on the host (or the framework's) needs its own sockets and pid files
      `--option=pid directory=${join(dir, 'run')}`,
      `--option=ncalrpc dir=${join(dir, 'run', 'ncalrpc')}`,
      `--option=winbindd socket directory=${join(dir, 'winbindd')}`,
      `--option=ntp signd socket directory=${join(dir, 'ntp_signd')}`,
      `--option=log file=${join(dir, 'log.samba')}`,
      // the KDC's reason for each error (e.g. "Service principal unknown") appears in log.samba at kerberos:3
      '--option=log level=1 kerberos:3 auth_audit:3',
      // simple binds over plain LDAP (ldapsearch -x -D administrator@contoso.com) for the LDAP scenarios
      '--option=ldap server require strong auth=no',
      // samba_dnsupdate would silently re-create SRV records that deleteKerberosSrvRecords removed (every 10 min)
      '--option=dns update command=/bin/true',
    ],
    { netns, env: toolEnv(ctx), timeoutMs: 300_000 },
  );
  await writeFile(join(dir, 'provision.log'), r.stdout + r.stderr);
  if (r.code !== 0) throw new Error(`samba provision failed (${r.code}); see ${join(dir, 'provision.log')}`);
  const provisionMs = Date.now() - t0;
  // provision copies the host's resolver in as "dns forwarder": never forward lab queries anywhere
  const conf = await readFile(p.smbConf, 'utf8');
  await writeFile(
    p.smbConf,
    conf
      .split('\n')
      .filter((l) => !/^\s*dns forwarder\s*=/i.test(l))
      .join('\n'),
  );
  const t1 = Date.now();
  for (const [name, pw] of Object.entries(SAMBA_USERS)) await sambaToolOk(ctx, ['user', 'create', name, pw]);
  await sambaToolOk(ctx, ['spn', 'add', SAMBA_HTTP_SPN, 'svcaccount']);
  for (const pr of ['krbtgt', 'administrator', 'john', 'svcaccount', 'svcaccount2', 'DC1$'])
    await sambaToolOk(ctx, ['domain', 'exportkeytab', p.decryptKeytab, `--principal=${pr}`]);
  return [provisionMs, Date.now() - t1];
}

/** cp -a (keeps modes, owners, sparse tdb files); samba must not be running in this dir. */
async function copyTree(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  const r = await run('cp', ['-a', '--sparse=always', from, to], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`samba: cp -a ${from} ${to} failed: ${r.stderr.trim()}`);
}

async function savePristine(p: ReturnType<typeof paths>, tag: string): Promise<void> {
  const tmp = `${p.pristine}.new`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await copyTree(p.dcDir, join(tmp, 'dc'));
  if (await exists(p.decryptKeytab)) await copyTree(p.decryptKeytab, join(tmp, 'decrypt.keytab'));
  await writeFile(join(tmp, PRISTINE_TAG), `${tag}\n`);
  // the old copy goes only once the new one is complete: an interrupted save leaves a usable pristine copy
  await rm(p.pristine, { recursive: true, force: true });
  await rename(tmp, p.pristine);
}

/** Everything a run may have changed goes back: the directory (dc/), the decrypt keytab (setPassword appends to it),
 *  the SRV backup of deleteKerberosSrvRecords. The loopback address and smb.conf's share are re-made by sambaUp. */
async function restorePristine(p: ReturnType<typeof paths>): Promise<void> {
  await copyTree(join(p.pristine, 'dc'), p.dcDir);
  const kt = join(p.pristine, 'decrypt.keytab');
  if (await exists(kt)) await copyTree(kt, p.decryptKeytab);
  await rm(join(dirname(p.dcDir), SRV_BACKUP_FILE), { force: true });
}

/**
 * Makes the DC's current state the pristine copy every later sambaUp starts from, tagged (sambaPristineTag reads the
 * tag back, so a caller knows whether its own base state is in the copy). samba must be stopped (sambaDown first):
 * a copy of a running DC's tdb files may be torn.
 */
export async function sambaSavePristine(dir: string, tag: string): Promise<void> {
  const p = paths(dir);
  if ((await runningPid(p.pidFile, p.smbConf)) !== undefined)
    throw new Error(`samba: stop the DC in ${dir} before saving its pristine copy`);
  await savePristine(p, tag);
}

/** The tag of the pristine copy in dir ('provision' right after provisioning), undefined when there is none. */
export async function sambaPristineTag(dir: string): Promise<string | undefined> {
  try {
    return (await readFile(join(paths(dir).pristine, PRISTINE_TAG), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function readState(file: string): Promise<ProvisionState | undefined> {
  try {
    const s = JSON.parse(await readFile(file, 'utf8')) as ProvisionState;
    return s.version === 1 ? s : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded samba PID, if that process is alive and really is samba with this smb.conf. */
async function runningPid(pidFile: string, smbConf: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return undefined;
  const cl = await cmdline(pid);
  // samba rewrites its argv ("samba: root process") and environ, so a recycled PID is told apart by its start time
  if (!cl?.join(' ').startsWith('samba')) return undefined;
  void smbConf;
  try {
    const recorded = (await readFile(`${pidFile}.start`, 'utf8')).trim();
    if (recorded !== (await startTime(pid))) return undefined;
  } catch {}
  return pid;
}

async function waitReady(ctx: Ctx, pid: number, timeoutMs = 60_000): Promise<void> {
  const { ip } = ctx;
  const zone = SAMBA_REALM.toLowerCase();
  // DNS (the zone's SOA: SRV records may legitimately be deleted by a scenario), KDC TCP 88, LDAP rootDSE
  const probe = [
    `dig +time=1 +tries=1 +short @${ip} ${zone} SOA | grep -q .`,
    `timeout 2 bash -c '</dev/tcp/${ip}/88'`,
    `ldapsearch -x -LLL -o nettimeout=2 -H ldap://${ip} -s base -b '' dnsHostName | grep -q '^dnsHostName'`,
  ].join(' && ');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) break;
    const r = await run('bash', ['-c', probe], { netns: ctx.netns, env: childEnv({}), timeoutMs: 10_000 });
    if (r.code === 0) return;
    await sleep(200);
  }
  let tail = '';
  try {
    tail = (await readFile(join(ctx.dir, 'log.samba'), 'utf8')).split('\n').slice(-20).join('\n');
  } catch {}
  throw new Error(`samba (pid ${pid}) ${isAlive(pid) ? `not ready after ${timeoutMs} ms` : 'exited during start'}:\n${tail}`);
}

/**
 * Provisions CONTOSO.COM in $dir (once; reused when $dir already holds a provision for the same ip), starts samba,
 * waits until DNS + TCP 88 + LDAP rootDSE answer. Undo: sambaDown.
 * reset (default true): a reused provision is first put back to its pristine copy (a samba still running from this
 * dir is stopped first), so nothing an earlier run changed survives. reset: false keeps the directory as it is and
 * reuses an already running samba from the same dir.
 */
export async function sambaUp(opts: { dir: string; ip: string; netns?: string; reset?: boolean }): Promise<SambaDc> {
  const { dir, ip, netns } = opts;
  await mkdir(dir, { recursive: true });
  await checkAddress(ip, netns);
  if (!netns) await ensureLoopbackAddress(dir, ip);
  const p = paths(dir);
  const ctx: Ctx = { dir, ip, netns, smbConf: p.smbConf, krb5Conf: p.krb5Conf };
  const f = krb5Files(ip);
  await writeFile(p.krb5Conf, f.krb5);
  await writeFile(p.krb5NoTimesyncConf, f.noTimesync);
  await writeFile(p.krb5DnsConf, f.dns);
  await writeFile(p.resolvConf, f.resolv);
  await writeFile(p.hostsFile, f.hosts);

  let state = await readState(p.state);
  let reused = true;
  let provisionMs = 0;
  let baselineMs = 0;
  let restoreMs = 0;
  if (
    !state ||
    state.ip !== ip ||
    (state.netns ?? '') !== (netns ?? '') ||
    !(await exists(p.samLdb)) ||
    !(await exists(join(p.pristine, 'dc')))
  ) {
    const old = await runningPid(p.pidFile, p.smbConf);
    if (old !== undefined) await stopPid(old);
    await rm(p.state, { force: true });
    await rm(p.pristine, { recursive: true, force: true });
    [provisionMs, baselineMs] = await provision(ctx, p);
    state = { version: 1, ip, provisionMs, baselineMs, provisionedAt: new Date().toISOString() };
    if (netns) state.netns = netns;
    await savePristine(p, 'provision');
    await writeFile(p.state, `${JSON.stringify(state, null, 1)}\n`);
    reused = false;
  } else if (opts.reset ?? true) {
    const old = await runningPid(p.pidFile, p.smbConf);
    if (old !== undefined) await stopPid(old);
    const t = Date.now();
    await restorePristine(p);
    restoreMs = Date.now() - t;
  }
  await ensureSoftwareShare(p.smbConf, p.shareDir);

  const t0 = Date.now();
  let pid = await runningPid(p.pidFile, p.smbConf);
  if (pid === undefined) {
    // ntp signd socket directory must be 0750 or samba dies at start (RECIPES §4)
    await mkdir(join(dir, 'ntp_signd'), { recursive: true, mode: 0o750 });
    const out = openSync(join(dir, 'samba.stdout'), 'a');
    const [file, argv] = withNetns(netns, 'unshare', sambaArgv(dir, p.smbConf));
    // detached: samba leads its own process group, so sambaDown can signal the whole group by the recorded PID.
    // `ip netns exec`, `unshare` (without --fork) and `sh -c 'exec ...'` all exec, so the PID is samba's own.
    const child = spawn(file, argv, { detached: true, stdio: ['ignore', out, out], env: toolEnv(ctx) });
    closeSync(out);
    child.unref();
    if (child.pid === undefined) throw new Error('samba: spawn failed');
    pid = child.pid;
    await writeFile(p.pidFile, `${pid}\n`);
    await writeFile(`${p.pidFile}.start`, `${await startTime(pid)}\n`);
  }
  await waitReady(ctx, pid);
  const dc: SambaDc = {
    ip,
    dir,
    realm: SAMBA_REALM,
    domain: SAMBA_DOMAIN,
    dcHost: `dc1.${SAMBA_REALM.toLowerCase()}`,
    smbConf: p.smbConf,
    krb5Conf: p.krb5Conf,
    krb5NoTimesyncConf: p.krb5NoTimesyncConf,
    krb5DnsConf: p.krb5DnsConf,
    resolvConf: p.resolvConf,
    hostsFile: p.hostsFile,
    softwareShareDir: p.shareDir,
    adminPassword: SAMBA_ADMIN_PASSWORD,
    pid,
    decryptKeytab: p.decryptKeytab,
    samLdb: p.samLdb,
    domainPartitionTdb: p.domainPartitionTdb,
    baseDn: 'DC=contoso,DC=com',
    timings: { provisionMs, baselineMs, restoreMs, startToReadyMs: Date.now() - t0, reused },
  };
  if (netns) dc.netns = netns;
  return dc;
}

/**
 * Adds the [software$] share (path = $dir/share, read only, one file) to smb.conf unless it is there; idempotent, also
 * for provisions made before the share existed. A running smbd reads smb.conf again for each new connection.
 */
async function ensureSoftwareShare(smbConf: string, shareDir: string): Promise<void> {
  await mkdir(shareDir, { recursive: true, mode: 0o755 });
  await writeFile(join(shareDir, SAMBA_SOFTWARE_FILE.name), SAMBA_SOFTWARE_FILE.content, { mode: 0o644 });
  const conf = await readFile(smbConf, 'utf8');
  if (conf.toLowerCase().includes(`[${SAMBA_SOFTWARE_SHARE}]`)) return;
  const section = `\n[${SAMBA_SOFTWARE_SHARE}]\n\tcomment = kerbscope lab share (like the seed's Software$)\n\tpath = ${shareDir}\n\tread only = Yes\n`;
  await writeFile(smbConf, `${conf.replace(/\n*$/, '\n')}${section}`);
}

/**
 * libwbclient's compiled-in winbindd socket directory. smbd turns every session's SIDs into uids/gids through
 * winbindd (source4/auth/unix_token.c → wbcSidsToUnixIds) and finds winbindd ONLY at this path: `winbindd socket
 * directory` in smb.conf moves winbindd's own socket but not the client side, and the WINBINDD_SOCKET_DIR
 * environment variable is ignored by Samba 4.17 (only SELFTEST_WINBINDD_SOCKET_DIR, and only under nss_wrapper).
 * With the socket elsewhere every SMB SESSION_SETUP fails with STATUS_INTERNAL_ERROR right after a successful
 * authentication (samba.md "smbclient").
 */
export const WINBINDD_CLIENT_SOCKET_DIR = '/run/samba/winbindd';

/**
 * argv for `unshare` that starts samba in a private mount namespace where $dir/winbindd (this DC's
 * `winbindd socket directory`) is bind-mounted over WINBINDD_CLIENT_SOCKET_DIR, on a private tmpfs over /run/samba.
 * So smbd reaches this DC's winbindd, while the host's /run/samba (and any other Samba on the host) is untouched:
 * mounts in the namespace are private (no propagation back). /run/samba is created on the host only if missing (as
 * the samba package would). unshare without --fork and `exec` keep the PID samba's own.
 */
function sambaArgv(dir: string, smbConf: string): string[] {
  const script = [
    'set -e',
    'mkdir -p /run/samba',
    'mount -t tmpfs -o mode=0755,size=1m kerbscope-samba /run/samba',
    `mkdir -p ${WINBINDD_CLIENT_SOCKET_DIR}`,
    `mount --bind "$0" ${WINBINDD_CLIENT_SOCKET_DIR}`,
    'exec "$@"',
  ].join('\n');
  return ['-m', '--propagation', 'private', 'sh', '-c', script, join(dir, 'winbindd'), 'samba', '-s', smbConf, '-F', '--no-process-group'];
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot). */
async function startTime(pid: number): Promise<string> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** SIGTERM to samba's process group, wait up to 10 s, then SIGKILL whatever of it is left. Never by name. */
async function stopPid(pid: number): Promise<void> {
  const kids = await descendants(pid);
  const signal = (sig: NodeJS.Signals) => {
    for (const target of [-pid, pid, ...kids]) {
      try {
        process.kill(target, sig);
      } catch {}
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (isAlive(pid) || kids.some(isAlive))) await sleep(100);
  if (isAlive(pid) || kids.some(isAlive)) {
    signal('SIGKILL');
    await sleep(200);
  }
}

/** Stops samba by its recorded PID (TERM, wait, KILL) and removes the loopback address if sambaUp added it.
 *  The provision stays in dc.dir for the next sambaUp. */
export async function sambaDown(dc: SambaDc): Promise<void> {
  const p = paths(dc.dir);
  const pid = (await runningPid(p.pidFile, p.smbConf)) ?? (isAlive(dc.pid) ? dc.pid : undefined);
  if (pid !== undefined) {
    const cl = await cmdline(pid);
    if (cl?.join(' ').startsWith('samba')) await stopPid(pid);
  }
  await rm(p.pidFile, { force: true });
  await rm(`${p.pidFile}.start`, { force: true });
  const marker = join(dc.dir, IP_ADDED_FILE);
  if (!dc.netns && (await exists(marker))) {
    const ip = (await readFile(marker, 'utf8')).trim();
    if (ip === dc.ip) await run('ip', ['addr', 'del', `${ip}/8`, 'dev', 'lo']);
    await rm(marker, { force: true });
  }
}

/**
 * The smbclient command line for the "cifs/ works while HTTP fails" check: `smbclient //dc1.contoso.com/SHARE -I ip
 * -N -s /dev/null -c COMMAND` with Kerberos from opts.ccache (--use-kerberos=required --use-krb5-ccache; smbclient
 * gets the cifs/dc1.contoso.com ticket itself when the ccache holds only the TGT) or, with opts.ntlm, NTLM as
 * opts.ntlm.user with the password in env PASSWD (--use-kerberos=off). `-I` gives the address, so no name resolution happens; the SPN comes from the
 * UNC host. env: KRB5_CONFIG = dc.krb5Conf. Run it from the client namespace when the DC is in one.
 */
export function smbclientCommand(
  dc: Pick<SambaDc, 'ip' | 'dcHost' | 'krb5Conf'>,
  share: string,
  opts: { ccache?: string; ntlm?: { user: string; password: string }; command?: string },
): { argv: string[]; env: Record<string, string> } {
  const auth = opts.ntlm ? ['--use-kerberos=off', '-U', opts.ntlm.user] : ['--use-kerberos=required', '-N'];
  const env: Record<string, string> = { KRB5_CONFIG: dc.krb5Conf };
  // the NTLM password travels in PASSWD (read by smbclient), never on the command line
  if (opts.ntlm) env.PASSWD = opts.ntlm.password;
  // smbclient 4.17 ignores --use-krb5-ccache=X (it imports FILE:/tmp/krb5cc_UID: "smb_gss_krb5_import_cred
  // ccache[FILE:/tmp/krb5cc_0] failed" → "Could not find a suitable mechtype"); KRB5CCNAME is honoured
  else if (opts.ccache) env.KRB5CCNAME = opts.ccache.includes(':') ? opts.ccache : `FILE:${opts.ccache}`;
  return {
    argv: ['smbclient', `//${dc.dcHost}/${share}`, '-I', dc.ip, ...auth, '-s', '/dev/null', '-c', opts.command ?? 'ls'],
    env,
  };
}

/**
 * Stops the samba that $dir/samba.pid records (only if that PID is still samba, same start time), without a SambaDc
 * in hand: for cleaning up after an interrupted run, e.g. before deleting the namespace it ran in. Does not touch
 * the loopback address (sambaDown does). Returns whether a samba was stopped.
 */
export async function sambaStopDir(dir: string): Promise<boolean> {
  const p = paths(dir);
  const pid = await runningPid(p.pidFile, p.smbConf);
  if (pid !== undefined) await stopPid(pid);
  await rm(p.pidFile, { force: true });
  await rm(`${p.pidFile}.start`, { force: true });
  return pid !== undefined;
}

/** Runs `samba-tool ARGS -s smb.conf` (inside dc.netns when set), KRB5_CONFIG = dc.krb5Conf. Never throws. */
export function samba(dc: SambaDc, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return sambaTool(ctxOf(dc), args);
}

function ctxOf(dc: SambaDc): Ctx {
  return { dir: dc.dir, ip: dc.ip, netns: dc.netns, smbConf: dc.smbConf, krb5Conf: dc.krb5Conf };
}

async function tool(dc: SambaDc, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return sambaToolOk(ctxOf(dc), args, extraEnv);
}

// ---- ldb helpers (local files; no namespace needed) ----

function ldapEscape(v: string): string {
  return v.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

async function ldb(dc: SambaDc, cmd: 'ldbsearch' | 'ldbmodify' | 'ldbadd' | 'ldbdel', args: string[], input?: string) {
  const opts: { env: NodeJS.ProcessEnv; timeoutMs: number; input?: string } = {
    env: toolEnv(dc),
    timeoutMs: 300_000,
  };
  if (input !== undefined) opts.input = input;
  return runOk(cmd, args, opts);
}

/** Parses ldbsearch LDIF output into entries (attribute → values; base64 values `attr::` are decoded). */
function parseLdif(text: string): Array<Record<string, string[]>> {
  const out: Array<Record<string, string[]>> = [];
  for (const block of text.replace(/\n /g, '').split(/\n\s*\n/)) {
    const e: Record<string, string[]> = {};
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z0-9-]+)(::?) ?(.*)$/.exec(line);
      if (!m || line.startsWith('#')) continue;
      const [, k, sep, v] = m as unknown as [string, string, string, string];
      const val = sep === '::' ? Buffer.from(v, 'base64').toString('utf8') : v;
      const key = k.toLowerCase();
      const list = e[key] ?? [];
      list.push(val);
      e[key] = list;
    }
    if (e.dn) out.push(e);
  }
  return out;
}

export async function ldbSearch(dc: SambaDc, filter: string, attrs: string[], base?: string): Promise<Array<Record<string, string[]>>> {
  const r = await ldb(dc, 'ldbsearch', ['-H', dc.samLdb, '-b', base ?? dc.baseDn, '-s', 'sub', filter, ...attrs]);
  return parseLdif(r.stdout);
}

/** The DN of an account by sAMAccountName (user, computer `DC1$`, group). */
export async function accountDn(dc: SambaDc, account: string): Promise<string> {
  const found = await ldbSearch(dc, `(sAMAccountName=${ldapEscape(account)})`, ['dn']);
  const dn = found[0]?.dn?.[0];
  if (!dn) throw new Error(`samba: no account ${account}`);
  return dn;
}

async function modify(dc: SambaDc, ldif: string, url?: string): Promise<void> {
  await ldb(dc, 'ldbmodify', ['-H', url ?? dc.samLdb], ldif);
}

/** 100 ns intervals since 1601-01-01 (AD FILETIME). */
function fileTimeNow(offsetMs = 0): string {
  return ((BigInt(Date.now() + offsetMs) + 11644473600000n) * 10000n).toString();
}

// ---- accounts ----

/** Creates a user (idempotent: an existing user gets the password set). Undo: deleteUser. */
export async function createUser(dc: SambaDc, name: string, password: string): Promise<void> {
  const r = await sambaTool(ctxOf(dc), ['user', 'create', name, password]);
  if (r.code === 0) return;
  if (/already exists/i.test(r.stderr + r.stdout)) return setPassword(dc, name, password);
  throw new Error(`samba-tool user create ${name} exited ${r.code}: ${r.stderr.trim()}`);
}

/** Deletes a user (undo of createUser). Missing users are ignored. */
export async function deleteUser(dc: SambaDc, name: string): Promise<void> {
  const r = await sambaTool(ctxOf(dc), ['user', 'delete', name]);
  if (r.code !== 0 && !/unable to find|not found|no such/i.test(r.stderr + r.stdout))
    throw new Error(`samba-tool user delete ${name} exited ${r.code}: ${r.stderr.trim()}`);
}

/** userAccountControl ACCOUNTDISABLE on/off. kinit on a disabled account: KDC_ERR_CLIENT_REVOKED (18), e-data
 *  PA-PW-SALT carrying NTSTATUS STATUS_ACCOUNT_DISABLED. Undo: setUserEnabled(dc, name, true). */
export async function setUserEnabled(dc: SambaDc, name: string, enabled: boolean): Promise<void> {
  await tool(dc, ['user', enabled ? 'enable' : 'disable', name]);
}

/**
 * Locks the account out the way a lockout leaves it: lockoutTime = now (written through DSDB; the domain lockout
 * threshold stays 0 so other scenarios' wrong passwords cannot lock anyone). Samba computes
 * msDS-User-Account-Control-Computed UF_LOCKOUT from lockoutTime + lockoutDuration (30 min), and its KDC then answers
 * KDC_ERR_CLIENT_REVOKED (18) WITHOUT an NTSTATUS in the e-data (Windows sends STATUS_ACCOUNT_LOCKED_OUT).
 * Undo: unlockUser. (Real failed AS-REQs with setLockoutThreshold > 0 reach the same KDC answer.)
 */
export async function lockUser(dc: SambaDc, name: string): Promise<void> {
  const dn = await accountDn(dc, name);
  await modify(dc, `dn: ${dn}\nchangetype: modify\nreplace: lockoutTime\nlockoutTime: ${fileTimeNow()}\n`);
}

/** Undo of lockUser: `samba-tool user unlock` (lockoutTime = 0, badPwdCount = 0). */
export async function unlockUser(dc: SambaDc, name: string): Promise<void> {
  await tool(dc, ['user', 'unlock', name]);
}

/** Domain password policy (samba-tool domain passwordsettings show), parsed. */
export async function passwordSettings(dc: SambaDc): Promise<Record<string, string>> {
  const r = await tool(dc, ['domain', 'passwordsettings', 'show']);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^(.+?):\s*(.+)$/.exec(line.trim());
    if (m?.[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

/** Sets the domain's account lockout threshold (0 = never). Undo: call again with the previous value
 *  (passwordSettings(dc)['Account lockout threshold (attempts)'], baseline 0). */
export async function setLockoutThreshold(dc: SambaDc, attempts: number): Promise<void> {
  await tool(dc, ['domain', 'passwordsettings', 'set', `--account-lockout-threshold=${attempts}`]);
}

/**
 * How `expirePassword` makes the password unusable:
 *  - 'must-change': pwdLastSet = 0 ("User must change password at next logon", the LDAP-supported way);
 *  - 'aged': pwdLastSet = 50 days ago (> maxPwdAge 42 d), written into the partition tdb because DSDB only accepts
 *    0 or -1 ("setup_last_set_field: pwdLastSet must be 0 or -1 only!").
 * Both: msDS-User-Account-Control-Computed UF_PASSWORD_EXPIRED and KDC_ERR_KEY_EXPIRED (23) at the AS-REQ.
 */
export type PasswordExpiry = 'must-change' | 'aged';

/** kinit → KDC_ERR_KEY_EXPIRED (23) "Password has expired" (MIT kinit then tries kadmin/changepw and prompts for a
 *  new password). Undo: unexpirePassword. */
export async function expirePassword(dc: SambaDc, name: string, how: PasswordExpiry = 'must-change'): Promise<void> {
  const dn = await accountDn(dc, name);
  if (how === 'must-change') {
    await modify(dc, `dn: ${dn}\nchangetype: modify\nreplace: pwdLastSet\npwdLastSet: 0\n`);
    return;
  }
  const aged = fileTimeNow(-50 * 86400_000);
  await modify(dc, `dn: ${dn}\nchangetype: modify\nreplace: pwdLastSet\npwdLastSet: ${aged}\n`, tdbUrl(dc));
}

/** Undo of expirePassword: pwdLastSet = 0 then -1 (DSDB sets it to now; like Windows, -1 changes nothing while the
 *  current value is non-zero, which is why the 'aged' case needs the 0 first). */
export async function unexpirePassword(dc: SambaDc, name: string): Promise<void> {
  const dn = await accountDn(dc, name);
  const set = (v: string) => `dn: ${dn}\nchangetype: modify\nreplace: pwdLastSet\npwdLastSet: ${v}\n`;
  await modify(dc, `${set('0')}\n${set('-1')}`);
}

/**
 * Admin password reset (`samba-tool user setpassword`, ignores history/min age): the account's kvno
 * (msDS-KeyVersionNumber) goes up by one and the new keys are appended to dc.decryptKeytab (tshark tries them all).
 * Undo: setPassword with the old password — the keys come back but the kvno only ever grows, so keytabs exported
 * before must be exported again (exportKeytab) after the undo.
 */
export async function setPassword(dc: SambaDc, account: string, password: string): Promise<void> {
  await tool(dc, ['user', 'setpassword', account, `--newpassword=${password}`]);
  await tool(dc, ['domain', 'exportkeytab', dc.decryptKeytab, `--principal=${account}`]);
}

/** msDS-KeyVersionNumber of an account (the kvno a ticket for it carries). */
export async function keyVersion(dc: SambaDc, account: string): Promise<number> {
  const e = await ldbSearch(dc, `(sAMAccountName=${ldapEscape(account)})`, ['msDS-KeyVersionNumber']);
  const v = e[0]?.['msds-keyversionnumber']?.[0];
  if (v === undefined) throw new Error(`samba: no kvno for ${account}`);
  return Number(v);
}

// ---- SPNs ----

/** `samba-tool spn add` (refuses an SPN another account holds: use addDuplicateSpn). Undo: removeSpn. */
export async function addSpn(dc: SambaDc, spn: string, account: string): Promise<void> {
  await tool(dc, ['spn', 'add', spn, account]);
}

/** `samba-tool spn delete` (also removes an SPN added by addDuplicateSpn). Undo: addSpn. */
export async function removeSpn(dc: SambaDc, spn: string, account: string): Promise<void> {
  await tool(dc, ['spn', 'delete', spn, account]);
}

function tdbUrl(dc: SambaDc): string {
  return `tdb://${dc.domainPartitionTdb}`;
}

/**
 * Adds an SPN another account already holds. samba-tool and every DSDB path refuse it (samldb
 * check_spn_direct_collision, Samba ≥ 4.14 enforces uniqueness like Windows 2012 R2+), so this writes the domain
 * partition's tdb directly, below all modules (safe while samba runs). The KDC then answers
 * KDC_ERR_S_PRINCIPAL_UNKNOWN (7) — not 8 KDC_ERR_PRINCIPAL_NOT_UNIQUE. Undo: removeSpn(dc, spn, account).
 */
export async function addDuplicateSpn(dc: SambaDc, spn: string, account: string): Promise<void> {
  const dn = await accountDn(dc, account);
  await modify(dc, `dn: ${dn}\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: ${spn}\n`, tdbUrl(dc));
}

/** Accounts (sAMAccountName) holding an SPN. */
export async function spnHolders(dc: SambaDc, spn: string): Promise<string[]> {
  const e = await ldbSearch(dc, `(servicePrincipalName=${ldapEscape(spn)})`, ['sAMAccountName']);
  return e.map((x) => x.samaccountname?.[0] ?? '').filter((s) => s !== '');
}

// ---- encryption types ----

/** msDS-SupportedEncryptionTypes bits (MS-KILE 2.2.7). */
export const ENCTYPE_BITS = { DES_CBC_CRC: 1, DES_CBC_MD5: 2, RC4_HMAC: 4, AES128: 8, AES256: 16 } as const;

/** Current msDS-SupportedEncryptionTypes (undefined = attribute absent: RC4 service tickets for user accounts). */
export async function getSupportedEnctypes(dc: SambaDc, account: string): Promise<number | undefined> {
  const e = await ldbSearch(dc, `(sAMAccountName=${ldapEscape(account)})`, ['msDS-SupportedEncryptionTypes']);
  const v = e[0]?.['msds-supportedencryptiontypes']?.[0];
  return v === undefined ? undefined : Number(v);
}

/** Sets (or with null deletes) msDS-SupportedEncryptionTypes. Undo: setSupportedEnctypes(dc, account, previous ?? null)
 *  with previous from getSupportedEnctypes (baseline: absent for john/svcaccount/svcaccount2). */
export async function setSupportedEnctypes(dc: SambaDc, account: string, mask: number | null): Promise<void> {
  const dn = await accountDn(dc, account);
  if (mask === null) {
    if ((await getSupportedEnctypes(dc, account)) === undefined) return;
    await modify(dc, `dn: ${dn}\nchangetype: modify\ndelete: msDS-SupportedEncryptionTypes\n`);
    return;
  }
  await modify(dc, `dn: ${dn}\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: ${mask}\n`);
}

/**
 * `samba-tool domain exportkeytab FILE --principal=P`. The file is replaced unless opts.append. Samba exports for an
 * SPN only the enctypes the account supports for tickets (RC4 only when msDS-SupportedEncryptionTypes is absent);
 * for the sAMAccountName it exports AES256, AES128 and RC4. Undo: delete the file.
 */
export async function exportKeytab(dc: SambaDc, principal: string, file: string, opts: { append?: boolean } = {}): Promise<void> {
  if (!opts.append) await rm(file, { force: true });
  await tool(dc, ['domain', 'exportkeytab', file, `--principal=${principal}`]);
}

/**
 * Every account's current keys (krbtgt, users, computers, service accounts a scenario made) into FILE: what a
 * capture of the lab decrypts with after a scenario changed passwords or added accounts. Undo: delete the file.
 */
export async function exportAllKeys(dc: SambaDc, file: string): Promise<void> {
  await rm(file, { force: true });
  await tool(dc, ['domain', 'exportkeytab', file]);
}

// ---- DNS ----

/** Splits an owner name into Samba's zone (contoso.com, or _msdcs.contoso.com for names under it) and node name. */
export function dnsZoneOf(dc: Pick<SambaDc, 'realm'>, name: string): { zone: string; node: string } {
  const domain = dc.realm.toLowerCase();
  const msdcs = `_msdcs.${domain}`;
  const n = name.replace(/\.$/, '');
  const lower = n.toLowerCase();
  for (const zone of [msdcs, domain]) {
    if (lower === zone) return { zone, node: '@' };
    if (lower.endsWith(`.${zone}`)) return { zone, node: n.slice(0, n.length - zone.length - 1) };
  }
  return { zone: domain, node: n };
}

async function dnsCmd(dc: SambaDc, verb: 'add' | 'delete', name: string, type: string, data: string) {
  const { zone, node } = dnsZoneOf(dc, name);
  // RPC (DCE/RPC dnsserver) to the DC's own address, NTLM as Administrator; PASSWD keeps it off the command line
  return sambaTool(ctxOf(dc), ['dns', verb, dc.ip, zone, node, type, data, '-U', 'administrator', '--use-kerberos=off'], {
    PASSWD: dc.adminPassword,
  });
}

/**
 * `samba-tool dns add IP ZONE NAME TYPE DATA` against the DC. data: A → address, CNAME → target FQDN,
 * SRV → "target port priority weight" (e.g. "dc1.contoso.com 88 0 100"). Adding an existing record is a no-op.
 * Undo: deleteDnsRecord with the same arguments.
 */
export async function addDnsRecord(dc: SambaDc, name: string, type: 'A' | 'CNAME' | 'SRV', data: string): Promise<void> {
  const r = await dnsCmd(dc, 'add', name, type, data);
  if (r.code !== 0 && !/already exists|ALREADY_EXISTS/i.test(r.stderr + r.stdout))
    throw new Error(`samba-tool dns add ${name} ${type} ${data} exited ${r.code}: ${r.stderr.trim()}`);
}

/** `samba-tool dns delete`. Deleting a record that is not there is a no-op. Undo: addDnsRecord. */
export async function deleteDnsRecord(dc: SambaDc, name: string, type: string, data: string): Promise<void> {
  const r = await dnsCmd(dc, 'delete', name, type, data);
  if (r.code !== 0 && !/DOES_NOT_EXIST|does not exist|not found/i.test(r.stderr + r.stdout))
    throw new Error(`samba-tool dns delete ${name} ${type} ${data} exited ${r.code}: ${r.stderr.trim()}`);
}

/**
 * Removes every SRV record of both zones (_kerberos._tcp/_udp, _kpasswd, _ldap._tcp, _gc._tcp, the _sites variants,
 * _kerberos._tcp.dc._msdcs, _ldap._tcp.dc._msdcs, pdc, gc, domains ...): the DC can no longer be discovered (MIT
 * with dns_lookup_kdc: "Cannot find KDC for realm"; Windows DsGetDcName: 1355 ERROR_NO_SUCH_DOMAIN). A and SOA
 * records stay. The originals are saved byte for byte in $dir/srv-backup.json; the returned undo (or
 * restoreKerberosSrvRecords, e.g. from another process) puts them back. Works in ~0.3 s through Samba's python
 * bindings (one samba-tool run per record would take ~20 s).
 */
export async function deleteKerberosSrvRecords(dc: SambaDc): Promise<() => Promise<void>> {
  await srvPy(dc, 'delete');
  return () => restoreKerberosSrvRecords(dc);
}

/** Undo of deleteKerberosSrvRecords (no-op when nothing was deleted). Returns the node names restored. */
export async function restoreKerberosSrvRecords(dc: SambaDc): Promise<void> {
  if (!(await exists(join(dc.dir, SRV_BACKUP_FILE)))) return;
  await srvPy(dc, 'restore');
}

async function srvPy(dc: SambaDc, mode: 'delete' | 'restore'): Promise<string> {
  const r = await runOk('/usr/bin/python3', ['-c', SRV_RECORDS_PY, dc.smbConf, mode, join(dc.dir, SRV_BACKUP_FILE)], {
    env: toolEnv(dc),
    timeoutMs: 120_000,
  });
  return r.stdout;
}

// ---- groups (large token) ----

function groupName(i: number): string {
  return `${TOKEN_GROUP_PREFIX}${String(i).padStart(4, '0')}`;
}

/**
 * Creates n global security groups kslab-tok-0001..n in CN=Users (idempotent: existing ones are reused) and makes
 * the user a member of each: every group adds a GroupIds entry (RID + attributes, 8 bytes) to the PAC, in the TGT and
 * in every service ticket (see samba.md for the measured sizes). One ldbadd/ldbmodify through DSDB for all groups
 * (samba-tool would take ~0.4 s per call). Undo: removeUserFromNewGroups.
 */
export async function addUserToNewGroups(dc: SambaDc, user: string, n: number): Promise<void> {
  const userDn = await accountDn(dc, user);
  const existing = await ldbSearch(dc, `(&(objectClass=group)(sAMAccountName=${TOKEN_GROUP_PREFIX}*))`, ['sAMAccountName', 'member']);
  const byName = new Map(existing.map((e) => [(e.samaccountname?.[0] ?? '').toLowerCase(), e]));
  const adds: string[] = [];
  const mods: string[] = [];
  const usersContainer = `CN=Users,${dc.baseDn}`;
  for (let i = 1; i <= n; i++) {
    const name = groupName(i);
    const e = byName.get(name);
    if (!e) {
      adds.push(`dn: CN=${name},${usersContainer}\nobjectClass: group\nsAMAccountName: ${name}\nmember: ${userDn}\n`);
    } else if (!(e.member ?? []).some((m) => m.toLowerCase() === userDn.toLowerCase())) {
      mods.push(`dn: ${e.dn?.[0]}\nchangetype: modify\nadd: member\nmember: ${userDn}\n`);
    }
  }
  if (adds.length > 0) await ldb(dc, 'ldbadd', ['-H', dc.samLdb], adds.join('\n'));
  if (mods.length > 0) await ldb(dc, 'ldbmodify', ['-H', dc.samLdb], mods.join('\n'));
}

/** Undo of addUserToNewGroups: removes the user from every kslab-tok-* group; with deleteGroups also deletes them. */
export async function removeUserFromNewGroups(dc: SambaDc, user: string, opts: { deleteGroups?: boolean } = {}): Promise<void> {
  const userDn = await accountDn(dc, user);
  const groups = await ldbSearch(dc, `(&(objectClass=group)(sAMAccountName=${TOKEN_GROUP_PREFIX}*))`, ['member']);
  const mods = groups
    .filter((g) => (g.member ?? []).some((m) => m.toLowerCase() === userDn.toLowerCase()))
    .map((g) => `dn: ${g.dn?.[0]}\nchangetype: modify\ndelete: member\nmember: ${userDn}\n`);
  if (mods.length > 0) await ldb(dc, 'ldbmodify', ['-H', dc.samLdb], mods.join('\n'));
  if (opts.deleteGroups) for (const g of groups) await ldb(dc, 'ldbdel', ['-H', dc.samLdb, g.dn?.[0] ?? '']);
}

/** Number of groups (transitively) in the user's token per tokenGroups (what the KDC puts in the PAC). */
export async function tokenGroupCount(dc: SambaDc, user: string): Promise<number> {
  const dn = await accountDn(dc, user);
  const r = await ldb(dc, 'ldbsearch', ['-H', dc.samLdb, '-b', dn, '-s', 'base', '(objectClass=*)', 'tokenGroups']);
  return (r.stdout.match(/^tokenGroups::? /gm) ?? []).length;
}
