import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  application,
  decodeDer,
  encodeDer,
  field,
  int32,
  integer,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  octetString,
  oid,
  optional,
  sequence,
  sequenceOf,
  uint32,
} from '../../src/wire/asn1.js';
import { fromBase64, fromHex, toBase64, toHex } from '../../src/wire/encoding.js';
import { DecodeError } from '../../src/wire/errors.js';
import { ByteReader } from '../../src/wire/reader.js';
import { roundTrip } from '../helpers/roundtrip.js';

const PrincipalName = sequence('PrincipalName', { nameType: field(0, int32), nameString: field(1, sequenceOf(kerberosString)) });
const EncryptedData = sequence('EncryptedData', { etype: field(0, int32), kvno: optional(1, uint32), cipher: field(2, octetString) });
const Ticket = application(
  1,
  sequence('Ticket', {
    tktVno: field(0, int32),
    realm: field(1, kerberosString),
    sname: field(2, PrincipalName),
    encPart: field(3, EncryptedData),
  }),
);

describe('DER primitives (X.690)', () => {
  it('encodes INTEGER minimally in two’s complement', () => {
    const hex = (n: number) => toHex(encodeDer(integer, n));
    assert.equal(hex(0), '020100');
    assert.equal(hex(127), '02017f');
    assert.equal(hex(128), '02020080');
    assert.equal(hex(-1), '0201ff');
    assert.equal(hex(-128), '020180');
    assert.equal(hex(-129), '0202ff7f');
    assert.equal(hex(0xffffffff), '020500ffffffff');
  });

  it('maps a negative kvno to UInt32 (Windows signed-kvno quirk)', () => {
    // Windows encodes kvno 0x80000001 as the signed INTEGER -2147483647 (4 octets 80 00 00 01)
    assert.equal(decodeDer(uint32, fromHex('020480000001') as Uint8Array), 0x80000001);
  });

  it('encodes OIDs (SPNEGO 1.3.6.1.5.5.2, krb5 1.2.840.113554.1.2.2)', () => {
    assert.equal(toHex(encodeDer(oid, '1.3.6.1.5.5.2')), '06062b0601050502');
    assert.equal(toHex(encodeDer(oid, '1.2.840.113554.1.2.2')), '06092a864886f712010202');
    assert.equal(decodeDer(oid, fromHex('06092a864882f712010202') as Uint8Array), '1.2.840.48018.1.2.2');
  });

  it('reads KerberosTime and KerberosFlags', () => {
    const t = decodeDer(kerberosTime, fromHex('180f32303232313132383030353933305a') as Uint8Array);
    assert.equal(t.toISOString(), '2022-11-28T00:59:30.000Z');
    // forwardable renewable initial pre_authent name_canonicalize, as Windows klist prints it
    assert.equal(decodeDer(kerberosFlags, fromHex('030500 40e10000'.replace(' ', '')) as Uint8Array), 0x40e10000);
    assert.equal(toHex(encodeDer(kerberosFlags, 0x40e10000)), '03050040e10000');
  });

  it('round-trips a Ticket, also at a non-zero offset', () => {
    const t = {
      tktVno: 5,
      realm: 'CONTOSO.COM',
      sname: { nameType: 2, nameString: ['HTTP', 'iisserver.contoso.com'] },
      encPart: { etype: 18, kvno: 2, cipher: Uint8Array.of(1, 2, 3) },
    };
    const der = roundTrip(
      (v: typeof t) => encodeDer(Ticket, v),
      (b) => decodeDer(Ticket, b) as typeof t,
      t,
    );
    assert.equal(der[0], 0x61);
  });
});

describe('DER errors name the field and the offset', () => {
  const der = encodeDer(Ticket, {
    tktVno: 5,
    realm: 'R',
    sname: { nameType: 1, nameString: ['a'] },
    encPart: { etype: 18, cipher: new Uint8Array(4) },
  });

  it('truncation', () => {
    assert.throws(
      () => decodeDer(Ticket, der.subarray(0, der.length - 1)),
      (e: unknown) => {
        assert.ok(e instanceof DecodeError);
        assert.equal(e.code, 'ERR_TRUNCATED');
        assert.equal(e.offset, 1);
        return true;
      },
    );
  });

  it('a wrong inner type names the field path', () => {
    const bad = encodeDer(application(1, sequence('Ticket', { tktVno: field(0, int32), realm: field(1, int32) })), {
      tktVno: 5,
      realm: 7,
    } as never);
    assert.throws(
      () => decodeDer(Ticket, bad),
      (e: unknown) => e instanceof DecodeError && e.code === 'ERR_BAD_TAG' && e.field === 'realm',
    );
  });

  it('a missing required field', () => {
    const bad = encodeDer(application(1, sequence('Ticket', { tktVno: field(0, int32) })), { tktVno: 5 });
    assert.throws(
      () => decodeDer(Ticket, bad),
      (e: unknown) => e instanceof DecodeError && e.field === 'realm' && /missing/.test(e.message),
    );
  });

  it('indefinite lengths are refused', () => {
    assert.throws(
      () => decodeDer(Ticket, fromHex('6180') as Uint8Array),
      (e: unknown) => e instanceof DecodeError && e.code === 'ERR_BAD_LENGTH',
    );
  });

  it('random bytes and mutations only ever raise DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        try {
          decodeDer(Ticket, b);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 }), (i, v) => {
        const m = der.slice();
        m[i] = v;
        try {
          decodeDer(Ticket, m);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('ByteReader', () => {
  it('is sticky: the first error wins and later reads return defaults', () => {
    const r = new ByteReader(Uint8Array.of(1, 2, 3), 100);
    assert.equal(r.u16be('a'), 0x0102);
    assert.equal(r.u32be('b'), 0);
    assert.equal(r.u8('c'), 0);
    assert.equal(r.error?.code, 'ERR_TRUNCATED');
    assert.equal(r.error?.field, 'b');
    assert.equal(r.error?.offset, 102);
    assert.equal(r.error?.needed, 4);
    assert.equal(r.error?.left, 1);
  });

  it('refuses a forged count before allocating', () => {
    const r = new ByteReader(new Uint8Array(10));
    assert.equal(r.count(0x7fffffff, 4, 'entries'), 0);
    assert.equal(r.error?.code, 'ERR_TRUNCATED');
  });
});

describe('base64 and hex', () => {
  it('agrees with Node for every length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const s = toBase64(b);
        assert.equal(s, Buffer.from(b).toString('base64'));
        assert.deepEqual(fromBase64(s), b);
        assert.deepEqual(fromBase64(Buffer.from(b).toString('base64url')), b);
        assert.deepEqual(fromHex(toHex(b)), b);
      }),
    );
  });
  it('rejects what is not base64', () => {
    assert.equal(fromBase64('YII$'), undefined);
    assert.equal(fromHex('abc'), undefined);
  });
});
