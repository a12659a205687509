// Per-message tokens of real Windows traffic in ../shared/corpus, against tshark (see per-message.test.ts for the lab's):
//  - scapy dcerpc_privacy_krb (DCE/RPC packet privacy, Windows 10 ↔ DC): the SPNEGO mechListMIC of both sides verified
//    with the session keys tshark learns from the published service key; every sealed PDU decrypted (DCE style) to
//    tshark's stub plaintext; every token's fields.
//  - zeek ldap krb5-sign-seal-01 (RC4-HMAC sealed) and missing_krbtgt_ldap_request (AES, signed only): fields, and the
//    LDAP message inside a signed-only token.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detect } from '../../../src/formats/detect.js';
import { encodeKeytab } from '../../../src/formats/keytab.js';
import {
  decodePerMessageToken,
  describePerMessageToken,
  rotateLeft,
  type SessionKey,
  unwrapCfxDce,
  type WrapToken,
} from '../../../src/protocol/gss/per-message.js';
import { decodeNegotiationToken, MechTypeList } from '../../../src/protocol/gss/spnego.js';
import { encodeDer } from '../../../src/wire/asn1.js';
import { corpusPath } from '../../helpers/corpus.js';
import { requireOrSkip } from '../../helpers/prereq.js';

import { capturedKeys, dataSources, fields, hex, ldapHead, TOKEN_FIELDS, tsharkMissing, unhex } from './per-message-helpers.js';

