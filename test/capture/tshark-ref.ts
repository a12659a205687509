/**
 * tshark as the independent reference for `trace`: the fields it prints for Kerberos, DNS and HTTP authentication,
 * per frame, and the comparisons the differential tests make. Reference rows come from a live tshark run or from
 * the corpus's stored TSVs (../shared/corpus/pcap/_tshark_reference, SOURCES.md there says how they were made).
 */
import { spawnSync } from 'node:child_process';
import type { TraceResult } from '../../src/capture/model.js';

export type Row = Record<string, string>;

export function haveTshark(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}

const FIELDS = [
  'frame.number',
  'frame.protocols',
  'kerberos.msg_type',
  'kerberos.realm',
  'kerberos.CNameString',
  'kerberos.SNameString',
  'kerberos.etype',
  'kerberos.ENCTYPE',
  'kerberos.error_code',
  'dns.id',
  'dns.flags.response',
  'dns.flags.rcode',
  'dns.qry.name',
  'dns.a',
  'dns.aaaa',
  'dns.cname',
  'dns.srv.target',
  'http.request.method',
  'http.response.code',
  'http.authorization',
  'http.www_authenticate',
];

/** tshark's fields for every Kerberos, DNS and HTTP frame (default preferences unless `prefs`). */
export function tsharkRows(file: string, prefs: string[] = []): Row[] {
  const args = [
    '-r',
    file,
    ...prefs.flatMap((p) => ['-o', p]),
    '-Y',
    'kerberos || dns || http',
    '-T',
    'fields',
    '-E',
    'header=y',
    '-E',
    'separator=/t',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=,',
  ];
  for (const f of FIELDS) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`tshark failed on ${file}: ${r.stderr}`);
  return parseTsv(r.stdout);
}

export function parseTsv(text: string): Row[] {
  const lines = text.trimEnd().split('\n');
  const hdr = (lines[0] ?? '').split('\t');
  return lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [hdr[i] as string, v])));
}

const list = (row: Row, k: string) => (row[k] ?? '').split(',').filter(Boolean);

/**
 * Kerberos messages per frame, tshark vs kerbscope. tshark's kerberos.msg_type lists every message in a frame,
 * including the AP-REQ inside a TGS-REQ's PA-TGS-REQ (one 14 per 12), which kerbscope reports as part of the
 * TGS-REQ; duplicates (tshark shows one AP-REP twice when SMB2 echoes it) are compared as sets. Returns mismatches.
 */
export function compareKerberos(rows: Row[], r: TraceResult): string[] {
  const out: string[] = [];
  const exp = new Map<number, Row>();
  // an ICMP error quotes the datagram it answers; tshark dissects the quote, kerbscope reads it as the ICMP it is
  for (const row of rows)
    if (row['kerberos.msg_type'] && !/:icmp(v6)?:/.test(row['frame.protocols'] ?? '')) exp.set(Number(row['frame.number']), row);
  const got = new Map<number, TraceResult['messages']>();
  for (const m of r.messages) got.set(m.frame, [...(got.get(m.frame) ?? []), m]);
  const norm = (types: number[]) => {
    let embedded = types.filter((t) => t === 12).length;
    return [
      ...new Set(
        types.filter((t) => {
          if (t === 14 && embedded > 0) {
            embedded--;
            return false;
          }
          return true;
        }),
      ),
    ]
      .sort((a, b) => a - b)
      .join(',');
  };
  for (const [frame, row] of exp) {
    const want = norm(list(row, 'kerberos.msg_type').map(Number));
    const have = norm((got.get(frame) ?? []).map((m) => m.msgType));
    if (want !== have) out.push(`frame ${frame}: tshark msg_type ${want}, kerbscope ${have || 'none'}`);
  }
  for (const frame of got.keys())
    if (!exp.has(frame)) out.push(`frame ${frame}: kerbscope has ${(got.get(frame) ?? []).map((m) => m.msgName)}, tshark none`);
  for (const m of r.messages) {
    const row = exp.get(m.frame);
    if (!row) continue;
    const bad: string[] = [];
    if (m.realm !== undefined && !list(row, 'kerberos.realm').includes(m.realm)) bad.push(`realm ${m.realm} ∉ {${row['kerberos.realm']}}`);
    const sn = list(row, 'kerberos.SNameString').join('/');
    // KERB-TGT-REQUEST (16): tshark prints its server-name under another field
    if (m.sname && m.msgType !== 16 && !`/${sn}/`.includes(`/${m.sname.join('/')}/`)) bad.push(`sname ${m.sname.join('/')} ∉ ${sn}`);
    const cn = list(row, 'kerberos.CNameString').join('/');
    if (m.cname && !`/${cn}/`.includes(`/${m.cname.join('/')}/`)) bad.push(`cname ${m.cname.join('/')} ∉ ${cn}`);
    if (m.etypes) {
      if (m.msgType === 10 || m.msgType === 12) {
        // the request's etype list is tshark's kerberos.ENCTYPE (live runs; the stored TSVs lack it)
        if (row['kerberos.ENCTYPE'] !== undefined) {
          const want2 = list(row, 'kerberos.ENCTYPE').map(Number);
          if (want2.join(',') !== m.etypes.join(',')) bad.push(`etype list ${m.etypes} ≠ ${want2}`);
        }
      } else {
        const et = new Set(list(row, 'kerberos.etype').map(Number));
        if (!m.etypes.every((e) => et.has(e))) bad.push(`etypes ${m.etypes} ⊄ {${[...et]}}`);
      }
    }
    const codes = list(row, 'kerberos.error_code').map(Number);
    if (m.errorCode !== undefined && !codes.includes(m.errorCode)) bad.push(`error ${m.errorCode} ∉ {${codes}}`);
    if (m.msgType === 30 && m.errorCode === undefined) bad.push('error code missing');
    if (bad.length) out.push(`frame ${m.frame} ${m.msgName}: ${bad.join('; ')}`);
  }
  return out;
}

