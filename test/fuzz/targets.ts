/**
 * The fuzz-target registry: every decoder of kerbscope, with its seeds and what counts as an allowed outcome.
 *
 * The contract being checked (docs/HELPERS.md, STYLE.md habit 3): bad input gives a result with recorded errors or
 * a DecodeError, never another exception, never a hang, never an allocation sized from a forged count. APIs documented
 * as "never throws" (detect, the text parsers, decodePaData/decodeAuthData/decodeEData, the inspection pipeline) are
 * held to exactly that: any exception from them is a crash.
 */

import { encrypt, KeyUsage } from '../../src/crypto/index.js';
import { decodeCcache } from '../../src/formats/ccache.js';
import { detect } from '../../src/formats/detect.js';
import { decodeKeytab } from '../../src/formats/keytab.js';
import { decodeKirbi } from '../../src/formats/kirbi.js';
import { parseKlist, parseKlistKeytab } from '../../src/formats/klist.js';
import { inspectEvidence } from '../../src/inspect/evidence.js';
import { type InspectContext, inspectToken, type TokenView } from '../../src/inspect/token.js';
import { encodeInitialContextToken, InitialContextTokenSchema } from '../../src/protocol/gss/framing.js';
import { decodeGssChecksum, encodeKrb5MechToken, IakerbHeaderSchema, Krb5TokId } from '../../src/protocol/gss/krb5.js';
import { describePerMessageToken } from '../../src/protocol/gss/per-message.js';
import { decodeNegotiationToken, MechTypeList, NegHints, NegotiationTokenSchema } from '../../src/protocol/gss/spnego.js';
import { decodeGssToken } from '../../src/protocol/gss/token.js';
import { findAuthHeaders } from '../../src/protocol/http/auth-header.js';
import {
  AdCammac,
  AdKdcIssued,
  ApRep,
  ApReq,
  AsRep,
  AsReq,
  Authenticator,
  AuthorizationData,
  decodeAuthData,
  decodeAuthenticator,
  decodeEData,
  decodeEncTicketPart,
  decodeKrb5Message,
  decodePaData,
  EncApRepPart,
  EncKdcRepPart,
  EncKrbCredPart,
  EncKrbPrivPart,
  EncTicketPart,
  EtypeInfo,
  EtypeInfo2,
  encodeApReq,
  KdcProxyMessage,
  KerbAdRestrictionEntry,
  KerbErrorData,
  KerbPaPacRequest,
  KrbCred,
  KrbError,
  KrbFastArmoredReq,
  KrbFastReq,
  KrbFastResponse,
  KrbPriv,
  KrbSafe,
  MethodData,
  PaEncTsEnc,
  PaForUser,
  PaPacOptions,
  PaS4uX509User,
  PaSpake,
  TgsRep,
  TgsReq,
  Ticket,
} from '../../src/protocol/krb5/index.js';
import { decodeNtlmMessage } from '../../src/protocol/ntlm/messages.js';
import { decodeKerbValidationInfo, decodePac } from '../../src/protocol/pac/index.js';
import { renderItem } from '../../src/report/decode-text.js';
import { renderFindings } from '../../src/report/findings-text.js';
import { renderJson } from '../../src/report/json.js';
import { evaluate } from '../../src/rules/index.js';
import { type Asn1, decodeDer } from '../../src/wire/asn1.js';
import { isDecodeError } from '../../src/wire/errors.js';
import { DTYP_TARGETS } from './dtyp-targets.js';
import { GSS_ARCFOUR_TARGETS } from './gss-arcfour-targets.js';
import { perMessageSeeds } from './per-message-seeds.js';
import { type FuzzCorpus, KRB5_MECH, loadCorpus } from './seeds.js';
import { SMB2_TARGETS } from './smb2-targets.js';

/** How one input ended, when the decoder returned or threw its own error. Anything else is a crash. */
export type Outcome =
  | { kind: 'ok'; tags?: string[] }
  /** A result came back, with at least one recorded DecodeError (malformed inner part, bad record...). */
  | { kind: 'partial'; code: string; tags?: string[] }
  /** The decoder threw DecodeError. */
  | { kind: 'rejected'; code: string; tags?: string[] };

