/**
 * Text shows what JSON shows (issue 6): for every item `decode --json` would print, each leaf field either appears in
 * the text rendering (as the escaped value, or a number in decimal/hex) or its path is listed in `TEXT_OMITS` with the
 * reason it is left out. A new JSON field that the text renderer forgets fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decodeKeytab, encodeKeytab } from '../../src/formats/index.js';
import { type Evidence, inspectEvidence } from '../../src/inspect/evidence.js';
import { KeySet } from '../../src/inspect/keys.js';
import { KrbError } from '../../src/protocol/krb5/messages.js';
import { renderItem, TEXT_OMITS } from '../../src/report/decode-text.js';
import { escapeText } from '../../src/report/escape.js';
import { fromHex } from '../../src/wire/encoding.js';
import { corpusFile } from '../helpers/corpus.js';
import { findNtlmssp, frameBytes, haveTshark, TOKEN_FIELDS, tsharkFields } from '../protocol/gss/helpers.js';

const SAMPLES = path.join(import.meta.dirname, '../../samples');
const sample = (f: string) => readFileSync(path.join(SAMPLES, f));

/** Leaf fields of a JSON value as (path, value); array indices written `[]`, like TEXT_OMITS. */
function leaves(v: unknown, at: string, out: Array<[string, unknown]>): void {
  if (Array.isArray(v)) {
    if (v.length === 0) out.push([at, v]);
    for (const x of v) leaves(x, `${at}[]`, out);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) leaves(x, at ? `${at}.${k}` : k, out);
  } else out.push([at, v]);
}

/** `a.*.c` and `a[].b` patterns; a pattern also covers everything below it. */
function omitted(p: string): string | undefined {
  for (const [pat, why] of Object.entries(TEXT_OMITS)) {
    const re = new RegExp(
      `^(?:[^.]*\\.)*?${pat
        .replace(/[.[\]]/g, (c) => `\\${c}`)
        .replace(/\\\[\\\]/g, '\\[\\]')
        .replace(/\*/g, '[^.]+')}(?:$|[.[])`,
    );
    if (re.test(p)) return why;
  }
  return undefined;
}

function shown(text: string, v: unknown): boolean {
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) return true;
  if (typeof v === 'boolean') return true; // flags are shown by name when set; a false one is the absence of the name
  if (typeof v === 'number')
    return (
      text.includes(String(v)) ||
      text.toLowerCase().includes(`0x${v.toString(16)}`) ||
      text.toLowerCase().includes(`0x${v.toString(16).padStart(8, '0')}`)
    );
  const s = String(v);
  return text.includes(escapeText(s));
}

interface Case {
  name: string;
  evidence: Evidence[];
  keys?: () => KeySet;
  showSecrets?: boolean;
  /** evidence comes from the capture through tshark (required in CI) */
  ntlm?: boolean;
}

const samplesKeys = () => {
  const k = new KeySet();
  k.addKeytab(decodeKeytab(sample('mit-http.keytab')).entries, 'mit-http.keytab');
  return k;
};

const asrepKeys = () => {
  const k = new KeySet();
  const realm = 'CORP.IDENTITYINTERVENTION.COM';
  const key = new Uint8Array(Buffer.from('ef7422cb49e2f5b09292cbd825c295249f2a31465dc9ab4a3080edf3168a8857', 'hex'));
  const kt = encodeKeytab({
    entries: [{ principal: { realm, components: ['krbtgt', realm], nameType: 2 }, kvno: 2, enctype: 18, key, timestamp: new Date(0) }],
  } as never);
  k.addKeytab(decodeKeytab(kt).entries, 'krbtgt');
  k.addPassword({ password: 'P@ssw0rd!' });
  return k;
};

const knetKeys = () => {
  const k = new KeySet();
  k.addKeytab(decodeKeytab(corpusFile('vectors/kerberos-net/sample.keytab')).entries, 'sample.keytab');
  return k;
};

/** NTLMSSP messages 1, 2, 3 of a real SMB session setup, as tshark finds them (made by Windows/Samba, not by our encoder). */
function ntlmFromCapture(): Evidence[] {
  const out: Evidence[] = [];
  for (const rec of tsharkFields('pcap/zeek/smb/raw_ntlm_in_smb.pcap', 'ntlmssp.messagetype', TOKEN_FIELDS)) {
    const { blob, data } = frameBytes(rec);
    const bytes = blob ?? (data && findNtlmssp(data) >= 0 ? data.subarray(findNtlmssp(data)) : undefined);
    if (bytes)
      out.push({ label: `frame ${rec['frame.number']?.[0]}`, text: `Authorization: Negotiate ${Buffer.from(bytes).toString('base64')}` });
  }
  return out;
}

