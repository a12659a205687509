/**
 * Seeds for the decoder fuzzers: real bytes from the shared corpus (read in place through ../shared/corpus, never
 * copied), the repository's samples, plaintexts obtained by decrypting real tickets with their published keys, and
 * (optionally) messages tshark extracts from the corpus captures. Everything is loaded once per process.
 *
 * Where each seed comes from:
 * - vectors/kerberos-net: {aes128,aes256,rc4}-{kerberos,spnego}-data (GSS tokens) with their *-key-data service keys;
 *   Messages/* (KDC messages behind a 4-byte TCP record mark); extracted/*.txt ("Negotiate <base64>") with sample.keytab;
 *   Cache/krb5cc; the three keytabs.
 * - vectors/mit-krb5/fuzz_*_seed_corpus: MIT's own fuzzing seeds (ASN.1, GSS, PAC, keytab, ccache, ticket).
 * - vectors/impacket: ccache v1-v4 and .kirbi; vectors/gokrb5/testuser1.testtab.
 * - samples/ (this repository): mit-http-*.txt header lines and mit-http.keytab.
 * - pcap/zeek/krb/smb2_krb.{pcap,keytab} and other captures: only when tshark is installed and asked for.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decrypt, KeyUsage } from '../../src/crypto/index.js';
import { decodeKeytab } from '../../src/formats/keytab.js';
import { KeySet } from '../../src/inspect/keys.js';
import { decryptTicket } from '../../src/inspect/ticket.js';
import { encodeGssChecksum, GSS_CHECKSUM_TYPE } from '../../src/protocol/gss/krb5.js';
import { decodeGssToken } from '../../src/protocol/gss/token.js';
import { findAuthHeaders } from '../../src/protocol/http/auth-header.js';
import {
  AdType,
  type ApReq,
  type AuthorizationDataEntry,
  decodeAuthenticator,
  decodeKrb5Message,
  findAllAuthData,
  type Krb5Message,
  MethodData,
  readTcpRecord,
} from '../../src/protocol/krb5/index.js';
import { avPair } from '../../src/protocol/ntlm/avpairs.js';
import { encodeAuthenticateMessage, encodeChallengeMessage, encodeNegotiateMessage } from '../../src/protocol/ntlm/messages.js';
import { decodePac } from '../../src/protocol/pac/index.js';
import { decodeDer } from '../../src/wire/asn1.js';
import { fromBase64, fromHex } from '../../src/wire/encoding.js';
import { isDecodeError } from '../../src/wire/errors.js';
import { CORPUS, REPO_ROOT } from '../helpers/corpus.js';

/** A decrypted AP-REQ: what the re-encrypting target needs to rebuild a valid token around a mutated plaintext. */
export interface ApReqTemplate {
  label: string;
  apReq: ApReq;
  ticketKey: { enctype: number; key: Uint8Array };
  sessionKey: { enctype: number; key: Uint8Array };
  ticketPlain: Uint8Array;
  authenticatorPlain: Uint8Array;
}

export interface FuzzCorpus {
  /** Bare Kerberos messages and encrypted parts (DER, [APPLICATION n]). */
  krb5: Uint8Array[];
  /** What an HTTP header / SMB blob carries: GSS-framed, SPNEGO, NTLMSSP tokens. */
  tokens: Uint8Array[];
  /** SPNEGO NegotiationToken (the [0]/[1] CHOICE, without GSS framing). */
  spnego: Uint8Array[];
  ntlm: Uint8Array[];
  encTicketParts: Uint8Array[];
  authenticators: Uint8Array[];
  gssChecksums: Uint8Array[];
  pacs: Uint8Array[];
  logonInfos: Uint8Array[];
  /** PA-DATA / AD / e-data in the helper-target framing (see targets.ts `helperInput`). */
  padata: { type: number; value: Uint8Array }[];
  authdata: { type: number; value: Uint8Array }[];
  edata: Uint8Array[];
  keytabs: Uint8Array[];
  ccaches: Uint8Array[];
  kirbis: Uint8Array[];
  texts: string[];
  /** MIT ASN.1 encodings of every kind (for the schema-driven DER target). */
  asn: Uint8Array[];
  keys: KeySet;
  templates: ApReqTemplate[];
}

