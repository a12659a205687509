/**
 * `kerbscope trace --json`: the versioned output schema (schemaVersion 1). Scripts rely on these names; fields are
 * absent when the message does not carry them. Times are ISO 8601 UTC with the capture's sub-second digits
 * (µs or ns), e.g. "2026-11-25T04:59:50.123456Z".
 */
import type { Finding } from '../rules/finding.js';

export const TRACE_SCHEMA_VERSION = 1;

/** One Kerberos message (RFC 4120 §5), wherever it was carried: KDC traffic, HTTP Negotiate, SMB2, LDAP, DCE/RPC. */
export interface TraceKerberosMessage {
  frame: number;
  time: string;
  src: string;
  dst: string;
  /** udp/tcp for KDC traffic (ports 88/464 or recognised by content); http/smb2/ldap/dcerpc for GSS-carried tokens */
  transport: 'udp' | 'tcp' | 'http' | 'smb2' | 'ldap' | 'dcerpc' | 'dns';
  /** 10 AS-REQ, 11 AS-REP, 12 TGS-REQ, 13 TGS-REP, 14 AP-REQ, 15 AP-REP, 30 KRB-ERROR */
  msgType: number;
  msgName: string;
  /** request: req-body realm; reply and AP-REQ: the ticket's realm (as tshark's kerberos.realm); KRB-ERROR: realm */
  realm?: string;
  /** reply: the client's realm */
  crealm?: string;
  /** request: req-body sname; reply and AP-REQ: the ticket's sname; KRB-ERROR: sname */
  sname?: string[];
  cname?: string[];
  /** request: the etype list; reply: [ticket enc-part etype, reply enc-part etype]; AP-REQ: [ticket etype] */
  etypes?: number[];
  errorCode?: number;
  errorName?: string;
  eText?: string;
  /** padata types of a request / an error's e-data */
  padataTypes?: number[];
  kvno?: number;
}

/** One HTTP request or response of an authentication exchange (RFC 7235 / RFC 4559). */
export interface TraceHttpMessage {
  frame: number;
  time: string;
  src: string;
  dst: string;
  method?: string;
  uri?: string;
  host?: string;
  status?: number;
  reason?: string;
  /** the scheme of the Authorization header (request) or the schemes offered in WWW-Authenticate (response), comma-joined */
  scheme?: string;
  /** what the token held: kerberos, ntlm, negoex, spnego-only, unknown */
  tokenMechanism?: string;
  /** Kerberos / NTLM message inside the token: "AP-REQ", "AP-REP", "KRB-ERROR 7", "NTLM CHALLENGE" */
  tokenMessage?: string;
  /** size of the Authorization header value in bytes */
  headerBytes?: number;
}

export interface TraceDnsRecord {
  name: string;
  type: string;
  data: string;
  ttl: number;
}

/** One DNS message (RFC 1035 §4.1). */
export interface TraceDnsMessage {
  frame: number;
  time: string;
  src: string;
  dst: string;
  id: number;
  response: boolean;
  name: string;
  qtype: string;
  /** responses: NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ... */
  rcode?: string;
  answers?: TraceDnsRecord[];
}

/** Damage: the byte offset in the file (and block), or the frame whose bytes broke a dissector. */
export interface TraceProblem {
  kind: 'file' | 'dissector' | 'missing-segments' | 'fragments';
  message: string;
  offset?: number;
  block?: string;
  frame?: number;
  protocol?: string;
}

/** One line of the listing: the guidance's Network Monitor columns. */
export interface TraceRow {
  frame: number;
  time: string;
  src: string;
  dst: string;
  protocol: string;
  summary: string;
  /** the row shows a failure (a KRB-ERROR, a 4xx/5xx, an unanswered request) */
  failed?: boolean;
}

/** A client's walk to one service: DNS → 401 → AS/TGS → AP-REQ → result, with the step that failed. */
export interface TraceConversation {
  client: string;
  /** "http://iisserver.contoso.com", "smb2 10.0.0.1", "ldap 10.0.0.1", "kdc 10.0.0.1" */
  service: string;
  spn?: string;
  steps: { step: 'dns' | 'challenge' | 'as' | 'tgs' | 'ap-req' | 'result'; frame: number; summary: string; ok: boolean }[];
  /** the first step that failed, if any */
  failedStep?: string;
  outcome: 'ok' | 'failed' | 'incomplete';
}

export interface TraceResult {
  schemaVersion: 1;
  /** the capture's format and interfaces */
  capture: { format: string; byteOrder: string; linkTypes: number[]; bytes: number; decryptionSecrets?: number };
  /** packets read */
  packets: number;
  messages: TraceKerberosMessage[];
  http: TraceHttpMessage[];
  dns: TraceDnsMessage[];
  problems: TraceProblem[];
  findings: Finding[];
  conversations?: TraceConversation[];
}
