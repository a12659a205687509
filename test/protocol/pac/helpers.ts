/**
 * Test-only helpers for the PAC tests: a minimal, independent implementation of the Kerberos checksums and
 * ticket decryption the PAC vectors need (src/crypto was being written in parallel; these also serve as an
 * independent cross-check of it), a keytab reader, and a DER walk that finds the PAC inside a ticket.
 *
 * Sources: RFC 4757 §4-5 (RC4-HMAC, KERB_CHECKSUM_HMAC_MD5), RFC 3961 §5.1 (n-fold), §5.3 (DK), RFC 3962
 * (AES-CTS, hmac-sha1-96-aes), RFC 4120 §5.3 (Ticket), §5.2.6 (AuthorizationData).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { childrenOf, decodeTlv, type Tlv } from '../../../src/wire/der.js';

export const corpus = (p: string): string => new URL(`../../../../shared/corpus/${p}`, import.meta.url).pathname;
export const readCorpus = (p: string): Uint8Array => new Uint8Array(readFileSync(corpus(p)));
export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const hmac = (alg: string, key: Uint8Array, ...data: Uint8Array[]): Uint8Array => {
  const h = createHmac(alg, key);
  for (const d of data) h.update(d);
  return u8(h.digest());
};
const le32 = (n: number): Uint8Array => new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
const be32 = (n: number): Uint8Array => new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** RFC 4757 §4: KERB_CHECKSUM_HMAC_MD5 (-138). */
export function hmacMd5Checksum(key: Uint8Array, usage: number, data: Uint8Array): Uint8Array {
  const ksign = hmac('md5', key, new TextEncoder().encode('signaturekey\0'));
  const tmp = u8(createHash('md5').update(le32(usage)).update(data).digest());
  return hmac('md5', ksign, tmp);
}

/** RFC 3961 §5.1 n-fold (after MIT's nfold.c). */
export function nfold(inp: Uint8Array, outLen: number): Uint8Array {
  const inLen = inp.length;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const lcm = (inLen * outLen) / gcd(inLen, outLen);
  const out = new Uint8Array(outLen);
  let byte = 0;
  for (let i = lcm - 1; i >= 0; i--) {
    const msbit = ((inLen << 3) - 1 + ((inLen << 3) + 13) * Math.floor(i / inLen) + ((inLen - (i % inLen)) << 3)) % (inLen << 3);
    const hi = inp[(inLen - 1 - (msbit >>> 3) + inLen) % inLen] as number;
    const lo = inp[(inLen - (msbit >>> 3)) % inLen] as number;
    byte += (((hi << 8) | lo) >>> ((msbit & 7) + 1)) & 0xff;
    byte += out[i % outLen] as number;
    out[i % outLen] = byte & 0xff;
    byte >>>= 8;
  }
  if (byte) {
    for (let i = outLen - 1; i >= 0; i--) {
      byte += out[i] as number;
      out[i] = byte & 0xff;
      byte >>>= 8;
    }
  }
  return out;
}

function aesEcb(key: Uint8Array, block: Uint8Array, decrypt = false): Uint8Array {
  const alg = `aes-${key.length * 8}-ecb`;
  const c = decrypt ? createDecipheriv(alg, key, null) : createCipheriv(alg, key, null);
  c.setAutoPadding(false);
  return u8(Buffer.concat([c.update(block), c.final()]));
}

/** RFC 3961 §5.3 DK for AES (random-to-key is the identity). */
export function deriveAes(key: Uint8Array, constant: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length);
  let block = nfold(constant, 16);
  for (let o = 0; o < key.length; o += 16) {
    block = aesEcb(key, block);
    out.set(block.subarray(0, Math.min(16, key.length - o)), o);
  }
  return out;
}

/** RFC 3962: hmac-sha1-96-aes128/256 (15/16). */
export function hmacSha1AesChecksum(key: Uint8Array, usage: number, data: Uint8Array): Uint8Array {
  const kc = deriveAes(key, new Uint8Array([...be32(usage), 0x99]));
  return hmac('sha1', kc, data).subarray(0, 12);
}

/** The checksum function injected into verifyPacSignatures in these tests. */
export function testChecksum(cksumtype: number, key: Uint8Array, usage: number, data: Uint8Array): Uint8Array {
  if (cksumtype === -138) return hmacMd5Checksum(key, usage, data);
  if (cksumtype === 15 || cksumtype === 16) return hmacSha1AesChecksum(key, usage, data);
  throw new Error(`test checksum: type ${cksumtype} not implemented`);
}

