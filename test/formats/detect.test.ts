import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeCcache } from '../../src/formats/ccache.js';
import { detect } from '../../src/formats/detect.js';
import { encodeKeytab } from '../../src/formats/keytab.js';
import { corpusFile, corpusPath } from '../helpers/corpus.js';

const text = (s: string) => new TextEncoder().encode(s);

function firstFile(dir: string, ext: string): string | undefined {
  for (const e of readdirSync(corpusPath(dir), { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(ext)) return `${e.parentPath ?? (e as { path?: string }).path}/${e.name}`;
  }
  return undefined;
}

describe('detect: real files by content', () => {
  const cases: [string, string, string?][] = [
    ['vectors/kerberos-net/sample.keytab', 'keytab'],
    ['vectors/gokrb5/testuser1.testtab', 'keytab'],
    ['vectors/impacket/ccache-v1', 'ccache'],
    ['vectors/impacket/ccache-v2', 'ccache'],
    ['vectors/impacket/ccache-v3', 'ccache'],
    ['vectors/impacket/ccache-v4', 'ccache'],
    ['vectors/impacket/ccache-v4-kirbi', 'kirbi', 'KRB-CRED'],
    ['vectors/kerberos-net/Messages/as-req', 'krb5', 'AS-REQ'],
    ['vectors/kerberos-net/Messages/as-rep', 'krb5', 'AS-REP'],
    ['vectors/kerberos-net/Messages/tgs-req-app2-s4u-self', 'krb5', 'TGS-REQ'],
    ['vectors/kerberos-net/Messages/krb-error-preauth-required', 'krb5', 'KRB-ERROR'],
    ['vectors/kerberos-net/aes128-kerberos-data', 'gss-token', 'krb5'],
    ['vectors/kerberos-net/rc4-kerberos-data', 'gss-token', 'krb5'],
    ['vectors/kerberos-net/aes128-spnego-data', 'gss-token', 'spnego'],
  ];
  for (const [rel, kind, detail] of cases) {
    it(`${rel} → ${kind}${detail ? ` (${detail})` : ''}`, () => {
      const d = detect(corpusFile(rel));
      assert.equal(d.kind, kind);
      if (detail) assert.equal(d.detail, detail);
      assert.ok(d.confidence >= 0.9, `confidence ${d.confidence}`);
    });
  }

  it('a pcap, a pcapng and an EVTX from the corpus', () => {
    const pcap = firstFile('pcap', '.pcap');
    const pcapng = firstFile('pcap', '.pcapng');
    const evtx = firstFile('evtx', '.evtx');
    if (pcap) assert.equal(detect(new Uint8Array(readFileSync(pcap))).kind, 'pcap');
    if (pcapng) assert.equal(detect(new Uint8Array(readFileSync(pcapng))).kind, 'pcapng');
    if (evtx) assert.equal(detect(new Uint8Array(readFileSync(evtx))).kind, 'evtx');
    assert.ok(pcap && evtx, 'corpus has pcap and evtx samples');
  });

  it('a header line from Kerberos.NET (extracted/RC4Header.txt): Negotiate → GSS token, SPNEGO', () => {
    const d = detect(corpusFile('vectors/kerberos-net/extracted/RC4Header.txt'));
    assert.equal(d.kind, 'http-header');
    assert.equal(d.detail, 'negotiate');
    assert.equal(d.inner?.kind, 'gss-token');
    assert.equal(d.inner?.detail, 'spnego');
  });

  it('text forms: "Authorization: NTLM <b64>", base64 and hex of a Kerberos message, klist output', () => {
    const ntlm = Buffer.from('NTLMSSP\0\x01\x00\x00\x00\x07\x82\x08\xa2', 'latin1').toString('base64');
    const h = detect(text(`Authorization: NTLM ${ntlm}`));
    assert.equal(h.kind, 'http-header');
    assert.equal(h.inner?.kind, 'ntlmssp');
    assert.equal(h.inner?.detail, 'NEGOTIATE');
    const asreq = corpusFile('vectors/kerberos-net/Messages/as-req');
    assert.equal(detect(text(Buffer.from(asreq).toString('base64'))).inner?.detail, 'AS-REQ');
    assert.equal(detect(text(Buffer.from(asreq).toString('hex'))).inner?.detail, 'AS-REQ');
    assert.equal(detect(text('Ticket cache: FILE:/tmp/krb5cc_0\nDefault principal: a@B\n')).kind, 'klist-text');
    assert.equal(detect(text('hello world')).kind, 'text');
  });

  it('keytab vs ccache v1/v2 (same magic) are told apart by decoding', () => {
    const p = { realm: 'R.COM', components: ['svc', 'host.r.com'], nameType: 1 };
    const kt = encodeKeytab({ entries: [{ principal: p, kvno: 1, enctype: 17, key: new Uint8Array(16).fill(7) }] });
    assert.equal(detect(kt).kind, 'keytab');
    for (const version of [1, 2] as const) {
      const cc = encodeCcache({ version, defaultPrincipal: p, credentials: [] });
      assert.equal(detect(cc).kind, 'ccache', `ccache v${version}`);
    }
  });

  it('never throws, on anything', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const d = detect(b);
        assert.ok(typeof d.kind === 'string' && d.confidence >= 0 && d.confidence <= 1);
      }),
      { numRuns: 3000 },
    );
    for (const prefix of [[0x05, 0x01], [0x05, 0x02], [0x05, 0x04], [0x76], [0x60], [0xa1]]) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
          detect(Uint8Array.from([...prefix, ...b]));
        }),
        { numRuns: 500 },
      );
    }
  });
});
