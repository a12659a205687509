import type { Where } from './fact.js';

/**
 * Facts only a capture can show (`kerbscope trace`): what the capture itself lacks. Added to the `Fact` union in
 * fact.ts. The network facts a capture shares with `check` (dns-lookup, kdc-contact, ...) live in network.ts.
 */
export type CaptureFact =
  /** A TCP stream the capture holds only part of: bytes were sent (the peer acknowledged them) but not captured. */
  | {
      kind: 'capture-missing-segments';
      where: Where;
      client: string;
      server: string;
      port: number;
      bytes: number;
      /** 'kerberos', 'http', 'ldap', 'smb', ... (the server port's service) */
      protocol: string;
    }
  /** The capture file is damaged (truncated or corrupt) at a byte offset; nothing after it was read. */
  | { kind: 'capture-damage'; where: Where; offset: number; block: string; message: string };
