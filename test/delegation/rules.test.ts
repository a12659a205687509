// The delegation rules from facts shaped as `kerbscope delegation` makes them: each configuration gives its own root
// cause, the KDC's refusal is explained by it, and the live proof changes severities where it contradicts the settings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frontEndFilter } from '../../src/delegation/directory.js';
import type { Fact } from '../../src/facts/fact.js';
import { evaluate } from '../../src/rules/index.js';

type Config = Extract<Fact, { kind: 'delegation-config' }>;
type Hop = Extract<Fact, { kind: 'delegation-hop' }>;
const where = { label: 'delegation', step: 'delegation' };

function config(o: Partial<Config> & { uac?: string[] } = {}): Config {
  const { uac, ...rest } = o;
  return {
    kind: 'delegation-config',
    where,
    realm: 'CONTOSO.COM',
    frontEnd: {
      account: 'svc-web',
      dn: 'CN=svc-web,CN=Users,DC=contoso,DC=com',
      objectClass: 'user',
      uacFlags: uac ?? ['UF_NORMAL_ACCOUNT'],
      spns: ['HTTP/web.contoso.com'],
    },
    delegationKind: 'none',
    allowedTo: [],
    protocolTransition: false,
    target: {
      spn: 'cifs/fs1.contoso.com',
      inAllowedTo: false,
      owners: [{ account: 'FS1$', dn: 'CN=FS1,CN=Computers,DC=contoso,DC=com', objectClass: 'computer' }],
    },
    user: { account: 'john', found: true, notDelegated: false, protectedUsers: false },
    ...rest,
  };
}

const self = (forwardable: boolean): Hop => ({
  kind: 'delegation-hop',
  where,
  step: 's4u2self',
  from: 'john@CONTOSO.COM',
  to: 'svc-web@CONTOSO.COM',
  user: 'john@CONTOSO.COM',
  ok: true,
  forwardable,
  detail: 'evidence',
});
const proxy = (ok: boolean, errorCode?: number): Hop => ({
  kind: 'delegation-hop',
  where,
  step: 's4u2proxy',
  from: 'svc-web@CONTOSO.COM',
  to: 'cifs/fs1.contoso.com@CONTOSO.COM',
  user: 'john@CONTOSO.COM',
  ok,
  ...(errorCode !== undefined ? { errorCode, errorName: errorCode === 13 ? 'KDC_ERR_BADOPTION' : 'KDC_ERR_S_PRINCIPAL_UNKNOWN' } : {}),
  detail: ok ? 'ticket' : 'refused',
});

const top = (facts: Fact[]) => evaluate(facts)[0];
const ids = (facts: Fact[]) => evaluate(facts).map((f) => `${f.id}:${f.severity}${f.explainedBy ? `<${f.explainedBy}` : ''}`);

