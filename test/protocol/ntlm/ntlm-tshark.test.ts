/**
 * NTLMSSP messages carried in real captures (SMB1/SMB2 session setup, DCE/RPC, LDAP SASL), decoded by us and by
 * tshark (Debian's Wireshark, the reference decoder) from the same bytes; every field tshark shows must agree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeGssToken } from '../../../src/protocol/gss/index.js';
import {
  type AuthenticateMessage,
  decodeNtlmMessage,
  encodeNtlmMessage,
  findAvPair,
  type NtlmMessage,
} from '../../../src/protocol/ntlm/index.js';
import { findNtlmssp, frameBytes, haveTshark, TOKEN_FIELDS, toHex, tsharkFields, tsString, tsTimeSeconds } from '../gss/helpers.js';

const CAPTURES: [string, number][] = [
  ['pcap/arkime/smbtorture-ntlmssp.pcap', 3],
  ['pcap/arkime/smb-smb1-ascii.pcap', 3],
  ['pcap/arkime/wireshark-smb-on-windows10.pcap', 3],
  ['pcap/suricata-verify/smb2-ntlmssp-negotiateflags/input.pcap', 3],
  ['pcap/scapy/dcerpc_privacy_ntlm.pcapng.gz', 3],
  ['pcap/zeek/ldap/sasl-ntlm.pcap', 2],
  ['pcap/zeek/ldap/aduser1-ntlm.pcap', 3],
  ['pcap/zeek/dce-rpc/dce_rpc_ntlm.pcapng', 3],
  ['pcap/zeek/smb/raw_ntlm_in_smb.pcap', 3],
  ['pcap/pcap-attack/CA_LM_SpoolSample_SMB_BiAuth.pcapng', 3],
  ['pcap/pcap-attack/LM_smbexec_smb_dcerpc_svcctl_epm.pcapng', 6],
];

const FIELDS = [
  ...TOKEN_FIELDS,
  'ntlmssp.messagetype',
  'ntlmssp.negotiateflags',
  'ntlmssp.negotiate.domain',
  'ntlmssp.negotiate.callingworkstation',
  'ntlmssp.ntlmserverchallenge',
  'ntlmssp.challenge.target_name',
  'ntlmssp.challenge.target_info.nb_domain_name',
  'ntlmssp.challenge.target_info.nb_computer_name',
  'ntlmssp.challenge.target_info.dns_domain_name',
  'ntlmssp.challenge.target_info.dns_computer_name',
  'ntlmssp.challenge.target_info.timestamp',
  'ntlmssp.auth.domain',
  'ntlmssp.auth.username',
  'ntlmssp.auth.hostname',
  'ntlmssp.auth.ntresponse',
  'ntlmssp.ntlmv2_response.ntproofstr',
  'ntlmssp.ntlmv2_response.timestamp',
  'ntlmssp.ntlmv2_response.target_name',
  'ntlmssp.auth.sesskey',
  'ntlmssp.authenticate.mic',
  'ntlmssp.version.major',
  'ntlmssp.version.minor',
  'ntlmssp.version.build_number',
];

function extract(rec: Record<string, string[]>): { msg: NtlmMessage; bytes: Uint8Array } | undefined {
  const { blob, data } = frameBytes(rec);
  if (blob) {
    const r = decodeGssToken(blob);
    assert.equal(r.error, undefined, `frame ${rec['frame.number']}: ${r.error?.message}`);
    const l = r.layers.find((x) => x.kind === 'ntlmssp');
    if (l && l.kind === 'ntlmssp') return { msg: l.message, bytes: blob.subarray(l.offset, l.offset + l.length) };
  }
  if (data) {
    const at = findNtlmssp(data);
    if (at >= 0) {
      const bytes = data.subarray(at);
      return { msg: decodeNtlmMessage(bytes), bytes };
    }
  }
  return undefined;
}

function same(rec: Record<string, string[]>, field: string, ours: string | number | undefined, frame: string): void {
  const theirs = tsString(rec[field]);
  if (theirs === undefined) return;
  assert.equal(String(ours ?? ''), typeof ours === 'number' ? String(Number(theirs)) : theirs, `frame ${frame}: ${field}`);
}

describe('NTLMSSP in captures, against tshark', () => {
  for (const [pcap, min] of CAPTURES) {
    it(pcap, (t) => {
      if (!haveTshark(t)) return;
      let compared = 0;
      let v2 = 0;
      for (const rec of tsharkFields(pcap, 'ntlmssp.messagetype', FIELDS)) {
        const frame = rec['frame.number']?.[0] ?? '?';
        const got = extract(rec);
        assert.ok(got, `frame ${frame}: tshark sees NTLMSSP, we found none`);
        const { msg: m, bytes } = got;
        assert.equal(toHex(encodeNtlmMessage(m)), toHex(bytes), `frame ${frame}: round trip`);
        assert.equal(m.messageType, Number(rec['ntlmssp.messagetype']?.[0]), `frame ${frame}: messagetype`);
        assert.equal(m.negotiateFlags, Number(rec['ntlmssp.negotiateflags']?.[0]), `frame ${frame}: flags`);
        if (m.version) {
          same(rec, 'ntlmssp.version.major', m.version.productMajorVersion, frame);
          same(rec, 'ntlmssp.version.minor', m.version.productMinorVersion, frame);
          same(rec, 'ntlmssp.version.build_number', m.version.productBuild, frame);
        }
        if (m.messageType === 1) {
          same(rec, 'ntlmssp.negotiate.domain', m.domainName, frame);
          same(rec, 'ntlmssp.negotiate.callingworkstation', m.workstation, frame);
        } else if (m.messageType === 2) {
          assert.equal(toHex(m.serverChallenge), rec['ntlmssp.ntlmserverchallenge']?.[0], `frame ${frame}: challenge`);
          same(rec, 'ntlmssp.challenge.target_name', m.targetName, frame);
          same(rec, 'ntlmssp.challenge.target_info.nb_domain_name', findAvPair(m.targetInfo, 'MsvAvNbDomainName')?.text, frame);
          same(rec, 'ntlmssp.challenge.target_info.nb_computer_name', findAvPair(m.targetInfo, 'MsvAvNbComputerName')?.text, frame);
          same(rec, 'ntlmssp.challenge.target_info.dns_domain_name', findAvPair(m.targetInfo, 'MsvAvDnsDomainName')?.text, frame);
          same(rec, 'ntlmssp.challenge.target_info.dns_computer_name', findAvPair(m.targetInfo, 'MsvAvDnsComputerName')?.text, frame);
          const ts = rec['ntlmssp.challenge.target_info.timestamp']?.[0];
          if (ts)
            assert.equal(Math.floor((findAvPair(m.targetInfo, 'MsvAvTimestamp')?.timestamp?.getTime() ?? 0) / 1000), tsTimeSeconds(ts));
        } else {
          const a = m as AuthenticateMessage;
          same(rec, 'ntlmssp.auth.domain', a.domainName, frame);
          same(rec, 'ntlmssp.auth.username', a.userName, frame);
          same(rec, 'ntlmssp.auth.hostname', a.workstation, frame);
          const proof = rec['ntlmssp.ntlmv2_response.ntproofstr']?.[0];
          assert.equal(a.ntlmVersion === 'ntlmv2', proof !== undefined, `frame ${frame}: NTLMv2 (${a.ntlmVersion}) vs tshark`);
          if (proof) {
            v2++;
            assert.equal(toHex(a.ntlmv2Response?.ntProofStr ?? new Uint8Array()), proof);
            const ts = rec['ntlmssp.ntlmv2_response.timestamp']?.[0];
            if (ts) assert.equal(Math.floor((a.ntlmv2Response?.clientChallenge?.timeStamp.getTime() ?? 0) / 1000), tsTimeSeconds(ts));
            same(
              rec,
              'ntlmssp.ntlmv2_response.target_name',
              findAvPair(a.ntlmv2Response?.clientChallenge?.avPairs, 'MsvAvTargetName')?.text,
              frame,
            );
          } else if (a.ntChallengeResponse.length === 24) {
            assert.equal(toHex(a.ntChallengeResponse), rec['ntlmssp.auth.ntresponse']?.[0]);
          }
          const key = rec['ntlmssp.auth.sesskey']?.[0];
          // tshark shows the key, or for an empty one the 8-octet descriptor (Len 0)
          if (a.encryptedRandomSessionKey) assert.equal(toHex(a.encryptedRandomSessionKey.reveal()), key, `frame ${frame}: session key`);
          else assert.ok(key === undefined || (key.length === 16 && key.startsWith('0000')), `frame ${frame}: tshark has a session key`);
          const mic = rec['ntlmssp.authenticate.mic']?.[0];
          if (mic) assert.equal(toHex(a.mic ?? new Uint8Array()), mic, `frame ${frame}: MIC`);
        }
        compared++;
      }
      assert.ok(compared >= min, `compared ${compared} messages, expected at least ${min}`);
      t.diagnostic(`${compared} NTLMSSP messages agree with tshark (${v2} NTLMv2 responses)`);
    });
  }
});
