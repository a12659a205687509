import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ccacheTickets, decodeCcache, encodeCcache } from '../../src/formats/ccache.js';
import { principalToString } from '../../src/formats/common.js';
import { ccacheToKirbi, decodeKirbi, kirbiToCcache } from '../../src/formats/kirbi.js';
import { toHex } from '../../src/wire/encoding.js';
import { isDecodeError } from '../../src/wire/errors.js';
import { corpusFile } from '../helpers/corpus.js';
import { klistUnavailable, mitAsKlist, oursAsKlist } from './mit-tools.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kerbscope-kirbi-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('kirbi (KRB-CRED) against impacket ccache ↔ kirbi test pairs', () => {
  for (const v of [3, 4]) {
    const kirbi = corpusFile(`vectors/impacket/ccache-v${v}-kirbi`);
    const cc = decodeCcache(corpusFile(`vectors/impacket/ccache-v${v}`));
    const tgt = ccacheTickets(cc)[0];

    it(`v${v}: the kirbi holds the same ticket, session key, client, server, flags and times as the ccache`, () => {
      const k = decodeKirbi(kirbi);
      assert.deepEqual(k.errors, []);
      assert.equal(k.krbCred.encPart.etype, 0);
      assert.equal(k.credentials.length, 1);
      const c = k.credentials[0];
      assert.equal(toHex(c?.ticket as Uint8Array), toHex(tgt?.ticket as Uint8Array));
      assert.equal(toHex(c?.key.value as Uint8Array), toHex(tgt?.key.value as Uint8Array));
      assert.equal(c?.key.enctype, tgt?.key.enctype);
      assert.equal(principalToString(c?.client as never), principalToString(tgt?.client as never));
      assert.equal(principalToString(c?.server as never), principalToString(tgt?.server as never));
      assert.equal(c?.ticketFlags, tgt?.ticketFlags);
      assert.equal(c?.starttime?.getTime(), tgt?.starttime?.getTime());
      assert.equal(c?.endtime?.getTime(), tgt?.endtime?.getTime());
      assert.equal(c?.renewTill?.getTime(), tgt?.renewTill?.getTime());
    });

    it(`v${v}: ccacheToKirbi writes impacket's bytes exactly (impacket leaves authtime out)`, () => {
      assert.equal(toHex(ccacheToKirbi(cc, { authtime: false })), toHex(kirbi));
    });

    it(`v${v}: ccacheToKirbi keeps authtime by default and round-trips through kirbiToCcache`, () => {
      const k = decodeKirbi(ccacheToKirbi(cc));
      assert.equal(k.credentials[0]?.authtime?.getTime(), tgt?.authtime?.getTime());
      const back = kirbiToCcache(k);
      assert.equal(principalToString(back.defaultPrincipal as never), 'user01@INNOVATION.ROCKS');
      assert.equal(back.credentials.length, 1, 'config entries are not tickets and are not exported');
    });
  }

  it('kirbi → ccache is read by MIT klist like the original impacket ccache (minus its config entry)', { skip: klistUnavailable() }, () => {
    const file = path.join(tmp, 'from-kirbi');
    const cc = kirbiToCcache(corpusFile('vectors/impacket/ccache-v4-kirbi'));
    writeFileSync(file, encodeCcache(cc));
    const mit = mitAsKlist(file);
    const orig = oursAsKlist(decodeCcache(corpusFile('vectors/impacket/ccache-v4')));
    assert.deepEqual(mit, orig);
  });

  it('not a KRB-CRED: DecodeError', () => {
    assert.throws(
      () => decodeKirbi(Uint8Array.of(0x30, 0x00)),
      (e) => isDecodeError(e),
    );
    assert.throws(
      () => decodeKirbi(corpusFile('vectors/impacket/ccache-v4-kirbi').subarray(0, 100)),
      (e) => isDecodeError(e) && e.code === 'ERR_TRUNCATED',
    );
  });

  it('an encrypted enc-part is reported, and kirbiToCcache says a key is needed', () => {
    const k = decodeKirbi(corpusFile('vectors/impacket/ccache-v4-kirbi'));
    const enc = { ...k, encPart: undefined, krbCred: { ...k.krbCred, encPart: { etype: 18, cipher: new Uint8Array(8) } } };
    assert.throws(
      () => kirbiToCcache(enc),
      (e) => isDecodeError(e) && e.code === 'ERR_UNSUPPORTED',
    );
  });
});
