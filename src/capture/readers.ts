/**
 * The browser-safe half of `trace`: capture readers, packet and stream decoding, the protocol decoders. No
 * inspection or crypto here (those pull in node:crypto until the crypto layer has a pure-JS backend).
 */

export { dcerpcAuth, decodeLdapMessage, decodeNetlogonResponse, smbSecurityBlobs } from './carriers.js';
export { type DnsMessage, decodeDns } from './dns.js';
export { RecordFramer } from './framer.js';
export { HttpStream, looksLikeHttp, parseHead } from './http.js';
export type * from './model.js';
export { Defragmenter, type IpPacket, ipPacket, linkPayload, type Transport, transport } from './packet.js';
export { type CaptureProblem, CaptureReader, looksLikeCapture, NotACaptureError, type RawPacket } from './pcap.js';
export { type SegCtx, type StreamHandler, type TcpConn, TcpReassembler } from './tcp.js';
