// Client krb5.conf variants shared by the backends. Clients get them through KRB5_CONFIG; /etc/krb5.conf is never used.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IP } from './netns.js';
import type { LabEnv } from './types.js';

export const REALM = 'CONTOSO.COM';
export const DOMAIN = 'CONTOSO';

/** Web host names the lab DNS knows, and where they point. Scenario hosts are listed in the catalogue. */
export const WEB_HOSTS: Record<string, string> = {
  'iisserver.contoso.com': IP.web,
  'nospn.contoso.com': IP.web,
  'webstale.contoso.com': IP.web,
  'webwrongkey.contoso.com': IP.web,
  'webenc.contoso.com': IP.web,
  'webalias.contoso.com': IP.web,
  'portsrv.contoso.com': IP.web,
  'webhost.contoso.com': IP.web,
  'legacy.contoso.com': IP.web,
  'webntlm.contoso.com': IP.web,
  'webbasic.contoso.com': IP.web,
  'webfallback.contoso.com': IP.web,
  'otherweb.contoso.com': IP.otherWeb,
  'websmall.contoso.com': IP.smallWeb,
};
/** CNAME alias → canonical name */
export const WEB_CNAMES: Record<string, string> = {
  'www.contoso.com': 'iisserver.contoso.com',
  'app.contoso.com': 'webhost.contoso.com',
};

export interface Krb5ConfOptions {
  realm: string;
  /** the KDC (`host` or `host:port`) in [realms]; omitted: no [realms] entry (the KDC is found through DNS SRV) */
  kdc?: string;
  adminServer?: string;
  kpasswdServer?: string;
  /** dns_lookup_kdc (default: true exactly when no kdc is given) */
  dnsLookupKdc?: boolean;
  /** dns_canonicalize_hostname (default false: the client uses the name it was given) */
  canonicalize?: boolean;
  /** forwardable = true (default true; Samba's own conf leaves it out) */
  forwardable?: boolean;
  /** more [libdefaults] lines, e.g. 'kdc_timesync = 0' */
  libdefaults?: string[];
  /** [libdefaults] lines that go first (before default_realm) */
  libdefaultsFirst?: string[];
  /** DNS domains mapped to the realm in [domain_realm] (`.d` and `d` each); none: no section */
  domains?: string[];
}

/** The one krb5.conf writer of the lab and the tests (MIT krb5.conf(5)): text only, the caller writes the file. */
export function krb5ConfText(o: Krb5ConfOptions): string {
  const lines = [
    '[libdefaults]',
    ...(o.libdefaultsFirst ?? []).map((l) => `    ${l}`),
    `    default_realm = ${o.realm}`,
    `    dns_lookup_kdc = ${o.dnsLookupKdc ?? o.kdc === undefined}`,
    '    dns_lookup_realm = false',
    `    dns_canonicalize_hostname = ${o.canonicalize ?? false}`,
    '    rdns = false',
    ...(o.forwardable === false ? [] : ['    forwardable = true']),
    ...(o.libdefaults ?? []).map((l) => `    ${l}`),
  ];
  if (o.kdc !== undefined) {
    lines.push('', '[realms]', `    ${o.realm} = {`, `        kdc = ${o.kdc}`);
    if (o.adminServer) lines.push(`        admin_server = ${o.adminServer}`);
    if (o.kpasswdServer) lines.push(`        kpasswd_server = ${o.kpasswdServer}`);
    lines.push('    }');
  }
  if (o.domains?.length) {
    lines.push('', '[domain_realm]');
    for (const d of o.domains) lines.push(`    .${d} = ${o.realm}`, `    ${d} = ${o.realm}`);
  }
  return `${lines.join('\n')}\n`;
}

const AES_ONLY = 'aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96';

export function writeClientConfs(dir: string, kdc: string): LabEnv['krb5'] {
  const common = { realm: REALM, kdc, adminServer: kdc, domains: ['contoso.com'] };
  const files = {
    conf: join(dir, 'krb5.conf'),
    noTimesync: join(dir, 'krb5-notimesync.conf'),
    dnsLookup: join(dir, 'krb5-dns.conf'),
    canonicalize: join(dir, 'krb5-canon.conf'),
    aesOnly: join(dir, 'krb5-aesonly.conf'),
  };
  writeFileSync(files.conf, krb5ConfText(common));
  // MIT corrects the AS-REQ timestamp from the KDC's PREAUTH_REQUIRED time unless kdc_timesync = 0 (RECIPES §2)
  writeFileSync(files.noTimesync, krb5ConfText({ ...common, libdefaults: ['kdc_timesync = 0'] }));
  writeFileSync(files.dnsLookup, krb5ConfText({ realm: REALM, domains: ['contoso.com'] }));
  writeFileSync(files.canonicalize, krb5ConfText({ ...common, canonicalize: true }));
  writeFileSync(
    files.aesOnly,
    krb5ConfText({
      ...common,
      libdefaults: [`default_tgs_enctypes = ${AES_ONLY}`, `default_tkt_enctypes = ${AES_ONLY}`, `permitted_enctypes = ${AES_ONLY}`],
    }),
  );
  return files;
}
