// Enctype-level RFC vectors: RFC 3962 App. B string-to-key, RFC 8009 App. A (all), RFC 4757 §3.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decrypt,
  encrypt,
  KC,
  KE,
  KI,
  kdfHmacSha2,
  makeChecksum,
  prf,
  stringToKey,
  usageConstant,
  verifyChecksum,
} from '../../src/crypto/index.js';
import { hex, readJson, unhex, vectors } from './helpers.js';

const be32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

interface Rfc3962 {
  string_to_key: { section: string; iterations: number; password: string; salt: string; aes128_key: string; aes256_key: string }[];
}
interface Rfc8009 {
  string_to_key: { section: string; enctype: number; iterations: number; password: string; salt: string; key: string }[];
  key_derivation: { section: string; enctype: 19 | 20; usage: number; base_key: string; ke: string; ki: string; kc: string }[];
  prf: { section: string; enctype: number; key: string; input: string; output: string }[];
  encryption: { section: string; enctype: number; key: string; usage: number; plaintext: string; confounder: string; ciphertext: string }[];
  checksum: { section: string; cksumtype: number; enctype: number; key: string; usage: number; data: string; checksum: string }[];
}

describe('RFC 3962 App. B string-to-key', () => {
  const { string_to_key: suite } = readJson<Rfc3962>(new URL('rfc3962.json', vectors));
  it(`derives all ${suite.length * 2} aes128/aes256 keys (iteration counts 1..1200, long pass phrases, g-clef)`, () => {
    assert.equal(suite.length, 7);
    for (const v of suite) {
      const params = be32(v.iterations);
      assert.equal(hex(stringToKey(17, unhex(v.password), unhex(v.salt), params)), v.aes128_key, `aes128 iter ${v.iterations}`);
      assert.equal(hex(stringToKey(18, unhex(v.password), unhex(v.salt), params)), v.aes256_key, `aes256 iter ${v.iterations}`);
    }
  });
  it('takes the g-clef pass phrase as a JS string (UTF-8 encoded, U+1D11E)', () => {
    const v = suite.find((x) => x.password === 'f09d849e')!;
    assert.equal(hex(stringToKey('aes256-cts-hmac-sha1-96', '\u{1D11E}', 'EXAMPLE.COMpianist', be32(50))), v.aes256_key);
  });
});

describe('RFC 8009 App. A (aes128-cts-hmac-sha256-128, aes256-cts-hmac-sha384-192)', () => {
  const v = readJson<Rfc8009>(new URL('rfc8009.json', vectors));

  it('string-to-key (iteration count 32768)', () => {
    for (const s of v.string_to_key) {
      assert.equal(hex(stringToKey(s.enctype, unhex(s.password), unhex(s.salt), be32(s.iterations))), s.key, s.section);
      assert.equal(hex(stringToKey(s.enctype, unhex(s.password), unhex(s.salt))), s.key, `${s.section}: 32768 is the default`);
    }
  });

  it('key derivation Ke, Ki, Kc (KDF-HMAC-SHA2)', () => {
    for (const d of v.key_derivation) {
      const hash = d.enctype === 19 ? 'sha256' : 'sha384';
      const base = unhex(d.base_key);
      const none = new Uint8Array(0);
      assert.equal(hex(kdfHmacSha2(hash, base, usageConstant(d.usage, KE), none, d.ke.length * 4)), d.ke, `${d.enctype} Ke`);
      assert.equal(hex(kdfHmacSha2(hash, base, usageConstant(d.usage, KI), none, d.ki.length * 4)), d.ki, `${d.enctype} Ki`);
      assert.equal(hex(kdfHmacSha2(hash, base, usageConstant(d.usage, KC), none, d.kc.length * 4)), d.kc, `${d.enctype} Kc`);
    }
  });

  it('pseudo-random function', () => {
    for (const p of v.prf) assert.equal(hex(prf(p.enctype, unhex(p.key), unhex(p.input))), p.output, `${p.enctype}`);
  });

  it(`all ${v.encryption.length} sample encryptions: exact ciphertext with the given confounder, and back`, () => {
    assert.equal(v.encryption.length, 8);
    for (const e of v.encryption) {
      const key = unhex(e.key);
      assert.equal(hex(encrypt(e.enctype, key, e.usage, unhex(e.plaintext), unhex(e.confounder))), e.ciphertext, e.section);
      assert.equal(hex(decrypt(e.enctype, key, e.usage, unhex(e.ciphertext))), e.plaintext, e.section);
    }
  });

  it('sample checksums', () => {
    for (const c of v.checksum) {
      assert.equal(hex(makeChecksum(c.cksumtype, unhex(c.key), c.usage, unhex(c.data))), c.checksum, c.section);
      assert.ok(verifyChecksum(c.cksumtype, unhex(c.key), c.usage, unhex(c.data), unhex(c.checksum)));
      assert.ok(!verifyChecksum(c.cksumtype, unhex(c.key), c.usage + 1, unhex(c.data), unhex(c.checksum)), 'another usage must not verify');
    }
  });
});

describe('RFC 4757 §3 string-to-key (NT hash)', () => {
  const { string_to_key: suite } = readJson<{ string_to_key: { password: string; key: string }[] }>(new URL('rfc4757.json', vectors));
  it('String2Key("foo")', () => {
    for (const s of suite) {
      assert.equal(hex(stringToKey(23, s.password, 'salt is ignored')), s.key);
      assert.equal(hex(stringToKey('rc4-hmac-exp', s.password, '')), s.key);
    }
  });
});
