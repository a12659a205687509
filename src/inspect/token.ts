/**
 * A token, peeled and (when keys are given) opened: the view `kerbscope decode` prints, plus the facts it observed.
 * Pure: bytes and keys in, a view and facts out.
 */
import { enctypeName } from '../crypto/index.js';
import { decodeErrorFact, type Fact, type Where } from '../facts/fact.js';
import { krbErrorFact } from '../facts/krb-error.js';
import { MASKED } from '../formats/common.js';
import { gssChecksumFlagNames } from '../protocol/gss/krb5.js';
import { mechName } from '../protocol/gss/oids.js';
import { describePerMessageToken, type PerMessageDescription } from '../protocol/gss/per-message.js';
import { decodeGssToken, type GssLayer, type GssTokenResult } from '../protocol/gss/token.js';
import {
  AP_OPTIONS,
  type ApReq,
  decodeKrb5Message,
  describeKrbError,
  formatTicketFlags,
  KDC_OPTIONS,
  type KdcRep,
  type KdcReq,
  type Krb5Message,
  type KrbError,
  krbErrorInfo,
  paDataTypeName,
  renderFlags,
} from '../protocol/krb5/index.js';
import type { AvPair } from '../protocol/ntlm/avpairs.js';
import type { NtlmMessage } from '../protocol/ntlm/messages.js';
import { estimateTokenSize, pacSids } from '../protocol/pac/index.js';
import { toHex } from '../wire/encoding.js';
import { DecodeError } from '../wire/errors.js';
import type { KeySet } from './keys.js';
import type {
  ApRepView,
  AuthenticatorView,
  AvPairView,
  ErrorView,
  InputInfo,
  KdcRepView,
  KdcReqView,
  KrbErrorView,
  LayerView,
  NtlmView,
  PacView,
  PerMessageView,
  SpnegoView,
  TicketView,
  TokenView,
} from './model.js';
import { decryptApRep, decryptAsRep, decryptAuthenticator, decryptTicket, inspectPac, ticketDecryptFact } from './ticket.js';
import { hexFlags, iso, keyView, type ViewOptions } from './view.js';

/** Session keys learnt from decrypted AP-REQs, so a later AP-REP in the same input can be opened. */
export interface InspectContext {
  keys: KeySet;
  sessionKeys: { enctype: number; key: Uint8Array }[];
  options: ViewOptions;
}

export type { ErrorView, InputInfo, TokenView } from './model.js';

function errView(e: DecodeError): ErrorView {
  const v: ErrorView = { code: e.code, message: e.message };
  if (e.field) v.field = e.field;
  if (e.offset !== undefined) v.offset = e.offset;
  return v;
}

function principal(n: { nameString: string[] } | undefined, realm?: string): string | undefined {
  if (!n) return undefined;
  return realm ? `${n.nameString.join('/')}@${realm}` : n.nameString.join('/');
}

function layerView(l: GssLayer): LayerView {
  const v: LayerView = { kind: l.kind, offset: l.offset, length: l.length };
  if (l.kind === 'gss-framing') v.mech = `${l.mechName} (${l.thisMech})`;
  if (l.kind === 'krb5') v.tokId = l.token.tokIdName ?? `0x${l.token.tokId.toString(16)}`;
  return v;
}

function spnegoView(g: GssTokenResult): SpnegoView | undefined {
  const t = g.spnego;
  if (!t) return undefined;
  if (t.type === 'negTokenInit') {
    const v = t.value;
    return {
      type: 'negTokenInit',
      form: v.form,
      mechTypes: (v.mechTypes ?? []).map((o) => ({ oid: o, name: mechName(o) })),
      hasMechToken: v.mechToken !== undefined,
      hasMechListMIC: v.mechListMIC !== undefined,
      ...(v.negHints ? { negHints: v.negHints } : {}),
    };
  }
  const v = t.value;
  return {
    type: 'negTokenResp',
    negState: v.negState,
    supportedMech: v.supportedMech ? { oid: v.supportedMech, name: mechName(v.supportedMech) } : undefined,
    hasResponseToken: v.responseToken !== undefined,
    hasMechListMIC: v.mechListMIC !== undefined,
  };
}

