/**
 * The directory layer's own logic, on entries given as data (the directory itself is test/ldap/lab-ldap.test.ts, where
 * every field is compared with ldapsearch on the Samba DC): SPN patterns → RFC 4515 filters, setspn -X grouping
 * (case-insensitive, one object counted once), the owner's decoded attributes and its `keytab add` line,
 * userAccountControl names (MS-ADTS §2.2.16).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type DirectorySearch,
  decodeUserAccountControl,
  duplicateSpns,
  findSpn,
  spnFilter,
  spnMatches,
  spnOwner,
} from '../../src/directory/index.js';
import type { SearchEntry } from '../../src/ldap/client.js';
import { filterToString, parseFilter } from '../../src/protocol/ldap/index.js';

const te = (s: string) => new TextEncoder().encode(s);
const entry = (dn: string, attrs: Record<string, string[]>): SearchEntry => ({
  dn,
  attributes: Object.entries(attrs).map(([type, vals]) => ({ type, vals: vals.map(te) })),
});

/** Entries as a directory would return them for any filter (the tests check what the layer does with them). */
function dir(entries: SearchEntry[], seen: string[] = []): DirectorySearch {
  return {
    baseDn: 'DC=contoso,DC=com',
    realm: 'CONTOSO.COM',
    async search(q) {
      seen.push(typeof q.filter === 'string' ? q.filter : filterToString(q.filter));
      assert.equal(q.pageSize, 500);
      return { entries };
    },
  };
}

const SVC = entry('CN=svc_web,CN=Users,DC=contoso,DC=com', {
  sAMAccountName: ['svc_web'],
  objectClass: ['top', 'person', 'organizationalPerson', 'user'],
  servicePrincipalName: ['HTTP/web.contoso.com', 'HTTP/web', 'MSSQLSvc/db:1433'],
  userAccountControl: ['66048'],
  'msDS-SupportedEncryptionTypes': ['24'],
  'msDS-KeyVersionNumber': ['7'],
});
const WEB01 = entry('CN=WEB01,CN=Computers,DC=contoso,DC=com', {
  sAMAccountName: ['WEB01$'],
  objectClass: ['top', 'person', 'organizationalPerson', 'user', 'computer'],
  servicePrincipalName: ['http/WEB.contoso.com', 'HOST/web01.contoso.com'],
  userAccountControl: ['4096'],
  'msDS-KeyVersionNumber': ['3'],
});

describe('SPN patterns', () => {
  it('wildcards stay, reserved characters are escaped (RFC 4515 §3)', () => {
    assert.equal(spnFilter('HTTP/iisserver*'), '(servicePrincipalName=HTTP/iisserver*)');
    assert.equal(spnFilter('MSSQLSvc/db(1)*:1433'), '(servicePrincipalName=MSSQLSvc/db\\281\\29*:1433)');
    assert.equal(spnFilter('a\\b'), '(servicePrincipalName=a\\5cb)');
    assert.deepEqual(parseFilter(spnFilter('*/dc1*')), { type: 'substrings', attribute: 'servicePrincipalName', any: [te('/dc1')] });
  });
  it('matching is case-insensitive, * matches any run', () => {
    assert.ok(spnMatches('HTTP/web*', 'http/WEB.contoso.com'));
    assert.ok(spnMatches('*/web01*', 'HOST/web01.contoso.com'));
    assert.ok(!spnMatches('HTTP/web', 'HTTP/web.contoso.com'));
    assert.ok(spnMatches('a.b', 'a.b') && !spnMatches('a.b', 'axb'), 'regex characters are literal');
  });
});