function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256).map((_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 0xff;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + (s[i] as number)) & 0xff;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
    out[n] = (data[n] as number) ^ (s[((s[i] as number) + (s[j] as number)) & 0xff] as number);
  }
  return out;
}

/** RFC 4757 §5 decryption (etype 23); returns undefined when the integrity check fails. */
export function rc4HmacDecrypt(key: Uint8Array, usage: number, cipher: Uint8Array): Uint8Array | undefined {
  const k1 = hmac('md5', key, le32(usage));
  const cksum = cipher.subarray(0, 16);
  const k3 = hmac('md5', k1, cksum);
  const plain = rc4(k3, cipher.subarray(16));
  if (Buffer.compare(Buffer.from(hmac('md5', k1, plain)), Buffer.from(cksum)) !== 0) return undefined;
  return plain.subarray(8);
}

function ctsDecrypt(key: Uint8Array, c: Uint8Array): Uint8Array {
  if (c.length === 16) return aesEcb(key, c, true);
  const nBlocks = Math.ceil(c.length / 16);
  const m = c.length - 16 * (nBlocks - 1);
  const prefix = c.subarray(0, 16 * (nBlocks - 2));
  const cn1 = c.subarray(16 * (nBlocks - 2), 16 * (nBlocks - 1));
  const cn = c.subarray(16 * (nBlocks - 1));
  const out = new Uint8Array(c.length);
  let iv: Uint8Array = new Uint8Array(16);
  for (let o = 0; o < prefix.length; o += 16) {
    const blk = prefix.subarray(o, o + 16);
    const d = aesEcb(key, blk, true);
    for (let i = 0; i < 16; i++) out[o + i] = (d[i] as number) ^ (iv[i] as number);
    iv = blk;
  }
  const d = aesEcb(key, cn1, true);
  const pn = new Uint8Array(m);
  for (let i = 0; i < m; i++) pn[i] = (d[i] as number) ^ (cn[i] as number);
  const full = new Uint8Array(16);
  full.set(cn);
  full.set(d.subarray(m), m);
  const d2 = aesEcb(key, full, true);
  for (let i = 0; i < 16; i++) out[prefix.length + i] = (d2[i] as number) ^ (iv[i] as number);
  out.set(pn, prefix.length + 16);
  return out;
}

/** RFC 3962 decryption (etypes 17/18); returns undefined when the HMAC does not match. */
export function aesDecrypt(key: Uint8Array, usage: number, cipher: Uint8Array): Uint8Array | undefined {
  const ke = deriveAes(key, new Uint8Array([...be32(usage), 0xaa]));
  const ki = deriveAes(key, new Uint8Array([...be32(usage), 0x55]));
  const plain = ctsDecrypt(ke, cipher.subarray(0, cipher.length - 12));
  const mac = hmac('sha1', ki, plain).subarray(0, 12);
  if (Buffer.compare(Buffer.from(mac), Buffer.from(cipher.subarray(cipher.length - 12))) !== 0) return undefined;
  return plain.subarray(16);
}

export interface KeytabEntry {
  principal: string;
  kvno: number;
  enctype: number;
  key: Uint8Array;
}

/** MIT keytab v2 (big-endian) reader, enough for the corpus keytabs. */
export function readKeytab(b: Uint8Array): KeytabEntry[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint16(0) !== 0x0502) throw new Error('not a v2 keytab');
  const out: KeytabEntry[] = [];
  let p = 2;
  while (p + 4 <= b.length) {
    const size = dv.getInt32(p);
    p += 4;
    if (size <= 0) {
      p += -size;
      continue;
    }
    const end = p + size;
    const str = (): string => {
      const n = dv.getUint16(p);
      const s = Buffer.from(b.subarray(p + 2, p + 2 + n)).toString('utf8');
      p += 2 + n;
      return s;
    };
    const nComp = dv.getUint16(p);
    p += 2;
    const realm = str();
    const comps: string[] = [];
    for (let i = 0; i < nComp; i++) comps.push(str());
    p += 4 + 4; // name type, timestamp
    let kvno = b[p] as number;
    p += 1;
    const enctype = dv.getUint16(p);
    const keylen = dv.getUint16(p + 2);
    const key = b.slice(p + 4, p + 4 + keylen);
    p += 4 + keylen;
    if (end - p >= 4) kvno = dv.getUint32(p);
    out.push({ principal: `${comps.join('/')}@${realm}`, kvno, enctype, key });
    p = end;
  }
  return out;
}

