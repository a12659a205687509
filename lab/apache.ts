// Apache httpd + mod_auth_gssapi: the "IIS" of the seed. One httpd process in the server namespace serves every
// variant as its own virtual host (name-based on the web address, IP-based where the variant needs its own address).
// Nothing under /etc/apache2 is used: a standalone config started with `apache2 -f FILE -DFOREGROUND` (RECIPES §3).
import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Janitor, Resource } from './janitor.js';
import type { LabNet } from './netns.js';
import { spawnDaemon, waitTcp } from './proc.js';

export type VhostKind = 'negotiate' | 'ntlm-only' | 'basic-only' | 'negotiate-ntlmssp';

export interface Vhost {
  /** ServerName, e.g. iisserver.contoso.com */
  name: string;
  ip: string;
  port: number;
  kind: VhostKind;
  /** keytab file (copied into the Apache directory, readable by www-data) */
  keytab?: string;
  /** request-header limit for the large-token case */
  limitRequestFieldSize?: number;
}

/** The NTLM "user database" gss-ntlmssp reads (DOMAIN:user:password lines), for the server and the client. */
export function writeNtlmUsers(file: string, domain: string, user: string, password: string): string {
  writeFileSync(file, `${domain}:${user}:${password}\n`, { mode: 0o644 });
  return file;
}

export interface Apache {
  dir: string;
  conf: string;
  pid: number;
  net: LabNet;
  vhosts: Vhost[];
  env: NodeJS.ProcessEnv;
  resource?: Resource;
}

const MOD = '/usr/lib/apache2/modules';
const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

function wwwData(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('www-data:'));
  const f = line?.split(':') ?? [];
  return { uid: Number(f[2] ?? 33), gid: Number(f[3] ?? 33) };
}

/** Keytabs must be readable by the workers (www-data), not only by root. */
export function installKeytab(src: string, dst: string): void {
  copyFileSync(src, dst);
  const { uid, gid } = wwwData();
  chownSync(dst, uid, gid);
}

function vhostBlock(dir: string, v: Vhost): string {
  const kt = v.keytab ? join(dir, `${v.name}-${v.port}.keytab`) : '';
  const limit = v.limitRequestFieldSize ? `    LimitRequestFieldSize ${v.limitRequestFieldSize}\n` : '';
  let auth: string;
  switch (v.kind) {
    case 'negotiate':
      auth = `        AuthType GSSAPI
        AuthName "${v.name}"
        GssapiCredStore keytab:${kt}
        GssapiAllowedMech krb5
        GssapiBasicAuth Off
        Require valid-user`;
      break;
    case 'negotiate-ntlmssp':
      // NTLM inside SPNEGO through gss-ntlmssp, which checks the NTLM response against $NTLM_USER_FILE. No
      // GssapiCredStore here: with a keytab credstore the worker segfaults on the NTLMSSP NEGOTIATE (mod_auth_gssapi
      // 1.6.4 + gss-ntlmssp 1.2); the krb5 mech takes its keys from $KRB5_KTNAME instead. NTLM is connection-bound.
      auth = `        AuthType GSSAPI
        AuthName "${v.name}"
        GssapiAllowedMech krb5
        GssapiAllowedMech ntlmssp
        GssapiConnectionBound On
        GssapiBasicAuth Off
        Require valid-user`;
      break;
    case 'ntlm-only':
      // IIS with only the NTLM provider: a 401 offering "NTLM" and nothing else
      auth = `        RewriteEngine On
        RewriteRule ^ - [R=401]
        Header always set WWW-Authenticate "NTLM"`;
      break;
    case 'basic-only':
      auth = `        AuthType Basic
        AuthName "${v.name}"
        AuthUserFile ${dir}/htpasswd
        Require valid-user`;
      break;
  }
  return `<VirtualHost ${v.ip}:${v.port}>
    ServerName ${v.name}
${limit}    <Location />
${auth}
    </Location>
</VirtualHost>
`;
}

