import type { Where } from './fact.js';

/**
 * Facts only an event log can give (the Security and System logs of DCs, servers and clients). Where an event is
 * the same observation as a core or network fact (a 4769 failure is a KRB-ERROR from the KDC), the event source
 * emits that fact instead, so the existing rules fire; these kinds carry what no other source sees: the client
 * address of a DC-side failure, NTLM validation results, lockouts, and System-log conditions.
 *
 * `seen`: the same observation repeated (one representative fact per distinct observation keeps memory flat on
 * large logs): how often, first and last time, and the first record numbers.
 */
export interface Occurrences {
  count: number;
  first?: Date;
  last?: Date;
  /** The first record ids (capped), then `count` says how many there were in all. */
  records: number[];
  /** Labels of the first records, as the evidence lines name them. */
  labels: string[];
}

export type EventFact =
  /** A KDC audit event (4768 AS, 4769 TGS, 4770 renewal, 4771 pre-auth failure) with its result code (0 = issued). */
  | {
      kind: 'kdc-audit';
      where: Where;
      eventId: 4768 | 4769 | 4770 | 4771;
      /** Kerberos error code (RFC 4120 §7.5.9) of the Result/Failure Code; 0 = ticket issued. */
      code: number;
      account: string;
      domain?: string;
      service?: string;
      /** Client address, IPv4-mapped prefix removed. */
      client?: string;
      ticketEnctype?: number;
      preAuthType?: string;
      seen?: Occurrences;
    }
  /** A failed logon (4625) or NTLM credential validation (4776) with its NTSTATUS. */
  | {
      kind: 'logon-failure';
      where: Where;
      eventId: 4625 | 4776;
      status: number;
      subStatus?: number;
      account: string;
      domain?: string;
      workstation?: string;
      client?: string;
      logonType?: number;
      package?: string;
      seen?: Occurrences;
    }
  /** A user account was locked out (4740, on the PDC emulator and the DC that saw the bad passwords). */
  | { kind: 'account-lockout'; where: Where; account: string; domain?: string; callerComputer?: string; seen?: Occurrences }
  /** A System-log event of the catalogue (KDC, Kerberos client, LsaSrv, NETLOGON, Time-Service): what it says, structured. */
  | {
      kind: 'system-condition';
      where: Where;
      provider: string;
      eventId: number;
      /** The catalogue's cause key (src/events/catalogue.ts). */
      cause: SystemCause;
      computer?: string;
      /** The fields that name things: an SPN, a domain, a server, an account, an error. */
      subject?: string;
      detail?: string;
      seen?: Occurrences;
    };

export type SystemCause =
  | 'spn-duplicate'
  | 'dc-not-discoverable'
  | 'secure-channel'
  | 'time-sync'
  | 'enctype-mismatch'
  | 'kdc-certificate'
  | 'kdc-sam-failure'
  | 'krbtgt-weak-keys'
  | 'lsa-auth-error'
  | 'lsa-no-protocol'
  | 'lsa-downgrade';
