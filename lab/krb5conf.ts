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
  'webfallback.contoso.com': IP.web,
  'otherweb.contoso.com': IP.otherWeb,
  'websmall.contoso.com': IP.smallWeb,
};
/** CNAME alias → canonical name */
export const WEB_CNAMES: Record<string, string> = {
  'www.contoso.com': 'iisserver.contoso.com',
  'app.contoso.com': 'webhost.contoso.com',
};

export function writeClientConfs(dir: string, kdc: string): LabEnv['krb5'] {
  const base = (extra: string, realmKdc: boolean) => `[libdefaults]
    default_realm = ${REALM}
    dns_lookup_kdc = ${realmKdc ? 'false' : 'true'}
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    forwardable = true
${extra}${
  realmKdc
    ? `[realms]
    ${REALM} = {
        kdc = ${kdc}
        admin_server = ${kdc}
    }
`
    : ''
}[domain_realm]
    .contoso.com = ${REALM}
    contoso.com = ${REALM}
`;
  const files = {
    conf: join(dir, 'krb5.conf'),
    noTimesync: join(dir, 'krb5-notimesync.conf'),
    dnsLookup: join(dir, 'krb5-dns.conf'),
    canonicalize: join(dir, 'krb5-canon.conf'),
    aesOnly: join(dir, 'krb5-aesonly.conf'),
  };
  writeFileSync(files.conf, base('', true));
  // MIT corrects the AS-REQ timestamp from the KDC's PREAUTH_REQUIRED time unless kdc_timesync = 0 (RECIPES §2)
  writeFileSync(files.noTimesync, base('    kdc_timesync = 0\n', true));
  writeFileSync(files.dnsLookup, base('', false));
  writeFileSync(files.canonicalize, base('', true).replace('dns_canonicalize_hostname = false', 'dns_canonicalize_hostname = true'));
  writeFileSync(
    files.aesOnly,
    base(
      '    default_tgs_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96\n    default_tkt_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96\n    permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96\n',
      true,
    ),
  );
  return files;
}
