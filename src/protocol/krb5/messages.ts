/**
 * Kerberos v5 messages (RFC 4120 §5, with the MS-KILE and later-RFC additions noted where they apply), each
 * declared once as a schema beside its ASN.1 text; the generic codec in src/wire/asn1.ts reads and writes them.
 *
 * Each `export const X` is the schema and `export type X` the decoded value (same name, two namespaces).
 * Field names are the RFC names in camelCase (`enc-part` → `encPart`); error paths use the RFC names again.
 *
 * Deviations from the letter of RFC 4120, all on the reading side (writing is strict DER):
 * - kvno, nonce and seq-number: Windows/MIT write UInt32 as a signed INTEGER; see `uint32s` in asn1-ext.ts.
 * - EncASRepPart: MIT and Windows KDCs wrap an AS-REP's enc-part in [APPLICATION 26] (EncTGSRepPart), so
 *   EncKDCRepPart accepts either tag and writes back the one it read (RFC 4120 §5.4.2 tells clients to allow it).
 * - KerberosTime with fractional seconds is read (the wire engine allows it) but RFC 4120 §5.2.3 forbids it and
 *   neither Windows nor MIT send it; written times are whole seconds.
 * - Unknown context tags inside a SEQUENCE are skipped (RFC 4120 extensibility markers); they are lost on re-encode.
 */
import {
  type Asn1,
  application,
  choice,
  field,
  type Infer,
  int32,
  integer,
  keepDer,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  octetString,
  optional,
  sequence,
  sequenceOf,
} from '../../wire/asn1.js';
import { checkMsgType, microseconds, uint32s } from './asn1-ext.js';

// ---------------------------------------------------------------------------------------------------------------
// RFC 4120 §5.2.1 – §5.2.9: basic types
// ---------------------------------------------------------------------------------------------------------------

// RFC 4120 §5.2.2
/** `Realm ::= KerberosString` */
export const Realm: Asn1<string> = kerberosString;
export type Realm = string;

// RFC 4120 §5.2.2
/**
 * ```asn1
 * PrincipalName   ::= SEQUENCE {
 *         name-type       [0] Int32,
 *         name-string     [1] SEQUENCE OF KerberosString
 * }
 * ```
 */
export const PrincipalName = sequence('PrincipalName', {
  nameType: field(0, int32),
  nameString: field(1, sequenceOf(kerberosString, 'SEQUENCE OF KerberosString')),
});
export type PrincipalName = Infer<typeof PrincipalName>;

// RFC 4120 §5.2.5
/**
 * ```asn1
 * HostAddress     ::= SEQUENCE  {
 *         addr-type       [0] Int32,
 *         address         [1] OCTET STRING
 * }
 * HostAddresses   -- NOTE: subtly different from rfc1510,
 *                 -- but has a value mapping and encodes the same
 *         ::= SEQUENCE OF HostAddress
 * ```
 */
export const HostAddress = sequence('HostAddress', {
  addrType: field(0, int32),
  address: field(1, octetString),
});
export type HostAddress = Infer<typeof HostAddress>;
export const HostAddresses = sequenceOf(HostAddress, 'HostAddresses');
export type HostAddresses = HostAddress[];

// RFC 4120 §5.2.6
/**
 * ```asn1
 * AuthorizationData       ::= SEQUENCE OF SEQUENCE {
 *         ad-type         [0] Int32,
 *         ad-data         [1] OCTET STRING
 * }
 * ```
 */
export const AuthorizationDataEntry = sequence('AuthorizationData', {
  adType: field(0, int32),
  adData: field(1, octetString),
});
export type AuthorizationDataEntry = Infer<typeof AuthorizationDataEntry>;
export const AuthorizationData = sequenceOf(AuthorizationDataEntry, 'AuthorizationData');
export type AuthorizationData = AuthorizationDataEntry[];

// RFC 4120 §5.2.7
/**
 * ```asn1
 * PA-DATA         ::= SEQUENCE {
 *         -- NOTE: first tag is [1], not [0]
 *         padata-type     [1] Int32,
 *         padata-value    [2] OCTET STRING -- might be encoded AP-REQ
 * }
 * ```
 */
export const PaData = sequence('PA-DATA', {
  padataType: field(1, int32),
  padataValue: field(2, octetString),
});
export type PaData = Infer<typeof PaData>;

