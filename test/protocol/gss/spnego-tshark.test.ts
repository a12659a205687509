/**
 * SPNEGO / GSS tokens from real SMB session setups, decoded by us and by tshark from the same security blobs:
 * mechTypes, negState, supportedMech, negHints, mechListMIC and the Kerberos message inside must agree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeGssChecksum,
  decodeGssToken,
  decodeInitialContextToken,
  decodeNegotiationToken,
  encodeGssChecksum,
  encodeInitialContextToken,
  encodeNegotiationToken,
  NegState,
} from '../../../src/protocol/gss/index.js';
import { assertRoundTrip, frameBytes, haveTshark, hex, TOKEN_FIELDS, toHex, tsharkFields } from './helpers.js';

const CAPTURES: [string, number][] = [
  ['pcap/arkime/smbtorture-ntlmssp.pcap', 5],
  ['pcap/arkime/smb-smb1-ascii.pcap', 5],
  ['pcap/arkime/wireshark-smb-on-windows10.pcap', 6],
  ['pcap/suricata-verify/smb2-ntlmssp-negotiateflags/input.pcap', 6],
  ['pcap/pcap-attack/CA_LM_SpoolSample_SMB_BiAuth.pcapng', 6],
  ['pcap/zeek/krb/smb2_krb.pcap', 4],
  ['pcap/zeek/krb/smb_gssapi.pcap', 3],
  ['pcap/zeek/dce-rpc/kerberos445_auth.pcapng', 4],
];

const FIELDS = [
  ...TOKEN_FIELDS,
  'spnego.thisMech',
  'spnego.MechType',
  'spnego.negResult',
  'spnego.supportedMech',
  'spnego.hintName',
  'spnego.mechListMIC',
  'spnego.mechToken',
  'spnego.responseToken',
  'kerberos.msg_type',
  'ntlmssp.messagetype',
];

describe('SPNEGO in SMB captures, against tshark', () => {
  for (const [pcap, min] of CAPTURES) {
    it(pcap, (t) => {
      if (!haveTshark(t)) return;
      let compared = 0;
      const seen = new Set<string>();
      for (const rec of tsharkFields(pcap, 'spnego', FIELDS)) {
        const frame = rec['frame.number']?.[0] ?? '?';
        const { blob } = frameBytes(rec);
        if (!blob) continue; // SPNEGO inside DCE/RPC or LDAP: not a security blob
        const r = decodeGssToken(blob);
        assert.equal(r.error, undefined, `frame ${frame}: ${r.error?.message}`);
        const sp = r.spnego;
        assert.ok(sp, `frame ${frame}: no SPNEGO layer`);
        const spLayer = r.layers.find((l) => l.kind === 'spnego');
        assert.ok(spLayer);
        assertRoundTrip(
          blob.subarray(spLayer.offset, spLayer.offset + spLayer.length),
          (b, base) => decodeNegotiationToken(b, { base }),
          encodeNegotiationToken,
        );
        if (blob[0] === 0x60) assertRoundTrip(blob, (b, base) => decodeInitialContextToken(b, { base }), encodeInitialContextToken);
        if (sp.type === 'negTokenInit') {
          assert.deepEqual(sp.value.mechTypes ?? [], rec['spnego.MechType'] ?? [], `frame ${frame}: mechTypes`);
          assert.equal(sp.value.negHints?.hintName, rec['spnego.hintName']?.[0], `frame ${frame}: hintName`);
          assert.equal(toHex(sp.value.mechToken ?? new Uint8Array()), rec['spnego.mechToken']?.[0] ?? '', `frame ${frame}: mechToken`);
          seen.add(sp.value.form);
        } else {
          const ns = rec['spnego.negResult']?.[0];
          assert.equal(
            sp.value.negState === undefined ? undefined : NegState[sp.value.negState],
            ns === undefined ? undefined : Number(ns),
            `frame ${frame}: negState`,
          );
          assert.equal(sp.value.supportedMech, rec['spnego.supportedMech']?.[0], `frame ${frame}: supportedMech`);
          assert.equal(
            toHex(sp.value.responseToken ?? new Uint8Array()),
            rec['spnego.responseToken']?.[0] ?? '',
            `frame ${frame}: responseToken`,
          );
          seen.add(`negTokenResp ${sp.value.negState}`);
        }
        assert.equal(toHex(sp.value.mechListMIC ?? new Uint8Array()), rec['spnego.mechListMIC']?.[0] ?? '', `frame ${frame}: mechListMIC`);
        const inner = r.inner;
        if (inner.kind === 'krb5-message') {
          assert.ok(rec['kerberos.msg_type']?.includes(String(inner.msgType)), `frame ${frame}: kerberos msg_type`);
          assert.equal(r.mechanism, 'kerberos');
        }
        if (inner.kind === 'ntlmssp') {
          assert.equal(Number(rec['ntlmssp.messagetype']?.[0]), inner.message.messageType, `frame ${frame}: ntlm type`);
          assert.equal(r.mechanism, 'ntlm');
        }
        seen.add(r.mechanism);
        compared++;
      }
      assert.ok(compared >= min, `compared ${compared} SPNEGO tokens, expected at least ${min}`);
      t.diagnostic(`${compared} SPNEGO tokens agree with tshark: ${[...seen].join(', ')}`);
    });
  }

  it('the 0x8003 authenticator checksum of zeek smb2_krb (decrypted by tshark with the capture keytab)', (t) => {
    if (!haveTshark(t)) return;
    const recs = tsharkFields(
      'pcap/zeek/krb/smb2_krb.pcap',
      'kerberos.cksumtype == 32771',
      [
        'kerberos.checksum',
        'kerberos.gssapi.checksum.flags.deleg',
        'kerberos.gssapi.checksum.flags.mutual',
        'kerberos.gssapi.checksum.flags.replay',
        'kerberos.gssapi.checksum.flags.sequence',
        'kerberos.gssapi.checksum.flags.conf',
        'kerberos.gssapi.checksum.flags.integ',
        'kerberos.gssapi.checksum.flags.dce-style',
      ],
      [
        '-o',
        'kerberos.decrypt:TRUE',
        '-o',
        `kerberos.file:${new URL('../../../../shared/corpus/pcap/zeek/krb/smb2_krb.keytab', import.meta.url).pathname}`,
      ],
    );
    assert.ok(recs.length >= 1, 'tshark found no decrypted authenticator');
    for (const rec of recs) {
      const bytes = hex(rec['kerberos.checksum']?.[0] ?? '');
      const c = assertRoundTrip(bytes, (b, base) => decodeGssChecksum(b, { base }), encodeGssChecksum);
      const flag = (f: string) => rec[`kerberos.gssapi.checksum.flags.${f}`]?.[0] === '1';
      assert.equal(c.flagNames.includes('GSS_C_DELEG_FLAG'), flag('deleg'));
      assert.equal(c.flagNames.includes('GSS_C_MUTUAL_FLAG'), flag('mutual'));
      assert.equal(c.flagNames.includes('GSS_C_REPLAY_FLAG'), flag('replay'));
      assert.equal(c.flagNames.includes('GSS_C_SEQUENCE_FLAG'), flag('sequence'));
      assert.equal(c.flagNames.includes('GSS_C_CONF_FLAG'), flag('conf'));
      assert.equal(c.flagNames.includes('GSS_C_INTEG_FLAG'), flag('integ'));
      assert.equal(c.flagNames.includes('GSS_C_DCE_STYLE'), flag('dce-style'));
      assert.equal(c.lgth, 16);
      assert.equal(c.noChannelBindings, true);
    }
  });
});
