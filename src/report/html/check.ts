/**
 * `kerbscope check --html`: the guidance's flow drawn as a sequence diagram (Client, DNS, DC/KDC, Web server), one
 * numbered step per arrow pair (the request, and the reply under it), the failing step's arrow red with the error it
 * got ("KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN"); then the steps table, the findings (root cause first) and each
 * step's facts in a collapsible block. Rendering only; the facts never hold secrets (check's contract).
 */
import type { CheckResult, CheckStep, CheckStepId, StepStatus } from '../../check/model.js';
import type { Fact } from '../../facts/fact.js';
import { details, detailsToolbar, h, kvTable, renderPage, section } from './document.js';
import { findingsHtml } from './findings.js';
import { type Arrow, type ArrowStatus, type Lane, renderSequence } from './sequence.js';

const STATUS: Record<StepStatus, ArrowStatus> = { pass: 'ok', fail: 'fail', warn: 'warn', skip: 'skip' };
const MARK: Record<StepStatus, string> = { pass: '✔', fail: '✘', warn: '⚠', skip: '–' };

/** Which lifeline each step talks to (the client is always the other end). */
const PEER: Record<CheckStepId, string> = {
  config: 'client',
  resolve: 'dns',
  discovery: 'dns',
  ports: 'kdc',
  clock: 'kdc',
  tgt: 'kdc',
  'service-ticket': 'kdc',
  http: 'web',
  acceptor: 'web',
  smb: 'smb',
  delegation: 'kdc',
};

type F<K extends Fact['kind']> = Extract<Fact, { kind: K }>;
function all<K extends Fact['kind']>(s: CheckStep, kind: K): F<K>[] {
  return s.facts.filter((f): f is F<K> => f.kind === kind);
}

const SILENT = new Set(['timeout', 'no-answer', 'dropped', 'refused', 'unreachable']);

/**
 * The error a failing step got, as the arrow shows it, and whether anything answered at all (a timeout or a refused
 * port is drawn on the request: there is no reply arrow to colour).
 */
export function stepError(s: CheckStep): { text: string; silent: boolean } {
  const hop = all(s, 'delegation-hop').find((h) => !h.ok);
  if (hop)
    return {
      text: hop.errorName ? `KRB-ERROR ${hop.errorCode ?? ''} ${hop.errorName}`.replace('  ', ' ') : hop.detail,
      silent: !!hop.skipped,
    };
  const smb = all(s, 'smb-session').find((x) => x.outcome === 'fail');
  const errs = all(s, 'krb-error');
  const e = errs[errs.length - 1];
  if (e) return { text: `KRB-ERROR ${e.code} ${e.name}`, silent: false };
  if (smb)
    return {
      text: `${smb.failedStep ?? 'SMB'}: ${smb.ntStatus ?? smb.code ?? 'failed'}`,
      silent: smb.code === 'tcp-refused' || smb.code === 'tcp-timeout' || smb.code === 'timeout',
    };
  const bad = all(s, 'bad-reply')[0];
  if (bad) return { text: `not a ${bad.protocol} reply from ${bad.peer}: ${bad.detail}`, silent: false };
  const kdc = all(s, 'kdc-contact').filter((c) => c.outcome !== 'answered');
  const k = kdc[kdc.length - 1];
  if (k && all(s, 'kdc-reply').length === 0)
    return { text: `${k.address ?? k.kdc}:${k.port}/${k.transport}: ${k.outcome}${k.detail ? ` (${k.detail})` : ''}`, silent: true };
  const dns = all(s, 'dns-lookup').filter((d) => d.outcome !== 'answer');
  const d = dns[dns.length - 1];
  if (d) return { text: `${d.qtype} ${d.name}: ${d.outcome.toUpperCase()}`, silent: SILENT.has(d.outcome) };
  const port = all(s, 'port-probe').find((p) => p.outcome !== 'open');
  if (port) return { text: `${port.port}/${port.transport} on ${port.host}: ${port.outcome}`, silent: true };
  const http = all(s, 'http-response').filter((r) => r.status >= 400);
  const r = http[http.length - 1];
  if (r) return { text: `HTTP ${r.status}${r.challenges.length ? ` (${r.challenges.join(', ')})` : ''}: ${s.summary}`, silent: false };
  return { text: s.summary || 'failed', silent: false };
}

