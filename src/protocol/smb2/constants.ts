/**
 * SMB2/SMB3 constants (MS-SMB2 §2.2): commands, header flags, dialects, security modes, capabilities, session and
 * share flags, negotiate context types, and the NTSTATUS values an SMB client meets while it negotiates, logs on and
 * connects a share (MS-ERREF §2.3.1). Kerberos-related NTSTATUS names come from krb5/ntstatus.ts (one table).
 */
import { ntStatusInfo } from '../krb5/ntstatus.js';

/** MS-SMB2 §2.2.1 Command */
export const Smb2Command = {
  NEGOTIATE: 0x0000,
  SESSION_SETUP: 0x0001,
  LOGOFF: 0x0002,
  TREE_CONNECT: 0x0003,
  TREE_DISCONNECT: 0x0004,
  CREATE: 0x0005,
  CLOSE: 0x0006,
  FLUSH: 0x0007,
  READ: 0x0008,
  WRITE: 0x0009,
  LOCK: 0x000a,
  IOCTL: 0x000b,
  CANCEL: 0x000c,
  ECHO: 0x000d,
  QUERY_DIRECTORY: 0x000e,
  CHANGE_NOTIFY: 0x000f,
  QUERY_INFO: 0x0010,
  SET_INFO: 0x0011,
  OPLOCK_BREAK: 0x0012,
} as const;

const COMMAND_NAMES = new Map<number, string>(Object.entries(Smb2Command).map(([k, v]) => [v, k]));

/** "SESSION_SETUP", or "0x0042" for a command this table does not know. */
export function smb2CommandName(c: number): string {
  return COMMAND_NAMES.get(c) ?? `0x${c.toString(16).padStart(4, '0')}`;
}

/** MS-SMB2 §2.2.1.1/§2.2.1.2 Flags */
export const Smb2Flags = {
  SERVER_TO_REDIR: 0x00000001,
  ASYNC_COMMAND: 0x00000002,
  RELATED_OPERATIONS: 0x00000004,
  SIGNED: 0x00000008,
  PRIORITY_MASK: 0x00000070,
  DFS_OPERATIONS: 0x10000000,
  REPLAY_OPERATION: 0x20000000,
} as const;

/** MS-SMB2 §2.2.3 Dialects (0x02FF is the wildcard an SMB1 multi-protocol negotiate is answered with). */
export const Smb2Dialect = {
  SMB2_0_2: 0x0202,
  SMB2_1: 0x0210,
  SMB3_0: 0x0300,
  SMB3_0_2: 0x0302,
  SMB3_1_1: 0x0311,
  SMB2_WILDCARD: 0x02ff,
} as const;

/** "3.0.2" for 0x0302; "2.???" for the wildcard; the hex otherwise. */
export function smb2DialectName(d: number): string {
  switch (d) {
    case 0x0202:
      return '2.0.2';
    case 0x0210:
      return '2.1';
    case 0x0300:
      return '3.0';
    case 0x0302:
      return '3.0.2';
    case 0x0311:
      return '3.1.1';
    case 0x02ff:
      return '2.???';
    default:
      return `0x${d.toString(16).padStart(4, '0')}`;
  }
}

/** MS-SMB2 §2.2.3 / §2.2.4 / §2.2.5 SecurityMode */
export const Smb2SecurityMode = {
  SIGNING_ENABLED: 0x0001,
  SIGNING_REQUIRED: 0x0002,
} as const;

/** MS-SMB2 §2.2.3 Capabilities */
export const Smb2Capabilities = {
  DFS: 0x00000001,
  LEASING: 0x00000002,
  LARGE_MTU: 0x00000004,
  MULTI_CHANNEL: 0x00000008,
  PERSISTENT_HANDLES: 0x00000010,
  DIRECTORY_LEASING: 0x00000020,
  ENCRYPTION: 0x00000040,
  NOTIFICATIONS: 0x00000080,
} as const;

/** MS-SMB2 §2.2.6 SessionFlags */
export const Smb2SessionFlags = {
  IS_GUEST: 0x0001,
  IS_NULL: 0x0002,
  ENCRYPT_DATA: 0x0004,
} as const;

/** MS-SMB2 §2.2.10 ShareType */
export const Smb2ShareType = { DISK: 0x01, PIPE: 0x02, PRINT: 0x03 } as const;

/** MS-SMB2 §2.2.10 ShareFlags (the ones a report mentions) */
export const Smb2ShareFlags = {
  DFS: 0x00000001,
  DFS_ROOT: 0x00000002,
  ENCRYPT_DATA: 0x00008000,
} as const;

/** MS-SMB2 §2.2.3.1 ContextType */
export const Smb2NegotiateContextType = {
  PREAUTH_INTEGRITY_CAPABILITIES: 0x0001,
  ENCRYPTION_CAPABILITIES: 0x0002,
  COMPRESSION_CAPABILITIES: 0x0003,
  NETNAME_NEGOTIATE_CONTEXT_ID: 0x0005,
  TRANSPORT_CAPABILITIES: 0x0006,
  RDMA_TRANSFORM_CAPABILITIES: 0x0007,
  SIGNING_CAPABILITIES: 0x0008,
} as const;

/** MS-SMB2 §2.2.3.1.1 HashAlgorithms */
export const Smb2HashAlgorithm = { SHA_512: 0x0001 } as const;