// RFC 4120 §5.9.1
/** `METHOD-DATA ::= SEQUENCE OF PA-DATA` */
export const MethodData = sequenceOf(PaData, 'METHOD-DATA');
export type MethodData = PaData[];

// RFC 4120 §5.9.1
/**
 * ```asn1
 * TYPED-DATA      ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {
 *         data-type       [0] Int32,
 *         data-value      [1] OCTET STRING OPTIONAL
 * }
 * ```
 */
export const TypedDataEntry = sequence('TYPED-DATA', {
  dataType: field(0, int32),
  dataValue: optional(1, octetString),
});
export type TypedDataEntry = Infer<typeof TypedDataEntry>;
export const TypedData = sequenceOf(TypedDataEntry, 'TYPED-DATA');
export type TypedData = TypedDataEntry[];

// RFC 4120 §5.2.9
/**
 * ```asn1
 * EncryptedData   ::= SEQUENCE {
 *         etype   [0] Int32 -- EncryptionType --,
 *         kvno    [1] UInt32 OPTIONAL,
 *         cipher  [2] OCTET STRING -- ciphertext
 * }
 * ```
 * An absent kvno (`undefined`) and kvno 0 are different things and both round-trip.
 */
export const EncryptedData = sequence('EncryptedData', {
  etype: field(0, int32),
  kvno: optional(1, uint32s),
  cipher: field(2, octetString),
});
export type EncryptedData = Infer<typeof EncryptedData>;

// RFC 4120 §5.2.9
/**
 * ```asn1
 * EncryptionKey   ::= SEQUENCE {
 *         keytype         [0] Int32 -- actually encryption type --,
 *         keyvalue        [1] OCTET STRING
 * }
 * ```
 * The key value is a secret: callers must not log it.
 */
export const EncryptionKey = sequence('EncryptionKey', {
  keytype: field(0, int32),
  keyvalue: field(1, octetString),
});
export type EncryptionKey = Infer<typeof EncryptionKey>;

// RFC 4120 §5.2.9
/**
 * ```asn1
 * Checksum        ::= SEQUENCE {
 *         cksumtype       [0] Int32,
 *         checksum        [1] OCTET STRING
 * }
 * ```
 */
export const Checksum = sequence('Checksum', {
  cksumtype: field(0, int32),
  checksum: field(1, octetString),
});
export type Checksum = Infer<typeof Checksum>;

// RFC 4120 §5.2.4
/**
 * ```asn1
 * LastReq         ::=     SEQUENCE OF SEQUENCE {
 *         lr-type         [0] Int32,
 *         lr-value        [1] KerberosTime
 * }
 * ```
 */
export const LastReqEntry = sequence('LastReq', {
  lrType: field(0, int32),
  lrValue: field(1, kerberosTime),
});
export type LastReqEntry = Infer<typeof LastReqEntry>;
export const LastReq = sequenceOf(LastReqEntry, 'LastReq');
export type LastReq = LastReqEntry[];

// RFC 4120 §5.3
/**
 * ```asn1
 * TransitedEncoding       ::= SEQUENCE {
 *         tr-type         [0] Int32 -- must be registered --,
 *         contents        [1] OCTET STRING
 * }
 * ```
 */
export const TransitedEncoding = sequence('TransitedEncoding', {
  trType: field(0, int32),
  contents: field(1, octetString),
});
export type TransitedEncoding = Infer<typeof TransitedEncoding>;

// ---------------------------------------------------------------------------------------------------------------
// RFC 4120 §5.3: tickets
// ---------------------------------------------------------------------------------------------------------------

// RFC 4120 §5.3
/**
 * ```asn1
 * Ticket          ::= [APPLICATION 1] SEQUENCE {
 *         tkt-vno         [0] INTEGER (5),
 *         realm           [1] Realm,
 *         sname           [2] PrincipalName,
 *         enc-part        [3] EncryptedData -- EncTicketPart
 * }
 * ```
 * Kept with its exact DER (`derOf(ticket)`): a ticket is copied byte for byte into ccaches and KRB-CREDs.
 */
export const Ticket = keepDer(
  application(
    1,
    sequence('Ticket', {
      tktVno: field(0, integer),
      realm: field(1, Realm),
      sname: field(2, PrincipalName),
      encPart: field(3, EncryptedData),
    }),
    'Ticket',
  ),
);
export type Ticket = Infer<typeof Ticket>;