export interface FuzzTarget {
  name: string;
  /** The functions under test, for the report. */
  what: string;
  seeds(c: FuzzCorpus): Uint8Array[];
  /** Runs the decoder(s) on one input. Returns the classified outcome and the result (checked for bounded size). */
  run(input: Uint8Array): { outcome: Outcome; result?: unknown };
}

const ok = (result?: unknown, tags?: string[]) => ({ outcome: tags ? { kind: 'ok' as const, tags } : { kind: 'ok' as const }, result });
const partial = (code: string, result?: unknown, tags?: string[]) => ({
  outcome: { kind: 'partial' as const, code, ...(tags ? { tags } : {}) },
  result,
});

/** Runs `f`; a DecodeError becomes a 'rejected' outcome, anything else propagates (a crash). */
function decoding(f: () => { outcome: Outcome; result?: unknown }): { outcome: Outcome; result?: unknown } {
  try {
    return f();
  } catch (e) {
    if (isDecodeError(e)) return { outcome: { kind: 'rejected', code: e.code } };
    throw e;
  }
}

const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
};
const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);

// ---- the schema-driven DER decoder with every real schema ----

const SCHEMAS: [string, Asn1<unknown>][] = Object.entries({
  Ticket,
  EncTicketPart,
  AsReq,
  TgsReq,
  AsRep,
  TgsRep,
  EncKdcRepPart,
  ApReq,
  Authenticator,
  ApRep,
  EncApRepPart,
  KrbSafe,
  KrbPriv,
  EncKrbPrivPart,
  KrbCred,
  EncKrbCredPart,
  KrbError,
  MethodData,
  AuthorizationData,
  PaEncTsEnc,
  EtypeInfo,
  EtypeInfo2,
  KerbPaPacRequest,
  PaForUser,
  PaS4uX509User,
  PaPacOptions,
  KrbFastArmoredReq,
  KrbFastReq,
  KrbFastResponse,
  PaSpake,
  KerbErrorData,
  AdKdcIssued,
  AdCammac,
  KerbAdRestrictionEntry,
  KdcProxyMessage,
  IakerbHeaderSchema,
  InitialContextTokenSchema,
  NegotiationTokenSchema,
  NegHints,
  MechTypeList,
}) as [string, Asn1<unknown>][];

/** Tags a crash with the context the input ran in (the schema, the helper), for the report. */
function rethrow(e: unknown, context: string): never {
  if (e && typeof e === 'object') (e as { fuzzContext?: string }).fuzzContext = context;
  throw e;
}

// ---- PA-DATA / AD / e-data helpers: one byte selects the helper, four bytes the type, the rest is the value ----

/** [selector: 0 PA-DATA, 1 AuthorizationData entry, 2 e-data][type: int32 BE][value]. */
export function helperInput(sel: number, type: number, value: Uint8Array): Uint8Array {
  const b = new Uint8Array(5 + value.length);
  b[0] = sel;
  new DataView(b.buffer).setInt32(1, type);
  b.set(value, 5);
  return b;
}

// ---- the inspection pipeline ----

function pipeline(bytes: Uint8Array, c: FuzzCorpus): { outcome: Outcome; result?: unknown } {
  const ctx: InspectContext = { keys: c.keys, sessionKeys: [], options: {} };
  const { view, facts } = inspectToken(bytes, { label: 'fuzz', encoding: 'binary', bytes: bytes.length }, ctx);
  // What `kerbscope decode` does next: the rulebook and the three renderers.
  const findings = evaluate(facts);
  renderItem({ kind: 'token', ...view });
  renderJson({ view, findings });
  renderFindings(findings);
  const tags = viewTags(view);
  const first = view.decodeErrors[0];
  return first ? partial(first.code, view, tags) : ok(view, tags);
}

