// samples/ (made by lab/make-samples.ts from a real MIT + Apache exchange): the files hold what SOURCES.md says, and
// the shipped keytab really decrypts the shipped ticket (checked by tshark, not by kerbscope).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { skipUnlessCi } from '../helpers/prereq.js';

const S = new URL('../../samples/', import.meta.url).pathname;

function token(file: string, header: string): Buffer {
  const line = readFileSync(S + file, 'utf8').trim();
  const m = new RegExp(`^${header}: Negotiate ([A-Za-z0-9+/=]+)$`).exec(line);
  assert.ok(m?.[1], `${file}: not a "${header}: Negotiate <base64>" line`);
  return Buffer.from(m[1], 'base64');
}

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

function tshark(args: string[]): string | undefined {
  try {
    return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

describe('samples', () => {
  it('mit-http-negotiate.txt: GSS-API InitialContextToken with the SPNEGO OID, a krb5 AP-REQ inside (RFC 4178, RFC 4121)', () => {
    const t = token('mit-http-negotiate.txt', 'Authorization');
    assert.equal(t[0], 0x60);
    assert.ok(t.includes(hex('06 06 2b 06 01 05 05 02')), 'SPNEGO OID 1.3.6.1.5.5.2');
    assert.ok(t.includes(hex('06 09 2a 86 48 86 f7 12 01 02 02 01 00 6e')), 'krb5 OID + TOK_ID 01 00 + AP-REQ [APPLICATION 14]');
  });

  it('mit-http-negotiate-aprep.txt: negTokenResp accept-completed with an AP-REP', () => {
    const t = token('mit-http-negotiate-aprep.txt', 'WWW-Authenticate');
    assert.equal(t[0], 0xa1);
    assert.ok(t.includes(hex('a0 03 0a 01 00')), 'negState accept-completed (0)');
    assert.ok(t.includes(hex('02 00 6f')), 'TOK_ID 02 00 + AP-REP [APPLICATION 15]');
  });

  it('mit-http-krb-error-skew.txt: negTokenResp carrying KRB-ERROR 37 KRB_AP_ERR_SKEW', () => {
    const t = token('mit-http-krb-error-skew.txt', 'WWW-Authenticate');
    assert.equal(t[0], 0xa1);
    assert.ok(t.includes(hex('03 00 7e')), 'TOK_ID 03 00 + KRB-ERROR [APPLICATION 30]');
    assert.ok(t.includes(hex('a6 03 02 01 25')), 'error-code [6] INTEGER 37');
  });

  it('mit-http.keytab decrypts the ticket of the healthy capture (tshark)', {
    skip: skipUnlessCi(!tshark(['--version']) && 'tshark not installed'),
  }, () => {
    const base = [
      '-r',
      `${S}mit-http-healthy.pcapng`,
      '-Y',
      'http.authorization && kerberos.authtime',
      '-T',
      'fields',
      '-e',
      'kerberos.keytype',
    ];
    assert.equal(tshark(base)?.trim(), '', 'without the keytab the ticket stays opaque');
    const dec = tshark(['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${S}mit-http.keytab`, ...base]);
    assert.match(dec ?? '', /^18/, 'aes256-cts-hmac-sha1-96 ticket decrypted');
    // and the capture's Authorization header is the one in mit-http-negotiate.txt
    const hdr = tshark(['-r', `${S}mit-http-healthy.pcapng`, '-Y', 'http.authorization', '-T', 'fields', '-e', 'http.authorization']);
    assert.equal(`Authorization: ${hdr?.trim()}\n`, readFileSync(`${S}mit-http-negotiate.txt`, 'utf8'));
  });
});
