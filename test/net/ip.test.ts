/** ipVersion agrees with node:net isIP on hand-picked literals and on random strings from an IP-ish alphabet. */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dnsServerAddress } from '../../src/net/dns.js';
import { ipVersion } from '../../src/net/ip.js';

const CASES = [
  '10.201.0.10',
  '0.0.0.0',
  '255.255.255.255',
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '01.2.3.4',
  '1.2.3.04',
  '1..2.3',
  '',
  '::',
  '::1',
  'fe80::1',
  'fe80::1%eth0',
  'fe80::1%',
  '2001:db8::8a2e:370:7334',
  '2001:0db8:0000:0000:0000:ff00:0042:8329',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7::',
  '::1:2:3:4:5:6:7',
  '1::2::3',
  ':::',
  '1:2:3:4:5:6:7',
  '::ffff:10.0.0.1',
  '::ffff:10.0.0',
  '1:2:3:4:5:6:1.2.3.4',
  '1:2:3:4:5:6:7:1.2.3.4',
  'g::1',
  '12345::1',
  'iisserver.contoso.com',
  'localhost',
  '::%1',
  '1::',
  ':1::',
  '1:',
  ':1',
  '[::1]',
  '::1/128',
  ' ::1',
  '1.2.3.4 ',
];

describe('ipVersion', () => {
  it('matches node:net isIP on hand-picked literals', () => {
    for (const c of CASES) assert.equal(ipVersion(c), isIP(c), JSON.stringify(c));
  });
  it('matches node:net isIP on 20,000 random IP-ish strings', () => {
    const ch = fc.constantFrom(...'0123456789abcdefABCDEFgG:.%'.split(''), '::', '255', '1.2.3.4', 'ffff');
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 24 }), (parts) => {
        const s = parts.join('');
        assert.equal(ipVersion(s), isIP(s), JSON.stringify(s));
      }),
      { numRuns: 20_000, seed: 42 },
    );
  });
});

describe('dnsServerAddress', () => {
  it('reads IP, IP:port and [IPv6]:port', () => {
    assert.deepEqual(dnsServerAddress('10.0.0.10'), { address: '10.0.0.10', port: 53 });
    assert.deepEqual(dnsServerAddress('127.0.0.72:5353'), { address: '127.0.0.72', port: 5353 });
    assert.deepEqual(dnsServerAddress('[::1]:5353'), { address: '::1', port: 5353 });
    assert.deepEqual(dnsServerAddress('[fe80::1]'), { address: 'fe80::1', port: 53 });
    assert.deepEqual(dnsServerAddress('::1'), { address: '::1', port: 53 });
    assert.deepEqual(dnsServerAddress('10.0.0.10:99999'), { address: '10.0.0.10:99999', port: 53 });
  });
});