describe('DCE/RPC packet privacy (scapy dcerpc_privacy_krb, Windows): MIC and DCE-style Wrap tokens, against tshark', () => {
  let cached: string | undefined;
  const scapyPcap = (): string => {
    if (cached) return cached;
    const gz = corpusPath('pcap/scapy/dcerpc_privacy_krb.pcapng.gz');
    const dir = mkdtempSync(join(tmpdir(), 'ks-pm-'));
    const pcap = join(dir, 'dcerpc_privacy_krb.pcapng');
    writeFileSync(pcap, execFileSync('gzip', ['-dc', gz]));
    cached = pcap;
    return pcap;
  };

  /** tshark's session keys of the capture, learned with the service key scapy publishes (corpus SOURCES.md). */
  let learned: { extra: string[]; keys: SessionKey[] } | undefined;
  const scapyKeys = (pcap: string): { extra: string[]; keys: SessionKey[] } => {
    if (learned) return learned;
    // the service key scapy publishes (corpus SOURCES.md): ldap/dc1.domain.local/domain.local@DOMAIN.LOCAL kvno 14 AES256
    const kt = join(pcap, '..', 'service.keytab');
    writeFileSync(
      kt,
      encodeKeytab({
        entries: [
          {
            principal: { nameType: 2, realm: 'DOMAIN.LOCAL', components: ['ldap', 'dc1.domain.local', 'domain.local'] },
            kvno: 14,
            enctype: 18,
            key: unhex('85abb9b61dc2fa49d4cc04317bbd108f8f79df28239155ed7b144c5d2ebcf016'),
          },
        ],
      }),
    );
    const extra = ['-o', 'kerberos.decrypt:TRUE', '-o', `kerberos.file:${kt}`];
    const keys = capturedKeys(pcap, extra);
    learned = { extra, keys };
    return learned;
  };

  it('the SPNEGO mechListMIC of both sides verifies over the DER MechTypeList with the session keys tshark learns', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    const pcap = scapyPcap();
    const { extra, keys } = scapyKeys(pcap);
    assert.ok(keys.length >= 3, `tshark learned ${keys.length} keys`);
    // the NegTokenInit of the bind: what the MIC covers is the DER of its mechTypes (RFC 4178 §5)
    const [bind] = fields(pcap, 'spnego.negTokenInit_element', ['tcp.payload'], extra);
    const payload = unhex(bind?.['tcp.payload'] ?? '');
    const oid = hex(Uint8Array.of(0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02));
    const at = hex(payload).indexOf(oid) / 2 + 8;
    const init = decodeNegotiationToken(payload.subarray(at), { allowTrailing: true });
    assert.equal(init.type, 'negTokenInit');
    const mechTypes = encodeDer(MechTypeList, (init.value as { mechTypes: string[] }).mechTypes);
    assert.notEqual(hex(payload).indexOf(hex(mechTypes)), -1, 'the re-encoded MechTypeList is the one on the wire');
    const mics = fields(pcap, 'spnego.mechListMIC', ['frame.number', 'spnego.mechListMIC'], extra);
    assert.equal(mics.length, 2);
    const senders: string[] = [];
    for (const m of mics) {
      const token = unhex(m['spnego.mechListMIC'] as string);
      const d = describePerMessageToken(token, keys, { message: mechTypes });
      assert.equal(d.decryption.status, 'ok', `frame ${m['frame.number']}: ${d.decryption.notes.join('; ')}`);
      assert.equal(d.decryption.usage, d.sender === 'acceptor' ? 23 : 25);
      senders.push(d.sender as string);
      // and not over anything else
      const other = describePerMessageToken(token, keys, { message: mechTypes.subarray(1) });
      assert.equal(other.decryption.status, 'failed');
      assert.equal(describePerMessageToken(token, keys).decryption.status, 'no-message');
    }
    assert.deepEqual(senders.sort(), ['acceptor', 'initiator']);
  });

  it('every sealed request and response stub decrypts (DCE style, RRC + EC rotation, checksum over the PDU) to tshark’s plaintext', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    const pcap = scapyPcap();
    const { extra, keys } = scapyKeys(pcap);
    const filter = 'spnego.krb5.tok_id == 0x0405 && dcerpc.encrypted_stub_data';
    const rows = fields(pcap, filter, ['frame.number', 'spnego.krb5.blob', 'dcerpc.encrypted_stub_data', 'tcp.payload'], extra);
    const sources = dataSources(pcap, filter, extra);
    let n = 0;
    for (const row of rows) {
      const frame = Number(row['frame.number']);
      const blob = unhex(row['spnego.krb5.blob'] as string);
      const stub = unhex(row['dcerpc.encrypted_stub_data'] as string);
      const pdu = unhex(row['tcp.payload'] as string);
      const si = Buffer.from(pdu).indexOf(Buffer.from(stub));
      const bi = Buffer.from(pdu).indexOf(Buffer.from(blob));
      if (si < 0 || bi < 0) continue; // a PDU split over segments
      const tok = decodePerMessageToken(blob) as WrapToken;
      const r = unwrapCfxDce(tok, stub, { before: pdu.subarray(0, si), after: pdu.subarray(si + stub.length, bi) }, keys);
      assert.equal(r.status, 'ok', `frame ${frame}: ${r.notes.join('; ')}`);
      const reference = sources.get(frame)?.get('Decrypted stub data');
      assert.ok(reference, `frame ${frame}: tshark decrypted it`);
      assert.equal(hex(r.payload as Uint8Array), hex(reference), `frame ${frame}: stub plaintext`);
      const d = describePerMessageToken(blob, keys, {
        dce: { stub, before: pdu.subarray(0, si), after: pdu.subarray(si + stub.length, bi) },
      });
      assert.equal(hex(d.payload as Uint8Array), hex(reference));
      // one changed octet of the (unencrypted) PDU header breaks the checksum
      const before = pdu.slice(0, si);
      before[2] = (before[2] as number) ^ 1;
      assert.equal(unwrapCfxDce(tok, stub, { before, after: pdu.subarray(si + stub.length, bi) }, keys).status, 'failed');
      n++;
    }
    assert.ok(n >= 6, `${n} DCE-style tokens decrypted`);
    t.diagnostic(`${n} sealed DCE/RPC PDUs decrypted`);
  });

  it('fields of every per-message token equal tshark’s', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    const pcap = scapyPcap();
    const rows = fields(pcap, 'spnego.krb5.tok_id == 0x0404 || spnego.krb5.tok_id == 0x0405', [
      'frame.number',
      'spnego.krb5.tok_id',
      'spnego.krb5.cfx_flags',
      'spnego.krb5.cfx_ec',
      'spnego.krb5.cfx_rrc',
      'spnego.krb5.cfx_seq',
      'spnego.krb5.sgn_cksum',
      'spnego.mechListMIC',
      'spnego.krb5.blob',
    ]);
    let mics = 0;
    let wraps = 0;
    for (const row of rows) {
      const frame = row['frame.number'];
      // MIC tokens come whole in the SPNEGO mechListMIC; a DCE-style Wrap token's header and trailer in the auth
      // verifier (the sealed stub is the PDU body)
      const bytes = unhex(row['spnego.mechListMIC'] || (row['spnego.krb5.blob'] as string));
      if (!row['spnego.mechListMIC'] && bytes[0] === 0x6f) continue; // the AP-REP frame also shows a blob
      const tok = decodePerMessageToken(bytes);
      assert.notEqual(tok.kind, 'rfc1964-mic');
      if (tok.kind !== 'mic' && tok.kind !== 'wrap') continue;
      assert.equal(tok.flags, Number.parseInt(row['spnego.krb5.cfx_flags'] as string, 16), `frame ${frame}: Flags`);
      assert.equal(tok.sndSeq, BigInt(row['spnego.krb5.cfx_seq'] as string), `frame ${frame}: SND_SEQ`);
      if (tok.kind === 'mic') {
        assert.equal(hex(tok.checksum), row['spnego.krb5.sgn_cksum'], `frame ${frame}: SGN_CKSUM`);
        assert.equal(detect(bytes).kind, 'gss-per-message');
        mics++;
      } else {
        assert.equal(tok.ec, Number(row['spnego.krb5.cfx_ec']), `frame ${frame}: EC`);
        assert.equal(tok.rrc, Number(row['spnego.krb5.cfx_rrc']), `frame ${frame}: RRC`);
        assert.equal(tok.sealed, true);
        wraps++;
      }
    }
    assert.ok(mics >= 2 && wraps >= 6, `MIC ${mics}, Wrap ${wraps}`);
    t.diagnostic(`MIC ${mics}, Wrap ${wraps}`);
  });
});

