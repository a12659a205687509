/**
 * `kerbscope decode`'s engine: any evidence a user pastes or points at (header lines, base64, hex, raw DER, keytab,
 * ccache, kirbi) → one view per item + the facts observed. Pure: the CLI does the file and stdin reading.
 */
import { enctypeName } from '../crypto/index.js';
import { decodeErrorFact, type Fact } from '../facts/fact.js';
import { MASKED } from '../formats/common.js';
import {
  type Ccache,
  type CcacheCredential,
  decodeCcache,
  decodeKeytab,
  decodeKirbi,
  detect,
  type Keytab,
  klistFlagString,
  parseKlist,
  principalToString,
} from '../formats/index.js';
import { type AuthToken, findAuthHeaders } from '../protocol/http/auth-header.js';
import { decodeTicket, formatTicketFlags } from '../protocol/krb5/index.js';
import { fromBase64, fromHex, toHex } from '../wire/encoding.js';
import { DecodeError } from '../wire/errors.js';
import type { KeySet } from './keys.js';
import type { CcacheItem, CredentialView, ItemView, KeytabItem } from './model.js';
import { decryptTicket, ticketDecryptFact } from './ticket.js';
import { type InputInfo, type InspectContext, inspectKrb5Bytes, inspectToken, type TokenView } from './token.js';
import { iso, keyView, type ViewOptions } from './view.js';

export interface Evidence {
  /** "input 1", "file token.txt", "stdin". */
  label: string;
  /** Raw bytes (a file), or undefined when the evidence is text. */
  bytes?: Uint8Array;
  text?: string;
}

export type { ItemView } from './model.js';

export interface EvidenceResult {
  items: ItemView[];
  facts: Fact[];
  /** Evidence that was not usable at all (nothing decoded): one line each. */
  unusable: string[];
}

const MAX_TEXT_SCAN = 4 * 1024 * 1024;

function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = b[i] as number;
    if (c < 9 || (c > 13 && c < 32 && c !== 27) || c === 127) return false;
  }
  return true;
}

function bytesFromText(text: string): { bytes: Uint8Array; encoding: 'hex' | 'base64' } | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (/^(0x)?[0-9a-fA-F\s:]+$/.test(t)) {
    const h = fromHex(t);
    if (h?.length) return { bytes: h, encoding: 'hex' };
  }
  const b = fromBase64(t);
  if (b?.length) return { bytes: b, encoding: 'base64' };
  return undefined;
}

export function inspectEvidence(evidence: readonly Evidence[], keys: KeySet, options: ViewOptions = {}): EvidenceResult {
  const ctx: InspectContext = { keys, sessionKeys: [], options };
  const out: EvidenceResult = { items: [], facts: [], unusable: [] };
  for (const ev of evidence) {
    const before = out.items.length;
    if (ev.bytes && !looksLikeText(ev.bytes))
      inspectBinary(ev.bytes, { label: ev.label, encoding: 'binary', bytes: ev.bytes.length }, ctx, out);
    else {
      const text = ev.text ?? new TextDecoder().decode(ev.bytes?.subarray(0, MAX_TEXT_SCAN));
      inspectText(text, ev.label, ctx, out);
    }
    if (out.items.length === before && !out.unusable.some((u) => u.startsWith(ev.label)))
      out.unusable.push(`${ev.label}: nothing to decode`);
  }
  return out;
}

function inspectText(text: string, label: string, ctx: InspectContext, out: EvidenceResult): void {
  const headers = findAuthHeaders(text);
  if (headers.length) {
    headers.forEach((h, i) => {
      inspectHeader(h, headers.length > 1 ? `${label}, header ${i + 1}` : label, ctx, out);
    });
    return;
  }
  if (/^\s*(Ticket cache:|Credentials cache:|Current LogonId is|Cached Tickets:)/m.test(text)) {
    inspectKlist(text, label, out);
    return;
  }
  const dec = bytesFromText(text);
  if (!dec) {
    out.unusable.push(`${label}: not a header line, base64, hex or a known file format`);
    return;
  }
  inspectBinary(dec.bytes, { label, encoding: dec.encoding, bytes: dec.bytes.length }, ctx, out);
}

