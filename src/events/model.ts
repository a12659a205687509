/**
 * The normalized event record every reader produces (EVTX, wevtutil / Event Viewer XML, Get-WinEvent JSON, Event
 * Viewer CSV), and the versioned JSON document `kerbscope events --json` writes. Scripts rely on these names.
 */
import type { Finding } from '../rules/finding.js';

/** One event, whatever file it came from. Field values are the strings Windows renders in XML. */
export interface EventRecord {
  /** Channel (log name): "Security", "System". */
  channel: string;
  /** Provider name: "Microsoft-Windows-Security-Auditing", "NETLOGON", "Microsoft-Windows-Kerberos-Key-Distribution-Center". */
  provider: string;
  eventId: number;
  recordId?: number;
  time?: Date;
  computer?: string;
  level?: number;
  /** EventData's <Data Name="X"> (unnamed <Data> as param1, param2 … in order) and UserData's leaf elements. */
  data: Record<string, string>;
  /** Where it was read: the file, its format, and the record's byte offset for EVTX. */
  source: { file: string; format: EventFormat; offset?: number };
}

export type EventFormat = 'evtx' | 'xml' | 'json' | 'csv';

/** Damage found while reading (a chunk, a record, a line), with where it is. */
export interface EventProblem {
  file: string;
  severity: 'warning' | 'error';
  code: string;
  message: string;
  /** Byte offset (EVTX) or line number (text exports, then `line` is set). */
  offset?: number;
  line?: number;
  chunk?: number;
  record?: number;
}

/** `kerbscope events --json`, schema version 1. */
export interface EventsReport {
  schemaVersion: 1;
  /** Records decoded (after --since/--until/--account/--service filters: `matched`). */
  records: number;
  /** Records found (a record header, or a chunk header naming them) but not decodable; problems[] says where. */
  rejected: number;
  /** EVTX: records known to have existed only from the record ids around a wiped chunk or a cut-off file's header. */
  lost: number;
  /** Records that passed the filters. */
  matched: number;
  files: { file: string; format: EventFormat; records: number; rejected: number; lost: number }[];
  /** Decoded records per `Channel:EventID`. */
  byEventId: Record<string, number>;
  problems: EventProblem[];
  /**
   * Ranked, in the shape `check` and `decode` use; each with count, firstSeen, lastSeen and record refs (`refs[].record`),
   * plus `involved`: the accounts, services and clients its evidence names.
   */
  findings: EventFinding[];
  /** Per-account and per-service tables of the failures and weak tickets seen. */
  accounts: EventTally[];
  services: EventTally[];
}

/** A finding of the rulebook plus who its evidence involves (from the records it was credited with). */
export type EventFinding = Finding & { involved?: Involved };

export interface Involved {
  accounts: string[];
  services: string[];
  clients: string[];
}

export interface EventTally {
  name: string;
  failures: number;
  /** `Channel:EventID/code` → count, e.g. "Security:4771/0x18": 12. */
  codes: Record<string, number>;
  clients: string[];
  firstSeen?: string;
  lastSeen?: string;
}
