import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { principalToString, TicketFlag } from '../../src/formats/common.js';
import { parseKlist, parseKlistKeytab, parseKlistTime } from '../../src/formats/klist.js';

// Captured from MIT klist 1.20.1 (`TZ=UTC klist -e -f -a`) against the RECIPES §2 lab KDC.
const MIT = `Ticket cache: FILE:/tmp/fmt/kdc/cc_john
Default principal: john@CONTOSO.COM

Valid starting     Expires            Service principal
11/25/26 04:50:02  11/25/26 14:50:02  krbtgt/CONTOSO.COM@CONTOSO.COM
\trenew until 11/26/26 04:50:02, Flags: FRIA
\tEtype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96 
\tAddresses: (none)
11/25/26 04:50:02  11/25/26 14:50:02  HTTP/iisserver.contoso.com@CONTOSO.COM
\trenew until 11/26/26 04:50:02, Flags: FRAT
\tEtype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96 
\tAddresses: (none)
`;

// Hand-written in the layout Windows' klist.exe prints ("klist tickets"); no Windows host was available to capture one.
const WINDOWS = `
Current LogonId is 0:0x3e7b2

Cached Tickets: (2)

#0>\tClient: john @ CONTOSO.COM
\tServer: krbtgt/CONTOSO.COM @ CONTOSO.COM
\tKerbTicket Encryption Type: AES-256-CTS-HMAC-SHA1-96
\tTicket Flags 0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize
\tStart Time: 5/3/2023 10:00:00 (local)
\tEnd Time:   5/3/2023 20:00:00 (local)
\tRenew Time: 5/10/2023 10:00:00 (local)
\tSession Key Type: AES-256-CTS-HMAC-SHA1-96
\tCache Flags: 0x1 -> PRIMARY
\tKdc Called: dc1.contoso.com

#1>\tClient: john @ CONTOSO.COM
\tServer: HTTP/web.contoso.com @ CONTOSO.COM
\tKerbTicket Encryption Type: RSADSI RC4-HMAC(NT)
\tTicket Flags 0x40a10000 -> forwardable renewable pre_authent name_canonicalize
\tStart Time: 5/3/2023 10:01:00 (local)
\tEnd Time:   5/3/2023 20:00:00 (local)
\tRenew Time: 5/10/2023 10:00:00 (local)
\tSession Key Type: AES-256-CTS-HMAC-SHA1-96
\tCache Flags: 0
\tKdc Called: dc1.contoso.com
`;

describe('klist text', () => {
  it('MIT klist -e -f -a', () => {
    const k = parseKlist(MIT);
    assert.equal(k.source, 'mit');
    assert.equal(principalToString(k.defaultPrincipal as never), 'john@CONTOSO.COM');
    assert.equal(k.credentials.length, 2);
    const [tgt, http] = k.credentials;
    assert.equal(principalToString(tgt?.server as never), 'krbtgt/CONTOSO.COM@CONTOSO.COM');
    assert.equal(tgt?.starttime?.toISOString(), '2026-11-25T04:50:02.000Z');
    assert.equal(tgt?.endtime?.toISOString(), '2026-11-25T14:50:02.000Z');
    assert.equal(tgt?.renewTill?.toISOString(), '2026-11-26T04:50:02.000Z');
    assert.equal(tgt?.flagLetters, 'FRIA');
    assert.equal(tgt?.ticketFlags, (TicketFlag.forwardable | TicketFlag.renewable | TicketFlag.initial | TicketFlag.preAuthent) >>> 0);
    assert.equal(tgt?.sessionKeyEnctype, 18);
    assert.equal(tgt?.ticketEnctype, 18);
    assert.deepEqual(tgt?.addresses, []);
    assert.equal(http?.flagLetters, 'FRAT');
  });

  it('MIT klist without -e/-f and with the one-line "Flags: ..., Etype" form', () => {
    const k = parseKlist(`Ticket cache: FILE:x
Default principal: admin@IPA.EXAMPLE

Valid starting     Expires            Service principal
07/30/20 20:58:19  07/31/20 20:58:16  krbtgt/IPA.EXAMPLE@IPA.EXAMPLE
\tFlags: FIA, Etype (skey, tkt): aes256-cts-hmac-sha1-96, DEPRECATED:arcfour-hmac 
`);
    assert.equal(k.credentials[0]?.flagLetters, 'FIA');
    assert.equal(k.credentials[0]?.renewTill, undefined);
    assert.equal(k.credentials[0]?.ticketEnctype, 23);
  });

  it('Windows klist', () => {
    const k = parseKlist(WINDOWS);
    assert.equal(k.source, 'windows');
    assert.equal(k.credentials.length, 2);
    const [tgt, http] = k.credentials;
    assert.equal(principalToString(tgt?.client as never), 'john@CONTOSO.COM');
    assert.equal(principalToString(tgt?.server as never), 'krbtgt/CONTOSO.COM@CONTOSO.COM');
    assert.equal(tgt?.ticketFlags, 0x40e10000);
    assert.equal(tgt?.ticketEnctype, 18);
    assert.equal(tgt?.starttime?.toISOString(), '2023-05-03T10:00:00.000Z');
    assert.equal(tgt?.renewTill?.toISOString(), '2023-05-10T10:00:00.000Z');
    assert.equal(http?.ticketEnctype, 23);
    assert.equal(http?.sessionKeyEnctype, 18);
  });

  it('MIT klist -k -t -e -K', () => {
    const k = parseKlistKeytab(`Keytab name: FILE:kerberos-net/sample.keytab
KVNO Timestamp         Principal
---- ----------------- --------------------------------------------------------
  12 01/01/70 00:00:00 HTTP/aadg.windows.net.nsatc.net@IDENTITYINTERVENTION.COM (DEPRECATED:arcfour-hmac)  (0x217e50203a5aba59cefa863c724bf61b)
   2 09/01/18 13:14:29 test/admin@example.com (aes256-cts-hmac-sha1-96)
`);
    assert.equal(k.entries.length, 2);
    assert.equal(k.entries[0]?.kvno, 12);
    assert.equal(k.entries[0]?.enctype, 23);
    assert.equal(k.entries[0]?.key?.length, 16);
    assert.equal(k.entries[1]?.timestamp?.toISOString(), '2018-09-01T13:14:29.000Z');
    assert.equal(k.entries[1]?.key, undefined);
  });

  it('times: two-digit years follow POSIX %y (69 → 2069, 70 → 1970)', () => {
    assert.equal(parseKlistTime('01/01/70 00:00:00')?.getUTCFullYear(), 1970);
    assert.equal(parseKlistTime('01/01/69 00:00:00')?.getUTCFullYear(), 2069);
    assert.equal(parseKlistTime('nonsense'), undefined);
  });
});