const cf = (rel: string): Uint8Array => new Uint8Array(readFileSync(path.join(CORPUS, rel)));
const dirFiles = (rel: string): Uint8Array[] => {
  const d = path.join(CORPUS, rel);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => f !== 'SOURCES.md')
    .sort()
    .map((f) => new Uint8Array(readFileSync(path.join(d, f))));
};

const KNET_KEYS: [string, number][] = [
  ['aes128', 17],
  ['aes256', 18],
  ['rc4', 23],
];

const KRB5_MECH = '1.2.840.113554.1.2.2';

function tryDo<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (isDecodeError(e)) return undefined;
    throw e;
  }
}

/** The NTLM messages our own encoders build (MS-NLMP §4.2-style values: NTLMv2 with AV pairs, MIC, version). */
function builtNtlm(): Uint8Array[] {
  const version = {
    productMajorVersion: 10,
    productMinorVersion: 0,
    productBuild: 19041,
    reserved: new Uint8Array(3),
    ntlmRevisionCurrent: 15,
  };
  const targetInfo = {
    pairs: [
      avPair.text('MsvAvNbDomainName', 'CONTOSO'),
      avPair.text('MsvAvNbComputerName', 'WEB01'),
      avPair.text('MsvAvDnsDomainName', 'contoso.com'),
      avPair.text('MsvAvDnsComputerName', 'web01.contoso.com'),
      avPair.timestamp(133000000000000000n),
      avPair.flags(2),
      avPair.channelBindings(new Uint8Array(16)),
      avPair.text('MsvAvTargetName', 'HTTP/web01.contoso.com'),
      avPair.eol(),
    ],
    eol: true,
    trailing: new Uint8Array(0),
  };
  // NTLMv2 response: NTProofStr (16) | RespType HiRespType Reserved1 Reserved2 | TimeStamp | ChallengeFromClient | Reserved3 | AvPairs
  const blob = new Uint8Array(28 + 64);
  blob.set([1, 1], 0);
  blob.set([0x00, 0x80, 0x3d, 0x5a, 0x58, 0x7d, 0xd9, 0x01], 8);
  blob.set([1, 2, 3, 4, 5, 6, 7, 8], 16);
  const pairs = fromHex('02000e0043004f004e0054004f0053004f000700080000803d5a587dd9010000000000000000') as Uint8Array;
  blob.set(pairs, 28);
  const nt = new Uint8Array(16 + blob.length);
  nt.fill(0xab, 0, 16);
  nt.set(blob, 16);
  const flags = 0xe2888235;
  return [
    encodeNegotiateMessage({ negotiateFlags: 0xe2088297, version, domainName: 'CONTOSO', workstation: 'WS1' }),
    encodeNegotiateMessage({ negotiateFlags: 0x00088207 }),
    encodeChallengeMessage({
      negotiateFlags: flags,
      serverChallenge: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      targetName: 'CONTOSO',
      targetInfo,
      version,
    }),
    encodeAuthenticateMessage({
      negotiateFlags: flags,
      lmChallengeResponse: new Uint8Array(24),
      ntChallengeResponse: nt,
      domainName: 'CONTOSO',
      userName: 'alice',
      workstation: 'WS1',
      version,
      mic: new Uint8Array(16).fill(7),
    }),
    encodeAuthenticateMessage({
      negotiateFlags: 0x00088205,
      lmChallengeResponse: new Uint8Array(24).fill(3),
      ntChallengeResponse: new Uint8Array(24).fill(4),
      domainName: 'CONTOSO',
      userName: 'bob',
      workstation: 'WS2',
    }),
  ];
}

const KLIST_TEXT = `Ticket cache: FILE:/tmp/krb5cc_1000
Default principal: alice@CONTOSO.COM

Valid starting       Expires              Service principal
01/02/2024 10:00:00  01/02/2024 20:00:00  krbtgt/CONTOSO.COM@CONTOSO.COM
\trenew until 01/09/2024 10:00:00, Flags: FRIA
\tEtype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96
01/02/2024 10:01:00  01/02/2024 20:00:00  HTTP/web01.contoso.com@CONTOSO.COM
\tFlags: FAT
\tEtype (skey, tkt): aes256-cts-hmac-sha1-96, rc4-hmac
`;

