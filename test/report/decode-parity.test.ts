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
import { renderItem, TEXT_OMITS } from '../../src/report/decode-text.js';
import { escapeText } from '../../src/report/escape.js';
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
      assert.ok(checked > 3, 'the walk saw the item’s fields');
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
