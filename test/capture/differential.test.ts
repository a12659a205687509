/**
 * `trace` held to tshark. (1) Every corpus capture that has a stored tshark reference (../shared/corpus/pcap/
 * _tshark_reference, TShark 4.0.17, default preferences): the same Kerberos messages per frame with the same realm,
 * sname, cname, etype and error code. (2) Live tshark on captures with DNS and HTTP authentication (the lab sample,
 * corpus captures): the same DNS answers and the same HTTP auth exchanges, and the request etype lists.
 */
import assert from 'node:assert/strict';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createGunzip } from 'node:zlib';
import { traceCapture } from '../../src/capture/index.js';
import type { TraceResult } from '../../src/capture/model.js';
import { CORPUS, REPO_ROOT } from '../helpers/corpus.js';
import { compareDns, compareHttp, compareKerberos, haveTshark, parseTsv, tsharkRows } from './tshark-ref.js';

const PCAP = path.join(CORPUS, 'pcap');
const REF = path.join(PCAP, '_tshark_reference');
const CI = process.env.CI === 'true';

export async function traceFile(file: string): Promise<TraceResult> {
  const s = createReadStream(file, { highWaterMark: 64 * 1024 });
  return traceCapture(file.endsWith('.gz') ? s.pipe(createGunzip()) : s);
}

function corpusCaptures(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) {
        if (e !== '_tshark_reference') walk(p);
      } else if (/\.(pcap|pcapng)(\.gz)?$/.test(e)) out.push(path.relative(PCAP, p));
    }
  };
  walk(PCAP);
  return out;
}

test('corpus captures: the same Kerberos messages as the stored tshark references', {
  skip: !CI && !existsSync(REF) && 'no corpus',
}, async () => {
  const files = corpusCaptures();
  const refs = readdirSync(REF).filter((f) => f.endsWith('.tsv') && !f.includes('decrypted-with-keytab'));
  assert.ok(refs.length >= 40, `only ${refs.length} reference TSVs`);
  let compared = 0;
  let messages = 0;
  let tsharkFrames = 0;
  const failures: string[] = [];
  for (const tsv of refs) {
    const file = files.find((f) => f.replace(/\//g, '_') === tsv.replace(/\.tsv$/, ''));
    assert.ok(file, `no capture for ${tsv}`);
    const rows = parseTsv(readFileSync(path.join(REF, tsv), 'utf8'));
    const r = await traceFile(path.join(PCAP, file));
    const d = compareKerberos(rows, r);
    for (const x of d) failures.push(`${file}: ${x}`);
    compared++;
    messages += r.messages.length;
    tsharkFrames += rows.filter((x) => x['kerberos.msg_type']).length;
  }
  assert.deepEqual(failures, []);
  assert.equal(compared, refs.length);
  // a reader that found nothing would fail above (every tshark frame must match); and the corpus must not be empty
  assert.ok(tsharkFrames > 300 && messages >= tsharkFrames, `${messages} messages for ${tsharkFrames} tshark frames`);
});

const LIVE = [
  'samples/mit-http-healthy.pcapng',
  'zeek/dns/tkey.pcap',
  'zeek/erspan.pcap',
  'zeek/krb/kinit.pcap',
  'zeek/ldap/aduser1.pcap',
  'zeek/krb/smb2_krb.pcap',
  'suricata-verify/krb5-krb5_msg_type/input.pcap',
];

test('live tshark: Kerberos (with request etype lists), DNS answers and HTTP auth exchanges agree', {
  skip: !CI && !haveTshark() && 'tshark not installed',
}, async () => {
  assert.ok(haveTshark(), 'tshark is required (scripts/ensure-debian-packages.sh)');
  let dnsResponses = 0;
  let httpAuth = 0;
  const failures: string[] = [];
  for (const rel of LIVE) {
    const file = rel.startsWith('samples/') ? path.join(REPO_ROOT, rel) : path.join(PCAP, rel);
    const rows = tsharkRows(file);
    const r = await traceFile(file);
    for (const x of [...compareKerberos(rows, r), ...compareDns(rows, r), ...compareHttp(rows, r)]) failures.push(`${rel}: ${x}`);
    dnsResponses += r.dns.filter((d) => d.response).length;
    httpAuth += r.http.length;
  }
  assert.deepEqual(failures, []);
  assert.ok(dnsResponses >= 2 && httpAuth >= 4, `compared ${dnsResponses} DNS responses and ${httpAuth} HTTP messages only`);
});