function inspectHeader(h: AuthToken, label: string, ctx: InspectContext, out: EvidenceResult): void {
  const l = `${label} (${h.header ? `${h.header}: ` : ''}${h.scheme})`;
  out.facts.push({ kind: 'auth-header', where: { label: l }, direction: h.direction, scheme: h.scheme, hasToken: h.token !== undefined });
  if (!h.tokenText) {
    out.items.push({
      kind: 'challenge',
      input: { label: l, header: h.header, scheme: h.scheme, direction: h.direction, encoding: 'base64', bytes: 0 },
      scheme: h.scheme,
      ...(Object.keys(h.params).length ? { params: h.params } : {}),
      note: h.direction === 'response' ? `the server offers ${h.scheme} authentication` : `${h.scheme} without a token`,
    });
    return;
  }
  const input: InputInfo = { label: l, encoding: 'base64', bytes: h.token?.length ?? 0, scheme: h.scheme };
  if (h.header) input.header = h.header;
  if (h.direction) input.direction = h.direction;
  if (!h.token) {
    out.unusable.push(`${l}: the token is not valid base64`);
    out.facts.push({ kind: 'decode-error', where: { label: l }, code: 'ERR_BAD_VALUE', message: 'the token is not valid base64' });
    return;
  }
  if (/^basic$/i.test(h.scheme)) {
    out.items.push({ kind: 'basic', input, note: 'Basic credentials (user:password in base64) — not shown' });
    return;
  }
  const r = inspectToken(h.token, input, ctx);
  pushToken(r, out);
}

function pushToken(r: { view: TokenView; facts: Fact[] }, out: EvidenceResult): void {
  out.items.push({ kind: 'token', ...r.view });
  out.facts.push(...r.facts);
}

function inspectBinary(bytes: Uint8Array, input: InputInfo, ctx: InspectContext, out: EvidenceResult): void {
  const d = detect(bytes);
  const where = { label: input.label };
  const fail = (e: unknown) => {
    if (!(e instanceof DecodeError)) throw e;
    out.unusable.push(`${input.label}: ${e.message}`);
    out.facts.push(decodeErrorFact(where, e));
  };
  switch (d.kind) {
    case 'keytab':
      try {
        out.items.push(keytabView(decodeKeytab(bytes), input, out.facts, ctx.options));
      } catch (e) {
        fail(e);
      }
      return;
    case 'ccache':
      try {
        out.items.push(ccacheView(decodeCcache(bytes), input, ctx, out.facts));
      } catch (e) {
        fail(e);
      }
      return;
    case 'kirbi':
      try {
        const k = decodeKirbi(bytes);
        const v = credentialsView(k.credentials, ctx, out.facts, input.label);
        out.items.push({
          kind: 'kirbi',
          input,
          mechanism: 'kirbi',
          credentials: v,
          errors: k.errors.map((e) => ({ offset: e.offset, message: e.error.message })),
        });
      } catch (e) {
        fail(e);
      }
      return;
    case 'krb5': {
      const start = d.start ?? 0;
      const r = inspectKrb5Bytes(bytes.subarray(start), input, ctx);
      pushToken(r, out);
      return;
    }
    case 'pcap':
    case 'pcapng':
    case 'evtx':
      out.unusable.push(
        `${input.label}: a ${d.kind} file — decode explains tokens and Kerberos files; captures and event logs are not read by this command yet`,
      );
      return;
    default: {
      const r = inspectToken(bytes, input, ctx);
      if (r.view.mechanism === 'unknown' && !r.view.layers) {
        const e = r.view.decodeErrors[0];
        out.unusable.push(`${input.label}: not a Kerberos, SPNEGO, NTLM token or Kerberos file${e ? ` (${e.message})` : ''}`);
        out.facts.push(...r.facts);
        return;
      }
      pushToken(r, out);
    }
  }
}

function keytabView(kt: Keytab, input: InputInfo, facts: Fact[], options: ViewOptions): KeytabItem {
  for (const e of kt.errors) facts.push(decodeErrorFact({ label: input.label, offset: e.offset }, e.error));
  return {
    kind: 'keytab',
    input,
    mechanism: 'keytab',
    version: kt.version,
    entries: kt.entries.map((e) => ({
      principal: principalToString(e.principal),
      kvno: e.kvno,
      enctype: e.enctype,
      enctypeName: enctypeName(e.enctype),
      timestamp: iso(e.timestamp),
      key: options.showSecrets ? toHex(e.key) : MASKED,
    })),
    errors: kt.errors.map((e) => ({ offset: e.offset, message: e.error.message })),
  };
}

