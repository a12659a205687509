/**
 * The catalogue's title of each scenario the embedded lab can stage, for `kerbscope lab --scenario list`.
 * A copy, not an import: lab/catalogue.ts pulls in the real lab's network-namespace and Samba modules, which have
 * no place in the CLI bundle. test/embedded/titles.test.ts holds this list to the catalogue's titles and ids.
 */
import type { EmbeddedScenario } from './lab.js';

export const EMBEDDED_SCENARIO_TITLES: Record<EmbeddedScenario, string> = {
  healthy: 'Healthy baseline: kinit, then curl gets 401 → Negotiate → 200 with mutual authentication',
  'missing-spn': 'The web site host name has no SPN in the directory',
  'url-is-ip': 'The URL uses an IP address instead of the host name',
  'wrong-password': 'Wrong password',
  'unknown-user': 'The user does not exist in the realm',
  'account-disabled': 'The account is disabled',
  'account-locked': 'The account is locked out after failed logons',
  'password-expired': "The user's password has expired",
  'clock-skew-as': 'Client clock 10 minutes ahead at AS-REQ (client without kdc_timesync)',
  'clock-skew-web': 'The web server clock is 10 minutes ahead',
  'clock-skew-web-behind': 'The web server clock is 10 minutes behind (the fresh ticket starts in its future)',
  'keytab-stale-kvno': "The web server's keytab holds an old key version (password/kvno changed since export)",
  'keytab-wrong-key': 'The keytab has the right kvno but a different key (service account password ≠ keytab)',
  'keytab-missing-enctype': "The keytab lacks the ticket's encryption type",
  'cname-alias': 'URL host is a CNAME; the SPN exists only for the canonical name and the client does not canonicalise',
  'spn-with-port': 'The SPN was registered with the port (HTTP/host:8080); clients never add the port',
  'ticket-not-for-server': 'The web server gets a ticket for another service principal than the one in its keytab',
  'enctype-unsupported': 'The service account has no key of an encryption type the client allows',
  'kdc-rejected': 'KDC port 88 is rejected (ICMP port unreachable / TCP RST)',
  'kdc-dropped': 'KDC port 88 is silently dropped by a firewall',
  'dns-dropped': 'DNS port 53 to the DC is dropped',
  'no-srv-records': 'The realm has no _kerberos SRV records: the DC/KDC cannot be discovered (Windows error 1355)',
  'cname-canonical': 'URL host is a CNAME; the SPN exists only for the alias and the client canonicalises',
  'duplicate-spn': 'The same SPN is registered on two accounts',
  'spn-wrong-account': 'The SPN is registered on another account than the one whose keys the web server holds',
  'dns-a-wrong': "The site's DNS A record points at another web server",
  'ntlm-only': 'The server offers NTLM only (no Negotiate)',
  'basic-only': 'The server offers Basic authentication only (no Negotiate)',
  'ldap-blocked': 'LDAP/CLDAP port 389 is blocked (Kerberos itself works)',
  'ntlm-fallback': 'The server offers Negotiate but the exchange falls back to NTLM (no SPN for the site)',
  'clock-skew-tgs': 'Client clock 10 minutes ahead at TGS-REQ (TGT obtained earlier)',
  'token-too-large': "The Negotiate token is larger than the server's request-header limit (user in many groups)",
};