describe('delegation rules', () => {
  it('nothing configured: delegation-not-configured, and the BADOPTION is its consequence', () => {
    const f = [config(), self(false), proxy(false, 13)];
    assert.deepEqual(ids(f), ['delegation-not-configured:error', 'delegation-kdc-refused:error<delegation-not-configured']);
    assert.match(
      top(f)?.fix[0] ?? '',
      /^Set-ADObject -Identity 'CN=svc-web,CN=Users,DC=contoso,DC=com' -Add @\{'msDS-AllowedToDelegateTo'='cifs\/fs1\.contoso\.com'\}$/,
    );
    assert.match(top(f)?.fix[1] ?? '', /^Set-ADComputer -Identity FS1 -PrincipalsAllowedToDelegateToAccount svc-web/);
  });

  it('constrained to other SPNs: delegation-spn-not-allowed names the near miss', () => {
    const f = [
      config({ delegationKind: 'constrained-any-protocol', protocolTransition: true, allowedTo: ['cifs/fs1'] }),
      self(true),
      proxy(false, 13),
    ];
    const t = top(f);
    assert.equal(t?.id, 'delegation-spn-not-allowed');
    assert.match(t?.explanation ?? '', /cifs\/fs1 is close/);
    assert.equal(evaluate(f).find((x) => x.id === 'delegation-kdc-refused')?.explainedBy, 'delegation-spn-not-allowed');
  });

  it('Kerberos-only constrained delegation: a warning from the settings, an error once the proof shows the non-forwardable evidence', () => {
    const c = config({ delegationKind: 'constrained', allowedTo: ['cifs/fs1.contoso.com'] });
    (c.target as NonNullable<Config['target']>).inAllowedTo = true;
    assert.deepEqual(ids([c]), ['delegation-protocol-transition:warning']);
    const proven = [c, self(false), proxy(false, 13)];
    assert.deepEqual(ids(proven), ['delegation-protocol-transition:error', 'delegation-kdc-refused:error<delegation-protocol-transition']);
    assert.equal(
      top(proven)?.fix[0],
      "Set-ADAccountControl -Identity 'CN=svc-web,CN=Users,DC=contoso,DC=com' -TrustedToAuthForDelegation $true",
    );
  });

  it('a sensitive user is the root cause even when the front end is set up right; a KDC that delegates anyway makes it a warning', () => {
    const c = config({
      delegationKind: 'constrained-any-protocol',
      protocolTransition: true,
      allowedTo: ['cifs/fs1.contoso.com'],
      user: { account: 'adm', found: true, notDelegated: true, protectedUsers: false },
    });
    (c.target as NonNullable<Config['target']>).inAllowedTo = true;
    assert.deepEqual(ids([c, self(false), proxy(false, 13)]), [
      'delegation-user-sensitive:error',
      'delegation-kdc-refused:error<delegation-user-sensitive',
    ]);
    assert.equal(top([c])?.fix[0], 'Set-ADAccountControl -Identity adm -AccountNotDelegated $false');
    const pu = { ...c, user: { account: 'pu', found: true, notDelegated: false, protectedUsers: true } };
    assert.deepEqual(ids([pu, self(true), proxy(true)]), ['delegation-user-sensitive:warning']);
  });

  it('RBCD set but refused by the KDC: delegation-kdc-refused says the KDC does not honour it', () => {
    const c = config({ delegationKind: 'resource-based' });
    (c.target as NonNullable<Config['target']>).rbcd = {
      allowed: [{ sid: 'S-1-5-21-1-2-3-1105', account: 'svc-web' }],
      frontEndAllowed: true,
    };
    const f = evaluate([c, self(true), proxy(false, 13)]);
    assert.deepEqual(
      f.map((x) => x.id),
      ['delegation-kdc-refused'],
    );
    assert.match(f[0]?.explanation ?? '', /resource-based/);
    assert.deepEqual(evaluate([c, self(true), proxy(true)]), []);
  });

  it('an unknown back end and unconstrained delegation', () => {
    const c = config({ target: { spn: 'cifs/nope.contoso.com', inAllowedTo: false, owners: [] } });
    assert.deepEqual(ids([c, self(true), proxy(false, 7)]), [
      'delegation-target-unknown:error',
      'delegation-kdc-refused:error<delegation-target-unknown',
    ]);
    const u = config({ delegationKind: 'unconstrained', uac: ['UF_NORMAL_ACCOUNT', 'UF_TRUSTED_FOR_DELEGATION'] });
    assert.deepEqual(ids([u]), ['delegation-unconstrained:warning']);
  });

  it('hostile names are quoted in every fix', () => {
    const c = config({
      frontEnd: { account: "x'; rm -rf /", dn: "CN=x'y,DC=contoso,DC=com", objectClass: 'user', uacFlags: [], spns: [] },
    });
    const fix = top([c])?.fix ?? [];
    assert.ok(fix[0]?.startsWith("Set-ADObject -Identity 'CN=x''y,DC=contoso,DC=com'"), fix[0]);
  });

  it('frontEndFilter escapes what the user typed and tries the forms an admin means', () => {
    assert.equal(
      frontEndFilter('web01'),
      '(|(sAMAccountName=web01)(userPrincipalName=web01)(servicePrincipalName=web01)(sAMAccountName=web01$))',
    );
    assert.match(
      frontEndFilter('web.contoso.com'),
      /\(servicePrincipalName=HTTP\/web\.contoso\.com\)\(servicePrincipalName=host\/web\.contoso\.com\)/,
    );
    assert.equal(
      frontEndFilter('CONTOSO\\svc*)(x'),
      '(|(sAMAccountName=svc\\2a\\29\\28x)(userPrincipalName=svc\\2a\\29\\28x)(servicePrincipalName=svc\\2a\\29\\28x)(sAMAccountName=svc\\2a\\29\\28x$))',
    );
  });
});
