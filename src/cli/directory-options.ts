/**
 * The directory options `spn` and `delegation` share (credentials and DC as `check` takes them), and the one place
 * that turns them into an LDAP session.
 */
import { readFileSync } from 'node:fs';
import { type DirectorySession, openDirectorySession, SessionError } from '../ldap/session.js';
import { dnsServerAddress } from '../net/dns.js';
import { ipVersion } from '../net/ip.js';
import { escapeText } from '../report/escape.js';
import { renderJson } from '../report/json.js';
import { type Command, EXIT, type Io, UsageError } from './command.js';

export const DIRECTORY_OPTIONS: Command['options'] = {
  user: { type: 'string', value: 'NAME', description: 'user principal (default: the ccache principal)' },
  'password-stdin': { type: 'boolean', description: "read the user's password from standard input" },
  'client-keytab': { type: 'string', short: 'k', value: 'FILE', description: 'get the TGT with this client keytab (KRB5_CLIENT_KTNAME)' },
  ccache: { type: 'string', value: 'FILE', description: 'read credentials from this ccache (default KRB5CCNAME)' },
  realm: { type: 'string', value: 'REALM', description: 'realm (overrides krb5.conf default_realm)' },
  dc: { type: 'string', value: 'HOST[:PORT]', description: 'the DC to read (default: _ldap._tcp.dc._msdcs SRV, else the krb5.conf KDC)' },
  gc: { type: 'boolean', description: 'search the whole forest through the global catalog (port 3268), as setspn -F' },
  kdc: { type: 'string', value: 'HOST[:PORT]', description: 'KDC to use (overrides krb5.conf and DNS)' },
  'dns-server': { type: 'string', value: 'IP[:PORT]', description: 'DNS server to ask (overrides resolv.conf)' },
  ldaps: { type: 'boolean', description: 'LDAPS (636) with a simple bind (needs --user and --password-stdin) instead of Kerberos' },
  'ca-file': { type: 'string', value: 'FILE', description: "PEM CA the DC's LDAPS certificate must chain to (default: the system's)" },
  'sasl-mech': { type: 'string', value: 'MECH', description: 'GSSAPI (default, RFC 4752) or GSS-SPNEGO (as Windows binds)' },
  'sasl-layer': {
    type: 'string',
    value: 'LAYER',
    description: 'integrity | confidentiality: the SASL security layer to ask for (default confidentiality, as ldapsearch)',
  },
  timeout: { type: 'string', value: 'MS', description: 'per step and overall time limit in ms (default 10000)' },
};

export type Values = Record<string, unknown>;

/** The timeout the options ask for (validated). */
export function timeoutOf(values: Values): number {
  const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000)
    throw new UsageError('--timeout must be between 100 and 600000 ms');
  return timeoutMs;
}

/**
 * Validates the options, reads the password from stdin when asked, opens the session. On a session failure it
 * prints the error (as JSON too when --json) and returns the exit code instead of a session.
 */
export async function openSessionFromOptions(
  values: Values,
  io: Io,
  o: { command: string; schemaVersion: number },
): Promise<DirectorySession | { exit: number }> {
  const dnsServer = values['dns-server'] as string | undefined;
  if (dnsServer !== undefined && !ipVersion(dnsServerAddress(dnsServer).address))
    throw new UsageError(`--dns-server ${dnsServer}: not an IP address (IP, IP:PORT or [IPv6]:PORT)`);
  const timeoutMs = timeoutOf(values);
  const saslLayer = values['sasl-layer'] as string | undefined;
  if (saslLayer !== undefined && saslLayer !== 'integrity' && saslLayer !== 'confidentiality')
    throw new UsageError('--sasl-layer must be integrity or confidentiality');
  const saslMech = ((values['sasl-mech'] as string | undefined) ?? 'GSSAPI').toUpperCase();
  if (saslMech !== 'GSSAPI' && saslMech !== 'GSS-SPNEGO') throw new UsageError('--sasl-mech must be GSSAPI or GSS-SPNEGO');
  let ca: Uint8Array | undefined;
  if (values['ca-file'] !== undefined) {
    if (!values.ldaps) throw new UsageError('--ca-file is for --ldaps');
    try {
      ca = new Uint8Array(readFileSync(values['ca-file'] as string));
    } catch (e) {
      throw new UsageError(`--ca-file ${values['ca-file']}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (values.ldaps && !values['password-stdin']) throw new UsageError('--ldaps binds with a password: give --user NAME --password-stdin');
  let password: string | undefined;
  if (values['password-stdin']) {
    if (!values.user) throw new UsageError('--password-stdin needs --user');
    password = new TextDecoder().decode(await io.readStdin()).replace(/\r?\n$/, '');
  }
  try {
    return await openDirectorySession({
      user: values.user as string | undefined,
      password,
      ccache: values.ccache as string | undefined,
      // as check: a client keytab from the environment only when nothing else says who we are
      clientKeytab:
        (values['client-keytab'] as string | undefined) ??
        (password === undefined && !values.ccache ? process.env.KRB5_CLIENT_KTNAME?.replace(/^FILE:/, '') : undefined),
      realm: values.realm as string | undefined,
      dc: values.dc as string | undefined,
      gc: Boolean(values.gc),
      kdc: values.kdc as string | undefined,
      dnsServer,
      ...(saslLayer ? { saslLayer: saslLayer as 'integrity' | 'confidentiality' } : {}),
      saslMech: saslMech as 'GSSAPI' | 'GSS-SPNEGO',
      ...(values.ldaps ? { ldaps: true } : {}),
      ...(ca ? { ca } : {}),
      timeoutMs,
    });
  } catch (e) {
    if (!(e instanceof SessionError)) throw e;
    if (values.json) io.out(renderJson({ schemaVersion: o.schemaVersion, error: { step: e.step, message: e.message } }));
    io.err(`kerbscope ${o.command}: cannot read the directory (${e.step}): ${escapeText(e.message)}`);
    return { exit: EXIT.UNUSABLE };
  }
}

/** The head line of a directory command's text output: which DC, how bound, as whom. */
export function sessionHead(session: DirectorySession): string {
  return `${session.baseDn === '' ? 'forest (global catalog)' : `domain ${session.baseDn}`} on ${session.dc.host} (${session.dc.address}:${session.dc.port}, ${session.dc.how}; ${session.bind.mechanism === 'simple' ? `LDAPS simple bind as ${session.user}` : `SASL ${session.bind.mechanism} as ${session.user}, ${session.bind.layer}${session.bind.context?.tokens === 'rfc4757' ? ', RC4-HMAC session key (RFC 4757 tokens)' : ''}`})`;
}