// RFC 4120 §5.3
/**
 * ```asn1
 * -- Encrypted part of ticket
 * EncTicketPart   ::= [APPLICATION 3] SEQUENCE {
 *         flags                   [0] TicketFlags,
 *         key                     [1] EncryptionKey,
 *         crealm                  [2] Realm,
 *         cname                   [3] PrincipalName,
 *         transited               [4] TransitedEncoding,
 *         authtime                [5] KerberosTime,
 *         starttime               [6] KerberosTime OPTIONAL,
 *         endtime                 [7] KerberosTime,
 *         renew-till              [8] KerberosTime OPTIONAL,
 *         caddr                   [9] HostAddresses OPTIONAL,
 *         authorization-data      [10] AuthorizationData OPTIONAL
 * }
 * ```
 */
export const EncTicketPart = application(
  3,
  sequence('EncTicketPart', {
    flags: field(0, kerberosFlags),
    key: field(1, EncryptionKey),
    crealm: field(2, Realm),
    cname: field(3, PrincipalName),
    transited: field(4, TransitedEncoding),
    authtime: field(5, kerberosTime),
    starttime: optional(6, kerberosTime),
    endtime: field(7, kerberosTime),
    renewTill: optional(8, kerberosTime),
    caddr: optional(9, HostAddresses),
    authorizationData: optional(10, AuthorizationData),
  }),
  'EncTicketPart',
);
export type EncTicketPart = Infer<typeof EncTicketPart>;

// ---------------------------------------------------------------------------------------------------------------
// RFC 4120 §5.4: the AS and TGS exchanges
// ---------------------------------------------------------------------------------------------------------------

// RFC 4120 §5.4.1
/**
 * ```asn1
 * KDC-REQ-BODY    ::= SEQUENCE {
 *         kdc-options             [0] KDCOptions,
 *         cname                   [1] PrincipalName OPTIONAL
 *                                     -- Used only in AS-REQ --,
 *         realm                   [2] Realm
 *                                     -- Server's realm
 *                                     -- Also client's in AS-REQ --,
 *         sname                   [3] PrincipalName OPTIONAL,
 *         from                    [4] KerberosTime OPTIONAL,
 *         till                    [5] KerberosTime,
 *         rtime                   [6] KerberosTime OPTIONAL,
 *         nonce                   [7] UInt32,
 *         etype                   [8] SEQUENCE OF Int32 -- EncryptionType
 *                                     -- in preference order --,
 *         addresses               [9] HostAddresses OPTIONAL,
 *         enc-authorization-data  [10] EncryptedData OPTIONAL
 *                                     -- AuthorizationData --,
 *         additional-tickets      [11] SEQUENCE OF Ticket OPTIONAL
 *                                        -- NOTE: not empty
 * }
 * ```
 * Kept with its exact DER: the PA-TGS-REQ authenticator checksum and FAST's req-checksum cover these bytes.
 */
export const KdcReqBody = keepDer(
  sequence('KDC-REQ-BODY', {
    kdcOptions: field(0, kerberosFlags),
    cname: optional(1, PrincipalName),
    realm: field(2, Realm),
    sname: optional(3, PrincipalName),
    from: optional(4, kerberosTime),
    till: field(5, kerberosTime),
    rtime: optional(6, kerberosTime),
    nonce: field(7, uint32s),
    etype: field(8, sequenceOf(int32, 'SEQUENCE OF Int32')),
    addresses: optional(9, HostAddresses),
    encAuthorizationData: optional(10, EncryptedData),
    additionalTickets: optional(11, sequenceOf(Ticket, 'SEQUENCE OF Ticket')),
  }),
);
export type KdcReqBody = Infer<typeof KdcReqBody>;

// RFC 4120 §5.4.1
/**
 * ```asn1
 * AS-REQ          ::= [APPLICATION 10] KDC-REQ
 * TGS-REQ         ::= [APPLICATION 12] KDC-REQ
 * KDC-REQ         ::= SEQUENCE {
 *         -- NOTE: first tag is [1], not [0]
 *         pvno            [1] INTEGER (5) ,
 *         msg-type        [2] INTEGER (10 -- AS -- | 12 -- TGS --),
 *         padata          [3] SEQUENCE OF PA-DATA OPTIONAL
 *                             -- NOTE: not empty --,
 *         req-body        [4] KDC-REQ-BODY
 * }
 * ```
 */