/** AV_PAIRs (MS-NLMP §2.2.2.1) as name → readable value. */
function avPairsView(pairs: readonly AvPair[] | undefined): AvPairView[] | undefined {
  return pairs
    ?.filter((p) => p.name !== 'MsvAvEOL')
    .map((p) => ({
      name: p.name ?? p.avId,
      value:
        p.text ??
        iso(p.timestamp) ??
        p.flagNames ??
        (p.channelBindings ? (p.channelBindings.none ? 'none' : toHex(p.channelBindings.hash)) : toHex(p.value)),
    }));
}

function ntlmView(m: NtlmMessage, o: ViewOptions): NtlmView {
  const base: NtlmView = {
    messageType: m.messageType,
    messageName: ['', 'NEGOTIATE', 'CHALLENGE', 'AUTHENTICATE'][m.messageType],
    negotiateFlags: hexFlags(m.negotiateFlags),
    flags: m.flagNames,
  };
  if (m.version) base.version = { ...m.version, reserved: undefined };
  if (m.messageType === 1) {
    if (m.domainName) base.domainName = m.domainName;
    if (m.workstation) base.workstation = m.workstation;
  } else if (m.messageType === 2) {
    base.targetName = m.targetName;
    base.serverChallenge = toHex(m.serverChallenge);
    base.targetInfo = avPairsView(m.targetInfo?.pairs);
  } else {
    base.ntlmVersion = m.ntlmVersion;
    base.userName = m.userName;
    base.domainName = m.domainName;
    base.workstation = m.workstation;
    base.anonymous = m.anonymous ?? false;
    base.lmResponseLength = m.lmChallengeResponse.length;
    base.lmResponseKind = m.lmResponseKind;
    base.ntResponseLength = m.ntChallengeResponse.length;
    base.hasMic = m.mic !== undefined;
    const cc = m.ntlmv2Response?.clientChallenge;
    if (cc) {
      base.clientTimestamp = iso(cc.timeStamp);
      base.clientAvPairs = avPairsView(cc.avPairs.pairs);
    }
    if (m.encryptedRandomSessionKey) base.encryptedRandomSessionKey = o.showSecrets ? toHex(m.encryptedRandomSessionKey.reveal()) : MASKED;
  }
  return base;
}