describe('Windows LDAP SASL (zeek corpus): RC4 sealed and AES signed-only tokens, against tshark', () => {
  const NAMES = [...TOKEN_FIELDS, 'ldap.sasl_buffer_length', 'tcp.payload', 'ldap.messageID', 'ldap.protocolOp'];
  it('fields equal tshark; a signed-only Wrap token carries the LDAP message tshark dissects (after RRC and EC)', (t) => {
    if (!requireOrSkip(t, tsharkMissing)) return;
    let rc4 = 0;
    let signed = 0;
    for (const file of ['pcap/zeek/ldap/krb5-sign-seal-01.pcap', 'pcap/zeek/ldap/missing_krbtgt_ldap_request.pcapng']) {
      const rows = fields(corpusPath(file), 'spnego.krb5.tok_id == 0x0102 || spnego.krb5.tok_id == 0x0405', NAMES);
      for (const row of rows) {
        const where = `${file} frame ${row['frame.number']}`;
        const payload = unhex(row['tcp.payload'] ?? '');
        const len = Number(row['ldap.sasl_buffer_length']);
        if (payload.length !== 4 + len) continue; // a SASL buffer split over segments
        const token = payload.subarray(4);
        assert.equal(detect(token).kind, 'gss-per-message', where);
        const tok = decodePerMessageToken(token);
        if (tok.kind === 'rfc1964-wrap') {
          assert.equal(tok.sgnAlg, Number.parseInt(row['spnego.krb5.sgn_alg'] as string, 16), `${where}: SGN_ALG`);
          assert.equal(tok.sealAlg, Number.parseInt(row['spnego.krb5.seal_alg'] as string, 16), `${where}: SEAL_ALG`);
          assert.equal(hex(tok.sndSeq), row['spnego.krb5.snd_seq'], `${where}: SND_SEQ`);
          assert.equal(hex(tok.sgnCksum), row['spnego.krb5.sgn_cksum'], `${where}: SGN_CKSUM`);
          assert.equal(hex(tok.confounder as Uint8Array), row['spnego.krb5.confounder'], `${where}: Confounder`);
          assert.equal(describePerMessageToken(token).decryption.status, 'no-key');
          rc4++;
        } else if (tok.kind === 'wrap') {
          assert.equal(tok.flags, Number.parseInt(row['spnego.krb5.cfx_flags'] as string, 16), `${where}: Flags`);
          assert.equal(tok.ec, Number(row['spnego.krb5.cfx_ec']), `${where}: EC`);
          assert.equal(tok.rrc, Number(row['spnego.krb5.cfx_rrc']), `${where}: RRC`);
          assert.equal(tok.sndSeq, BigInt(row['spnego.krb5.cfx_seq'] as string), `${where}: SND_SEQ`);
          assert.equal(tok.sealed, false);
          // RFC 4121 §4.2.4 without confidentiality: message || checksum(EC octets), rotated right by RRC
          const body = rotateLeft(tok.data, tok.rrc);
          const [id, op] = ldapHead(body.subarray(0, body.length - tok.ec));
          assert.equal(id, Number(row['ldap.messageID']), `${where}: messageID`);
          assert.equal(op, Number(row['ldap.protocolOp']), `${where}: protocolOp`);
          signed++;
        } else assert.fail(`${where}: ${tok.kind}`);
      }
    }
    assert.ok(rc4 >= 1 && signed >= 4, `RC4 ${rc4}, signed ${signed}`);
    t.diagnostic(`Windows RC4 sealed ${rc4}, AES signed-only ${signed}`);
  });
});
