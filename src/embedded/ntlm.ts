/**
 * The server side of NTLM (MS-NLMP) for the embedded web server: what IIS does when the Negotiate exchange falls
 * back from Kerberos. NEGOTIATE → CHALLENGE (a random server challenge, the target info AV_PAIRs), then the
 * AUTHENTICATE message verified as a DC's netlogon would: NTLMv2 only (§3.3.2), NTProofStr recomputed from the
 * user's NT hash, the MIC over the three messages checked when the client says it sent one (MsvAvFlags 0x2), and the
 * session keys derived (§3.4.5) for the SPNEGO mechListMIC (§3.4.4.2, with extended session security and key
 * exchange). NTLMv1 and anonymous logons are refused, as a hardened DC does.
 *
 * A context lives for one connection (NTLM is connection-bound): `NtlmServerContext.step` is fed each token.
 */
import { digest, hmac, randomBytes } from '../crypto/backend.js';
import { constantTimeEqual, uint32le } from '../crypto/bytes.js';
import { md4 } from '../crypto/md4.js';
import { rc4 } from '../crypto/rc4.js';
import { avPair, dateToFiletime, findAvPair } from '../protocol/ntlm/avpairs.js';
import { hasFlag, NtlmFlag } from '../protocol/ntlm/flags.js';
import { type AuthenticateMessage, decodeNtlmMessage, encodeChallengeMessage } from '../protocol/ntlm/messages.js';

export interface NtlmAccount {
  name: string;
  /** MD4(UTF-16LE(password)), the NT hash (NTOWFv1) */
  ntHash: Uint8Array;
  disabled?: boolean;
}

export interface NtlmServerOptions {
  /** CONTOSO */
  netbiosDomain: string;
  /** contoso.com */
  dnsDomain: string;
  /** iisserver.contoso.com */
  dnsComputer: string;
  accounts: readonly NtlmAccount[];
  now: () => Date;
  /** the 8-octet server challenge (default: random; tests pass MS-NLMP §4.2.1's) */
  serverChallenge?: () => Uint8Array;
}

export type NtlmStep =
  | { kind: 'challenge'; token: Uint8Array }
  | { kind: 'accepted'; user: string; domain: string; session: NtlmSessionKeys }
  | { kind: 'rejected'; text: string };

/** The keys of MS-NLMP §3.4.5.2/§3.4.5.3 for both directions. */
export interface NtlmSessionKeys {
  flags: number;
  clientSign: Uint8Array;
  clientSeal: Uint8Array;
  serverSign: Uint8Array;
  serverSeal: Uint8Array;
}

const utf16le = (s: string) => {
  const b = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[2 * i] = c & 0xff;
    b[2 * i + 1] = c >> 8;
  }
  return b;
};
const ascii0 = (s: string) => new TextEncoder().encode(`${s}\0`);

/** NTOWFv1: the NT hash of a password */
export function ntHash(password: string): Uint8Array {
  return md4(utf16le(password));
}

/** NTOWFv2 (§3.3.2): HMAC_MD5(NT hash, UNICODE(Uppercase(User) + UserDom)) */
export function ntowfv2(nt: Uint8Array, user: string, domain: string): Uint8Array {
  return hmac('md5', nt, utf16le(user.toUpperCase() + domain));
}

/** What the server offers (and keeps from what the client asked): Unicode, NTLM, ESS, target info, 128-bit, key exchange, signing. */
const OFFER =
  NtlmFlag.NTLMSSP_NEGOTIATE_UNICODE |
  NtlmFlag.NTLMSSP_REQUEST_TARGET |
  NtlmFlag.NTLMSSP_NEGOTIATE_SIGN |
  NtlmFlag.NTLMSSP_NEGOTIATE_SEAL |
  NtlmFlag.NTLMSSP_NEGOTIATE_NTLM |
  NtlmFlag.NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
  NtlmFlag.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
  NtlmFlag.NTLMSSP_NEGOTIATE_TARGET_INFO |
  NtlmFlag.NTLMSSP_NEGOTIATE_VERSION |
  NtlmFlag.NTLMSSP_NEGOTIATE_128 |
  NtlmFlag.NTLMSSP_NEGOTIATE_KEY_EXCH |
  NtlmFlag.NTLMSSP_NEGOTIATE_56;