/** Inspects one token (what an Authorization / WWW-Authenticate header or a security blob carries). */
export function inspectToken(bytes: Uint8Array, input: InputInfo, ctx: InspectContext): { view: TokenView; facts: Fact[] } {
  const facts: Fact[] = [];
  const where: Where = { label: input.label };
  const view: TokenView = { input, mechanism: 'unknown', decodeErrors: [] };
  let g: GssTokenResult;
  try {
    g = decodeGssToken(bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    view.decodeErrors.push(errView(e));
    facts.push(decodeErrorFact(where, e));
    return { view, facts };
  }
  view.mechanism = g.mechanism;
  view.layers = g.layers.map(layerView);
  const sp = spnegoView(g);
  if (sp) view.spnego = sp;
  if (g.error) {
    view.decodeErrors.push(errView(g.error));
    facts.push(decodeErrorFact(where, g.error));
  }
  const viaNegotiate = g.layers.some((l) => l.kind === 'spnego' || l.kind === 'gss-framing') || /^negotiate$/i.test(input.scheme ?? '');
  for (const l of g.layers) {
    if (l.kind === 'ntlmssp') {
      Object.assign(view, {
        messageType: l.message.messageType,
        messageName: ['', 'NEGOTIATE', 'CHALLENGE', 'AUTHENTICATE'][l.message.messageType],
      });
      view.ntlm = ntlmView(l.message, ctx.options);
      const m = l.message;
      facts.push({
        kind: 'ntlm-message',
        where,
        messageType: m.messageType,
        viaNegotiate,
        ...(m.messageType === 3
          ? { ntlmVersion: m.ntlmVersion, user: m.userName, domain: m.domainName, workstation: m.workstation, anonymous: m.anonymous }
          : m.messageType === 1
            ? { domain: m.domainName, workstation: m.workstation }
            : {}),
      });
    }
    if (l.kind === 'negoex')
      view.negoex = { messages: l.messages.length, note: 'NegoEx (MS-NEGOEX) recognised; its inner mechanisms are not decoded' };
    if (l.kind === 'krb5') {
      view.gssTokId = l.token.tokIdName;
      if (l.token.tokIdName === 'WRAP' || l.token.tokIdName === 'MIC')
        view.perMessage = perMessageView(bytes.subarray(l.offset, l.offset + l.length), l.offset, ctx);
    }
    if (l.kind === 'krb5-message') inspectKrb5(l.decoded, bytes.length, input, where, view, facts, ctx);
  }
  return { view, facts };
}

/** Inspects a bare Kerberos message (raw DER from a file or a KDC exchange). */
export function inspectKrb5Bytes(bytes: Uint8Array, input: InputInfo, ctx: InspectContext): { view: TokenView; facts: Fact[] } {
  const facts: Fact[] = [];
  const where: Where = { label: input.label };
  const view: TokenView = { input, mechanism: 'kerberos', decodeErrors: [] };
  try {
    inspectKrb5(decodeKrb5Message(bytes), bytes.length, input, where, view, facts, ctx);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    view.decodeErrors.push(errView(e));
    facts.push(decodeErrorFact(where, e));
  }
  return { view, facts };
}

function inspectKrb5(
  m: Krb5Message,
  tokenBytes: number,
  input: InputInfo,
  where: Where,
  view: TokenView,
  facts: Fact[],
  ctx: InspectContext,
): void {
  view.messageType = m.msgType;
  view.messageName = m.name;
  switch (m.name) {
    case 'AP-REQ':
      inspectApReq(m.message, tokenBytes, input, where, view, facts, ctx);
      break;
    case 'AP-REP': {
      const enc = m.message.encPart;
      const ap: ApRepView = { enctype: enc.etype, enctypeName: enctypeName(enc.etype), encPartLength: enc.cipher.length, decrypted: '' };
      const part = decryptApRep(enc, ctx.sessionKeys);
      if (part) {
        ap.decrypted = {
          ctime: iso(part.ctime),
          cusec: part.cusec,
          seqNumber: part.seqNumber,
          ...(part.subkey ? { subkey: keyView(part.subkey, ctx.options) } : {}),
        };
        // the acceptor's subkey protects the Wrap/MIC tokens that follow (RFC 4121 §4.2.2 AcceptorSubkey)
        if (part.subkey) ctx.sessionKeys.push({ enctype: part.subkey.keytype, key: part.subkey.keyvalue });
      } else
        ap.decrypted = ctx.sessionKeys.length
          ? 'the session keys from the AP-REQ do not open it'
          : 'not decrypted (needs the AP-REQ of the same exchange and the service key)';
      view.apRep = ap;
      view.mutualAuthentication = true;
      break;
    }
    case 'KRB-ERROR':
      inspectKrbError(m.message, input, where, view, facts);
      break;
    case 'AS-REQ':
    case 'TGS-REQ':
      view.kdcRequest = kdcReqView(m.message);
      break;
    case 'AS-REP': {
      const rep = kdcRepView(m.message);
      if (!ctx.keys.empty) {
        const d = decryptAsRep(m.message, ctx.keys);
        rep.decryption = { status: d.status, detail: d.detail };
        facts.push({
          kind: 'reply-decrypt',
          where,
          status: d.status,
          detail: d.detail,
          client: `${m.message.cname.nameString.join('/')}@${m.message.crealm}`,
          enctype: m.message.encPart.etype,
        });
        const p = d.encPart?.value;
        if (p) {
          rep.decrypted = {
            sessionKey: keyView(p.key, ctx.options),
            flags: formatTicketFlags(p.flags),
            authtime: iso(p.authtime),
            starttime: iso(p.starttime),
            endtime: iso(p.endtime),
            renewTill: iso(p.renewTill),
            keyExpiration: iso(p.keyExpiration),
            server: `${p.sname.nameString.join('/')}@${p.srealm}`,
            nonce: p.nonce,
          };
        }
        if (ctx.keys.entries.length) {
          // the TGT needs the krbtgt key (a keytab); the user's password does not open it
          const t = decryptTicket(m.message.ticket, ctx.keys);
          const tv = rep.ticket;
          tv.decryption = { status: t.status, detail: t.detail };
          if (t.encPart)
            tv.decrypted = {
              client: principal(t.encPart.cname, t.encPart.crealm),
              sessionKey: keyView(t.encPart.key, ctx.options),
              authtime: iso(t.encPart.authtime),
              endtime: iso(t.encPart.endtime),
            };
        }
      }
      view.kdcReply = rep;
      break;
    }
    case 'TGS-REP':
      view.kdcReply = kdcRepView(m.message);
      break;
    case 'KRB-CRED':
      view.krbCred = {
        tickets: m.message.tickets.map((t) => ({
          realm: t.realm,
          sname: t.sname.nameString,
          enctype: t.encPart.etype,
          kvno: t.encPart.kvno,
        })),
        encPartEtype: m.message.encPart.etype,
      };
      break;
    default:
      view.note = `${m.name} decoded; kerbscope shows its type only`;
  }
}

function kdcReqView(r: KdcReq): KdcReqView {
  const b = r.reqBody;
  return {
    realm: b.realm,
    cname: b.cname?.nameString,
    sname: b.sname?.nameString,
    kdcOptions: renderFlags(b.kdcOptions, KDC_OPTIONS).names,
    etypes: b.etype.map((e) => ({ id: e, name: enctypeName(e) })),
    till: iso(b.till),
    padata: (r.padata ?? []).map((p) => ({ type: p.padataType, name: paDataTypeName(p.padataType), length: p.padataValue.length })),
  };
}

function kdcRepView(r: KdcRep): KdcRepView {
  return {
    crealm: r.crealm,
    cname: r.cname.nameString,
    ticket: {
      realm: r.ticket.realm,
      sname: r.ticket.sname.nameString,
      enctype: r.ticket.encPart.etype,
      enctypeName: enctypeName(r.ticket.encPart.etype),
      kvno: r.ticket.encPart.kvno,
    },
    encPart: { enctype: r.encPart.etype, enctypeName: enctypeName(r.encPart.etype), kvno: r.encPart.kvno },
    padata: (r.padata ?? []).map((p) => ({ type: p.padataType, name: paDataTypeName(p.padataType), length: p.padataValue.length })),
  };
}

function inspectKrbError(e: KrbError, input: InputInfo, where: Where, view: TokenView, facts: Fact[]): void {
  const d = describeKrbError(e);
  const info = krbErrorInfo(e.errorCode);
  const err: KrbErrorView = {
    code: e.errorCode,
    name: d.name,
    meaning: d.meaning,
    causes: d.causes,
    rfc: info.rfc,
    normal: d.normal,
    realm: e.realm,
    sname: e.sname.nameString,
    stime: iso(e.stime),
  };
  if (e.ctime) err.ctime = iso(e.ctime);
  if (e.cname) err.cname = e.cname.nameString;
  if (e.crealm) err.crealm = e.crealm;
  if (e.eText) err.eText = e.eText;
  if (d.ntStatus)
    err.ntStatus = {
      code: `0x${(d.ntStatus.status >>> 0).toString(16).padStart(8, '0')}`,
      name: d.ntStatus.statusName,
      meaning: d.ntStatus.statusMeaning,
    };
  if (d.eData) err.eData = summarizeEData(d.eData);
  view.error = err;
  // Inside an HTTP/SPNEGO token the error comes from the web server's acceptor, not from a KDC.
  const from = input.header ? 'service' : 'unknown';
  facts.push(krbErrorFact(where, e, from));
}

function summarizeEData(ed: unknown): unknown {
  const x = ed as { kind?: string };
  if (!x || typeof x !== 'object') return undefined;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    if ((v as unknown) instanceof Uint8Array) copy[k] = toHex(v as unknown as Uint8Array);
    else if (Array.isArray(v))
      copy[k] = v.map((i) =>
        i && typeof i === 'object' && 'padataType' in i ? { type: i.padataType, name: paDataTypeName(i.padataType) } : i,
      );
    else copy[k] = v;
  }
  return copy;
}

