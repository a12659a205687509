/**
 * The LDAP operations a read-only directory client needs, on one connection: the rootDSE (anonymous, RFC 4512 §5.1),
 * the SASL GSSAPI bind (RFC 4752) with kerbscope's own Kerberos credentials, and paged subtree searches (RFC 2696).
 * Nothing here writes to the directory.
 */
import type { Creds } from '../krb/client.js';
import {
  adBindDataMeaning,
  attributeStrings,
  encodePagedResultsControl,
  type Filter,
  type LdapMessage,
  LdapResultCode,
  type PartialAttribute,
  pagedResultsOf,
  parseFilter,
  resultCodeName,
  SearchScope,
} from '../protocol/ldap/index.js';
import { DecodeError } from '../wire/errors.js';
import { LdapConnection, LdapError } from './connection.js';
import { gssapiAcceptApRep, gssapiNegotiateLayer, gssapiStart, SaslError, type SaslLayerName, spnegoAccept } from './sasl-gssapi.js';

export interface SearchEntry {
  dn: string;
  attributes: PartialAttribute[];
}

export interface SearchResult {
  entries: SearchEntry[];
  /** continuation references (RFC 4511 §4.5.3): other naming contexts, not followed */
  references: string[];
  pages: number;
}

export interface BindInfo {
  mechanism: 'GSSAPI' | 'GSS-SPNEGO' | 'simple';
  /** confidentiality for a simple bind: TLS */
  layer: SaslLayerName;
  offered: SaslLayerName[];
  /** the ticket's SPN (empty for a simple bind) */
  spn: string;
  /** Kerberos mutual authentication (the AP-REP); a simple bind relies on the TLS certificate instead */
  mutualAuth: boolean;
  /** SASL binds: the GSS context key's enctype and so the token format (23/24 RC4-HMAC: RFC 4757, else RFC 4121) */
  context?: { enctype: number; tokens: 'rfc4121' | 'rfc4757' };
}

export interface RootDse {
  dnsHostName?: string;
  defaultNamingContext?: string;
  rootDomainNamingContext?: string;
  configurationNamingContext?: string;
  supportedSASLMechanisms: string[];
  isGlobalCatalogReady?: boolean;
}

export class LdapClient {
  private constructor(readonly conn: LdapConnection) {}

  static async connect(
    address: string,
    port: number,
    timeoutMs: number,
    tls?: { servername: string; ca?: Uint8Array | string },
  ): Promise<LdapClient> {
    return new LdapClient(await LdapConnection.open(address, port, timeoutMs, tls));
  }

  /**
   * Simple bind (RFC 4511 §4.2, RFC 4513 §5.1.3) — only over LDAPS: AD and Samba refuse it in the clear, and a password
   * must never travel unencrypted. `name` is a DN, a UPN (user@domain) or DOMAIN\\user, as AD accepts.
   */
  async bindSimple(name: string, password: string): Promise<BindInfo> {
    const r = await this.exchange({
      type: 'bindRequest',
      version: 3,
      name,
      authentication: { kind: 'simple', password: new TextEncoder().encode(password) },
    });
    const op = r.protocolOp;
    if (op.type !== 'bindResponse') throw new LdapError('ERR_LDAP_GARBAGE', `the server answered the simple bind with ${op.type}`);
    if (op.resultCode !== LdapResultCode.success)
      throw new LdapError(
        'ERR_LDAP_RESULT',
        `simple bind as ${name}: ${resultCodeName(op.resultCode)}${op.diagnosticMessage ? `: ${op.diagnosticMessage}` : ''}${explain(op.diagnosticMessage)}`,
        {
          resultCode: op.resultCode,
        },
      );
    return { mechanism: 'simple', layer: 'confidentiality', offered: [], spn: '', mutualAuth: false };
  }

  close(): Promise<void> {
    return this.conn.close();
  }

  /** Sends one request and waits for its single response. */
  private async exchange(op: LdapMessage['protocolOp'], controls?: LdapMessage['controls']): Promise<LdapMessage> {
    const messageID = this.conn.allocateId();
    this.conn.send({ messageID, protocolOp: op, ...(controls ? { controls } : {}) });
    return this.conn.receive(messageID);
  }

  /** The rootDSE, readable before any bind: names the DC (for its ldap/ SPN) and the domain's naming context. */
  async rootDse(): Promise<RootDse> {
    const r = await this.search({
      base: '',
      scope: 'baseObject',
      filter: '(objectClass=*)',
      attributes: [
        'dnsHostName',
        'defaultNamingContext',
        'rootDomainNamingContext',
        'configurationNamingContext',
        'supportedSASLMechanisms',
        'isGlobalCatalogReady',
      ],
      pageSize: 0,
    });
    const e = r.entries[0];
    if (!e) throw new LdapError('ERR_LDAP_RESULT', `${this.conn.peer} returned no rootDSE`);
    const one = (n: string) => attributeStrings(e, n)[0];
    const gc = one('isGlobalCatalogReady');
    return {
      dnsHostName: one('dnsHostName'),
      defaultNamingContext: one('defaultNamingContext'),
      rootDomainNamingContext: one('rootDomainNamingContext'),
      configurationNamingContext: one('configurationNamingContext'),
      supportedSASLMechanisms: attributeStrings(e, 'supportedSASLMechanisms'),
      ...(gc !== undefined ? { isGlobalCatalogReady: gc.toUpperCase() === 'TRUE' } : {}),
    };
  }

