/**
 * Two small wrappers that carry Kerberos messages elsewhere: the MS-KKDCP KDC proxy message (Kerberos over HTTPS,
 * used by DirectAccess/RD Gateway and MIT's `kdc = https://...`) and the IAKERB header/finished (RFC draft
 * IAKERB, GSS mech 1.3.6.1.5.2.5), whose test encodings are part of MIT's reference set.
 */
import { field, type Infer, integer, octetString, optional, sequence } from '../../wire/asn1.js';
import { utf8String } from './asn1-ext.js';
import { Checksum, Realm } from './messages.js';

// MS-KKDCP §2.2.2
/**
 * ```asn1
 * KDC-PROXY-MESSAGE ::= SEQUENCE {
 *     kerb-message   [0] OCTET STRING,   -- the KDC message with its 4-byte TCP length prefix
 *     target-domain  [1] KERB-REALM OPTIONAL,
 *     dclocator-hint [2] INTEGER OPTIONAL
 * }
 * ```
 */
export const KdcProxyMessage = sequence('KDC-PROXY-MESSAGE', {
  kerbMessage: field(0, octetString),
  targetDomain: optional(1, Realm),
  dclocatorHint: optional(2, integer),
});
export type KdcProxyMessage = Infer<typeof KdcProxyMessage>;

// draft-ietf-kitten-iakerb §3
/**
 * ```asn1
 * IAKERB-HEADER ::= SEQUENCE {
 *     target-realm      [1] UTF8String,
 *     cookie            [2] OCTET STRING OPTIONAL,
 *     ...
 * }
 * IAKERB-FINISHED ::= SEQUENCE {
 *     iakerb-checksum   [1] Checksum,
 *     ...
 * }
 * ```
 */
export const IakerbHeader = sequence('IAKERB-HEADER', {
  targetRealm: field(1, utf8String),
  cookie: optional(2, octetString),
});
export type IakerbHeader = Infer<typeof IakerbHeader>;
export const IakerbFinished = sequence('IAKERB-FINISHED', {
  iakerbChecksum: field(1, Checksum),
});
export type IakerbFinished = Infer<typeof IakerbFinished>;
