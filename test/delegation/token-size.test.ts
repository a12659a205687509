// token-too-large from the directory's estimate (kerbscope tokensize; check when the header is rejected): the
// thresholds, the group count in the words, and no second finding when a server already said 400.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fact } from '../../src/facts/fact.js';
import { tokenSizeFromCounts } from '../../src/protocol/pac/token-size.js';
import { evaluate } from '../../src/rules/index.js';

function dirToken(global: number, domainLocal = 0, sidHistory = 0, tokenBytes?: number): Fact {
  const v = tokenSizeFromCounts(global, domainLocal + sidHistory + 1, tokenBytes);
  return {
    kind: 'directory-token',
    where: { label: 'tokensize' },
    user: 'biguser',
    dc: 'dc1.contoso.com (127.0.0.13)',
    groups: { global, universal: 0, universalOtherDomain: 0, domainLocal, unresolved: 0, total: global + domainLocal },
    sidHistory,
    groupsInDomain: v.groupsInDomain,
    otherSids: v.otherSids,
    estimate: v.estimate,
    headerBytes: v.headerBytes,
    ...(tokenBytes !== undefined ? { tokenBytes } : {}),
  };
}

describe('token-too-large from the directory', () => {
  it('within every limit: nothing', () => {
    assert.deepEqual(evaluate([dirToken(300)]), []);
  });
  it('over Apache 8190 only: a warning naming the group count', () => {
    const f = evaluate([dirToken(700)]);
    assert.equal(f.length, 1);
    assert.equal(f[0]?.id, 'token-too-large');
    assert.equal(f[0]?.severity, 'warning');
    assert.match(f[0]?.title ?? '', /700 groups/);
    assert.match(f[0]?.explanation ?? '', /1200 \+ 40·1 \+ 8·700 = 6840 bytes/);
  });
  it('domain-local groups and SID history weigh 40 bytes each: over the legacy MaxTokenSize and HTTP.sys', () => {
    const f = evaluate([dirToken(200, 400, 20)]);
    assert.equal(f[0]?.severity, 'error');
    assert.match(f[0]?.explanation ?? '', /> legacy MaxTokenSize 12000/);
    assert.match(f[0]?.explanation ?? '', /HTTP\.sys MaxFieldLength 16384/);
  });
  it('more than 1,015 SIDs: an error whatever the header limits, as Windows cannot build the token', () => {
    const f = evaluate([dirToken(1100, 0, 0, 4000)]);
    assert.equal(f[0]?.severity, 'error');
    assert.match(f[0]?.explanation ?? '', /1101 SIDs > 1015/);
    assert.deepEqual(evaluate([dirToken(1000, 0, 0, 4000)]), []);
  });
  it('the real token, when measured, decides the header size', () => {
    assert.deepEqual(evaluate([dirToken(700, 0, 0, 5000)]), []);
  });
  it('a server that rejected the header gives one finding, with the directory count in it', () => {
    const rejected: Fact = {
      kind: 'http-response',
      where: { label: 'check: http' },
      url: 'http://websmall.contoso.com/',
      status: 400,
      challenges: [],
      requestScheme: 'Negotiate',
      requestHeaderBytes: 5200,
    } as Fact;
    const f = evaluate([rejected, dirToken(700)]).filter((x) => x.id === 'token-too-large');
    assert.equal(f.length, 1);
    assert.match(f[0]?.explanation ?? '', /biguser in 700 groups/);
    assert.ok(f[0]?.evidence.some((e) => /tokenGroups: 700 global/.test(e)));
  });
});
