// The embedded web server's NTLM acceptor against MS-NLMP §4.2.4 (NTLMv2 authentication): the spec's user, domain,
// password, server and client challenges and AV pairs give its NTProofStr and SessionBaseKey; the acceptor must
// accept exactly that AUTHENTICATE and refuse it with one bit changed, a wrong password, an NTLMv1 response and no
// CHALLENGE first. The real-client side (curl + gss-ntlmssp through SPNEGO, with MICs) is test/lab/embedded.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hmac } from '../../src/crypto/backend.js';
import { NtlmServerContext, ntHash, ntowfv2 } from '../../src/embedded/ntlm.js';
import { encodeAuthenticateMessage, encodeNegotiateMessage } from '../../src/protocol/ntlm/messages.js';
import { fromHex, toHex } from '../../src/wire/encoding.js';

const SERVER_CHALLENGE = fromHex('0123456789abcdef') ?? new Uint8Array(8);
// §4.2.4.1.3 temp: 0x0101, reserved, Time = 0, ClientChallenge aa..aa, 0, AV pairs (NbDomainName "Domain",
// NbComputerName "Server", EOL), 0
const utf16 = (s: string) => Uint8Array.from([...s].flatMap((c) => [c.charCodeAt(0), 0]));
const av = (id: number, v: Uint8Array) => Uint8Array.from([id, 0, v.length, 0, ...v]);
const temp = Uint8Array.from([
  ...[1, 1, 0, 0, 0, 0, 0, 0],
  ...new Array(8).fill(0),
  ...new Array(8).fill(0xaa),
  ...[0, 0, 0, 0],
  ...av(2, utf16('Domain')),
  ...av(1, utf16('Server')),
  ...[0, 0, 0, 0],
  ...[0, 0, 0, 0],
]);

function context(password = 'Password') {
  return new NtlmServerContext({
    netbiosDomain: 'Domain',
    dnsDomain: 'domain.test',
    dnsComputer: 'server.domain.test',
    accounts: [{ name: 'User', ntHash: ntHash(password) }],
    now: () => new Date(0),
    serverChallenge: () => SERVER_CHALLENGE,
  });
}

const FLAGS = 0xe2888215; // §4.2.4's NegotiateFlags
function authenticate(ntResponse: Uint8Array) {
  return encodeAuthenticateMessage({
    negotiateFlags: FLAGS & ~0x40000000, // no key exchange: ExportedSessionKey = SessionBaseKey
    lmChallengeResponse: new Uint8Array(24),
    ntChallengeResponse: ntResponse,
    domainName: 'Domain',
    userName: 'User',
    workstation: 'COMPUTER',
  });
}

describe('embedded NTLM acceptor (MS-NLMP §4.2.4 vectors)', () => {
  it('NTOWFv2, NTProofStr and SessionBaseKey as the spec computes them', () => {
    const key = ntowfv2(ntHash('Password'), 'User', 'Domain');
    assert.equal(toHex(key), '0c868a403bfd7a93a3001ef22ef02e3f');
    const proof = hmac('md5', key, SERVER_CHALLENGE, temp);
    assert.equal(toHex(proof), '68cd0ab851e51c96aabc927bebef6a1c');
    assert.equal(toHex(hmac('md5', key, proof)), '8de40ccadbc14a82f15cb0ad0de95ca3');
  });

  const proof = () => hmac('md5', ntowfv2(ntHash('Password'), 'User', 'Domain'), SERVER_CHALLENGE, temp);
  const negotiate = encodeNegotiateMessage({ negotiateFlags: FLAGS });

  it('accepts the spec AUTHENTICATE after its own CHALLENGE', () => {
    const ctx = context();
    const c = ctx.step(negotiate);
    assert.equal(c.kind, 'challenge');
    const r = ctx.step(authenticate(Uint8Array.from([...proof(), ...temp])));
    assert.equal(r.kind, 'accepted', r.kind === 'rejected' ? r.text : '');
    if (r.kind === 'accepted') assert.equal(r.user, 'User');
  });

  it('refuses one changed bit, a wrong password, NTLMv1, and an AUTHENTICATE without CHALLENGE', () => {
    const good = Uint8Array.from([...proof(), ...temp]);
    const flipped = good.slice();
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    const c1 = context();
    c1.step(negotiate);
    assert.match((c1.step(authenticate(flipped)) as { text: string }).text, /NTProofStr/);
    const c2 = context('NotThePassword');
    c2.step(negotiate);
    assert.match((c2.step(authenticate(good)) as { text: string }).text, /NTProofStr/);
    const c3 = context();
    c3.step(negotiate);
    assert.match((c3.step(authenticate(new Uint8Array(24))) as { text: string }).text, /NTLMv2 only/);
    assert.match((context().step(authenticate(good)) as { text: string }).text, /without a CHALLENGE/);
    assert.equal(context().step(Uint8Array.of(1, 2, 3)).kind, 'rejected');
  });
});
