/**
 * An <Event> element (from EVTX BinXML or an XML export) → one EventRecord. The Event schema:
 * http://schemas.microsoft.com/win/2004/08/events/event — System (Provider@Name, EventID, Level, TimeCreated@SystemTime,
 * EventRecordID, Channel, Computer), then EventData (<Data Name=…>) or UserData (one element of provider fields).
 */
import type { XmlElement, XmlNode } from '../evtx/binxml.js';
import type { EventFormat, EventRecord } from './model.js';

function text(el: XmlElement): string {
  const only = el.children.length === 1 ? el.children[0] : undefined;
  if (typeof only === 'string') return only;
  let s = '';
  for (const c of el.children) s += typeof c === 'string' ? c : text(c);
  return s;
}

function attr(el: XmlElement, name: string): string | undefined {
  for (const a of el.attrs) if (a.name === name) return a.value;
  return undefined;
}

/** Parses an ISO 8601 time as Windows (7 or 9 digits), libevtx and python-evtx ("2016-06-29 15:24:34.345999") write it. */
export function parseEventTime(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  // the common case, as the EVTX reader and Windows write it: 2016-06-29T15:24:34.3460000Z (digits at fixed places)
  if (s.length >= 24 && s.charCodeAt(10) === 84 && s.charCodeAt(19) === 46 && s.charCodeAt(s.length - 1) === 90) {
    const y = digits(s, 0, 4);
    const mo = digits(s, 5, 2);
    const d = digits(s, 8, 2);
    const h = digits(s, 11, 2);
    const mi = digits(s, 14, 2);
    const se = digits(s, 17, 2);
    const sep = s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58;
    // from 1970, and a day that exists in its month (Date.UTC would roll 02-30 over into March)
    const days =
      mo === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
    if (sep && y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= days && h < 24 && mi < 60 && se < 60)
      return new Date(Date.UTC(y, mo - 1, d, h, mi, se, digits(s, 20, 3)));
  }
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(s.trim());
  if (!m) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const ms = m[3] ? `.${m[3].slice(0, 3).padEnd(3, '0')}` : '';
  const d = new Date(`${m[1]}T${m[2]}${ms}${m[4] ?? 'Z'}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The decimal number at s[i, i+w), or NaN. */
function digits(s: string, i: number, w: number): number {
  let v = 0;
  for (let k = i; k < i + w; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}

export function normalizeEvent(ev: XmlElement, file: string, format: EventFormat, offset?: number): EventRecord {
  const rec: EventRecord = {
    channel: '',
    provider: '',
    eventId: 0,
    data: {},
    source: offset !== undefined ? { file, format, offset } : { file, format },
  };
  for (const part of ev.children) {
    if (typeof part === 'string') continue;
    if (part.name === 'System') {
      for (const f of part.children) {
        if (typeof f === 'string') continue;
        switch (f.name) {
          case 'Provider':
            rec.provider = attr(f, 'Name') ?? attr(f, 'EventSourceName') ?? '';
            break;
          case 'EventID':
            rec.eventId = Number(text(f)) & 0xffff;
            break;
          case 'Level':
            rec.level = Number(text(f));
            break;
          case 'TimeCreated': {
            const t = parseEventTime(attr(f, 'SystemTime'));
            if (t) rec.time = t;
            break;
          }
          case 'EventRecordID': {
            const n = Number(text(f));
            if (Number.isFinite(n)) rec.recordId = n;
            break;
          }
          case 'Channel':
            rec.channel = text(f);
            break;
          case 'Computer':
            rec.computer = text(f);
            break;
        }
      }
    } else if (part.name === 'EventData') {
      let n = 0;
      for (const d of part.children) {
        if (typeof d === 'string' || d.name !== 'Data') continue;
        n++;
        const name = attr(d, 'Name') ?? `param${n}`;
        rec.data[name] = rec.data[name] === undefined ? text(d) : `${rec.data[name]}, ${text(d)}`;
      }
    } else if (part.name === 'UserData') {
      const inner = part.children.find((c): c is XmlElement => typeof c !== 'string');
      if (inner) flatten(inner.children, rec.data);
    }
  }
  return rec;
}

function flatten(nodes: XmlNode[], out: Record<string, string>): void {
  for (const c of nodes) {
    if (typeof c === 'string') continue;
    if (c.children.some((x) => typeof x !== 'string')) flatten(c.children, out);
    else out[c.name] = text(c);
  }
}
