/**
 * `kerbscope decode` as a readable tree: what a human needs first (mechanism, client/realm, SPN, enctype, kvno,
 * flags, times, NTLM version and names), details after. Rendering only: every decision was made upstream.
 */
type V = Record<string, unknown>;

const s = (x: unknown): string => (x === undefined || x === null ? '' : String(x));

class Tree {
  lines: string[] = [];
  row(indent: number, label: string, value: unknown): void {
    if (value === undefined || value === null || value === '') return;
    const v = Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
    this.lines.push(`${' '.repeat(indent)}${label.padEnd(Math.max(16 - indent + 2, label.length + 1))}${v}`);
  }
  text(indent: number, t: string): void {
    this.lines.push(`${' '.repeat(indent)}${t}`);
  }
}

function inputLine(item: V): string {
  const i = item.input as V;
  const parts = [s(i.label)];
  if (i.direction) parts.push(i.direction === 'request' ? 'client → server' : 'server → client');
  if (i.bytes)
    parts.push(
      `${i.bytes} bytes${i.encoding === 'base64' || i.encoding === 'hex' ? ` after ${i.encoding}` : i.encoding === 'text' ? ' of text' : ''}`,
    );
  return parts.join(' · ');
}

export function renderItem(item: V): string {
  const t = new Tree();
  t.text(0, inputLine(item));
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
      t.row(
        2,
        'Keytab',
        `version ${item.version === 0x0502 || item.version === 2 ? 2 : item.version}, ${(item.entries as V[]).length} entries`,
      );
      for (const e of item.entries as V[])
        t.text(
          4,
          `${s(e.principal)}  kvno ${s(e.kvno)}  ${s(e.enctypeName)} (${s(e.enctype)})  ${s(e.timestamp)}${/^[0-9a-f]+$/.test(s(e.key)) ? `  key ${s(e.key)}` : ''}`,
        );
      renderFileErrors(item, t);
      break;
    case 'ccache':
    case 'kirbi':
    case 'klist':
      if (item.kind === 'klist')
        t.row(
          2,
          'klist output',
          `${s(item.source)}${item.defaultPrincipal ? `, default principal ${s(item.defaultPrincipal)}` : ''}; ${s(item.note)}`,
        );
      else if (item.kind === 'ccache')
        t.row(2, 'Credential cache', `version ${s(item.version)}, default principal ${s(item.defaultPrincipal)}`);
      else t.row(2, 'KRB-CRED (.kirbi)', `${(item.credentials as V[]).length} credentials`);
      for (const c of item.credentials as V[]) renderCredential(c, t);
      renderFileErrors(item, t);
      break;
    default:
      t.row(2, 'Item', item.kind);
  }
  return `${t.lines.join('\n')}\n`;
}

function renderFileErrors(item: V, t: Tree): void {
  for (const e of (item.errors as V[] | undefined) ?? []) t.row(2, 'Error', `${s(e.message)} (offset ${s(e.offset)})`);
}

function renderCredential(c: V, t: Tree): void {
  if (c.kind === 'config') {
    t.text(4, `config ${s(c.key)}${c.principal ? ` (${s(c.principal)})` : ''}: ${s(c.value)}`);
    return;
  }
  t.text(4, `${s(c.server)}`);
  t.row(6, 'client', c.client);
  const tk = c.ticket as V | undefined;
  if (tk) t.row(6, 'ticket', `${s(tk.enctypeName)} (${s(tk.enctype)})${tk.kvno !== undefined ? `, kvno ${s(tk.kvno)}` : ''}`);
  t.row(6, 'session key', (c.sessionKey as V | undefined)?.enctypeName);
  t.row(6, 'flags', `${s(c.flags)}${c.klistFlags ? ` [${s(c.klistFlags)}]` : ''}`);
  t.row(6, 'valid', `${s(c.starttime ?? c.authtime)} → ${s(c.endtime)}${c.renewTill ? ` (renew until ${s(c.renewTill)})` : ''}`);
  const d = c.decryption as V | undefined;
  if (d) t.row(6, 'decryption', `${s(d.status)}: ${s(d.detail)}`);
  if (c.ticketError) t.row(6, 'ticket error', c.ticketError);
}

