/**
 * The export readers (src/events/exports.ts) on exports made here from corpus EVTX records, each in the shape the
 * tool that writes it uses:
 *   - XML: libevtx's `evtxexport -f xml` output (bare <Event> elements, as `wevtutil qe /f:xml` writes them) and
 *     python-evtx's `<Events>` documents (Event Viewer "Save as XML"), also re-encoded as UTF-16LE with a BOM;
 *   - JSON: `Get-WinEvent | ConvertTo-Json` objects (Id, ProviderName, LogName, RecordId, "/Date(ms)/",
 *     MachineName, Properties [{Value}] typed as .NET renders them: hex integers as numbers, SIDs as objects),
 *     with and without the rendered Message;
 *   - CSV: Event Viewer's "Save All Events As… CSV" (Level, Date and Time, Source, Event ID, Task Category, message),
 *     the message rendered from the record with the event's Windows message template.
 * Each export must give the same records (ids, times, fields) or, where a format carries less, the same facts —
 * so the same causes — as the EVTX it came from.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { detectEventFormat, parseCsvExport, parseJsonExport, parseXmlExport } from '../../src/events/exports.js';
import { eventFacts } from '../../src/events/facts.js';
import type { EventRecord } from '../../src/events/model.js';
import { normalizeEvent } from '../../src/events/normalize.js';
import { decodeEvtx } from '../../src/evtx/file.js';
import { haveCorpus } from '../helpers/corpus.js';
import { skipUnlessCi } from '../helpers/prereq.js';
import { EVTX_DIR, evtxexportMissing, PYEVTX_DIR } from './reference.js';

const noCorpus = !haveCorpus() && 'the shared corpus (../shared/corpus) is not there';

const FILES = [
  'evtx-attack-samples/CA_4624_4625_LogonType2_LogonProc_chrome.evtx',
  'evtx-attack-samples/kerberos_pwd_spray_4771.evtx',
  'evtx-crate/Security_short_selected.evtx',
  'evtx-crate/Security_with_size_t.evtx',
  'evtx-to-mitre-attack/ID4625-OpenSSH_brutforce_with_non_existing_users.evtx',
  'evtx-to-mitre-attack/ID4768-4769-Kerberos_host_ticket_without_a_trailing_dollar.evtx',
  'evtx-to-mitre-attack/ID4768-4771-Kerberos_user_enumeration_Kerbrute.evtx',
  'evtx-to-mitre-attack/ID4769-Kerberoast_ticket_with_low_encryption.evtx',
  'hayabusa-sample-evtx/T1558.003_StealOrForgeKerberosTicketsKerberoasting_Security.evtx',
];
const KERBEROS_LOGON = new Set([4624, 4625, 4768, 4769, 4771, 4776]);

function evtxRecords(rel: string): EventRecord[] {
  const file = path.join(EVTX_DIR, rel);
  return decodeEvtx(new Uint8Array(readFileSync(file))).records.map((r) => normalizeEvent(r.event, file, 'evtx', r.offset));
}

/** A record without where it came from (file, format, offset), for comparing readers. */
function view(r: EventRecord): unknown {
  return {
    channel: r.channel,
    provider: r.provider,
    eventId: r.eventId,
    recordId: r.recordId,
    time: r.time?.getTime(),
    computer: r.computer,
    data: r.data,
  };
}

/** The facts of a record without `where` (the label names the record the same way; time compared apart). */
function factView(r: EventRecord): string {
  return JSON.stringify(eventFacts(r), (k, v) => (k === 'where' ? undefined : v));
}

const byId = (a: EventRecord, b: EventRecord) => (a.recordId ?? 0) - (b.recordId ?? 0);

/** evtxexport's XML without its banner line ("evtxexport 20181227"): <Event> elements one after another, as wevtutil writes. */
function wevtutilLike(rel: string): string {
  const out = spawnSync('evtxexport', ['-f', 'xml', path.join(EVTX_DIR, rel)], { encoding: 'utf8' }).stdout;
  return out.slice(out.indexOf('<Event'));
}

