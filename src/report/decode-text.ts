/**
 * `kerbscope decode` as a readable tree: what a human needs first (mechanism, client/realm, SPN, enctype, kvno,
 * flags, times, NTLM version and names), details after. Rendering only: every decision was made upstream.
 *
 * It reads the typed JSON model (src/inspect/model.ts), so the text shows what the JSON shows: every JSON field is
 * either printed here or listed in `TEXT_OMITS` with the reason (test/report/decode-parity.test.ts holds us to it).
 * Every value goes through `escapeText` (in `Tree`): evidence cannot colour the terminal or start a line.
 */
import type {
  AuthenticatorView,
  AvPairView,
  CredentialView,
  DecryptionView,
  FileErrorView,
  InputInfo,
  ItemView,
  KdcRepView,
  KdcReqView,
  KeyView,
  KrbErrorView,
  NtlmView,
  PacView,
  PerMessageView,
  TicketView,
  TokenView,
} from '../inspect/model.js';
import { escapeText } from './escape.js';

const NTLM_RESPONSE: Record<string, string> = {
  ntlmv2: 'NTLMv2 response',
  ntlmv1: 'NTLMv1 response (weak: crackable, no server binding)',
  'ntlmv1-ess': 'NTLMv1 response with extended session security (NTLM2; still NTLMv1)',
  anonymous: 'anonymous (empty responses)',
  unknown: 'response of an unknown kind',
};

/**
 * JSON fields the text leaves out on purpose (path patterns: `*` one segment, `[]` any array index).
 * Everything else an item has in JSON must appear in the text.
 */
