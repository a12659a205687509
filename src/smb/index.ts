/** The SMB side of `kerbscope check`: does Kerberos work for cifs/ on the same server (the guidance's isolation step)? */
export {
  guidText,
  SMB_STEPS,
  type SmbCredentials,
  type SmbErrorCode,
  type SmbProbeOptions,
  type SmbProbeResult,
  type SmbStep,
  type SmbStepId,
  smbKerberosProbe,
} from './probe.js';
export { SmbConnection, type SmbTransportError, smbConnect } from './transport.js';
