/**
 * `kerbscope decode --json`: the schema, as TypeScript types. The inspectors build these, the text renderer reads
 * them, and the README's JSON table is checked against them (test/report/decode-model.test.ts), so the three cannot
 * drift. Every field that carries a secret (keys, session keys) holds the MASKED spelling unless --show-secrets.
 *
 * Stable for scripts: `kind`, `input`, `mechanism`, `messageType`, `messageName`, `spnego`, `ticket.realm`,
 * `ticket.sname`, `ticket.enctype`, `ticket.kvno`, `ticket.spn`, `ticket.decryption.status`, `error.code`,
 * `error.name`, `error.meaning`, `error.ntStatus`, `ntlm`; files: `entries`, `credentials`.
 */
import type { TokenSizeVerdict } from '../protocol/pac/index.js';

export { MASKED } from '../formats/common.js';

export interface InputInfo {
  /** "input 1", "file token.txt", "stdin", "input 1 (Authorization: Negotiate)" */
  label: string;
  header?: string;
  scheme?: string;
  direction?: 'request' | 'response';
  encoding: 'base64' | 'hex' | 'binary' | 'text';
  bytes: number;
}

export interface ErrorView {
  code: string;
  message: string;
  field?: string;
  offset?: number;
}

export interface KeyView {
  enctype: number;
  enctypeName: string;
  length?: number;
  /** hex with --show-secrets, else MASKED */
  value: string;
}

export interface DecryptionView {
  status: string;
  detail: string;
}

export interface LayerView {
  kind: string;
  offset: number;
  length: number;
  mech?: string;
  tokId?: string;
}

export interface MechView {
  oid: string;
  name: string;
}

export type SpnegoView =
  | {
      type: 'negTokenInit';
      form: string;
      mechTypes: MechView[];
      hasMechToken: boolean;
      hasMechListMIC: boolean;
      negHints?: unknown;
    }
  | { type: 'negTokenResp'; negState?: string; supportedMech?: MechView; hasResponseToken: boolean; hasMechListMIC: boolean };

export interface TicketView {
  realm: string;
  sname: string[];
  snameType?: number;
  spn: string;
  enctype: number;
  enctypeName: string;
  kvno?: number;
  cipherLength?: number;
  decryption?: DecryptionView;
  decrypted?: {
    client?: string;
    flags?: string;
    flagsHex?: string;
    sessionKey: KeyView;
    authtime?: string;
    starttime?: string;
    endtime?: string;
    renewTill?: string;
    transited?: string;
    addresses?: number;
  };
}

export interface PacView {
  size: number;
  error?: ErrorView;
  buffers?: { type: number; name: string; size: number; error?: string }[];
  upnDnsInfo?: { upn?: string; dnsDomainName?: string; samName?: string; sid?: string };
  clientInfo?: { name: string; clientId: string };
  /** 'valid' | 'invalid' | 'no-key' | 'missing' | 'malformed' | ... */
  signatures?: { server: string; kdc: string };
  logonInfo?: {
    effectiveName?: string;
    fullName?: string;
    logonDomainName?: string;
    logonServer?: string;
    userId: number;
    primaryGroupId: number;
    userSid?: string;
    groupCount: number;
    groupRids: number[];
    extraSids: string[];
    resourceGroupCount: number;
    userAccountControl: number;
    logonTime?: string;
    passwordLastSet?: string;
    passwordMustChange?: string;
  };
  tokenSize?: TokenSizeVerdict;
}

export interface AuthenticatorView {
  enctype: number;
  enctypeName: string;
  encrypted: boolean;
  decryption?: string;
  detail?: string;
  client?: string;
  ctime?: string;
  cusec?: number;
  seqNumber?: number;
  subkey?: KeyView;
  checksumType?: number;
  gss?: { flags: string[]; mutual: boolean; delegation: boolean; channelBindings: string; forwardedTgtBytes?: number };
}

export interface ApRepView {
  enctype: number;
  enctypeName: string;
  encPartLength: number;
  decrypted: { ctime?: string; cusec: number; seqNumber?: number; subkey?: KeyView } | string;
}

export interface KrbErrorView {
  code: number;
  name: string;
  meaning: string;
  causes?: readonly string[];
  rfc?: string;
  normal?: boolean;
  realm: string;
  sname: string[];
  stime?: string;
  ctime?: string;
  cname?: string[];
  crealm?: string;
  eText?: string;
  ntStatus?: { code: string; name?: string; meaning?: string };
  eData?: unknown;
}

export interface AvPairView {
  name: string | number;
  value: unknown;
}

export interface NtlmView {
  messageType: number;
  messageName?: string;
  negotiateFlags: string;
  flags: string[];
  version?: Record<string, unknown>;
  domainName?: string;
  workstation?: string;
  targetName?: string;
  serverChallenge?: string;
  targetInfo?: AvPairView[];
  ntlmVersion?: string;
  userName?: string;
  anonymous?: boolean;
  lmResponseLength?: number;
  lmResponseKind?: string;
  ntResponseLength?: number;
  hasMic?: boolean;
  clientTimestamp?: string;
  clientAvPairs?: AvPairView[];
  encryptedRandomSessionKey?: string;
}