function inspectApReq(
  ap: ApReq,
  tokenBytes: number,
  input: InputInfo,
  where: Where,
  view: TokenView,
  facts: Fact[],
  ctx: InspectContext,
): void {
  const t = ap.ticket;
  const ticket: TicketView = {
    spn: principal(t.sname, t.realm) ?? '',
    realm: t.realm,
    sname: t.sname.nameString,
    snameType: t.sname.nameType,
    enctype: t.encPart.etype,
    enctypeName: enctypeName(t.encPart.etype),
    kvno: t.encPart.kvno,
    cipherLength: t.encPart.cipher.length,
  };
  view.apOptions = renderFlags(ap.apOptions, AP_OPTIONS).names;
  view.ticket = ticket;
  view.authenticator = { enctype: ap.authenticator.etype, enctypeName: enctypeName(ap.authenticator.etype), encrypted: true };
  view.tokenBytes = tokenBytes;
  facts.push({
    kind: 'ap-req',
    where,
    realm: t.realm,
    sname: t.sname.nameString,
    enctype: t.encPart.etype,
    kvno: t.encPart.kvno,
    tokenBytes,
    carrier: input.encoding === 'base64' ? 'http' : 'binary',
  });
  if (ctx.keys.empty) return;
  const dec = decryptTicket(t, ctx.keys);
  ticket.decryption = { status: dec.status, detail: dec.detail };
  facts.push(ticketDecryptFact(where, t, dec));
  const part = dec.encPart;
  if (!part) return;
  const flags = formatTicketFlags(part.flags);
  ticket.decrypted = {
    client: principal(part.cname, part.crealm),
    flags: flags,
    flagsHex: hexFlags(part.flags),
    sessionKey: keyView(part.key, ctx.options),
    authtime: iso(part.authtime),
    starttime: iso(part.starttime),
    endtime: iso(part.endtime),
    renewTill: iso(part.renewTill),
    transited: part.transited.contents.length ? toHex(part.transited.contents) : undefined,
    addresses: part.caddr?.length ?? 0,
  };
  ctx.sessionKeys.push({ enctype: part.key.keytype, key: part.key.keyvalue });
  const pac = inspectPac(part, dec.key, ctx.keys, t.realm);
  if (pac) {
    const pv: PacView = { size: pac.size };
    if (pac.error) {
      pv.error = errView(pac.error);
      view.decodeErrors.push(errView(pac.error));
    }
    const li = pac.pac?.logonInfo;
    if (pac.pac) {
      pv.buffers = pac.pac.buffers.map((b) => ({
        type: b.type,
        name: b.typeName,
        size: b.size,
        ...(b.error ? { error: b.error.message } : {}),
      }));
      if (pac.pac.upnDnsInfo)
        pv.upnDnsInfo = {
          upn: pac.pac.upnDnsInfo.upn,
          dnsDomainName: pac.pac.upnDnsInfo.dnsDomainName,
          samName: pac.pac.upnDnsInfo.samName,
          sid: pac.pac.upnDnsInfo.sid,
        };
      if (pac.pac.clientInfo)
        pv.clientInfo = {
          name: pac.pac.clientInfo.name,
          clientId: iso(pac.pac.clientInfo.clientId as unknown as Date) ?? String(pac.pac.clientInfo.clientId),
        };
      if (pac.signatures) pv.signatures = { server: pac.signatures.server.status, kdc: pac.signatures.kdc.status };
    }
    if (li) {
      const sids = pacSids(li);
      pv.logonInfo = {
        effectiveName: li.effectiveName,
        fullName: li.fullName,
        logonDomainName: li.logonDomainName,
        logonServer: li.logonServer,
        userId: li.userId,
        primaryGroupId: li.primaryGroupId,
        userSid: sids.userSid ?? undefined,
        groupCount: li.groupIds.length,
        groupRids: li.groupIds.map((g) => g.relativeId),
        extraSids: li.extraSids.map((s) => s.sid),
        resourceGroupCount: li.resourceGroupIds.length,
        userAccountControl: li.userAccountControl,
        logonTime: iso(li.logonTime ?? undefined),
        passwordLastSet: iso(li.passwordLastSet ?? undefined),
        passwordMustChange: iso(li.passwordMustChange ?? undefined),
      };
      const ts = estimateTokenSize(li, { tokenBytes });
      pv.tokenSize = ts;
      facts.push({
        kind: 'pac-size',
        where,
        user: li.effectiveName,
        domain: li.logonDomainName,
        groupsInDomain: ts.groupsInDomain,
        otherSids: ts.otherSids,
        estimate: ts.estimate,
        tokenBytes,
        headerBytes: ts.headerBytes,
      });
    }
    view.pac = pv;
  }
  const a = decryptAuthenticator(ap, part);
  const av: AuthenticatorView = { ...(view.authenticator as AuthenticatorView), decryption: a.status, detail: a.detail };
  if (a.authenticator) {
    const x = a.authenticator;
    av.client = principal(x.cname, x.crealm);
    av.ctime = iso(x.ctime);
    av.cusec = x.cusec;
    av.seqNumber = x.seqNumber;
    if (x.subkey) {
      av.subkey = keyView(x.subkey, ctx.options);
      ctx.sessionKeys.push({ enctype: x.subkey.keytype, key: x.subkey.keyvalue });
    }
    if (x.cksum) av.checksumType = x.cksum.cksumtype;
  }
  if (a.gssChecksum) {
    const c = a.gssChecksum;
    av.gss = {
      flags: gssChecksumFlagNames(c.flags),
      mutual: (c.flags & 2) !== 0,
      delegation: (c.flags & 1) !== 0 && c.deleg !== undefined,
      channelBindings: c.noChannelBindings ? 'none' : toHex(c.bnd),
      ...(c.deleg ? { forwardedTgtBytes: c.deleg.length } : {}),
    };
  }
  if (a.error) view.decodeErrors.push(errView(a.error));
  view.authenticator = av;
}

