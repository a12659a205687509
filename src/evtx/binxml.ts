/**
 * Binary XML as EVTX stores it (MS-EVEN6 §3.1.4.x "BinXml", libevtx "Binary XML" notes).
 *
 *   Fragment        = FragmentHeader (0x0F major minor flags) ( TemplateInstance | Element ) EOF (0x00)
 *   Element         = OpenStartElement (0x01 | 0x41 with attributes)
 *                       [u16 dependency id — absent inside a BinXml substitution value]
 *                       u32 data size, u32 name offset [inline Name when offset == here]
 *                       [u32 attribute list size] Attribute* ( CloseEmptyElement 0x03 | CloseStartElement 0x02 Content* EndElement 0x04 )
 *   Attribute       = 0x06 | 0x46 (more follow), u32 name offset [inline Name], AttributeValue (Value | Substitution | CharRef | EntityRef)+
 *   Content         = Element | Value (0x05|0x45, u8 type, u16 count, UTF-16) | CDATA (0x07) | CharRef (0x08 u16)
 *                     | EntityRef (0x09 name offset) | Substitution | PI (0x0A target, 0x0B data)
 *   Substitution    = 0x0D normal | 0x0E optional (left out when its value is empty), u16 index, u8 value type
 *   TemplateInstance= 0x0C, u8, u32 template id, u32 definition offset
 *                       [inline definition when offset == here: u32 next, GUID, u32 size, Fragment]
 *                       u32 value count, (u16 size, u8 type, u8 0) * count, value bytes
 *   Name            = u32 next offset, u16 hash, u16 character count, UTF-16 characters, u16 NUL   (chunk string table)
 *
 * Offsets (names, template definitions) are relative to the chunk, so the decoder works on one 64 KiB chunk at a
 * time and caches what the chunk's tables point at. A template is compiled once per chunk into nodes whose
 * substitutions are slots; each record then only decodes its value array. Pure: no I/O.
 */
import { DecodeError } from '../wire/errors.js';
import { arrayItems, type ValueRef, valueText } from './values.js';

export interface XmlElement {
  name: string;
  attrs: XmlAttr[];
  children: XmlNode[];
}
export interface XmlAttr {
  name: string;
  value: string;
}
export type XmlNode = XmlElement | string;

/** A compiled BinXML node: an element, text, a substitution slot, or a nested template instance. */
type TNode =
  | { t: 0; name: string; attrs: TAttr[]; children: TNode[] }
  | { t: 1; text: string }
  | { t: 2; index: number; type: number; optional: boolean }
  | { t: 3; def: TNode[]; values: ValueRef[] };
interface TAttr {
  name: string;
  value: TNode[];
}

const MAX_DEPTH = 48;
/**
 * What one record may expand to. Templates can instantiate templates, so a few hundred crafted bytes could ask for
 * 2^48 elements ("billion laughs"); a real record is at most a 64 KiB chunk's worth of tokens and values.
 */
const MAX_NODES = 1 << 17;
const MAX_CHARS = 1 << 22;

/** The per-chunk decoding context: the chunk bytes, where they start in the file, and the caches of its tables. */
export class ChunkContext {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Absolute file offset of bytes[0], for error offsets. */
  readonly base: number;
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, TNode[]>();
  private readonly expanding = new Set<number>();
  /** Elements and characters the record being decoded has expanded to so far (see MAX_NODES). */
  nodes = 0;
  chars = 0;

  constructor(bytes: Uint8Array, base = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.base = base;
  }

  fail(
    reason: string,
    field: string,
    pos: number,
    code: 'ERR_TRUNCATED' | 'ERR_BAD_VALUE' | 'ERR_TOO_DEEP' | 'ERR_LIMIT' = 'ERR_BAD_VALUE',
  ): never {
    throw new DecodeError(code, reason, { field, offset: this.base + pos });
  }

  need(pos: number, n: number, end: number, field: string): void {
    if (pos + n > end || pos < 0)
      throw new DecodeError('ERR_TRUNCATED', 'input ends early', {
        field,
        offset: this.base + pos,
        needed: n,
        left: Math.max(0, end - pos),
      });
  }

  u16(pos: number): number {
    return this.view.getUint16(pos, true);
  }
  u32(pos: number): number {
    return this.view.getUint32(pos, true);
  }