function viewTags(v: TokenView): string[] {
  const tags: string[] = [];
  const t = v.ticket as { decryption?: { status?: string } } | undefined;
  if (t?.decryption?.status) tags.push(`ticket:${t.decryption.status}`);
  const pac = v.pac as { error?: unknown; buffers?: unknown; logonInfo?: unknown } | undefined;
  if (pac) tags.push(pac.error ? 'pac:error' : pac.logonInfo ? 'pac:logon-info' : 'pac:decoded');
  const a = v.authenticator as { decryption?: string } | undefined;
  if (a?.decryption) tags.push(`authenticator:${a.decryption}`);
  return tags;
}

/** [selector][plaintext]: selector bit 0 = which plaintext was mutated (0 EncTicketPart, 1 Authenticator), bits 1.. = template. */
function reencrypt(input: Uint8Array, c: FuzzCorpus): Uint8Array {
  const sel = input[0] ?? 0;
  const tpl = c.templates[(sel >> 1) % c.templates.length];
  if (!tpl) return input;
  const plain = input.subarray(1);
  const ap = tpl.apReq;
  const ticketPlain = sel & 1 ? tpl.ticketPlain : plain;
  const authPlain = sel & 1 ? plain : tpl.authenticatorPlain;
  const apReq: ApReq = {
    ...ap,
    ticket: {
      ...ap.ticket,
      encPart: { ...ap.ticket.encPart, cipher: encrypt(tpl.ticketKey.enctype, tpl.ticketKey.key, KeyUsage.KDC_REP_TICKET, ticketPlain) },
    },
    authenticator: {
      ...ap.authenticator,
      cipher: encrypt(tpl.sessionKey.enctype, tpl.sessionKey.key, KeyUsage.AP_REQ_AUTHENTICATOR, authPlain),
    },
  };
  return encodeInitialContextToken({
    thisMech: KRB5_MECH,
    innerToken: encodeKrb5MechToken({ tokId: Krb5TokId.KRB_AP_REQ, body: encodeApReq(apReq) }),
  });
}

let corpus: FuzzCorpus | undefined;
const C = (): FuzzCorpus => {
  corpus ??= loadCorpus();
  return corpus;
};