export const TEXT_OMITS: Record<string, string> = {
  'ntlm.ntlmVersion': 'shown in words ("NTLMv2 response")',
  'input.header': 'shown inside input.label',
  'input.scheme': 'shown inside input.label',
  'input.direction': 'shown as client → server / server → client',
  'input.encoding': 'shown as "after base64/hex"',
  'layers[].offset': 'byte layout for tools; the text names the layers',
  'layers[].length': 'byte layout for tools; the text names the layers',
  'layers[].mech': 'the mechanism line names it',
  'layers[].tokId': 'shown as gssTokId',
  'spnego.type': 'shown as NegTokenInit / NegTokenResp',
  'spnego.form': 'shown as NegTokenInit / NegTokenInit2',
  'spnego.mechTypes[].oid': 'the mechanism names are shown',
  'spnego.supportedMech.oid': 'the mechanism name is shown',
  'spnego.hasMechToken': 'the token itself is decoded below',
  'spnego.hasResponseToken': 'the token itself is decoded below',
  'spnego.hasMechListMIC': 'shown as ", mechListMIC" when true',
  mechanism: 'shown on the Mechanism line (file kinds: in the item title)',
  'ticket.realm': 'part of the SPN shown',
  'ticket.sname': 'part of the SPN shown',
  'ticket.sname[]': 'part of the SPN shown',
  'ticket.snameType': 'name type number; tools only',
  'ticket.decrypted.flagsHex': 'the flags line shows the hex value',
  'ticket.decrypted.sessionKey.enctype': 'shown by name',
  'ticket.decrypted.sessionKey.length': 'implied by the enctype',
  'authenticator.enctype': 'shown by name',
  'authenticator.encrypted': 'always true; the decryption status is shown',
  'authenticator.subkey.enctype': 'shown by name',
  'authenticator.subkey.length': 'implied by the enctype',
  'authenticator.checksumType': 'the GSS checksum fields are shown',
  'authenticator.decryption': 'shown only when it failed (with its detail)',
  'authenticator.detail': 'shown only when it failed',
  'pac.buffers[].type': 'the buffer names are shown',
  'pac.buffers[].size': 'the PAC size is shown',
  'pac.logonInfo.userId': 'part of the user SID shown',
  'pac.logonInfo.primaryGroupId': 'tools only',
  'pac.logonInfo.groupRids': 'the count is shown; the list is in JSON',
  'pac.logonInfo.groupRids[]': 'the count is shown; the list is in JSON',
  'pac.logonInfo.extraSids': 'the count is shown; the list is in JSON',
  'pac.logonInfo.extraSids[]': 'the count is shown; the list is in JSON',
  'pac.logonInfo.userAccountControl': 'tools only',
  'pac.logonInfo.logonTime': 'the ticket times are shown',
  'pac.logonInfo.passwordLastSet': 'tools only',
  'pac.logonInfo.passwordMustChange': 'tools only',
  'pac.tokenSize.*': 'the estimate and header size are shown',
  'pac.clientInfo.clientId': 'equals the auth time',
  'pac.upnDnsInfo.samName': 'the user line shows the account',
  'pac.upnDnsInfo.sid': 'the user line shows the SID',
  'apRep.encPartLength': 'tools only',
  'apRep.enctype': 'shown by name',
  'apRep.decrypted.cusec': 'sub-second part of the time shown',
  'apRep.decrypted.subkey.*': 'keys: enctype shown in JSON only',
  mutualAuthentication: 'shown as the AP-REP line',
  'error.causes': 'the rulebook turns these into findings below',
  'error.causes[]': 'the rulebook turns these into findings below',
  'error.rfc': 'tools only',
  'error.normal': 'the findings say whether it is a failure',
  'error.eData.*': 'its NTSTATUS is shown',
  'error.eData': 'its NTSTATUS is shown',
  'ntlm.messageType': 'shown in the NTLM line',
  'ntlm.negotiateFlags': 'the flag names are shown',
  'ntlm.version.*': 'shown as OS version',
  'ntlm.serverChallenge': 'a nonce; tools only',
  'ntlm.anonymous': 'an anonymous AUTHENTICATE shows an empty user',
  'ntlm.lmResponseLength': 'tools only',
  'ntlm.lmResponseKind': 'tools only',
  'ntlm.ntResponseLength': 'tools only',
  'ntlm.hasMic': 'tools only',
  'ntlm.clientTimestamp': 'shown among the client AV pairs',
  'kdcRequest.etypes[].id': 'shown in brackets after the name',
  'kdcRequest.padata[].type': 'the names are shown',
  'kdcRequest.padata[].length': 'tools only',
  'kdcReply.ticket.realm': 'part of the ticket line',
  'kdcReply.ticket.sname[]': 'part of the ticket line',
  'kdcReply.encPart.enctype': 'shown by name',
  'kdcReply.encPart.kvno': 'tools only',
  'kdcReply.padata[].type': 'the names are shown',
  'kdcReply.padata[].length': 'tools only',
  'kdcReply.decrypted.sessionKey.enctype': 'shown by name',
  'kdcReply.decrypted.sessionKey.length': 'implied by the enctype',
  'kdcReply.ticket.decrypted.sessionKey.enctype': 'shown by name',
  'kdcReply.ticket.decrypted.sessionKey.length': 'implied by the enctype',
  'kdcReply.decrypted.nonce': 'tools only',
  'krbCred.tickets[].sname[]': 'part of the ticket line',
  tokenBytes: 'shown as the input size',
  'credentials[].sessionKey.enctype': 'shown by name',
  'credentials[].sessionKey.length': 'implied by the enctype',
  'credentials[].ticket.enctype': 'shown in brackets after the name',
  'credentials[].ticket.realm': 'part of the server principal',
  'credentials[].ticket.sname[]': 'part of the server principal',
  'credentials[].authtime': 'shown when there is no start time',
  'credentials[].kind': 'config entries are marked "config"',
  'entries[].enctype': 'shown in brackets after the name',
  version: 'shown in the title',
  note: 'shown as Note',
  kind: 'the item title says it',
  decodeErrors: 'shown as Decode error lines',
  'decodeErrors[].code': 'stable code for scripts',
  'decodeErrors[].field': 'included in the message',
  'decodeErrors[].offset': 'included in the message',
  'errors[].offset': 'shown after the message',
  'pac.error.code': 'stable code for scripts',
  'pac.error.field': 'included in the message',
  'pac.error.offset': 'included in the message',
};

/** Indented label/value rows; every value and line is escaped here, the one place text leaves this renderer. */
class Tree {
  lines: string[] = [];
  row(indent: number, label: string, value: unknown): void {
    if (value === undefined || value === null || value === '') return;
    const v = Array.isArray(value) ? value.map((x) => str(x)).join(', ') : str(value);
    this.lines.push(`${' '.repeat(indent)}${escapeText(label).padEnd(Math.max(16 - indent + 2, label.length + 1))}${escapeText(v)}`);
  }
  text(indent: number, t: string): void {
    this.lines.push(`${' '.repeat(indent)}${escapeText(t)}`);
  }
}