describe('XML exports', { skip: skipUnlessCi(noCorpus || evtxexportMissing()) }, () => {
  for (const rel of FILES) {
    it(`evtxexport -f xml (wevtutil layout) of ${rel}: the same records as the EVTX`, () => {
      const xml = wevtutilLike(rel);
      assert.equal(detectEventFormat(new TextEncoder().encode(xml)), 'xml');
      const got = parseXmlExport(xml, 'x.xml');
      assert.deepEqual(got.problems, []);
      const want = evtxRecords(rel);
      assert.equal(got.records.length, want.length);
      assert.deepEqual(got.records.sort(byId).map(view), want.sort(byId).map(view));
    });
  }

  it('python-evtx <Events> documents (Event Viewer "Save as XML"), UTF-8 and UTF-16LE with a BOM: the same records', () => {
    for (const x of [
      'evtx-attack-samples__kerberos_pwd_spray_4771.evtx.python-evtx.xml',
      'evtx-to-mitre-attack__ID4768-4771-Kerberos_user_enumeration_Kerbrute.evtx.python-evtx.xml',
    ]) {
      const text = readFileSync(path.join(PYEVTX_DIR, x), 'utf8');
      const utf16 = new Uint8Array(2 + text.length * 2);
      utf16.set([0xff, 0xfe]);
      for (let i = 0; i < text.length; i++) new DataView(utf16.buffer).setUint16(2 + i * 2, text.charCodeAt(i), true);
      assert.equal(detectEventFormat(utf16.subarray(0, 4096)), 'xml');
      const want = evtxRecords(x.replace('.python-evtx.xml', '').replace('__', '/')).sort(byId);
      for (const doc of [text, new TextDecoder('utf-16le').decode(utf16.subarray(2))]) {
        const got = parseXmlExport(doc, 'x.xml').records.sort(byId);
        assert.equal(got.length, want.length);
        got.forEach((g, i) => {
          const w = want[i]!;
          // python-evtx writes times through a float with microseconds: the same millisecond ± 1
          assert.ok(Math.abs(g.time!.getTime() - w.time!.getTime()) <= 1, `record ${g.recordId} time`);
          assert.deepEqual({ ...(view(g) as object), time: 0 }, { ...(view(w) as object), time: 0 });
        });
      }
    }
  });

  it('a broken <Event> is one problem with its line; the others are read', () => {
    const xml = wevtutilLike(FILES[1]!);
    const i = xml.indexOf('<EventData>', xml.indexOf('<Event ', 2000));
    const broken = `${xml.slice(0, i)}<EventData><Data Name="x">unclosed</Dat>${xml.slice(i + 11)}`;
    const got = parseXmlExport(broken, 'b.xml');
    assert.equal(got.rejected, 1);
    assert.equal(got.records.length, evtxRecords(FILES[1]!).length - 1);
    assert.equal(got.problems.length, 1);
    assert.equal(got.problems[0]!.line, broken.slice(0, broken.lastIndexOf('<Event ', i)).split('\n').length);
  });
});

// ---------------------------------------------------------------- JSON (Get-WinEvent | ConvertTo-Json)

/** A value as ConvertTo-Json writes the .NET object Get-WinEvent puts in Properties. */
function dotnet(v: string): unknown {
  if (/^0x[0-9a-f]+$/i.test(v)) return Number.parseInt(v.slice(2), 16); // UInt32/UInt64 (HexInt32/64 in the manifest)
  if (/^S-1-\d+(-\d+)+$/.test(v)) return { BinaryLength: 12, AccountDomainSid: null, Value: v }; // SecurityIdentifier
  if (/^\{[0-9A-F-]{36}\}$/i.test(v)) return v.slice(1, -1).toLowerCase(); // Guid
  if (/^\d+$/.test(v) && v.length < 10) return Number(v);
  return v;
}