/** MS-SMB2 §2.2.3.1.2 Ciphers */
export const Smb2Cipher = { AES_128_CCM: 0x0001, AES_128_GCM: 0x0002, AES_256_CCM: 0x0003, AES_256_GCM: 0x0004 } as const;

/** MS-SMB2 §2.2.3.1.7 SigningAlgorithms */
export const Smb2SigningAlgorithm = { HMAC_SHA256: 0x0000, AES_CMAC: 0x0001, AES_GMAC: 0x0002 } as const;

/**
 * NTSTATUS values of the SMB exchanges themselves (MS-ERREF §2.3.1; MS-SMB2 §3.3.5 says which command returns which).
 * Logon failures that come from the Kerberos/NTLM layer (STATUS_LOGON_FAILURE, STATUS_ACCOUNT_DISABLED, …) are in
 * krb5/ntstatus.ts and found through smb2StatusName as well.
 */
export const Smb2Status = {
  STATUS_SUCCESS: 0x00000000,
  STATUS_PENDING: 0x00000103,
  STATUS_NOT_IMPLEMENTED: 0xc0000002,
  STATUS_INVALID_PARAMETER: 0xc000000d,
  STATUS_MORE_PROCESSING_REQUIRED: 0xc0000016,
  STATUS_ACCESS_DENIED: 0xc0000022,
  STATUS_LOGON_FAILURE: 0xc000006d,
  STATUS_INSUFFICIENT_RESOURCES: 0xc000009a,
  STATUS_NOT_SUPPORTED: 0xc00000bb,
  STATUS_BAD_NETWORK_PATH: 0xc00000be,
  STATUS_INVALID_NETWORK_RESPONSE: 0xc00000c3,
  STATUS_NETWORK_NAME_DELETED: 0xc00000c9,
  STATUS_NETWORK_ACCESS_DENIED: 0xc00000ca,
  STATUS_BAD_NETWORK_NAME: 0xc00000cc,
  STATUS_REQUEST_NOT_ACCEPTED: 0xc00000d0,
  STATUS_USER_SESSION_DELETED: 0xc0000203,
  STATUS_NETWORK_SESSION_EXPIRED: 0xc000035c,
  STATUS_INVALID_SIGNATURE: 0xc000a000,
} as const;

const SMB_STATUS_MEANING: Record<keyof typeof Smb2Status, string> = {
  STATUS_SUCCESS: 'Success.',
  STATUS_PENDING: 'The operation is still running (an interim response; the final one follows).',
  STATUS_NOT_IMPLEMENTED: 'The server does not implement this request.',
  STATUS_INVALID_PARAMETER: 'The server found a request parameter invalid.',
  STATUS_MORE_PROCESSING_REQUIRED: 'The authentication needs another round trip (SPNEGO/NTLM continue).',
  STATUS_ACCESS_DENIED: 'Access denied (the share or its permissions refuse this user, or signing was required and missing).',
  STATUS_LOGON_FAILURE: 'Logon failed: the server did not accept the credentials (bad ticket, unknown user, wrong key).',
  STATUS_INSUFFICIENT_RESOURCES: 'The server is out of resources (too many sessions or connections).',
  STATUS_NOT_SUPPORTED: 'The request is not supported (e.g. no common dialect).',
  STATUS_BAD_NETWORK_PATH: 'The network path was not found.',
  STATUS_INVALID_NETWORK_RESPONSE: 'The network responded incorrectly.',
  STATUS_NETWORK_NAME_DELETED: 'The share was removed or the connection to it was lost.',
  STATUS_NETWORK_ACCESS_DENIED: 'Network access to the share is denied.',
  STATUS_BAD_NETWORK_NAME: 'The share does not exist on this server (typo in \\\\server\\share, or not shared).',
  STATUS_REQUEST_NOT_ACCEPTED: 'The server accepts no more connections or sessions.',
  STATUS_USER_SESSION_DELETED: 'The session is gone (expired, logged off, or never set up).',
  STATUS_NETWORK_SESSION_EXPIRED: 'The session expired (its Kerberos ticket expired): re-authenticate.',
  STATUS_INVALID_SIGNATURE: 'A message signature did not verify.',
};

const SMB_BY_VALUE = new Map<number, { name: string; meaning: string }>(
  (Object.entries(Smb2Status) as [keyof typeof Smb2Status, number][]).map(([k, v]) => [
    v >>> 0,
    { name: k, meaning: SMB_STATUS_MEANING[k] },
  ]),
);

/** Name and meaning of an NTSTATUS an SMB server returns: the SMB table first, then the Kerberos/logon one. */
export function smb2StatusInfo(status: number): { name: string; meaning: string } | undefined {
  return SMB_BY_VALUE.get(status >>> 0) ?? ntStatusInfo(status);
}

/** "STATUS_BAD_NETWORK_NAME", or "0xc0000123" for a value neither table knows. */
export function smb2StatusName(status: number): string {
  return smb2StatusInfo(status)?.name ?? `0x${(status >>> 0).toString(16).padStart(8, '0')}`;
}

/** NTSTATUS severity bits 31..30 = 11: an error (MS-ERREF §2.3). */
export function isNtError(status: number): boolean {
  return status >>> 30 === 3;
}
