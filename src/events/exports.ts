/**
 * Event exports admins already have, read into EventRecords:
 *   - XML: `wevtutil qe Security /f:xml` (bare <Event> elements one after another), `/f:RenderedXml`, Event Viewer
 *     "Save as XML" / `evtx_dump.py` (<Events> wrapper). Each <Event>…</Event> is parsed on its own, so a broken one
 *     is one problem and the rest still read.
 *   - JSON: `Get-WinEvent … | ConvertTo-Json` (Id, ProviderName, LogName, RecordId, TimeCreated "/Date(ms)/",
 *     MachineName, Properties [{Value}], Message). Properties carry no names: the field order of the events this tool
 *     reads is known (FIELD_ORDER, from the events' manifests); otherwise fields come from the Message text.
 *   - CSV: Event Viewer "Save All Events As… CSV" (Level, Date and Time, Source, Event ID, Task Category, message):
 *     fields come from the message's "Label:<tab>value" lines.
 * Pure: text in, records out.
 */
import type { XmlAttr, XmlElement, XmlNode } from '../evtx/binxml.js';
import type { EventFormat, EventProblem, EventRecord } from './model.js';
import { normalizeEvent, parseEventTime } from './normalize.js';

/** Text of an export file: UTF-16LE/BE with BOM (PowerShell 5 Out-File, Event Viewer), else UTF-8. */
export function decodeText(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  if (b.length >= 4 && b[1] === 0 && b[3] === 0 && b[0] !== 0) return new TextDecoder('utf-16le').decode(b);
  return new TextDecoder('utf-8').decode(b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b);
}

/** What an input holds, from its first bytes (as `decode` detects its formats). */
export function detectEventFormat(head: Uint8Array): EventFormat | undefined {
  if (head.length >= 8 && String.fromCharCode(...head.subarray(0, 7)) === 'ElfFile') return 'evtx';
  const t = decodeText(head.subarray(0, Math.min(head.length, 4096)) as Uint8Array).trimStart();
  if (t.startsWith('<')) return 'xml';
  if (t.startsWith('[') || t.startsWith('{')) return 'json';
  const first = t.split(/\r?\n/, 1)[0] ?? '';
  if (/Event ID/i.test(first) && first.includes(',')) return 'csv';
  return undefined;
}

export interface ParsedExport {
  records: EventRecord[];
  problems: EventProblem[];
  rejected: number;
}

// ---------------------------------------------------------------- XML

const ENT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENT[e] ?? m),
  );
}

/** A small XML reader for event documents: elements, attributes, text, CDATA; comments and PIs skipped. */
export function parseXmlElement(s: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const add = (n: XmlNode) => {
    const top = stack[stack.length - 1];
    if (top) {
      const last = top.children.length - 1;
      if (typeof n === 'string' && last >= 0 && typeof top.children[last] === 'string') top.children[last] += n;
      else top.children.push(n);
    }
  };
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt < 0) break;
    if (lt > i && stack.length) {
      const t = unescapeXml(s.slice(i, lt));
      if (t.trim()) add(t);
    }
    if (s.startsWith('<!--', lt)) {
      const e = s.indexOf('-->', lt);
      if (e < 0) throw new Error(`comment not closed at ${lt}`);
      i = e + 3;
    } else if (s.startsWith('<![CDATA[', lt)) {
      const e = s.indexOf(']]>', lt);
      if (e < 0) throw new Error(`CDATA not closed at ${lt}`);
      add(s.slice(lt + 9, e));
      i = e + 3;
    } else if (s[lt + 1] === '?' || s[lt + 1] === '!') {
      const e = s.indexOf('>', lt);
      if (e < 0) throw new Error(`declaration not closed at ${lt}`);
      i = e + 1;
    } else if (s[lt + 1] === '/') {
      const e = s.indexOf('>', lt);
      if (e < 0) throw new Error(`end tag not closed at ${lt}`);
      const name = s.slice(lt + 2, e).trim();
      const top = stack.pop();
      if (!top || top.name !== name) throw new Error(`</${name}> does not close <${top?.name ?? '(nothing)'}> at ${lt}`);
      if (!stack.length) return top;
      i = e + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(s.slice(lt, lt + 65536));
      if (!m) throw new Error(`malformed tag at ${lt}`);
      const attrs: XmlAttr[] = [];
      for (const a of (m[2] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
        attrs.push({ name: a[1]!.replace(/^.*:/, ''), value: unescapeXml(a[2] ?? a[3] ?? '') });
      const el: XmlElement = { name: m[1]!.replace(/^.*:/, ''), attrs, children: [] };
      if (stack.length) add(el);
      else root = el;
      if (m[3] === '/') {
        if (!stack.length) return el;
      } else stack.push(el);
      i = lt + m[0].length;
    }
  }
  if (root && !stack.length) return root;
  throw new Error('document ends inside an element');
}

