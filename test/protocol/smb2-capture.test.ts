// The SMB2 codec against real traffic: three TCP streams from the shared corpus (test/smb/fixtures/SOURCES.md):
// a Kerberos SMB 2.1 logon with tree connects (zeek smb2_krb.pcap), an SMB 3.1.1 logon with negotiate contexts and a
// tree connect (PCAP-ATTACK SpoolSample), an SMB 3.1.1 NTLM logon failure (arkime windows10). Each stream is cut into
// frames by SmbFramer and decoded; the fields are compared with tshark's dissection of the same capture (live, when
// tshark is here) and with values written down from it (always). The smb2_krb session's signed SESSION_SETUP
// response is verified with the session key the capture's keytab opens: MS-SMB2 §3.1.4.1 HMAC-SHA256 with the
// AP-REP's acceptor subkey (§3.2.5.3.1), checked against what a real server signed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decrypt, KeyUsage } from '../../src/crypto/index.js';
import { decodeKeytab } from '../../src/formats/keytab.js';
import { KeySet } from '../../src/inspect/keys.js';
import { decryptTicket } from '../../src/inspect/ticket.js';
import { decodeInitialContextToken, decodeNegotiationToken } from '../../src/protocol/gss/index.js';
import { decodeApRep, decodeApReq, decodeAuthenticator, decodeEncApRepPart } from '../../src/protocol/krb5/index.js';
import {
  decodeSmb2Message,
  encodeSmb2Message,
  type Smb2Message,
  SmbFramer,
  smb2SessionKey,
  smbProtocolOf,
  verifySmb2Signature,
} from '../../src/protocol/smb2/index.js';
import { guidText } from '../../src/smb/index.js';
import { fromHex, toHex } from '../../src/wire/encoding.js';
import { corpusFile, corpusPath, haveCorpus } from '../helpers/corpus.js';
import { commandMissing, skipUnlessCi } from '../helpers/prereq.js';

interface Stream {
  stream: number;
  frames: [number, number];
  client: string;
  server: string;
}
const STREAMS = JSON.parse(readFileSync(new URL('../smb/fixtures/smb2-streams.json', import.meta.url), 'utf8')) as Record<string, Stream>;

interface Decoded {
  dir: 'client' | 'server';
  raw: Uint8Array;
  msg: Smb2Message;
}

function decodeStream(hex: string, dir: 'client' | 'server', chunk = 0): { smb2: Decoded[]; smb1: number } {
  const bytes = fromHex(hex) as Uint8Array;
  const f = new SmbFramer();
  const frames: Uint8Array[] = [];
  if (chunk) for (let i = 0; i < bytes.length; i += chunk) frames.push(...f.push(bytes.subarray(i, i + chunk)));
  else frames.push(...f.push(bytes));
  assert.equal(f.pending, 0, `${dir}: bytes left over after the last frame`);
  let smb1 = 0;
  const smb2: Decoded[] = [];
  for (const fr of frames) {
    if (smbProtocolOf(fr) === 'smb1') {
      smb1++;
      continue;
    }
    smb2.push({ dir, raw: fr, msg: decodeSmb2Message(fr) });
  }
  return { smb2, smb1 };
}

const hx = (n: number | bigint, w: number) => `0x${n.toString(16).padStart(w, '0')}`;

