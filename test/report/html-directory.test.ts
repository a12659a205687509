// The delegation and token-size HTML reports with hostile directory values: everything escaped, the CSP'd page
// keeps its single script, and the chain's arrows say which hop failed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DelegationReport } from '../../src/delegation/audit.js';
import { delegationArrows, renderDelegationHtml, renderTokenSizeHtml } from '../../src/report/html/directory.js';

const EVIL = '<img src=x onerror=alert(1)>"\'&';

const report: DelegationReport = {
  schemaVersion: 1,
  frontEnd: `svc${EVIL}`,
  kind: 'constrained',
  allowedTo: [`cifs/${EVIL}`],
  hops: [
    { from: 'john@CONTOSO.COM', to: `svc${EVIL}@CONTOSO.COM`, ok: true, step: 's4u2self', proof: 'kdc', forwardable: false },
    {
      from: `svc${EVIL}@CONTOSO.COM`,
      to: 'cifs/fs1@CONTOSO.COM',
      ok: false,
      error: 'KDC_ERR_BADOPTION (13)',
      step: 's4u2proxy',
      proof: 'kdc',
    },
  ],
  findings: [
    {
      id: 'delegation-protocol-transition',
      severity: 'error',
      step: 'delegation',
      title: `svc${EVIL} cannot use protocol transition`,
      explanation: EVIL,
      evidence: [EVIL],
      fix: [`Set-ADAccountControl -Identity 'CN=${EVIL}' -TrustedToAuthForDelegation $true`],
    },
  ],
  realm: 'CONTOSO.COM',
  account: {
    account: `svc${EVIL}`,
    dn: `CN=${EVIL},DC=contoso,DC=com`,
    objectClass: 'user',
    uacFlags: ['UF_NORMAL_ACCOUNT'],
    spns: [`HTTP/${EVIL}`],
  },
  protocolTransition: false,
  target: {
    spn: 'cifs/fs1',
    inAllowedTo: false,
    owners: [{ account: `FS1${EVIL}$`, dn: `CN=${EVIL}`, objectClass: 'computer' }],
    rbcd: { allowed: [{ sid: 'S-1-5-21-1-2-3-1105', account: EVIL }], frontEndAllowed: false },
  },
  user: { account: EVIL, found: true, notDelegated: false, protectedUsers: false },
};

function assertEscaped(html: string): void {
  assert.ok(!html.includes('<img'), 'no raw tag from the evidence');
  assert.ok(!/onerror=alert\(1\)>/.test(html.replace(/&gt;/g, '')), 'the attribute text is escaped');
  assert.equal((html.match(/<script>/g) ?? []).length, 1, "only the page's own script");
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
}

describe('delegation and token-size HTML', () => {
  it('the chain: S4U2Self warns (not forwardable), S4U2Proxy fails with the KDC error', () => {
    const a = delegationArrows(report);
    assert.deepEqual(
      a.map((x) => `${x.from}>${x.to}:${x.status}`),
      ['front>kdc:ok', 'kdc>front:warn', 'front>kdc:fail', 'kdc>front:fail'],
    );
    assert.match(a[3]?.label ?? '', /KRB-ERROR KDC_ERR_BADOPTION \(13\)/);
  });
  it('every hostile value is escaped in the delegation report', () => {
    const html = renderDelegationHtml(report, { head: `on dc1 as ${EVIL}` });
    assertEscaped(html);
    assert.match(html, /S4U2Proxy/);
  });
  it('every hostile value is escaped in the token-size report, and the limits say over/within', () => {
    const html = renderTokenSizeHtml(
      {
        user: EVIL,
        dn: `CN=${EVIL}`,
        groups: { global: 700, total: 700 },
        sidHistory: 0,
        estimate: { s: 700, d: 1, tokenBytes: 6840, headerBytes: 9145 },
        limits: [
          { name: 'Apache LimitRequestFieldSize', limit: 8190, of: 'header', value: 9145, exceeded: true },
          { name: 'HTTP.sys MaxFieldLength', limit: 16384, of: 'header', value: 9145, exceeded: false },
        ],
        findings: [],
      },
      { head: EVIL },
    );
    assertEscaped(html);
    assert.match(html, /Over Apache LimitRequestFieldSize/);
    assert.match(html, /✘ over/);
  });
});