export const TARGETS: readonly FuzzTarget[] = [
  {
    name: 'der-schemas',
    what: `wire/asn1 decodeDer with ${SCHEMAS.length} real schemas (every RFC 4120 message, PA/AD types, FAST, SPNEGO, GSS framing)`,
    seeds: (c) => [...c.asn, ...c.krb5, ...c.spnego, ...c.edata],
    run(input) {
      let decoded = 0;
      let code: string | undefined;
      for (const [name, s] of SCHEMAS) {
        try {
          decodeDer(s, input);
          decoded++;
        } catch (e) {
          if (!isDecodeError(e)) rethrow(e, `schema ${name}`);
          if (e.code !== 'ERR_BAD_TAG' || code === undefined) code = e.code;
        }
      }
      return decoded > 0 ? ok(undefined, [`schemas-decoded:${decoded}`]) : { outcome: { kind: 'rejected', code: code ?? 'ERR_BAD_TAG' } };
    },
  },
  {
    name: 'krb5-message',
    what: 'protocol/krb5 decodeKrb5Message (every [APPLICATION n] message and encrypted part)',
    seeds: (c) => [...c.krb5, ...c.encTicketParts, ...c.authenticators],
    run: (input) => decoding(() => ok(decodeKrb5Message(input))),
  },
  {
    name: 'krb5-encparts',
    what: 'protocol/krb5 decodeEncTicketPart / decodeAuthenticator (first byte selects; decrypted real plaintexts as seeds)',
    seeds: (c) => [...c.encTicketParts.map((b) => Uint8Array.of(0, ...b)), ...c.authenticators.map((b) => Uint8Array.of(1, ...b))],
    run: (input) =>
      decoding(() => {
        const body = input.subarray(1);
        return ok((input[0] ?? 0) & 1 ? decodeAuthenticator(body) : decodeEncTicketPart(body));
      }),
  },
  {
    name: 'krb5-helpers',
    what: 'protocol/krb5 decodePaData / decodeAuthData / decodeEData (documented never to throw)',
    seeds: (c) => [
      ...c.padata.map((p) => helperInput(0, p.type, p.value)),
      ...c.authdata.map((a) => helperInput(1, a.type, a.value)),
      ...c.edata.map((e) => helperInput(2, 0, e)),
    ],
    run(input) {
      const sel = (input[0] ?? 0) % 3;
      const type = input.length >= 5 ? new DataView(input.buffer, input.byteOffset + 1, 4).getInt32(0) : 0;
      const value = input.subarray(Math.min(5, input.length));
      try {
        if (sel === 0) {
          const r = decodePaData({ padataType: type, padataValue: value });
          return r.kind === 'error' ? partial(r.error.code, r, [`pa:${r.kind}`]) : ok(r, [`pa:${r.kind}`]);
        }
        if (sel === 1) {
          const r = decodeAuthData({ adType: type, adData: value });
          return r.kind === 'error' ? partial(r.error.code, r, [`ad:${r.kind}`]) : ok(r, [`ad:${r.kind}`]);
        }
        const r = decodeEData(value);
        const err = 'error' in r ? r.error : undefined;
        return err ? partial(err.code, r, [`edata:${r.kind}`]) : ok(r, [`edata:${r.kind}`]);
      } catch (e) {
        rethrow(e, ['decodePaData', 'decodeAuthData', 'decodeEData'][sel] as string);
      }
    },
  },
  {
    name: 'gss-token',
    what: 'protocol/gss decodeGssToken (framing → SPNEGO → krb5 / NTLMSSP / NegoEx)',
    seeds: (c) => [...c.tokens, ...c.spnego, ...c.ntlm],
    run: (input) =>
      decoding(() => {
        const g = decodeGssToken(input);
        return g.error ? partial(g.error.code, g, [`mech:${g.mechanism}`]) : ok(g, [`mech:${g.mechanism}`]);
      }),
  },
  {
    name: 'per-message',
    what: 'protocol/gss describePerMessageToken (RFC 4121 MIC/Wrap, RFC 1964/4757 RC4; unwrap with real and fixed keys)',
    seeds: () => perMessageSeeds().tokens,
    run: (input) =>
      decoding(() => {
        const d = describePerMessageToken(input, perMessageSeeds().keys);
        return ok(d, [`kind:${d.kind}`, `unwrap:${d.decryption.status}`]);
      }),
  },
  {
    name: 'spnego',
    what: 'protocol/gss decodeNegotiationToken (NegTokenInit / NegTokenResp)',
    seeds: (c) => [...c.spnego],
    run: (input) => decoding(() => ok(decodeNegotiationToken(input))),
  },
  {
    name: 'gss-checksum',
    what: 'protocol/gss decodeGssChecksum (RFC 4121 authenticator checksum, delegation)',
    seeds: (c) => [...c.gssChecksums],
    run: (input) => decoding(() => ok(decodeGssChecksum(input))),
  },
  {
    name: 'ntlm',
    what: 'protocol/ntlm decodeNtlmMessage (NEGOTIATE / CHALLENGE / AUTHENTICATE, AV pairs, NTLMv2 response)',
    seeds: (c) => [...c.ntlm],
    run: (input) =>
      decoding(() => {
        const m = decodeNtlmMessage(input);
        const err = m.messageType === 3 ? m.ntlmv2Response?.clientChallengeError : undefined;
        return err ? partial(err.code, m) : ok(m, [`type:${m.messageType}`]);
      }),
  },
  {
    name: 'pac',
    what: 'protocol/pac decodePac (every buffer type through its NDR)',
    seeds: (c) => [...c.pacs],
    run: (input) =>
      decoding(() => {
        const p = decodePac(input);
        return p.errors[0] ? partial(p.errors[0].code, p) : ok(p);
      }),
  },
  {
    name: 'kerb-validation-info',
    what: 'protocol/pac decodeKerbValidationInfo (LOGON_INFO NDR)',
    seeds: (c) => [...c.logonInfos],
    run: (input) => decoding(() => ok(decodeKerbValidationInfo(input))),
  },
  {
    name: 'keytab',
    what: 'formats decodeKeytab',
    seeds: (c) => [...c.keytabs],
    run: (input) =>
      decoding(() => {
        const k = decodeKeytab(input);
        return k.errors[0] ? partial(k.errors[0].error.code, k) : ok(k);
      }),
  },
  {
    name: 'ccache',
    what: 'formats decodeCcache',
    seeds: (c) => [...c.ccaches],
    run: (input) =>
      decoding(() => {
        const k = decodeCcache(input);
        return k.errors[0] ? partial(k.errors[0].error.code, k) : ok(k);
      }),
  },
  {
    name: 'kirbi',
    what: 'formats decodeKirbi',
    seeds: (c) => [...c.kirbis],
    run: (input) =>
      decoding(() => {
        const k = decodeKirbi(input);
        return k.errors[0] ? partial(k.errors[0].error.code, k) : ok(k);
      }),
  },
  {
    name: 'detect',
    what: 'formats detect (documented never to throw)',
    seeds: (c) => [...c.keytabs, ...c.ccaches, ...c.kirbis, ...c.tokens, ...c.krb5, ...c.texts.map(bytesOf)],
    run(input) {
      const d = detect(input);
      return ok(d, [`kind:${d.kind}`]);
    },
  },
  {
    name: 'klist',
    what: 'formats parseKlist / parseKlistKeytab on the input as Latin-1 text (never throw)',
    seeds: (c) => c.texts.map(bytesOf),
    run(input) {
      const s = latin1(input);
      return ok([parseKlist(s), parseKlistKeytab(s)]);
    },
  },
  {
    name: 'auth-header',
    what: 'protocol/http findAuthHeaders on the input as Latin-1 text (never throws)',
    seeds: (c) => c.texts.map(bytesOf),
    run(input) {
      const h = findAuthHeaders(latin1(input));
      return ok(h, [`headers:${Math.min(h.length, 3)}`]);
    },
  },
  {
    name: 'inspect-token',
    what: 'inspect inspectToken with real keys (keytabs + Kerberos.NET keys) → rules → text/JSON renderers',
    seeds: (c) => [...c.tokens],
    run: (input) => pipeline(input, C()),
  },
  {
    name: 'inspect-reencrypted',
    what: 'inspectToken on AP-REQs whose mutated EncTicketPart / Authenticator plaintext is re-encrypted with the real key (reaches PAC, NDR, signatures)',
    seeds: (c) =>
      c.templates.flatMap((t, i) => [Uint8Array.of(i << 1, ...t.ticketPlain), Uint8Array.of((i << 1) | 1, ...t.authenticatorPlain)]),
    run: (input) => pipeline(reencrypt(input, C()), C()),
  },
  {
    name: 'inspect-evidence',
    what: 'inspect inspectEvidence: content detection → keytab/ccache/kirbi/DER/header-text decoders → views',
    seeds: (c) => [...c.keytabs, ...c.ccaches, ...c.kirbis, ...c.krb5.slice(0, 16), ...c.texts.map(bytesOf)],
    run(input) {
      const r = inspectEvidence([{ label: 'fuzz', bytes: input }], C().keys);
      evaluate(r.facts);
      for (const it of r.items) renderItem(it);
      renderJson(r);
      return r.unusable.length
        ? partial('UNUSABLE', r, [`items:${Math.min(r.items.length, 3)}`])
        : ok(r, [`items:${Math.min(r.items.length, 3)}`]);
    },
  },
  // the SMB2 codec (the isolation step's client), registered from its own file
  ...SMB2_TARGETS,
  ...DTYP_TARGETS,
  ...GSS_ARCFOUR_TARGETS,
];

export function targetByName(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}
