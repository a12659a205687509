import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type Ccache,
  type CcacheInput,
  ccacheConfig,
  ccacheTickets,
  ccacheToJSON,
  decodeCcache,
  encodeCcache,
  makeConfigCredential,
} from '../../src/formats/ccache.js';
import { parsePrincipal, principalToString } from '../../src/formats/common.js';
import { toHex } from '../../src/wire/encoding.js';
import { isDecodeError } from '../../src/wire/errors.js';
import { corpusFile, corpusPath } from '../helpers/corpus.js';
import { roundTrip } from '../helpers/roundtrip.js';
import { klist, klistUnavailable, mitAsKlist, oursAsKlist } from './mit-tools.js';

const CCACHES = [
  'vectors/impacket/ccache-v1',
  'vectors/impacket/ccache-v2',
  'vectors/impacket/ccache-v3',
  'vectors/impacket/ccache-v4',
  'vectors/kerberos-net/Cache/krb5cc',
  'vectors/mit-krb5/fuzz_ccache_seed_corpus/v4_principal_only',
];

const tmp = mkdtempSync(path.join(tmpdir(), 'kerbscope-ccache-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('ccache: corpus against upstream descriptions', () => {
  it('impacket ccache-v1..v4: user01@INNOVATION.ROCKS, one TGT for krbtgt/INNOVATION.ROCKS, one pa_type config entry', () => {
    for (const v of [1, 2, 3, 4]) {
      const cc = decodeCcache(corpusFile(`vectors/impacket/ccache-v${v}`));
      assert.equal(cc.version, v);
      assert.deepEqual(cc.errors, []);
      assert.equal(principalToString(cc.defaultPrincipal as never), 'user01@INNOVATION.ROCKS');
      const t = ccacheTickets(cc);
      assert.equal(t.length, 1);
      assert.equal(principalToString(t[0]?.server as never), 'krbtgt/INNOVATION.ROCKS@INNOVATION.ROCKS');
      assert.equal(principalToString(t[0]?.client as never), 'user01@INNOVATION.ROCKS');
      assert.equal(t[0]?.key.enctype, 18);
      assert.equal(t[0]?.key.value.length, 32);
      assert.deepEqual(
        ccacheConfig(cc).map((c) => [c.key, c.principal, c.text]),
        [['pa_type', 'krbtgt/INNOVATION.ROCKS@INNOVATION.ROCKS', '2']],
      );
      if (v <= 2) assert.equal(cc.byteOrder, 'le');
    }
  });

  it('Kerberos.NET krb5cc: admin@IPA..., a TGT and the fast_avail + pa_type config entries MIT writes', () => {
    const cc = decodeCcache(corpusFile('vectors/kerberos-net/Cache/krb5cc'));
    assert.deepEqual(cc.kdcTimeOffset, { seconds: 0, microseconds: 0 });
    assert.equal(ccacheTickets(cc).length, 1);
    assert.deepEqual(
      ccacheConfig(cc).map((c) => [c.key, c.text]),
      [
        ['fast_avail', 'yes'],
        ['pa_type', '2'],
      ],
    );
    const cfg = cc.credentials.find((c) => c.kind === 'config');
    assert.equal(cfg?.endtime, undefined, 'config entries have all times zero');
  });

  it('MIT seed v1_principal_only: the default principal MIT prints ("@\\005\\0"), then the error MIT reports', () => {
    const cc = decodeCcache(corpusFile('vectors/mit-krb5/fuzz_ccache_seed_corpus/v1_principal_only'));
    assert.equal(cc.defaultPrincipal?.realm, '\x05\x00');
    assert.deepEqual(cc.defaultPrincipal?.components, []);
    assert.equal(cc.credentials.length, 0);
    assert.equal(cc.errors.length, 1);
    assert.equal(cc.errors[0]?.error.code, 'ERR_TRUNCATED');
  });

  it('not a ccache: DecodeError', () => {
    assert.throws(
      () => decodeCcache(Uint8Array.of(0x05, 0x09)),
      (e) => isDecodeError(e) && e.code === 'ERR_UNSUPPORTED',
    );
    assert.throws(
      () => decodeCcache(Uint8Array.of(0x30, 0x04)),
      (e) => isDecodeError(e) && e.code === 'ERR_BAD_VALUE',
    );
  });
});

