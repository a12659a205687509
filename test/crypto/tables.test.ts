// The enctype table, checksum table, msDS-SupportedEncryptionTypes, key usages, salts, and the error contract.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHECKSUM_TYPES,
  CryptoError,
  checksumTypeName,
  chooseSalt,
  decodeSupportedEncTypes,
  decrypt,
  defaultSalt,
  ENCTYPES,
  EncType,
  encodeSupportedEncTypes,
  encrypt,
  enctypeName,
  getChecksumType,
  getEnctype,
  KeyUsage,
  keyUsageName,
  makeChecksum,
  stringToKey,
} from '../../src/crypto/index.js';
import { readCorpus } from './helpers.js';

const isCode = (code: string) => (e: unknown) => e instanceof CryptoError && e.code === code;

describe('enctype table', () => {
  it('has one row per etype number, and no name or alias points at two rows', () => {
    const ids = ENCTYPES.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length);
    const owner = new Map<string, number>();
    for (const e of ENCTYPES) {
      for (const n of [e.name, ...e.aliases].map((x) => x.toLowerCase().replace(/_/g, '-'))) {
        assert.ok(owner.get(n) === undefined || owner.get(n) === e.id, `${n} names ${owner.get(n)} and ${e.id}`);
        owner.set(n, e.id);
        assert.equal(getEnctype(n)?.id, e.id, n);
      }
    }
  });
  it('finds rows by number, MIT name, Windows name, hex and underscores', () => {
    assert.equal(getEnctype(18)?.name, 'aes256-cts-hmac-sha1-96');
    assert.equal(getEnctype('AES256-CTS-HMAC-SHA1-96')?.id, 18);
    assert.equal(getEnctype('aes256_cts_hmac_sha1_96')?.id, 18);
    assert.equal(getEnctype('0x17')?.id, 23); // how event 4769 prints the ticket encryption type
    assert.equal(getEnctype('RC4-HMAC')?.id, 23);
    assert.equal(getEnctype('rc4-hmac')?.name, 'arcfour-hmac');
    assert.equal(getEnctype('des3-cbc-sha1')?.id, 16);
    assert.equal(getEnctype(99), undefined);
    assert.equal(enctypeName(EncType.AES128_CTS_HMAC_SHA256_128), 'aes128-cts-hmac-sha256-128');
    assert.equal(enctypeName(99), 'unknown-enctype(99)');
  });
  it('records key sizes, checksum types and weak flags', () => {
    const row = (id: number) => getEnctype(id)!;
    assert.deepEqual(
      [17, 18, 19, 20, 23, 24].map((id) => [row(id).keySize, row(id).checksumType]),
      [
        [16, 15],
        [32, 16],
        [16, 19],
        [32, 20],
        [16, -138],
        [16, -138],
      ],
    );
    assert.ok(row(3).weak && row(24).weak && !row(23).weak && row(23).deprecated && !row(18).weak);
    assert.ok(!row(3).implemented && !row(16).implemented && !row(25).implemented && row(24).implemented);
  });
  it('refuses DES with the weak/unsupported sentence, and unknown enctypes', () => {
    assert.throws(
      () => decrypt(3, new Uint8Array(8), 2, new Uint8Array(40)),
      (e: unknown) => isCode('ERR_UNSUPPORTED_ENCTYPE')(e) && (e as Error).message.startsWith('weak/unsupported enctype des-cbc-md5 (3): '),
    );
    assert.throws(() => encrypt(1, new Uint8Array(8), 2, new Uint8Array(1)), isCode('ERR_UNSUPPORTED_ENCTYPE'));
    assert.throws(() => stringToKey('des3-cbc-sha1', 'p', 's'), /weak\/unsupported enctype des3-cbc-sha1 \(16\)/);
    assert.throws(
      () => decrypt(26, new Uint8Array(32), 2, new Uint8Array(64)),
      (e: unknown) => (e as Error).message.startsWith('unsupported enctype camellia256-cts-cmac (26): '),
    );
    assert.throws(() => decrypt(99, new Uint8Array(16), 2, new Uint8Array(64)), isCode('ERR_UNSUPPORTED_ENCTYPE'));
  });
  it('reports wrong key lengths, short ciphertexts and bad s2kparams with their own codes', () => {
    assert.throws(() => decrypt(18, new Uint8Array(16), 2, new Uint8Array(64)), isCode('ERR_BAD_KEY'));
    assert.throws(() => decrypt(18, new Uint8Array(32), 2, new Uint8Array(27)), isCode('ERR_TRUNCATED'));
    assert.throws(() => decrypt(20, new Uint8Array(32), 2, new Uint8Array(39)), isCode('ERR_TRUNCATED'));
    assert.throws(() => decrypt(23, new Uint8Array(16), 2, new Uint8Array(23)), isCode('ERR_TRUNCATED'));
    assert.throws(() => stringToKey(17, 'p', 's', new Uint8Array([0, 0, 0])), isCode('ERR_BAD_PARAMS'));
    assert.throws(() => stringToKey(17, 'p', 's', new Uint8Array([0, 0, 0, 0])), isCode('ERR_BAD_PARAMS'));
    assert.throws(() => encrypt(17, new Uint8Array(16), 2, new Uint8Array(1), new Uint8Array(8)), isCode('ERR_BAD_PARAMS'));
  });
});

