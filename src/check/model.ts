/**
 * The `kerbscope check` result: the guidance's authentication flow as steps with their facts, then the rulebook's
 * findings. This is the JSON contract scripts rely on (schemaVersion 1):
 *
 *   { schemaVersion: 1, target, spn, client, steps: [{ id, title, status, ms, summary, facts }], findings }
 *
 * `steps` are always all present and in this order; `findings` is the rulebook's output, ranked (findings[0] is
 * the root cause: what explains the others comes first).
 */
import type { Fact } from '../facts/fact.js';
import type { Finding } from '../rules/finding.js';

export const CHECK_SCHEMA_VERSION = 1;

/** The steps of the guidance's flow, in its order. */
export const CHECK_STEPS = [
  { id: 'config', title: 'Configuration and credentials (krb5.conf, ccache, keytab, password)' },
  { id: 'resolve', title: 'Name resolution of the target and the SPN the client builds' },
  { id: 'discovery', title: 'DC/KDC discovery (nltest /dsgetdc /kdc: SRV records, CLDAP ping)' },
  { id: 'ports', title: 'Ports on the KDC/DC and the target (Test-NetConnection)' },
  { id: 'clock', title: "Clock skew against the KDC's own time" },
  { id: 'tgt', title: 'TGT (AS exchange, pre-authentication)' },
  { id: 'service-ticket', title: 'Service ticket (klist get SPN)' },
  { id: 'http', title: 'HTTP Negotiate (Invoke-WebRequest -UseDefaultCredentials)' },
  { id: 'acceptor', title: "Acceptor-side check with the service's keytab (--keytab)" },
  { id: 'smb', title: 'SMB isolation: cifs/ with Kerberos (SESSION_SETUP, TREE_CONNECT; smb:// or --also-smb)' },
  {
    id: 'delegation',
    title: 'Delegation: the site acting as the user towards a back end (--delegate-to SPN with the site --keytab: S4U2Self, S4U2Proxy)',
  },
] as const;

export type CheckStepId = (typeof CHECK_STEPS)[number]['id'];
export type StepStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckStep {
  id: CheckStepId;
  title: string;
  status: StepStatus;
  /** wall-clock duration of the step in milliseconds */
  ms: number;
  /** one line: what the step saw (or why it was skipped) */
  summary: string;
  facts: Fact[];
}

export type ClientProfile = 'mit' | 'windows' | 'chrome' | 'firefox';

export interface CheckResult {
  schemaVersion: typeof CHECK_SCHEMA_VERSION;
  /** the URL checked (or the SPN when only --spn was given) */
  target: string;
  /** the SPN asked for */
  spn: string;
  /** the client profile whose SPN and GSS flags were used */
  client: ClientProfile;
  steps: CheckStep[];
  findings: Finding[];
}

export interface CheckOptions {
  url?: string;
  spn?: string;
  user?: string;
  password?: string;
  clientKeytab?: string;
  ccache?: string;
  realm?: string;
  kdc?: string;
  dnsServer?: string;
  client: ClientProfile;
  timeoutMs: number;
  keytab?: string[];
  saveCcache?: string;
  cbt?: boolean;
  /** the SMB isolation step beside the HTTP site: the share to TREE_CONNECT on the site's server (IPC$ by default) */
  alsoSmb?: string;
  /**
   * the account the site runs as (IIS application pool identity, the service account whose keytab Apache holds):
   * when the server cannot read the ticket, check asks the directory whether the SPN is on that account
   */
  siteAccount?: string;
  /**
   * the back end the site delegates to (cifs/fs1, MSSQLSvc/db:1433): with the site's --keytab, check reads the
   * delegation settings from the directory and proves the chain (S4U2Self for the user, S4U2Proxy to this SPN)
   */
  delegateTo?: string;
  /** environment (KRB5_CONFIG, KRB5CCNAME, KRB5_CLIENT_KTNAME); default process.env */
  env?: Record<string, string | undefined>;
}