export interface KdcReqView {
  realm: string;
  cname?: string[];
  sname?: string[];
  kdcOptions: string[];
  etypes: { id: number; name: string }[];
  till?: string;
  padata: { type: number; name: string; length: number }[];
}

export interface KdcRepView {
  crealm: string;
  cname: string[];
  ticket: {
    realm: string;
    sname: string[];
    enctype: number;
    enctypeName: string;
    kvno?: number;
    decryption?: DecryptionView;
    decrypted?: { client?: string; sessionKey: KeyView; authtime?: string; endtime?: string };
  };
  encPart: { enctype: number; enctypeName: string; kvno?: number };
  padata: { type: number; name: string; length: number }[];
  decryption?: DecryptionView;
  decrypted?: {
    sessionKey: KeyView;
    flags: string;
    authtime?: string;
    starttime?: string;
    endtime?: string;
    renewTill?: string;
    keyExpiration?: string;
    server: string;
    nonce: number;
  };
}

/** An RFC 4121 per-message token (Wrap / MIC), as LDAP SASL and DCE/RPC carry them. */
/** An RFC 4121 Wrap/MIC token (or an RFC 1964/4757 one), `src/protocol/gss/per-message.ts`. */
export interface PerMessageView {
  /** 'wrap' | 'mic' | 'rfc1964-wrap' | 'rfc1964-mic' */
  kind?: string;
  spec?: string;
  tokId?: string;
  /** RFC 4121 flags by name: sent-by-acceptor, sealed, acceptor-subkey */
  flags?: string;
  sender?: 'initiator' | 'acceptor';
  /** 64-bit sequence number, decimal */
  sequenceNumber?: string;
  ec?: number;
  rrc?: number;
  sgnAlg?: string;
  sealAlg?: string;
  dataLength?: number;
  checksumLength?: number;
  /** ok / no-key / failed / no-message / unsupported, with the notes of each key tried */
  decryption?: string;
  /** the unwrapped message: masked unless --show-secrets */
  payload?: string;
  /** the token did not decode as a per-message token */
  error?: string;
}

/** A token: what an Authorization / WWW-Authenticate header, a security blob or a raw Kerberos message holds. */
export interface TokenView {
  input: InputInfo;
  mechanism: string;
  decodeErrors: ErrorView[];
  layers?: LayerView[];
  spnego?: SpnegoView;
  messageType?: number;
  messageName?: string;
  negoex?: { messages: number; note: string };
  gssTokId?: string;
  apOptions?: string[];
  ticket?: TicketView;
  authenticator?: AuthenticatorView;
  tokenBytes?: number;
  pac?: PacView;
  apRep?: ApRepView;
  mutualAuthentication?: boolean;
  error?: KrbErrorView;
  ntlm?: NtlmView;
  kdcRequest?: KdcReqView;
  kdcReply?: KdcRepView;
  krbCred?: { tickets: { realm: string; sname: string[]; enctype: number; kvno?: number }[]; encPartEtype: number };
  perMessage?: PerMessageView;
  note?: string;
}

export interface TokenItem extends TokenView {
  kind: 'token';
}

export interface ChallengeItem {
  kind: 'challenge';
  input: InputInfo;
  scheme: string;
  params?: Record<string, string>;
  note: string;
}

export interface BasicItem {
  kind: 'basic';
  input: InputInfo;
  note: string;
}

export interface FileErrorView {
  offset: number;
  message: string;
}

export interface KeytabItem {
  kind: 'keytab';
  input: InputInfo;
  mechanism: 'keytab';
  version: number;
  entries: { principal: string; kvno: number; enctype: number; enctypeName: string; timestamp?: string; key: string }[];
  errors: FileErrorView[];
}

export type CredentialView =
  | { kind: 'config'; key?: string; principal?: string; value: string }
  | {
      kind: 'ticket';
      client?: string;
      server: string;
      sessionKey?: KeyView | { enctype: number; enctypeName: string };
      authtime?: string;
      starttime?: string;
      endtime?: string;
      renewTill?: string;
      flags?: string;
      klistFlags?: string;
      ticket?: { realm?: string; sname?: string[]; enctype: number; enctypeName: string; kvno?: number };
      decryption?: DecryptionView;
      decrypted?: { client: string; flags: string; authtime?: string; endtime?: string };
      ticketError?: string;
    };

export interface CcacheItem {
  kind: 'ccache';
  input: InputInfo;
  mechanism: 'ccache';
  version: number;
  defaultPrincipal?: string;
  kdcTimeOffset?: { seconds: number; microseconds: number } | unknown;
  credentials: CredentialView[];
  errors: FileErrorView[];
}

export interface KirbiItem {
  kind: 'kirbi';
  input: InputInfo;
  mechanism: 'kirbi';
  credentials: CredentialView[];
  errors: FileErrorView[];
}

export interface KlistItem {
  kind: 'klist';
  input: InputInfo;
  mechanism: 'klist';
  source: string;
  defaultPrincipal?: string;
  credentials: CredentialView[];
  note: string;
}

/** One decoded input item. */
export type ItemView = TokenItem | ChallengeItem | BasicItem | KeytabItem | CcacheItem | KirbiItem | KlistItem;
