/**
 * `kerbscope keytab add` against a real MIT KDC, and our ticket decryption against MIT's own view of the ticket.
 * A private MIT KDC on 127.0.0.14 (after ../shared/lab/RECIPES.md §2 and test/integration/mit-files.test.ts):
 * john and HTTP/iisserver.contoso.com (password-derived aes256/aes128 keys, plus rc4 if the KDC allows it; its
 * password changed once, so the ticket is for kvno 2), then kinit john + kvno HTTP/iisserver.contoso.com.
 *   (a) a keytab made by the built CLI from the service password: `kinit -k -t` accepts it, MIT `kvno -k` verifies the
 *       ticket with it, and it decrypts the service ticket in john's ccache; the decrypted client, flags (klist -f
 *       letters), session key enctype and times equal what `klist -e -f -c` prints (TZ=UTC, LC_ALL=C);
 *   (b) the keytab from `kadmin.local ktadd -norandkey` decrypts it too, to the same fields;
 *   (c) failures are named as an acceptor would: wrong password → wrong-key, the old kvno → kvno-mismatch, aes128 only
 *       for an aes256 ticket → enctype-missing, another principal's keytab → not-us; MIT `kvno -k` rejects each.
 * Needs root (port 88) and krb5-kdc, krb5-admin-server, krb5-user. Skips LOUDLY otherwise; fails under CI=true.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ccacheTickets, decodeCcache } from '../../src/formats/ccache.js';
import { klistFlagString, principalToString } from '../../src/formats/common.js';
import { decodeKeytab } from '../../src/formats/keytab.js';
import { KeySet } from '../../src/inspect/keys.js';
import { decryptTicket, type TicketDecryption } from '../../src/inspect/ticket.js';
import { decodeTicket, type Ticket } from '../../src/protocol/krb5/index.js';
import { mitAsKlist } from '../formats/mit-tools.js';
import { runCli } from '../helpers/cli.js';
import { createMitKdc, describeWithMitKdc, type MitKdc, type ToolOptions } from '../helpers/mit-kdc.js';
import { requireOrSkip } from '../helpers/prereq.js';

const IP = '127.0.0.14';
const REALM = 'CONTOSO.COM';
const SPN = 'HTTP/iisserver.contoso.com';
const SERVICE = `${SPN}@${REALM}`;
const OLD_PASSWORD = 'Http-Svc-Old-1';
const PASSWORD = 'Http-Svc-Pass-2';
describeWithMitKdc('mit-decrypt', suite);

function suite(): void {
  let k: MitKdc | undefined;
  let env: Record<string, string> = {};
  /** Set when the KDC gave HTTP/rc4.contoso.com an RC4 key and issued an RC4 ticket for it; else why not. */
  let rc4Unavailable: string | undefined;

  const file = (name: string) => (k as MitKdc).file(name);
  const cc = () => file('cc_john');

  const tool = (cmd: string, args: string[], opts: ToolOptions = {}) => (k as MitKdc).tool(cmd, args, opts);
  /** Runs an MIT tool in our realm; throws with its output when it fails. */
  const mit = (cmd: string, args: string[], opts: ToolOptions = {}) => (k as MitKdc).mit(cmd, args, opts);
  const kadmin = (q: string) => mit('kadmin.local', ['-q', q]);
  const asJohn = () => ({ extraEnv: { KRB5CCNAME: `FILE:${cc()}` } });

  /** `kerbscope keytab add FILE --principal P --kvno N [args] --password-stdin` through the built CLI. */
  const kerbscopeKeytab = (name: string, principal: string, kvno: number, password: string, args: string[] = []) => {
    const kt = file(name);
    const r = runCli(['keytab', 'add', kt, '--principal', principal, '--kvno', String(kvno), ...args, '--password-stdin'], {
      input: password,
    });
    assert.equal(r.code, 0, r.stderr);
    return { kt, ...r };
  };

  const ticketFor = (service: string): Ticket => {
    const ccache = decodeCcache(new Uint8Array(readFileSync(cc())));
    assert.deepEqual(ccache.errors, []);
    const cred = ccacheTickets(ccache).find((c) => principalToString(c.server) === service);
    assert.ok(cred, `${service} ticket in john's ccache`);
    return decodeTicket(cred.ticket);
  };

  const decryptWith = (keytab: string, service = SERVICE): TicketDecryption => {
    const keys = new KeySet();
    const kt = decodeKeytab(new Uint8Array(readFileSync(keytab)));
    assert.deepEqual(kt.errors, []);
    keys.addKeytab(kt.entries, path.basename(keytab));
    return decryptTicket(ticketFor(service), keys);
  };

  /** The decrypted ticket in the terms `klist -e -f -c` prints, next to MIT's own listing of the ccache. */
  const assertFieldsEqualKlist = (d: TicketDecryption, service = SERVICE) => {
    assert.equal(d.status, 'decrypted', d.detail);
    const p = d.encPart;
    assert.ok(p);
    const mitView = mitAsKlist(cc(), env);
    const line = mitView.tickets.find((t) => t.server === service);
    const tgt = mitView.tickets.find((t) => t.server === `krbtgt/${REALM}@${REALM}`);
    assert.ok(line && tgt, 'klist lists the TGT and the service ticket');
    const ticket = ticketFor(service);
    assert.deepEqual(
      {
        client: `${p.cname.nameString.join('/')}@${p.crealm}`,
        flags: klistFlagString(p.flags),
        skey: p.key.keytype,
        tkt: ticket.encPart.etype,
        start: (p.starttime ?? p.authtime).toISOString(),
        end: p.endtime.toISOString(),
        renew: p.renewTill?.toISOString(),
        // a TGS ticket carries the authtime of the TGT it was got with (RFC 4120 §3.3.3); klist shows the TGT's
        authtime: p.authtime.toISOString(),
      },
      {
        client: mitView.defaultPrincipal,
        flags: line.flags,
        skey: line.skey,
        tkt: line.tkt,
        start: line.start,
        end: line.end,
        renew: line.renew,
        authtime: tgt.start,
      },
    );
  };

  before(async () => {
    k = createMitKdc({
      ip: IP,
      name: 'mit-decrypt',
      supportedEnctypes: 'aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal arcfour-hmac:normal',
      libdefaults: ['renew_lifetime = 2d'],
    });
    env = k.env;
    kadmin('addprinc -pw Passw0rd! john');
    kadmin(`addprinc -pw ${OLD_PASSWORD} ${SPN}`); // kvno 1
    kadmin(`cpw -pw ${PASSWORD} ${SPN}`); // kvno 2: the ticket's
    kadmin('addprinc -pw Other-Pass-3 HTTP/other.contoso.com');
    kadmin(`ktadd -norandkey -k ${file('ktadd.keytab')} ${SPN}`);
    kadmin('addprinc -e arcfour-hmac:normal -pw Rc4-Only-Pass-4 HTTP/rc4.contoso.com');
    await k.start();
    mit('kinit', ['john'], { ...asJohn(), input: 'Passw0rd!\n' });
    mit('kvno', [SPN], asJohn());
    const rc4 = kadmin('getprinc HTTP/rc4.contoso.com');
    if (!/arcfour-hmac/.test(rc4)) rc4Unavailable = `the KDC gave HTTP/rc4.contoso.com no RC4 key:\n${rc4}`;
    else {
      const r = tool('kvno', ['HTTP/rc4.contoso.com'], asJohn());
      if (r.status !== 0) rc4Unavailable = `kvno HTTP/rc4.contoso.com failed (RC4 not permitted?): ${r.stderr}`;
    }
  });

  after(() => k?.stop());

  it('the lab: the service key is kvno 2, the ticket aes256 with kvno 2', () => {
    const getprinc = kadmin(`getprinc ${SPN}`);
    assert.match(getprinc, /Key: vno 2, aes256-cts-hmac-sha1-96/);
    assert.match(getprinc, /Key: vno 2, aes128-cts-hmac-sha1-96/);
    const t = ticketFor(SERVICE);
    assert.deepEqual([t.encPart.etype, t.encPart.kvno], [18, 2]);
  });

  describe('(a) a keytab from `kerbscope keytab add` (service password, default salt)', () => {
    let kt = '';
    before(() => {
      const r = kerbscopeKeytab('ours.keytab', SERVICE, 2, PASSWORD);
      kt = r.kt;
      // the AD rule for an SPN-named account gives the same salt as MIT's default (realm + components)
      assert.match(r.stderr, /salt "CONTOSO\.COMHTTPiisserver\.contoso\.com"/);
    });

    it('kinit -k -t accepts it', () => {
      const ccOut = file('cc_service');
      mit('kinit', ['-k', '-t', kt, SERVICE], { extraEnv: { KRB5CCNAME: `FILE:${ccOut}` } });
      assert.equal(mitAsKlist(ccOut, env).defaultPrincipal, SERVICE);
    });

    it('MIT kvno -k verifies the ticket with it', () => {
      mit('kvno', ['-k', kt, SPN], asJohn());
    });

    it('it decrypts the service ticket; client, flags, session key enctype and times equal klist -e -f -c', () => {
      const d = decryptWith(kt);
      assert.equal(d.key?.kvno, 2);
      assert.equal(d.key?.enctype, 18);
      assertFieldsEqualKlist(d);
    });
  });

  describe('(b) the keytab from kadmin.local ktadd -norandkey', () => {
    it('holds the same keys as ours (MIT string-to-key = ours)', () => {
      const mitKt = decodeKeytab(new Uint8Array(readFileSync(file('ktadd.keytab'))));
      const ours = decodeKeytab(new Uint8Array(readFileSync(file('ours.keytab'))));
      const key = (kt: typeof ours, enctype: number) => kt.entries.find((e) => e.enctype === enctype && e.kvno === 2)?.key;
      for (const e of [18, 17]) assert.deepEqual(key(ours, e), key(mitKt, e), `enctype ${e}`);
    });

    it('decrypts the ticket to the same fields', () => {
      assertFieldsEqualKlist(decryptWith(file('ktadd.keytab')));
    });
  });

  describe('(c) keytabs that do not fit are named like an acceptor would', () => {
    const mitRejects = (kt: string) => {
      const r = tool('kvno', ['-k', kt, SPN], asJohn());
      assert.notEqual(r.status, 0, `MIT kvno -k accepted ${kt}`);
    };

    it('the wrong password → wrong-key', () => {
      const { kt } = kerbscopeKeytab('wrong.keytab', SERVICE, 2, 'Not-The-Password');
      const d = decryptWith(kt);
      assert.equal(d.status, 'wrong-key', d.detail);
      mitRejects(kt);
    });

    it('the old password at the old kvno → kvno-mismatch', () => {
      const { kt } = kerbscopeKeytab('old.keytab', SERVICE, 1, OLD_PASSWORD);
      const d = decryptWith(kt);
      assert.equal(d.status, 'kvno-mismatch', d.detail);
      assert.deepEqual(d.principalKvnos, [1]);
      mitRejects(kt);
    });

    it('aes128 only, for an aes256 ticket → enctype-missing', () => {
      const { kt } = kerbscopeKeytab('aes128.keytab', SERVICE, 2, PASSWORD, ['--enctype', 'aes128-cts-hmac-sha1-96']);
      const d = decryptWith(kt);
      assert.equal(d.status, 'enctype-missing', d.detail);
      assert.deepEqual(d.principalEnctypes, [17]);
      mitRejects(kt);
    });

    it("another principal's keytab → not-us", () => {
      const { kt } = kerbscopeKeytab('other.keytab', `HTTP/other.contoso.com@${REALM}`, 1, 'Other-Pass-3');
      mit('kinit', ['-k', '-t', kt, `HTTP/other.contoso.com@${REALM}`], { extraEnv: { KRB5CCNAME: `FILE:${file('cc_other')}` } });
      const d = decryptWith(kt);
      assert.equal(d.status, 'not-us', d.detail);
      mitRejects(kt);
    });
  });

  describe('RC4-HMAC (if the KDC allows it)', () => {
    it('a keytab made with --enctype RC4-HMAC-NT decrypts an RC4 ticket', (t) => {
      if (!requireOrSkip(t, rc4Unavailable && `RC4 case: ${rc4Unavailable}`)) return;
      const service = `HTTP/rc4.contoso.com@${REALM}`;
      const r = kerbscopeKeytab('rc4.keytab', service, 1, 'Rc4-Only-Pass-4', ['--enctype', 'RC4-HMAC-NT']);
      assert.match(r.stderr, /warning: arcfour-hmac \(RC4-HMAC\) is deprecated/);
      assert.equal(ticketFor(service).encPart.etype, 23);
      mit('kvno', ['-k', r.kt, 'HTTP/rc4.contoso.com'], asJohn());
      assertFieldsEqualKlist(decryptWith(r.kt, service), service);
    });
  });
}
