/**
 * NegotiateFlags, MS-NLMP §2.2.2.5: all 32 bits, named as the spec names them. The ten reserved bits (r1..r10)
 * keep their MS-NLMP names; the comment gives the older name Samba / Wireshark use where there is one.
 */

// MS-NLMP §2.2.2.5 (bit letters A..W from the spec's diagram)
export const NtlmFlag = {
  NTLMSSP_NEGOTIATE_UNICODE: 0x00000001, // A
  NTLM_NEGOTIATE_OEM: 0x00000002, // B
  NTLMSSP_REQUEST_TARGET: 0x00000004, // C
  NTLMSSP_RESERVED_R10: 0x00000008,
  NTLMSSP_NEGOTIATE_SIGN: 0x00000010, // D
  NTLMSSP_NEGOTIATE_SEAL: 0x00000020, // E
  NTLMSSP_NEGOTIATE_DATAGRAM: 0x00000040, // F
  NTLMSSP_NEGOTIATE_LM_KEY: 0x00000080, // G
  NTLMSSP_RESERVED_R9: 0x00000100, // formerly NEGOTIATE_NETWARE
  NTLMSSP_NEGOTIATE_NTLM: 0x00000200, // H
  NTLMSSP_RESERVED_R8: 0x00000400, // formerly NEGOTIATE_NT_ONLY
  /** J: "the connection SHOULD be anonymous" (MS-NLMP calls it just "anonymous"; Wireshark NEGOTIATE_ANONYMOUS). */
  NTLMSSP_ANONYMOUS: 0x00000800,
  NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED: 0x00001000, // K
  NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED: 0x00002000, // L
  NTLMSSP_RESERVED_R7: 0x00004000, // formerly NEGOTIATE_LOCAL_CALL
  NTLMSSP_NEGOTIATE_ALWAYS_SIGN: 0x00008000, // M
  NTLMSSP_TARGET_TYPE_DOMAIN: 0x00010000, // N
  NTLMSSP_TARGET_TYPE_SERVER: 0x00020000, // O
  NTLMSSP_RESERVED_R6: 0x00040000, // formerly TARGET_TYPE_SHARE
  /** P: NTLM2 session security ("NTLMv1 with ESS" when the response is 24 bytes). */
  NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x00080000,
  NTLMSSP_NEGOTIATE_IDENTIFY: 0x00100000, // Q
  NTLMSSP_RESERVED_R5: 0x00200000,
  NTLMSSP_REQUEST_NON_NT_SESSION_KEY: 0x00400000, // R
  NTLMSSP_NEGOTIATE_TARGET_INFO: 0x00800000, // S
  NTLMSSP_RESERVED_R4: 0x01000000,
  NTLMSSP_NEGOTIATE_VERSION: 0x02000000, // T
  NTLMSSP_RESERVED_R3: 0x04000000,
  NTLMSSP_RESERVED_R2: 0x08000000,
  NTLMSSP_RESERVED_R1: 0x10000000,
  NTLMSSP_NEGOTIATE_128: 0x20000000, // U
  NTLMSSP_NEGOTIATE_KEY_EXCH: 0x40000000, // V
  NTLMSSP_NEGOTIATE_56: 0x80000000, // W
} as const;

export type NtlmFlagName = keyof typeof NtlmFlag;

const ORDER = Object.keys(NtlmFlag) as NtlmFlagName[];

/** The names of the bits set in `flags`, lowest bit first. */
export function ntlmFlagNames(flags: number): NtlmFlagName[] {
  return ORDER.filter((k) => ((flags >>> 0) & NtlmFlag[k]) >>> 0 !== 0);
}

/** The flags value from names (for building messages). */
export function ntlmFlags(names: readonly NtlmFlagName[]): number {
  let v = 0;
  for (const n of names) v |= NtlmFlag[n];
  return v >>> 0;
}

export function hasFlag(flags: number, name: NtlmFlagName): boolean {
  return ((flags >>> 0) & NtlmFlag[name]) >>> 0 !== 0;
}