export const KdcReq = sequence('KDC-REQ', {
  pvno: field(1, integer),
  msgType: field(2, integer),
  padata: optional(3, MethodData),
  reqBody: field(4, KdcReqBody),
});
export type KdcReq = Infer<typeof KdcReq>;
export const AsReq = checkMsgType(application(10, KdcReq, 'AS-REQ'), 10, 'AS-REQ');
export const TgsReq = checkMsgType(application(12, KdcReq, 'TGS-REQ'), 12, 'TGS-REQ');
export type AsReq = KdcReq;
export type TgsReq = KdcReq;

// RFC 4120 §5.4.2
/**
 * ```asn1
 * AS-REP          ::= [APPLICATION 11] KDC-REP
 * TGS-REP         ::= [APPLICATION 13] KDC-REP
 * KDC-REP         ::= SEQUENCE {
 *         pvno            [0] INTEGER (5),
 *         msg-type        [1] INTEGER (11 -- AS -- | 13 -- TGS --),
 *         padata          [2] SEQUENCE OF PA-DATA OPTIONAL
 *                                 -- NOTE: not empty --,
 *         crealm          [3] Realm,
 *         cname           [4] PrincipalName,
 *         ticket          [5] Ticket,
 *         enc-part        [6] EncryptedData
 *                                 -- EncASRepPart or EncTGSRepPart,
 *                                 -- as appropriate
 * }
 * ```
 */
export const KdcRep = sequence('KDC-REP', {
  pvno: field(0, integer),
  msgType: field(1, integer),
  padata: optional(2, MethodData),
  crealm: field(3, Realm),
  cname: field(4, PrincipalName),
  ticket: field(5, Ticket),
  encPart: field(6, EncryptedData),
});
export type KdcRep = Infer<typeof KdcRep>;
export const AsRep = checkMsgType(application(11, KdcRep, 'AS-REP'), 11, 'AS-REP');
export const TgsRep = checkMsgType(application(13, KdcRep, 'TGS-REP'), 13, 'TGS-REP');
export type AsRep = KdcRep;
export type TgsRep = KdcRep;

// RFC 4120 §5.4.2 (+ RFC 6806 §11 encrypted-pa-data)
/**
 * ```asn1
 * EncASRepPart    ::= [APPLICATION 25] EncKDCRepPart
 * EncTGSRepPart   ::= [APPLICATION 26] EncKDCRepPart
 * EncKDCRepPart   ::= SEQUENCE {
 *         key             [0] EncryptionKey,
 *         last-req        [1] LastReq,
 *         nonce           [2] UInt32,
 *         key-expiration  [3] KerberosTime OPTIONAL,
 *         flags           [4] TicketFlags,
 *         authtime        [5] KerberosTime,
 *         starttime       [6] KerberosTime OPTIONAL,
 *         endtime         [7] KerberosTime,
 *         renew-till      [8] KerberosTime OPTIONAL,
 *         srealm          [9] Realm,
 *         sname           [10] PrincipalName,
 *         caddr           [11] HostAddresses OPTIONAL,
 *         encrypted-pa-data [12] METHOD-DATA OPTIONAL -- RFC 6806
 * }
 * ```
 */
export const EncKdcRepPartBody = sequence('EncKDCRepPart', {
  key: field(0, EncryptionKey),
  lastReq: field(1, LastReq),
  nonce: field(2, uint32s),
  keyExpiration: optional(3, kerberosTime),
  flags: field(4, kerberosFlags),
  authtime: field(5, kerberosTime),
  starttime: optional(6, kerberosTime),
  endtime: field(7, kerberosTime),
  renewTill: optional(8, kerberosTime),
  srealm: field(9, Realm),
  sname: field(10, PrincipalName),
  caddr: optional(11, HostAddresses),
  encryptedPaData: optional(12, MethodData),
});
export type EncKdcRepPartBody = Infer<typeof EncKdcRepPartBody>;
export const EncAsRepPart = application(25, EncKdcRepPartBody, 'EncASRepPart');
export const EncTgsRepPart = application(26, EncKdcRepPartBody, 'EncTGSRepPart');
/**
 * Either tag; `type` says which one was on the wire. An AS-REP's enc-part decrypting to an EncTGSRepPart is the
 * MIT/Windows quirk (RFC 4120 §5.4.2: "...implementations SHOULD accept either"), not an error.
 */
