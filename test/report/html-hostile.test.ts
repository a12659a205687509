/**
 * Hostile evidence in the HTML report: principal names, realms, URLs, addresses, NTLM names and event fields holding
 * markup, quote breaks, </style>, ]]>, script URLs and bidi/control characters reach every renderer (check, trace,
 * events, decode, the diagram's lanes and arrows, tables, <details>, findings and fix commands). Nothing of it may
 * come out executable or as markup: the strict reading (auditReport: our tags, quoted attributes, our one script and
 * style, no handler, no resource, no raw bidi) must pass, and each string must be visible as escaped text.
 * The findings come from the real rulebook over facts carrying the hostile names; decode goes through the real
 * decoder (a KRB-ERROR encoded by the real encoder with the hostile names in it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TraceResult, TraceRow } from '../../src/capture/model.js';
import { CHECK_STEPS, type CheckResult } from '../../src/check/model.js';
import type { EventsReport } from '../../src/events/model.js';
import type { Fact } from '../../src/facts/fact.js';
import { inspectEvidence } from '../../src/inspect/evidence.js';
import { KeySet } from '../../src/inspect/keys.js';
import * as krb5 from '../../src/protocol/krb5/index.js';
import { escapeHtml } from '../../src/report/escape.js';
import { auditReport, renderCheckHtml, renderDecodeHtml, renderEventsHtml, renderTraceHtml } from '../../src/report/html/index.js';
import { evaluate, type Finding } from '../../src/rules/index.js';

const H = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</style><style>*{background:url(http://evil.example/)}</style>',
  ']]><!--',
  'x\u202egnp.exe\u2066',
  'javascript:alert(1)',
  '<svg onload=alert(1)>',
  '&lt;b&gt;',
  'a\nFindings: none\x1b[31m',
  'http://evil.example/x.js',
];
const ALL = H.join(' ');

function assertInert(html: string, what: string): void {
  assert.deepEqual(auditReport(html), [], what);
  assert.equal((html.match(/<script/gi) ?? []).length, 1, `${what}: one script, ours`);
  assert.equal((html.match(/<\/style/gi) ?? []).length, 1, `${what}: one </style>, ours`);
  assert.doesNotMatch(html, /<img|<svg onload|onerror=alert\(1\)>|<!--/, what);
  assert.doesNotMatch(html, /[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f]/, `${what}: raw bidi or control character`);
  // each hostile string is on the page, as text: escapeHtml of its visible form
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${what}: the script name shown as text`);
  assert.ok(html.includes('x\\u202egnp.exe\\u2066'), `${what}: bidi made visible`);
}

/** Facts a client could really observe, with the hostile names where evidence puts names. */
function hostileFacts(step?: string): Fact[] {
  const where = { label: `step 7 ${H[1]}`, ...(step ? { step } : {}) };
  return [
    {
      kind: 'krb-error',
      where,
      code: 7,
      name: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
      from: 'kdc',
      sname: ['HTTP', H[0] as string],
      realm: H[5] as string,
      cname: [H[2] as string],
      eText: ALL,
    },
    {
      kind: 'krb-error',
      where,
      code: 18,
      name: 'KDC_ERR_CLIENT_REVOKED',
      from: 'kdc',
      sname: ['krbtgt', H[3] as string],
      realm: H[4] as string,
      cname: [H[7] as string],
    },
    {
      kind: 'ntlm-message',
      where,
      messageType: 3,
      viaNegotiate: true,
      domain: H[1] as string,
      user: H[0] as string,
      workstation: H[5] as string,
    },
  ] as Fact[];
}

/** A finding written by hand with hostile text in every field the page shows (ids included). */
const handFinding: Finding = {
  id: `spn-missing${H[1]}`,
  severity: 'error',
  step: 'spn',
  title: ALL,
  explanation: ALL,
  evidence: H,
  fix: [`setspn -Q ${H[0]}`, `(${H[2]})`, `${H[3]}.`, H[6] as string],
  count: 3,
  firstSeen: H[1],
  lastSeen: H[4],
  refs: [{ frame: 1, label: H[0] }],
  explainedBy: H[2],
};