function str(x: unknown): string {
  if (x === undefined || x === null) return '';
  if (typeof x === 'object') return JSON.stringify(x);
  return String(x);
}

const s = (x: unknown): string => (x === undefined || x === null ? '' : String(x));
const spn = (sname: readonly string[] | undefined, realm?: string): string =>
  sname ? `${sname.join('/')}${realm ? `@${realm}` : ''}` : '';

function inputLine(i: InputInfo): string {
  const parts = [i.label];
  if (i.direction) parts.push(i.direction === 'request' ? 'client → server' : 'server → client');
  if (i.bytes)
    parts.push(
      `${i.bytes} bytes${i.encoding === 'base64' || i.encoding === 'hex' ? ` after ${i.encoding}` : i.encoding === 'text' ? ' of text' : ''}`,
    );
  return parts.join(' · ');
}

export function renderItem(item: ItemView): string {
  const t = new Tree();
  t.text(0, inputLine(item.input));
  switch (item.kind) {
    case 'token':
      renderToken(item, t);
      break;
    case 'challenge':
      t.row(2, 'Challenge', item.note);
      if (item.params) t.row(2, 'Parameters', item.params);
      break;
    case 'basic':
      t.row(2, 'Scheme', 'Basic');
      t.row(2, 'Note', item.note);
      break;
    case 'keytab':
      t.row(2, 'Keytab', `version ${item.version === 0x0502 || item.version === 2 ? 2 : item.version}, ${item.entries.length} entries`);
      for (const e of item.entries)
        t.text(4, `${e.principal}  kvno ${e.kvno}  ${e.enctypeName} (${e.enctype})  ${s(e.timestamp)}  key ${e.key}`);
      renderFileErrors(item.errors, t);
      break;
    case 'klist':
      t.row(
        2,
        'klist output',
        `${item.source}${item.defaultPrincipal ? `, default principal ${item.defaultPrincipal}` : ''}; ${item.note}`,
      );
      for (const c of item.credentials) renderCredential(c, t);
      break;
    case 'ccache':
      t.row(
        2,
        'Credential cache',
        `version ${item.version}, default principal ${s(item.defaultPrincipal)}${item.kdcTimeOffset ? `, KDC time offset ${str(item.kdcTimeOffset)}` : ''}`,
      );
      for (const c of item.credentials) renderCredential(c, t);
      renderFileErrors(item.errors, t);
      break;
    case 'kirbi':
      t.row(2, 'KRB-CRED (.kirbi)', `${item.credentials.length} credentials`);
      for (const c of item.credentials) renderCredential(c, t);
      renderFileErrors(item.errors, t);
      break;
  }
  return `${t.lines.join('\n')}\n`;
}

function renderFileErrors(errors: readonly FileErrorView[], t: Tree): void {
  for (const e of errors) t.row(2, 'Error', `${e.message} (offset ${e.offset})`);
}

function keyText(k: KeyView | { enctype: number; enctypeName: string } | undefined): string | undefined {
  if (!k) return undefined;
  return 'value' in k ? `${k.enctypeName} ${k.value}` : k.enctypeName;
}

function decryptionText(d: DecryptionView | undefined): string | undefined {
  return d ? `${d.status}: ${d.detail}` : undefined;
}

function renderCredential(c: CredentialView, t: Tree): void {
  if (c.kind === 'config') {
    t.text(4, `config ${s(c.key)}${c.principal ? ` (${c.principal})` : ''}: ${c.value}`);
    return;
  }
  t.text(4, c.server);
  t.row(6, 'client', c.client);
  const tk = c.ticket;
  if (tk) t.row(6, 'ticket', `${tk.enctypeName} (${tk.enctype})${tk.kvno !== undefined ? `, kvno ${tk.kvno}` : ''}`);
  t.row(6, 'session key', keyText(c.sessionKey));
  t.row(6, 'flags', `${s(c.flags)}${c.klistFlags ? ` [${c.klistFlags}]` : ''}`);
  t.row(6, 'valid', `${s(c.starttime ?? c.authtime)} → ${s(c.endtime)}${c.renewTill ? ` (renew until ${c.renewTill})` : ''}`);
  t.row(6, 'decryption', decryptionText(c.decryption));
  const d = c.decrypted;
  if (d) t.row(8, 'decrypted', `client ${d.client}, flags ${d.flags}, auth ${s(d.authtime)}, ends ${s(d.endtime)}`);
  t.row(6, 'ticket error', c.ticketError);
}

