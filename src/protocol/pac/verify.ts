/**
 * PAC signatures (MS-PAC §2.8.1-§2.8.5) with the checksum function injected, so this module stays independent of
 * src/crypto (pass `makeChecksum` from there, or any function with the same shape).
 *
 * - Server signature (type 6): checksum over the whole PAC with the Signature parts of the server and KDC
 *   signature buffers zeroed, keyed with the service's long-term key.
 * - KDC signature (type 7): checksum over the server signature's Signature bytes, keyed with the krbtgt key.
 * - Extended KDC (full PAC) signature (type 19, since the CVE-2022-37967 updates): checksum over the whole PAC with
 *   the server, KDC and full signatures zeroed, keyed with the krbtgt key (the order MIT's pac_sign.c signs in:
 *   full first, then server, then KDC).
 * - Ticket signature (type 16): over the EncTicketPart without the PAC: needs the ticket, not checked here.
 *
 * All use key usage 17, KERB_NON_KERB_CKSUM_SALT (MS-PAC §2.8). "Zeroed" means everything after SignatureType,
 * as MIT (pac.c zero_signature) and Heimdal do, which includes an RODCIdentifier when present.
 */
import { decodePacSignatureData, encodePacSignatureData, PacChecksumTypes, type PacSignatureData } from './buffers.js';
import { PacBufferType, readPacInfoBuffers } from './pac.js';

/** MS-PAC §2.8: the key usage of every PAC checksum. */
export const KERB_NON_KERB_CKSUM_SALT = 17;

/**
 * Computes a checksum of `cksumtype` (RFC 3961 number; -138 = HMAC-MD5 per RFC 4757 §4) over `data` with `key`
 * and key usage `usage`. Throws for a type it does not implement.
 */
export type PacChecksumFn<K> = (cksumtype: number, key: K, usage: number, data: Uint8Array) => Uint8Array;

export type SignatureStatus =
  | 'valid'
  | 'invalid' // computed checksum differs
  | 'no-key' // the key for it was not given
  | 'missing' // the PAC has no such buffer
  | 'unsupported' // the checksum function cannot compute this type
  | 'malformed' // the signature buffer itself is broken
  | 'not-checked'; // needs more than the PAC (ticket signature)

export interface SignatureCheck {
  status: SignatureStatus;
  checksumType?: number;
  checksumTypeName?: string;
  /** Why, when not valid (never contains key material). */
  reason?: string;
}

export interface PacSignatureVerdict {
  server: SignatureCheck;
  kdc: SignatureCheck;
  ticket: SignatureCheck;
  full: SignatureCheck;
  /** Server signature valid, and every KDC-side signature that could be checked is valid. */
  ok: boolean;
}

interface Located {
  offset: number;
  size: number;
  sig: PacSignatureData | undefined;
  error: string | undefined;
}

function locate(pac: Uint8Array, type: number): Located | undefined {
  const head = readPacInfoBuffers(pac);
  const b = head.buffers.find((x) => x.type === type);
  if (!b) return undefined;
  if (b.error) return { offset: b.offset, size: b.size, sig: undefined, error: b.error.message };
  try {
    return { offset: b.offset, size: b.size, sig: decodePacSignatureData(b.data, b.offset), error: undefined };
  } catch (e) {
    return { offset: b.offset, size: b.size, sig: undefined, error: (e as Error).message };
  }
}