export function apacheConfig(dir: string, vhosts: Vhost[]): string {
  const listens = [...new Set(vhosts.map((v) => `${v.ip}:${v.port}`))];
  return `ServerRoot ${dir}
ServerName lab-httpd
${listens.map((l) => `Listen ${l}`).join('\n')}
PidFile ${dir}/run/httpd.pid
DefaultRuntimeDir ${dir}/run
Mutex file:${dir}/run default
ErrorLog ${dir}/logs/error.log
LogLevel info auth_gssapi:debug
User www-data
Group www-data
LoadModule mpm_event_module ${MOD}/mod_mpm_event.so
LoadModule authn_core_module ${MOD}/mod_authn_core.so
LoadModule authn_file_module ${MOD}/mod_authn_file.so
LoadModule authz_core_module ${MOD}/mod_authz_core.so
LoadModule authz_user_module ${MOD}/mod_authz_user.so
LoadModule auth_basic_module ${MOD}/mod_auth_basic.so
LoadModule dir_module ${MOD}/mod_dir.so
LoadModule mime_module ${MOD}/mod_mime.so
LoadModule headers_module ${MOD}/mod_headers.so
LoadModule rewrite_module ${MOD}/mod_rewrite.so
LoadModule auth_gssapi_module ${MOD}/mod_auth_gssapi.so
TypesConfig /etc/mime.types
LogFormat "%h %u \\"%r\\" %>s %{Host}i" krb
CustomLog ${dir}/logs/access.log krb
DocumentRoot ${dir}/htdocs
DirectoryIndex index.html
<Directory ${dir}/htdocs>
    Require all granted
</Directory>
${vhosts.map((v) => vhostBlock(dir, v)).join('')}`;
}

/** Writes the config, installs keytabs and starts httpd in the server namespace. */
export async function apacheUp(
  dir: string,
  net: LabNet,
  vhosts: Vhost[],
  janitor: Janitor,
  env: NodeJS.ProcessEnv,
  fakeOffset?: string,
): Promise<Apache> {
  for (const d of ['htdocs', 'logs', 'run']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'htdocs', 'index.html'), 'hello from iisserver (Negotiate OK)\n');
  if (!existsSync(join(dir, 'htpasswd'))) writeFileSync(join(dir, 'htpasswd'), '');
  for (const v of vhosts) if (v.keytab) installKeytab(v.keytab, join(dir, `${v.name}-${v.port}.keytab`));
  const conf = join(dir, 'httpd.conf');
  writeFileSync(conf, apacheConfig(dir, vhosts));
  const a: Apache = { dir, conf, pid: 0, net, vhosts, env };
  await apacheStart(a, janitor, fakeOffset);
  return a;
}

export async function apacheStart(a: Apache, janitor: Janitor, fakeOffset?: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...a.env };
  if (fakeOffset) {
    // LD_PRELOAD rather than the faketime wrapper: the wrapper forks, so its PID is not httpd's (RECIPES §1)
    env.LD_PRELOAD = FAKETIME_LIB;
    env.FAKETIME = fakeOffset;
    env.FAKETIME_DONT_RESET = '1';
  }
  a.pid = spawnDaemon([...a.net.serverExec, 'apache2', '-f', a.conf, '-DFOREGROUND'], join(a.dir, 'logs', 'stdout'), env);
  a.resource = { kind: 'pid', pid: a.pid, name: 'apache2', signal: 'SIGTERM' };
  janitor.add(a.resource);
  const first = a.vhosts[0];
  if (first) await waitTcp(first.ip, first.port, 10_000, a.net.server);
}

export async function apacheRestart(a: Apache, janitor: Janitor, fakeOffset?: string): Promise<void> {
  if (a.resource) janitor.releaseSync(a.resource);
  await apacheStart(a, janitor, fakeOffset);
}