/**
 * An RFC 4121 Wrap/MIC token (LDAP SASL, DCE/RPC, SMB signing): its header fields, and what the session keys of the
 * same run (the AP-REQ's ticket session key and subkeys, the AP-REP's subkey) make of it. The unwrapped payload is
 * application data of the session: shown only with --show-secrets, otherwise its length.
 */
function perMessageView(bytes: Uint8Array, base: number, ctx: InspectContext): PerMessageView {
  let d: PerMessageDescription;
  try {
    d = describePerMessageToken(bytes, ctx.sessionKeys, { base });
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { error: e.message };
  }
  const v: PerMessageView = { kind: d.kind, spec: d.spec, tokId: d.tokId };
  if (d.flags)
    v.flags =
      [d.flags.sentByAcceptor && 'sent-by-acceptor', d.flags.sealed && 'sealed', d.flags.acceptorSubkey && 'acceptor-subkey']
        .filter(Boolean)
        .join(', ') || '(none)';
  if (d.sender) v.sender = d.sender;
  if (d.sequenceNumber !== undefined) v.sequenceNumber = d.sequenceNumber;
  if (d.ec !== undefined) v.ec = d.ec;
  if (d.rrc !== undefined) v.rrc = d.rrc;
  if (d.sgnAlg) v.sgnAlg = d.sgnAlg;
  if (d.sealAlg) v.sealAlg = d.sealAlg;
  v.dataLength = d.dataLength;
  if (d.checksumLength !== undefined) v.checksumLength = d.checksumLength;
  v.decryption = d.decryption.status + (d.decryption.notes.length ? ` (${d.decryption.notes.join('; ')})` : '');
  if (d.payload)
    v.payload = ctx.options.showSecrets ? toHex(d.payload) : `${MASKED} (${d.payload.length} bytes; --show-secrets prints them)`;
  return v;
}