function layerName(kind: string): string {
  return kind === 'krb5-message'
    ? 'Kerberos message'
    : kind === 'gss-framing'
      ? 'GSS-API'
      : kind === 'krb5'
        ? 'krb5 mech token'
        : kind.toUpperCase();
}

function renderToken(v: TokenView, t: Tree): void {
  const layers = (v.layers ?? []).map((l) => layerName(l.kind));
  t.row(2, 'Mechanism', `${v.mechanism}${layers.length ? `  (${layers.join(' → ')})` : ''}`);
  const sp = v.spnego;
  if (sp?.type === 'negTokenInit') {
    const mechs = sp.mechTypes.map((m) => m.name);
    t.row(
      2,
      'SPNEGO',
      `NegTokenInit${sp.form === 'NegTokenInit2' ? '2' : ''}, mechanisms offered: ${mechs.join(', ') || '(none)'}${sp.hasMechListMIC ? ', mechListMIC' : ''}${sp.negHints ? `, negHints ${str(sp.negHints)}` : ''}`,
    );
  } else if (sp) {
    t.row(
      2,
      'SPNEGO',
      `NegTokenResp, state ${s(sp.negState ?? '(absent)')}${sp.supportedMech ? `, mechanism ${sp.supportedMech.name}` : ''}${sp.hasMechListMIC ? ', mechListMIC' : ''}`,
    );
  }
  if (v.gssTokId) t.row(2, 'GSS token', v.gssTokId);
  if (v.messageName)
    t.row(2, 'Message', `${v.messageName} (${s(v.messageType)})${v.apOptions?.length ? `, ap-options: ${v.apOptions.join(' ')}` : ''}`);
  if (v.negoex) t.row(2, 'NegoEx', `${v.negoex.messages} messages; ${v.negoex.note}`);
  if (v.ticket) renderTicket(v.ticket, t);
  if (v.pac) renderPac(v.pac, t);
  renderAuthenticator(v.authenticator, v.ticket, t);
  const ap = v.apRep;
  if (ap) {
    t.row(2, 'AP-REP', `mutual authentication reply, ${ap.enctypeName} (${ap.enctype})`);
    const d = ap.decrypted;
    if (typeof d === 'object')
      t.row(
        4,
        'decrypted',
        `server time ${s(d.ctime)}${d.seqNumber !== undefined ? `, seq ${d.seqNumber}` : ''}${d.subkey ? `, subkey ${keyText(d.subkey)}` : ''}`,
      );
    else t.row(4, 'decrypted', d);
  }
  if (v.error) renderKrbError(v.error, t);
  if (v.ntlm) renderNtlm(v.ntlm, t);
  if (v.kdcRequest) renderKdcReq(v.kdcRequest, t);
  if (v.kdcReply) renderKdcRep(v.kdcReply, t);
  if (v.krbCred) {
    t.row(2, 'KRB-CRED', `${v.krbCred.tickets.length} tickets, enc-part enctype ${v.krbCred.encPartEtype}`);
    for (const k of v.krbCred.tickets)
      t.text(4, `${spn(k.sname, k.realm)}  enctype ${k.enctype}${k.kvno !== undefined ? `  kvno ${k.kvno}` : ''}`);
  }
  if (v.perMessage) renderPerMessage(v.perMessage, t);
  if (v.note) t.row(2, 'Note', v.note);
  for (const de of v.decodeErrors) t.row(2, 'Decode error', de.message);
}

function renderPerMessage(p: PerMessageView, t: Tree): void {
  if (p.error) {
    t.row(2, 'Per-message', `not decoded: ${p.error}`);
    return;
  }
  t.row(2, 'Per-message', `${s(p.kind)} token, tok-id ${s(p.tokId)} (${s(p.spec)})${p.sender ? `, from the ${p.sender}` : ''}`);
  if (p.flags !== undefined) t.row(4, 'flags', p.flags);
  if (p.sgnAlg || p.sealAlg) t.row(4, 'algorithms', `SGN_ALG ${s(p.sgnAlg ?? '-')}, SEAL_ALG ${s(p.sealAlg ?? '-')}`);
  if (p.sequenceNumber !== undefined) t.row(4, 'sequence number', p.sequenceNumber);
  if (p.ec !== undefined || p.rrc !== undefined) t.row(4, 'EC / RRC', `${s(p.ec ?? '-')} / ${s(p.rrc ?? '-')}`);
  t.row(
    4,
    'data',
    `${s(p.dataLength)} bytes after the header${p.checksumLength !== undefined ? `, checksum ${p.checksumLength} bytes` : ''}`,
  );
  if (p.decryption) t.row(4, 'keys', p.decryption);
  if (p.payload) t.row(4, 'payload', p.payload);
}

