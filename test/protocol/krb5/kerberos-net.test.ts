/**
 * Real Windows-KDC messages from Kerberos.NET's test data (corpus/vectors/kerberos-net/Messages, see SOURCES.md;
 * each file has the 4-byte TCP length prefix of RFC 4120 §7.2.2). Every one must decode and re-encode byte for
 * byte, and the fields Wireshark's dissector sees (tshark, run on a pcap we write around the same bytes) must be
 * the fields we decode.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as k from '../../../src/protocol/krb5/index.js';
import { CORPUS, corpusFile, haveTshark, hex, tsharkFields } from './helpers.js';

const DIR = 'vectors/kerberos-net/Messages';
const names = readdirSync(join(CORPUS, DIR))
  .filter((n) => n !== 'SOURCES.md')
  .sort();

function load(name: string): Uint8Array {
  return k.readTcpRecord(corpusFile(`${DIR}/${name}`)).message;
}

/** What tshark reports for these fields, collected from our decode (the padata and e-data decoded too). */
interface Seen {
  msg_type: string[];
  realm: string[];
  crealm: string[];
  SNameString: string[];
  CNameString: string[];
  name_type: string[];
  etype: string[];
  kvno: string[];
  padata_type: string[];
  nonce: string[];
  error_code: string[];
  info2_salt: string[];
  include_pac: string[];
  kdc_options: string[];
  reqEtypeCount: string[];
}

