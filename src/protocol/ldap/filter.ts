/**
 * LDAP search filters: the RFC 4515 string form (what `ldapsearch` and `setspn -Q` patterns are written in) and the
 * RFC 4511 §4.5.1.7 BER form. Pure codec.
 *
 * ```text
 * Filter ::= CHOICE {
 *      and             [0] SET SIZE (1..MAX) OF filter Filter,
 *      or              [1] SET SIZE (1..MAX) OF filter Filter,
 *      not             [2] Filter,
 *      equalityMatch   [3] AttributeValueAssertion,
 *      substrings      [4] SubstringFilter,
 *      greaterOrEqual  [5] AttributeValueAssertion,
 *      lessOrEqual     [6] AttributeValueAssertion,
 *      present         [7] AttributeDescription,
 *      approxMatch     [8] AttributeValueAssertion,
 *      extensibleMatch [9] MatchingRuleAssertion,  ...  }
 * SubstringFilter ::= SEQUENCE { type AttributeDescription,
 *      substrings SEQUENCE SIZE (1..MAX) OF substring CHOICE { initial [0], any [1], final [2] } }
 * ```
 * Extensible matches (`:dn:`, `:1.2.840.113556.1.4.803:`) are not parsed: the string form says so at its offset.
 */
import { readTlv, TagClass, type Tlv } from '../../wire/der.js';
import { fromUtf8, utf8OrLatin1 } from '../../wire/encoding.js';
import { DecodeError } from '../../wire/errors.js';
import { ByteReader } from '../../wire/reader.js';
import { BerCursor, constructed, ctx, octets, seq, tagText } from './ber.js';

export type Filter =
  | { type: 'and'; filters: Filter[] }
  | { type: 'or'; filters: Filter[] }
  | { type: 'not'; filter: Filter }
  | { type: 'equalityMatch' | 'greaterOrEqual' | 'lessOrEqual' | 'approxMatch'; attribute: string; value: Uint8Array }
  | { type: 'substrings'; attribute: string; initial?: Uint8Array; any: Uint8Array[]; final?: Uint8Array }
  | { type: 'present'; attribute: string };

const AVA_TAG = { equalityMatch: 3, greaterOrEqual: 5, lessOrEqual: 6, approxMatch: 8 } as const;
/** Deeper than any filter a person writes; guards the recursion on hostile input. */
export const MAX_FILTER_DEPTH = 32;

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly filter: string,
  ) {
    super(`bad LDAP filter at character ${offset + 1}: ${reason} (${filter})`);
  }
}

// ---- RFC 4515 string form -------------------------------------------------------------------------------------