function getWinEvent(r: EventRecord, withMessage: boolean): Record<string, unknown> {
  return {
    Id: r.eventId,
    Version: 0,
    Level: r.level ?? 0,
    RecordId: r.recordId,
    ProviderName: r.provider,
    LogName: r.channel,
    MachineName: r.computer,
    TimeCreated: `/Date(${r.time!.getTime()})/`,
    Properties: Object.values(r.data).map((v) => ({ Value: dotnet(v) })),
    ...(withMessage ? { Message: message(r) ?? '' } : {}),
  };
}

describe('Get-WinEvent | ConvertTo-Json exports', { skip: skipUnlessCi(noCorpus) }, () => {
  for (const withMessage of [false, true]) {
    it(`${withMessage ? 'with' : 'without'} Message: the same facts (so causes) as the EVTX, ids and times kept`, () => {
      let compared = 0;
      let withFacts = 0;
      for (const rel of FILES) {
        const want = evtxRecords(rel).filter((r) => KERBEROS_LOGON.has(r.eventId));
        withFacts += want.filter((r) => eventFacts(r).length).length;
        const json = JSON.stringify(
          want.map((r) => getWinEvent(r, withMessage)),
          null,
          2,
        );
        assert.equal(detectEventFormat(new TextEncoder().encode(json)), 'json');
        const got = parseJsonExport(json, 'x.json');
        assert.deepEqual(got.problems, []);
        assert.equal(got.records.length, want.length);
        got.records.forEach((g, i) => {
          const w = want[i]!;
          assert.equal(g.recordId, w.recordId);
          assert.equal(g.time!.getTime(), w.time!.getTime());
          assert.equal(`${g.channel}:${g.provider}:${g.eventId}`, `${w.channel}:${w.provider}:${w.eventId}`);
          assert.equal(factView(g), factView(w), `${rel} record ${w.recordId} (${w.eventId})`);
          compared++;
        });
      }
      assert.ok(compared > 200, `${compared} records compared`);
      assert.ok(withFacts >= 90, `${withFacts} of them with facts`);
    });
  }

  it('a single object (one event) and items without an Id: read, and rejected with a problem', () => {
    const w = evtxRecords(FILES[1]!).find((r) => r.eventId === 4771)!;
    const one = parseJsonExport(JSON.stringify(getWinEvent(w, false)), 'one.json');
    assert.equal(one.records.length, 1);
    const bad = parseJsonExport(JSON.stringify([getWinEvent(w, false), { ProviderName: 'x' }, 7]), 'bad.json');
    assert.equal(bad.records.length, 1);
    assert.equal(bad.rejected, 2);
    assert.deepEqual(
      bad.problems.map((p) => p.record),
      [1, 2],
    );
  });
});

// ---------------------------------------------------------------- CSV (Event Viewer)

/**
 * The rendered message of the events the catalogue reads from the Security log, from Windows' message templates
 * (the "Label:<tab>value" blocks Event Viewer shows and writes into CSV).
 */