/** The fields tshark prints for a message, as our decoder sees them (same names as `-e smb2.*`). */
function fieldsOf(m: Smb2Message): Record<string, string> {
  const h = m.header;
  const resp = h.flags & 1;
  const out: Record<string, string> = {
    'smb2.cmd': String(h.command),
    'smb2.flags.response': String(resp),
    'smb2.msg_id': String(h.messageId),
    'smb2.sesid': hx(h.sessionId, 16),
    'smb2.flags.signature': String((h.flags >>> 3) & 1),
  };
  if (resp) out['smb2.nt_status'] = hx(h.status >>> 0, 8);
  const b = m.body;
  if (b.kind === 'negotiate-request') {
    out['smb2.dialect'] = b.value.dialects.map((d) => hx(d, 4)).join(',');
    out['smb2.client_guid'] = guidText(b.value.clientGuid);
    if (b.value.negotiateContexts)
      out['smb2.negotiate_context.type'] = b.value.negotiateContexts.map((c) => hx(c.contextType, 4)).join(',');
  } else if (b.kind === 'negotiate-response') {
    out['smb2.dialect'] = hx(b.value.dialectRevision, 4);
    out['smb2.server_guid'] = guidText(b.value.serverGuid);
    out['smb2.sec_mode'] = hx(b.value.securityMode, 2);
    out['smb2.capabilities'] = hx(b.value.capabilities >>> 0, 8);
    out['smb2.max_trans_size'] = String(b.value.maxTransactSize);
    if (b.value.negotiateContexts)
      out['smb2.negotiate_context.type'] = b.value.negotiateContexts.map((c) => hx(c.contextType, 4)).join(',');
  } else if (b.kind === 'session-setup-request' || b.kind === 'session-setup-response') {
    if (b.value.securityBuffer.length) out['smb2.olb.length'] = String(b.value.securityBuffer.length);
    if (b.kind === 'session-setup-response') out['smb2.session_flags'] = hx(b.value.sessionFlags, 4);
  } else if (b.kind === 'tree-connect-request') {
    out['smb2.tree'] = b.value.path;
  } else if (b.kind === 'tree-connect-response') {
    out['smb2.share_type'] = hx(b.value.shareType, 2);
    out['smb.access_mask'] = hx(b.value.maximalAccess >>> 0, 8);
    out['smb2.tid'] = hx(h.treeId ?? 0, 8);
  }
  return out;
}

const TSHARK_FIELDS = [
  'smb2.cmd',
  'smb2.flags.response',
  'smb2.msg_id',
  'smb2.sesid',
  'smb2.flags.signature',
  'smb2.nt_status',
  'smb2.dialect',
  'smb2.client_guid',
  'smb2.negotiate_context.type',
  'smb2.server_guid',
  'smb2.sec_mode',
  'smb2.capabilities',
  'smb2.max_trans_size',
  'smb2.olb.length',
  'smb2.session_flags',
  'smb2.tree',
  'smb2.share_type',
  'smb.access_mask',
  'smb2.tid',
];