function tryChildren(t: Tlv): Tlv[] {
  try {
    return childrenOf(t);
  } catch {
    return [];
  }
}

/** Every Ticket enc-part (RFC 4120 §5.3: Ticket ::= [APPLICATION 1] SEQUENCE { ..., enc-part [3] EncryptedData }). */
export function findTicketEncParts(bytes: Uint8Array): Array<{ etype: number; cipher: Uint8Array }> {
  const found: Array<{ etype: number; cipher: Uint8Array }> = [];
  const visit = (t: Tlv, depth: number): void => {
    if (depth > 30) return;
    if (t.cls === 1 && t.tag === 1 && t.constructed) {
      const seq = tryChildren(t)[0];
      const encPart = seq && tryChildren(seq).find((c) => c.cls === 2 && c.tag === 3);
      const ed = encPart && tryChildren(encPart)[0];
      if (ed) {
        const f = tryChildren(ed);
        const etype = f.find((c) => c.tag === 0);
        const cipher = f.find((c) => c.tag === 2);
        if (etype && cipher) {
          const e = tryChildren(etype)[0];
          const c = tryChildren(cipher)[0];
          if (e && c) found.push({ etype: e.value.length === 1 ? (e.value[0] as number) : -1, cipher: c.value });
        }
      }
      return;
    }
    if (t.constructed) {
      let kids = tryChildren(t);
      if (kids.length === 0 && t.cls === 1 && t.tag === 0) {
        // GSS-API InitialContextToken (RFC 2743 §3.1): OID, then a 2-byte krb5 token id (RFC 1964 §1.1), then the AP-REQ.
        try {
          const oid = decodeTlv(t.value, undefined, 0, true);
          kids = [oid, decodeTlv(t.value.subarray(oid.der.length + 2), undefined, 0, true)];
        } catch {
          kids = [];
        }
      }
      for (const k of kids) visit(k, depth + 1);
    } else if (t.cls === 0 && t.tag === 4) {
      try {
        visit(decodeTlv(t.value, undefined, 0, true), depth + 1);
      } catch {
        /* not DER inside */
      }
    }
  };
  visit(decodeTlv(bytes, undefined, 0, true), 0);
  return found;
}

/** AD-WIN2K-PAC (ad-type 128) contents inside EncTicketPart.authorization-data [10], through AD-IF-RELEVANT (1). */
export function findPacInEncTicketPart(encTicketPart: Uint8Array): Uint8Array | undefined {
  const app = decodeTlv(encTicketPart, undefined, 0, true);
  const seq = childrenOf(app)[0];
  const ad = seq && childrenOf(seq).find((c) => c.cls === 2 && c.tag === 10);
  if (!ad) return undefined;
  const walk = (adSeqOf: Tlv): Uint8Array | undefined => {
    for (const entry of childrenOf(adSeqOf)) {
      const f = childrenOf(entry);
      const type = childrenOf(f.find((c) => c.tag === 0) as Tlv)[0] as Tlv;
      const data = childrenOf(f.find((c) => c.tag === 1) as Tlv)[0] as Tlv;
      let n = 0;
      for (const x of type.value) n = (n << 8) | x;
      if (n === 128) return data.value;
      if (n === 1) {
        const inner = walk(decodeTlv(data.value));
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return walk(childrenOf(ad)[0] as Tlv);
}

/** crealm, cname and authtime of a decrypted EncTicketPart (RFC 4120 §5.3), read with the DER layer only. */
export function encTicketPartInfo(encTicketPart: Uint8Array): { crealm: string; cname: string; authtime: Date } {
  const seq = childrenOf(decodeTlv(encTicketPart, undefined, 0, true))[0] as Tlv;
  const f = childrenOf(seq);
  const field = (tag: number): Tlv => childrenOf(f.find((c) => c.cls === 2 && c.tag === tag) as Tlv)[0] as Tlv;
  const text = (t: Tlv): string => Buffer.from(t.value).toString('utf8');
  const nameParts = childrenOf(childrenOf(childrenOf(field(3)).find((c) => c.tag === 1) as Tlv)[0] as Tlv).map(text);
  const t = text(field(5));
  const authtime = new Date(
    Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(8, 10), +t.slice(10, 12), +t.slice(12, 14)),
  );
  return { crealm: text(field(2)), cname: nameParts.join('/'), authtime };
}