/** A Windows-style KDC_ERR_CLIENT_REVOKED with KERB-ERROR-DATA carrying STATUS_ACCOUNT_DISABLED (MS-KILE §2.2.1). */
const revoked = KrbError.encode({
  pvno: 5,
  msgType: 30,
  stime: new Date('2026-01-01T00:00:00Z'),
  susec: 0,
  errorCode: 18,
  crealm: 'CONTOSO.COM',
  cname: { nameType: 1, nameString: ['alice'] },
  realm: 'CONTOSO.COM',
  sname: { nameType: 2, nameString: ['krbtgt', 'CONTOSO.COM'] },
  eData: fromHex('3015a103020103a20e040c720000c00000000001000000') as Uint8Array,
} as never);

const file = (rel: string): Evidence => ({ label: `file ${rel}`, bytes: corpusFile(rel) });

const CASES: Case[] = [
  {
    name: 'Negotiate AP-REQ decrypted with the keytab (ticket, PAC-less MIT ticket, authenticator)',
    evidence: [{ label: 'a', text: sample('mit-http-negotiate.txt').toString() }],
    keys: samplesKeys,
  },
  {
    name: 'Negotiate AP-REQ, secrets shown',
    evidence: [{ label: 'a', text: sample('mit-http-negotiate.txt').toString() }],
    keys: samplesKeys,
    showSecrets: true,
  },
  { name: 'AP-REP answer', evidence: [{ label: 'a', text: sample('mit-http-negotiate-aprep.txt').toString() }], keys: samplesKeys },
  { name: 'KRB-ERROR skew', evidence: [{ label: 'a', text: sample('mit-http-krb-error-skew.txt').toString() }] },
  {
    name: 'AS-REP opened with the password and the krbtgt key',
    evidence: [file('vectors/kerberos-net/Messages/as-rep')],
    keys: asrepKeys,
    showSecrets: true,
  },
  ...[
    'as-req',
    'as-req-preauth',
    'krb-error-preauth-required',
    'tgs-rep-app2-s4u-proxy',
    'tgs-req-app2-s4u-proxy',
    'tgs-req-app2-s4u-self',
    'tgs-rep-testuser-host-appservice',
  ].map((m) => ({ name: `Kerberos.NET ${m}`, evidence: [file(`vectors/kerberos-net/Messages/${m}`)] })),
  ...['RC4Header.txt', 'RC4TicketClaims.txt', 'TicketContainingDelegation.txt'].map((f) => ({
    name: `Windows ticket with a PAC (${f}), decrypted`,
    evidence: [{ label: f, bytes: corpusFile(`vectors/kerberos-net/extracted/${f}`) }],
    keys: knetKeys,
  })),
  { name: 'NTLM negotiate, challenge, authenticate from a real SMB capture', evidence: [], ntlm: true },
  {
    name: 'an RFC 4121 Wrap token from an LDAP SASL session (no session key)',
    evidence: [{ label: 'w', text: '050405ff000c000c0000000018b15a100c7caa1e259dd5bd87df4fce07010000' }],
  },
  { name: 'KRB-ERROR with an NTSTATUS', evidence: [{ label: 'e', bytes: revoked }] },
  {
    name: 'a truncated AP-REQ (decode errors; the outer layers still shown)',
    evidence: [{ label: 't', text: sample('mit-http-negotiate.txt').toString().trim().slice(0, 400) }],
  },
  { name: 'keytab', evidence: [file('vectors/kerberos-net/sample.keytab')] },
  { name: 'keytab, secrets shown', evidence: [file('vectors/gokrb5/testuser1.testtab')], showSecrets: true },
  { name: 'ccache v4', evidence: [file('vectors/impacket/ccache-v4')] },
  { name: 'ccache Kerberos.NET', evidence: [file('vectors/kerberos-net/Cache/krb5cc')], showSecrets: true },
  { name: 'kirbi', evidence: [file('vectors/impacket/ccache-v4-kirbi')] },
  {
    name: 'Windows klist',
    evidence: [{ label: 'k', text: readFileSync(path.join(import.meta.dirname, '../fixtures/klist-windows-seed.txt'), 'utf8') }],
  },
];

