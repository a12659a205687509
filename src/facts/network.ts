import type { Where } from './fact.js';

/**
 * Network facts: what a client saw on the wire, whatever saw it — `check` (live), `trace` (a capture), or a test
 * against the lab. One vocabulary so that one rule serves every source: a dropped KDC port is the same fact whether
 * `check` timed out on it or a capture shows SYNs without an answer.
 *
 * Sources may add optional fields; new kinds that only one source can observe go in that source's own facts file
 * (facts/live.ts, facts/capture.ts, facts/events.ts), added to the `Fact` union in fact.ts.
 */
export type NetworkFact =
  /** A DNS question and what came back (RFC 1035; SRV RFC 2782). `answers` holds every RR of the answer section. */
  | {
      kind: 'dns-lookup';
      where: Where;
      name: string;
      /** 'A', 'AAAA', 'CNAME', 'SRV', 'PTR', ... */
      qtype: string;
      /** the DNS server asked (address), when known */
      server?: string;
      /**
       * answer: NOERROR with records; nodata: NOERROR, no record of that type; nxdomain; servfail; refused;
       * timeout: no reply within the timeout; unreachable: ICMP/RST/ENETUNREACH; error: a broken reply (detail says).
       */
      outcome: 'answer' | 'nodata' | 'nxdomain' | 'servfail' | 'refused' | 'timeout' | 'unreachable' | 'error';
      answers: { name: string; type: string; data: string; ttl?: number }[];
      /** where the answer came from when not DNS: the hosts file */
      source?: 'dns' | 'hosts';
      detail?: string;
      ms?: number;
      /** the server answered with something that is not a DNS reply to this question */
      malformed?: boolean;
    }
  /** One attempt to reach a KDC (any request) and how it went at the transport level. */
  | {
      kind: 'kdc-contact';
      where: Where;
      /** host name or address as configured / discovered */
      kdc: string;
      address?: string;
      port: number;
      transport: 'udp' | 'tcp';
      /** answered: a Kerberos reply came back; no-answer: nothing within the timeout; refused: ICMP unreachable or RST */
      outcome: 'answered' | 'no-answer' | 'refused' | 'error';
      detail?: string;
      ms?: number;
    }
  /** A request to a KDC: AS-REQ (10) or TGS-REQ (12), RFC 4120 §5.4.1. */
  | {
      kind: 'kdc-request';
      where: Where;
      msgType: 10 | 12;
      realm: string;
      sname: string[];
      cname?: string[];
      etypes: number[];
      padataTypes: number[];
      kdcOptions?: number;
      /** the KDC the request went to, when known */
      kdc?: string;
    }
  /** A KDC's positive reply: AS-REP (11) or TGS-REP (13), RFC 4120 §5.4.2; the ticket's public part. */
  | {
      kind: 'kdc-reply';
      where: Where;
      msgType: 11 | 13;
      crealm: string;
      cname: string[];
      realm: string;
      sname: string[];
      ticketEnctype: number;
      ticketKvno?: number;
      /** enctype of the reply's enc-part (the user's key for AS, the TGT session key for TGS) */
      encPartEnctype: number;
      ticketBytes: number;
      /** session key enctype and ticket flags, when the enc-part was opened */
      sessionKeyEnctype?: number;
      flags?: number;
    }
  /** A TCP connect or UDP probe to a port, like Test-NetConnection / PortQry. */
  | {
      kind: 'port-probe';
      where: Where;
      host: string;
      address?: string;
      port: number;
      transport: 'tcp' | 'udp';
      /** 'kerberos', 'ldap', 'dns', 'kpasswd', 'smb', 'http', 'https' */
      service?: string;
      /** open: connected / answered; refused: RST or ICMP unreachable; dropped: nothing within the timeout */
      outcome: 'open' | 'refused' | 'dropped' | 'error';
      detail?: string;
      ms?: number;
    }
  /** An HTTP response and the authentication around it (RFC 7235, RFC 4559). */
  | {
      kind: 'http-response';
      where: Where;
      url?: string;
      /** the server's address, when known (a capture, a live connect) */
      server?: string;
      status: number;
      /** schemes offered in WWW-Authenticate: 'Negotiate', 'NTLM', 'Basic', 'Kerberos', ... */
      challenges: string[];
      /** the Authorization scheme the request that got this response carried, if any */
      requestScheme?: string;
      /** size of the request's Authorization header value (bytes), if any */
      requestHeaderBytes?: number;
      /** the response carried a token in WWW-Authenticate (an AP-REP, a KRB-ERROR, an NTLM challenge) */
      responseToken?: boolean;
    }
  /** The clock difference between this side and a peer, measured from the peer's own timestamps (a KRB-ERROR's stime, an AS-REP's authtime). Positive: the peer is ahead. */
  | { kind: 'clock-offset'; where: Where; peer: string; offsetMs: number; source: string }
  /** A CLDAP netlogon ping (MS-ADTS 6.3.3) and the NETLOGON_SAM_LOGON_RESPONSE_EX it got. */
  | {
      kind: 'cldap-ping';
      where: Where;
      server: string;
      outcome: 'answered' | 'no-answer' | 'refused' | 'error';
      dcName?: string;
      domain?: string;
      forest?: string;
      dcSite?: string;
      clientSite?: string;
      /** DS_FLAG bits (MS-ADTS 6.3.1.2): KDC 0x20, GC 0x4, LDAP 0x8, WRITABLE 0x100 ... */
      flags?: number;
      detail?: string;
    };
