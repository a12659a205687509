import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAuthHeaders, parseAuthValue } from '../../../src/protocol/http/auth-header.js';

describe('HTTP authentication headers (RFC 7235, RFC 4559)', () => {
  it('reads the seed’s IIS 401: two bare challenges', () => {
    const t = findAuthHeaders('WWWAuthenticate: x\nWWW-Authenticate: Negotiate\nWWW-Authenticate: NTLM\n');
    assert.deepEqual(
      t.map((x) => [x.header, x.direction, x.scheme, x.tokenText]),
      [
        ['WWW-Authenticate', 'response', 'Negotiate', undefined],
        ['WWW-Authenticate', 'response', 'NTLM', undefined],
      ],
    );
  });

  it('joins a token folded over several lines', () => {
    const t = findAuthHeaders('Authorization: Negotiate YIIHGwYGKwYBBQUCoIIH\nDzCCBwugMDAuBgkqhkiC9xIBAgIG\n');
    assert.equal(t.length, 1);
    assert.equal(t[0]?.tokenText, 'YIIHGwYGKwYBBQUCoIIHDzCCBwugMDAuBgkqhkiC9xIBAgIG');
    assert.equal(t[0]?.token?.[0], 0x60);
    assert.equal(t[0]?.direction, 'request');
  });

  it('accepts a bare scheme + token and curl -v prefixes', () => {
    assert.equal(findAuthHeaders('Negotiate oYG2MIGz')[0]?.scheme, 'Negotiate');
    assert.equal(findAuthHeaders('< WWW-Authenticate: Negotiate oYG2MIGz')[0]?.header, 'WWW-Authenticate');
    assert.equal(findAuthHeaders('> Authorization: NTLM TlRMTVNTUAABAAAA')[0]?.token?.[0], 0x4e);
  });

  it('keeps auth-params with their challenge', () => {
    const t = parseAuthValue('Basic realm="Kerberos test", Negotiate', 'WWW-Authenticate');
    assert.deepEqual(
      t.map((x) => [x.scheme, x.params]),
      [
        ['Basic', { realm: 'Kerberos test' }],
        ['Negotiate', {}],
      ],
    );
  });
});
