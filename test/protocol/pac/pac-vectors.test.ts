/**
 * PAC decoding and signature verification against real PACs:
 *  - MIT krb5 fuzz seeds saved_pac.bin and s4u_pac_regular.bin, with the expectations of MIT's
 *    src/lib/krb5/krb/t_pac.c (krb5/krb5): buffer types, type-1 length (472 / 416), client info name and
 *    authtime (1120440609 / 1538430362), signatures verified with its keys (member + KDC RC4 keys for saved_pac;
 *    s4u_srv_key AES256 for the S4U PAC, whose KDC key t_pac does not have).
 *  - The PACs inside the Kerberos.NET tickets (tickets decrypted in helpers.ts with the keys named in
 *    corpus/vectors/kerberos-net/SOURCES.md); PAC client name/time compared with the ticket's own cname/authtime
 *    (MS-PAC §2.7 requires them equal), signatures verified.
 *  - The zeek smb2_krb.pcap ticket, decrypted by tshark with smb2_krb.keytab: the PAC bytes come from tshark
 *    (`-T fields -e kerberos.ad_data`: the ad-data entry that starts with the PACTYPE header 05000000 00000000)
 *    and every field we decode is compared with what tshark's netlogon/kerberos dissectors print.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { makeChecksum } from '../../../src/crypto/index.js';
import { decodePac, estimateTokenSize, pacSids, verifyPacSignatures } from '../../../src/protocol/pac/index.js';
import { skipUnlessCi } from '../../helpers/prereq.js';
import {
  aesDecrypt,
  corpus,
  encTicketPartInfo,
  findPacInEncTicketPart,
  findTicketEncParts,
  hex,
  rc4HmacDecrypt,
  readCorpus,
  readKeytab,
  testChecksum,
} from './helpers.js';

const MIT = 'vectors/mit-krb5/fuzz_pac_seed_corpus/';
// t_pac.c: member_keyblock / kdc_keyblock (RC4) and s4u_srv_key (AES256).
const MEMBER_KEY = hex('d217faeae5e6b5f95ccc94077ab8a5fc');
const KDC_KEY = hex('b286757148af7fd252c53603a150b7e7');
const S4U_SRV_KEY = hex('14DFB5B2CDB42C8894DA2FA882E9729F4A4DC74BA02A242CC6A8D71079B9AD9A');

const unix = (d: Date | null | undefined): number | undefined => (d ? d.getTime() / 1000 : undefined);

describe('MIT saved_pac.bin (Samba torture PAC, t_pac.c)', () => {
  const bytes = readCorpus(`${MIT}saved_pac.bin`);
  const pac = decodePac(bytes);

  it('has the buffers t_pac expects', () => {
    assert.deepEqual(
      pac.buffers.map((b) => b.type),
      [1, 10, 6, 7],
    );
    assert.equal(pac.buffers[0]?.size, 472); // type_1_length
    assert.equal(pac.errors.length, 0);
    assert.deepEqual(pac.warnings, []);
  });

  it('client info carries the authtime and principal t_pac verifies against', () => {
    assert.equal(unix(pac.clientInfo?.clientId), 1120440609);
    assert.equal(pac.clientInfo?.name, 'w2003final$'); // user "w2003final$@WIN2K3.THINKER.LOCAL" without realm
  });

  it('decodes KERB_VALIDATION_INFO (values read by hand from the t_pac.c byte array)', () => {
    const li = pac.logonInfo;
    assert.ok(li);
    assert.equal(li.effectiveName, 'W2003FINAL$');
    assert.equal(li.logonCount, 101); // 0x65
    assert.equal(li.userId, 1005); // 0x3ed
    assert.equal(li.primaryGroupId, 516); // Domain Controllers
    assert.deepEqual(li.groupIds, [{ relativeId: 516, attributes: 7 }]);
    assert.equal(li.userFlags, 0x20);
    assert.equal(li.logonServer, 'W2003FINAL');
    assert.equal(li.logonDomainName, 'WIN2K3THINK');
    assert.equal(li.logonDomainId, 'S-1-5-21-3048156945-3961193616-3706469200'); // 0xb5af2f11 0xec1b0490 0xdcec3b50
    assert.equal(li.userAccountControl, 0x2100);
    assert.deepEqual(li.extraSids, [{ sid: 'S-1-5-9', attributes: 7 }]);
    assert.equal(li.resourceGroupDomainSid, null);
    assert.equal(li.logoffTime, null); // 0x7fffffffffffffff
    assert.equal(li.kickOffTime, null);
    assert.equal(li.passwordMustChange, null);
    assert.equal(li.lastSuccessfulILogon, null); // 0
    assert.ok(li.userSessionKey.isZero);
    assert.equal(JSON.stringify(li.userSessionKey), '"<secret 16 bytes>"');
    assert.equal(pacSids(li).userSid, 'S-1-5-21-3048156945-3961193616-3706469200-1005');
  });

  it('verifies the server and KDC signatures with the t_pac.c keys', () => {
    const v = verifyPacSignatures(bytes, { serverKey: MEMBER_KEY, kdcKey: KDC_KEY }, testChecksum);
    assert.equal(v.server.status, 'valid');
    assert.equal(v.server.checksumType, -138);
    assert.equal(v.kdc.status, 'valid');
    assert.equal(v.ok, true);
  });

  it('rejects wrong keys and altered bytes', () => {
    const swapped = verifyPacSignatures(bytes, { serverKey: KDC_KEY, kdcKey: MEMBER_KEY }, testChecksum);
    assert.equal(swapped.server.status, 'invalid');
    assert.equal(swapped.kdc.status, 'invalid');
    assert.equal(swapped.ok, false);
    const altered = bytes.slice();
    altered[0x48 + 0x70] = (altered[0x48 + 0x70] as number) ^ 1; // a byte of the logon info
    const v = verifyPacSignatures(altered, { serverKey: MEMBER_KEY, kdcKey: KDC_KEY }, testChecksum);
    assert.equal(v.server.status, 'invalid');
    assert.equal(v.kdc.status, 'valid'); // the KDC signature covers only the server signature
    const noKeys = verifyPacSignatures(bytes, {}, testChecksum);
    assert.equal(noKeys.server.status, 'no-key');
    assert.equal(noKeys.ok, false);
  });
});

describe('MIT s4u_pac_regular.bin (Windows 2008 S4U2Self PAC, t_pac.c)', () => {
  const bytes = readCorpus(`${MIT}s4u_pac_regular.bin`);
  const pac = decodePac(bytes);

  it('has the buffers, lengths, name and authtime t_pac expects', () => {
    assert.deepEqual(
      pac.buffers.map((b) => b.type),
      [1, 10, 12, 6, 7],
    );
    assert.equal(pac.buffers[0]?.size, 416); // s4u_logon_info_buffer_len
    assert.equal(unix(pac.clientInfo?.clientId), 1538430362);
    assert.equal(pac.clientInfo?.name, 'w2k8u'); // s4u_principal w2k8u@ACME.COM
    assert.deepEqual(pac.upnDnsInfo, { upn: 'w2k8u@abc', dnsDomainName: 'ACME.COM', flags: 0, upnConstructed: false });
    assert.equal(pac.logonInfo?.effectiveName, 'w2k8u');
    assert.equal(pac.logonInfo?.logonDomainName, 'ACME');
    assert.equal(pac.logonInfo?.logonServer, 'WDC');
    assert.equal(pac.logonInfo?.logonTime, null); // S4U2Self: no interactive logon
    assert.equal(pac.logonInfo?.userId, 1142); // 0x476
  });

  it('verifies the AES256 server signature with s4u_srv_key (KDC key unknown, as in t_pac)', () => {
    const v = verifyPacSignatures(bytes, { serverKey: S4U_SRV_KEY }, testChecksum);
    assert.equal(v.server.status, 'valid');
    assert.equal(v.server.checksumTypeName, 'HMAC_SHA1_96_AES256');
    assert.equal(v.kdc.status, 'no-key');
    assert.equal(v.ok, true);
  });
});

describe('src/crypto makeChecksum as the injected checksum function', () => {
  it('verifies the same MIT vectors (HMAC-MD5 -138, hmac-sha1-96-aes256 16)', () => {
    const saved = verifyPacSignatures(readCorpus(`${MIT}saved_pac.bin`), { serverKey: MEMBER_KEY, kdcKey: KDC_KEY }, makeChecksum);
    assert.deepEqual([saved.server.status, saved.kdc.status], ['valid', 'valid']);
    const wrong = verifyPacSignatures(readCorpus(`${MIT}saved_pac.bin`), { serverKey: KDC_KEY, kdcKey: MEMBER_KEY }, makeChecksum);
    assert.deepEqual([wrong.server.status, wrong.kdc.status], ['invalid', 'invalid']);
    const s4u = verifyPacSignatures(readCorpus(`${MIT}s4u_pac_regular.bin`), { serverKey: S4U_SRV_KEY }, makeChecksum);
    assert.equal(s4u.server.status, 'valid');
  });
});

describe('Kerberos.NET tickets (PAC reached by decrypting the ticket)', () => {
  const keytabRc4 = hex('217e50203a5aba59cefa863c724bf61b'); // sample.keytab rc4 entry (SOURCES.md)
  const negotiate = (f: string): Uint8Array =>
    new Uint8Array(
      Buffer.from(
        readFileSync(corpus(`vectors/kerberos-net/${f}`), 'utf8')
          .replace(/^Negotiate /, '')
          .replace(/\s+/g, ''),
        'base64',
      ),
    );
  const cases: Array<{ name: string; token: Uint8Array; key: Uint8Array; client: string; types: number[] }> = [
    {
      name: 'rc4-kerberos-data',
      token: readCorpus('vectors/kerberos-net/rc4-kerberos-data'),
      key: readCorpus('vectors/kerberos-net/rc4-key-data'),
      client: 'user.test',
      types: [1, 10, 12, 6, 7],
    },
    {
      name: 'aes128-kerberos-data',
      token: readCorpus('vectors/kerberos-net/aes128-kerberos-data'),
      key: readCorpus('vectors/kerberos-net/aes128-key-data'),
      client: 'user.test',
      types: [1, 10, 12, 6, 7],
    },
    {
      name: 'aes256-kerberos-data',
      token: readCorpus('vectors/kerberos-net/aes256-kerberos-data'),
      key: readCorpus('vectors/kerberos-net/aes256-key-data'),
      client: 'user.test',
      types: [1, 10, 12, 6, 7],
    },
    {
      name: 'RC4Header.txt',
      token: negotiate('extracted/RC4Header.txt'),
      key: keytabRc4,
      client: 'Administrator',
      types: [1, 13, 10, 12, 6, 7],
    },
    {
      name: 'RC4TicketClaims.txt',
      token: negotiate('extracted/RC4TicketClaims.txt'),
      key: keytabRc4,
      client: 'Administrator',
      types: [1, 13, 10, 12, 6, 7],
    },
    {
      name: 'TicketContainingDelegation.txt',
      token: negotiate('extracted/TicketContainingDelegation.txt'),
      key: keytabRc4,
      client: 'Administrator',
      types: [1, 10, 12, 6, 7],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: PAC matches the ticket and its server signature verifies`, () => {
      const [enc] = findTicketEncParts(c.token);
      assert.ok(enc);
      const plain = enc.etype === 23 ? rc4HmacDecrypt(c.key, 2, enc.cipher) : aesDecrypt(c.key, 2, enc.cipher);
      assert.ok(plain, 'ticket decrypts');
      const tkt = encTicketPartInfo(plain);
      const pacBytes = findPacInEncTicketPart(plain);
      assert.ok(pacBytes);
      const pac = decodePac(pacBytes);
      assert.equal(pac.errors.length, 0);
      assert.deepEqual(
        pac.buffers.map((b) => b.type),
        c.types,
      );
      assert.equal(tkt.cname, c.client);
      assert.equal(pac.clientInfo?.name, tkt.cname);
      assert.equal(pac.clientInfo?.clientId?.getTime(), tkt.authtime.getTime());
      assert.equal(pac.logonInfo?.effectiveName, tkt.cname);
      assert.equal(pac.upnDnsInfo?.dnsDomainName, tkt.crealm);
      assert.match(pac.logonInfo?.logonDomainId ?? '', /^S-1-5-21-\d+-\d+-\d+$/);
      const v = verifyPacSignatures(pacBytes, { serverKey: c.key }, testChecksum);
      assert.equal(v.server.status, 'valid');
      if (pac.clientClaims) {
        assert.equal(pac.clientClaims.compressionFormatName, 'XPRESS_HUFF');
        assert.ok(pac.clientClaims.uncompressedClaimsSetSize > pac.clientClaims.claimsSet.length);
      }
    });
  }

  it('as-rep: TGT PAC, server and KDC signatures both verify with the krbtgt AES256 key', () => {
    const krbtgt = hex('ef7422cb49e2f5b09292cbd825c295249f2a31465dc9ab4a3080edf3168a8857'); // Messages/SOURCES.md
    const msg = readCorpus('vectors/kerberos-net/Messages/as-rep').subarray(4); // 4-byte TCP length prefix
    const [enc] = findTicketEncParts(msg);
    assert.ok(enc);
    const plain = aesDecrypt(krbtgt, 2, enc.cipher);
    assert.ok(plain);
    const pacBytes = findPacInEncTicketPart(plain);
    assert.ok(pacBytes);
    const pac = decodePac(pacBytes);
    assert.equal(pac.clientInfo?.name, encTicketPartInfo(plain).cname);
    const v = verifyPacSignatures(pacBytes, { serverKey: krbtgt, kdcKey: krbtgt }, testChecksum);
    assert.equal(v.server.status, 'valid');
    assert.equal(v.kdc.status, 'valid');
  });
});

function haveTshark(): boolean {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('zeek smb2_krb.pcap: PAC compared with tshark', { skip: skipUnlessCi(!haveTshark() && 'tshark not installed') }, () => {
  const fields = [
    'kerberos.ad_data',
    'netlogon.acct_name',
    'netlogon.full_name',
    'netlogon.rid',
    'netlogon.group_rid',
    'netlogon.num_rids',
    'netlogon.logon_count16',
    'netlogon.bad_pw_count16',
    'netlogon.server',
    'netlogon.domain',
    'dcerpc.nt.domain_sid',
    'netlogon.user_account_control',
    'netlogon.user_flags',
    'netlogon.num_sid',
    'netlogon.logon_time',
    'netlogon.pwd_last_set_time',
    'kerberos.pac.type',
    'kerberos.pac.offset',
    'kerberos.pac.size',
    'kerberos.pac.name',
    'kerberos.pac.clientid',
    'kerberos.pac.upn.upn_name',
    'kerberos.pac.upn.dns_name',
    'kerberos.pac.signature.type',
  ];
  const out = execFileSync(
    'tshark',
    [
      '-r',
      corpus('pcap/zeek/krb/smb2_krb.pcap'),
      '-o',
      'kerberos.decrypt:TRUE',
      '-o',
      `kerberos.file:${corpus('pcap/zeek/krb/smb2_krb.keytab')}`,
      '-Y',
      'frame.number==12',
      '-T',
      'fields',
      '-E',
      'occurrence=a',
      '-E',
      'aggregator=,',
      '-E',
      'separator=|',
      ...fields.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const values = out.trim().split('|');
  const ts = Object.fromEntries(fields.map((f, i) => [f, values[i] ?? '']));
  const list = (f: string): string[] => (ts[f] as string).split(',');
  // "Mar 29, 2017 06:51:22.240823900 UTC" -> milliseconds
  const tsTime = (s: string): number => {
    const m = /^(\w+ \d+, \d+ \d+:\d+:\d+)\.(\d{3})\d* UTC$/.exec(s);
    assert.ok(m, s);
    return Date.parse(`${m[1]} UTC`) + Number(m[2]);
  };
  const pacHex = list('kerberos.ad_data').find((h) => h.startsWith('0500000000000000'));
  const pacBytes = hex(pacHex ?? '');
  const pac = decodePac(pacBytes);
  const li = pac.logonInfo;

  it('finds the PAC in tshark output and decodes every buffer', () => {
    assert.ok(pacHex, 'tshark printed the AD-WIN2K-PAC ad-data');
    assert.equal(pac.errors.length, 0);
    assert.deepEqual(
      pac.buffers.map((b) => String(b.type)),
      list('kerberos.pac.type'),
    );
    assert.deepEqual(
      pac.buffers.map((b) => String(b.offset)),
      list('kerberos.pac.offset'),
    );
    assert.deepEqual(
      pac.buffers.map((b) => String(b.size)),
      list('kerberos.pac.size'),
    );
  });

  it('KERB_VALIDATION_INFO equals the netlogon dissector', () => {
    assert.ok(li);
    assert.equal(li.effectiveName, ts['netlogon.acct_name']);
    assert.equal(li.fullName, ts['netlogon.full_name']);
    assert.equal(String(li.userId), ts['netlogon.rid']);
    // netlogon.group_rid = PrimaryGroupId followed by every GroupIds RID
    assert.deepEqual([li.primaryGroupId, ...li.groupIds.map((g) => g.relativeId)].map(String), list('netlogon.group_rid'));
    assert.equal(String(li.groupIds.length), ts['netlogon.num_rids']);
    assert.equal(String(li.logonCount), ts['netlogon.logon_count16']);
    assert.equal(String(li.badPasswordCount), ts['netlogon.bad_pw_count16']);
    assert.equal(li.logonServer, ts['netlogon.server']);
    assert.equal(li.logonDomainName, ts['netlogon.domain']);
    assert.deepEqual([li.logonDomainId, ...li.extraSids.map((s) => s.sid)], list('dcerpc.nt.domain_sid'));
    assert.equal(li.userAccountControl, Number(ts['netlogon.user_account_control']));
    assert.equal(li.userFlags, Number(ts['netlogon.user_flags']));
    assert.equal(String(li.extraSids.length), ts['netlogon.num_sid']);
    assert.equal(li.logonTime?.getTime(), tsTime(ts['netlogon.logon_time'] as string));
    assert.equal(li.passwordLastSet?.getTime(), tsTime(ts['netlogon.pwd_last_set_time'] as string));
  });

  it('client info, UPN/DNS info and signature types equal the kerberos dissector', () => {
    assert.equal(pac.clientInfo?.name, ts['kerberos.pac.name']);
    assert.equal(pac.clientInfo?.clientId?.getTime(), tsTime(ts['kerberos.pac.clientid'] as string));
    assert.equal(pac.upnDnsInfo?.upn, ts['kerberos.pac.upn.upn_name']);
    assert.equal(pac.upnDnsInfo?.dnsDomainName, ts['kerberos.pac.upn.dns_name']);
    assert.deepEqual([pac.serverChecksum?.signatureType, pac.kdcChecksum?.signatureType].map(String), list('kerberos.pac.signature.type'));
  });

  it('server signature verifies with the keytab key (tshark also reports "Verified Server checksum 16")', () => {
    const entry = readKeytab(readCorpus('pcap/zeek/krb/smb2_krb.keytab')).find((e) => e.enctype === 18);
    assert.ok(entry);
    const v = verifyPacSignatures(pacBytes, { serverKey: entry.key }, testChecksum);
    assert.equal(v.server.status, 'valid');
    assert.equal(v.kdc.status, 'no-key');
  });

  it('token size of a real 126-group user', () => {
    assert.ok(li);
    // 1200 + 40·(1 ExtraSid + 0 resource groups) + 8·126 = 2248
    assert.deepEqual(estimateTokenSize(li), {
      estimate: 2248,
      groupsInDomain: 126,
      otherSids: 1,
      exceeds12000: false,
      exceeds48000: false,
      headerBytes: 25 + 4 * Math.ceil(2248 / 3),
      exceedsHttpSys16k: false,
      exceedsApache8k: false,
    });
  });
});