/** tshark's view: one row per SMB2 message of the stream, in frame order, split by direction. */
function tsharkRows(file: string, s: Stream): { client: Record<string, string>[]; server: Record<string, string>[] } {
  const args = [
    '-r',
    corpusPath(`pcap/${file}`),
    '-Y',
    `smb2 && tcp.stream == ${s.stream} && frame.number >= ${s.frames[0]} && frame.number <= ${s.frames[1]}`,
  ];
  args.push('-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'tcp.srcport');
  for (const f of TSHARK_FIELDS) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = { client: [] as Record<string, string>[], server: [] as Record<string, string>[] };
  for (const line of r.stdout.trim().split('\n')) {
    const [port, ...vals] = line.split('\t');
    const row: Record<string, string> = {};
    TSHARK_FIELDS.forEach((f, i) => {
      if (vals[i]) row[f] = vals[i] as string;
    });
    (port === '445' ? out.server : out.client).push(row);
  }
  return out;
}

// what tshark 4.0.17 showed for these streams, written down so the test runs without tshark
const WRITTEN_DOWN = {
  'zeek/krb/smb2_krb.pcap': {
    smb1: { client: 1, server: 0 },
    client: [
      { 'smb2.cmd': '0', 'smb2.dialect': '0x0202,0x0210' },
      { 'smb2.cmd': '1', 'smb2.olb.length': '2645' },
      { 'smb2.cmd': '3', 'smb2.tree': '\\\\phxlabbal821\\lustre' },
      { 'smb2.cmd': '5' },
      { 'smb2.cmd': '3', 'smb2.tree': '\\\\phxlabbal821\\IPC$' },
    ],
    server: [
      { 'smb2.cmd': '0', 'smb2.dialect': '0x02ff', 'smb2.server_guid': '6c786870-6261-6162-6c38-323100000000' },
      { 'smb2.cmd': '0', 'smb2.dialect': '0x0210' },
      { 'smb2.cmd': '1', 'smb2.nt_status': '0x00000000', 'smb2.flags.signature': '1', 'smb2.sesid': '0x00000000d31a67cf' },
      { 'smb2.cmd': '3', 'smb2.tid': '0xe346c3f6', 'smb2.share_type': '0x01', 'smb.access_mask': '0x001f01ff' },
      { 'smb2.cmd': '5' },
      { 'smb2.cmd': '3', 'smb2.tid': '0x9285d740', 'smb2.share_type': '0x02' },
    ],
  },
  'pcap-attack/CA_LM_SpoolSample_SMB_BiAuth.pcapng': {
    smb1: { client: 1, server: 0 },
    client: [
      { 'smb2.cmd': '0', 'smb2.dialect': '0x0202,0x0210,0x0300,0x0302,0x0311', 'smb2.negotiate_context.type': '0x0001,0x0002' },
      { 'smb2.cmd': '1' },
      { 'smb2.cmd': '1' },
      { 'smb2.cmd': '3' },
    ],
    server: [
      { 'smb2.cmd': '0', 'smb2.dialect': '0x02ff' },
      { 'smb2.cmd': '0', 'smb2.dialect': '0x0311', 'smb2.server_guid': 'bd04c75a-e445-43d2-841c-87a1c3c8cde0', 'smb2.sec_mode': '0x03' },
      { 'smb2.cmd': '1', 'smb2.nt_status': '0xc0000016', 'smb2.olb.length': '285' },
      { 'smb2.cmd': '1', 'smb2.nt_status': '0x00000000' },
      { 'smb2.cmd': '3', 'smb2.nt_status': '0x00000000' },
    ],
  },
  'arkime/wireshark-smb-on-windows10.pcap': {
    smb1: { client: 0, server: 0 },
    client: [{ 'smb2.cmd': '0', 'smb2.dialect': '0x0202,0x0210,0x0300,0x0302,0x0311' }, { 'smb2.cmd': '1' }, { 'smb2.cmd': '1' }],
    server: [
      { 'smb2.cmd': '0', 'smb2.dialect': '0x02ff' },
      { 'smb2.cmd': '0', 'smb2.dialect': '0x0311', 'smb2.server_guid': 'a3af6e96-7f35-4004-a5f9-643e1bfa8c56' },
      { 'smb2.cmd': '1', 'smb2.nt_status': '0xc0000016' },
      { 'smb2.cmd': '1', 'smb2.nt_status': '0xc000006d' },
    ],
  },
} as const;

describe('SMB2 codec × real captures (corpus)', () => {
  for (const [file, s] of Object.entries(STREAMS)) {
    const want = WRITTEN_DOWN[file as keyof typeof WRITTEN_DOWN];
    it(`${file}: every frame decodes, with the fields tshark showed`, () => {
      const c = decodeStream(s.client, 'client');
      const sv = decodeStream(s.server, 'server');
      assert.deepEqual({ client: c.smb1, server: sv.smb1 }, want.smb1, 'SMB1 frames (the multi-protocol negotiate)');
      assert.equal(c.smb2.length, want.client.length);
      assert.equal(sv.smb2.length, want.server.length);
      want.client.forEach((w, i) => {
        const got = fieldsOf((c.smb2[i] as Decoded).msg);
        for (const [k, v] of Object.entries(w)) assert.equal(got[k], v, `client message ${i} ${k}`);
      });
      want.server.forEach((w, i) => {
        const got = fieldsOf((sv.smb2[i] as Decoded).msg);
        for (const [k, v] of Object.entries(w)) assert.equal(got[k], v, `server message ${i} ${k}`);
      });
    });

    it(`${file}: the same frames when the stream arrives 1, 7 and 100 bytes at a time`, () => {
      for (const dir of ['client', 'server'] as const) {
        const whole = decodeStream(s[dir], dir).smb2.map((d) => toHex(d.raw));
        for (const chunk of [1, 7, 100])
          assert.deepEqual(
            decodeStream(s[dir], dir, chunk).smb2.map((d) => toHex(d.raw)),
            whole,
          );
      }
    });

    it(`${file}: decode → encode → decode gives the same message (and the same bytes for canonical layouts)`, () => {
      let exact = 0;
      let all = 0;
      for (const dir of ['client', 'server'] as const)
        for (const d of decodeStream(s[dir], dir).smb2) {
          const again = encodeSmb2Message(d.msg);
          assert.deepEqual(decodeSmb2Message(again), d.msg, `${dir} ${d.msg.body.kind}`);
          all++;
          if (toHex(again) === toHex(d.raw)) exact++;
        }
      // Windows pads some bodies (8-byte alignment of the frame): those differ only in trailing padding
      assert.ok(exact >= all / 2, `${exact}/${all} byte-exact`);
    });

    const why = commandMissing('tshark', ['-v']) || (!haveCorpus() && 'the shared corpus is not checked out');
    it(`${file}: field by field against tshark -T fields on the capture itself`, { skip: skipUnlessCi(why) }, () => {
      const rows = tsharkRows(file, s);
      for (const dir of ['client', 'server'] as const) {
        const ours = decodeStream(s[dir], dir).smb2.map((d) => fieldsOf(d.msg));
        assert.equal(ours.length, rows[dir].length, `${dir}: SMB2 messages`);
        ours.forEach((o, i) => {
          const t = rows[dir][i] as Record<string, string>;
          for (const [k, v] of Object.entries(o)) {
            if (t[k] === undefined) continue; // a field tshark does not print for this message
            assert.equal(v.toLowerCase(), (t[k] as string).toLowerCase(), `${dir} message ${i} ${k}`);
          }
        });
      }
    });
  }

  it('smb2_krb: the signed SESSION_SETUP response verifies with the AP-REP subkey (MS-SMB2 §3.1.4.1, §3.2.5.3.1)', () => {
    const s = STREAMS['zeek/krb/smb2_krb.pcap'] as Stream;
    const c = decodeStream(s.client, 'client').smb2;
    const sv = decodeStream(s.server, 'server').smb2;
    const req = c.find((d) => d.msg.body.kind === 'session-setup-request') as Decoded;
    const rep = sv.find((d) => d.msg.body.kind === 'session-setup-response') as Decoded;
    assert.ok(req && rep);
    const sbOf = (m: Smb2Message) =>
      m.body.kind === 'session-setup-request' || m.body.kind === 'session-setup-response' ? m.body.value.securityBuffer : new Uint8Array(0);
    // client: SPNEGO NegTokenInit → GSS krb5 AP-REQ → the ticket opens with the capture's keytab
    const init = decodeNegotiationToken(decodeInitialContextToken(sbOf(req.msg)).innerToken);
    assert.equal(init.type, 'negTokenInit');
    const mech = init.type === 'negTokenInit' ? (init.value.mechToken as Uint8Array) : new Uint8Array(0);
    const apReq = decodeApReq(decodeInitialContextToken(mech).innerToken.subarray(2));
    const keys = new KeySet();
    keys.addKeytab(decodeKeytab(corpusFile('pcap/zeek/krb/smb2_krb.keytab')).entries, 'smb2_krb.keytab');
    const d = decryptTicket(apReq.ticket, keys);
    assert.equal(d.status, 'decrypted', d.detail);
    const tk = d.encPart?.key as { keytype: number; keyvalue: Uint8Array };
    const auth = decodeAuthenticator(
      decrypt(apReq.authenticator.etype, tk.keyvalue, KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher),
    );
    // server: NegTokenResp → AP-REP → its enc-part opens with the ticket's session key
    const resp = decodeNegotiationToken(sbOf(rep.msg));
    assert.equal(resp.type, 'negTokenResp');
    const rt = resp.type === 'negTokenResp' ? (resp.value.responseToken as Uint8Array) : new Uint8Array(0);
    const apRep = decodeApRep(decodeInitialContextToken(rt).innerToken.subarray(2));
    const part = decodeEncApRepPart(decrypt(apRep.encPart.etype, tk.keyvalue, KeyUsage.AP_REP_ENC_PART, apRep.encPart.cipher));
    const gssKey = part.subkey?.keyvalue ?? auth.subkey?.keyvalue;
    assert.ok(gssKey, 'a subkey in the AP-REP or the authenticator');
    assert.equal(rep.msg.header.flags & 8, 8, 'the response is signed');
    assert.equal(verifySmb2Signature(0x0210, smb2SessionKey(gssKey), rep.raw), 'valid');
    // the authenticator's subkey (when the AP-REP has its own) and the ticket session key do not verify it
    if (part.subkey && auth.subkey) assert.equal(verifySmb2Signature(0x0210, smb2SessionKey(auth.subkey.keyvalue), rep.raw), 'invalid');
    assert.equal(verifySmb2Signature(0x0210, smb2SessionKey(tk.keyvalue), rep.raw), 'invalid');
    const tampered = rep.raw.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    assert.equal(verifySmb2Signature(0x0210, smb2SessionKey(gssKey), tampered), 'invalid');
  });
});
