import type { Where } from './fact.js';

/**
 * Facts only a live check can observe (the configuration it read, the credentials it found, the SPN a client
 * profile builds, what the KDC says about neighbouring SPNs, whether the AP-REP proved the server). Network facts
 * that a capture could show as well live in network.ts and are emitted by `check` in that shared shape.
 */
export type LiveFact =
  /** krb5.conf as read, and the realm/KDCs the check will use (step 1). */
  | {
      kind: 'krb5-config';
      where: Where;
      files: string[];
      /** files that could not be read (KRB5_CONFIG names them) */
      missing: string[];
      defaultRealm?: string;
      /** the realm used, and where it came from */
      realm?: string;
      realmSource: 'option' | 'user' | 'ccache' | 'default_realm' | 'domain_realm' | 'none';
      /** the target host's realm per [domain_realm], when it differs from the client realm */
      hostRealm?: string;
      /** KDCs written for the realm ([realms] kdc or --kdc) */
      kdcs: string[];
      dnsLookupKdc: boolean;
      problems: string[];
    }
  /** The client's credentials: where they came from (step 1), and the TGT found in a ccache. */
  | {
      kind: 'credentials';
      where: Where;
      source: 'password' | 'keytab' | 'ccache' | 'none';
      principal?: string;
      ccache?: string;
      /** a TGT for the realm in the ccache, and until when it is valid */
      tgt?: { server: string; endtime?: Date; expired: boolean };
      detail?: string;
    }
  /** The SPN the chosen client profile builds from the URL, and the name resolution behind it (step 2). */
  | {
      kind: 'spn-choice';
      where: Where;
      url: string;
      host: string;
      port: number;
      defaultPort: boolean;
      client: string;
      spn: string;
      canonicalName?: string;
      why: string;
      /** what the other profiles would ask for */
      others: { client: string; spn: string }[];
    }
  /** A neighbouring SPN tried after KDC_ERR_S_PRINCIPAL_UNKNOWN, and whether the KDC knows it (step 7). */
  | {
      kind: 'spn-alternative';
      where: Where;
      asked: string;
      alternative: string;
      why: 'canonical-name' | 'alias-name' | 'with-port';
      exists: boolean;
      /** the account's key version / enctype, when a ticket was issued */
      kvno?: number;
      enctype?: number;
    }
  /** Mutual authentication (RFC 4120 §3.2.5): the web server's AP-REP checked with the session key (step 8). */
  | { kind: 'mutual-auth'; where: Where; status: 'verified' | 'mismatch' | 'failed' | 'absent'; detail: string; spn: string }
  /**
   * What the web server does with an NTLM NEGOTIATE inside Negotiate (MS-SPNG §3.1.5.1 / MS-NLMP §3.1.1): check's
   * probe when no Kerberos ticket could be had. `accepted` = it answered with an NTLM CHALLENGE, so a browser that
   * cannot get a ticket falls back to NTLM silently (the guidance's "why does it fall back to NTLM").
   */
  | { kind: 'ntlm-probe'; where: Where; url: string; accepted: boolean; status?: number; targetName?: string; detail: string }
  /**
   * The guidance's isolation step (MS-SMB2 §3.2.4.2, §3.2.4.2.3-4): an SMB2 session to the same server with a
   * Kerberos AP-REQ for cifs/<server>, then a TREE_CONNECT. `alongHttp`: checked beside an HTTP site (--also-smb),
   * so an `ok` here tells what is HTTP-specific.
   */
  | {
      kind: 'smb-session';
      where: Where;
      server: string;
      address: string;
      share: string;
      spn: string;
      outcome: 'ok' | 'fail' | 'skip';
      failedStep?: string;
      code?: string;
      ntStatus?: string;
      dialect?: string;
      mutualAuth?: string;
      detail: string;
      alongHttp: boolean;
    }
  /**
   * The directory's answer for an SPN (setspn -Q: an LDAP search of servicePrincipalName, MS-ADTS §3.1.1.3.1.1): who
   * holds it. Asked by check when the KDC says the SPN is unknown, over a Kerberos-bound LDAP session to the DC.
   */
  | {
      kind: 'directory-spn';
      where: Where;
      spn: string;
      dc: string;
      /** with msDS-SupportedEncryptionTypes (value and enctype names; absent when the attribute is not set) */
      owners: { account: string; dn: string; objectClass: string; supportedEncryptionTypes?: { value: number; enctypes: string[] } }[];
      /** the account the site runs as (--site-account, or the account a --keytab entry names), when known */
      siteAccount?: string;
      /** why check asked: the KDC did not know the SPN, or the web server could not read the ticket */
      asked?: 'kdc-unknown-spn' | 'server-rejected' | 'kdc-enctype';
      /** the search could not be made (no bind, no DC): why */
      error?: string;
    }
  /**
   * How the directory says a front end may delegate (MS-SFU §1.3, MS-ADTS §2.2.16 userAccountControl,
   * msDS-AllowedToDelegateTo §2.209, msDS-AllowedToActOnBehalfOfOtherIdentity §2.208), read by `kerbscope delegation`.
   * `target` is the back end asked about (--to), `user` the user whose identity is delegated.
   */
  | {
      kind: 'delegation-config';
      where: Where;
      realm: string;
      frontEnd: { account: string; dn: string; objectClass: string; sid?: string; uacFlags: string[]; spns: string[] };
      /** unconstrained (UF_TRUSTED_FOR_DELEGATION), constrained (msDS-AllowedToDelegateTo) with or without protocol
       *  transition (UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION), resource-based (the back end lists the front end) */
      delegationKind: 'none' | 'unconstrained' | 'constrained' | 'constrained-any-protocol' | 'resource-based';
      allowedTo: string[];
      protocolTransition: boolean;
      target?: {
        spn: string;
        /** the SPN is in the front end's msDS-AllowedToDelegateTo (case-insensitive) */
        inAllowedTo: boolean;
        /** the account holding the SPN (undefined: nobody; two or more: a duplicate) */
        owners: { account: string; dn: string; objectClass: string }[];
        /** the owners hold host/NAME, which stands for this service class (sPNMappings), not the SPN itself */
        via?: string;
        /** the back end's msDS-AllowedToActOnBehalfOfOtherIdentity, decoded: who may delegate to it */
        rbcd?: { allowed: { sid: string; account?: string }[]; frontEndAllowed: boolean; error?: string };
      };
      user?: { account: string; found: boolean; notDelegated: boolean; protectedUsers: boolean; sensitiveAccount?: boolean };
    }
  /**
   * One hop of the live proof of a delegation chain (MS-SFU §3.1.5): S4U2Self (the front end asks the KDC a ticket
   * to itself for the user: the evidence) and S4U2Proxy (it presents the evidence for a ticket to the back end as the
   * user), with what the KDC answered; what `kvno -U user -P SPN` does.
   */
  | {
      kind: 'delegation-hop';
      where: Where;
      step: 's4u2self' | 's4u2proxy';
      from: string;
      to: string;
      /** the user whose identity the ticket carries */
      user: string;
      ok: boolean;
      /** the S4U2Self ticket's forwardable flag: S4U2Proxy (classic constrained delegation) needs it */
      forwardable?: boolean;
      errorCode?: number;
      errorName?: string;
      eText?: string;
      /** the hop could not be tried: the earlier one failed, or no KDC answered */
      skipped?: string;
      detail: string;
    }
  /**
   * The user's token size from the directory (tokenGroups classified by groupType, sIDHistory; KB 327825's
   * 1200 + 40·d + 8·s), before or beside a real ticket. `tokenBytes`: the real SPNEGO token when one was built.
   */
  | {
      kind: 'directory-token';
      where: Where;
      user: string;
      dc: string;
      groups?: { global: number; universal: number; universalOtherDomain: number; domainLocal: number; unresolved: number; total: number };
      sidHistory?: number;
      groupsInDomain?: number;
      otherSids?: number;
      estimate?: number;
      headerBytes?: number;
      tokenBytes?: number;
      error?: string;
    }
  /** A peer that answered with something that is not the protocol (garbage from a KDC, DNS or web server). */
  | { kind: 'bad-reply'; where: Where; peer: string; protocol: 'kerberos' | 'dns' | 'http' | 'cldap'; detail: string };
