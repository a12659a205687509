/**
 * The browser's pure-TypeScript crypto backend (web/crypto-backend.ts) against node:crypto's (src/crypto/backend.ts):
 * same bytes for every primitive, over lengths that cross block boundaries, and the RFC 3962 PBKDF2 vectors.
 */
import assert from 'node:assert/strict';
import { randomBytes as nodeRandom } from 'node:crypto';
import { test } from 'node:test';
import * as node from '../../src/crypto/backend.js';
import * as web from '../../web/crypto-backend.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('hashes and HMAC match node:crypto across block boundaries', () => {
  for (const alg of ['md5', 'sha1', 'sha256', 'sha384'] as const)
    for (const n of [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 300]) {
      const d = nodeRandom(n);
      assert.equal(hex(web.digest(alg, d)), hex(node.digest(alg, d)), `${alg} ${n}`);
      const k = nodeRandom(n % 150);
      assert.equal(hex(web.hmac(alg, k, d, d)), hex(node.hmac(alg, k, d, d)), `hmac ${alg} ${n}`);
    }
});

test('AES-128/256 CBC and single blocks match node:crypto', () => {
  for (const ks of [16, 32])
    for (const n of [16, 32, 48, 160]) {
      const key = nodeRandom(ks);
      const iv = nodeRandom(16);
      const d = nodeRandom(n);
      const c = web.aesCbcEncrypt(key, iv, d);
      assert.equal(hex(c), hex(node.aesCbcEncrypt(key, iv, d)));
      assert.equal(hex(web.aesCbcDecrypt(key, iv, c)), hex(d));
      const b = d.subarray(0, 16);
      assert.equal(hex(web.aesEncryptBlock(key, b)), hex(node.aesEncryptBlock(key, b)));
      assert.equal(hex(web.aesDecryptBlock(key, b)), hex(node.aesDecryptBlock(key, b)));
    }
});

test('PBKDF2 matches node:crypto (RFC 3962 appendix B: "password", ATHENA.MIT.EDUraeburn, 1200 iterations)', () => {
  const p = new TextEncoder().encode('password');
  const s = new TextEncoder().encode('ATHENA.MIT.EDUraeburn');
  for (const alg of ['sha1', 'sha256', 'sha384'] as const)
    assert.equal(hex(web.pbkdf2(alg, p, s, 1200, 32)), hex(node.pbkdf2(alg, p, s, 1200, 32)), alg);
  assert.equal(hex(web.pbkdf2('sha1', p, s, 1200, 32)), '5c08eb61fdf71e4e4ec3cf6ba1f5512ba7e52ddbc5e5142f708a31e2e62b1e13');
});
