/**
 * One normalized event → the facts it is (see catalogue.ts). Where the event is the same observation as a core or
 * network fact, that fact is emitted so the existing rules fire:
 *   4768/4769/4771 with a non-zero result  → krb-error {code, from 'kdc', sname, realm, cname}   (+ kdc-audit)
 *   4768/4769/4770 issued with RC4/DES     → kdc-reply {ticketEnctype}                            (+ kdc-audit)
 *   4624 Negotiate whose LmPackageName is NTLM → ntlm-message {messageType 3, viaNegotiate: true}
 *   Kerberos client 3/4/5                  → krb-error from the KDC / the service
 * The rest become event facts (facts/events.ts).
 */
import type { Fact, Where } from '../facts/fact.js';
import { krbErrorInfo } from '../protocol/krb5/index.js';
import { CATALOGUE, canonicalProvider, catalogueKey } from './catalogue.js';
import type { EventRecord } from './model.js';

/** "0x18", "24", "0x00000018" → 24; "-", "" → undefined. */
export function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (!t || t === '-') return undefined;
  const n = /^0x[0-9a-f]+$/i.test(t) ? Number.parseInt(t.slice(2), 16) : /^-?\d+$/.test(t) ? Number(t) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** The client address as an admin reads it: "::ffff:10.0.0.5" → "10.0.0.5"; "-", "::1" kept as local. */
export function clientAddress(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = s.trim();
  if (!t || t === '-') return undefined;
  return t.replace(/^::ffff:/i, '');
}

function clean(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t && t !== '-' ? t : undefined;
}

export function recordLabel(r: EventRecord): string {
  const ch = r.channel || 'event';
  return r.recordId !== undefined ? `${ch} record ${r.recordId} (${r.eventId})` : `${ch} event ${r.eventId}`;
}

export function whereOf(r: EventRecord): Where {
  return { label: recordLabel(r), ...(r.recordId !== undefined ? { record: r.recordId } : {}), ...(r.time ? { time: r.time } : {}) };
}

const WEAK_TICKET = new Set([1, 3, 23, 24]);

