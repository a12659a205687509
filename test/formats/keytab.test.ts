import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { principalToString } from '../../src/formats/common.js';
import { decodeKeytab, encodeKeytab, type Keytab, type KeytabEntryInput, keytabToJSON } from '../../src/formats/keytab.js';
import { parseKlistKeytab } from '../../src/formats/klist.js';
import { toHex } from '../../src/wire/encoding.js';
import { isDecodeError } from '../../src/wire/errors.js';
import { corpusFile, corpusPath } from '../helpers/corpus.js';
import { roundTrip } from '../helpers/roundtrip.js';
import { klist, klistUnavailable } from './mit-tools.js';

const KEYTABS = [
  'vectors/kerberos-net/sample.keytab',
  'vectors/kerberos-net/sample_with_32_bit_version_override.keytab',
  'vectors/kerberos-net/sample_with_padding.keytab',
  'vectors/gokrb5/testuser1.testtab',
  'vectors/mit-krb5/fuzz_keytab_seed_corpus/v502_one_entry',
  'vectors/mit-krb5/fuzz_keytab_seed_corpus/version_only',
  'vectors/mit-krb5/fuzz_keytab_seed_corpus/version_0x501',
];

const tmp = mkdtempSync(path.join(tmpdir(), 'kerbscope-keytab-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Our view of a keytab in the terms `klist -k -t -e -K` prints (UTC). */
function ours(kt: Keytab) {
  return kt.entries.map((e) => ({
    kvno: e.kvno,
    time: e.timestamp.toISOString(),
    principal: principalToString(e.principal),
    enctype: e.enctype,
    key: toHex(e.key),
  }));
}

function mitView(file: string) {
  const r = klist(['-k', '-t', '-e', '-K', file]);
  assert.equal(r.status, 0, r.stderr);
  return parseKlistKeytab(r.stdout).entries.map((e) => ({
    kvno: e.kvno,
    time: e.timestamp?.toISOString(),
    principal: principalToString(e.principal),
    enctype: e.enctype,
    key: e.key ? toHex(e.key) : undefined,
  }));
}

function entry(principal: string, realm: string, kvno: number, enctype: number, key: string, t = 1_700_000_000): KeytabEntryInput {
  return {
    principal: { realm, components: principal.split('/'), nameType: 1 },
    timestamp: new Date(t * 1000),
    kvno,
    enctype,
    key: Uint8Array.from(Buffer.from(key, 'hex')),
  };
}

describe('keytab: corpus against the upstream expected values (SOURCES.md)', () => {
  it('Kerberos.NET sample.keytab: 5 entries, kvno 12, DES/DES/RC4/AES256/AES128, the documented RC4 key', () => {
    const kt = decodeKeytab(corpusFile('vectors/kerberos-net/sample.keytab'));
    assert.equal(kt.version, 2);
    assert.deepEqual(kt.errors, []);
    assert.equal(kt.entries.length, 5);
    for (const e of kt.entries) {
      assert.equal(principalToString(e.principal), 'HTTP/aadg.windows.net.nsatc.net@IDENTITYINTERVENTION.COM');
      assert.equal(e.kvno, 12);
      assert.equal(e.layout?.kvno32, undefined, 'this keytab has no 32-bit kvno');
    }
    assert.deepEqual(
      kt.entries.map((e) => e.enctype),
      [1, 3, 23, 18, 17],
    );
    assert.equal(toHex(kt.entries[2]?.key as Uint8Array), '217e50203a5aba59cefa863c724bf61b');
  });

  it('Kerberos.NET 32-bit kvno override: 1 entry, kvno 2 from the extension', () => {
    const kt = decodeKeytab(corpusFile('vectors/kerberos-net/sample_with_32_bit_version_override.keytab'));
    assert.equal(kt.entries.length, 1);
    assert.equal(kt.entries[0]?.kvno, 2);
    assert.equal(kt.entries[0]?.layout?.kvno32, 2);
    assert.equal(principalToString(kt.entries[0]?.principal as never), 'test/admin@example.com');
  });

  it('Kerberos.NET keytab with padding: 15 entries, first DES-CBC-CRC, last RC4-HMAC', () => {
    const kt = decodeKeytab(corpusFile('vectors/kerberos-net/sample_with_padding.keytab'));
    assert.deepEqual(kt.errors, []);
    assert.equal(kt.entries.length, 15);
    assert.equal(kt.entries[0]?.enctype, 1);
    assert.equal(kt.entries[14]?.enctype, 23);
    assert.ok(kt.entries.every((e) => (e.layout?.recordSize ?? 0) > 0));
  });

  it('gokrb5 testuser1.testtab: 12 entries for testuser1@TEST.GOKRB5, kvno 1 and 2, etypes 16 17 18 19 20 23', () => {
    const kt = decodeKeytab(corpusFile('vectors/gokrb5/testuser1.testtab'));
    assert.equal(kt.entries.length, 12);
    assert.ok(kt.entries.every((e) => principalToString(e.principal) === 'testuser1@TEST.GOKRB5'));
    assert.deepEqual([...new Set(kt.entries.map((e) => e.kvno))].sort(), [1, 2]);
    assert.deepEqual(
      [...new Set(kt.entries.map((e) => e.enctype))].sort((a, b) => a - b),
      [16, 17, 18, 19, 20, 23],
    );
  });

  it('MIT fuzz seeds: one entry user@REALM, version-only files empty, big_size reported not thrown', () => {
    const one = decodeKeytab(corpusFile('vectors/mit-krb5/fuzz_keytab_seed_corpus/v502_one_entry'));
    assert.deepEqual(ours(one), [
      { kvno: 1, time: '1970-01-01T00:00:00.000Z', principal: 'user@REALM', enctype: 18, key: '00'.repeat(32) },
    ]);
    assert.equal(decodeKeytab(corpusFile('vectors/mit-krb5/fuzz_keytab_seed_corpus/version_only')).entries.length, 0);
    const v1 = decodeKeytab(corpusFile('vectors/mit-krb5/fuzz_keytab_seed_corpus/version_0x501'));
    assert.equal(v1.version, 1);
    assert.equal(v1.entries.length, 0);
    const big = decodeKeytab(corpusFile('vectors/mit-krb5/fuzz_keytab_seed_corpus/big_size'));
    assert.ok(big.errors.length >= 1);
    assert.equal(big.errors[0]?.error.code, 'ERR_TRUNCATED');
    assert.ok(encodeKeytab(big).length < 100, 'the forged record size is not re-created on encode');
  });

  it('not a keytab: DecodeError with a stable code', () => {
    assert.throws(
      () => decodeKeytab(Uint8Array.of(0x04, 0x02)),
      (e) => isDecodeError(e) && e.code === 'ERR_BAD_VALUE',
    );
    assert.throws(
      () => decodeKeytab(Uint8Array.of(0x05, 0x07)),
      (e) => isDecodeError(e) && e.code === 'ERR_UNSUPPORTED',
    );
    assert.throws(
      () => decodeKeytab(Uint8Array.of(0x05)),
      (e) => isDecodeError(e) && e.code === 'ERR_TRUNCATED',
    );
  });
});

describe('keytab: every field equals what MIT `klist -k -t -e -K` prints', { skip: klistUnavailable() }, () => {
  for (const rel of KEYTABS) {
    it(rel, () => {
      const kt = decodeKeytab(corpusFile(rel));
      assert.deepEqual(kt.errors, []);
      assert.deepEqual(ours(kt), mitView(corpusPath(rel)));
    });
  }

  it('big_size: MIT refuses it too', () => {
    assert.notEqual(klist(['-k', corpusPath('vectors/mit-krb5/fuzz_keytab_seed_corpus/big_size')]).status, 0);
  });

  it('a v1 keytab we write (little-endian, realm in the count) is read by klist the same way', () => {
    const src = decodeKeytab(corpusFile('vectors/kerberos-net/sample_with_padding.keytab'));
    const file = path.join(tmp, 'v1.keytab');
    writeFileSync(file, encodeKeytab(src, { version: 1 }));
    const expected = ours(src);
    assert.deepEqual(mitView(file), expected);
  });

  it('kvno 300 survives through the 32-bit extension (klist shows 300, the 8-bit field holds 44)', () => {
    const file = path.join(tmp, 'kvno300.keytab');
    const bytes = encodeKeytab({ entries: [entry('HTTP/web.contoso.com', 'CONTOSO.COM', 300, 18, '11'.repeat(32))] });
    writeFileSync(file, bytes);
    assert.equal(mitView(file)[0]?.kvno, 300);
    const back = decodeKeytab(bytes);
    assert.equal(back.entries[0]?.kvno, 300);
    assert.equal(back.entries[0]?.layout?.kvno8, 44);
    assert.equal(back.entries[0]?.layout?.kvno32, 300);
  });

  it('holes (deleted entries) are skipped by both', () => {
    const a = encodeKeytab({ entries: [entry('a', 'R.COM', 1, 17, '22'.repeat(16))] });
    const b = encodeKeytab({ entries: [entry('b', 'R.COM', 2, 18, '33'.repeat(32))] });
    const hole = new Uint8Array(4 + 20);
    new DataView(hole.buffer).setInt32(0, -20);
    const bytes = Buffer.concat([a, hole, b.subarray(2)]);
    const file = path.join(tmp, 'holes.keytab');
    writeFileSync(file, bytes);
    const kt = decodeKeytab(bytes);
    assert.deepEqual(kt.holes, [{ offset: a.length, size: 20 }]);
    assert.deepEqual(ours(kt), mitView(file));
    assert.equal(kt.entries.length, 2);
  });
});

describe('keytab: round trips', () => {
  for (const rel of KEYTABS) {
    it(`re-encodes ${rel} byte for byte`, () => {
      const bytes = corpusFile(rel);
      const kt = decodeKeytab(bytes);
      assert.equal(toHex(encodeKeytab(kt)), toHex(bytes));
    });
  }

  const sample: KeytabEntryInput[] = [
    entry('HTTP/web.contoso.com', 'CONTOSO.COM', 3, 18, 'aa'.repeat(32)),
    entry('HTTP/web.contoso.com', 'CONTOSO.COM', 3, 17, 'bb'.repeat(16)),
    entry('john', 'CONTOSO.COM', 256, 23, 'cc'.repeat(16)),
  ];
  for (const [version, byteOrder] of [
    [2, 'be'],
    [1, 'le'],
    [1, 'be'],
  ] as const) {
    it(`v${version} ${byteOrder}: encode → decode → encode is stable, also at an offset; byte order detected`, () => {
      const enc = (kt: { entries: KeytabEntryInput[] }) => encodeKeytab(kt, { version, byteOrder });
      const bytes = roundTrip(enc, (b) => decodeKeytab(b), { entries: sample });
      const kt = decodeKeytab(bytes);
      assert.equal(kt.version, version);
      assert.equal(kt.byteOrder, byteOrder);
      assert.deepEqual(
        kt.entries.map((e) => [e.kvno, e.enctype, toHex(e.key), principalToString(e.principal)]),
        sample.map((e) => [e.kvno, e.enctype, toHex(e.key), principalToString(e.principal)]),
      );
      assert.equal(kt.entries[0]?.principal.nameType, version === 2 ? 1 : 0);
    });
  }

  it("kvno32 'always' is MIT ktadd's layout; 'never' refuses kvno > 255", () => {
    const one = [entry('a', 'R', 5, 17, '01'.repeat(16))];
    const always = decodeKeytab(encodeKeytab({ entries: one }, { kvno32: 'always' }));
    assert.equal(always.entries[0]?.layout?.kvno32, 5);
    const auto = decodeKeytab(encodeKeytab({ entries: one }));
    assert.equal(auto.entries[0]?.layout?.kvno32, undefined);
    assert.throws(() => encodeKeytab({ entries: [entry('a', 'R', 256, 17, '01'.repeat(16))] }, { kvno32: 'never' }), RangeError);
  });
});

describe('keytab: damage is reported, not thrown, and the rest survives', () => {
  const bytes = encodeKeytab({
    entries: [
      entry('a', 'R.COM', 1, 17, '01'.repeat(16)),
      entry('b', 'R.COM', 2, 17, '02'.repeat(16)),
      entry('c', 'R.COM', 3, 17, '03'.repeat(16)),
    ],
  });
  const kt0 = decodeKeytab(bytes);
  const second = kt0.entries[1]?.layout?.offset as number;

  it('a record with a component count of 0 in the middle: entries 1 and 3 kept, error at record 2', () => {
    const bad = bytes.slice();
    bad[second + 4] = 0;
    bad[second + 5] = 0;
    const kt = decodeKeytab(bad);
    assert.deepEqual(
      kt.entries.map((e) => e.kvno),
      [1, 3],
    );
    assert.equal(kt.errors.length, 1);
    assert.equal(kt.errors[0]?.offset, second);
    assert.equal(kt.errors[0]?.error.field, 'principal.count');
  });

  it('a forged huge component count is refused before allocating', () => {
    const bad = bytes.slice();
    bad[second + 4] = 0x7f;
    bad[second + 5] = 0xff;
    const kt = decodeKeytab(bad);
    assert.equal(kt.entries.length, 2);
    assert.equal(kt.errors[0]?.error.code, 'ERR_TRUNCATED');
  });

  it('a file cut inside the last record keeps the first two', () => {
    const kt = decodeKeytab(bytes.subarray(0, bytes.length - 5));
    assert.equal(kt.entries.length, 2);
    assert.equal(kt.errors.length, 1);
  });
});

describe('keytab: keys are secrets', () => {
  const kt = decodeKeytab(corpusFile('vectors/kerberos-net/sample.keytab'));
  it('JSON.stringify masks every key', () => {
    const s = JSON.stringify(kt);
    assert.ok(!s.includes('217e50203a5aba59cefa863c724bf61b'));
    assert.ok(!/"key":\{"0":/.test(s));
    assert.ok(s.includes('(masked)'));
  });
  it('keytabToJSON shows keys only when asked', () => {
    assert.ok(!JSON.stringify(keytabToJSON(kt)).includes('217e5020'));
    assert.ok(JSON.stringify(keytabToJSON(kt, { showSecrets: true })).includes('217e50203a5aba59cefa863c724bf61b'));
  });
});