const RCODE: Record<string, string> = { '0': 'NOERROR', '1': 'FORMERR', '2': 'SERVFAIL', '3': 'NXDOMAIN', '4': 'NOTIMP', '5': 'REFUSED' };

/** DNS answers, tshark vs kerbscope: every response frame's name, rcode and A/AAAA/CNAME/SRV data. */
export function compareDns(rows: Row[], r: TraceResult): string[] {
  const out: string[] = [];
  const mine = new Map(r.dns.map((d) => [d.frame, d]));
  for (const row of rows) {
    if (row['dns.flags.response'] !== '1' && row['dns.flags.response'] !== 'True') continue;
    const frame = Number(row['frame.number']);
    const d = mine.get(frame);
    if (!d) {
      out.push(`frame ${frame}: tshark DNS response for ${row['dns.qry.name']}, kerbscope none`);
      continue;
    }
    const name = list(row, 'dns.qry.name')[0] ?? '';
    if (d.name.toLowerCase() !== name.toLowerCase()) out.push(`frame ${frame}: name ${d.name} ≠ ${name}`);
    const rc = RCODE[row['dns.flags.rcode'] ?? ''] ?? row['dns.flags.rcode'];
    if (d.rcode !== rc) out.push(`frame ${frame}: rcode ${d.rcode} ≠ ${rc}`);
    for (const [type, field] of [
      ['A', 'dns.a'],
      ['AAAA', 'dns.aaaa'],
      ['CNAME', 'dns.cname'],
    ] as const) {
      const want = list(row, field).sort().join(',');
      const have = (d.answers ?? [])
        .filter((a) => a.type === type)
        .map((a) => a.data)
        .sort()
        .join(',');
      if (want !== have) out.push(`frame ${frame}: ${type} {${have}} ≠ tshark {${want}}`);
    }
    const srv = list(row, 'dns.srv.target').sort().join(',');
    const haveSrv = (d.answers ?? [])
      .filter((a) => a.type === 'SRV')
      .map((a) => a.data.split(' ')[3])
      .sort()
      .join(',');
    if (srv !== haveSrv) out.push(`frame ${frame}: SRV {${haveSrv}} ≠ tshark {${srv}}`);
  }
  for (const d of r.dns)
    if (d.response && !rows.some((row) => Number(row['frame.number']) === d.frame))
      out.push(`frame ${d.frame}: kerbscope DNS response, tshark none`);
  return out;
}

/**
 * HTTP authentication exchanges: every frame where tshark shows an Authorization / WWW-Authenticate header or a
 * 401/407 must be in kerbscope's http[] with the same method or status and scheme.
 */
export function compareHttp(rows: Row[], r: TraceResult): string[] {
  const out: string[] = [];
  const mine = new Map(r.http.map((h) => [h.frame, h]));
  for (const row of rows) {
    const auth = row['http.authorization'] ?? '';
    const www = row['http.www_authenticate'] ?? '';
    const code = row['http.response.code'] ?? '';
    if (!auth && !www && code !== '401' && code !== '407') continue;
    const frame = Number(row['frame.number']);
    const h = mine.get(frame);
    if (!h) {
      out.push(`frame ${frame}: tshark HTTP ${row['http.request.method'] || code} with auth, kerbscope none`);
      continue;
    }
    if (row['http.request.method'] && h.method !== row['http.request.method'])
      out.push(`frame ${frame}: method ${h.method} ≠ ${row['http.request.method']}`);
    if (code && String(h.status) !== code) out.push(`frame ${frame}: status ${h.status} ≠ ${code}`);
    const scheme = (auth || www).split(/[\s,]/)[0] ?? '';
    if (scheme && (h.scheme ?? '').split(',')[0]?.trim().toLowerCase() !== scheme.toLowerCase())
      out.push(`frame ${frame}: scheme ${h.scheme} ≠ ${scheme}`);
  }
  return out;
}
