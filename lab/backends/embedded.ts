// The embedded backend (src/embedded, `kerbscope lab`) seen through the lab's LabEnv, so the catalogue's probes and
// wire filters — written for the real MIT/Samba labs — run unchanged against it (test/lab/embedded.test.ts).
//
// The embedded servers live in the test's own process on 127.201.x.y with the well-known ports (root). The real
// clients (MIT kinit/kvno, curl) run in a private mount namespace whose /etc/resolv.conf names the embedded DNS
// server, as `ip netns exec` gives the netns labs theirs: DNS SRV lookups, CNAME canonicalisation and curl's name
// resolution go to the embedded zone, and the machine's own resolver is never asked about contoso.com.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EmbeddedLab, type EmbeddedScenario, startEmbeddedLab } from '../../src/embedded/index.js';
import { encodeKeytab } from '../../src/formats/keytab.js';
import { writeNtlmUsers } from '../apache.js';
import { DOMAIN, REALM, writeClientConfs } from '../krb5conf.js';
import type { LabNet } from '../netns.js';
import type { DnsOps, LabEnv } from '../types.js';

export interface EmbeddedBase {
  lab: EmbeddedLab;
  env: LabEnv;
  stop(): Promise<void>;
}

/** '+10m' / '-90s' / '2h' (faketime's relative form) → milliseconds */
export function offsetMs(offset: string): number {
  const m = /^([+-]?)(\d+)([smhd]?)$/.exec(offset.trim());
  if (!m) throw new Error(`clock offset not understood: ${offset}`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[3] as '' | 's' | 'm' | 'h' | 'd'];
  return (m[1] === '-' ? -1 : 1) * Number(m[2]) * unit * 1000;
}

/** Every key of the embedded directory as one keytab (krbtgt, users, each SPN): tshark decrypts the capture with it. */
function writeDecryptKeytab(lab: EmbeddedLab, file: string): void {
  const entries = lab.directory.accounts.flatMap((a) => {
    const names =
      a.kind === 'krbtgt' ? [['krbtgt', lab.realm]] : a.kind === 'user' ? [[a.name]] : [[a.name], ...a.spns.map((s) => s.split('/'))];
    return names.flatMap((components) =>
      a.keys.map((k) => ({
        principal: { realm: lab.realm, components, nameType: 1 },
        kvno: a.kvno,
        enctype: k.enctype,
        key: k.key,
        timestamp: new Date(),
      })),
    );
  });
  writeFileSync(file, encodeKeytab({ entries }), { mode: 0o600 });
}

/**
 * Starts the embedded lab staged as `stage` and wraps it as a LabEnv. Needs root: the well-known ports (53 for the
 * resolv.conf the clients get, 88 and 80 so tshark dissects Kerberos and HTTP as on the real labs) and unshare.
 */
export async function embeddedUp(stage: string, dir: string): Promise<EmbeddedBase> {
  mkdirSync(join(dir, 'client'), { recursive: true });
  const lab = await startEmbeddedLab({ scenario: stage as EmbeddedScenario, wellKnownPorts: true, dir: join(dir, 'state') });
  try {
    const dc = lab.hosts.dc;
    const resolv = join(dir, 'resolv.conf');
    writeFileSync(resolv, `nameserver ${dc}\noptions timeout:1 attempts:1\n`);
    const hostsFile = join(dir, 'hosts');
    writeFileSync(hostsFile, '127.0.0.1 localhost\n::1 localhost\n');
    const net: LabNet = {
      server: '',
      client: '',
      // a private mount namespace whose /etc/resolv.conf and /etc/hosts are the lab's (the real ones stay untouched)
      clientExec: [
        'unshare',
        '--mount',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"',
        'sh',
        resolv,
        hostsFile,
      ],
      serverExec: [],
    };
    // gss-ntlmssp's user file, for the NTLM fallback (what a Windows client has from the logon)
    writeNtlmUsers(join(dir, 'ntlm-users'), DOMAIN, 'john', lab.password);
    const decryptKeytab = join(dir, 'decrypt.keytab');
    writeDecryptKeytab(lab, decryptKeytab);
    const zone = lab.servers.dns.zone;
    const dns: DnsOps = {
      async set(name, type, data) {
        zone.push({ name, type, data });
      },
      async remove(name, type, data) {
        for (let i = zone.length - 1; i >= 0; i--) {
          const r = zone[i];
          if (r && r.name.toLowerCase() === name.toLowerCase() && r.type === type && (data === undefined || r.data === data))
            zone.splice(i, 1);
        }
      },
      async removeKerberosSrv() {
        const removed = zone.filter((r) => r.type === 'SRV');
        for (const r of removed) zone.splice(zone.indexOf(r), 1);
        return async () => {
          zone.push(...removed);
        };
      },
    };
    const hosts: Record<string, string> = {};
    for (const r of zone) if (r.type === 'A') hosts[r.name] = r.data;
    const env: LabEnv = {
      backend: 'embedded',
      id: 'embedded',
      dir,
      realm: lab.realm,
      domain: 'contoso.com',
      kdc: dc,
      dns: dc,
      // the user name as kinit takes it (krb5.conf's default realm completes it), as on the namespace labs
      user: lab.user.replace(/@.*$/, ''),
      password: lab.password,
      url: lab.url,
      spn: lab.spn,
      hosts,
      krb5: writeClientConfs(join(dir, 'client'), `${dc}:${lab.ports.kdc}`),
      decryptKeytab,
      httpKeytab: lab.keytab,
      net,
      ops: {
        dns,
        async webClock(offset) {
          lab.setClock({ web: offset === undefined ? 0 : offsetMs(offset) });
        },
      },
    };
    if (env.realm !== REALM) throw new Error(`embedded realm ${env.realm} is not the lab's ${REALM}`);
    return { lab, env, stop: () => lab.stop() };
  } catch (e) {
    await lab.stop();
    throw e;
  }
}
