// The directory's answer in check's facts: two owners make spn-duplicate the root cause (it explains the KDC's
// "unknown"), with a quoted setspn -D per account; no owner adds the directory's word to spn-missing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fact } from '../../src/facts/fact.js';
import { evaluate } from '../../src/rules/index.js';

const seven: Fact = {
  kind: 'krb-error',
  where: { label: 'step 7', step: 'service-ticket' },
  code: 7,
  name: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
  from: 'kdc',
  sname: ['HTTP', 'iisserver.contoso.com'],
  realm: 'CONTOSO.COM',
};
const dir = (owners: string[], error?: string): Fact => ({
  kind: 'directory-spn',
  where: { label: 'step 7', step: 'service-ticket' },
  spn: 'HTTP/iisserver.contoso.com',
  dc: 'dc1.contoso.com (10.0.0.10)',
  owners: owners.map((a) => ({ account: a, dn: `CN=${a},CN=Users,DC=contoso,DC=com`, objectClass: 'user' })),
  ...(error ? { error } : {}),
});

describe('directory facts in the rulebook', () => {
  it('two owners: spn-duplicate first, spn-missing explained by it', () => {
    const f = evaluate([seven, dir(['svcaccount', 'svcaccount2'])]);
    assert.deepEqual(
      f.map((x) => `${x.id}${x.explainedBy ? ` (by ${x.explainedBy})` : ''}`),
      ['spn-duplicate', 'spn-missing (by spn-duplicate)'],
    );
    assert.deepEqual(f[0]?.fix.slice(0, 2), [
      'setspn -D HTTP/iisserver.contoso.com svcaccount',
      'setspn -D HTTP/iisserver.contoso.com svcaccount2',
    ]);
  });

  it('no owner: spn-missing, with the directory as evidence; a failed search says nothing', () => {
    const none = evaluate([seven, dir([])]);
    assert.deepEqual(
      none.map((x) => x.id),
      ['spn-missing'],
    );
    assert.ok(none[0]?.evidence.some((e) => /the directory \(dc1\.contoso\.com \(10\.0\.0\.10\)\) has no account/.test(e)));
    const failed = evaluate([seven, dir([], 'bind failed')]);
    assert.deepEqual(
      failed.map((x) => x.id),
      ['spn-missing'],
    );
    assert.ok(!failed[0]?.evidence.some((e) => /the directory/.test(e)));
  });

  it('a hostile account name is quoted or refused in setspn -D, never pasted raw', () => {
    const f = evaluate([seven, dir(['a&calc', 'b'])]);
    assert.ok(!f[0]?.fix.includes('setspn -D HTTP/iisserver.contoso.com a&calc'), f[0]?.fix.join('\n'));
  });
});
