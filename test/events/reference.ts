/**
 * The outside references an EVTX reading is held to:
 *   - libevtx's `evtxexport -f xml FILE` (Debian libevtx-utils, installed by scripts/ensure-debian-packages.sh), run here;
 *   - python-evtx 0.6.1's XML renderings and per-file counts, generated beside the corpus
 *     (../shared/corpus/evtx/_python-evtx_reference/SOURCES.md).
 * Both are flattened to `path → value` maps (System fields with their attributes, EventData's Data by Name,
 * UserData's leaves) so that they compare field by field with kerbscope's own tree, whatever the layout.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseXmlElement } from '../../src/events/exports.js';
import type { XmlElement } from '../../src/evtx/binxml.js';
import { corpusPath } from '../helpers/corpus.js';
import { commandMissing } from '../helpers/prereq.js';

export const EVTX_DIR = corpusPath('evtx');
export const PYEVTX_DIR = corpusPath('evtx/_python-evtx_reference');

/** Every .evtx file of the corpus (relative to corpus/evtx), sorted. */
export function corpusEvtxFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('_')) walk(p);
      else if (e.isFile() && e.name.endsWith('.evtx')) out.push(path.relative(EVTX_DIR, p));
    }
  };
  walk(EVTX_DIR);
  return out.sort();
}

export function evtxexportMissing(): string | undefined {
  const r = spawnSync('evtxexport', ['-V'], { stdio: 'ignore' });
  return r.error || r.status !== 0
    ? (commandMissing('evtxexport', ['-V']) ?? 'evtxexport not installed (Debian libevtx-utils)')
    : undefined;
}

/** The <Event> elements of an XML document holding many (evtxexport output, python-evtx's <Events>). */
export function xmlEvents(text: string): XmlElement[] {
  const out: XmlElement[] = [];
  const re = /<Event[\s>]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = text.indexOf('</Event>', m.index);
    if (end < 0) throw new Error(`unterminated <Event> at ${m.index}`);
    out.push(parseXmlElement(text.slice(m.index, end + 8)));
    re.lastIndex = end + 8;
  }
  return out;
}

/**
 * `evtxexport -f xml FILE` → its <Event> elements, in its order. `damaged`: the file is known to be damaged, and
 * libevtx gives up on the whole file at the first record it cannot read ("Unable to export file", exit 1): the
 * records it wrote before that are what it read.
 */
export function evtxexportEvents(file: string, damaged = false): XmlElement[] {
  const r = spawnSync('evtxexport', ['-f', 'xml', file], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 60_000 });
  if (r.status !== 0 && !(damaged && r.status === 1)) throw new Error(`evtxexport ${file}: exit ${r.status}: ${r.stderr}`);
  if (r.status === 0) return xmlEvents(r.stdout);
  const end = r.stdout.lastIndexOf('</Event>');
  return end < 0 ? [] : xmlEvents(r.stdout.slice(0, end + 8));
}

function textOf(el: XmlElement): string {
  let s = '';
  for (const c of el.children) if (typeof c === 'string') s += c;
  return s;
}

function attr(el: XmlElement, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

/** Without a namespace prefix (the export reader drops them: `xmlns:auto-ns3` → `auto-ns3`). */
function local(name: string): string {
  return name.replace(/^.*:/, '');
}

/**
 * A time as one canonical text, so that the same instant compares equal however many fraction digits a tool
 * writes: kerbscope writes FILETIMEs as Windows' wevtutil does (7 digits, 100 ns), libevtx pads to 9
 * ("…33.376090600Z"), python-evtx writes microseconds with a space ("2016-06-29 15:24:34.345999").
 */
export function canonicalTime(v: string): string {
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$/.exec(v);
  if (!m) return v;
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(9, '0')}Z`;
}

/**
 * An <Event> as `path → value`: every element's text and every attribute, paths by element name (Data by its Name
 * attribute, repeated names numbered), times canonical (canonicalTime). Empty attribute values are left out:
 * python-evtx writes `Qualifiers=""` and `ActivityID=""` where the record has no value, libevtx and Windows omit them.
 */
export function flattenEvent(ev: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (el: XmlElement, p: string) => {
    for (const a of el.attrs)
      if (a.value !== '' && !(el.name === 'Data' && a.name === 'Name') && a.name !== 'xmlns')
        out.set(`${p}@${local(a.name)}`, canonicalTime(a.value));
    const t = textOf(el);
    if (t !== '') out.set(p, canonicalTime(t));
    const seen = new Map<string, number>();
    for (const c of el.children) {
      if (typeof c === 'string') continue;
      const key = c.name === 'Data' && attr(c, 'Name') !== undefined ? `Data[${attr(c, 'Name')}]` : local(c.name);
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      walk(c, `${p}/${n > 1 ? `${key}#${n}` : key}`);
    }
  };
  walk(ev, 'Event');
  return out;
}

export function recordIdOf(ev: XmlElement): number {
  const sys = ev.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'System');
  const id = sys?.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'EventRecordID');
  return id ? Number(textOf(id)) : Number.NaN;
}
