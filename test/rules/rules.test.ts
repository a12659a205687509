/** The rulebook on hand-made facts: each rule fires on its evidence, stays quiet otherwise, and findings come in the walk-through's order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fact } from '../../src/facts/fact.js';
import { evaluate, RULES, STEPS } from '../../src/rules/index.js';

const where = { label: 'input 1' };
const krbError = (code: number, name: string, extra: Partial<Extract<Fact, { kind: 'krb-error' }>> = {}): Fact => ({
  kind: 'krb-error',
  where,
  code,
  name,
  from: 'service',
  sname: ['HTTP', 'iisserver.contoso.com'],
  realm: 'CONTOSO.COM',
  ...extra,
});
const ids = (facts: Fact[]) => evaluate(facts).map((f) => f.id);

describe('rulebook', () => {
  it('maps each KRB-ERROR to its rule', () => {
    assert.deepEqual(ids([krbError(7, 'KDC_ERR_S_PRINCIPAL_UNKNOWN', { from: 'kdc' })]), ['spn-missing']);
    assert.deepEqual(ids([krbError(7, 'KDC_ERR_S_PRINCIPAL_UNKNOWN', { from: 'kdc', sname: ['HTTP', '10.201.0.11'] })]), ['url-is-ip']);
    assert.deepEqual(ids([krbError(7, 'KDC_ERR_S_PRINCIPAL_UNKNOWN', { from: 'kdc', sname: ['HTTP', 'portsrv.contoso.com:8080'] })]), [
      'spn-port',
    ]);
    assert.deepEqual(ids([krbError(37, 'KRB_AP_ERR_SKEW')]), ['clock-skew']);
    assert.deepEqual(ids([krbError(33, 'KRB_AP_ERR_TKT_NYV')]), ['clock-skew']);
    assert.deepEqual(ids([krbError(41, 'KRB_AP_ERR_MODIFIED')]), ['keytab-wrong-key']);
    assert.deepEqual(ids([krbError(31, 'KRB_AP_ERR_BAD_INTEGRITY')]), ['keytab-wrong-key']);
    assert.deepEqual(ids([krbError(44, 'KRB_AP_ERR_BADKEYVER')]), ['keytab-stale-kvno']);
    assert.deepEqual(ids([krbError(45, 'KRB_AP_ERR_NOKEY')]), ['keytab-missing-enctype']);
    assert.deepEqual(ids([krbError(35, 'KRB_AP_ERR_NOT_US')]), ['ticket-not-for-server']);
    assert.deepEqual(ids([krbError(14, 'KDC_ERR_ETYPE_NOSUPP', { from: 'kdc' })]), ['enctype-unsupported']);
    assert.deepEqual(ids([krbError(24, 'KDC_ERR_PREAUTH_FAILED', { from: 'kdc' })]), ['bad-password']);
    assert.deepEqual(ids([krbError(6, 'KDC_ERR_C_PRINCIPAL_UNKNOWN', { from: 'kdc' })]), ['unknown-user']);
    assert.deepEqual(ids([krbError(23, 'KDC_ERR_KEY_EXPIRED', { from: 'kdc' })]), ['password-expired']);
    assert.deepEqual(ids([krbError(68, 'KDC_ERR_WRONG_REALM', { from: 'kdc' })]), ['krb-error']);
  });

  it('CLIENT_REVOKED says disabled vs locked from the NTSTATUS', () => {
    const [d] = evaluate([krbError(18, 'KDC_ERR_CLIENT_REVOKED', { ntStatusName: 'STATUS_ACCOUNT_DISABLED', cname: ['john'] })]);
    assert.match(d?.title ?? '', /disabled/);
    assert.equal(d?.id, 'account-disabled');
    const [l] = evaluate([krbError(18, 'KDC_ERR_CLIENT_REVOKED', { ntStatusName: 'STATUS_ACCOUNT_LOCKED_OUT', cname: ['john'] })]);
    assert.match(l?.title ?? '', /locked out/);
    assert.equal(l?.id, 'account-locked');
    const [u] = evaluate([krbError(18, 'KDC_ERR_CLIENT_REVOKED', { cname: ['john'] })]);
    assert.match(u?.title ?? '', /disabled, locked out or expired/);
  });

  it('PREAUTH_REQUIRED is a normal step, reported as info only', () => {
    const f = evaluate([krbError(25, 'KDC_ERR_PREAUTH_REQUIRED', { from: 'kdc' })]);
    assert.equal(f.length, 1);
    assert.equal(f[0]?.severity, 'info');
  });

  it('NTLM from the client is the fallback sign; the server CHALLENGE alone is not', () => {
    assert.deepEqual(ids([{ kind: 'ntlm-message', where, messageType: 1, viaNegotiate: true }]), ['ntlm-fallback']);
    assert.deepEqual(ids([{ kind: 'ntlm-message', where, messageType: 2, viaNegotiate: true }]), []);
    assert.deepEqual(ids([{ kind: 'ntlm-message', where, messageType: 3, viaNegotiate: true, ntlmVersion: 'ntlmv1' }]).sort(), [
      'ntlm-fallback',
      'ntlmv1',
    ]);
  });

  it('a 401 offering only NTLM is flagged; Negotiate + NTLM is not', () => {
    const ch = (scheme: string): Fact => ({
      kind: 'auth-header',
      where: { label: scheme },
      direction: 'response',
      scheme,
      hasToken: false,
    });
    assert.deepEqual(ids([ch('NTLM')]), ['ntlm-only']);
    // a bare Negotiate challenge with no client token: the client never tried (issue 6)
    assert.deepEqual(ids([ch('Negotiate'), ch('NTLM')]), ['negotiate-not-attempted']);
    const token: Fact = { kind: 'auth-header', where, direction: 'request', scheme: 'Negotiate', hasToken: true };
    assert.deepEqual(ids([ch('Negotiate'), ch('NTLM'), token]), []);
  });

  it('kvno equal, enctype missing: the missing enctype is the cause, no password change is claimed', () => {
    const f = evaluate([
      krbError(44, 'KRB_AP_ERR_BADKEYVER'),
      {
        kind: 'ticket-decrypt',
        where,
        status: 'enctype-missing',
        detail: 'x',
        principal: 'HTTP/iisserver.contoso.com@CONTOSO.COM',
        enctype: 18,
        kvno: 3,
        keyKvnos: [3],
        keyEnctypes: [17],
      },
    ]);
    assert.equal(f[0]?.id, 'keytab-missing-enctype');
    assert.ok(!f.some((x) => x.id === 'keytab-stale-kvno'), 'no stale-kvno finding when the keys prove the enctype is missing');
  });

  it('token size: over the limits, and quiet under them', () => {
    const pac = (groups: number, other: number, tokenBytes: number): Fact => ({
      kind: 'pac-size',
      where,
      groupsInDomain: groups,
      otherSids: other,
      estimate: 1200 + 40 * other + 8 * groups,
      tokenBytes,
      headerBytes: 25 + 4 * Math.ceil(tokenBytes / 3),
    });
    assert.deepEqual(ids([pac(20, 2, 1500)]), []);
    const big = evaluate([pac(1500, 300, 14000)]);
    assert.equal(big[0]?.id, 'token-too-large');
    assert.equal(big[0]?.severity, 'error');
  });

  it('ticket decryption outcomes map to the acceptor’s errors', () => {
    const d = (status: string, extra: Partial<Extract<Fact, { kind: 'ticket-decrypt' }>> = {}): Fact => ({
      kind: 'ticket-decrypt',
      where,
      status,
      detail: status,
      principal: 'HTTP/iisserver.contoso.com@CONTOSO.COM',
      enctype: 18,
      kvno: 3,
      keyKvnos: [2],
      keyEnctypes: [18],
      ...extra,
    });
    assert.deepEqual(ids([d('wrong-key')]), ['keytab-wrong-key']);
    assert.deepEqual(ids([d('kvno-mismatch')]), ['keytab-stale-kvno']);
    assert.deepEqual(ids([d('enctype-missing', { keyEnctypes: [17] })]), ['keytab-missing-enctype']);
    assert.deepEqual(ids([d('not-us')]), ['ticket-not-for-server']);
    assert.deepEqual(ids([d('decrypted', { keyKvno: 3 })]), []);
    assert.deepEqual(ids([d('decrypted', { keyKvno: 12 })]), ['keytab-stale-kvno']);
  });

  it('orders findings by the walk-through’s steps', () => {
    const f = evaluate([
      krbError(41, 'KRB_AP_ERR_MODIFIED'),
      krbError(37, 'KRB_AP_ERR_SKEW'),
      { kind: 'decode-error', where, code: 'ERR_TRUNCATED', message: 'x' },
    ]);
    // errors first, in the walk-through's order (clock before the web server); the damaged input after them
    assert.deepEqual(
      f.map((x) => x.id),
      ['clock-skew', 'keytab-wrong-key', 'malformed-input'],
    );
    const order = Object.keys(STEPS);
    const errs = f.filter((x) => x.severity === 'error').map((x) => order.indexOf(x.step));
    assert.deepEqual(
      errs,
      [...errs].sort((a, b) => a - b),
    );
  });

  it('every rule has a stable kebab-case id and a known step, and every finding a fix', () => {
    for (const r of RULES) {
      assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(r.step in STEPS);
    }
    const all = evaluate([
      krbError(7, 'x'),
      krbError(37, 'x'),
      krbError(18, 'x'),
      { kind: 'ntlm-message', where, messageType: 3, viaNegotiate: true },
    ]);
    for (const f of all) assert.ok(f.fix.length > 0 && f.evidence.length > 0, f.id);
  });
});

describe('evaluate: explained findings', () => {
  const rule = (id: string, explains: string[] = [], severity: 'error' | 'warning' = 'error') => ({
    id,
    step: 'kdc' as const,
    explains,
    evaluate: () => [{ id, severity, step: 'kdc' as const, title: id, explanation: id, evidence: [], fix: [] }],
  });
  it('a → b → c: c and b are explained by the root a, which ranks first', () => {
    const f = evaluate([], [rule('c'), rule('b', ['c']), rule('a', ['b'], 'warning')] as never);
    assert.deepEqual(
      f.map((x) => [x.id, x.explainedBy]),
      [
        ['a', undefined],
        ['c', 'a'],
        ['b', 'a'],
      ],
    );
  });
  it('two findings that explain each other: the more severe one is the cause', () => {
    const f = evaluate([], [rule('x', ['y'], 'warning'), rule('y', ['x'])] as never);
    assert.deepEqual(
      f.map((x) => [x.id, x.explainedBy]),
      [
        ['y', undefined],
        ['x', 'y'],
      ],
    );
    const g = evaluate([], [rule('x', ['y']), rule('y', ['x'])] as never);
    assert.deepEqual(
      g.map((x) => [x.id, x.explainedBy]),
      [
        ['x', undefined],
        ['y', 'x'],
      ],
      'same severity and step: the earlier rule',
    );
  });
  it('a longer cycle does not hang', () => {
    const f = evaluate([], [rule('p', ['q']), rule('q', ['r']), rule('r', ['p'])] as never);
    assert.equal(f.length, 3);
  });
});
