// The CLDAP netlogon ping codec, both sides (MS-ADTS §6.3.3, §6.3.1.9): the client's ping read back by the DC's
// decoder, the DC's reply read back by the client's, and hostile bytes → DecodeError only (the responder and
// `check` face the network). Samba's `net ads lookup` reading the encoder's output is in test/lab/embedded.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DsFlag,
  decodeNetlogonPing,
  decodeNetlogonSamLogonResponseEx,
  encodeCldapNetlogonReply,
  encodeNetlogonPing,
  encodeNetlogonSamLogonResponseEx,
  netlogonFromLdap,
} from '../../../src/protocol/cldap/netlogon.js';
import { DecodeError } from '../../../src/wire/errors.js';
import { generate } from '../../fuzz/harness.js';

const guid = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
const fields = {
  opcode: 23,
  flags: (DsFlag.PDC | DsFlag.GC | DsFlag.KDC | DsFlag.DNS_FOREST) >>> 0,
  domainGuid: guid,
  dnsForestName: 'contoso.com',
  dnsDomainName: 'contoso.com',
  dnsHostName: 'dc1.contoso.com',
  netbiosDomainName: 'CONTOSO',
  netbiosComputerName: 'DC1',
  userName: '',
  dcSiteName: 'Default-First-Site-Name',
  clientSiteName: 'Default-First-Site-Name',
};

describe('CLDAP netlogon codec', () => {
  it('a ping reads back: domain, NtVer, the Netlogon attribute', () => {
    const p = decodeNetlogonPing(encodeNetlogonPing(4242, 'contoso.com', 0x16));
    assert.equal(p.messageId, 4242);
    assert.equal(p.dnsDomain, 'contoso.com');
    assert.equal(p.ntVer, 0x16);
    assert.deepEqual(p.attributes, ['Netlogon']);
  });

  it('the reply reads back field by field through the client decoder', () => {
    const reply = encodeCldapNetlogonReply(7, encodeNetlogonSamLogonResponseEx(fields));
    const value = netlogonFromLdap(reply);
    assert.ok(value);
    const r = decodeNetlogonSamLogonResponseEx(value);
    const { flagNames, ...rest } = r;
    assert.deepEqual(rest, fields);
    assert.deepEqual(flagNames, ['PDC', 'GC', 'KDC', 'DNS_FOREST']);
  });

  it('a search that is not a ping is refused with the field named', () => {
    // a SearchResultDone where a SearchRequest should be
    const done = Uint8Array.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x65, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);
    assert.throws(
      () => decodeNetlogonPing(done),
      (e: unknown) => e instanceof DecodeError && /SearchRequest/.test(e.message),
    );
  });

  it('hostile bytes: DecodeError or a result, never another exception', () => {
    const seeds = [encodeNetlogonPing(1, 'contoso.com'), encodeCldapNetlogonReply(1, encodeNetlogonSamLogonResponseEx(fields))];
    let decoded = 0;
    for (let i = 0; i < 4000; i++) {
      const input = generate(seeds, 0xc1da, i);
      for (const f of [
        () => decodeNetlogonPing(input),
        () => {
          const v = netlogonFromLdap(input);
          return v && decodeNetlogonSamLogonResponseEx(v);
        },
        () => decodeNetlogonSamLogonResponseEx(input.subarray(Math.min(input.length, 20))),
      ]) {
        try {
          f();
          decoded++;
        } catch (e) {
          if (!(e instanceof DecodeError)) throw new Error(`input ${Buffer.from(input).toString('hex')}: ${String(e)}`);
        }
      }
    }
    assert.ok(decoded > 0, 'some mutated inputs still decode');
  });
});