function message(r: EventRecord): string | undefined {
  const d = (k: string) => r.data[k] ?? '-';
  switch (r.eventId) {
    case 4624:
      return `An account was successfully logged on.\r\n\r\nSubject:\r\n\tSecurity ID:\t\t${d('SubjectUserSid')}\r\n\tAccount Name:\t\t${d('SubjectUserName')}\r\n\tAccount Domain:\t\t${d('SubjectDomainName')}\r\n\tLogon ID:\t\t${d('SubjectLogonId')}\r\n\r\nLogon Information:\r\n\tLogon Type:\t\t${d('LogonType')}\r\n\r\nNew Logon:\r\n\tSecurity ID:\t\t${d('TargetUserSid')}\r\n\tAccount Name:\t\t${d('TargetUserName')}\r\n\tAccount Domain:\t\t${d('TargetDomainName')}\r\n\tLogon ID:\t\t${d('TargetLogonId')}\r\n\r\nNetwork Information:\r\n\tWorkstation Name:\t${d('WorkstationName')}\r\n\tSource Network Address:\t${d('IpAddress')}\r\n\tSource Port:\t\t${d('IpPort')}\r\n\r\nDetailed Authentication Information:\r\n\tLogon Process:\t\t${d('LogonProcessName')}\r\n\tAuthentication Package:\t${d('AuthenticationPackageName')}\r\n\tTransited Services:\t${d('TransmittedServices')}\r\n\tPackage Name (NTLM only):\t${d('LmPackageName')}\r\n\tKey Length:\t\t${d('KeyLength')}`;
    case 4625:
      return `An account failed to log on.\r\n\r\nSubject:\r\n\tSecurity ID:\t\t${d('SubjectUserSid')}\r\n\tAccount Name:\t\t${d('SubjectUserName')}\r\n\tAccount Domain:\t\t${d('SubjectDomainName')}\r\n\tLogon ID:\t\t${d('SubjectLogonId')}\r\n\r\nLogon Type:\t\t\t${d('LogonType')}\r\n\r\nAccount For Which Logon Failed:\r\n\tSecurity ID:\t\t${d('TargetUserSid')}\r\n\tAccount Name:\t\t${d('TargetUserName')}\r\n\tAccount Domain:\t\t${d('TargetDomainName')}\r\n\r\nFailure Information:\r\n\tFailure Reason:\t\tUnknown user name or bad password.\r\n\tStatus:\t\t\t${d('Status')}\r\n\tSub Status:\t\t${d('SubStatus')}\r\n\r\nProcess Information:\r\n\tCaller Process ID:\t${d('ProcessId')}\r\n\tCaller Process Name:\t${d('ProcessName')}\r\n\r\nNetwork Information:\r\n\tWorkstation Name:\t${d('WorkstationName')}\r\n\tSource Network Address:\t${d('IpAddress')}\r\n\tSource Port:\t\t${d('IpPort')}\r\n\r\nDetailed Authentication Information:\r\n\tLogon Process:\t\t${d('LogonProcessName')}\r\n\tAuthentication Package:\t${d('AuthenticationPackageName')}\r\n\tTransited Services:\t${d('TransmittedServices')}\r\n\tPackage Name (NTLM only):\t${d('LmPackageName')}\r\n\tKey Length:\t\t${d('KeyLength')}`;
    case 4768:
      return `A Kerberos authentication ticket (TGT) was requested.\r\n\r\nAccount Information:\r\n\tAccount Name:\t\t${d('TargetUserName')}\r\n\tSupplied Realm Name:\t${d('TargetDomainName')}\r\n\tUser ID:\t\t\t${d('TargetSid')}\r\n\r\nService Information:\r\n\tService Name:\t\t${d('ServiceName')}\r\n\tService ID:\t\t${d('ServiceSid')}\r\n\r\nNetwork Information:\r\n\tClient Address:\t\t${d('IpAddress')}\r\n\tClient Port:\t\t${d('IpPort')}\r\n\r\nAdditional Information:\r\n\tTicket Options:\t\t${d('TicketOptions')}\r\n\tResult Code:\t\t${d('Status')}\r\n\tTicket Encryption Type:\t${d('TicketEncryptionType')}\r\n\tPre-Authentication Type:\t${d('PreAuthType')}`;
    case 4769:
      return `A Kerberos service ticket was requested.\r\n\r\nAccount Information:\r\n\tAccount Name:\t\t${d('TargetUserName')}\r\n\tAccount Domain:\t\t${d('TargetDomainName')}\r\n\tLogon GUID:\t\t${d('LogonGuid')}\r\n\r\nService Information:\r\n\tService Name:\t\t${d('ServiceName')}\r\n\tService ID:\t\t${d('ServiceSid')}\r\n\r\nNetwork Information:\r\n\tClient Address:\t\t${d('IpAddress')}\r\n\tClient Port:\t\t${d('IpPort')}\r\n\r\nAdditional Information:\r\n\tTicket Options:\t\t${d('TicketOptions')}\r\n\tTicket Encryption Type:\t${d('TicketEncryptionType')}\r\n\tFailure Code:\t\t${d('Status')}\r\n\tTransited Services:\t${d('TransmittedServices')}`;
    case 4771:
      return `Kerberos pre-authentication failed.\r\n\r\nAccount Information:\r\n\tSecurity ID:\t\t${d('TargetSid')}\r\n\tAccount Name:\t\t${d('TargetUserName')}\r\n\r\nService Information:\r\n\tService Name:\t\t${d('ServiceName')}\r\n\r\nNetwork Information:\r\n\tClient Address:\t\t${d('IpAddress')}\r\n\tClient Port:\t\t${d('IpPort')}\r\n\r\nAdditional Information:\r\n\tTicket Options:\t\t${d('TicketOptions')}\r\n\tFailure Code:\t\t${d('Status')}\r\n\tPre-Authentication Type:\t${d('PreAuthType')}`;
    case 4776:
      return `The computer attempted to validate the credentials for an account.\r\n\r\nAuthentication Package:\t${d('PackageName')}\r\nLogon Account:\t${d('TargetUserName')}\r\nSource Workstation:\t${d('Workstation')}\r\nError Code:\t${d('Status')}`;
  }
  return undefined;
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Event Viewer's CSV: local "M/D/YYYY h:mm:ss AM" times, the message as the last (unnamed) column. */
function eventViewerCsv(records: EventRecord[]): string {
  const rows = ['Level,Date and Time,Source,Event ID,Task Category,'];
  for (const r of records) {
    const t = r.time!;
    const h = t.getHours() % 12 || 12;
    const when = `${t.getMonth() + 1}/${t.getDate()}/${t.getFullYear()} ${h}:${String(t.getMinutes()).padStart(2, '0')}:${String(t.getSeconds()).padStart(2, '0')} ${t.getHours() < 12 ? 'AM' : 'PM'}`;
    const level = r.eventId === 4625 || r.eventId === 4771 ? 'Audit Failure' : 'Audit Success';
    rows.push([level, when, r.provider, String(r.eventId), 'Kerberos Authentication Service', message(r) ?? ''].map(csvCell).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

describe('Event Viewer CSV exports', { skip: skipUnlessCi(noCorpus) }, () => {
  it('the same facts (so causes) as the EVTX, from the message text; times to the second', () => {
    let compared = 0;
    for (const rel of FILES) {
      const want = evtxRecords(rel).filter((r) => KERBEROS_LOGON.has(r.eventId));
      const csv = eventViewerCsv(want);
      assert.equal(detectEventFormat(new TextEncoder().encode(csv)), 'csv');
      const got = parseCsvExport(csv, 'x.csv');
      assert.deepEqual(got.problems, []);
      assert.equal(got.records.length, want.length);
      got.records.forEach((g, i) => {
        const w = want[i]!;
        assert.equal(g.channel, 'Security');
        assert.equal(g.eventId, w.eventId);
        assert.equal(Math.floor(g.time!.getTime() / 1000), Math.floor(w.time!.getTime() / 1000), 'time');
        // CSV has no record ids: the facts are compared without them
        assert.equal(factView(g), factView(w), `${rel} record ${w.recordId} (${w.eventId})`);
        compared++;
      });
    }
    assert.ok(compared > 200, `${compared} records compared`);
  });

  it('a row without an Event ID is one problem with its line; the others are read', () => {
    const want = evtxRecords(FILES[1]!).filter((r) => KERBEROS_LOGON.has(r.eventId));
    const csv = eventViewerCsv(want);
    const nl = csv.indexOf('\r\n') + 2;
    const got = parseCsvExport(`${csv.slice(0, nl)}Information,1/1/2020 1:00:00 AM,X,,cat,msg\r\n${csv.slice(nl)}`, 'x.csv');
    assert.equal(got.records.length, want.length);
    assert.equal(got.rejected, 1);
    assert.equal(got.problems[0]!.line, 2);
  });
});