export class NtlmServerContext {
  private negotiateBytes?: Uint8Array;
  private challengeBytes?: Uint8Array;
  private serverChallenge?: Uint8Array;
  private flags = 0;

  constructor(private readonly o: NtlmServerOptions) {}

  /** Feeds one NTLMSSP message; throws nothing (a bad message is a rejection with the reason). */
  step(token: Uint8Array): NtlmStep {
    let m: ReturnType<typeof decodeNtlmMessage>;
    try {
      m = decodeNtlmMessage(token);
    } catch (e) {
      return { kind: 'rejected', text: `undecodable NTLMSSP message: ${(e as Error).message}` };
    }
    if (m.messageType === 1) return this.challenge(token, m.negotiateFlags);
    if (m.messageType === 3) return this.authenticate(token, m);
    return { kind: 'rejected', text: 'a CHALLENGE message sent to the server' };
  }

  private challenge(negotiate: Uint8Array, asked: number): NtlmStep {
    // keep what both sides support; the target-type and the always-on bits are the server's (§3.2.5.1.1)
    this.flags =
      ((asked & OFFER) |
        NtlmFlag.NTLMSSP_NEGOTIATE_NTLM |
        NtlmFlag.NTLMSSP_NEGOTIATE_TARGET_INFO |
        NtlmFlag.NTLMSSP_TARGET_TYPE_DOMAIN |
        (asked & NtlmFlag.NTLMSSP_NEGOTIATE_UNICODE ? 0 : NtlmFlag.NTLM_NEGOTIATE_OEM)) >>>
      0;
    this.negotiateBytes = negotiate.slice();
    this.serverChallenge = this.o.serverChallenge?.() ?? randomBytes(8);
    const o = this.o;
    this.challengeBytes = encodeChallengeMessage({
      negotiateFlags: this.flags,
      targetName: o.netbiosDomain,
      serverChallenge: this.serverChallenge,
      targetInfo: {
        pairs: [
          avPair.text('MsvAvNbDomainName', o.netbiosDomain),
          avPair.text('MsvAvNbComputerName', (o.dnsComputer.split('.')[0] ?? '').toUpperCase()),
          avPair.text('MsvAvDnsDomainName', o.dnsDomain),
          avPair.text('MsvAvDnsComputerName', o.dnsComputer),
          avPair.text('MsvAvDnsTreeName', o.dnsDomain),
          avPair.timestamp(dateToFiletime(o.now())),
          avPair.eol(),
        ],
        eol: true,
        trailing: new Uint8Array(0),
      },
      version: {
        productMajorVersion: 10,
        productMinorVersion: 0,
        productBuild: 20348,
        reserved: new Uint8Array(3),
        ntlmRevisionCurrent: 15,
      },
    });
    return { kind: 'challenge', token: this.challengeBytes };
  }

