/**
 * Real MIT krb5 against our file codecs: a private MIT KDC on 127.0.0.12 (after ../shared/lab/RECIPES.md §2 and
 * lab/scripts/mit-kdc-up.sh), tickets from kinit + kvno, a keytab from `kadmin.local ktadd`; then
 *   (a) our decoders read MIT's files and every field equals what `klist -e -f -c` / `klist -k -t -e -K` print;
 *   (b) keytabs we write (keys from the password via src/crypto string-to-key, and kadmin's keys re-encoded) are
 *       listed by `klist -k` and used by `kinit -k -t OURS`;
 *   (c) ccaches we write (v4, v3, and through .kirbi) are listed by `klist -c` and used by `kvno` (its TGT).
 * Needs root (port 88) and krb5-kdc, krb5-admin-server, krb5-user. Skips LOUDLY otherwise; fails under CI=true.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringToKey } from '../../src/crypto/index.js';
import { ccacheConfig, ccacheTickets, decodeCcache, encodeCcache } from '../../src/formats/ccache.js';
import { parsePrincipal, principalToString } from '../../src/formats/common.js';
import { decodeKeytab, encodeKeytab, type KeytabEntryInput } from '../../src/formats/keytab.js';
import { ccacheToKirbi, decodeKirbi, kirbiToCcache } from '../../src/formats/kirbi.js';
import { parseKlistKeytab } from '../../src/formats/klist.js';
import { toHex } from '../../src/wire/encoding.js';
import { klist, mitAsKlist, oursAsKlist } from '../formats/mit-tools.js';
import { createMitKdc, describeWithMitKdc, type MitKdc, type ToolOptions } from '../helpers/mit-kdc.js';

const IP = '127.0.0.12';
const REALM = 'CONTOSO.COM';
describeWithMitKdc('mit-files', suite);

function suite(): void {
  let k: MitKdc | undefined;
  let env: Record<string, string> = {};

  /** Runs an MIT tool in our realm; throws with its output when it fails. */
  const mit = (cmd: string, args: string[], opts: ToolOptions = {}) => (k as MitKdc).mit(cmd, args, opts);
  const kadmin = (q: string) => mit('kadmin.local', ['-q', q]);
  const file = (name: string) => (k as MitKdc).file(name);

  before(async () => {
    k = createMitKdc({ ip: IP, name: 'mit-files' });
    env = k.env;
    kadmin('addprinc -pw Passw0rd! john');
    kadmin('addprinc -randkey HTTP/files.contoso.com');
    kadmin('addprinc -randkey HTTP/other.contoso.com');
    kadmin('addprinc -randkey HTTP/third.contoso.com');
    kadmin('addprinc -pw Svc-Pass-1 svc/ours.contoso.com');
    kadmin('addprinc -pw Svc-Pass-2 svc/k300.contoso.com');
    kadmin('modprinc -kvno 300 svc/k300.contoso.com');
    kadmin(`ktadd -k ${file('http.keytab')} HTTP/files.contoso.com`);
    await k.start();
    mit('kinit', ['john'], { input: 'Passw0rd!\n', extraEnv: { KRB5CCNAME: `FILE:${file('cc_john')}` } });
    mit('kvno', ['HTTP/files.contoso.com'], { extraEnv: { KRB5CCNAME: `FILE:${file('cc_john')}` } });
  });

  after(() => k?.stop());

  const klistEnv = () => env;

  describe('(a) what MIT writes, we read: every field equals klist', () => {
    it('the ccache from kinit + kvno', () => {
      const cc = decodeCcache(new Uint8Array(readFileSync(file('cc_john'))));
      assert.deepEqual(cc.errors, []);
      assert.equal(cc.version, 4);
      assert.deepEqual(
        ccacheTickets(cc).map((c) => principalToString(c.server)),
        [`krbtgt/${REALM}@${REALM}`, `HTTP/files.contoso.com@${REALM}`],
      );
      assert.ok(
        ccacheConfig(cc).some((c) => c.key === 'pa_type'),
        'MIT stores the pa_type config entry',
      );
      assert.deepEqual(oursAsKlist(cc), mitAsKlistIn(file('cc_john')));
      // the client of every ticket is the default principal
      for (const t of ccacheTickets(cc)) assert.equal(principalToString(t.client), `john@${REALM}`);
    });

    it('the keytab from kadmin ktadd (MIT 1.20 always writes the 32-bit kvno)', () => {
      const kt = decodeKeytab(new Uint8Array(readFileSync(file('http.keytab'))));
      assert.deepEqual(kt.errors, []);
      const r = klist(['-k', '-t', '-e', '-K', file('http.keytab')], klistEnv());
      assert.equal(r.status, 0, r.stderr);
      const expected = parseKlistKeytab(r.stdout).entries.map((e) => [
        e.kvno,
        e.timestamp?.toISOString(),
        principalToString(e.principal),
        e.enctype,
        toHex(e.key as Uint8Array),
      ]);
      const got = kt.entries.map((e) => [e.kvno, e.timestamp.toISOString(), principalToString(e.principal), e.enctype, toHex(e.key)]);
      assert.deepEqual(got, expected);
      assert.deepEqual(
        kt.entries.map((e) => e.enctype),
        [18, 17],
      );
      assert.ok(kt.entries.every((e) => e.kvno === 2 && e.layout?.kvno32 === 2));
    });
  });

  describe('(b) keytabs we write: klist -k lists them, kinit -k uses them', () => {
    const passwordEntries = (name: string, password: string, kvno: number): KeytabEntryInput[] => {
      const p = parsePrincipal(`${name}@${REALM}`);
      const salt = REALM + p.components.join(''); // MIT default salt (RFC 4120 §4)
      return [18, 17].map((enctype) => ({
        principal: p,
        kvno,
        enctype,
        key: stringToKey(enctype, password, salt),
        timestamp: new Date(1_700_000_000_000),
      }));
    };

    const kinitWith = (keytab: string, principal: string) => {
      const cc = `FILE:${file(`cc_${path.basename(keytab)}`)}`;
      mit('kinit', ['-k', '-t', keytab, principal], { extraEnv: { KRB5CCNAME: cc } });
      const r = klist(['-c', cc.slice(5)], klistEnv());
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Default principal: ${principal.replace(/[/.]/g, '\\$&')}@${REALM}`));
    };

    it('keys from the password (string-to-key, MIT salt), kvno 1', () => {
      const kt = file('ours-password.keytab');
      writeFileSync(kt, encodeKeytab({ entries: passwordEntries('svc/ours.contoso.com', 'Svc-Pass-1', 1) }));
      const r = klist(['-k', '-t', '-e', kt], klistEnv());
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(
        parseKlistKeytab(r.stdout).entries.map((e) => [e.kvno, principalToString(e.principal), e.enctype, e.timestamp?.toISOString()]),
        [
          [1, `svc/ours.contoso.com@${REALM}`, 18, '2023-11-14T22:13:20.000Z'],
          [1, `svc/ours.contoso.com@${REALM}`, 17, '2023-11-14T22:13:20.000Z'],
        ],
      );
      kinitWith(kt, 'svc/ours.contoso.com');
    });

    it('kvno 300 (needs the 32-bit extension): klist shows 300 and kinit -k works', () => {
      const kt = file('ours-k300.keytab');
      writeFileSync(kt, encodeKeytab({ entries: passwordEntries('svc/k300.contoso.com', 'Svc-Pass-2', 300) }));
      const r = klist(['-k', kt], klistEnv());
      assert.deepEqual(
        parseKlistKeytab(r.stdout).entries.map((e) => e.kvno),
        [300, 300],
      );
      kinitWith(kt, 'svc/k300.contoso.com');
    });

    it("kadmin's keys re-encoded by us (fresh layout, v2; and as v1)", () => {
      const src = decodeKeytab(new Uint8Array(readFileSync(file('http.keytab'))));
      for (const version of [2, 1] as const) {
        const kt = file(`ours-http-v${version}.keytab`);
        writeFileSync(kt, encodeKeytab({ entries: src.entries.map(({ layout: _l, ...e }) => e) }, { version }));
        kinitWith(kt, 'HTTP/files.contoso.com');
      }
    });
  });

  describe('(c) ccaches we write: klist -c lists them, kvno uses their TGT', () => {
    const useTgt = (cc: string, service: string) => {
      mit('kvno', [service], { extraEnv: { KRB5CCNAME: `FILE:${cc}` } });
      const after = decodeCcache(new Uint8Array(readFileSync(cc)));
      assert.deepEqual(after.errors, []);
      assert.ok(
        ccacheTickets(after).some((c) => principalToString(c.server) === `${service}@${REALM}`),
        `MIT appended the ${service} ticket to our file`,
      );
    };

    for (const version of [4, 3] as const) {
      it(`re-encoded as v${version}`, () => {
        const src = decodeCcache(new Uint8Array(readFileSync(file('cc_john'))));
        const cc = file(`cc_ours_v${version}`);
        writeFileSync(cc, encodeCcache(src, { version }));
        assert.deepEqual(mitAsKlistIn(cc), oursAsKlist(src));
        useTgt(cc, version === 4 ? 'HTTP/other.contoso.com' : 'HTTP/third.contoso.com');
      });
    }

    it('through .kirbi: ccache → KRB-CRED → ccache keeps a usable TGT', () => {
      const src = decodeCcache(new Uint8Array(readFileSync(file('cc_john'))));
      const kirbi = ccacheToKirbi(src);
      assert.equal(decodeKirbi(kirbi).credentials.length, 2);
      const cc = file('cc_from_kirbi');
      writeFileSync(cc, encodeCcache(kirbiToCcache(kirbi)));
      assert.deepEqual(mitAsKlistIn(cc), oursAsKlist(src));
      useTgt(cc, 'HTTP/other.contoso.com');
    });
  });

  function mitAsKlistIn(f: string) {
    return mitAsKlist(f, env);
  }
}
