// The isolation step's two rules on hand-made facts: an SMB session that works beside a failing site narrows the
// problem to HTTP (info, never the root cause); an SMB failure that is not Kerberos's is named with its NTSTATUS
// meaning and a quoted fix; Kerberos trouble inside SMB is left to the Kerberos rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fact } from '../../src/facts/fact.js';
import { evaluate } from '../../src/rules/index.js';

const smb = (extra: Partial<Extract<Fact, { kind: 'smb-session' }>>): Fact => ({
  kind: 'smb-session',
  where: { label: 'step 10', step: 'smb' },
  server: 'iisserver.contoso.com',
  address: '10.0.0.5',
  share: 'IPC$',
  spn: 'cifs/iisserver.contoso.com',
  outcome: 'ok',
  mutualAuth: 'verified',
  detail: 'ok',
  alongHttp: true,
  ...extra,
});
const spnMissing: Fact = {
  kind: 'krb-error',
  where: { label: 'step 7', step: 'service-ticket' },
  code: 7,
  name: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
  from: 'kdc',
  sname: ['HTTP', 'iisserver.contoso.com'],
  realm: 'CONTOSO.COM',
};

describe('SMB isolation rules', () => {
  it('SMB works, the site fails: the root cause stays first, the isolation result follows as info', () => {
    const f = evaluate([spnMissing, smb({})]);
    assert.deepEqual(
      f.map((x) => `${x.id}/${x.severity}`),
      ['spn-missing/error', 'smb-works-http-fails/info'],
    );
    assert.match(f[1]?.fix.join('\n') ?? '', /^setspn -Q HTTP\/iisserver\.contoso\.com$/m);
  });

  it('SMB works and so does the site: nothing to say', () => {
    assert.deepEqual(evaluate([smb({})]), []);
  });

  it('an SMB failure of its own: its meaning and a quoted fix; an error for smb://, a warning beside a site', () => {
    const share = evaluate([
      smb({ outcome: 'fail', failedStep: 'tree-connect', code: 'bad-network-name', ntStatus: 'STATUS_BAD_NETWORK_NAME', alongHttp: false }),
    ]);
    assert.equal(share[0]?.id, 'smb-failed');
    assert.equal(share[0]?.severity, 'error');
    assert.match(share[0]?.explanation ?? '', /no share of that name/);
    assert.deepEqual(share[0]?.fix, ['net view "\\\\iisserver.contoso.com"']);
    const port = evaluate([spnMissing, smb({ outcome: 'fail', failedStep: 'connect', code: 'tcp-refused' })]);
    assert.deepEqual(
      port.map((x) => `${x.id}/${x.severity}`),
      ['spn-missing/error', 'smb-failed/warning'],
    );
    assert.deepEqual(port[1]?.fix, ['Test-NetConnection iisserver.contoso.com -Port 445']);
    // a hostile server name is quoted or refused, never pasted raw
    const evil = evaluate([
      smb({ outcome: 'fail', failedStep: 'connect', code: 'tcp-refused', server: "x'; Remove-Item C:\\ -Recurse #" }),
    ]);
    assert.doesNotMatch(evil[0]?.fix[0] ?? '', /^Test-NetConnection x'; Remove-Item/);
  });

  it('Kerberos trouble inside SMB is left to the Kerberos rules', () => {
    assert.deepEqual(evaluate([smb({ outcome: 'fail', failedStep: 'ticket', code: 'kdc-error', alongHttp: false })]), []);
  });
});