function requestLabel(s: CheckStep, r: CheckResult): string {
  switch (s.id) {
    case 'config':
      return 'read krb5.conf and the credentials';
    case 'resolve': {
      const host = all(s, 'spn-choice')[0]?.host ?? all(s, 'dns-lookup')[0]?.name;
      return host ? `A ${host}` : 'resolve the target name';
    }
    case 'discovery': {
      const srv = all(s, 'dns-lookup').filter((d) => d.qtype === 'SRV');
      return srv[0] ? `SRV ${srv[0].name}${srv.length > 1 ? ` (+${srv.length - 1})` : ''}` : 'find the KDC (DC locator)';
    }
    case 'ports': {
      const ports = [...new Set(all(s, 'port-probe').map((p) => `${p.port}/${p.transport}`))];
      return ports.length ? `connect ${ports.join(', ')}` : 'probe the ports';
    }
    case 'clock':
      return "ask for the KDC's time";
    case 'tgt': {
      const q = all(s, 'kdc-request').find((x) => x.msgType === 10);
      return q ? `AS-REQ ${(q.cname ?? []).join('/')}@${q.realm} for ${q.sname.join('/')}` : 'AS-REQ (TGT)';
    }
    case 'service-ticket': {
      const q = all(s, 'kdc-request').find((x) => x.msgType === 12);
      return `TGS-REQ ${q ? q.sname.join('/') : r.spn}`;
    }
    case 'http':
      return `GET ${r.target} (Authorization: Negotiate)`;
    case 'acceptor':
      return "open the ticket with the service's keytab";
    case 'smb': {
      const x = all(s, 'smb-session')[0];
      return x ? `SESSION_SETUP (Kerberos ${x.spn}) + TREE_CONNECT \\\\${x.server}\\${x.share}` : 'SMB2 session (cifs/)';
    }
    case 'delegation': {
      const p = all(s, 'delegation-hop').find((h) => h.step === 's4u2proxy');
      return p ? `S4U2Self + S4U2Proxy to ${p.to} as ${p.user}` : 'S4U2Self + S4U2Proxy (as the site)';
    }
  }
}

/** Lanes with what check saw in each role (addresses, names). */
function lanes(r: CheckResult): Lane[] {
  const facts = r.steps.flatMap((s) => s.facts);
  const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))].join(', ');
  const cred = facts.find((f): f is F<'credentials'> => f.kind === 'credentials');
  const dns = uniq(facts.map((f) => (f.kind === 'dns-lookup' ? f.server : undefined)));
  const kdc = uniq(facts.map((f) => (f.kind === 'kdc-contact' ? (f.address ?? f.kdc) : undefined)));
  const web = uniq(facts.map((f) => (f.kind === 'spn-choice' ? f.host : f.kind === 'http-response' ? f.server : undefined)));
  return [
    { id: 'client', title: 'Client', subtitle: cred?.principal ?? 'this machine' },
    { id: 'dns', title: 'DNS', ...(dns ? { subtitle: dns } : {}) },
    { id: 'kdc', title: 'DC/KDC', ...(kdc ? { subtitle: kdc } : {}) },
    { id: 'web', title: 'Web server', ...(web ? { subtitle: web } : {}) },
    // the SMB server of the isolation step (the same machine as the web site, or an smb:// target)
    ...(r.steps.some((s) => s.id === 'smb' && s.status !== 'skip')
      ? [
          {
            id: 'smb',
            title: 'SMB server',
            subtitle: all(r.steps.find((s) => s.id === 'smb') as CheckStep, 'smb-session')[0]?.address ?? '',
          },
        ]
      : []),
  ];
}