function renderTicket(tk: TicketView, t: Tree): void {
  t.row(2, 'Service (SPN)', tk.spn);
  t.row(2, 'Ticket', `${tk.enctypeName} (${tk.enctype}), kvno ${s(tk.kvno ?? '(none)')}, ${s(tk.cipherLength)} bytes encrypted`);
  t.row(4, 'decryption', decryptionText(tk.decryption));
  const d = tk.decrypted;
  if (!d) return;
  t.row(4, 'client', d.client);
  t.row(4, 'flags', d.flags);
  t.row(4, 'session key', `${keyText(d.sessionKey)}${d.sessionKey.value.startsWith('(') ? ' (--show-secrets shows it)' : ''}`);
  t.row(4, 'auth time', d.authtime);
  t.row(4, 'valid', `${s(d.starttime ?? d.authtime)} → ${s(d.endtime)}${d.renewTill ? ` (renew until ${d.renewTill})` : ''}`);
  t.row(4, 'transited', d.transited);
  if (d.addresses) t.row(4, 'addresses', `${d.addresses} client addresses`);
}

function renderPac(pac: PacView, t: Tree): void {
  const li = pac.logonInfo;
  t.row(
    2,
    'PAC',
    `${pac.size} bytes; buffers: ${(pac.buffers ?? []).map((b) => `${b.name}${b.error ? ` (error: ${b.error})` : ''}`).join(', ')}`,
  );
  if (li) {
    t.row(4, 'user', `${s(li.logonDomainName)}\\${s(li.effectiveName)}${li.fullName ? ` (${li.fullName})` : ''}, SID ${s(li.userSid)}`);
    t.row(4, 'groups', `${li.groupCount} domain groups, ${li.extraSids.length} extra SIDs, ${li.resourceGroupCount} resource groups`);
    t.row(4, 'logon server', li.logonServer);
  }
  if (pac.upnDnsInfo) t.row(4, 'UPN', `${s(pac.upnDnsInfo.upn)} (DNS domain ${s(pac.upnDnsInfo.dnsDomainName)})`);
  if (pac.clientInfo) t.row(4, 'client info', pac.clientInfo.name);
  if (pac.signatures) t.row(4, 'signatures', `server ${pac.signatures.server}, KDC ${pac.signatures.kdc}`);
  const ts = pac.tokenSize;
  if (ts)
    t.row(
      4,
      'token size',
      `MaxTokenSize estimate ${ts.estimate} bytes (limits 12000 legacy / 48000 default); Authorization header ≈ ${ts.headerBytes} bytes (HTTP.sys 16384, Apache 8190)`,
    );
  if (pac.error) t.row(4, 'error', pac.error.message);
}

function renderAuthenticator(au: AuthenticatorView | undefined, tk: TicketView | undefined, t: Tree): void {
  if (au && (au.decryption || tk?.decrypted)) {
    t.row(
      2,
      'Authenticator',
      `${s(au.client)}${au.ctime ? `, client time ${au.ctime}${au.cusec !== undefined ? ` +${au.cusec}µs` : ''}` : ''}${au.seqNumber !== undefined ? `, seq ${au.seqNumber}` : ''}${au.decryption !== 'decrypted' ? ` (${s(au.detail)})` : ''}`,
    );
    const g = au.gss;
    if (g) {
      t.row(4, 'GSS flags', g.flags.join(' '));
      t.row(4, 'mutual auth', g.mutual ? 'requested' : 'not requested');
      t.row(4, 'delegation', g.delegation ? `yes: a forwarded TGT (${s(g.forwardedTgtBytes)} bytes) is in the token` : 'no');
      t.row(4, 'channel bindings', g.channelBindings);
    }
    if (au.subkey) t.row(4, 'subkey', keyText(au.subkey));
  } else if (tk) t.row(2, 'Authenticator', `${s(au?.enctypeName)}, encrypted (decrypt the ticket with --keytab to open it)`);
}