describe('checksum table', () => {
  it('names the types users meet', () => {
    assert.equal(checksumTypeName(16), 'hmac-sha1-96-aes256');
    assert.equal(checksumTypeName(-138), 'hmac-md5-rc4');
    assert.equal(getChecksumType(7)?.name, 'md5');
    assert.equal(getChecksumType(1)?.size, 4);
    assert.equal(checksumTypeName(12345), 'unknown-cksumtype(12345)');
    assert.equal(new Set(CHECKSUM_TYPES.map((c) => c.id)).size, CHECKSUM_TYPES.length);
  });
  it('every implemented keyed type matches its enctype row', () => {
    for (const c of CHECKSUM_TYPES.filter((x) => x.enctype !== undefined && x.implemented)) {
      const e = getEnctype(c.enctype!)!;
      assert.equal(e.checksumType, c.id, c.name);
      assert.equal(makeChecksum(c.id, new Uint8Array(e.keySize), 17, new Uint8Array(3)).length, c.size, c.name);
    }
  });
  it('refuses DES checksums, the GSS 0x8003 structure and unknown numbers', () => {
    assert.throws(() => makeChecksum(8, new Uint8Array(8), 1, new Uint8Array(1)), isCode('ERR_UNSUPPORTED_CHECKSUM'));
    assert.throws(() => makeChecksum(0x8003, undefined, 1, new Uint8Array(1)), /RFC 4121/);
    assert.throws(() => makeChecksum(4242, undefined, 1, new Uint8Array(1)), isCode('ERR_UNSUPPORTED_CHECKSUM'));
    assert.throws(() => makeChecksum(16, undefined, 1, new Uint8Array(1)), isCode('ERR_BAD_KEY'));
  });
});

describe('key usages (RFC 4120 §7.5.1)', () => {
  it('carries the RFC numbers', () => {
    assert.equal(KeyUsage.PA_ENC_TIMESTAMP, 1);
    assert.equal(KeyUsage.KDC_REP_TICKET, 2);
    assert.equal(KeyUsage.AS_REP_ENC_PART, 3);
    assert.equal(KeyUsage.TGS_REP_ENC_PART_SESSION_KEY, 8);
    assert.equal(KeyUsage.TGS_REP_ENC_PART_SUB_KEY, 9);
    assert.equal(KeyUsage.AP_REQ_AUTHENTICATOR, 11);
    assert.equal(KeyUsage.AP_REP_ENC_PART, 12);
    assert.equal(KeyUsage.KRB_CRED_ENC_PART, 14);
    assert.equal(KeyUsage.KERB_NON_KERB_CKSUM_SALT, 17);
    assert.deepEqual(
      [KeyUsage.GSS_ACCEPTOR_SEAL, KeyUsage.GSS_ACCEPTOR_SIGN, KeyUsage.GSS_INITIATOR_SEAL, KeyUsage.GSS_INITIATOR_SIGN],
      [22, 23, 24, 25],
    );
    assert.equal(keyUsageName(11), 'AP_REQ_AUTHENTICATOR');
    assert.equal(keyUsageName(999), undefined);
  });
});