/** Parses an RFC 4515 filter; the outer parentheses may be left out (`servicePrincipalName=HTTP/*`). */
export function parseFilter(text: string): Filter {
  const s = text.trim();
  const src = s.startsWith('(') ? s : `(${s})`;
  const shift = s.startsWith('(') ? 0 : -1;
  let pos = 0;
  const fail = (reason: string, at = pos): never => {
    throw new FilterSyntaxError(reason, Math.max(0, at + shift), text);
  };
  const filter = (depth: number): Filter => {
    if (depth > MAX_FILTER_DEPTH) fail(`nested deeper than ${MAX_FILTER_DEPTH}`);
    if (src[pos] !== '(') fail(`expected "(" but found ${src[pos] === undefined ? 'the end' : `"${src[pos]}"`}`);
    pos++;
    const c = src[pos];
    let f: Filter;
    if (c === '&' || c === '|') {
      pos++;
      const filters: Filter[] = [];
      while (src[pos] === '(') filters.push(filter(depth + 1));
      if (!filters.length) fail(`"${c}" needs at least one filter`);
      f = { type: c === '&' ? 'and' : 'or', filters };
    } else if (c === '!') {
      pos++;
      f = { type: 'not', filter: filter(depth + 1) };
    } else f = item();
    if (src[pos] !== ')') fail(`expected ")" but found ${src[pos] === undefined ? 'the end' : `"${src[pos]}"`}`);
    pos++;
    return f;
  };
  const item = (): Filter => {
    const start = pos;
    while (pos < src.length && /[A-Za-z0-9.;-]/.test(src[pos] as string)) pos++;
    const attribute = src.slice(start, pos);
    if (!attribute) fail('expected an attribute name');
    if (src[pos] === ':') fail('extensible match filters (attr:rule:=value) are not supported');
    let op: 'equalityMatch' | 'greaterOrEqual' | 'lessOrEqual' | 'approxMatch';
    if (src.startsWith('>=', pos)) [op, pos] = ['greaterOrEqual', pos + 2];
    else if (src.startsWith('<=', pos)) [op, pos] = ['lessOrEqual', pos + 2];
    else if (src.startsWith('~=', pos)) [op, pos] = ['approxMatch', pos + 2];
    else if (src[pos] === '=') [op, pos] = ['equalityMatch', pos + 1];
    else return fail(`expected "=", ">=", "<=" or "~=" after ${attribute}`);
    // the value runs to the closing parenthesis; "*" splits it into substrings (equality only)
    const parts: Uint8Array[] = [];
    let cur: number[] = [];
    let stars = 0;
    while (pos < src.length && src[pos] !== ')') {
      const ch = src[pos] as string;
      if (ch === '(') fail('"(" in a value must be escaped as \\28');
      if (ch === '*' && op === 'equalityMatch') {
        parts.push(Uint8Array.from(cur));
        cur = [];
        stars++;
        pos++;
      } else if (ch === '\\') {
        const hex = src.slice(pos + 1, pos + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) fail('"\\" must be followed by two hex digits');
        cur.push(Number.parseInt(hex, 16));
        pos += 3;
      } else {
        const cp = src.codePointAt(pos) as number;
        const ch2 = String.fromCodePoint(cp);
        cur.push(...fromUtf8(ch2));
        pos += ch2.length;
      }
    }
    parts.push(Uint8Array.from(cur));
    if (op !== 'equalityMatch' || stars === 0) return { type: op, attribute, value: parts[0] as Uint8Array };
    if (stars === 1 && parts.every((p) => p.length === 0)) return { type: 'present', attribute };
    const first = parts[0] as Uint8Array;
    const last = parts[parts.length - 1] as Uint8Array;
    const middle = parts.slice(1, -1);
    if (middle.some((p) => p.length === 0)) fail('two "*" in a row');
    return {
      type: 'substrings',
      attribute,
      ...(first.length ? { initial: first } : {}),
      any: middle,
      ...(last.length ? { final: last } : {}),
    };
  };
  const f = filter(0);
  if (pos !== src.length) fail('text after the end of the filter');
  return f;
}

/** RFC 4515 §3 escaping of a value (the characters the string form reserves, and NUL). */
export function escapeFilterValue(v: string | Uint8Array): string {
  const bytes = typeof v === 'string' ? fromUtf8(v) : v;
  const text = utf8OrLatin1(bytes);
  if (typeof v !== 'string' && !sameUtf8(text, bytes)) return Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return text.replace(/[*()\\\0]/g, (c) => `\\${(c.codePointAt(0) as number).toString(16).padStart(2, '0')}`);
}

function sameUtf8(s: string, b: Uint8Array): boolean {
  const e = fromUtf8(s);
  return e.length === b.length && e.every((x, i) => x === b[i]);
}

/** The RFC 4515 string of a filter. */
export function filterToString(f: Filter): string {
  switch (f.type) {
    case 'and':
      return `(&${f.filters.map(filterToString).join('')})`;
    case 'or':
      return `(|${f.filters.map(filterToString).join('')})`;
    case 'not':
      return `(!${filterToString(f.filter)})`;
    case 'present':
      return `(${f.attribute}=*)`;
    case 'substrings':
      return `(${f.attribute}=${f.initial ? escapeFilterValue(f.initial) : ''}*${f.any.map((a) => `${escapeFilterValue(a)}*`).join('')}${f.final ? escapeFilterValue(f.final) : ''})`;
    default: {
      const op = { equalityMatch: '=', greaterOrEqual: '>=', lessOrEqual: '<=', approxMatch: '~=' }[f.type];
      return `(${f.attribute}${op}${escapeFilterValue(f.value)})`;
    }
  }
}

// ---- BER form (RFC 4511 §4.5.1.7) --------------------------------------------------------------------------------