/** The facts one event is. Events outside the catalogue give none. */
export function eventFacts(r: EventRecord): Fact[] {
  const key = catalogueKey(r.channel, r.provider, r.eventId);
  const entry = CATALOGUE[key];
  if (!entry) return [];
  const d = r.data;
  const where = whereOf(r);
  const out: Fact[] = [];
  if (key.startsWith('Security:')) {
    switch (r.eventId) {
      case 4768:
      case 4769:
      case 4770:
      case 4771: {
        const code = num(d.Status) ?? num(d.FailureCode) ?? 0;
        const full = clean(d.TargetUserName) ?? '';
        // 4769 names the client user@REALM; 4768/4771 give the bare name and the domain apart
        const at = full.lastIndexOf('@');
        const account = at > 0 ? full.slice(0, at) : full;
        const domain = clean(d.TargetDomainName) ?? (at > 0 ? full.slice(at + 1) : undefined);
        const service = clean(d.ServiceName);
        const client = clientAddress(d.IpAddress);
        const enctype = num(d.TicketEncryptionType);
        const ticketEnctype = enctype !== undefined && enctype !== 0xffffffff ? enctype : undefined;
        out.push({
          kind: 'kdc-audit',
          where,
          eventId: r.eventId,
          code,
          account,
          ...(domain ? { domain } : {}),
          ...(service ? { service } : {}),
          ...(client ? { client } : {}),
          ...(ticketEnctype !== undefined ? { ticketEnctype } : {}),
          ...(clean(d.PreAuthType) ? { preAuthType: clean(d.PreAuthType) } : {}),
        });
        const sname = (service ?? (r.eventId === 4769 ? '' : 'krbtgt')).split('/').filter(Boolean);
        const realm = (domain ?? '').toUpperCase();
        if (code !== 0 && (r.eventId !== 4771 || code !== 0x19)) {
          out.push({
            kind: 'krb-error',
            where,
            code,
            name: krbErrorInfo(code).name,
            from: 'kdc',
            sname: sname.length ? sname : ['(not logged)'],
            realm,
            ...(account ? { cname: [account] } : {}),
          });
        } else if (code === 0 && r.eventId !== 4771 && ticketEnctype !== undefined && WEAK_TICKET.has(ticketEnctype)) {
          out.push({
            kind: 'kdc-reply',
            where,
            msgType: r.eventId === 4768 ? 11 : 13,
            crealm: realm,
            cname: account ? [account] : [],
            realm,
            sname,
            ticketEnctype,
            // not in the event: the reply's enc-part enctype and the ticket size (0 = unknown)
            encPartEnctype: 0,
            ticketBytes: 0,
          });
        }
        break;
      }
      case 4624: {
        const pkg = (clean(d.AuthenticationPackageName) ?? '').toLowerCase();
        const lm = clean(d.LmPackageName) ?? '';
        const user = clean(d.TargetUserName);
        if (pkg === 'negotiate' && /^NTLM/i.test(lm) && user && !/^ANONYMOUS LOGON$/i.test(user)) {
          const domain = clean(d.TargetDomainName);
          const ws = clean(d.WorkstationName);
          out.push({
            kind: 'ntlm-message',
            where,
            messageType: 3,
            viaNegotiate: true,
            ntlmVersion: /V1/i.test(lm) ? 'ntlmv1' : /V2/i.test(lm) ? 'ntlmv2' : undefined,
            user,
            ...(domain ? { domain } : {}),
            ...(ws ? { workstation: ws } : {}),
          } as Fact);
        }
        break;
      }
      case 4625:
      case 4776: {
        const status = num(d.Status) ?? 0;
        if (status === 0) break;
        const sub = num(d.SubStatus);
        const account = clean(d.TargetUserName) ?? '';
        const domain = clean(d.TargetDomainName);
        const ws = clean(d.WorkstationName) ?? clean(d.Workstation);
        const client = clientAddress(d.IpAddress);
        const lt = num(d.LogonType);
        const pkg = clean(d.AuthenticationPackageName) ?? clean(d.PackageName);
        out.push({
          kind: 'logon-failure',
          where,
          eventId: r.eventId,
          status,
          ...(sub !== undefined && sub !== 0 ? { subStatus: sub } : {}),
          account,
          ...(domain ? { domain } : {}),
          ...(ws ? { workstation: ws } : {}),
          ...(client ? { client } : {}),
          ...(lt !== undefined ? { logonType: lt } : {}),
          ...(pkg ? { package: pkg } : {}),
        });
        break;
      }
      case 4740: {
        const caller = clean(d.TargetDomainName);
        out.push({ kind: 'account-lockout', where, account: clean(d.TargetUserName) ?? '', ...(caller ? { callerComputer: caller } : {}) });
        break;
      }
    }
    return out;
  }
  const provider = canonicalProvider(r.provider);
  if (provider === 'Microsoft-Windows-Security-Kerberos' && r.eventId >= 3 && r.eventId <= 5) {
    const code = r.eventId === 3 ? (num(d.ErrorCode) ?? 0) : r.eventId === 4 ? 41 : 33;
    const target = clean(d.ServerName) ?? clean(d.TargetName) ?? clean(d.param2) ?? clean(d.param1) ?? '';
    const realm = clean(d.ServerRealm) ?? (target.includes('@') ? target.slice(target.lastIndexOf('@') + 1) : '');
    const cname = clean(d.ClientName);
    if (code)
      out.push({
        kind: 'krb-error',
        where,
        code,
        name: krbErrorInfo(code).name,
        from: r.eventId === 3 ? 'unknown' : 'service',
        sname: target.replace(/@.*$/, '').split('/').filter(Boolean),
        realm: realm.toUpperCase(),
        ...(cname ? { cname: [cname] } : {}),
        ...(clean(d.ErrorText) ? { eText: clean(d.ErrorText) } : {}),
      });
    return out;
  }
  if (entry.cause) {
    const values = Object.entries(d)
      .filter(([k, v]) => clean(v) && !/^(binary|Binary|__binLength|File|Line)$/.test(k))
      .map(([k, v]) => `${k}=${v.trim()}`);
    const subject =
      clean(d.ServicePrincipalName) ??
      clean(d.param1) ??
      clean(d.DomainName) ??
      clean(d.TargetName) ??
      clean(d.AccountName) ??
      clean(d.ComputerName) ??
      clean(d.Server);
    out.push({
      kind: 'system-condition',
      where,
      provider,
      eventId: r.eventId,
      cause: entry.cause,
      ...(r.computer ? { computer: r.computer } : {}),
      ...(subject ? { subject } : {}),
      ...(values.length ? { detail: values.join('; ').slice(0, 300) } : {}),
    });
  }
  return out;
}
