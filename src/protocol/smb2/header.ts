/**
 * The SMB2 packet header (MS-SMB2 §2.2.1): 64 bytes, little-endian, in front of every SMB2/SMB3 request and response.
 *
 * ```
 * §2.2.1.2 SMB2 Packet Header - SYNC            §2.2.1.1 SMB2 Packet Header - ASYNC (Flags & ASYNC_COMMAND)
 *  0 ProtocolId      4  0xFE 'S' 'M' 'B'         same
 *  4 StructureSize   2  64                       same
 *  6 CreditCharge    2                           same
 *  8 Status          4  (request: ChannelSequence 2 + Reserved 2)
 * 12 Command         2
 * 14 CreditRequest/CreditResponse 2
 * 16 Flags           4
 * 20 NextCommand     4  offset of the next compounded message, 0 = last
 * 24 MessageId       8
 * 32 Reserved        4  (ProcessId)              32 AsyncId 8
 * 36 TreeId          4
 * 40 SessionId       8
 * 48 Signature      16
 * ```
 */
import { ByteReader } from '../../wire/reader.js';
import { ByteWriter } from '../../wire/writer.js';
import { Smb2Flags } from './constants.js';

export const SMB2_HEADER_SIZE = 64;
export const SMB2_PROTOCOL_ID = Uint8Array.of(0xfe, 0x53, 0x4d, 0x42);
/** MS-SMB2 §2.2.41 SMB2 TRANSFORM_HEADER (an encrypted message) starts 0xFD 'S' 'M' 'B'. */
export const SMB2_TRANSFORM_ID = Uint8Array.of(0xfd, 0x53, 0x4d, 0x42);
/** MS-SMB2 §2.2.42 SMB2 COMPRESSION_TRANSFORM_HEADER starts 0xFC 'S' 'M' 'B'. */
export const SMB2_COMPRESSION_ID = Uint8Array.of(0xfc, 0x53, 0x4d, 0x42);
/** MS-CIFS §2.2.3.1: an SMB1 message starts 0xFF 'S' 'M' 'B'. */
export const SMB1_PROTOCOL_ID = Uint8Array.of(0xff, 0x53, 0x4d, 0x42);

export interface Smb2Header {
  creditCharge: number;
  /** NTSTATUS in a response; in an SMB 3.x request the ChannelSequence (low 16 bits) and Reserved */
  status: number;
  command: number;
  /** CreditRequest in a request, CreditResponse in a response */
  credits: number;
  flags: number;
  nextCommand: number;
  messageId: bigint;
  /** sync header: Reserved (ProcessId) */
  processId?: number;
  /** sync header */
  treeId?: number;
  /** async header (Flags & ASYNC_COMMAND) */
  asyncId?: bigint;
  sessionId: bigint;
  /** 16 bytes; zeros when the message is not signed */
  signature: Uint8Array;
}

/** What the first four bytes of a transport frame say it holds. */
export function smbProtocolOf(b: Uint8Array): 'smb2' | 'smb2-transform' | 'smb2-compressed' | 'smb1' | 'unknown' {
  if (b.length < 4 || b[1] !== 0x53 || b[2] !== 0x4d || b[3] !== 0x42) return 'unknown';
  if (b[0] === 0xfe) return 'smb2';
  if (b[0] === 0xfd) return 'smb2-transform';
  if (b[0] === 0xfc) return 'smb2-compressed';
  if (b[0] === 0xff) return 'smb1';
  return 'unknown';
}

export function isResponse(h: Pick<Smb2Header, 'flags'>): boolean {
  return (h.flags & Smb2Flags.SERVER_TO_REDIR) !== 0;
}

export function readSmb2Header(r: ByteReader): Smb2Header {
  const id = r.take(4, 'ProtocolId');
  if (r.ok && (id[0] !== 0xfe || id[1] !== 0x53 || id[2] !== 0x4d || id[3] !== 0x42)) {
    const what = smbProtocolOf(id);
    r.fail(
      'ERR_BAD_VALUE',
      what === 'smb1'
        ? 'an SMB1 message, not SMB2 (the peer speaks only SMB1?)'
        : what === 'smb2-transform'
          ? 'an encrypted SMB3 message (TRANSFORM_HEADER), not a plain SMB2 header'
          : what === 'smb2-compressed'
            ? 'a compressed SMB3 message (COMPRESSION_TRANSFORM_HEADER), not a plain SMB2 header'
            : `ProtocolId ${Array.from(id, (x) => x.toString(16).padStart(2, '0')).join('')} is not 0xFE 'SMB'`,
      'ProtocolId',
    );
  }
  const structureSize = r.u16le('StructureSize');
  if (r.ok && structureSize !== 64) r.fail('ERR_BAD_VALUE', `header StructureSize ${structureSize}, expected 64`, 'StructureSize');
  const creditCharge = r.u16le('CreditCharge');
  const status = r.u32le('Status');
  const command = r.u16le('Command');
  const credits = r.u16le('CreditRequest/CreditResponse');
  const flags = r.u32le('Flags');
  const nextCommand = r.u32le('NextCommand');
  const messageId = r.u64le('MessageId');
  let processId: number | undefined;
  let treeId: number | undefined;
  let asyncId: bigint | undefined;
  if (flags & Smb2Flags.ASYNC_COMMAND) asyncId = r.u64le('AsyncId');
  else {
    processId = r.u32le('Reserved');
    treeId = r.u32le('TreeId');
  }
  const sessionId = r.u64le('SessionId');
  const signature = r.copy(16, 'Signature');
  if (r.ok && nextCommand !== 0 && (nextCommand < SMB2_HEADER_SIZE || nextCommand % 8 !== 0))
    r.fail('ERR_BAD_VALUE', `NextCommand ${nextCommand} is not an 8-byte aligned offset past the header`, 'NextCommand');
  return {
    creditCharge,
    status,
    command,
    credits,
    flags,
    nextCommand,
    messageId,
    ...(asyncId !== undefined ? { asyncId } : { processId, treeId }),
    sessionId,
    signature,
  };
}

export function writeSmb2Header(w: ByteWriter, h: Smb2Header): void {
  w.bytes(SMB2_PROTOCOL_ID);
  w.u16le(64);
  w.u16le(h.creditCharge);
  w.u32le(h.status >>> 0);
  w.u16le(h.command);
  w.u16le(h.credits);
  w.u32le(h.flags >>> 0);
  w.u32le(h.nextCommand >>> 0);
  w.u64le(h.messageId);
  if (h.flags & Smb2Flags.ASYNC_COMMAND) w.u64le(h.asyncId ?? 0n);
  else {
    w.u32le((h.processId ?? 0) >>> 0);
    w.u32le((h.treeId ?? 0) >>> 0);
  }
  w.u64le(h.sessionId);
  const sig = new Uint8Array(16);
  sig.set(h.signature.subarray(0, 16));
  w.bytes(sig);
}

/** Decodes the 64-byte header at the start of `bytes` (the rest is not looked at). Throws DecodeError. */
export function decodeSmb2Header(bytes: Uint8Array, base = 0): Smb2Header {
  const r = new ByteReader(bytes, base);
  const h = readSmb2Header(r);
  r.check();
  return h;
}

export function encodeSmb2Header(h: Smb2Header): Uint8Array {
  const w = new ByteWriter(64);
  writeSmb2Header(w, h);
  return w.finish();
}