describe('findSpn / duplicateSpns / spnOwner', () => {
  it('findSpn lists only the matching values, with the most specific objectClass', async () => {
    const seen: string[] = [];
    const r = await findSpn(dir([SVC, WEB01], seen), 'HTTP/web*');
    assert.deepEqual(seen, ['(servicePrincipalName=HTTP/web*)']);
    assert.deepEqual(r, [
      { spn: 'HTTP/web', account: 'svc_web', dn: 'CN=svc_web,CN=Users,DC=contoso,DC=com', objectClass: 'user' },
      { spn: 'HTTP/web.contoso.com', account: 'svc_web', dn: 'CN=svc_web,CN=Users,DC=contoso,DC=com', objectClass: 'user' },
      { spn: 'http/WEB.contoso.com', account: 'WEB01$', dn: 'CN=WEB01,CN=Computers,DC=contoso,DC=com', objectClass: 'computer' },
    ]);
  });

  it('duplicateSpns groups case-insensitively and prints setspn -D for each holder (cmd quoting)', async () => {
    const odd = entry('CN=svc 2,CN=Users,DC=contoso,DC=com', {
      sAMAccountName: ['svc 2'],
      objectClass: ['user'],
      servicePrincipalName: ['HTTP/WEB.CONTOSO.COM'],
    });
    const r = await duplicateSpns(dir([SVC, WEB01, odd]));
    assert.equal(r.length, 1);
    assert.deepEqual(r[0]?.accounts, ['svc 2', 'svc_web', 'WEB01$']);
    assert.deepEqual(r[0]?.fixes, [`setspn -D ${r[0]?.spn} "svc 2"`, `setspn -D ${r[0]?.spn} svc_web`, `setspn -D ${r[0]?.spn} WEB01$`]);
  });

  it('an SPN twice on the same object is not a duplicate', async () => {
    const twice = entry('CN=a,DC=x', { sAMAccountName: ['a'], objectClass: ['user'], servicePrincipalName: ['HTTP/x', 'http/X'] });
    assert.deepEqual(await duplicateSpns(dir([twice])), []);
  });

  it('spnOwner: enctypes, UAC flags, kvno, the keytab add line (user and computer salt inputs)', async () => {
    const [o] = await spnOwner(dir([SVC]), 'HTTP/web.contoso.com');
    assert.ok(o);
    assert.deepEqual(o.userAccountControl?.flags, ['UF_NORMAL_ACCOUNT', 'UF_DONT_EXPIRE_PASSWD']);
    assert.deepEqual(o.supportedEncryptionTypes, {
      value: 24,
      flags: ['AES128_CTS_HMAC_SHA1_96', 'AES256_CTS_HMAC_SHA1_96'],
      enctypes: ['aes128-cts-hmac-sha1-96', 'aes256-cts-hmac-sha1-96'],
    });
    assert.equal(o.kvno, 7);
    assert.equal(
      o.keytab.command,
      'kerbscope keytab add svc_web.keytab --principal HTTP/web.contoso.com@CONTOSO.COM --kvno 7 --account svc_web --enctype aes256-cts-hmac-sha1-96 --enctype aes128-cts-hmac-sha1-96 --password-stdin',
    );
    const [c] = await spnOwner(dir([WEB01]), 'HOST/web01.contoso.com');
    assert.equal(c?.keytab.command.includes("--account 'WEB01$'"), true, c?.keytab.command);
    assert.match(c?.keytab.note ?? '', /not set/);
    await assert.rejects(spnOwner(dir([]), 'HTTP/*'), /not a pattern/);
  });

  it('a disabled, DES-only account is warned about', async () => {
    const bad = entry('CN=old,DC=x', {
      sAMAccountName: ['old'],
      objectClass: ['user'],
      servicePrincipalName: ['HTTP/old'],
      userAccountControl: [String(0x2 | 0x200 | 0x200000)],
      'msDS-SupportedEncryptionTypes': ['3'],
    });
    const [o] = await spnOwner(dir([bad]), 'HTTP/old');
    assert.equal(o?.warnings.length, 3, o?.warnings.join('\n'));
  });
});

describe('userAccountControl (MS-ADTS §2.2.16)', () => {
  it('names every bit it knows and keeps the rest', () => {
    assert.deepEqual(decodeUserAccountControl(0x80000 | 0x200 | 0x1000000), {
      value: 0x1080200,
      flags: ['UF_NORMAL_ACCOUNT', 'UF_TRUSTED_FOR_DELEGATION', 'UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION'],
      unknownBits: 0,
    });
    assert.equal(decodeUserAccountControl(0x80000000).unknownBits, 0x80000000);
  });
});