const KLIST_KEYTAB_TEXT = `Keytab name: FILE:/etc/krb5.keytab
KVNO Timestamp           Principal
---- ------------------- ------------------------------------------------------
   2 01/02/2024 10:00:00 HTTP/web01.contoso.com@CONTOSO.COM (aes256-cts-hmac-sha1-96)
   2 01/02/2024 10:00:00 HTTP/web01.contoso.com@CONTOSO.COM (arcfour-hmac)
`;

/** Raw bytes of a protocol layer, pulled out of every frame of a capture by `tshark -T json -x`. */
export function tsharkRaw(pcap: string, field: string, filter = field, extra: string[] = []): Uint8Array[] {
  const r = spawnSync('tshark', ['-r', pcap, ...extra, '-Y', filter, '-T', 'json', '-x', '--no-duplicate-keys'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0 || !r.stdout) return [];
  const out: Uint8Array[] = [];
  const key = `${field}_raw`;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === key && Array.isArray(x)) {
        // either [hex, pos, len, ...] or a list of those
        const list = typeof x[0] === 'string' ? [x] : x;
        for (const e of list) if (Array.isArray(e) && typeof e[0] === 'string') out.push(fromHex(e[0]) ?? new Uint8Array(0));
      } else walk(x);
    }
  };
  walk(JSON.parse(r.stdout));
  return out.filter((b) => b.length > 0);
}

/** A Kerberos message as tshark hands it over: bare (UDP) or behind the 4-byte TCP record mark. */
export function stripRecordMark(b: Uint8Array): Uint8Array {
  if (b.length > 4 && (b[0] as number) < 0x60) return tryDo(() => readTcpRecord(b).message) ?? b;
  return b;
}

const PCAPS_KRB = [
  'pcap/zeek/krb/kinit.pcap',
  'pcap/zeek/krb/auth.pcap',
  'pcap/zeek/krb/error-preauth-padata.pcap',
  'pcap/zeek/krb/kerberos_tso.pcapng',
];
const PCAPS_BLOB = ['pcap/zeek/krb/smb2_krb.pcap', 'pcap/zeek/krb/smb_gssapi.pcap', 'pcap/zeek/smb/raw_ntlm_in_smb.pcap'];

let cached: FuzzCorpus | undefined;
let cachedWithTshark = false;