/** The arrows: per step its request (numbered like the text report's steps) and, when something answered, the reply. */
export function checkArrows(r: CheckResult): Arrow[] {
  const out: Arrow[] = [];
  r.steps.forEach((s, i) => {
    const n = String(i + 1);
    // no SMB lane unless the isolation step ran; the delegation step is drawn only when asked for (--delegate-to)
    if ((s.id === 'smb' || s.id === 'delegation') && s.status === 'skip') return;
    let peer = PEER[s.id];
    if (s.id === 'ports') {
      const bad = all(s, 'port-probe').find((p) => p.outcome !== 'open');
      if (bad && (bad.service === 'http' || bad.service === 'https')) peer = 'web';
    }
    // the acceptor check and delegation are the site's own doing (its keytab): drawn from the web server's lane
    const from = s.id === 'acceptor' || s.id === 'delegation' ? 'web' : 'client';
    const req = requestLabel(s, r);
    const status = STATUS[s.status];
    const tip = `${s.title}: ${s.summary}`;
    if (s.status === 'skip') {
      out.push({ from, to: peer, label: `${req} (skipped: ${s.summary})`, number: n, status, title: tip, ref: s.id });
      return;
    }
    if (from === peer) {
      const label = s.status === 'fail' ? stepError(s).text : `${req}: ${s.summary}`;
      out.push({ from, to: peer, label, number: n, status, title: tip, ref: s.id });
      return;
    }
    if (s.status === 'fail') {
      const e = stepError(s);
      if (e.silent) {
        out.push({ from, to: peer, label: `${req} → ${e.text}`, number: n, status: 'fail', title: tip, ref: s.id });
        return;
      }
      out.push({ from, to: peer, label: req, number: n, status: 'ok', title: tip, ref: s.id });
      out.push({ from: peer, to: from, label: e.text, status: 'fail', reply: true, title: tip, ref: s.id });
      return;
    }
    out.push({ from, to: peer, label: req, number: n, status: 'ok', title: tip, ref: s.id });
    out.push({ from: peer, to: from, label: s.summary, status, reply: true, title: tip, ref: s.id });
  });
  return out;
}

function stepsTable(r: CheckResult): string {
  const rows = r.steps.map(
    (s, i) =>
      `<tr class="s-${s.status}" id="step-${h(s.id)}" data-step="${h(s.id)}"><td class="n">${i + 1}</td><td class="mark">${MARK[s.status]}</td><td>${h(s.title)}</td><td class="n">${s.ms} ms</td><td>${h(s.summary)}</td></tr>`,
  );
  return `<table class="steps"><thead><tr><th>#</th><th></th><th>Step</th><th>Time</th><th>What it saw</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function factsHtml(r: CheckResult): string {
  const blocks = r.steps.map((s, i) => {
    const body = s.facts.length
      ? s.facts
          .map((f) => {
            const { where, kind, ...rest } = f as { where: { label: string }; kind: string } & Record<string, unknown>;
            return `<h4>${h(kind)} <span class="sub">${h(where.label)}</span></h4>${kvTable(Object.entries(rest))}`;
          })
          .join('\n')
      : '<p>(no facts)</p>';
    return details(
      `${i + 1}. ${MARK[s.status]} ${s.title} — ${s.facts.length} fact${s.facts.length === 1 ? '' : 's'}`,
      body,
      s.status === 'fail',
    );
  });
  return detailsToolbar() + blocks.join('\n');
}

export interface CheckHtmlOptions {
  /** footer text, e.g. the command line */
  generator?: string;
}

export function renderCheckHtml(r: CheckResult, o: CheckHtmlOptions = {}): string {
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const failed = r.steps.findIndex((s) => s.status === 'fail');
  const diagram = renderSequence({
    title: `The authentication flow checked against ${r.target}`,
    lanes: lanes(r),
    arrows: checkArrows(r),
  });
  return renderPage({
    title: `kerbscope check ${r.target}`,
    subtitle: [`SPN ${r.spn} · client profile ${r.client}`],
    verdict: errors
      ? {
          bad: true,
          text: `${errors} error finding${errors > 1 ? 's' : ''}${failed >= 0 ? `; step ${failed + 1} failed` : ''}; the root cause is listed first.`,
        }
      : { bad: false, text: 'No error finding.' },
    sections: [
      section('flow', 'The flow', diagram),
      section('findings', 'Findings', findingsHtml(r.findings)),
      section('steps', 'Steps', stepsTable(r)),
      section('facts', 'What each step observed', factsHtml(r)),
    ],
    ...(o.generator ? { generator: o.generator } : {}),
  });
}