/** Every <Event>…</Event> of an XML export. */
export function parseXmlExport(text: string, file: string): ParsedExport {
  const out: ParsedExport = { records: [], problems: [], rejected: 0 };
  const re = /<Event[\s>]/g;
  let line = 1;
  let lineAt = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index;
    const end = text.indexOf('</Event>', start);
    const stop = end < 0 ? text.length : end + 8;
    for (let k = text.indexOf('\n', lineAt); k >= 0 && k < start; k = text.indexOf('\n', k + 1)) {
      line++;
      lineAt = k + 1;
    }
    try {
      const el = parseXmlElement(text.slice(start, stop));
      out.records.push(normalizeEvent(el, file, 'xml'));
    } catch (e) {
      out.rejected++;
      out.problems.push({ file, severity: 'error', code: 'XML_EVENT', message: (e as Error).message, offset: start, line });
    }
    re.lastIndex = stop;
  }
  return out;
}

// ---------------------------------------------------------------- message text (JSON without names, CSV)

/** "Label:<tab>value" lines of a rendered message → schema field names, per section where a label repeats. */
const LABELS: Record<string, string> = {
  'Service Name': 'ServiceName',
  'Service ID': 'ServiceSid',
  'Client Address': 'IpAddress',
  'Client Port': 'IpPort',
  'Source Network Address': 'IpAddress',
  'Source Port': 'IpPort',
  'Ticket Encryption Type': 'TicketEncryptionType',
  'Ticket Options': 'TicketOptions',
  'Failure Code': 'Status',
  'Result Code': 'Status',
  'Pre-Authentication Type': 'PreAuthType',
  'Logon Type': 'LogonType',
  'Logon Process': 'LogonProcessName',
  'Authentication Package': 'AuthenticationPackageName',
  'Package Name (NTLM only)': 'LmPackageName',
  'Workstation Name': 'WorkstationName',
  'Source Workstation': 'Workstation',
  'Logon Account': 'TargetUserName',
  'Error Code': 'Status',
  Status: 'Status',
  'Sub Status': 'SubStatus',
  'Caller Computer Name': 'TargetDomainName',
  'Account Domain': 'TargetDomainName',
  'Supplied Realm Name': 'TargetDomainName',
  'Account Name': 'TargetUserName',
};

export function fieldsFromMessage(msg: string): Record<string, string> {
  const data: Record<string, string> = {};
  let section = '';
  for (const raw of msg.split(/\r?\n/)) {
    const m = /^\s*([^:\t]+?):\s*(.*)$/.exec(raw);
    if (!m) continue;
    const label = m[1]!.trim();
    const value = m[2]!.trim();
    if (!value) {
      section = label;
      continue;
    }
    const name = LABELS[label];
    if (!name) continue;
    // the Subject's account is not the target: keep the target's (New Logon / Account Information / Account For Which Logon Failed)
    if (section === 'Subject' && (name === 'TargetUserName' || name === 'TargetDomainName')) continue;
    data[name] = value;
  }
  return data;
}