/** Loads (once) every seed. `tshark: true` adds what tshark extracts from the corpus captures (when installed). */
export function loadCorpus(opts: { tshark?: boolean } = {}): FuzzCorpus {
  if (cached && (cachedWithTshark || !opts.tshark)) return cached;
  const c: FuzzCorpus = {
    krb5: [],
    tokens: [],
    spnego: [],
    ntlm: [],
    encTicketParts: [],
    authenticators: [],
    gssChecksums: [],
    pacs: [],
    logonInfos: [],
    padata: [],
    authdata: [],
    edata: [],
    keytabs: [],
    ccaches: [],
    kirbis: [],
    texts: [],
    asn: [],
    keys: new KeySet(),
    templates: [],
  };

  // ---- keys ----
  for (const [name, enctype] of KNET_KEYS)
    c.keys.entries.push({ enctype, key: cf(`vectors/kerberos-net/${name}-key-data`), source: `kerberos-net ${name}-key-data` });
  const keytabFiles: [string, Uint8Array][] = [
    ['sample.keytab', cf('vectors/kerberos-net/sample.keytab')],
    ['smb2_krb.keytab', cf('pcap/zeek/krb/smb2_krb.keytab')],
  ];
  const sampleKeytab = path.join(REPO_ROOT, 'samples/mit-http.keytab');
  if (existsSync(sampleKeytab)) keytabFiles.push(['mit-http.keytab', new Uint8Array(readFileSync(sampleKeytab))]);
  for (const [name, b] of keytabFiles) c.keys.addKeytab(decodeKeytab(b).entries, name);

  // ---- file formats ----
  c.keytabs.push(
    cf('vectors/kerberos-net/sample.keytab'),
    cf('vectors/kerberos-net/sample_with_32_bit_version_override.keytab'),
    cf('vectors/kerberos-net/sample_with_padding.keytab'),
    cf('vectors/gokrb5/testuser1.testtab'),
    cf('pcap/zeek/krb/smb2_krb.keytab'),
    ...dirFiles('vectors/mit-krb5/fuzz_keytab_seed_corpus'),
  );
  c.ccaches.push(
    ...['v1', 'v2', 'v3', 'v4'].map((v) => cf(`vectors/impacket/ccache-${v}`)),
    cf('vectors/kerberos-net/Cache/krb5cc'),
    ...dirFiles('vectors/mit-krb5/fuzz_ccache_seed_corpus'),
  );
  c.kirbis.push(cf('vectors/impacket/ccache-v3-kirbi'), cf('vectors/impacket/ccache-v4-kirbi'));

  // ---- tokens and header text ----
  for (const [name] of KNET_KEYS)
    c.tokens.push(cf(`vectors/kerberos-net/${name}-kerberos-data`), cf(`vectors/kerberos-net/${name}-spnego-data`));
  const texts: string[] = [];
  for (const f of ['RC4Header.txt', 'RC4TicketClaims.txt', 'TicketContainingDelegation.txt'])
    texts.push(new TextDecoder().decode(cf(`vectors/kerberos-net/extracted/${f}`)));
  const samplesDir = path.join(REPO_ROOT, 'samples');
  if (existsSync(samplesDir))
    for (const f of readdirSync(samplesDir).sort()) if (f.endsWith('.txt')) texts.push(readFileSync(path.join(samplesDir, f), 'utf8'));
  for (const t of texts) {
    c.texts.push(t.length > 20000 ? t.slice(0, 20000) : t);
    for (const h of findAuthHeaders(t)) if (h.token?.length) c.tokens.push(h.token);
    // Files that are a bare "Negotiate <base64>" without a header name.
    const m = /^\s*(?:Negotiate|Kerberos|NTLM)\s+([A-Za-z0-9+/=]+)\s*$/m.exec(t);
    const b = m?.[1] ? fromBase64(m[1]) : undefined;
    if (b?.length) c.tokens.push(b);
  }
  c.texts.push(KLIST_TEXT, KLIST_KEYTAB_TEXT);
  c.tokens.push(...dirFiles('vectors/mit-krb5/fuzz_gss_seed_corpus'));

  // ---- Kerberos messages ----
  for (const f of dirFiles('vectors/kerberos-net/Messages')) c.krb5.push(stripRecordMark(f));
  const asn = dirFiles('vectors/mit-krb5/fuzz_asn_seed_corpus');
  c.asn.push(...asn);
  c.krb5.push(...asn.filter((b) => (b[0] as number) >= 0x60 && (b[0] as number) <= 0x7e));
  c.krb5.push(...dirFiles('vectors/mit-krb5/fuzz_krb5_ticket_seed_corpus'));

  // ---- tshark extraction (optional) ----
  if (opts.tshark && spawnSync('tshark', ['--version']).status === 0) {
    for (const p of PCAPS_KRB) {
      const msgs = tsharkRaw(path.join(CORPUS, p), 'kerberos').map(stripRecordMark);
      // kinit.pcap has 188 near-identical messages: keep a spread.
      c.krb5.push(...msgs.filter((_, i) => i < 24 || i % 16 === 0));
    }
    for (const p of PCAPS_BLOB) {
      for (const f of ['smb2.security_blob', 'smb.security_blob']) c.tokens.push(...tsharkRaw(path.join(CORPUS, p), f));
      c.ntlm.push(...tsharkRaw(path.join(CORPUS, p), 'ntlmssp'));
    }
    cachedWithTshark = true;
  }

  // ---- peel the tokens: SPNEGO, NTLM and Kerberos layers; decrypt what our keys open ----
  const seenLayer = new Set<string>();
  for (const tok of c.tokens) {
    const g = tryDo(() => decodeGssToken(tok));
    if (!g) continue;
    for (const l of g.layers) {
      const sub = tok.subarray(l.offset, l.offset + l.length);
      const key = `${l.kind}:${sub.length}:${sub[0]}:${sub[sub.length - 1]}`;
      if (seenLayer.has(key)) continue;
      seenLayer.add(key);
      if (l.kind === 'spnego') c.spnego.push(sub.slice());
      if (l.kind === 'ntlmssp') c.ntlm.push(sub.slice());
      if (l.kind === 'krb5-message') {
        c.krb5.push(sub.slice());
        if (l.decoded.name === 'AP-REQ') addTemplate(c, l.decoded.message, `token ${c.templates.length}`);
      }
    }
  }
  c.ntlm.push(...builtNtlm());
  c.tokens.push(...c.ntlm.slice(-5));

  // ---- inner parts: from the MIT seeds and from the decrypted tickets ----
  for (const b of c.asn) {
    const m = tryDo(() => decodeKrb5Message(b));
    if (m) harvest(c, m, b);
  }
  for (const b of c.krb5) {
    const m = tryDo(() => decodeKrb5Message(b));
    if (m) harvest(c, m, b);
  }
  c.pacs.push(...dirFiles('vectors/mit-krb5/fuzz_pac_seed_corpus'));
  for (const p of c.pacs) {
    const pac = tryDo(() => decodePac(p));
    for (const buf of pac?.buffers ?? []) if (buf.type === 1) c.logonInfos.push(buf.data.slice());
  }
  c.gssChecksums.push(
    encodeGssChecksum({ bnd: new Uint8Array(16), flags: 0x3e }),
    encodeGssChecksum({ bnd: new Uint8Array(16).fill(9), flags: 0x3f, dlgOpt: 1, deleg: c.kirbis[0] ?? new Uint8Array(4) }),
    encodeGssChecksum({ bnd: new Uint8Array(16), flags: 0x2, exts: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2, 0xaa, 0xbb) }),
  );
  cached = c;
  return c;
}