  /**
   * SASL GSSAPI bind with a service ticket for ldap/<dc> (RFC 4752 §3.1): AP-REQ, AP-REP (mutual authentication), then
   * the security layer. Throws LdapError ERR_LDAP_SASL / ERR_LDAP_RESULT naming the step that failed.
   */
  async bindGssapi(ticket: Creds, opts: { prefer?: SaslLayerName; now?: () => Date } = {}): Promise<BindInfo> {
    const now = opts.now ?? (() => new Date());
    const start = gssapiStart(ticket, now());
    const sasl = (credentials?: Uint8Array) =>
      this.exchange({
        type: 'bindRequest',
        version: 3,
        name: '',
        authentication: { kind: 'sasl', mechanism: 'GSSAPI', ...(credentials ? { credentials } : {}) },
      });
    const spn = ticket.server.nameString.join('/');
    try {
      const r1 = bindResponse(await sasl(start.token), 'AP-REQ');
      const ctx = gssapiAcceptApRep(start.state, r1.serverSaslCreds);
      // RFC 4752 §3.1: after the context is established the client sends an empty token for the server's offer
      let offer = r1.resultCode === LdapResultCode.saslBindInProgress ? undefined : r1.serverSaslCreds;
      if (r1.resultCode === LdapResultCode.success)
        throw new LdapError('ERR_LDAP_SASL', `${this.conn.peer} ended the GSSAPI bind after the AP-REP without a security-layer offer`);
      const r2 = bindResponse(await sasl(new Uint8Array(0)), 'empty token');
      offer = r2.serverSaslCreds;
      const choice = gssapiNegotiateLayer(ctx, offer, opts.prefer ? { prefer: opts.prefer } : {});
      const r3 = bindResponse(await sasl(choice.token), 'security-layer choice');
      if (r3.resultCode !== LdapResultCode.success)
        throw new LdapError(
          'ERR_LDAP_RESULT',
          `GSSAPI bind: ${resultCodeName(r3.resultCode)} after the security-layer choice${r3.diagnosticMessage ? `: ${r3.diagnosticMessage}` : ''}`,
          {
            resultCode: r3.resultCode,
          },
        );
      if (choice.chosen !== 'none') this.conn.startSecurityLayer(ctx, choice.chosen === 'confidentiality');
      return {
        mechanism: 'GSSAPI',
        layer: choice.chosen,
        offered: choice.offered,
        spn,
        mutualAuth: true,
        context: { enctype: ctx.key.enctype, tokens: ctx.tokens },
      };
    } catch (e) {
      if (e instanceof SaslError)
        throw new LdapError('ERR_LDAP_SASL', `GSSAPI bind to ${this.conn.peer} as ${spn}: ${e.message}`, { cause: e });
      // a malformed AP-REP / KRB-ERROR inside a well-formed GSS token
      if (e instanceof DecodeError)
        throw new LdapError(
          'ERR_LDAP_SASL',
          `GSSAPI bind to ${this.conn.peer} as ${spn}: the server's krb5 token is malformed: ${e.message}`,
          { decode: e },
        );
      throw e;
    }
  }

  /**
   * SASL GSS-SPNEGO bind (what Windows' own LDAP client uses): the AP-REQ in a SPNEGO NegTokenInit, the AP-REP and
   * mechListMIC in the NegTokenResp, our mechListMIC when asked. No RFC 4752 negotiation: the GSS flags decide, so the
   * messages are sealed unless `prefer: 'integrity'` (then signed).
   */
  async bindGssSpnego(ticket: Creds, opts: { prefer?: SaslLayerName; now?: () => Date } = {}): Promise<BindInfo> {
    const now = opts.now ?? (() => new Date());
    const integrityOnly = opts.prefer === 'integrity';
    const start = gssapiStart(ticket, now(), { integrityOnly });
    const sasl = (credentials: Uint8Array) =>
      this.exchange({ type: 'bindRequest', version: 3, name: '', authentication: { kind: 'sasl', mechanism: 'GSS-SPNEGO', credentials } });
    const spn = ticket.server.nameString.join('/');
    try {
      const r1 = bindResponse(await sasl(start.spnego), 'SPNEGO AP-REQ');
      const acc = spnegoAccept(start.state, start.mechTypes, r1.serverSaslCreds);
      if (r1.resultCode !== LdapResultCode.success) {
        if (!acc.reply) throw new LdapError('ERR_LDAP_SASL', `the server wants another round after negState ${acc.negState ?? '(none)'}`);
        const r2 = bindResponse(await sasl(acc.reply), 'SPNEGO mechListMIC');
        if (r2.resultCode !== LdapResultCode.success)
          throw new LdapError('ERR_LDAP_RESULT', `GSS-SPNEGO bind: ${resultCodeName(r2.resultCode)} after our mechListMIC`, {
            resultCode: r2.resultCode,
          });
      }
      this.conn.startSecurityLayer(acc.ctx, !integrityOnly);
      const layer: SaslLayerName = integrityOnly ? 'integrity' : 'confidentiality';
      return {
        mechanism: 'GSS-SPNEGO',
        layer,
        offered: [layer],
        spn,
        mutualAuth: true,
        context: { enctype: acc.ctx.key.enctype, tokens: acc.ctx.tokens },
      };
    } catch (e) {
      if (e instanceof SaslError)
        throw new LdapError('ERR_LDAP_SASL', `GSS-SPNEGO bind to ${this.conn.peer} as ${spn}: ${e.message}`, { cause: e });
      if (e instanceof DecodeError)
        throw new LdapError(
          'ERR_LDAP_SASL',
          `GSS-SPNEGO bind to ${this.conn.peer} as ${spn}: the server's token is malformed: ${e.message}`,
          { decode: e },
        );
      throw e;
    }
  }

