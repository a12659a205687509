// Properties for every implemented enctype: decrypt(encrypt(x)) = x; flipping any byte, truncating, or using
// another key usage gives CryptoError ERR_INTEGRITY / ERR_TRUNCATED and never any other exception.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CryptoError, decrypt, ENCTYPES, encrypt, makeChecksum, verifyChecksum } from '../../src/crypto/index.js';

const RUNS = 200;

function onlyCodes(fn: () => unknown, codes: readonly string[]): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CryptoError && codes.includes(e.code)) return e.code;
    throw e;
  }
  return 'no error';
}

for (const e of ENCTYPES.filter((x) => x.implemented)) {
  describe(`${e.name} (${e.id})`, () => {
    const key = fc.uint8Array({ minLength: e.keySize, maxLength: e.keySize });
    const usage = fc.integer({ min: 0, max: 1100 });
    const data = fc.uint8Array({ maxLength: 300 });

    it('decrypt(encrypt(x)) = x', () => {
      fc.assert(
        fc.property(key, usage, data, (k, u, p) => {
          assert.deepEqual(decrypt(e.id, k, u, encrypt(e.id, k, u, p)), p);
        }),
        { numRuns: RUNS },
      );
    });

    it('tampering any one byte gives ERR_INTEGRITY', () => {
      fc.assert(
        fc.property(key, usage, data, fc.nat(), fc.integer({ min: 1, max: 255 }), (k, u, p, where, flip) => {
          const c = encrypt(e.id, k, u, p);
          c[where % c.length]! ^= flip;
          assert.equal(
            onlyCodes(() => decrypt(e.id, k, u, c), ['ERR_INTEGRITY']),
            'ERR_INTEGRITY',
          );
        }),
        { numRuns: RUNS },
      );
    });

    it('another usage gives ERR_INTEGRITY; cutting bytes gives ERR_INTEGRITY or ERR_TRUNCATED', () => {
      fc.assert(
        fc.property(key, usage, data, fc.nat(), (k, u, p, cut) => {
          const c = encrypt(e.id, k, u, p);
          assert.equal(
            onlyCodes(() => decrypt(e.id, k, u + 1, c), ['ERR_INTEGRITY']),
            'ERR_INTEGRITY',
          );
          const short = c.subarray(0, cut % c.length);
          const code = onlyCodes(() => decrypt(e.id, k, u, short), ['ERR_INTEGRITY', 'ERR_TRUNCATED']);
          assert.equal(code, short.length < e.overhead ? 'ERR_TRUNCATED' : 'ERR_INTEGRITY');
        }),
        { numRuns: RUNS },
      );
    });

    it('random bytes never raise anything but a CryptoError', () => {
      fc.assert(
        fc.property(key, usage, fc.uint8Array({ maxLength: 200 }), (k, u, junk) => {
          assert.notEqual(
            onlyCodes(() => decrypt(e.id, k, u, junk), ['ERR_INTEGRITY', 'ERR_TRUNCATED']),
            'no error',
          );
        }),
        { numRuns: RUNS },
      );
    });

    it('checksums verify and reject a flipped bit', () => {
      fc.assert(
        fc.property(key, usage, data, fc.nat(), (k, u, p, bit) => {
          const sum = makeChecksum(e.checksumType, k, u, p);
          assert.ok(verifyChecksum(e.checksumType, k, u, p, sum));
          sum[(bit >>> 3) % sum.length]! ^= 1 << (bit & 7);
          assert.ok(!verifyChecksum(e.checksumType, k, u, p, sum));
        }),
        { numRuns: RUNS },
      );
    });
  });
}