function addTemplate(c: FuzzCorpus, apReq: ApReq, label: string): void {
  const d = decryptTicket(apReq.ticket, c.keys);
  if (d.status !== 'decrypted' || !d.key || !d.encPart) return;
  const ticketPlain = decrypt(apReq.ticket.encPart.etype, d.key.key, KeyUsage.KDC_REP_TICKET, apReq.ticket.encPart.cipher);
  const sk = d.encPart.key;
  let authenticatorPlain: Uint8Array;
  try {
    authenticatorPlain = decrypt(apReq.authenticator.etype, sk.keyvalue, KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher);
  } catch {
    return;
  }
  c.templates.push({
    label,
    apReq,
    ticketKey: { enctype: apReq.ticket.encPart.etype, key: d.key.key },
    sessionKey: { enctype: apReq.authenticator.etype, key: sk.keyvalue },
    ticketPlain,
    authenticatorPlain,
  });
  c.encTicketParts.push(ticketPlain);
  c.authenticators.push(authenticatorPlain);
  harvestAuthData(c, d.encPart.authorizationData);
  const auth = tryDo(() => decodeAuthenticator(authenticatorPlain));
  if (auth?.cksum?.cksumtype === GSS_CHECKSUM_TYPE) c.gssChecksums.push(auth.cksum.checksum);
  harvestAuthData(c, auth?.authorizationData);
}

function harvestAuthData(c: FuzzCorpus, list: readonly AuthorizationDataEntry[] | undefined): void {
  for (const ad of list ?? []) c.authdata.push({ type: ad.adType, value: ad.adData });
  // AD-IF-RELEVANT containers are in `authdata` as they are; findAllAuthData looks inside them for the PAC.
  for (const pac of findAllAuthData(list, AdType['AD-WIN2K-PAC'])) c.pacs.push(pac.adData);
}

function harvest(c: FuzzCorpus, m: Krb5Message, der: Uint8Array): void {
  switch (m.name) {
    case 'AS-REQ':
    case 'TGS-REQ':
    case 'AS-REP':
    case 'TGS-REP':
      for (const pa of m.message.padata ?? []) c.padata.push({ type: pa.padataType, value: pa.padataValue });
      break;
    case 'KRB-ERROR':
      if (m.message.eData) {
        c.edata.push(m.message.eData);
        const md = tryDo(() => decodeDer(MethodData, m.message.eData as Uint8Array));
        for (const pa of md ?? []) c.padata.push({ type: pa.padataType, value: pa.padataValue });
      }
      break;
    case 'EncTicketPart':
      c.encTicketParts.push(der);
      harvestAuthData(c, m.message.authorizationData);
      break;
    case 'Authenticator':
      c.authenticators.push(der);
      harvestAuthData(c, m.message.authorizationData);
      if (m.message.cksum?.cksumtype === GSS_CHECKSUM_TYPE) c.gssChecksums.push(m.message.cksum.checksum);
      break;
    default:
  }
}

export { KRB5_MECH };
