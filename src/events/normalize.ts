/**
 * An <Event> element (from EVTX BinXML or an XML export) → one EventRecord. The Event schema:
 * http://schemas.microsoft.com/win/2004/08/events/event — System (Provider@Name, EventID, Level, TimeCreated@SystemTime,
 * EventRecordID, Channel, Computer), then EventData (<Data Name=…>) or UserData (one element of provider fields).
 */
import type { XmlElement, XmlNode } from '../evtx/binxml.js';
import type { EventFormat, EventRecord } from './model.js';

function text(el: XmlElement): string {
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
    const n = (i: number, w: number) => {
      let v = 0;
      for (let k = i; k < i + w; k++) {
        const c = s.charCodeAt(k) - 48;
        if (c < 0 || c > 9) return Number.NaN;
        v = v * 10 + c;
      }
      return v;
    };
    const [y, mo, d, h, mi, se] = [n(0, 4), n(5, 2), n(8, 2), n(11, 2), n(14, 2), n(17, 2)];
    const sep = s[4] === '-' && s[7] === '-' && s[13] === ':' && s[16] === ':';
    if (sep && y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 60) {
      const t = Date.UTC(y, mo - 1, d, h, mi, se, n(20, 3));
      if (!Number.isNaN(t) && new Date(t).getUTCDate() === d) return new Date(t);
    }
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

export function normalizeEvent(ev: XmlElement, file: string, format: EventFormat, offset?: number): EventRecord {
  const rec: EventRecord = {
    channel: '',
    provider: '',
    eventId: 0,
    data: {},
    source: { file, format, ...(offset !== undefined ? { offset } : {}) },
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
