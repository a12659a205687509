// The MIT backend's tiny DNS server (lab/dns-server.ts), checked byte for byte against RFC 1035 §4.1 messages
// written out by hand here (no lab, no root).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answer, type ZoneRecord } from '../../lab/dns-server.js';

const zone: ZoneRecord[] = [
  { name: 'iisserver.contoso.com', type: 'A', data: '10.201.0.11' },
  { name: 'www.contoso.com', type: 'CNAME', data: 'iisserver.contoso.com' },
  { name: '_kerberos._udp.contoso.com', type: 'SRV', data: '0 100 88 kdc.contoso.com' },
];

/** a query as a resolver sends it: id 0x1234, RD, one question */
function query(labels: string[], qtype: number): Buffer {
  const name = Buffer.concat([...labels.map((l) => Buffer.from([l.length, ...Buffer.from(l)])), Buffer.from([0])]);
  return Buffer.concat([
    Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    name,
    Buffer.from([0x00, qtype, 0x00, 0x01]),
  ]);
}

describe('lab DNS server', () => {
  it('answers an A query (AA, RD copied, one answer, TTL 60)', () => {
    const q = query(['iisserver', 'contoso', 'com'], 1);
    const r = answer(q, zone);
    assert.ok(r);
    const question = q.subarray(12);
    const expected = Buffer.concat([
      Buffer.from([0x12, 0x34, 0x85, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]),
      question,
      question.subarray(0, question.length - 4), // owner name, uncompressed
      Buffer.from([0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 10, 201, 0, 11]),
    ]);
    assert.deepEqual(r, expected);
  });

  it('chases a CNAME: CNAME record then the A record of the target', () => {
    const r = answer(query(['WWW', 'contoso', 'com'], 1), zone);
    assert.ok(r);
    assert.equal(r.readUInt16BE(6), 2); // ANCOUNT
    assert.equal(r[3], 0); // NOERROR
    assert.ok(r.includes(Buffer.from([9, ...Buffer.from('iisserver')])));
    assert.ok(r.subarray(r.length - 4).equals(Buffer.from([10, 201, 0, 11])));
  });

  it('answers SRV with priority, weight, port, target (RFC 2782)', () => {
    const r = answer(query(['_kerberos', '_udp', 'CONTOSO', 'COM'], 33), zone);
    assert.ok(r);
    const rdata = Buffer.concat([
      Buffer.from([0, 0, 0, 100, 0, 88]),
      Buffer.from([3, ...Buffer.from('kdc'), 7, ...Buffer.from('contoso'), 3, ...Buffer.from('com'), 0]),
    ]);
    assert.ok(r.subarray(r.length - rdata.length).equals(rdata));
  });

  it('NXDOMAIN for an unknown name; NOERROR/NODATA for a known name without that type', () => {
    const nx = answer(query(['nosuch', 'contoso', 'com'], 1), zone);
    assert.equal(nx?.[3], 3);
    assert.equal(nx?.readUInt16BE(6), 0);
    const nodata = answer(query(['iisserver', 'contoso', 'com'], 33), zone);
    assert.equal(nodata?.[3], 0);
    assert.equal(nodata?.readUInt16BE(6), 0);
  });

  it('ignores truncated queries instead of throwing', () => {
    assert.equal(answer(Buffer.from([1, 2, 3]), zone), undefined);
    assert.equal(answer(query(['iisserver'], 1).subarray(0, 16), zone), undefined);
  });
});
