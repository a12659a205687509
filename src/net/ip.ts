/**
 * IP address literals: 4 for dotted-quad IPv4 (RFC 791 text form, as inet_pton accepts it: four decimal octets,
 * no leading zeros), 6 for IPv6 text (RFC 4291 §2.2: eight hex groups, one `::`, an IPv4 tail; an RFC 4007 zone
 * `%id` allowed), 0 for anything else. Same answers as node:net isIP (test/net/ip.test.ts holds it to that) without
 * its start-up cost: node's first isIP() call compiles a very large regular expression (~10-20 ms of a `check` run).
 */
export function ipVersion(s: string): 0 | 4 | 6 {
  if (isIPv4(s)) return 4;
  return isIPv6(s) ? 6 : 0;
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return false;
    if (p.length > 1 && p[0] === '0') return false;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
    if (Number(p) > 255) return false;
  }
  return true;
}

function isHexGroup(g: string): boolean {
  if (g.length === 0 || g.length > 4) return false;
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function isIPv6(s: string): boolean {
  let addr = s;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    const zone = s.slice(pct + 1);
    // a zone id is any non-empty text without '%' (node accepts the same)
    if (zone.length === 0 || zone.includes('%')) return false;
    addr = s.slice(0, pct);
  }
  if (addr.length < 2 || !addr.includes(':')) return false;
  const dbl = addr.indexOf('::');
  if (dbl >= 0 && addr.indexOf('::', dbl + 1) >= 0) return false;
  const groupsOf = (part: string): string[] | undefined => (part === '' ? [] : part.split(':'));
  let head: string[] | undefined;
  let tail: string[] | undefined;
  if (dbl >= 0) {
    head = groupsOf(addr.slice(0, dbl));
    tail = groupsOf(addr.slice(dbl + 2));
  } else head = groupsOf(addr);
  if (!head) return false;
  const all = [...head, ...(tail ?? [])];
  // an IPv4 tail ends the text: the last group, and not before a trailing '::'
  const lastIsTextEnd = dbl < 0 || (tail?.length ?? 0) > 0;
  let units = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i] as string;
    if (i === all.length - 1 && lastIsTextEnd && g.includes('.')) {
      if (!isIPv4(g)) return false;
      units += 2;
    } else if (isHexGroup(g)) units += 1;
    else return false;
  }
  return dbl >= 0 ? units <= 7 : units === 8;
}