  /** The name at a chunk offset (a string-table entry): `u32 next, u16 hash, u16 count, UTF-16, u16 NUL`. */
  name(offset: number): string {
    const cached = this.names.get(offset);
    if (cached !== undefined) return cached;
    this.need(offset, 8, this.bytes.length, 'name');
    const count = this.u16(offset + 6);
    this.need(offset + 8, count * 2, this.bytes.length, 'name.characters');
    const s = utf16(this.bytes, offset + 8, count);
    this.names.set(offset, s);
    return s;
  }

  /** Reads a name reference at `pos`; returns the name and the position after it (past an inline name). */
  nameRef(pos: number, end: number): [string, number] {
    this.need(pos, 4, end, 'name offset');
    const off = this.u32(pos);
    pos += 4;
    const name = this.name(off);
    if (off === pos) pos += 10 + 2 * this.u16(off + 6);
    return [name, pos];
  }

  /** A template definition at a chunk offset: its fragment compiled to nodes (cached per chunk). */
  template(offset: number, depth: number): TNode[] {
    const cached = this.templates.get(offset);
    if (cached) return cached;
    if (this.expanding.has(offset)) this.fail('template refers to itself', 'template', offset);
    this.need(offset, 24, this.bytes.length, 'template definition');
    const size = this.u32(offset + 20);
    const start = offset + 24;
    this.need(start, size, this.bytes.length, 'template definition data');
    this.expanding.add(offset);
    try {
      const p = new Parser(this, start + size, false, depth + 1);
      const nodes = p.fragment(start);
      this.templates.set(offset, nodes);
      return nodes;
    } finally {
      this.expanding.delete(offset);
    }
  }
}

/** Reads tokens into compiled nodes. `embedded`: a BinXml substitution value (its elements have no dependency id). */
class Parser {
  constructor(
    readonly c: ChunkContext,
    readonly end: number,
    readonly embedded: boolean,
    readonly depth: number,
  ) {
    if (depth > MAX_DEPTH) c.fail('BinXML nested too deeply', 'binxml', 0, 'ERR_TOO_DEEP');
  }
  pos = 0;

  /** A fragment: header, then elements / template instances until EOF (or the end of the data). */
  fragment(start: number): TNode[] {
    this.pos = start;
    const out: TNode[] = [];
    while (this.pos < this.end) {
      const tok = this.c.bytes[this.pos]!;
      if (tok === 0x00) {
        this.pos++;
        break;
      }
      if (tok === 0x0f) {
        this.c.need(this.pos, 4, this.end, 'fragment header');
        this.pos += 4;
      } else if (tok === 0x0c) out.push(this.instance());
      else if ((tok & 0xbf) === 0x01) out.push(this.element(this.depth));
      else this.content(out, tok, this.depth);
    }
    return out;
  }

  element(depth: number): TNode {
    if (depth > MAX_DEPTH) this.c.fail('elements nested too deeply', 'element', this.pos, 'ERR_TOO_DEEP');
    const c = this.c;
    const start = this.pos;
    const tok = c.bytes[this.pos++]!;
    const fixed = this.embedded ? 4 : 6;
    c.need(this.pos, fixed, this.end, 'open start element');
    this.pos += fixed; // dependency id (u16, not in embedded BinXml) + data size (u32)
    const [name, p] = c.nameRef(this.pos, this.end);
    this.pos = p;
    const attrs: TAttr[] = [];
    if (tok & 0x40) {
      c.need(this.pos, 4, this.end, 'attribute list size');
      this.pos += 4;
      for (;;) {
        c.need(this.pos, 1, this.end, 'attribute');
        const t = c.bytes[this.pos]!;
        if ((t & 0xbf) !== 0x06) break;
        this.pos++;
        const [an, ap] = c.nameRef(this.pos, this.end);
        this.pos = ap;
        const value: TNode[] = [];
        for (;;) {
          if (this.pos >= this.end) break;
          const v = c.bytes[this.pos]!;
          const b = v & 0xbf;
          if (b !== 0x05 && b !== 0x0d && b !== 0x0e && b !== 0x08 && b !== 0x09) break;
          this.content(value, v, depth);
        }
        attrs.push({ name: an, value });
      }
    }
    c.need(this.pos, 1, this.end, 'close element');
    const close = c.bytes[this.pos++]!;
    const children: TNode[] = [];
    if (close === 0x03) return { t: 0, name, attrs, children };
    if (close !== 0x02) c.fail(`unexpected token 0x${close.toString(16)} after element ${name}`, 'element', this.pos - 1);
    for (;;) {
      c.need(this.pos, 1, this.end, `content of ${name}`);
      const t = c.bytes[this.pos]!;
      if (t === 0x04) {
        this.pos++;
        break;
      }
      if ((t & 0xbf) === 0x01) children.push(this.element(depth + 1));
      else if (t === 0x0c) children.push(this.instance());
      else if (t === 0x00) c.fail(`element ${name} (at ${c.base + start}) is not closed`, 'element', this.pos);
      else this.content(children, t, depth);
    }
    return { t: 0, name, attrs, children };
  }

