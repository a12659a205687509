/**
 * RFC 4121 Wrap tokens of a real LDAP SASL/GSSAPI session (the Samba lab capture in test/protocol/gss/fixtures):
 * given with the AP-REQ and AP-REP of the same bind and the service keytab, one `decode` run decrypts the ticket,
 * learns the session keys (authenticator and AP-REP subkeys) and unwraps the Wrap tokens with them. The unwrapped
 * LDAP message is a secret of the session: masked unless --show-secrets. Expected values come from tshark.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCliJson } from '../helpers/cli.js';
import { haveTshark } from '../protocol/gss/helpers.js';

const FIX = path.join(import.meta.dirname, '../protocol/gss/fixtures');
const PCAP = path.join(FIX, 'per-message.pcapng');
const KEYTAB = path.join(FIX, 'per-message.keytab');

function field(frame: number, name: string): string {
  return execFileSync('tshark', ['-r', PCAP, '-Y', `frame.number == ${frame}`, '-T', 'fields', '-e', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

/** The GSS Wrap token of an LDAP SASL buffer (4-octet length, then the token), as the TCP payload carries it. */
function saslToken(frame: number): string {
  const payload = field(frame, 'tcp.payload');
  const len = Number.parseInt(payload.slice(0, 8), 16);
  return payload.slice(8, 8 + len * 2);
}

describe('decode: Wrap tokens unwrapped with the session keys of the same run', () => {
  it('AP-REQ (frame 40) + AP-REP (44) + the Wrap tokens of that bind (47, 48: SASL layer negotiation; 50, 51: sealed LDAP)', (t) => {
    if (!haveTshark(t)) return;
    const apReq = field(40, 'ldap.credentials');
    const apRep = field(44, 'ldap.serverSaslCreds');
    assert.match(apReq, /^60/);
    assert.match(apRep, /^60/);
    const wraps = [field(47, 'ldap.serverSaslCreds'), field(48, 'ldap.credentials'), saslToken(50), saslToken(51)];
    for (const w of wraps) assert.match(w, /^0504/);

    const r = runCliJson(['decode', apReq, apRep, ...wraps, '--keytab', KEYTAB]);
    assert.equal(r.code, 0, r.stderr);
    const items = r.json.items as Array<Record<string, any>>;
    assert.equal(items.length, 6);
    assert.equal(items[0]?.ticket.decryption.status, 'decrypted');
    assert.equal(typeof items[1]?.apRep.decrypted, 'object', 'the AP-REP opened with the ticket session key');
    let seqCompared = 0;
    for (const [i, frame] of [
      [2, 47],
      [3, 48],
      [4, 50],
      [5, 51],
    ] as const) {
      const pm = items[i]?.perMessage;
      assert.equal(pm.kind, 'wrap', `frame ${frame}`);
      const seq = field(frame, 'spnego.krb5.cfx_seq').split(',')[0];
      // tshark does not dissect the client's token inside the bind request (frame 48): compared where it does
      if (seq) {
        assert.equal(pm.sequenceNumber, seq, `frame ${frame}: seq as tshark`);
        seqCompared++;
      }
      assert.match(pm.decryption, /^ok/, `frame ${frame}: ${pm.decryption}`);
      assert.match(pm.payload, /^\(masked\) \(\d+ bytes/, 'the unwrapped message is masked by default');
    }
    assert.equal(seqCompared, 3, 'tshark dissected three of the four tokens');
    // the acceptor's token (frame 47, DC → client) carries sent-by-acceptor
    assert.equal(
      items[2]?.perMessage.sender,
      field(47, 'spnego.krb5.send_by_acceptor') === 'True' || field(47, 'spnego.krb5.send_by_acceptor') === '1' ? 'acceptor' : 'initiator',
    );

    const shown = runCliJson(['decode', apReq, apRep, ...wraps, '--keytab', KEYTAB, '--show-secrets']);
    const payload = (shown.json.items as Array<Record<string, any>>)[5]?.perMessage.payload as string;
    // what tshark decrypted for the same frame (its "Decrypted GSS-Krb5" data source) is what we unwrapped
    const ref = execFileSync(
      'tshark',
      ['-r', PCAP, '-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${KEYTAB}`, '-Y', 'frame.number == 51', '-P', '-x'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const head = payload.slice(0, 16).replace(/(..)/g, '$1 ').trim();
    assert.ok(ref.toLowerCase().includes(head), `tshark's decrypted bytes of frame 51 start with ${head}`);

    const text = execFileSync(
      'node',
      [path.join(import.meta.dirname, '../../dist/kerbscope.mjs'), 'decode', apReq, apRep, ...wraps, '--keytab', KEYTAB],
      {
        encoding: 'utf8',
      },
    );
    assert.match(text, /Per-message\s+wrap token, tok-id 05 04/);
    assert.match(text, /keys\s+ok/);
  });
});