describe('HTML report: hostile evidence', () => {
  it('check: target, SPN, step summaries, facts and findings with markup and bidi', () => {
    const facts = hostileFacts('service-ticket');
    const r: CheckResult = {
      schemaVersion: 1,
      target: `http://evil.example/${H[0]}${H[1]}`,
      spn: `HTTP/${H[0]}`,
      client: 'mit',
      steps: CHECK_STEPS.map((s) => ({
        id: s.id,
        title: s.title,
        status: s.id === 'service-ticket' ? 'fail' : s.id === 'acceptor' ? 'skip' : s.id === 'ports' ? 'warn' : 'pass',
        ms: 1,
        summary: ALL,
        facts:
          s.id === 'service-ticket'
            ? facts
            : s.id === 'config'
              ? [{ kind: 'credentials', where: { label: H[0] as string }, source: 'password', principal: ALL }]
              : [],
      })) as CheckResult['steps'],
      findings: [handFinding, ...evaluate(facts)],
    };
    const html = renderCheckHtml(r);
    assertInert(html, 'check');
    assert.ok(html.includes('KRB-ERROR 18 KDC_ERR_CLIENT_REVOKED'), 'the red arrow still says what failed (the last error of the step)');
    assert.ok(html.includes(`data-finding="${escapeHtml(handFinding.id)}"`));
  });

  it('trace: addresses, summaries, names and conversations with markup and bidi', () => {
    const rows: TraceRow[] = H.map((x, i) => ({
      frame: i + 1,
      time: x,
      src: i % 2 ? (H[1] as string) : (H[0] as string),
      dst: i % 2 ? (H[0] as string) : (H[1] as string),
      protocol: i % 3 === 0 ? 'KerberosV5' : i % 3 === 1 ? 'HTTP' : x,
      summary: `${x} Request`,
      ...(i === 3 ? { failed: true } : {}),
    }));
    const r: TraceResult = {
      schemaVersion: 1,
      capture: { format: H[0] as string, byteOrder: 'le', linkTypes: [1], bytes: 1 },
      packets: rows.length,
      messages: [
        {
          frame: 1,
          time: H[1] as string,
          src: H[0] as string,
          dst: H[1] as string,
          transport: 'udp',
          msgType: 30,
          msgName: H[0] as string,
          realm: H[5],
          sname: [H[0] as string],
          errorCode: 7,
          errorName: H[1],
          eText: ALL,
        },
        {
          frame: 4,
          time: 'x',
          src: H[1] as string,
          dst: H[0] as string,
          transport: 'smb2',
          msgType: 14,
          msgName: 'AP-REQ',
          sname: ['cifs', H[3] as string],
        },
      ],
      http: [
        {
          frame: 2,
          time: 'x',
          src: H[0] as string,
          dst: H[2] as string,
          method: H[1],
          uri: H[0],
          host: H[3],
          scheme: H[5],
          tokenMessage: H[0],
        },
      ],
      dns: [
        {
          frame: 3,
          time: 'x',
          src: H[0] as string,
          dst: H[6] as string,
          id: 1,
          response: true,
          name: H[0] as string,
          qtype: H[1] as string,
          rcode: 'NOERROR',
          answers: [{ name: H[2] as string, type: 'A', data: H[5] as string, ttl: 1 }],
        },
      ],
      problems: [
        { kind: 'dissector', message: ALL, frame: 2, protocol: H[0] },
        { kind: 'file', message: H[1] as string, offset: 3, block: H[4] },
      ],
      findings: [handFinding, ...evaluate(hostileFacts())],
      conversations: [
        {
          client: H[0] as string,
          service: `http://${H[1]}`,
          spn: H[5],
          steps: [{ step: 'ap-req', frame: 2, summary: ALL, ok: false }],
          failedStep: H[2],
          outcome: 'failed',
        },
      ],
    };
    const html = renderTraceHtml(r, rows, { file: ALL, diagramLimit: 5 });
    assertInert(html, 'trace');
  });

  it('events: accounts, services, clients, event ids, files and damage with markup and bidi', () => {
    const findings = evaluate(hostileFacts()).map((f) => ({
      ...f,
      involved: { accounts: H, services: H, clients: H },
      refs: [{ record: 7 }],
    }));
    const tally = {
      name: ALL,
      failures: 2,
      codes: { [H[0] as string]: 1, [H[5] as string]: 1 },
      clients: H,
      firstSeen: H[1],
      lastSeen: H[2],
    };
    const r: EventsReport = {
      schemaVersion: 1,
      records: 1,
      rejected: 0,
      lost: 0,
      matched: 1,
      files: [{ file: ALL, format: 'evtx', records: 1, rejected: 0, lost: 0 }],
      byEventId: { [H[0] as string]: 1, [H[5] as string]: 2 },
      problems: [{ file: ALL, severity: 'error', code: H[1] as string, message: ALL, offset: 1, record: 2 }],
      findings: [{ ...handFinding, involved: { accounts: H, services: H, clients: H } }, ...findings],
      accounts: [tally],
      services: [tally],
    };
    const html = renderEventsHtml(r, { filters: ALL });
    assertInert(html, 'events');
  });

  it('decode: a real KRB-ERROR token whose names hold markup, through the real decoder and rulebook', () => {
    const token = krb5.encodeKrbError({
      pvno: 5,
      msgType: 30,
      stime: new Date('2026-01-01T00:00:00Z'),
      susec: 0,
      errorCode: 7,
      realm: `${H[3]}${H[4]}${H[5]}`,
      sname: { nameType: 2, nameString: ['HTTP', H[0] as string] },
      crealm: H[7],
      cname: { nameType: 1, nameString: [H[1] as string] },
      eText: `${H[10]} ${H[2]}`,
    } as never);
    const res = inspectEvidence(
      [
        { label: H[0] as string, text: `WWW-Authenticate: Negotiate ${Buffer.from(token).toString('base64')}` },
        { label: H[1] as string, bytes: token },
      ],
      new KeySet(),
    );
    assert.equal(res.items.length, 2);
    const html = renderDecodeHtml({ items: res.items, unusable: [ALL], findings: evaluate(res.facts) });
    assertInert(html, 'decode');
    assert.ok(html.includes('KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN'));
  });

  it('degenerate models render too: nothing to draw, no findings', () => {
    const empty = renderTraceHtml(
      {
        schemaVersion: 1,
        capture: { format: 'pcap', byteOrder: 'le', linkTypes: [], bytes: 0 },
        packets: 0,
        messages: [],
        http: [],
        dns: [],
        problems: [],
        findings: [],
      },
      [],
    );
    assert.deepEqual(auditReport(empty), []);
    assert.match(empty, /\(nothing to draw\)/);
    assert.deepEqual(auditReport(renderDecodeHtml({ items: [], findings: [] })), []);
    assert.deepEqual(
      auditReport(
        renderEventsHtml({
          schemaVersion: 1,
          records: 0,
          rejected: 0,
          lost: 0,
          matched: 0,
          files: [],
          byEventId: {},
          problems: [],
          findings: [],
          accounts: [],
          services: [],
        }),
      ),
      [],
    );
  });
});