export function encodeFilter(f: Filter): Uint8Array {
  switch (f.type) {
    case 'and':
      return ctx(0, true, ...f.filters.map(encodeFilter));
    case 'or':
      return ctx(1, true, ...f.filters.map(encodeFilter));
    case 'not':
      return ctx(2, true, encodeFilter(f.filter));
    case 'present':
      return ctx(7, false, fromUtf8(f.attribute));
    case 'substrings': {
      const subs: Uint8Array[] = [];
      if (f.initial) subs.push(ctx(0, false, f.initial));
      for (const a of f.any) subs.push(ctx(1, false, a));
      if (f.final) subs.push(ctx(2, false, f.final));
      return ctx(4, true, octets(f.attribute), seq(...subs));
    }
    default:
      return ctx(AVA_TAG[f.type], true, octets(f.attribute), octets(f.value));
  }
}

/** Reads a Filter TLV (RFC 4511 §4.5.1.7). */
export function filterFrom(t: Tlv, field: string, depth = 0): Filter {
  if (depth > MAX_FILTER_DEPTH)
    throw new DecodeError('ERR_TOO_DEEP', `filter nested deeper than ${MAX_FILTER_DEPTH}`, { field, offset: t.offset });
  if (t.cls !== TagClass.CONTEXT || t.tag > 8)
    throw new DecodeError('ERR_BAD_TAG', `${tagText(t.cls, t.tag)} is not a Filter choice`, { field, offset: t.offset });
  const name = (['and', 'or', 'not', 'equalityMatch', 'substrings', 'greaterOrEqual', 'lessOrEqual', 'present', 'approxMatch'] as const)[
    t.tag
  ];
  const f = `${field}.${name}`;
  if (t.tag === 7) {
    if (t.constructed) throw new DecodeError('ERR_BAD_TAG', 'present must be primitive', { field: f, offset: t.offset });
    return { type: 'present', attribute: utf8OrLatin1(t.value) };
  }
  constructed(t, f);
  if (t.tag === 0 || t.tag === 1) {
    const r = new ByteReader(t.value, t.valueOffset);
    const filters: Filter[] = [];
    while (r.remaining > 0) {
      const c = readTlv(r, f);
      if (!c) break;
      filters.push(filterFrom(c, `${f}[${filters.length}]`, depth + 1));
    }
    r.check();
    if (!filters.length) throw new DecodeError('ERR_BAD_VALUE', `${name} with no filter`, { field: f, offset: t.offset });
    return { type: t.tag === 0 ? 'and' : 'or', filters };
  }
  if (t.tag === 2) {
    const r = new ByteReader(t.value, t.valueOffset);
    const c = readTlv(r, f);
    r.expectEnd(f);
    r.check();
    return { type: 'not', filter: filterFrom(c as Tlv, f, depth + 1) };
  }
  const c = new BerCursor(t, f);
  const attribute = c.string('attributeDesc');
  if (t.tag === 4) {
    const list = c.next(TagClass.UNIVERSAL, 16, 'substrings');
    const r = new ByteReader(list.value, list.valueOffset);
    const out: Filter = { type: 'substrings', attribute, any: [] };
    let n = 0;
    while (r.remaining > 0) {
      const s = readTlv(r, `${f}.substrings`);
      if (!s) break;
      const sf = `${f}.substrings[${n}]`;
      if (s.cls !== TagClass.CONTEXT || s.tag > 2 || s.constructed)
        throw new DecodeError('ERR_BAD_TAG', `${tagText(s.cls, s.tag)} is not initial [0], any [1] or final [2]`, {
          field: sf,
          offset: s.offset,
        });
      if (s.tag === 0) {
        if (n > 0 || out.initial) throw new DecodeError('ERR_BAD_VALUE', 'initial must come first', { field: sf, offset: s.offset });
        out.initial = s.value.slice();
      } else if (s.tag === 1) {
        if (out.final) throw new DecodeError('ERR_BAD_VALUE', 'any after final', { field: sf, offset: s.offset });
        out.any.push(s.value.slice());
      } else {
        if (out.final) throw new DecodeError('ERR_BAD_VALUE', 'two finals', { field: sf, offset: s.offset });
        out.final = s.value.slice();
      }
      n++;
    }
    r.check();
    if (n === 0) throw new DecodeError('ERR_BAD_VALUE', 'substrings filter without a substring', { field: f, offset: t.offset });
    c.end();
    return out;
  }
  const value = c.octets('assertionValue');
  c.end();
  return { type: name as 'equalityMatch', attribute, value };
}