function collect(m: k.Krb5Message): Seen {
  const s: Seen = {
    msg_type: [String(m.msgType)],
    realm: [],
    crealm: [],
    SNameString: [],
    CNameString: [],
    name_type: [],
    etype: [],
    kvno: [],
    padata_type: [],
    nonce: [],
    error_code: [],
    info2_salt: [],
    include_pac: [],
    kdc_options: [],
    reqEtypeCount: [],
  };
  const walk = (v: unknown, key: string): void => {
    if (v === null || v === undefined || v instanceof Uint8Array || v instanceof Date) return;
    if (Array.isArray(v)) {
      if (key === 'etype') s.reqEtypeCount.push(String(v.length));
      else if (key === 'padata' || key === 'encryptedPaData') for (const pa of v as k.PaData[]) walkPa(pa);
      else for (const x of v) walk(x, key);
      return;
    }
    if (typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if ('nameType' in o && 'nameString' in o) {
      s.name_type.push(String(o.nameType));
      if (key === 'sname') s.SNameString.push(...(o.nameString as string[]));
      if (key === 'cname') s.CNameString.push(...(o.nameString as string[]));
      return;
    }
    for (const [kk, x] of Object.entries(o)) {
      if (kk === 'realm') s.realm.push(x as string);
      else if (kk === 'crealm') s.crealm.push(x as string);
      else if (kk === 'etype' && typeof x === 'number') s.etype.push(String(x));
      else if (kk === 'kvno') s.kvno.push(String(x));
      else if (kk === 'nonce' && key === 'reqBody') s.nonce.push(String(x));
      else if (kk === 'errorCode') s.error_code.push(String(x));
      else if (kk === 'kdcOptions') s.kdc_options.push((x as number).toString(16).padStart(8, '0'));
      else if (kk === 'eData') {
        const ed = k.decodeEData(x as Uint8Array);
        if (ed.kind === 'method-data') for (const pa of ed.padata) walkDecodedPa(pa);
      } else walk(x, kk);
    }
  };
  const walkPa = (pa: k.PaData) => walkDecodedPa(k.decodePaData(pa));
  const walkDecodedPa = (d: k.DecodedPaData) => {
    s.padata_type.push(String(d.type));
    if (d.kind !== 'value') return;
    if (d.name === 'PA-TGS-REQ') {
      s.msg_type.push(String(d.value.msgType));
      walk(d.value, 'apReq');
    } else if (d.name === 'PA-ETYPE-INFO2') {
      for (const e of d.value) {
        s.etype.push(String(e.etype));
        if (e.salt !== undefined) s.info2_salt.push(e.salt);
      }
    } else if (d.name === 'PA-PAC-REQUEST') s.include_pac.push(d.value.includePac ? '1' : '0');
    else if (d.name === 'PA-ENC-TIMESTAMP') s.etype.push(String(d.value.etype));
    else if (d.name === 'PA-FOR-USER') {
      s.name_type.push(String(d.value.userName.nameType));
      s.realm.push(d.value.userRealm);
    }
  };
  walk(m.message, '');
  return s;
}

const FIELDS: [keyof Seen, string][] = [
  ['msg_type', 'kerberos.msg_type'],
  ['realm', 'kerberos.realm'],
  ['crealm', 'kerberos.crealm'],
  ['SNameString', 'kerberos.SNameString'],
  ['CNameString', 'kerberos.CNameString'],
  ['name_type', 'kerberos.name_type'],
  ['etype', 'kerberos.etype'],
  ['kvno', 'kerberos.kvno'],
  ['padata_type', 'kerberos.padata_type'],
  ['nonce', 'kerberos.nonce'],
  ['error_code', 'kerberos.error_code'],
  ['info2_salt', 'kerberos.info2_salt'],
  ['include_pac', 'kerberos.include_pac'],
  ['kdc_options', 'kerberos.kdc_options'],
  ['reqEtypeCount', 'kerberos.kdc-req-body.etype'],
];

describe('Kerberos.NET messages', () => {
  it('all 14 decode and re-encode byte for byte (also inside their TCP record)', () => {
    assert.equal(names.length, 14);
    for (const n of names) {
      const raw = corpusFile(`${DIR}/${n}`);
      const bytes = load(n);
      const m = k.decodeKrb5Message(bytes);
      assert.equal(hex(k.encodeKrb5Message(m)), hex(bytes), n);
      const atOffset = k.decodeKrb5Message(raw.subarray(4), { base: 4 });
      assert.equal(atOffset.name, m.name);
      assert.equal(hex(k.writeTcpRecord(bytes)), hex(raw), `${n}: TCP record`);
    }
  });

  it('fields match tshark', (t) => {
    if (!haveTshark()) {
      if (process.env.CI === 'true') assert.fail('tshark is required in CI (apt-get install tshark)');
      console.error('\n*** SKIPPING the tshark comparison: tshark is not installed ***\n');
      t.skip('tshark missing');
      return;
    }
    const packets = names.map((n) => ({ payload: load(n), fromKdc: /rep|error/.test(n) }));
    const frames = tsharkFields(
      packets,
      FIELDS.map(([, f]) => f),
    );
    assert.equal(frames.length, names.length);
    names.forEach((n, i) => {
      const ours = collect(k.decodeKrb5Message(load(n)));
      const theirs = frames[i] as Record<string, string[]>;
      for (const [key, field] of FIELDS) {
        const sort = (a: string[]) => [...a].sort();
        assert.deepEqual(sort(ours[key]), sort(theirs[field] ?? []), `${n}: ${field}`);
      }
    });
  });

  it('as-req: enterprise client name, PA-PAC-REQUEST, KDC options', () => {
    const m = k.decodeAsReq(load('as-req'));
    const b = m.reqBody;
    assert.equal(b.cname?.nameType, k.NameType.NT_ENTERPRISE);
    assert.equal(
      k.principalToString(b.cname as k.PrincipalName, b.realm),
      'testuser\\@corp.identityintervention.com@CORP.IDENTITYINTERVENTION.COM',
    );
    assert.equal(k.principalToString(b.sname as k.PrincipalName), 'krbtgt/CORP.IDENTITYINTERVENTION.COM');
    assert.deepEqual(k.renderFlags(b.kdcOptions, k.KDC_OPTIONS).names, ['forwardable', 'renewable', 'canonicalize', 'renewable-ok']);
    const pac = k.findPaData(m.padata, k.PaDataType['PA-PAC-REQUEST']);
    assert.ok(pac?.kind === 'value' && pac.name === 'PA-PAC-REQUEST' && pac.value.includePac === true);
    assert.equal(hex(k.derOf(b) as Uint8Array), hex(k.KdcReqBody.encode(b)));
  });

  it('krb-error-preauth-required: METHOD-DATA with ETYPE-INFO2, described as a normal step', () => {
    const e = k.decodeKrbError(load('krb-error-preauth-required'));
    const d = k.describeKrbError(e);
    assert.equal(d.name, 'KDC_ERR_PREAUTH_REQUIRED');
    assert.equal(d.normal, true);
    assert.equal(d.eData?.kind, 'method-data');
    if (d.eData?.kind !== 'method-data') return;
    assert.deepEqual(
      d.eData.padata.map((p) => p.name),
      ['PA-ETYPE-INFO2', 'PA-ENC-TIMESTAMP', 'PA-PK-AS-REQ', 'PA-PK-AS-REP_OLD'],
    );
    const info = d.eData.padata[0];
    assert.ok(info?.kind === 'value' && info.name === 'PA-ETYPE-INFO2');
    assert.deepEqual(
      info.value.map((x) => [x.etype, x.salt]),
      [
        [18, 'CORP.IDENTITYINTERVENTION.COMtestuser'],
        [23, undefined],
      ],
    );
    assert.equal(d.eData.padata[1]?.kind, 'empty'); // a hint: "PA-ENC-TIMESTAMP is accepted"
  });

  it('tgs-req S4U2self: PA-FOR-USER and PA-PAC-OPTIONS; S4U2proxy: cname-in-addl-tkt and an additional ticket', () => {
    const self = k.decodeTgsReq(load('tgs-req-app2-s4u-self'));
    const fu = k.findPaData(self.padata, k.PaDataType['PA-FOR-USER']);
    assert.ok(fu?.kind === 'value' && fu.name === 'PA-FOR-USER');
    assert.equal(fu.value.authPackage, 'Kerberos');
    assert.equal(fu.value.userName.nameType, k.NameType.NT_ENTERPRISE);
    const po = k.findPaData(self.padata, k.PaDataType['PA-PAC-OPTIONS']);
    assert.ok(po?.kind === 'value' && po.name === 'PA-PAC-OPTIONS');
    const tgs = k.findPaData(self.padata, k.PaDataType['PA-TGS-REQ']);
    assert.ok(tgs?.kind === 'value' && tgs.name === 'PA-TGS-REQ');
    assert.equal(
      k.principalToString(tgs.value.ticket.sname, tgs.value.ticket.realm),
      'krbtgt/CORP.IDENTITYINTERVENTION.COM@CORP.IDENTITYINTERVENTION.COM',
    );

    const proxy = k.decodeTgsReq(load('tgs-req-app2-s4u-proxy'));
    assert.ok(k.renderFlags(proxy.reqBody.kdcOptions, k.KDC_OPTIONS).names.includes('cname-in-addl-tkt'));
    assert.equal(proxy.reqBody.additionalTickets?.length, 1);
    const add = proxy.reqBody.additionalTickets?.[0] as k.Ticket;
    assert.equal(k.principalToString(add.sname), 'app2');
  });

  it('as-rep: ETYPE-INFO2 in padata, ticket DER kept', () => {
    const r = k.decodeAsRep(load('as-rep'));
    assert.equal(r.crealm, 'CORP.IDENTITYINTERVENTION.COM');
    assert.equal(k.principalToString(r.cname), 'testuser');
    assert.equal(r.encPart.etype, 18);
    const der = k.derOf(r.ticket) as Uint8Array;
    assert.equal(hex(der), hex(k.encodeTicket(r.ticket)));
  });
});