  /** One content token (value text, substitution, CDATA, references, PI) appended to `out`. */
  content(out: TNode[], tok: number, _depth: number): void {
    const c = this.c;
    const pos = this.pos;
    switch (tok & 0xbf) {
      case 0x05: {
        c.need(pos, 4, this.end, 'value');
        const type = c.bytes[pos + 1]!;
        if (type !== 0x01) c.fail(`value text of type 0x${type.toString(16)}`, 'value', pos + 1);
        const n = c.u16(pos + 2);
        c.need(pos + 4, n * 2, this.end, 'value text');
        out.push({ t: 1, text: utf16(c.bytes, pos + 4, n) });
        this.pos = pos + 4 + n * 2;
        return;
      }
      case 0x0d:
      case 0x0e:
        c.need(pos, 4, this.end, 'substitution');
        out.push({ t: 2, index: c.u16(pos + 1), type: c.bytes[pos + 3]!, optional: (tok & 0xbf) === 0x0e });
        this.pos = pos + 4;
        return;
      case 0x07: {
        c.need(pos, 3, this.end, 'CDATA');
        const n = c.u16(pos + 1);
        c.need(pos + 3, n * 2, this.end, 'CDATA text');
        out.push({ t: 1, text: utf16(c.bytes, pos + 3, n) });
        this.pos = pos + 3 + n * 2;
        return;
      }
      case 0x08:
        c.need(pos, 3, this.end, 'character reference');
        out.push({ t: 1, text: String.fromCharCode(c.u16(pos + 1)) });
        this.pos = pos + 3;
        return;
      case 0x09: {
        const [n, p] = c.nameRef(pos + 1, this.end);
        out.push({ t: 1, text: ENTITIES[n] ?? `&${n};` });
        this.pos = p;
        return;
      }
      case 0x0a: {
        const [, p] = c.nameRef(pos + 1, this.end);
        this.pos = p;
        return;
      }
      case 0x0b: {
        c.need(pos, 3, this.end, 'PI data');
        const n = c.u16(pos + 1);
        c.need(pos + 3, n * 2, this.end, 'PI data');
        this.pos = pos + 3 + n * 2;
        return;
      }
      default:
        c.fail(`unexpected BinXML token 0x${tok.toString(16)}`, 'token', pos);
    }
  }

