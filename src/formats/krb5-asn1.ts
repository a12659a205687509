/**
 * The few RFC 4120 structures the file formats need (Ticket, KRB-CRED, EncKrbCredPart, KrbCredInfo), declared with
 * the schema engine in src/wire/asn1.ts. Private to src/formats: src/protocol/krb5 did not export them yet when this
 * was written; once it does (`decodeKrbCred`), kirbi.ts can import from there and this file can go.
 */
import {
  any,
  application,
  field,
  type Infer,
  int32,
  integer,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  octetString,
  optional,
  sequence,
  sequenceOf,
  uint32,
} from '../wire/asn1.js';

/**
 * RFC 4120 §5.2.2
 * PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
 */
export const PrincipalName = sequence('PrincipalName', {
  nameType: field(0, int32, 'name-type'),
  nameString: field(1, sequenceOf(kerberosString), 'name-string'),
});

/**
 * RFC 4120 §5.2.9
 * EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }
 */
export const EncryptedData = sequence('EncryptedData', {
  etype: field(0, int32),
  kvno: optional(1, uint32),
  cipher: field(2, octetString),
});

/** RFC 4120 §5.2.9 EncryptionKey ::= SEQUENCE { keytype [0] Int32, keyvalue [1] OCTET STRING } */
export const EncryptionKey = sequence('EncryptionKey', {
  keytype: field(0, int32),
  keyvalue: field(1, octetString),
});

/** RFC 4120 §5.2.5 HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING } */
export const HostAddress = sequence('HostAddress', {
  addrType: field(0, int32, 'addr-type'),
  address: field(1, octetString),
});

/**
 * RFC 4120 §5.3
 * Ticket ::= [APPLICATION 1] SEQUENCE {
 *   tkt-vno [0] INTEGER (5), realm [1] Realm, sname [2] PrincipalName, enc-part [3] EncryptedData }
 */
export const Ticket = application(
  1,
  sequence('Ticket', {
    tktVno: field(0, integer, 'tkt-vno'),
    realm: field(1, kerberosString),
    sname: field(2, PrincipalName),
    encPart: field(3, EncryptedData, 'enc-part'),
  }),
  'Ticket',
);
export type Ticket = Infer<typeof Ticket>;

/**
 * RFC 4120 §5.8.1
 * KrbCredInfo ::= SEQUENCE {
 *   key [0] EncryptionKey, prealm [1] Realm OPTIONAL, pname [2] PrincipalName OPTIONAL,
 *   flags [3] TicketFlags OPTIONAL, authtime [4] KerberosTime OPTIONAL, starttime [5] KerberosTime OPTIONAL,
 *   endtime [6] KerberosTime OPTIONAL, renew-till [7] KerberosTime OPTIONAL, srealm [8] Realm OPTIONAL,
 *   sname [9] PrincipalName OPTIONAL, caddr [10] HostAddresses OPTIONAL }
 */
export const KrbCredInfo = sequence('KrbCredInfo', {
  key: field(0, EncryptionKey),
  prealm: optional(1, kerberosString),
  pname: optional(2, PrincipalName),
  flags: optional(3, kerberosFlags),
  authtime: optional(4, kerberosTime),
  starttime: optional(5, kerberosTime),
  endtime: optional(6, kerberosTime),
  renewTill: optional(7, kerberosTime, 'renew-till'),
  srealm: optional(8, kerberosString),
  sname: optional(9, PrincipalName),
  caddr: optional(10, sequenceOf(HostAddress)),
});
export type KrbCredInfo = Infer<typeof KrbCredInfo>;

/**
 * RFC 4120 §5.8.1
 * EncKrbCredPart ::= [APPLICATION 29] SEQUENCE {
 *   ticket-info [0] SEQUENCE OF KrbCredInfo, nonce [1] UInt32 OPTIONAL, timestamp [2] KerberosTime OPTIONAL,
 *   usec [3] Microseconds OPTIONAL, s-address [4] HostAddress OPTIONAL, r-address [5] HostAddress OPTIONAL }
 */
export const EncKrbCredPart = application(
  29,
  sequence('EncKrbCredPart', {
    ticketInfo: field(0, sequenceOf(KrbCredInfo), 'ticket-info'),
    nonce: optional(1, uint32),
    timestamp: optional(2, kerberosTime),
    usec: optional(3, integer),
    sAddress: optional(4, HostAddress, 's-address'),
    rAddress: optional(5, HostAddress, 'r-address'),
  }),
  'EncKrbCredPart',
);
export type EncKrbCredPart = Infer<typeof EncKrbCredPart>;

/**
 * RFC 4120 §5.8.1
 * KRB-CRED ::= [APPLICATION 22] SEQUENCE {
 *   pvno [0] INTEGER (5), msg-type [1] INTEGER (22), tickets [2] SEQUENCE OF Ticket, enc-part [3] EncryptedData }
 * Tickets are kept as their exact DER (`any`): a ccache stores them byte for byte.
 */
export const KrbCred = application(
  22,
  sequence('KRB-CRED', {
    pvno: field(0, integer),
    msgType: field(1, integer, 'msg-type'),
    tickets: field(2, sequenceOf(any, 'SEQUENCE OF Ticket')),
    encPart: field(3, EncryptedData, 'enc-part'),
  }),
  'KRB-CRED',
);
export type KrbCred = Infer<typeof KrbCred>;