describe('ccache: fields equal what MIT `klist -c -e -f` prints', { skip: klistUnavailable() }, () => {
  for (const rel of CCACHES) {
    it(rel, () => {
      const cc = decodeCcache(corpusFile(rel));
      assert.deepEqual(cc.errors, []);
      assert.deepEqual(oursAsKlist(cc), mitAsKlist(corpusPath(rel)));
    });
  }

  it('v1_principal_only: klist prints the same odd principal and fails on the credentials', () => {
    const r = klist(['-c', corpusPath('vectors/mit-krb5/fuzz_ccache_seed_corpus/v1_principal_only')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /Default principal: @\x05\\0/);
    assert.match(r.stderr, /Bad format/);
  });

  for (const v of [1, 2, 3, 4] as const) {
    it(`a v${v} ccache we write is read by klist exactly like the original`, () => {
      const src = decodeCcache(corpusFile('vectors/kerberos-net/Cache/krb5cc'));
      const file = path.join(tmp, `krb5cc-v${v}`);
      writeFileSync(file, encodeCcache(src, { version: v }));
      assert.deepEqual(mitAsKlist(file), oursAsKlist(src));
    });
  }
});

describe('ccache: round trips', () => {
  for (const rel of CCACHES) {
    it(`re-encodes ${rel} byte for byte`, () => {
      const bytes = corpusFile(rel);
      assert.equal(toHex(encodeCcache(decodeCcache(bytes))), toHex(bytes));
    });
  }

  const base = decodeCcache(corpusFile('vectors/impacket/ccache-v4'));
  for (const [version, byteOrder] of [
    [1, 'le'],
    [1, 'be'],
    [2, 'le'],
    [2, 'be'],
    [3, 'be'],
    [4, 'be'],
  ] as const) {
    it(`v${version} ${byteOrder}: stable, at an offset too, and the byte order is detected`, () => {
      const input: CcacheInput = { ...base, version, byteOrder };
      const bytes = roundTrip(
        (c: CcacheInput) => encodeCcache(c, { version, byteOrder }),
        (b) => decodeCcache(b),
        input,
      );
      const back = decodeCcache(bytes);
      assert.equal(back.byteOrder, byteOrder);
      const view = (c: Ccache) => JSON.stringify(ccacheToJSON(c, { showSecrets: true }).credentials).replace(/"offset":\d+/g, '');
      assert.equal(view(back), view(base));
    });
  }

  it('converting impacket v4 → v3 gives impacket v3 layout (enctype written twice in the keyblock)', () => {
    const v3 = encodeCcache(base, { version: 3 });
    const back = decodeCcache(v3);
    const c = ccacheTickets(back)[0];
    assert.equal(c?.key.enctype, 18);
    // the keyblock: enctype 0x0012 twice, then the 32-bit length 32
    assert.ok(toHex(v3).includes(`0012001200000020${toHex(c?.key.value as Uint8Array)}`));
  });

  it('version 1 principals carry no name type (0 on read)', () => {
    const v1 = decodeCcache(encodeCcache(base, { version: 1 }));
    assert.equal(v1.defaultPrincipal?.nameType, 0);
  });

  it('config entries written by makeConfigCredential are recognised', () => {
    const client = parsePrincipal('john@CONTOSO.COM');
    const cc = decodeCcache(
      encodeCcache({
        defaultPrincipal: client,
        header: [],
        credentials: [
          makeConfigCredential(client, 'fast_avail', 'yes', parsePrincipal('krbtgt/CONTOSO.COM@CONTOSO.COM')),
          makeConfigCredential(client, 'refresh_time', '1700000000'),
        ],
      }),
    );
    assert.deepEqual(
      ccacheConfig(cc).map((c) => [c.key, c.principal, c.text]),
      [
        ['fast_avail', 'krbtgt/CONTOSO.COM@CONTOSO.COM', 'yes'],
        ['refresh_time', undefined, '1700000000'],
      ],
    );
    assert.equal(ccacheTickets(cc).length, 0);
  });
});

describe('ccache: damage is reported with what came before', () => {
  const bytes = corpusFile('vectors/kerberos-net/Cache/krb5cc');
  const cc = decodeCcache(bytes);
  const third = cc.credentials[2]?.offset as number;

  it('cut inside the third credential: two kept, one error at its offset', () => {
    const r = decodeCcache(bytes.subarray(0, third + 40));
    assert.equal(r.credentials.length, 2);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]?.offset, third);
  });

  it('a forged 0xffffffff component count fails before allocating', () => {
    const bad = bytes.slice();
    // the third credential's client: name type (4 bytes), then the count
    bad.set([0xff, 0xff, 0xff, 0xff], third + 4);
    const r = decodeCcache(bad);
    assert.equal(r.credentials.length, 2);
    assert.equal(r.errors[0]?.error.code, 'ERR_TRUNCATED');
    assert.equal(r.errors[0]?.error.field, 'client.count');
  });

  it('a v4 header longer than the file', () => {
    const r = decodeCcache(Uint8Array.of(5, 4, 0xff, 0xff, 0, 1));
    assert.equal(r.defaultPrincipal, undefined);
    assert.equal(r.errors[0]?.error.code, 'ERR_TRUNCATED');
  });
});

describe('ccache: session keys are secrets', () => {
  it('JSON.stringify and ccacheToJSON mask them unless asked', () => {
    const cc = decodeCcache(corpusFile('vectors/impacket/ccache-v4'));
    const key = toHex(ccacheTickets(cc)[0]?.key.value as Uint8Array);
    assert.ok(!JSON.stringify(cc).includes(key));
    assert.ok(!JSON.stringify(ccacheToJSON(cc)).includes(key));
    assert.ok(JSON.stringify(ccacheToJSON(cc, { showSecrets: true })).includes(key));
  });
});
