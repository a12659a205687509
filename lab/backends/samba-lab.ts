// The Samba AD DC backend: the DC (samba.ts) in the server namespace at 10.201.0.10, provisioned once under
// $KERBSCOPE_LAB_DIR/samba-dc-ID, restored to its pristine copy (provision + the lab's base) at every up, plus the same Apache vhosts as the MIT backend with keytabs
// exported from the DC. Samba's internal DNS is the lab DNS.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Apache, apacheRestart, apacheUp, type Vhost, writeNtlmUsers } from '../apache.js';
import type { Janitor } from '../janitor.js';
import { DOMAIN, REALM, WEB_CNAMES, WEB_HOSTS, writeClientConfs } from '../krb5conf.js';
import { IP, type LabNet } from '../netns.js';
import { must } from '../proc.js';
import type { DnsOps, LabEnv } from '../types.js';
import { loadSamba, type SambaDc, type SambaModule } from './samba-api.js';
import { ensureSambaDns, SAMBA_PASSWORD } from './samba-ops.js';

/** One provision per lab id: samba.ts re-provisions a dir that was provisioned for another namespace name. */
export function sambaDcDir(id: string): string {
  return join(process.env.KERBSCOPE_LAB_DIR ?? '/tmp/kerbscope-lab', `samba-dc-${id}`);
}

/** SPNs the base needs besides the DC's baseline (HTTP/iisserver on svcaccount): spn → account */
const BASE_SPNS: [string, string][] = [
  ['HTTP/websmall.contoso.com', 'svcaccount'],
  ['HTTP/otherweb.contoso.com', 'svcaccount2'],
  ['HTTP/portsrv.contoso.com:8080', 'svcaccount2'],
  ['HTTP/app.contoso.com', 'svcaccount2'],
];

function provisionId(dcDir: string): string {
  try {
    return String((JSON.parse(readFileSync(join(dcDir, 'lab-samba.json'), 'utf8')) as { provisionedAt?: string }).provisionedAt);
  } catch {
    return `unknown-${Date.now()}`; // no state file: redo every time
  }
}

async function keytabOnce(m: SambaModule, dc: SambaDc, spn: string, file: string): Promise<string> {
  if (!existsSync(file)) await m.exportKeytab(dc, spn, file);
  return file;
}

/** Tag of the pristine copy that holds the lab's base state (SPNs, DNS records) on top of a given provision. */
function baseTag(provisionedAt: string): string {
  return `lab-base-v1 ${provisionedAt}`;
}

