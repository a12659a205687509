import type { DecodeError } from '../wire/errors.js';
import type { CaptureFact } from './capture.js';
import type { EventFact } from './events.js';
import type { LiveFact } from './live.js';
import type { NetworkFact } from './network.js';

export type { EventFact } from './events.js';
export type { LiveFact } from './live.js';
export type { NetworkFact } from './network.js';

/**
 * Facts: what was observed, and where. A fact never judges; the rulebook (src/rules) turns facts into findings.
 * The same fact kinds come from a pasted token, a capture frame, an event record or a live check step, so one
 * rule serves them all.
 */

/** Where a fact was observed. */
export interface Where {
  /** Human label of the evidence: "input 1 (Authorization: Negotiate)", "frame 17", "event record 4211", "step 6". */
  label: string;
  /** Byte offset inside that evidence, when it is about a place in a token. */
  offset?: number;
  /** Structured references, so reports can link and scripts can match: a capture frame, an event record, a live step. */
  frame?: number;
  record?: number;
  step?: string;
  /** When it was observed (capture time, event time, live time). */
  time?: Date;
}

export type Fact = CoreFact | NetworkFact | LiveFact | CaptureFact | EventFact;

/** Facts about tokens and files (decode) that every source can also produce. */
export type CoreFact =
  /** An HTTP authentication header (challenge or credentials). */
  | { kind: 'auth-header'; where: Where; direction: 'request' | 'response' | undefined; scheme: string; hasToken: boolean }
  /** A token that carried NTLMSSP; `viaNegotiate`: it came in a Negotiate header or SPNEGO (the fallback sign). */
  | {
      kind: 'ntlm-message';
      where: Where;
      messageType: number;
      viaNegotiate: boolean;
      ntlmVersion?: string;
      user?: string;
      domain?: string;
      workstation?: string;
      anonymous?: boolean;
    }
  /** A KRB-ERROR seen anywhere (KDC reply or inside a 401). */
  | {
      kind: 'krb-error';
      where: Where;
      code: number;
      name: string;
      /** Where the error came from: a KDC or an application server (inside Negotiate). */
      from: 'kdc' | 'service' | 'unknown';
      sname: string[];
      realm: string;
      cname?: string[];
      eText?: string;
      ntStatus?: number;
      ntStatusName?: string;
      stime?: Date;
      ctime?: Date;
    }
  /** An AP-REQ sent to a service (the ticket's public part). */
  | {
      kind: 'ap-req';
      where: Where;
      realm: string;
      sname: string[];
      enctype: number;
      kvno?: number;
      tokenBytes: number;
      /** How the token was carried: an HTTP header (base64) or a binary protocol. */
      carrier: 'http' | 'binary';
    }
  /** A ticket a client holds (a ccache, klist output): the service, its enctypes and lifetime. */
  | {
      kind: 'cached-ticket';
      where: Where;
      client?: string;
      server: string;
      sname: string[];
      realm: string;
      ticketEnctype?: number;
      sessionKeyEnctype?: number;
      flags?: number;
      endtime?: Date;
    }
  /** The result of trying the user's keys on a ticket. */
  | {
      kind: 'ticket-decrypt';
      where: Where;
      status: string;
      detail: string;
      principal: string;
      enctype: number;
      kvno?: number;
      keyKvnos: number[];
      keyEnctypes: number[];
      /** The kvno of the key that decrypted the ticket (when it did and the key has one). */
      keyKvno?: number;
    }
  /** The group counts of a PAC and the token they make. */
  | {
      kind: 'pac-size';
      where: Where;
      user?: string;
      /** the PAC's LogonDomainName (NetBIOS domain) */
      domain?: string;
      groupsInDomain: number;
      otherSids: number;
      estimate: number;
      tokenBytes?: number;
      headerBytes: number;
    }
  /** The result of trying the user's keys on a KDC reply (an AS-REP opened with the user's password). */
  | { kind: 'reply-decrypt'; where: Where; status: string; detail: string; client: string; enctype: number }
  /** Input (or part of it) that could not be decoded. */
  | { kind: 'decode-error'; where: Where; code: string; message: string; field?: string; offset?: number };

export type FactKind = Fact['kind'];
export type FactOf<K extends FactKind> = Extract<Fact, { kind: K }>;

export function factsOf<K extends FactKind>(facts: readonly Fact[], kind: K): FactOf<K>[] {
  return facts.filter((f): f is FactOf<K> => f.kind === kind);
}

/** The fact for evidence (or a part of it) that did not decode. */
export function decodeErrorFact(where: Where, e: DecodeError): Fact {
  return { kind: 'decode-error', where, code: e.code, message: e.message, field: e.field, offset: e.offset };
}
