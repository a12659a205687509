import { factsOf } from '../facts/fact.js';
import type { Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { ps, win } from './shell.js';

/** What each SMB probe failure means, and the first thing to do about it (MS-SMB2 §3.3.5, MS-ERREF NTSTATUS). */
const MEANING: Record<string, { why: string; fix?: (server: string, share: string) => string }> = {
  'tcp-refused': {
    why: 'nothing accepts TCP 445 on that server (no SMB server, or a firewall rejects it)',
    fix: (h) => ps`Test-NetConnection ${h} -Port 445`,
  },
  'tcp-timeout': { why: 'TCP 445 is silently dropped on the way to that server', fix: (h) => ps`Test-NetConnection ${h} -Port 445` },
  'bad-network-name': { why: 'the server has no share of that name (STATUS_BAD_NETWORK_NAME)', fix: (h) => win`net view ${`\\\\${h}`}` },
  'access-denied': {
    why: 'the user authenticated, but the share refuses it (STATUS_ACCESS_DENIED)',
    fix: (_h, share) => ps`Get-SmbShareAccess -Name ${share}`,
  },
  'logon-failure': {
    why: 'the server refused the Kerberos logon (STATUS_LOGON_FAILURE) without a KRB-ERROR',
    fix: (h) => win`klist get ${`cifs/${h}`}`,
  },
  'guest-session': {
    why: 'the server made it a guest/anonymous session: Kerberos was not used for the user',
    fix: (h) => win`klist get ${`cifs/${h}`}`,
  },
  'mutual-auth-failed': {
    why: "the server's AP-REP does not open with the ticket's session key: it is not who the ticket was for",
    fix: (h) => win`setspn -Q ${`cifs/${h}`}`,
  },
  'encryption-required': { why: 'the share requires SMB3 encryption, which kerbscope does not do (the logon itself worked)' },
  'no-common-dialect': { why: 'the server offers no SMB 2.0.2–3.0.2 dialect' },
  'not-smb2': { why: 'what answers on 445 does not speak SMB2', fix: (h) => ps`Test-NetConnection ${h} -Port 445` },
};

/**
 * The SMB isolation step failed for a reason that is not a Kerberos error (those are krb-error facts from the
 * service and the Kerberos rules name them): a closed 445, an unknown share, access denied, a refused logon.
 */
export const smbFailed: Rule = {
  id: 'smb-failed',
  step: 'smb',
  evaluate(facts) {
    const out = [];
    for (const f of factsOf(facts, 'smb-session')) {
      if (f.outcome !== 'fail') continue;
      // Kerberos trouble has its own facts and rules (KRB-ERROR inside SPNEGO, the TGS exchange for cifs/)
      if (f.code === 'krb-error' || f.code === 'kdc-error' || f.code === 'kdc-unreachable' || f.code === 'no-ticket') continue;
      const m = f.code ? MEANING[f.code] : undefined;
      const unc = `\\\\${f.server}\\${f.share}`;
      out.push({
        id: 'smb-failed',
        severity: f.alongHttp ? ('warning' as const) : ('error' as const),
        step: 'smb' as const,
        title: `The SMB isolation test to ${unc} failed at ${f.failedStep ?? 'the start'}: ${f.ntStatus ?? f.code ?? 'no detail'}`,
        explanation: `${m?.why ?? f.detail}.${f.alongHttp ? ' This says nothing about the web site: only an SMB session that works narrows its problem down.' : ''}`,
        evidence: [`${f.where.label}: ${f.detail}`],
        fix: m?.fix ? [m.fix(f.server, f.share)] : [],
        refs: refsOf([f]),
      });
    }
    return out;
  },
};