  instance(): TNode {
    const c = this.c;
    const pos = this.pos;
    c.need(pos, 10, this.end, 'template instance');
    const defOffset = c.u32(pos + 6);
    let p = pos + 10;
    if (defOffset === p) {
      c.need(p, 24, this.end, 'template definition');
      p += 24 + c.u32(p + 20);
    }
    const def = c.template(defOffset, this.depth);
    c.need(p, 4, this.end, 'value count');
    const n = c.u32(p);
    p += 4;
    c.need(p, n * 4, this.end, 'value descriptors');
    const values: ValueRef[] = new Array(n);
    let data = p + n * 4;
    for (let i = 0; i < n; i++) {
      const size = c.u16(p + i * 4);
      values[i] = { type: c.bytes[p + i * 4 + 2]!, offset: data, size };
      data += size;
    }
    c.need(p + n * 4, data - (p + n * 4), this.end, 'values');
    this.pos = data;
    return { t: 3, def, values };
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the BinXML at [start, end) of the chunk (a record's event data) into XML elements. */
export function decodeBinXml(c: ChunkContext, start: number, end: number): XmlNode[] {
  c.nodes = 0;
  c.chars = 0;
  const nodes = new Parser(c, end, false, 0).fragment(start);
  const out: XmlNode[] = [];
  for (const n of nodes) emit(c, n, NO_VALUES, out, 0);
  return out;
}

const NO_VALUES: ValueRef[] = [];

function emit(c: ChunkContext, n: TNode, values: ValueRef[], out: XmlNode[], depth: number): void {
  if (depth > MAX_DEPTH) c.fail('substitutions nested too deeply', 'binxml', 0, 'ERR_TOO_DEEP');
  switch (n.t) {
    case 0: {
      if (++c.nodes > MAX_NODES) c.fail(`record expands to more than ${MAX_NODES} elements`, 'template instance', 0, 'ERR_LIMIT');
      const attrs: XmlAttr[] = [];
      for (const a of n.attrs) {
        let v = '';
        let present = a.value.length === 0;
        for (const x of a.value) {
          if (x.t === 1) {
            v += x.text;
            present = true;
          } else if (x.t === 2) {
            const val = values[x.index];
            if (!val || (x.optional && (val.type === 0 || val.size === 0))) continue;
            present = true;
            v += valueText(c, val);
          }
        }
        if (present) attrs.push({ name: a.name, value: v });
      }
      // An element holding just an array substitution is repeated once per item (as Windows and libevtx render it).
      const only = n.children.length === 1 ? n.children[0] : undefined;
      if (only && only.t === 2) {
        const val = values[only.index];
        if (val && val.type & 0x80 && val.type !== 0x80 && (val.size > 0 || !only.optional)) {
          for (const item of arrayItems(c, val)) out.push({ name: n.name, attrs, children: item ? [item] : [] });
          return;
        }
      }
      const children: XmlNode[] = [];
      let omitted = false;
      for (const ch of n.children) {
        if (ch.t === 2 && ch.optional) {
          const val = values[ch.index];
          if (!val || val.type === 0 || val.size === 0) {
            omitted = true;
            continue;
          }
        }
        emit(c, ch, values, children, depth);
      }
      // an element whose only content was left-out optional substitutions is left out too (libevtx does the same)
      if (omitted && children.length === 0 && attrs.length === 0) return;
      out.push({ name: n.name, attrs, children });
      return;
    }
    case 1:
      pushText(c, out, n.text);
      return;
    case 2: {
      const val = values[n.index];
      if (!val) return;
      if (n.optional && (val.type === 0 || val.size === 0)) return;
      if (val.type === 0x21) {
        if (val.size === 0) return;
        const inner = new Parser(c, val.offset + val.size, true, depth + 1).fragment(val.offset);
        for (const x of inner) emit(c, x, NO_VALUES, out, depth + 1);
        return;
      }
      pushText(c, out, valueText(c, val));
      return;
    }
    case 3:
      for (const x of n.def) emit(c, x, n.values, out, depth + 1);
      return;
  }
}

function pushText(c: ChunkContext, out: XmlNode[], s: string): void {
  if (!s) return;
  c.chars += s.length;
  if (c.chars > MAX_CHARS) c.fail(`record expands to more than ${MAX_CHARS} characters`, 'value', 0, 'ERR_LIMIT');
  const last = out.length - 1;
  if (last >= 0 && typeof out[last] === 'string') out[last] += s;
  else out.push(s);
}

/** UTF-16LE code units at `pos` (count units) as a string; lone surrogates kept as they are. */
export function utf16(b: Uint8Array, pos: number, count: number): string {
  let s = '';
  if (count <= 64) {
    for (let i = 0; i < count; i++) s += String.fromCharCode(b[pos + 2 * i]! | (b[pos + 2 * i + 1]! << 8));
    return s;
  }
  const units = new Array<number>(Math.min(count, 4096));
  for (let done = 0; done < count; ) {
    const n = Math.min(count - done, 4096);
    units.length = n;
    for (let i = 0; i < n; i++) {
      const o = pos + 2 * (done + i);
      units[i] = b[o]! | (b[o + 1]! << 8);
    }
    s += String.fromCharCode(...units);
    done += n;
  }
  return s;
}