function renderKrbError(e: KrbErrorView, t: Tree): void {
  t.row(2, 'KRB-ERROR', `${e.name} (${e.code})`);
  t.row(4, 'meaning', e.meaning);
  t.row(4, 'service', spn(e.sname, e.realm));
  if (e.cname) t.row(4, 'client', `${e.cname.join('/')}${e.crealm ? `@${e.crealm}` : ''}`);
  else if (e.crealm) t.row(4, 'client realm', e.crealm);
  t.row(4, 'server time', e.stime);
  t.row(4, 'client time', e.ctime);
  t.row(4, 'e-text', e.eText);
  const nt = e.ntStatus;
  if (nt) t.row(4, 'NTSTATUS', `${s(nt.name)} ${nt.code}${nt.meaning ? `: ${nt.meaning}` : ''}`);
}

function avRows(pairs: readonly AvPairView[] | undefined, t: Tree): void {
  for (const p of pairs ?? []) t.row(6, s(p.name), p.value);
}

function renderNtlm(n: NtlmView, t: Tree): void {
  t.row(
    2,
    'NTLM',
    `${s(n.messageName)} (type ${n.messageType})${n.ntlmVersion ? `, ${NTLM_RESPONSE[n.ntlmVersion] ?? s(n.ntlmVersion)}` : ''}`,
  );
  if (n.userName !== undefined || n.domainName) t.row(4, 'user', `${s(n.domainName)}${n.domainName ? '\\' : ''}${s(n.userName)}`);
  t.row(4, 'workstation', n.workstation);
  t.row(4, 'target', n.targetName);
  const ver = n.version;
  if (ver)
    t.row(
      4,
      'OS version',
      `${s(ver.productMajorVersion)}.${s(ver.productMinorVersion)}.${s(ver.productBuild)}${ver.windows ? ` (${s(ver.windows)})` : ''}`,
    );
  t.row(4, 'flags', n.flags);
  avRows(n.targetInfo, t);
  avRows(n.clientAvPairs, t);
  t.row(4, 'session key', n.encryptedRandomSessionKey);
}

function renderKdcReq(kr: KdcReqView, t: Tree): void {
  t.row(2, 'Client', kr.cname ? spn(kr.cname, kr.realm) : undefined);
  t.row(2, 'Service', kr.sname ? spn(kr.sname, kr.realm) : kr.realm);
  t.row(2, 'Options', kr.kdcOptions);
  t.row(
    2,
    'Enctypes',
    kr.etypes.map((x) => `${x.name} (${x.id})`),
  );
  t.row(2, 'Till', kr.till);
  t.row(
    2,
    'PA-DATA',
    kr.padata.map((x) => x.name),
  );
}

function renderKdcRep(rp: KdcRepView, t: Tree): void {
  t.row(2, 'Client', spn(rp.cname, rp.crealm));
  const tt = rp.ticket;
  t.row(2, 'Ticket', `${spn(tt.sname, tt.realm)}, ${tt.enctypeName} (${tt.enctype}), kvno ${s(tt.kvno ?? '-')}`);
  t.row(4, 'decryption', decryptionText(tt.decryption));
  if (tt.decrypted)
    t.row(
      4,
      'decrypted',
      `client ${s(tt.decrypted.client)}, session key ${keyText(tt.decrypted.sessionKey)}, auth ${s(tt.decrypted.authtime)}, ends ${s(tt.decrypted.endtime)}`,
    );
  t.row(2, 'Reply enc-part', `${rp.encPart.enctypeName}${rp.encPart.kvno !== undefined ? `, kvno ${rp.encPart.kvno}` : ''}`);
  t.row(
    2,
    'PA-DATA',
    rp.padata.map((x) => x.name),
  );
  t.row(2, 'Decryption', decryptionText(rp.decryption));
  const d = rp.decrypted;
  if (d) {
    t.row(4, 'session key', keyText(d.sessionKey));
    t.row(4, 'server', d.server);
    t.row(4, 'flags', d.flags);
    t.row(4, 'auth time', d.authtime);
    t.row(4, 'valid', `${s(d.starttime ?? d.authtime)} → ${s(d.endtime)}${d.renewTill ? ` (renew until ${d.renewTill})` : ''}`);
    t.row(4, 'key expires', d.keyExpiration);
  }
}