export const EncKdcRepPart = choice('EncKDCRepPart', { EncASRepPart: EncAsRepPart, EncTGSRepPart: EncTgsRepPart });
export type EncKdcRepPart = Infer<typeof EncKdcRepPart>;

// ---------------------------------------------------------------------------------------------------------------
// RFC 4120 §5.5: client/server (AP) exchange
// ---------------------------------------------------------------------------------------------------------------

// RFC 4120 §5.5.1
/**
 * ```asn1
 * AP-REQ          ::= [APPLICATION 14] SEQUENCE {
 *         pvno            [0] INTEGER (5),
 *         msg-type        [1] INTEGER (14),
 *         ap-options      [2] APOptions,
 *         ticket          [3] Ticket,
 *         authenticator   [4] EncryptedData -- Authenticator
 * }
 * ```
 */
export const ApReq = checkMsgType(
  application(
    14,
    sequence('AP-REQ', {
      pvno: field(0, integer),
      msgType: field(1, integer),
      apOptions: field(2, kerberosFlags),
      ticket: field(3, Ticket),
      authenticator: field(4, EncryptedData),
    }),
    'AP-REQ',
  ),
  14,
  'AP-REQ',
);
export type ApReq = Infer<typeof ApReq>;

// RFC 4120 §5.5.1
/**
 * ```asn1
 * -- Unencrypted authenticator
 * Authenticator   ::= [APPLICATION 2] SEQUENCE  {
 *         authenticator-vno       [0] INTEGER (5),
 *         crealm                  [1] Realm,
 *         cname                   [2] PrincipalName,
 *         cksum                   [3] Checksum OPTIONAL,
 *         cusec                   [4] Microseconds,
 *         ctime                   [5] KerberosTime,
 *         subkey                  [6] EncryptionKey OPTIONAL,
 *         seq-number              [7] UInt32 OPTIONAL,
 *         authorization-data      [8] AuthorizationData OPTIONAL
 * }
 * ```
 */
export const Authenticator = application(
  2,
  sequence('Authenticator', {
    authenticatorVno: field(0, integer),
    crealm: field(1, Realm),
    cname: field(2, PrincipalName),
    cksum: optional(3, Checksum),
    cusec: field(4, microseconds),
    ctime: field(5, kerberosTime),
    subkey: optional(6, EncryptionKey),
    seqNumber: optional(7, uint32s),
    authorizationData: optional(8, AuthorizationData),
  }),
  'Authenticator',
);
export type Authenticator = Infer<typeof Authenticator>;

// RFC 4120 §5.5.2
/**
 * ```asn1
 * AP-REP          ::= [APPLICATION 15] SEQUENCE {
 *         pvno            [0] INTEGER (5),
 *         msg-type        [1] INTEGER (15),
 *         enc-part        [2] EncryptedData -- EncAPRepPart
 * }
 * ```
 */
export const ApRep = checkMsgType(
  application(
    15,
    sequence('AP-REP', {
      pvno: field(0, integer),
      msgType: field(1, integer),
      encPart: field(2, EncryptedData),
    }),
    'AP-REP',
  ),
  15,
  'AP-REP',
);
export type ApRep = Infer<typeof ApRep>;

// RFC 4120 §5.5.2
/**
 * ```asn1
 * EncAPRepPart    ::= [APPLICATION 27] SEQUENCE {
 *         ctime           [0] KerberosTime,
 *         cusec           [1] Microseconds,
 *         subkey          [2] EncryptionKey OPTIONAL,
 *         seq-number      [3] UInt32 OPTIONAL
 * }
 * ```
 */
export const EncApRepPart = application(
  27,
  sequence('EncAPRepPart', {
    ctime: field(0, kerberosTime),
    cusec: field(1, microseconds),
    subkey: optional(2, EncryptionKey),
    seqNumber: optional(3, uint32s),
  }),
  'EncAPRepPart',
);
export type EncApRepPart = Infer<typeof EncApRepPart>;

// ---------------------------------------------------------------------------------------------------------------
// RFC 4120 §5.6 – §5.8: KRB-SAFE, KRB-PRIV, KRB-CRED
// ---------------------------------------------------------------------------------------------------------------