function renderToken(v: V, t: Tree): void {
  const layers = ((v.layers as V[] | undefined) ?? []).map((l) =>
    l.kind === 'krb5-message'
      ? 'Kerberos message'
      : l.kind === 'gss-framing'
        ? 'GSS-API'
        : l.kind === 'krb5'
          ? 'krb5 mech token'
          : s(l.kind).toUpperCase(),
  );
  t.row(2, 'Mechanism', `${s(v.mechanism)}${layers.length ? `  (${layers.join(' → ')})` : ''}`);
  const sp = v.spnego as V | undefined;
  if (sp) {
    if (sp.type === 'negTokenInit') {
      const mechs = ((sp.mechTypes as V[]) ?? []).map((m) => s(m.name));
      t.row(
        2,
        'SPNEGO',
        `NegTokenInit${sp.form === 'NegTokenInit2' ? '2' : ''}, mechanisms offered: ${mechs.join(', ') || '(none)'}${sp.hasMechListMIC ? ', mechListMIC' : ''}`,
      );
    } else {
      const sm = sp.supportedMech as V | undefined;
      t.row(
        2,
        'SPNEGO',
        `NegTokenResp, state ${s(sp.negState ?? '(absent)')}${sm ? `, mechanism ${s(sm.name)}` : ''}${sp.hasMechListMIC ? ', mechListMIC' : ''}`,
      );
    }
  }
  if (v.messageName)
    t.row(
      2,
      'Message',
      `${s(v.messageName)} (${s(v.messageType)})${v.apOptions && (v.apOptions as string[]).length ? `, ap-options: ${(v.apOptions as string[]).join(' ')}` : ''}`,
    );
  if (v.negoex) t.row(2, 'NegoEx', (v.negoex as V).note);
  const tk = v.ticket as V | undefined;
  if (tk) {
    t.row(2, 'Service (SPN)', tk.spn);
    t.row(2, 'Ticket', `${s(tk.enctypeName)} (${s(tk.enctype)}), kvno ${s(tk.kvno ?? '(none)')}, ${s(tk.cipherLength)} bytes encrypted`);
    const dr = tk.decryption as V | undefined;
    if (dr) t.row(4, 'decryption', `${s(dr.status)}: ${s(dr.detail)}`);
    const d = tk.decrypted as V | undefined;
    if (d) {
      t.row(4, 'client', d.client);
      t.row(4, 'flags', d.flags);
      const sk = d.sessionKey as V;
      t.row(4, 'session key', `${s(sk.enctypeName)}${sk.value ? ` ${s(sk.value)}` : ' (masked; --show-secrets shows it)'}`);
      t.row(4, 'auth time', d.authtime);
      t.row(4, 'valid', `${s(d.starttime ?? d.authtime)} → ${s(d.endtime)}${d.renewTill ? ` (renew until ${s(d.renewTill)})` : ''}`);
      if (d.transited) t.row(4, 'transited', d.transited);
    }
  }
  const pac = v.pac as V | undefined;
  if (pac) {
    const li = pac.logonInfo as V | undefined;
    const bufs = ((pac.buffers as V[]) ?? []).map((b) => s(b.name));
    t.row(2, 'PAC', `${s(pac.size)} bytes; buffers: ${bufs.join(', ')}`);
    if (li) {
      t.row(
        4,
        'user',
        `${s(li.logonDomainName)}\\${s(li.effectiveName)}${li.fullName ? ` (${s(li.fullName)})` : ''}, SID ${s(li.userSid)}`,
      );
      t.row(
        4,
        'groups',
        `${s(li.groupCount)} domain groups, ${(li.extraSids as unknown[]).length} extra SIDs, ${s(li.resourceGroupCount)} resource groups`,
      );
      t.row(4, 'logon server', li.logonServer);
    }
    const upn = pac.upnDnsInfo as V | undefined;
    if (upn) t.row(4, 'UPN', `${s(upn.upn)} (DNS domain ${s(upn.dnsDomainName)})`);
    const sig = pac.signatures as V | undefined;
    if (sig) t.row(4, 'signatures', `server ${s(sig.server)}, KDC ${s(sig.kdc)}`);
    const ts = pac.tokenSize as V | undefined;
    if (ts)
      t.row(
        4,
        'token size',
        `MaxTokenSize estimate ${s(ts.estimate)} bytes (limits 12000 legacy / 48000 default); Authorization header ≈ ${s(ts.headerBytes)} bytes (HTTP.sys 16384, Apache 8190)`,
      );
    if (pac.error) t.row(4, 'error', (pac.error as V).message);
  }
  const au = v.authenticator as V | undefined;
  if (au && (au.decryption || tk?.decrypted)) {
    t.row(
      2,
      'Authenticator',
      `${s(au.client ?? '')}${au.ctime ? `, client time ${s(au.ctime)}` : ''}${au.decryption !== 'decrypted' ? ` (${s(au.detail)})` : ''}`,
    );
    const g = au.gss as V | undefined;
    if (g) {
      t.row(4, 'GSS flags', (g.flags as string[]).join(' '));
      t.row(4, 'mutual auth', g.mutual ? 'requested' : 'not requested');
      t.row(4, 'delegation', g.delegation ? `yes: a forwarded TGT (${s(g.forwardedTgtBytes)} bytes) is in the token` : 'no');
      t.row(4, 'channel bindings', g.channelBindings);
    }
    if (au.subkey)
      t.row(4, 'subkey', `${s((au.subkey as V).enctypeName)}${(au.subkey as V).value ? ` ${s((au.subkey as V).value)}` : ' (masked)'}`);
  } else if (tk) t.row(2, 'Authenticator', `${s(au?.enctypeName)}, encrypted (decrypt the ticket with --keytab to open it)`);
  const ap = v.apRep as V | undefined;
  if (ap) {
    t.row(2, 'AP-REP', `mutual authentication reply, ${s(ap.enctypeName)} (${s(ap.enctype)})`);
    const d = ap.decrypted;
    if (d && typeof d === 'object') t.row(4, 'decrypted', `server time ${s((d as V).ctime)}, seq ${s((d as V).seqNumber)}`);
    else t.row(4, 'decrypted', d);
  }
  const e = v.error as V | undefined;
  if (e) {
    t.row(2, 'KRB-ERROR', `${s(e.name)} (${s(e.code)})`);
    t.row(4, 'meaning', e.meaning);
    t.row(4, 'service', `${(e.sname as string[]).join('/')}@${s(e.realm)}`);
    if (e.cname) t.row(4, 'client', `${(e.cname as string[]).join('/')}${e.crealm ? `@${s(e.crealm)}` : ''}`);
    t.row(4, 'server time', e.stime);
    if (e.ctime) t.row(4, 'client time', e.ctime);
    if (e.eText) t.row(4, 'e-text', e.eText);
    const nt = e.ntStatus as V | undefined;
    if (nt) t.row(4, 'NTSTATUS', `${s(nt.name ?? '')} ${s(nt.code)}${nt.meaning ? `: ${s(nt.meaning)}` : ''}`);
  }
  const n = v.ntlm as V | undefined;
  if (n) {
    t.row(
      2,
      'NTLM',
      `${s(n.messageName)} (type ${s(n.messageType)})${n.ntlmVersion ? `, ${s(n.ntlmVersion).toUpperCase()} response` : ''}`,
    );
    if (n.userName !== undefined || n.domainName) t.row(4, 'user', `${s(n.domainName)}${n.domainName ? '\\' : ''}${s(n.userName)}`);
    t.row(4, 'workstation', n.workstation);
    t.row(4, 'target', n.targetName);
    const ver = n.version as V | undefined;
    if (ver)
      t.row(
        4,
        'OS version',
        `${s(ver.productMajorVersion)}.${s(ver.productMinorVersion)}.${s(ver.productBuild)}${ver.windows ? ` (${s(ver.windows)})` : ''}`,
      );
    t.row(4, 'flags', n.flags);
    for (const p of (n.targetInfo as V[] | undefined) ?? []) t.row(6, s(p.name), p.value);
    for (const p of (n.clientAvPairs as V[] | undefined) ?? []) t.row(6, s(p.name), p.value);
    if (n.encryptedRandomSessionKey) t.row(4, 'session key', n.encryptedRandomSessionKey);
  }
  const kr = v.kdcRequest as V | undefined;
  if (kr) {
    t.row(2, 'Client', kr.cname ? `${(kr.cname as string[]).join('/')}@${s(kr.realm)}` : undefined);
    t.row(2, 'Service', kr.sname ? `${(kr.sname as string[]).join('/')}@${s(kr.realm)}` : undefined);
    t.row(2, 'Options', kr.kdcOptions);
    t.row(
      2,
      'Enctypes',
      ((kr.etypes as V[]) ?? []).map((x) => `${s(x.name)} (${s(x.id)})`),
    );
    t.row(
      2,
      'PA-DATA',
      ((kr.padata as V[]) ?? []).map((x) => s(x.name)),
    );
  }
  const rp = v.kdcReply as V | undefined;
  if (rp) {
    t.row(2, 'Client', `${(rp.cname as string[]).join('/')}@${s(rp.crealm)}`);
    const tt = rp.ticket as V;
    t.row(
      2,
      'Ticket',
      `${(tt.sname as string[]).join('/')}@${s(tt.realm)}, ${s(tt.enctypeName)} (${s(tt.enctype)}), kvno ${s(tt.kvno ?? '-')}`,
    );
  }
  if (v.note) t.row(2, 'Note', v.note);
  for (const de of (v.decodeErrors as V[]) ?? []) t.row(2, 'Decode error', `${s(de.message)}`);
}