// ---------------------------------------------------------------- JSON (Get-WinEvent | ConvertTo-Json)

/** EventData field order of the events the catalogue reads (their manifests' templates), for nameless Properties. */
export const FIELD_ORDER: Record<number, string[]> = {
  4624: [
    'SubjectUserSid',
    'SubjectUserName',
    'SubjectDomainName',
    'SubjectLogonId',
    'TargetUserSid',
    'TargetUserName',
    'TargetDomainName',
    'TargetLogonId',
    'LogonType',
    'LogonProcessName',
    'AuthenticationPackageName',
    'WorkstationName',
    'LogonGuid',
    'TransmittedServices',
    'LmPackageName',
    'KeyLength',
    'ProcessId',
    'ProcessName',
    'IpAddress',
    'IpPort',
    'ImpersonationLevel',
    'RestrictedAdminMode',
    'TargetOutboundUserName',
    'TargetOutboundDomainName',
    'VirtualAccount',
    'TargetLinkedLogonId',
    'ElevatedToken',
  ],
  4625: [
    'SubjectUserSid',
    'SubjectUserName',
    'SubjectDomainName',
    'SubjectLogonId',
    'TargetUserSid',
    'TargetUserName',
    'TargetDomainName',
    'Status',
    'FailureReason',
    'SubStatus',
    'LogonType',
    'LogonProcessName',
    'AuthenticationPackageName',
    'WorkstationName',
    'TransmittedServices',
    'LmPackageName',
    'KeyLength',
    'ProcessId',
    'ProcessName',
    'IpAddress',
    'IpPort',
  ],
  4768: [
    'TargetUserName',
    'TargetDomainName',
    'TargetSid',
    'ServiceName',
    'ServiceSid',
    'TicketOptions',
    'Status',
    'TicketEncryptionType',
    'PreAuthType',
    'IpAddress',
    'IpPort',
    'CertIssuerName',
    'CertSerialNumber',
    'CertThumbprint',
  ],
  4769: [
    'TargetUserName',
    'TargetDomainName',
    'ServiceName',
    'ServiceSid',
    'TicketOptions',
    'TicketEncryptionType',
    'IpAddress',
    'IpPort',
    'Status',
    'LogonGuid',
    'TransmittedServices',
  ],
  4770: ['TargetUserName', 'TargetDomainName', 'ServiceName', 'ServiceSid', 'TicketOptions', 'TicketEncryptionType', 'IpAddress', 'IpPort'],
  4771: [
    'TargetUserName',
    'TargetSid',
    'ServiceName',
    'TicketOptions',
    'Status',
    'PreAuthType',
    'IpAddress',
    'IpPort',
    'CertIssuerName',
    'CertSerialNumber',
    'CertThumbprint',
  ],
  4776: ['PackageName', 'TargetUserName', 'Workstation', 'Status'],
  4740: ['TargetUserName', 'TargetDomainName', 'TargetSid', 'SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'SubjectLogonId'],
};

function jsonTime(v: unknown): Date | undefined {
  if (typeof v === 'string') {
    const m = /\/Date\((-?\d+)/.exec(v);
    if (m) return new Date(Number(m[1]));
    return parseEventTime(v);
  }
  if (v && typeof v === 'object' && 'DateTime' in v)
    return jsonTime((v as { value?: unknown }).value ?? (v as { DateTime: unknown }).DateTime);
  return undefined;
}

function propValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('Value' in o) return propValue(o.Value);
    if (typeof o.value === 'string') return o.value;
    return JSON.stringify(v);
  }
  return String(v);
}

