/**
 * Hostile text (issue 6): evidence holding ESC/OSC/BEL/CR/LF/bidi must not reach the terminal raw, and fix commands
 * built from evidence must be quoted for their shell or refused. Expected values are written out by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fact } from '../../src/facts/fact.js';
import { escapeHtml, escapeText } from '../../src/report/escape.js';
import { renderFindings } from '../../src/report/findings-text.js';
import { evaluate } from '../../src/rules/index.js';
import { quoteArg, sh, Unquotable, win } from '../../src/rules/shell.js';

const HOSTILE = ['\x1b[31mred', '\x1b]0;title\x07', 'a\nFindings: none', 'a\rb', 'x\u202ey', '$(id)', '`id`', "it's", '%PATH%', 'a^b'];

describe('escapeText', () => {
  it('makes control, bidi and invisible characters visible', () => {
    assert.equal(escapeText('\x1b[31mred'), '\\x1b[31mred');
    assert.equal(escapeText('\x1b]0;t\x07'), '\\x1b]0;t\\x07');
    assert.equal(escapeText('a\nb\r\tc'), 'a\\nb\\r\\tc');
    assert.equal(escapeText('x\u202ey\u200b\u009b'), 'x\\u202ey\\u200b\\u009b');
    assert.equal(escapeText('CONTOSO\\john'), 'CONTOSO\\john');
    assert.equal(escapeHtml('<b a="1">'), '&lt;b a=&quot;1&quot;&gt;');
  });
});

describe('fix commands', () => {
  it('quotes for POSIX sh and for cmd/PowerShell, refuses what cannot be quoted', () => {
    assert.equal(sh`kinit ${'john@CONTOSO.COM'}`, 'kinit john@CONTOSO.COM');
    assert.equal(sh`kinit ${'$(id)'}`, "kinit '$(id)'");
    assert.equal(sh`kinit ${"it's"}`, "kinit 'it'\\''s'");
    assert.equal(win`setspn -Q ${'HTTP/web.contoso.com'}`, 'setspn -Q HTTP/web.contoso.com');
    assert.equal(win`setspn -S ${'HTTP/a b'} x`, 'setspn -S "HTTP/a b" x');
    assert.equal(win`x ${'WEB01$'}`, 'x WEB01$');
    for (const bad of ['%PATH%', 'a!b', '$(id)', '`id`', 'a"b', 'a\nb']) assert.ok(quoteArg(bad, 'windows') instanceof Unquotable, bad);
    assert.match(win`setspn -Q ${'HTTP/%PATH%'}`, /^\(command not printed: .*cmd\.exe\/PowerShell/);
    assert.ok(quoteArg('a\x1bb', 'posix') instanceof Unquotable);
  });

  it('a crafted SPN in a KRB-ERROR: every finding line is escaped, every command quoted or refused', () => {
    for (const h of HOSTILE) {
      const facts: Fact[] = [
        {
          kind: 'krb-error',
          where: { label: `input ${h}` },
          code: 7,
          name: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
          from: 'kdc',
          sname: ['HTTP', h],
          realm: h,
          cname: [h],
        },
        {
          kind: 'krb-error',
          where: { label: 'x' },
          code: 18,
          name: 'KDC_ERR_CLIENT_REVOKED',
          from: 'kdc',
          sname: ['krbtgt', 'R'],
          realm: 'R',
          cname: [h],
        },
      ];
      const findings = evaluate(facts);
      assert.ok(findings.length >= 2);
      const text = renderFindings(findings);
      assert.ok(!/[\x00-\x08\x0b-\x1f\x7f\u202e]/.test(text), `raw control character in the text for ${JSON.stringify(h)}`);
      assert.ok(!text.split('\n').some((l) => l.startsWith('Findings: none')), 'no forged line');
      for (const f of findings)
        for (const fix of f.fix) {
          if (/\$\(id\)|`id`/.test(h) && fix.includes(h)) assert.ok(fix.includes(`'${h}'`) || fix.startsWith('(command not printed'), fix);
          if (h === '%PATH%' && fix.startsWith('setspn') && fix.includes('%PATH%')) assert.fail(`unquotable value printed in ${fix}`);
        }
    }
  });

  it('no fix hard-codes CONTOSO; the NetBIOS domain comes from the evidence', () => {
    const f = evaluate([
      {
        kind: 'krb-error',
        where: { label: 'x' },
        code: 7,
        name: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
        from: 'kdc',
        sname: ['HTTP', 'web.fabrikam.com'],
        realm: 'FABRIKAM.COM',
      },
    ]);
    const fixes = f.flatMap((x) => x.fix).join('\n');
    assert.ok(!fixes.includes('CONTOSO'));
    assert.match(fixes, /setspn -S HTTP\/web\.fabrikam\.com <DOMAIN>\\<service-account>/);
    const g = evaluate([
      {
        kind: 'krb-error',
        where: { label: 'x' },
        code: 7,
        name: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
        from: 'kdc',
        sname: ['HTTP', 'web.fabrikam.com'],
        realm: 'FABRIKAM.COM',
      },
      { kind: 'ntlm-message', where: { label: 'y' }, messageType: 3, viaNegotiate: true, domain: 'FABRIKAM', user: 'bob' },
    ]);
    assert.match(g.flatMap((x) => x.fix).join('\n'), /setspn -S HTTP\/web\.fabrikam\.com FABRIKAM\\<service-account>/);
  });
});