// RFC 4120 §5.6.1
/**
 * ```asn1
 * KRB-SAFE        ::= [APPLICATION 20] SEQUENCE {
 *         pvno            [0] INTEGER (5),
 *         msg-type        [1] INTEGER (20),
 *         safe-body       [2] KRB-SAFE-BODY,
 *         cksum           [3] Checksum
 * }
 * KRB-SAFE-BODY   ::= SEQUENCE {
 *         user-data       [0] OCTET STRING,
 *         timestamp       [1] KerberosTime OPTIONAL,
 *         usec            [2] Microseconds OPTIONAL,
 *         seq-number      [3] UInt32 OPTIONAL,
 *         s-address       [4] HostAddress,
 *         r-address       [5] HostAddress OPTIONAL
 * }
 * ```
 */
export const KrbSafeBody = sequence('KRB-SAFE-BODY', {
  userData: field(0, octetString),
  timestamp: optional(1, kerberosTime),
  usec: optional(2, microseconds),
  seqNumber: optional(3, uint32s),
  sAddress: field(4, HostAddress),
  rAddress: optional(5, HostAddress),
});
export type KrbSafeBody = Infer<typeof KrbSafeBody>;
export const KrbSafe = checkMsgType(
  application(
    20,
    sequence('KRB-SAFE', {
      pvno: field(0, integer),
      msgType: field(1, integer),
      safeBody: field(2, KrbSafeBody),
      cksum: field(3, Checksum),
    }),
    'KRB-SAFE',
  ),
  20,
  'KRB-SAFE',
);
export type KrbSafe = Infer<typeof KrbSafe>;

// RFC 4120 §5.7.1
/**
 * ```asn1
 * KRB-PRIV        ::= [APPLICATION 21] SEQUENCE {
 *         pvno            [0] INTEGER (5),
 *         msg-type        [1] INTEGER (21),
 *                         -- NOTE: there is no [2] tag
 *         enc-part        [3] EncryptedData -- EncKrbPrivPart
 * }
 * EncKrbPrivPart  ::= [APPLICATION 28] SEQUENCE {
 *         user-data       [0] OCTET STRING,
 *         timestamp       [1] KerberosTime OPTIONAL,
 *         usec            [2] Microseconds OPTIONAL,
 *         seq-number      [3] UInt32 OPTIONAL,
 *         s-address       [4] HostAddress -- sender's addr --,
 *         r-address       [5] HostAddress OPTIONAL -- recip's addr
 * }
 * ```
 */
export const KrbPriv = checkMsgType(
  application(
    21,
    sequence('KRB-PRIV', {
      pvno: field(0, integer),
      msgType: field(1, integer),
      encPart: field(3, EncryptedData),
    }),
    'KRB-PRIV',
  ),
  21,
  'KRB-PRIV',
);
export type KrbPriv = Infer<typeof KrbPriv>;
export const EncKrbPrivPart = application(
  28,
  sequence('EncKrbPrivPart', {
    userData: field(0, octetString),
    timestamp: optional(1, kerberosTime),
    usec: optional(2, microseconds),
    seqNumber: optional(3, uint32s),
    sAddress: field(4, HostAddress),
    rAddress: optional(5, HostAddress),
  }),
  'EncKrbPrivPart',
);
export type EncKrbPrivPart = Infer<typeof EncKrbPrivPart>;

// RFC 4120 §5.8.1
/**
 * ```asn1
 * KRB-CRED        ::= [APPLICATION 22] SEQUENCE {
 *         pvno            [0] INTEGER (5),
 *         msg-type        [1] INTEGER (22),
 *         tickets         [2] SEQUENCE OF Ticket,
 *         enc-part        [3] EncryptedData -- EncKrbCredPart
 * }
 * ```
 * A `.kirbi` file is one KRB-CRED, usually with etype 0 (an unencrypted EncKrbCredPart in `cipher`).
 */
export const KrbCred = checkMsgType(
  application(
    22,
    sequence('KRB-CRED', {
      pvno: field(0, integer),
      msgType: field(1, integer),
      tickets: field(2, sequenceOf(Ticket, 'SEQUENCE OF Ticket')),
      encPart: field(3, EncryptedData),
    }),
    'KRB-CRED',
  ),
  22,
  'KRB-CRED',
);
export type KrbCred = Infer<typeof KrbCred>;

