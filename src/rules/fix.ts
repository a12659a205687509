/**
 * Pieces of fix commands several rules share. Everything that comes from evidence is quoted by rules/shell.ts;
 * placeholders the admin must fill in are written <LIKE-THIS> and inserted as is.
 */
import { enctypeName } from '../crypto/index.js';
import { type Fact, factsOf } from '../facts/fact.js';
import { type Raw, raw, sh } from './shell.js';

/** A NetBIOS domain name as Windows allows it (15 characters; letters, digits, a few punctuation marks, no spaces). */
const NETBIOS = /^[A-Za-z0-9][A-Za-z0-9!#&'()\-.^_{}~]{0,14}$/;

/**
 * The NetBIOS domain the evidence names (the PAC's LogonDomainName, an NTLM AUTHENTICATE's domain), when it is a
 * plausible NetBIOS name; otherwise undefined and fixes print the placeholder <DOMAIN>.
 */
export function netbiosDomain(facts: readonly Fact[]): string | undefined {
  const names = [
    ...factsOf(facts, 'pac-size').map((f) => f.domain),
    ...factsOf(facts, 'ntlm-message')
      .filter((f) => f.messageType === 3)
      .map((f) => f.domain),
  ];
  for (const n of names) if (n && NETBIOS.test(n) && !/[&^'()]/.test(n)) return n.toUpperCase();
  return undefined;
}

/** `DOMAIN\<service-account>` (or `<DOMAIN>\<service-account>`), for setspn / ktpass -mapuser. */
export function accountArg(facts: readonly Fact[], what = 'service-account'): Raw {
  return raw(`${netbiosDomain(facts) ?? '<DOMAIN>'}\\<${what}>`);
}

/**
 * The `kerbscope keytab add` line for a principal (with its realm) at a kvno; undefined when the kvno or the realm
 * is unknown, because kerbscope would refuse the command (the fix then says where to read the kvno).
 */
export function keytabAddCommand(principal: string, kvno: number | undefined, enctype?: number): string | undefined {
  if (kvno === undefined || !/@[^@]+$/.test(principal)) return undefined;
  const e = enctype !== undefined && enctype !== 23 ? enctypeName(enctype) : 'aes256-cts-hmac-sha1-96';
  return sh`kerbscope keytab add http.keytab --principal ${principal} --kvno ${String(kvno)} --enctype ${e} --password-stdin`;
}