  /**
   * A search, paged with the RFC 2696 control when pageSize > 0 (Active Directory stops at MaxPageSize = 1000 entries
   * without it). Every page waits at most the connection's timeout for each message.
   */
  async search(q: {
    base: string;
    scope?: keyof typeof SearchScope;
    filter: string | Filter;
    attributes: string[];
    pageSize?: number;
    /** stop after this many entries (a guard for huge directories; 0 = no limit) */
    maxEntries?: number;
  }): Promise<SearchResult> {
    const filter = typeof q.filter === 'string' ? parseFilter(q.filter) : q.filter;
    const pageSize = q.pageSize ?? 500;
    const out: SearchResult = { entries: [], references: [], pages: 0 };
    let cookie: Uint8Array = new Uint8Array(0);
    for (;;) {
      const messageID = this.conn.allocateId();
      this.conn.send({
        messageID,
        protocolOp: {
          type: 'searchRequest',
          baseObject: q.base,
          scope: SearchScope[q.scope ?? 'wholeSubtree'],
          derefAliases: 0,
          sizeLimit: 0,
          timeLimit: 0,
          typesOnly: false,
          filter,
          attributes: q.attributes,
        },
        ...(pageSize > 0 ? { controls: [encodePagedResultsControl({ size: pageSize, cookie })] } : {}),
      });
      out.pages++;
      for (;;) {
        const m = await this.conn.receive(messageID);
        const op = m.protocolOp;
        if (op.type === 'searchResEntry') {
          out.entries.push({ dn: op.objectName, attributes: op.attributes });
          if (q.maxEntries && out.entries.length > q.maxEntries)
            throw new LdapError('ERR_LDAP_RESULT', `more than ${q.maxEntries} entries: narrow the search`);
        } else if (op.type === 'searchResRef') out.references.push(...op.uris);
        else if (op.type === 'searchResDone') {
          if (
            op.resultCode !== LdapResultCode.success &&
            !(op.resultCode === LdapResultCode.noSuchObject && out.entries.length === 0 && q.scope === 'baseObject')
          )
            throw new LdapError(
              'ERR_LDAP_RESULT',
              `search under "${q.base}" failed: ${resultCodeName(op.resultCode)}${op.diagnosticMessage ? `: ${op.diagnosticMessage}` : ''}`,
              { resultCode: op.resultCode },
            );
          const paged = pagedResultsOf(m.controls);
          if (pageSize > 0 && paged && paged.cookie.length > 0) {
            cookie = paged.cookie;
            break;
          }
          return out;
        } else throw new LdapError('ERR_LDAP_GARBAGE', `${this.conn.peer} answered a search with ${op.type}`);
      }
    }
  }
}

function explain(diagnostic: string): string {
  const d = adBindDataMeaning(diagnostic);
  return d ? ` (data ${d.code} = ${d.meaning})` : '';
}

function bindResponse(m: LdapMessage, step: string): Extract<LdapMessage['protocolOp'], { type: 'bindResponse' }> {
  const op = m.protocolOp;
  if (op.type !== 'bindResponse') throw new LdapError('ERR_LDAP_GARBAGE', `the server answered the bind (${step}) with ${op.type}`);
  if (op.resultCode !== LdapResultCode.success && op.resultCode !== LdapResultCode.saslBindInProgress)
    throw new LdapError(
      'ERR_LDAP_RESULT',
      `GSSAPI bind (${step}): ${resultCodeName(op.resultCode)}${op.diagnosticMessage ? `: ${op.diagnosticMessage}` : ''}${explain(op.diagnosticMessage)}`,
      {
        resultCode: op.resultCode,
      },
    );
  return op;
}