function credentialsView(creds: readonly CcacheCredential[], ctx: InspectContext, facts: Fact[], label: string): CredentialView[] {
  return creds.map((c, i) => {
    if (c.kind === 'config')
      return { kind: 'config', key: c.config?.key, principal: c.config?.principal, value: c.config?.text ?? toHex(c.ticket) };
    const v: Extract<CredentialView, { kind: 'ticket' }> = {
      kind: 'ticket',
      client: principalToString(c.client),
      server: principalToString(c.server),
      sessionKey: keyView({ keytype: c.key.enctype, keyvalue: c.key.value }, ctx.options),
      authtime: iso(c.authtime),
      starttime: iso(c.starttime),
      endtime: iso(c.endtime),
      renewTill: iso(c.renewTill),
      flags: formatTicketFlags(c.ticketFlags),
      klistFlags: klistFlagString(c.ticketFlags),
    };
    try {
      const t = decodeTicket(c.ticket);
      v.ticket = {
        realm: t.realm,
        sname: t.sname.nameString,
        enctype: t.encPart.etype,
        enctypeName: enctypeName(t.encPart.etype),
        kvno: t.encPart.kvno,
      };
      if (!ctx.keys.empty) {
        const dec = decryptTicket(t, ctx.keys);
        v.decryption = { status: dec.status, detail: dec.detail };
        facts.push(ticketDecryptFact({ label: `${label}, credential ${i + 1}` }, t, dec));
        if (dec.encPart)
          v.decrypted = {
            client: `${dec.encPart.cname.nameString.join('/')}@${dec.encPart.crealm}`,
            flags: formatTicketFlags(dec.encPart.flags),
            authtime: iso(dec.encPart.authtime),
            endtime: iso(dec.encPart.endtime),
          };
      }
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      v.ticketError = e.message;
    }
    return v;
  });
}

function ccacheView(cc: Ccache, input: InputInfo, ctx: InspectContext, facts: Fact[]): CcacheItem {
  for (const e of cc.errors) facts.push(decodeErrorFact({ label: input.label, offset: e.offset }, e.error));
  return {
    kind: 'ccache',
    input,
    mechanism: 'ccache',
    version: cc.version,
    defaultPrincipal: cc.defaultPrincipal ? principalToString(cc.defaultPrincipal) : undefined,
    ...(cc.kdcTimeOffset ? { kdcTimeOffset: cc.kdcTimeOffset } : {}),
    credentials: credentialsView(cc.credentials, ctx, facts, input.label),
    errors: cc.errors.map((e) => ({ offset: e.offset, message: e.error.message })),
  };
}

/** `klist` output (MIT `klist -e -f`, Windows `klist`): the tickets a client holds, as facts the rules can read. */
function inspectKlist(text: string, label: string, out: EvidenceResult): void {
  const k = parseKlist(text);
  const creds = k.credentials.map((c, i) => {
    const server = principalToString(c.server);
    out.facts.push({
      kind: 'cached-ticket',
      where: { label: `${label}, ticket ${i + 1}` },
      client: c.client ? principalToString(c.client) : undefined,
      server,
      sname: c.server.components,
      realm: c.server.realm,
      ticketEnctype: c.ticketEnctype,
      sessionKeyEnctype: c.sessionKeyEnctype,
      flags: c.ticketFlags,
      endtime: c.endtime,
    });
    const view: CredentialView = {
      kind: 'ticket',
      client: c.client ? principalToString(c.client) : undefined,
      server,
      sessionKey:
        c.sessionKeyEnctype !== undefined ? { enctype: c.sessionKeyEnctype, enctypeName: enctypeName(c.sessionKeyEnctype) } : undefined,
      ticket: c.ticketEnctype !== undefined ? { enctype: c.ticketEnctype, enctypeName: enctypeName(c.ticketEnctype) } : undefined,
      starttime: iso(c.starttime),
      endtime: iso(c.endtime),
      renewTill: iso(c.renewTill),
      flags: c.ticketFlags !== undefined ? formatTicketFlags(c.ticketFlags) : undefined,
      klistFlags: c.flagLetters,
    };
    return view;
  });
  out.items.push({
    kind: 'klist',
    input: { label, encoding: 'text', bytes: text.length },
    mechanism: 'klist',
    source: k.source,
    defaultPrincipal: k.defaultPrincipal ? principalToString(k.defaultPrincipal) : undefined,
    credentials: creds,
    note: 'times are as printed (the local time of the machine that ran klist)',
  });
}