// RFC 4120 §5.8.1
/**
 * ```asn1
 * KrbCredInfo     ::= SEQUENCE {
 *         key             [0] EncryptionKey,
 *         prealm          [1] Realm OPTIONAL,
 *         pname           [2] PrincipalName OPTIONAL,
 *         flags           [3] TicketFlags OPTIONAL,
 *         authtime        [4] KerberosTime OPTIONAL,
 *         starttime       [5] KerberosTime OPTIONAL,
 *         endtime         [6] KerberosTime OPTIONAL,
 *         renew-till      [7] KerberosTime OPTIONAL,
 *         srealm          [8] Realm OPTIONAL,
 *         sname           [9] PrincipalName OPTIONAL,
 *         caddr           [10] HostAddresses OPTIONAL
 * }
 * ```
 */
export const KrbCredInfo = sequence('KrbCredInfo', {
  key: field(0, EncryptionKey),
  prealm: optional(1, Realm),
  pname: optional(2, PrincipalName),
  flags: optional(3, kerberosFlags),
  authtime: optional(4, kerberosTime),
  starttime: optional(5, kerberosTime),
  endtime: optional(6, kerberosTime),
  renewTill: optional(7, kerberosTime),
  srealm: optional(8, Realm),
  sname: optional(9, PrincipalName),
  caddr: optional(10, HostAddresses),
});
export type KrbCredInfo = Infer<typeof KrbCredInfo>;

// RFC 4120 §5.8.1
/**
 * ```asn1
 * EncKrbCredPart  ::= [APPLICATION 29] SEQUENCE {
 *         ticket-info     [0] SEQUENCE OF KrbCredInfo,
 *         nonce           [1] UInt32 OPTIONAL,
 *         timestamp       [2] KerberosTime OPTIONAL,
 *         usec            [3] Microseconds OPTIONAL,
 *         s-address       [4] HostAddress OPTIONAL,
 *         r-address       [5] HostAddress OPTIONAL
 * }
 * ```
 */
export const EncKrbCredPart = application(
  29,
  sequence('EncKrbCredPart', {
    ticketInfo: field(0, sequenceOf(KrbCredInfo, 'SEQUENCE OF KrbCredInfo')),
    nonce: optional(1, uint32s),
    timestamp: optional(2, kerberosTime),
    usec: optional(3, microseconds),
    sAddress: optional(4, HostAddress),
    rAddress: optional(5, HostAddress),
  }),
  'EncKrbCredPart',
);
export type EncKrbCredPart = Infer<typeof EncKrbCredPart>;

// ---------------------------------------------------------------------------------------------------------------
// RFC 4120 §5.9.1: KRB-ERROR
// ---------------------------------------------------------------------------------------------------------------

// RFC 4120 §5.9.1
/**
 * ```asn1
 * KRB-ERROR       ::= [APPLICATION 30] SEQUENCE {
 *         pvno            [0] INTEGER (5),
 *         msg-type        [1] INTEGER (30),
 *         ctime           [2] KerberosTime OPTIONAL,
 *         cusec           [3] Microseconds OPTIONAL,
 *         stime           [4] KerberosTime,
 *         susec           [5] Microseconds,
 *         error-code      [6] Int32,
 *         crealm          [7] Realm OPTIONAL,
 *         cname           [8] PrincipalName OPTIONAL,
 *         realm           [9] Realm -- service realm --,
 *         sname           [10] PrincipalName -- service name --,
 *         e-text          [11] KerberosString OPTIONAL,
 *         e-data          [12] OCTET STRING OPTIONAL
 * }
 * ```
 * `e-data` stays bytes here; `decodeEData` (edata.ts) reads METHOD-DATA, TYPED-DATA or MS-KILE KERB-ERROR-DATA.
 */
export const KrbError = checkMsgType(
  application(
    30,
    sequence('KRB-ERROR', {
      pvno: field(0, integer),
      msgType: field(1, integer),
      ctime: optional(2, kerberosTime),
      cusec: optional(3, microseconds),
      stime: field(4, kerberosTime),
      susec: field(5, microseconds),
      errorCode: field(6, int32),
      crealm: optional(7, Realm),
      cname: optional(8, PrincipalName),
      realm: field(9, Realm),
      sname: field(10, PrincipalName),
      eText: optional(11, kerberosString),
      eData: optional(12, octetString),
    }),
    'KRB-ERROR',
  ),
  30,
  'KRB-ERROR',
);
export type KrbError = Infer<typeof KrbError>;