describe('msDS-SupportedEncryptionTypes (MS-KILE §2.2.7)', () => {
  it('decodes flags, enctypes and unknown bits', () => {
    const d = decodeSupportedEncTypes(0x1c);
    assert.deepEqual(d.flags, ['RC4_HMAC', 'AES128_CTS_HMAC_SHA1_96', 'AES256_CTS_HMAC_SHA1_96']);
    assert.deepEqual(d.enctypes, [23, 17, 18]);
    const all = decodeSupportedEncTypes(0x8003f | 0x100000);
    assert.deepEqual(all.flags, [
      'DES_CBC_CRC',
      'DES_CBC_MD5',
      'RC4_HMAC',
      'AES128_CTS_HMAC_SHA1_96',
      'AES256_CTS_HMAC_SHA1_96',
      'AES256_CTS_HMAC_SHA1_96_SK',
      'RESOURCE_SID_COMPRESSION_DISABLED',
    ]);
    assert.deepEqual(all.enctypes, [1, 3, 23, 17, 18]);
    assert.equal(all.unknownBits, 0x100000);
    assert.deepEqual(decodeSupportedEncTypes(0x70000).flags, ['FAST_SUPPORTED', 'COMPOUND_IDENTITY_SUPPORTED', 'CLAIMS_SUPPORTED']);
    assert.equal(encodeSupportedEncTypes([17, 18]), 0x18);
    assert.equal(decodeSupportedEncTypes(0x80000000).unknownBits, 0x80000000);
  });
});

describe('salts', () => {
  it('MIT default: realm + components (gokrb5 keytab salt)', () => {
    assert.equal(defaultSalt({ components: ['testuser1'], realm: 'TEST.GOKRB5' }), 'TEST.GOKRB5testuser1');
    const c = chooseSalt({ components: ['HTTP', 'web.example.com'], realm: 'EXAMPLE.COM' }, { kind: 'mit' });
    assert.equal(c.salt, 'EXAMPLE.COMHTTPweb.example.com');
    assert.equal(c.rule, 'mit-default');
  });
  it('AD user: the salt an AD KDC sent in PA-ETYPE-INFO2 (Kerberos.NET Messages/as-rep)', () => {
    // The AS-REP's padata carries ETYPE-INFO2 { etype 18, salt "CORP.IDENTITYINTERVENTION.COMtestuser" } (bytes 0x2e..).
    const asRep = new TextDecoder('latin1').decode(readCorpus('vectors/kerberos-net/Messages/as-rep').subarray(0, 0x60));
    assert.ok(asRep.includes('CORP.IDENTITYINTERVENTION.COMtestuser'));
    const c = chooseSalt({ components: ['testuser'], realm: 'corp.identityintervention.com' });
    assert.equal(c.salt, 'CORP.IDENTITYINTERVENTION.COMtestuser');
    assert.equal(c.rule, 'ad-user-sam');
    assert.match(c.explanation, /sAMAccountName/);
  });
  it('AD user with sAMAccountName case as stored, or with a UPN', () => {
    assert.equal(chooseSalt({ components: ['user1'], realm: 'ADHACKING.LOCAL' }, { samAccountName: 'User1' }).salt, 'ADHACKING.LOCALUser1');
    const upn = chooseSalt(
      { components: ['HTTP', 'web.corp.example.com'], realm: 'CORP.EXAMPLE.COM' },
      { kind: 'user', userPrincipalName: 'HTTP/web.corp.example.com@CORP.EXAMPLE.COM' },
    );
    assert.equal(upn.salt, 'CORP.EXAMPLE.COMHTTPweb.corp.example.com');
    assert.equal(upn.rule, 'ad-user-upn');
  });
  it('AD computer: REALM + "host" + name + "." + domain (kerbeiros salt.rs test: "PC$" in kingdom.Hearts)', () => {
    const pc = chooseSalt({ components: ['PC$'], realm: 'kingdom.Hearts' });
    assert.equal(pc.salt, 'KINGDOM.HEARTShostpc.kingdom.hearts');
    assert.equal(pc.rule, 'ad-computer');
    const host = chooseSalt({ components: ['host', 'WEB01.corp.example.com'], realm: 'CORP.EXAMPLE.COM' });
    assert.equal(host.salt, 'CORP.EXAMPLE.COMhostweb01.corp.example.com');
    assert.match(host.explanation, /computer-account salt/);
    const forced = chooseSalt(
      { components: ['HTTP', 'web01.corp.example.com'], realm: 'CORP.EXAMPLE.COM' },
      { kind: 'computer', samAccountName: 'WEB01$' },
    );
    assert.equal(forced.salt, 'CORP.EXAMPLE.COMhostweb01.corp.example.com');
  });
});