export async function sambaLabUp(
  dir: string,
  id: string,
  net: LabNet,
  janitor: Janitor,
): Promise<{ env: LabEnv; dc: SambaDc; apache: Apache }> {
  const m = await loadSamba();
  const dcDir = sambaDcDir(id);
  mkdirSync(dcDir, { recursive: true });
  // every up starts from the pristine copy (samba.ts): whatever an earlier run changed and did not undo is gone
  let dc = await m.sambaUp({ dir: dcDir, ip: IP.dc, netns: net.server });
  janitor.add({ kind: 'pid', pid: dc.pid, name: 'samba', group: true });
  const confDir = join(dir, 'conf');
  mkdirSync(confDir, { recursive: true });
  const krb5 = writeClientConfs(confDir, IP.dc);
  // SPNs, DNS records and keytabs are made once per provision; the DC state then becomes the pristine copy that each
  // later up restores, so they are in place from the start (samba.ts re-provisions the directory when the address or
  // namespace changed: the tag names the provision)
  const ktDir = join(dcDir, 'lab-keytabs');
  const provisionedAt = provisionId(dcDir);
  const tag = baseTag(provisionedAt);
  if ((await m.sambaPristineTag(dcDir)) !== tag) {
    rmSync(ktDir, { recursive: true, force: true });
    mkdirSync(ktDir, { recursive: true });
    const partial = { net } as LabEnv;
    await ensureSambaDns(partial, m, dc, [
      ...Object.entries(WEB_HOSTS).map(([name, ip]) => ({ name, type: 'A' as const, data: ip })),
      ...Object.entries(WEB_CNAMES).map(([name, t]) => ({ name, type: 'CNAME' as const, data: t })),
    ]);
    for (const [spn, account] of BASE_SPNS) await m.addSpn(dc, spn, account);
    // the base state is saved only while samba is stopped (a running DC's tdb files may be torn)
    await m.sambaDown(dc);
    janitor.forget((r) => r.kind === 'pid' && r.pid === dc.pid);
    await m.sambaSavePristine(dcDir, tag);
    dc = await m.sambaUp({ dir: dcDir, ip: IP.dc, netns: net.server, reset: false });
    janitor.add({ kind: 'pid', pid: dc.pid, name: 'samba', group: true });
  }
  const http = await keytabOnce(m, dc, 'HTTP/iisserver.contoso.com', join(ktDir, 'http.keytab'));
  const small = await keytabOnce(m, dc, 'HTTP/websmall.contoso.com', join(ktDir, 'websmall.keytab'));
  const other = await keytabOnce(m, dc, 'HTTP/otherweb.contoso.com', join(ktDir, 'otherweb.keytab'));
  // one keytab that decrypts everything in a capture: the DC's (krbtgt, users) + the web services'
  const decrypt = join(dir, 'decrypt-all.keytab');
  await must(['ktutil'], {
    input: `rkt ${dc.decryptKeytab}\nrkt ${http}\nrkt ${small}\nrkt ${other}\nwkt ${decrypt}\nquit\n`,
  });
  const n = (name: string, kind: Vhost['kind'] = 'negotiate'): Vhost => ({
    name,
    ip: IP.web,
    port: 80,
    kind,
    keytab: kind === 'negotiate' ? http : undefined,
  });
  const vhosts: Vhost[] = [
    n('iisserver.contoso.com'),
    n('webstale.contoso.com'),
    n('webwrongkey.contoso.com'),
    n('webenc.contoso.com'),
    n('webalias.contoso.com'),
    n('webhost.contoso.com'),
    n('legacy.contoso.com'),
    n('webntlm.contoso.com', 'ntlm-only'),
    n('webfallback.contoso.com', 'negotiate-ntlmssp'),
    { name: 'portsrv.contoso.com', ip: IP.web, port: 8080, kind: 'negotiate', keytab: http },
    { name: 'otherweb.contoso.com', ip: IP.otherWeb, port: 80, kind: 'negotiate', keytab: other },
    { name: 'websmall.contoso.com', ip: IP.smallWeb, port: 80, kind: 'negotiate', keytab: small, limitRequestFieldSize: 4096 },
  ];
  const apacheEnv = {
    ...process.env,
    KRB5_CONFIG: krb5.conf,
    KRB5_KTNAME: join(dir, 'apache', 'iisserver.contoso.com-80.keytab'),
    NTLM_USER_FILE: writeNtlmUsers(join(dir, 'ntlm-users'), DOMAIN, 'john', SAMBA_PASSWORD),
  };
  const apache = await apacheUp(join(dir, 'apache'), net, vhosts, janitor, apacheEnv);
  const dns: DnsOps = {
    async set(name, type, data) {
      await m.addDnsRecord(dc, name, type, data);
    },
    async remove(name, type, data) {
      if (data !== undefined) await m.deleteDnsRecord(dc, name, type, data);
    },
    removeKerberosSrv: () => m.deleteKerberosSrvRecords(dc),
  };
  const env: LabEnv = {
    backend: 'samba',
    id,
    dir,
    realm: REALM,
    domain: DOMAIN,
    kdc: IP.dc,
    dns: IP.dc,
    user: 'john',
    password: SAMBA_PASSWORD,
    url: 'http://iisserver.contoso.com/',
    spn: 'HTTP/iisserver.contoso.com',
    hosts: {
      [dc.dcHost]: IP.dc,
      ...WEB_HOSTS,
      // aliases resolve (through their CNAME) to the canonical name's address
      ...Object.fromEntries(Object.entries(WEB_CNAMES).map(([a, c]) => [a, WEB_HOSTS[c] ?? ''])),
    },
    krb5,
    decryptKeytab: decrypt,
    httpKeytab: http,
    net,
    ops: {
      dns,
      async webClock(offset) {
        await apacheRestart(apache, janitor, offset);
      },
      samba: dc,
      async beforeDown() {
        await m.sambaDown(dc);
        janitor.forget((r) => r.kind === 'pid' && r.pid === dc.pid);
      },
    },
  };
  return { env, dc, apache };
}