describe('decode: every JSON field is in the text or deliberately left out', () => {
  for (const c of CASES) {
    it(c.name, (t) => {
      if (c.ntlm && !haveTshark(t)) return;
      const r = inspectEvidence(c.ntlm ? ntlmFromCapture() : c.evidence, c.keys?.() ?? new KeySet(), {
        showSecrets: Boolean(c.showSecrets),
      });
      assert.ok(r.items.length > 0, `decoded nothing: ${r.unusable.join('; ')}`);
      const missing: string[] = [];
      let checked = 0;
      for (const item of r.items) {
        const text = renderItem(item);
        const all: Array<[string, unknown]> = [];
        leaves(JSON.parse(JSON.stringify(item)), '', all);
        for (const [p, v] of all) {
          if (omitted(p)) continue;
          checked++;
          if (!shown(text, v)) missing.push(`${p} = ${JSON.stringify(v)}`);
        }
      }
      assert.ok(checked > 1, 'the walk saw the item’s fields');
      assert.deepEqual(missing, [], `JSON fields missing from the text (print them or add them to TEXT_OMITS with a reason)`);
    });
  }

  it('the check itself catches a field the text does not print', () => {
    const r = inspectEvidence([{ label: 'a', text: sample('mit-http-krb-error-skew.txt').toString() }], new KeySet(), {
      showSecrets: false,
    });
    const item = { ...(r.items[0] as object), probeField: 'zz-never-rendered' };
    const text = renderItem(r.items[0] as never);
    const all: Array<[string, unknown]> = [];
    leaves(item, '', all);
    const missing = all.filter(([p, v]) => !omitted(p) && !shown(text, v)).map(([p]) => p);
    assert.deepEqual(missing, ['probeField']);
  });

  it('the omission list has no stale entries: every pattern matches a field of some case', () => {
    const seen = new Set<string>();
    for (const c of CASES) {
      const r = inspectEvidence(c.ntlm ? ntlmFromCapture() : c.evidence, c.keys?.() ?? new KeySet(), {
        showSecrets: Boolean(c.showSecrets),
      });
      for (const item of r.items) {
        const all: Array<[string, unknown]> = [];
        leaves(JSON.parse(JSON.stringify(item)), '', all);
        for (const [p] of all) seen.add(p);
      }
    }
    const stale = Object.keys(TEXT_OMITS).filter((pat) => ![...seen].some((p) => omittedBy(pat, p)));
    // patterns for fields none of the cases produce are reported, not failed: the list names fields of inputs we have no sample of
    if (stale.length) console.log(`TEXT_OMITS patterns no case exercises: ${stale.join(', ')}`);
    assert.ok(stale.length < Object.keys(TEXT_OMITS).length / 2, `most TEXT_OMITS patterns are stale: ${stale.join(', ')}`);
  });
});

function omittedBy(pat: string, p: string): boolean {
  const saved = { ...TEXT_OMITS };
  try {
    for (const k of Object.keys(TEXT_OMITS)) if (k !== pat) delete (TEXT_OMITS as Record<string, string>)[k];
    return omitted(p) !== undefined;
  } finally {
    Object.assign(TEXT_OMITS, saved);
  }
}

describe('README: the decode JSON table and the JSON agree', () => {
  const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## `kerbscope decode`'),
    readme.indexOf('\n## ', readme.indexOf('## `kerbscope decode`') + 5),
  );
  /** Field paths in the first column of the table (`ticket.realm`, `decodeErrors[]`), and `{ a, b }` lists in the second. */
  const documented: string[] = [];
  const subfields = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\| (.+?) \| (.+) \|$/.exec(line);
    if (!m || m[1] === 'field' || m[1]?.startsWith('---')) continue;
    const names = [...(m[1] as string).matchAll(/`([A-Za-z.[\]]+)`/g)].map((x) => (x[1] as string).replace(/\[\]$/, ''));
    documented.push(...names);
    const braces = /^`\{ ([^}]+) \}`/.exec(m[2] as string);
    if (braces && names.length === 1)
      subfields.set(
        names[0] as string,
        (braces[1] as string)
          .split(',')
          .map((x) => (x.trim().split(/[ (]/)[0] as string).replace(/\?$/, ''))
          .filter((x) => x && x !== '...'),
      );
  }

  const items: Record<string, unknown>[] = [];
  for (const c of CASES.filter((x) => !x.ntlm)) {
    const r = inspectEvidence(c.evidence, c.keys?.() ?? new KeySet(), { showSecrets: false });
    for (const item of r.items) items.push(JSON.parse(JSON.stringify(item)));
  }
  const get = (o: unknown, p: string): unknown =>
    p.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

  it('the table names fields', () => assert.ok(documented.length >= 15, documented.join(', ')));

  it('every documented field is in the JSON of some sample input', () => {
    // problems/findings are added by the command around the item; NTLM and challenge items come from inputs checked above
    const elsewhere = new Set(['problems', 'ntlm']);
    const absent = documented.filter((p) => !elsewhere.has(p) && !items.some((i) => get(i, p) !== undefined));
    assert.deepEqual(absent, []);
  });

  it('the `{ ... }` sub-field lists name real sub-fields', () => {
    const wrong: string[] = [];
    for (const [p, subs] of subfields) {
      const objs = items
        .map((i) => get(i, p))
        .flatMap((v) => (Array.isArray(v) ? v : [v]))
        .filter((v): v is Record<string, unknown> => Boolean(v) && typeof v === 'object');
      if (objs.length === 0) continue;
      for (const s of subs) if (!objs.some((o) => s in o)) wrong.push(`${p}.${s}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('every top-level field of an item is documented', () => {
    const top = new Set(items.flatMap((i) => Object.keys(i)));
    const undocumented = [...top].filter((k) => !documented.some((d) => d === k || d.startsWith(`${k}.`)));
    assert.deepEqual(undocumented, []);
  });
});