  private authenticate(bytes: Uint8Array, m: AuthenticateMessage): NtlmStep {
    if (!this.serverChallenge || !this.challengeBytes || !this.negotiateBytes)
      return { kind: 'rejected', text: 'AUTHENTICATE without a CHALLENGE on this connection' };
    if (m.anonymous) return { kind: 'rejected', text: 'anonymous NTLM logon refused' };
    const v2 = m.ntlmv2Response;
    if (m.ntlmVersion !== 'ntlmv2' || !v2) return { kind: 'rejected', text: `${m.ntlmVersion ?? 'unknown'} response refused: NTLMv2 only` };
    const account = this.o.accounts.find((a) => a.name.toLowerCase() === m.userName.toLowerCase());
    // STATUS_NO_SUCH_USER and STATUS_WRONG_PASSWORD both leave the client with "logon failure" (0xC000006D)
    if (!account) return { kind: 'rejected', text: `no such user ${m.userName}` };
    if (account.disabled) return { kind: 'rejected', text: `account ${m.userName} is disabled` };
    const key = ntowfv2(account.ntHash, m.userName, m.domainName);
    const temp = m.ntChallengeResponse.subarray(16);
    const proof = hmac('md5', key, this.serverChallenge, temp);
    if (!constantTimeEqual(proof, v2.ntProofStr)) return { kind: 'rejected', text: 'NTProofStr does not verify (wrong password)' };
    const sessionBaseKey = hmac('md5', key, proof);
    const exported =
      hasFlag(m.negotiateFlags, 'NTLMSSP_NEGOTIATE_KEY_EXCH') && m.encryptedRandomSessionKey
        ? rc4(sessionBaseKey, m.encryptedRandomSessionKey.reveal())
        : sessionBaseKey;
    // §3.2.5.1.2: the MIC covers NEGOTIATE, CHALLENGE and AUTHENTICATE with its own 16 octets zeroed
    const avFlags = findAvPair(v2.clientChallenge?.avPairs, 'MsvAvFlags')?.flags ?? 0;
    if (avFlags & 0x2) {
      if (!m.mic) return { kind: 'rejected', text: 'MsvAvFlags says a MIC was sent, but there is none' };
      const zeroed = bytes.slice();
      zeroed.fill(0, 72, 88);
      const mic = hmac('md5', exported, this.negotiateBytes, this.challengeBytes, zeroed);
      if (!constantTimeEqual(mic, m.mic)) return { kind: 'rejected', text: 'the AUTHENTICATE message MIC does not verify' };
    }
    const flags = m.negotiateFlags;
    const sealKey = (dir: 'client-to-server' | 'server-to-client') => {
      // §3.4.5.3 with NTLMSSP_NEGOTIATE_128 (the 56- and 40-bit variants truncate first)
      const k = hasFlag(flags, 'NTLMSSP_NEGOTIATE_128') ? exported : exported.subarray(0, hasFlag(flags, 'NTLMSSP_NEGOTIATE_56') ? 7 : 5);
      return digest('md5', k, ascii0(`session key to ${dir} sealing key magic constant`));
    };
    const signKey = (dir: 'client-to-server' | 'server-to-client') =>
      digest('md5', exported, ascii0(`session key to ${dir} signing key magic constant`));
    return {
      kind: 'accepted',
      user: m.userName,
      domain: m.domainName,
      session: {
        flags,
        clientSign: signKey('client-to-server'),
        clientSeal: sealKey('client-to-server'),
        serverSign: signKey('server-to-client'),
        serverSeal: sealKey('server-to-client'),
      },
    };
  }
}

/**
 * NTLMSSP_MESSAGE_SIGNATURE with extended session security (§3.4.4.2): Version 1, the first 8 octets of
 * HMAC_MD5(SignKey, SeqNum + message) — RC4-sealed with the direction's sealing key under key exchange — and
 * SeqNum. Only the first signature of a direction (a fresh RC4 state): the SPNEGO mechListMIC is the only one here.
 */
export function ntlmFirstSignature(signKey: Uint8Array, sealKey: Uint8Array, flags: number, message: Uint8Array, seq = 0): Uint8Array {
  let checksum = hmac('md5', signKey, uint32le(seq), message).subarray(0, 8);
  if (hasFlag(flags, 'NTLMSSP_NEGOTIATE_KEY_EXCH')) checksum = rc4(sealKey, checksum);
  const out = new Uint8Array(16);
  out.set(uint32le(1), 0);
  out.set(checksum, 4);
  out.set(uint32le(seq), 12);
  return out;
}
