/**
 * HTTP authentication headers as users paste them (RFC 7235 §2.1 / §4.1, RFC 4559 for Negotiate):
 *
 *   challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   WWW-Authenticate: Negotiate, NTLM                       (two bare challenges: the seed's IIS 401)
 *   WWW-Authenticate: Negotiate oYG2MIGzoAMKAQChCwYJ...      (a negTokenResp from the server)
 *   Authorization: Negotiate YIIHGwYGKwYBBQUCoIIHDz...       (the client's SPNEGO NegTokenInit)
 *
 * Pure parsing: no decoding of the tokens here.
 */
import { fromBase64 } from '../../wire/encoding.js';

export type AuthHeaderName = 'Authorization' | 'Proxy-Authorization' | 'WWW-Authenticate' | 'Proxy-Authenticate';

export interface AuthToken {
  /** The header the value came from, when the text named one. */
  header: AuthHeaderName | undefined;
  /** 'request' for Authorization headers (client → server), 'response' for challenges (server → client). */
  direction: 'request' | 'response' | undefined;
  /** The scheme as written (Negotiate, Kerberos, NTLM, Basic, Digest, Bearer, ...). */
  scheme: string;
  /** token68 text when present. */
  tokenText: string | undefined;
  /** token68 decoded from base64, when it is base64. */
  token: Uint8Array | undefined;
  /** auth-params (realm="...", ...) for schemes that use them. */
  params: Record<string, string>;
}

const HEADER_NAMES: Record<string, AuthHeaderName> = {
  authorization: 'Authorization',
  'proxy-authorization': 'Proxy-Authorization',
  'www-authenticate': 'WWW-Authenticate',
  'proxy-authenticate': 'Proxy-Authenticate',
};

/** Schemes we recognise when a line starts with a scheme and no header name. */
export const KNOWN_SCHEMES = ['Negotiate', 'Kerberos', 'NTLM', 'Basic', 'Digest', 'Bearer', 'Nego2'] as const;

const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Splits one header value into challenges/credentials (commas separate challenges; auth-params stay with theirs). */
export function parseAuthValue(value: string, header?: AuthHeaderName): AuthToken[] {
  const direction = header === undefined ? undefined : header.endsWith('Authenticate') ? 'response' : 'request';
  const out: AuthToken[] = [];
  // tokenise on commas that are not inside quotes
  const parts: string[] = [];
  let cur = '';
  let q = false;
  for (const ch of value) {
    if (ch === '"') q = !q;
    if (ch === ',' && !q) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    const m = /^([A-Za-z0-9!#$%&'*+\-.^_`|~]+)(?:\s+(.*))?$/.exec(p);
    if (!m) continue;
    const word = m[1] as string;
    const rest = (m[2] ?? '').trim();
    const last = out[out.length - 1];
    // "realm=x" after a scheme is an auth-param of the previous challenge
    if (last && /^[A-Za-z0-9_-]+\s*=/.test(p) && !TOKEN68.test(p.replace(/\s+/g, ''))) {
      const kv = /^([A-Za-z0-9_-]+)\s*=\s*"?([^"]*)"?$/.exec(p);
      if (kv) last.params[(kv[1] as string).toLowerCase()] = kv[2] as string;
      continue;
    }
    const tok: AuthToken = { header, direction, scheme: word, tokenText: undefined, token: undefined, params: {} };
    if (rest) {
      const compact = rest.replace(/\s+/g, '');
      if (TOKEN68.test(compact) && !/=\s*"/.test(rest)) {
        tok.tokenText = compact;
        tok.token = fromBase64(compact);
      } else {
        const kv = /^([A-Za-z0-9_-]+)\s*=\s*"?([^"]*)"?$/.exec(rest);
        if (kv) tok.params[(kv[1] as string).toLowerCase()] = kv[2] as string;
      }
    }
    out.push(tok);
  }
  return out;
}

/**
 * Finds every authentication header in pasted text: whole header lines ("Authorization: Negotiate ..."),
 * several lines at once (a dev-tools copy), or a bare "Negotiate <token>" value. Folded base64 (a token
 * broken over several lines, as in the seed's Network Monitor output) is joined back together.
 */
export function findAuthHeaders(text: string): AuthToken[] {
  const lines = text.split(/\r?\n/);
  const out: AuthToken[] = [];
  let pending: { header?: AuthHeaderName; value: string } | undefined;
  const flush = () => {
    if (pending) out.push(...parseAuthValue(pending.value, pending.header));
    pending = undefined;
  };
  for (const line of lines) {
    const l = line.trim();
    if (!l) {
      flush();
      continue;
    }
    const hm = /^(?:[<>]\s*)?(authorization|proxy-authorization|www-authenticate|proxy-authenticate)\s*:\s*(.*)$/i.exec(l);
    if (hm) {
      flush();
      pending = { header: HEADER_NAMES[(hm[1] as string).toLowerCase()], value: hm[2] as string };
      continue;
    }
    const sm = new RegExp(`^(${KNOWN_SCHEMES.join('|')})(\\s+\\S.*)?$`, 'i').exec(l);
    if (sm) {
      flush();
      pending = { value: l };
      continue;
    }
    if (pending && TOKEN68.test(l)) {
      // a continuation of a folded token
      pending.value += l;
      continue;
    }
    flush();
  }
  flush();
  return out;
}
