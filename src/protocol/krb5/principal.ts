/**
 * Principal names as text, with MIT's quoting rules (`krb5_unparse_name` / `krb5_parse_name`, MIT
 * `src/lib/krb5/krb/unparse.c`, `parse.c`): components are joined by `/`, the realm follows `@`, and `/`, `@`,
 * `\`, NUL, tab, newline and backspace inside a component or realm are escaped with a backslash.
 */
import { DecodeError } from '../../wire/errors.js';
import { NameType } from './constants.js';
import type { PrincipalName } from './messages.js';

const ESCAPES: Record<string, string> = { '/': '\\/', '@': '\\@', '\\': '\\\\', '\0': '\\0', '\t': '\\t', '\n': '\\n', '\b': '\\b' };
const UNESCAPES: Record<string, string> = { '0': '\0', t: '\t', n: '\n', b: '\b' };

function quote(s: string): string {
  return s.replace(/[/@\\\0\t\n\b]/g, (c) => ESCAPES[c] as string);
}

/**
 * "HTTP/web.example.com@EXAMPLE.COM". An enterprise name's single component keeps its `@` escaped
 * ("user\@example.com@EXAMPLE.COM"), as MIT prints it. Without a realm, just the name part.
 */
export function principalToString(name: Pick<PrincipalName, 'nameString'>, realm?: string): string {
  const n = name.nameString.map(quote).join('/');
  return realm === undefined ? n : `${n}@${quote(realm)}`;
}

export interface ParsedPrincipal {
  name: PrincipalName;
  /** Undefined when the text has no `@REALM` part. */
  realm?: string;
}

export interface ParsePrincipalOptions {
  /** Name type to use; default NT-PRINCIPAL, or NT-SRV-INST for `krbtgt/...` (as MIT does). */
  nameType?: number;
  /**
   * Enterprise form (RFC 6806 §5): one component that contains the first `@` ("user@upn.suffix"), and a realm
   * only after a second `@` ("user@upn.suffix@REALM"); name type NT-ENTERPRISE.
   */
  enterprise?: boolean;
}

/** Parses "HTTP/host@REALM" (MIT syntax, backslash escapes). Malformed text throws a DecodeError. */
export function parsePrincipal(text: string, opts: ParsePrincipalOptions = {}): ParsedPrincipal {
  const components: string[] = [];
  let cur = '';
  let realm: string | undefined;
  let inRealm = false;
  const ats: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const n = text[i + 1];
      if (n === undefined)
        throw new DecodeError('ERR_BAD_VALUE', 'principal name ends with a lone backslash', { field: 'principal', offset: i });
      cur += UNESCAPES[n] ?? n;
      i++;
      continue;
    }
    if (c === '@' && !inRealm) {
      ats.push(i);
      components.push(cur);
      cur = '';
      inRealm = true;
      continue;
    }
    if (c === '@' && inRealm) {
      if (!opts.enterprise)
        throw new DecodeError('ERR_BAD_VALUE', 'more than one unescaped "@" in principal name', { field: 'principal', offset: i });
      ats.push(i);
      continue;
    }
    if (c === '/' && !inRealm) {
      components.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (inRealm) realm = cur;
  else components.push(cur);

  if (opts.enterprise) {
    // Re-split as MIT's KRB5_PRINCIPAL_PARSE_ENTERPRISE does: the first unescaped '@' belongs to the name; a later
    // one separates the realm.
    const last = ats.length >= 2 ? ats[ats.length - 1] : undefined;
    const namePart = last === undefined ? text : text.slice(0, last);
    const realmPart = last === undefined ? undefined : text.slice(last + 1);
    const unq = (s: string) => s.replace(/\\(.)/g, (_, ch: string) => UNESCAPES[ch] ?? ch);
    return {
      name: { nameType: opts.nameType ?? NameType.NT_ENTERPRISE, nameString: [unq(namePart)] },
      ...(realmPart === undefined ? {} : { realm: unq(realmPart) }),
    };
  }
  const nameType = opts.nameType ?? (components[0] === 'krbtgt' && components.length === 2 ? NameType.NT_SRV_INST : NameType.NT_PRINCIPAL);
  return { name: { nameType, nameString: components }, ...(realm === undefined ? {} : { realm }) };
}

/** True for krbtgt/REALM (a TGT's service name). */
export function isTgsPrincipal(name: Pick<PrincipalName, 'nameString'>): boolean {
  return name.nameString.length === 2 && name.nameString[0] === 'krbtgt';
}