export function parseJsonExport(text: string, file: string): ParsedExport {
  const out: ParsedExport = { records: [], problems: [], rejected: 0 };
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    out.problems.push({ file, severity: 'error', code: 'JSON', message: `not JSON: ${(e as Error).message}` });
    return out;
  }
  const items = Array.isArray(doc) ? doc : [doc];
  items.forEach((it, n) => {
    if (!it || typeof it !== 'object') {
      out.rejected++;
      out.problems.push({ file, severity: 'error', code: 'JSON_EVENT', message: `item ${n} is not an object`, record: n });
      return;
    }
    const o = it as Record<string, unknown>;
    const id = Number(o.Id ?? o.EventID ?? o.EventId);
    if (!Number.isFinite(id)) {
      out.rejected++;
      out.problems.push({ file, severity: 'error', code: 'JSON_EVENT', message: `item ${n} has no Id`, record: n });
      return;
    }
    const data: Record<string, string> = typeof o.Message === 'string' ? fieldsFromMessage(o.Message) : {};
    const props = Array.isArray(o.Properties) ? o.Properties : [];
    const order = FIELD_ORDER[id & 0xffff];
    props.forEach((p, i) => {
      data[order?.[i] ?? `param${i + 1}`] = propValue(p);
    });
    const rec: EventRecord = {
      channel: String(o.LogName ?? o.ContainerLog ?? ''),
      provider: String(o.ProviderName ?? o.Source ?? ''),
      eventId: id & 0xffff,
      data,
      source: { file, format: 'json' },
    };
    const t = jsonTime(o.TimeCreated);
    if (t) rec.time = t;
    if (o.RecordId !== undefined) rec.recordId = Number(o.RecordId);
    if (o.MachineName !== undefined) rec.computer = String(o.MachineName);
    if (o.Level !== undefined) rec.level = Number(o.Level);
    out.records.push(rec);
  });
  return out;
}

// ---------------------------------------------------------------- CSV (Event Viewer)

/** RFC 4180 rows (quoted fields may hold commas and newlines). */
export function* csvRows(text: string): Generator<{ row: string[]; line: number }> {
  let row: string[] = [];
  let field = '';
  let q = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else q = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') yield { row, line: rowLine };
      row = [];
      line++;
      rowLine = line;
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    yield { row, line: rowLine };
  }
}

export function parseCsvExport(text: string, file: string, channel = ''): ParsedExport {
  const out: ParsedExport = { records: [], problems: [], rejected: 0 };
  let header: string[] | undefined;
  for (const { row, line } of csvRows(text.replace(/^\uFEFF/, ''))) {
    if (!header) {
      header = row.map((h) => h.trim());
      continue;
    }
    const col = (name: RegExp) => {
      const i = header!.findIndex((h) => name.test(h));
      return i >= 0 ? row[i] : undefined;
    };
    const idText = (col(/^Event ID$/i) ?? '').trim();
    const id = Number(idText);
    if (!/^\d{1,5}$/.test(idText) || row.length < 4) {
      out.rejected++;
      out.problems.push({ file, severity: 'error', code: 'CSV_ROW', message: `line ${line}: no Event ID`, line });
      continue;
    }
    // Event Viewer writes the message as the column after Task Category (its header cell is empty)
    const msg = row[header.length - 1] ?? row[row.length - 1] ?? '';
    const rec: EventRecord = {
      channel,
      provider: col(/^Source$/i) ?? '',
      eventId: id,
      data: fieldsFromMessage(msg),
      source: { file, format: 'csv' },
    };
    const when = col(/^Date and Time$/i);
    const t = when ? new Date(when) : undefined;
    if (t && !Number.isNaN(t.getTime())) rec.time = t;
    if (!rec.channel) rec.channel = guessChannel(rec.provider);
    out.records.push(rec);
  }
  return out;
}

/** CSV carries no channel: Security-Auditing events are in Security, the rest (Kerberos, KDC, NETLOGON…) in System. */
export function guessChannel(provider: string): string {
  return /Security-Auditing|Microsoft Windows security auditing/i.test(provider) ? 'Security' : 'System';
}