function zeroed(pac: Uint8Array, bufs: ReadonlyArray<Located | undefined>): Uint8Array {
  const copy = pac.slice();
  for (const b of bufs) if (b && b.size > 4) copy.fill(0, b.offset + 4, b.offset + b.size);
  return copy;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

function typeInfo(t: number): Pick<SignatureCheck, 'checksumType' | 'checksumTypeName'> {
  return { checksumType: t, checksumTypeName: PacChecksumTypes[t]?.name ?? `checksum type ${t}` };
}

function check<K>(loc: Located | undefined, key: K | undefined, data: () => Uint8Array, fn: PacChecksumFn<K>): SignatureCheck {
  if (!loc) return { status: 'missing' };
  if (!loc.sig) return { status: 'malformed', reason: loc.error };
  const info = typeInfo(loc.sig.signatureType);
  if (key === undefined) return { status: 'no-key', ...info };
  let mac: Uint8Array;
  try {
    mac = fn(loc.sig.signatureType, key, KERB_NON_KERB_CKSUM_SALT, data());
  } catch (e) {
    return { status: 'unsupported', ...info, reason: e instanceof Error ? e.message : String(e) };
  }
  return equal(mac.subarray(0, loc.sig.signature.length), loc.sig.signature) && mac.length >= loc.sig.signature.length
    ? { status: 'valid', ...info }
    : { status: 'invalid', ...info, reason: 'checksum mismatch (wrong key, or the PAC was altered)' };
}

/**
 * Verifies the server, KDC and full-PAC signatures of a PAC given as its raw bytes (the signatures cover bytes,
 * not decoded values). Keys of any shape `K`: they are only passed through to `checksumFn`.
 * Throws DecodeError only when the PAC header itself is unreadable.
 */
export function verifyPacSignatures<K>(
  pac: Uint8Array,
  keys: { serverKey?: K; kdcKey?: K },
  checksumFn: PacChecksumFn<K>,
): PacSignatureVerdict {
  const server = locate(pac, PacBufferType.SERVER_CHECKSUM);
  const kdc = locate(pac, PacBufferType.PRIVSVR_CHECKSUM);
  const full = locate(pac, PacBufferType.FULL_CHECKSUM);
  const ticket = locate(pac, PacBufferType.TICKET_CHECKSUM);
  const serverCheck = check(server, keys.serverKey, () => zeroed(pac, [server, kdc]), checksumFn);
  const kdcCheck = check(kdc, keys.kdcKey, () => server?.sig?.signature ?? new Uint8Array(0), checksumFn);
  if (kdcCheck.status !== 'missing' && server && !server.sig && kdcCheck.status !== 'no-key') {
    kdcCheck.status = 'malformed';
    kdcCheck.reason = 'the server signature it covers is malformed';
  }
  const fullCheck = check(full, keys.kdcKey, () => zeroed(pac, [server, kdc, full]), checksumFn);
  const ticketCheck: SignatureCheck = ticket
    ? {
        status: 'not-checked',
        ...(ticket.sig ? typeInfo(ticket.sig.signatureType) : {}),
        reason: 'the ticket signature covers the EncTicketPart, not the PAC',
      }
    : { status: 'missing' };
  const kdcSide = [kdcCheck, fullCheck].every((c) => c.status === 'valid' || c.status === 'no-key' || c.status === 'missing');
  return { server: serverCheck, kdc: kdcCheck, ticket: ticketCheck, full: fullCheck, ok: serverCheck.status === 'valid' && kdcSide };
}

/**
 * Fills in the signatures of a PAC laid out with zeroed signature buffers (see `emptySignatureData`):
 * full checksum (if present) first, then server, then KDC, as MIT and Windows sign. Returns a new PAC.
 */
export function signPac<K>(pac: Uint8Array, keys: { serverKey: K; kdcKey: K }, checksumFn: PacChecksumFn<K>): Uint8Array {
  const out = pac.slice();
  const server = locate(out, PacBufferType.SERVER_CHECKSUM);
  const kdc = locate(out, PacBufferType.PRIVSVR_CHECKSUM);
  const full = locate(out, PacBufferType.FULL_CHECKSUM);
  if (!server?.sig || !kdc?.sig) throw new Error('signPac: the PAC needs well-formed server and KDC signature buffers');
  const put = (loc: Located, sig: PacSignatureData, mac: Uint8Array): void => {
    const bytes = encodePacSignatureData({ ...sig, signature: mac.subarray(0, sig.signature.length) });
    out.set(bytes.subarray(0, loc.size), loc.offset);
    sig.signature = mac.slice(0, sig.signature.length);
  };
  if (full?.sig) {
    put(full, full.sig, checksumFn(full.sig.signatureType, keys.kdcKey, KERB_NON_KERB_CKSUM_SALT, zeroed(out, [server, kdc, full])));
  }
  put(server, server.sig, checksumFn(server.sig.signatureType, keys.serverKey, KERB_NON_KERB_CKSUM_SALT, zeroed(out, [server, kdc])));
  put(kdc, kdc.sig, checksumFn(kdc.sig.signatureType, keys.kdcKey, KERB_NON_KERB_CKSUM_SALT, server.sig.signature));
  return out;
}
