/**
 * The SPN each client builds from a URL (the guidance's "which SPN does the client ask for"):
 *
 *  - mit (curl, MIT GSSAPI, Firefox on Linux through it): HTTP@host; krb5.conf decides the name —
 *    dns_canonicalize_hostname (true: the canonical name through CNAMEs; fallback: as typed first), then rdns (true:
 *    the PTR name of the address). Port never included.
 *  - windows (SSPI: Edge, IE, .NET): the canonical name through CNAMEs (DNS), no port (EnableAuthNegotiatePort off).
 *  - chrome (Linux/macOS): canonical name unless DisableAuthNegotiateCnameLookup; no port unless EnableAuthNegotiatePort.
 *  - firefox: the host as typed (network.negotiate-auth.* only says which sites); GSSAPI canonicalisation as mit.
 * An IP-address URL yields HTTP/<address> everywhere (no account holds it unless registered; Windows needs TryIPSPN).
 */
import type { ClientProfile } from './model.js';

export interface NameInfo {
  /** the host as in the URL (lower case) */
  host: string;
  isIp: boolean;
  /** the canonical name after following CNAMEs, when different */
  canonical?: string;
  /** PTR name of the first address */
  ptr?: string;
}

export interface SpnChoice {
  spn: string;
  host: string;
  why: string;
}

export function spnFor(client: ClientProfile, n: NameInfo, krb: { canonicalize: boolean | 'fallback'; rdns: boolean }): SpnChoice {
  const mk = (host: string, why: string): SpnChoice => ({ spn: `HTTP/${host}`, host, why });
  if (n.isIp) {
    if (client === 'mit' && krb.rdns && n.ptr) return mk(n.ptr, `the URL is an IP address; rdns = true, so MIT uses its PTR name ${n.ptr}`);
    return mk(n.host, 'the URL is an IP address, so the SPN is built from the address');
  }
  switch (client) {
    case 'windows':
      return n.canonical
        ? mk(n.canonical, `Windows SSPI follows the CNAME ${n.host} → ${n.canonical} and leaves the port out`)
        : mk(n.host, 'Windows SSPI uses the host name from the URL (no CNAME) and leaves the port out');
    case 'chrome':
      return n.canonical
        ? mk(
            n.canonical,
            `Chrome resolves the CNAME ${n.host} → ${n.canonical} (DisableAuthNegotiateCnameLookup is off) and leaves the port out (EnableAuthNegotiatePort is off)`,
          )
        : mk(n.host, 'Chrome uses the host name from the URL (no CNAME) and leaves the port out');
    case 'firefox':
      return mk(n.host, 'Firefox asks GSSAPI for HTTP@host with the host as typed in the URL');
    default:
      if (krb.canonicalize === true && n.canonical)
        return mk(n.canonical, `krb5.conf dns_canonicalize_hostname = true: MIT follows the CNAME ${n.host} → ${n.canonical}`);
      if (krb.canonicalize === true && krb.rdns && n.ptr) return mk(n.ptr, `krb5.conf rdns = true: MIT uses the PTR name ${n.ptr}`);
      return mk(
        n.host,
        krb.canonicalize === 'fallback'
          ? 'krb5.conf dns_canonicalize_hostname = fallback: MIT asks for the host as typed first'
          : `MIT uses the host as typed${krb.canonicalize === false ? ' (dns_canonicalize_hostname = false)' : ''}; the port is never part of the SPN`,
      );
  }
}

export const PROFILES: ClientProfile[] = ['mit', 'windows', 'chrome', 'firefox'];
