/**
 * NegoEx (MS-NEGOEX), recognised inside SPNEGO by its OID and its "NEGOEXTS" signature. A NegoEx token is a run of
 * messages, each with the header below; we decode the headers, the auth-scheme lists of the NEGO messages and the
 * exchange bytes of the exchange messages. Cryptographic verification is out of scope.
 */
import { ByteReader } from '../../wire/reader.js';

/** "NEGOEXTS" as it appears on the wire (MS-NEGOEX §2.2.6.1: the ULONG64 0x535458454f47454e, little-endian). */
export const NEGOEX_SIGNATURE = Uint8Array.of(0x4e, 0x45, 0x47, 0x4f, 0x45, 0x58, 0x54, 0x53);

// MS-NEGOEX §2.2.6.1 MESSAGE_TYPE
export const NegoExMessageType = {
  MESSAGE_TYPE_INITIATOR_NEGO: 0,
  MESSAGE_TYPE_ACCEPTOR_NEGO: 1,
  MESSAGE_TYPE_INITIATOR_META_DATA: 2,
  MESSAGE_TYPE_ACCEPTOR_META_DATA: 3,
  MESSAGE_TYPE_CHALLENGE: 4,
  MESSAGE_TYPE_AP_REQUEST: 5,
  MESSAGE_TYPE_VERIFY: 6,
  MESSAGE_TYPE_ALERT: 7,
} as const;

export type NegoExMessageTypeName = keyof typeof NegoExMessageType;

// MS-NEGOEX §2.2.6.2 MESSAGE_HEADER, §2.2.6.3 NEGO_MESSAGE, §2.2.6.4 EXCHANGE_MESSAGE
/**
 * ```c
 * struct MESSAGE_HEADER { ULONG64 Signature; MESSAGE_TYPE MessageType; ULONG SequenceNum;
 *                         ULONG cbHeaderLength; ULONG cbMessageLength; CONVERSATION_ID ConversationId; }  // 40 octets
 * struct NEGO_MESSAGE   { MESSAGE_HEADER Header; UCHAR Random[32]; ULONG64 ProtocolVersion;
 *                         AUTH_SCHEME_VECTOR AuthSchemes; EXTENSION_VECTOR Extensions; }
 * struct EXCHANGE_MESSAGE { MESSAGE_HEADER Header; AUTH_SCHEME AuthScheme; BYTE_VECTOR Exchange; }
 * ```
 */
export interface NegoExMessage {
  offset: number;
  messageType: number;
  messageTypeName: NegoExMessageTypeName | undefined;
  sequenceNum: number;
  cbHeaderLength: number;
  cbMessageLength: number;
  conversationId: string;
  /** NEGO messages. */
  protocolVersion?: bigint;
  authSchemes?: string[];
  /** Exchange messages (meta data, challenge, AP request) and VERIFY: the auth scheme GUID. */
  authScheme?: string;
  exchange?: Uint8Array;
}

/** A GUID in its usual text form (first three groups little-endian). */
export function guidToString(b: Uint8Array): string {
  const h = (i: number) => (b[i] as number).toString(16).padStart(2, '0');
  const le = (...idx: number[]) => idx.map(h).join('');
  return `${le(3, 2, 1, 0)}-${le(5, 4)}-${le(7, 6)}-${le(8, 9)}-${le(10, 11, 12, 13, 14, 15)}`;
}

export function hasNegoExSignature(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== NEGOEX_SIGNATURE[i]) return false;
  return true;
}

const HEADER = 40;

/** Decodes every NegoEx message in the token (throws DecodeError on the first malformed one). */
export function decodeNegoEx(bytes: Uint8Array, opts: { base?: number } = {}): NegoExMessage[] {
  const base = opts.base ?? 0;
  const out: NegoExMessage[] = [];
  const r = new ByteReader(bytes, base);
  while (r.ok && r.remaining > 0) {
    const start = r.pos;
    const offset = r.offset;
    const sig = r.take(8, 'Signature');
    if (r.ok && !hasNegoExSignature(sig)) r.fail('ERR_BAD_VALUE', 'missing NEGOEXTS signature', 'Signature');
    const messageType = r.u32le('MessageType');
    const sequenceNum = r.u32le('SequenceNum');
    const cbHeaderLength = r.u32le('cbHeaderLength');
    const cbMessageLength = r.u32le('cbMessageLength');
    const conv = r.take(16, 'ConversationId');
    r.check();
    if (cbMessageLength < HEADER || cbMessageLength > bytes.length - start) {
      r.pos = start + 20;
      r.fail('ERR_BAD_LENGTH', `cbMessageLength ${cbMessageLength} does not fit`, 'cbMessageLength');
      r.check();
    }
    if (cbHeaderLength < HEADER || cbHeaderLength > cbMessageLength) {
      r.pos = start + 16;
      r.fail('ERR_BAD_LENGTH', `cbHeaderLength ${cbHeaderLength} does not fit`, 'cbHeaderLength');
      r.check();
    }
    const msg = bytes.subarray(start, start + cbMessageLength);
    const m: NegoExMessage = {
      offset,
      messageType,
      messageTypeName: (Object.keys(NegoExMessageType) as NegoExMessageTypeName[]).find((k) => NegoExMessageType[k] === messageType),
      sequenceNum,
      cbHeaderLength,
      cbMessageLength,
      conversationId: guidToString(conv),
    };
    const mr = new ByteReader(msg, offset);
    mr.skip(HEADER);
    if (messageType <= 1) {
      mr.skip(32, 'Random');
      m.protocolVersion = mr.u64le('ProtocolVersion');
      const at = mr.u32le('AuthSchemeArrayOffset');
      const count = mr.u16le('AuthSchemeCount');
      mr.skip(2);
      if (mr.ok && (at > msg.length || count * 16 > msg.length - at))
        mr.fail('ERR_BAD_LENGTH', 'AuthSchemes vector outside the message', 'AuthSchemes');
      mr.check();
      m.authSchemes = [];
      for (let i = 0; i < count; i++) m.authSchemes.push(guidToString(msg.subarray(at + 16 * i, at + 16 * i + 16)));
    } else if (messageType <= 6) {
      m.authScheme = guidToString(mr.take(16, 'AuthScheme'));
      if (messageType <= 5) {
        const at = mr.u32le('Exchange.ExchangeByteArrayOffset');
        const len = mr.u32le('Exchange.ExchangeByteArrayLength');
        if (mr.ok && (at > msg.length || len > msg.length - at))
          mr.fail('ERR_BAD_LENGTH', 'Exchange vector outside the message', 'Exchange');
        mr.check();
        m.exchange = msg.slice(at, at + len);
      }
      mr.check();
    }
    out.push(m);
    r.pos = start + cbMessageLength;
  }
  r.check();
  return out;
}
