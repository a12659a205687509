// The lab's vocabulary: backends, the running environment a backend exposes, scenarios and the client probes that
// prove them. The catalogue (catalogue.ts) is data written in these types.
import type { LabNet } from './netns.js';

/**
 * 'mit' and 'samba' run real Debian daemons in network namespaces (lab/backends); 'embedded' is kerbscope's own
 * in-process CONTOSO.COM on loopback (src/embedded, `kerbscope lab`), held to the same probes and wire filters.
 */
export type BackendId = 'mit' | 'samba' | 'embedded';
export const BACKENDS: readonly BackendId[] = ['mit', 'samba', 'embedded'];
/** the backends `npm run lab -- up` starts (the embedded one is `kerbscope lab`) */
export const NETNS_BACKENDS: readonly BackendId[] = ['mit', 'samba'];

/** What every running backend offers a scenario: names, addresses, files, and the knobs scenarios turn. */
export interface LabEnv {
  backend: BackendId;
  id: string;
  dir: string;
  realm: string;
  domain: string;
  /** the KDC address clients use */
  kdc: string;
  dns: string;
  user: string;
  password: string;
  /** the protected site and the SPN its keytab holds */
  url: string;
  spn: string;
  hosts: Record<string, string>;
  /** client krb5.conf variants (KRB5_CONFIG) */
  krb5: { conf: string; noTimesync: string; dnsLookup: string; canonicalize: string; aesOnly: string };
  /** keys that decrypt the lab's captures (krbtgt, users, services) */
  decryptKeytab: string;
  /** keytab the healthy web site uses */
  httpKeytab: string;
  net: LabNet;
  /** backend-specific operations a scenario injection may use */
  ops: BackendOps;
}

/** Record changes in the lab DNS (lab DNS server for MIT, Samba internal DNS for samba). */
export interface DnsOps {
  set(name: string, type: 'A' | 'CNAME' | 'SRV', data: string): Promise<void>;
  remove(name: string, type: 'A' | 'CNAME' | 'SRV', data?: string): Promise<void>;
  /** removes every _kerberos/_kpasswd/_ldap SRV record of the realm; returns an undo */
  removeKerberosSrv(): Promise<() => Promise<void>>;
}

export interface BackendOps {
  dns: DnsOps;
  /** restarts the web server under libfaketime with this offset (e.g. '-10m'); undefined = normal clock */
  webClock(offset: string | undefined): Promise<void>;
  /** the underlying handles, for backend-specific injections */
  mit?: import('./backends/mit.js').MitKdc;
  samba?: import('./backends/samba-api.js').SambaDc;
  /** graceful stop before the janitor runs (Samba's own down) */
  beforeDown?(): Promise<void>;
}

export type Undo = () => Promise<void>;

/** A client step run inside the lab's client namespace. */
export type Step =
  | { tool: 'kinit'; user?: string; password?: string; conf?: keyof LabEnv['krb5']; faketime?: string }
  | { tool: 'kvno'; spn: string; conf?: keyof LabEnv['krb5']; faketime?: string }
  | { tool: 'curl'; url: string; conf?: keyof LabEnv['krb5']; faketime?: string /** NTLM credentials for gss-ntlmssp */; ntlm?: boolean }
  | { tool: 'smbclient'; share: string }
  | { tool: 'ldapsearch'; host: string }
  /** CLDAP netlogon ping (UDP 389), the DC locator's first packet: `net ads lookup` */
  | { tool: 'cldap'; server: string }
  | { tool: 'dig'; name: string; type: string }
  /**
   * The front end's S4U proof with MIT's own client: `kinit -f -k -t KEYTAB PRINCIPAL` then `kvno -U USER -P SPN`
   * (S4U2Self for USER, S4U2Proxy to SPN). `keytab` is relative to the lab folder (the injection writes it).
   */
  | { tool: 's4u'; keytab: string; principal: string; user: string; spn: string };

export interface StepExpect {
  /** exit code: a number, or 'nonzero' */
  code?: number | 'nonzero';
  /** regex the combined stdout+stderr must match */
  output?: RegExp;
}

export interface ProbeStep {
  step: Step;
  /** default for all but the last step: exit code 0 */
  expect?: StepExpect;
}

export interface ScenarioImpl {
  /**
   * embedded only: the `startEmbeddedLab({ scenario })` staging to start (default: the scenario id). Probes and wire
   * filters are then the real backend's, run against the embedded servers (test/lab/embedded.test.ts).
   */
  stage?: string;
  /** the URL / SPN the scenario's client targets (default: the base's healthy site) */
  url?: string;
  spn?: string;
  /** the account the scenario's client uses (default: the base's user) */
  user?: string;
  /** what the admin also tells `kerbscope check` in this situation (e.g. the site's account: --site-account) */
  checkArgs?: (env: LabEnv) => string[];
  /** a `delegation` scenario: the arguments of `kerbscope delegation` (the keytab relative to the lab folder) */
  delegation?: { frontEnd: string; to: string; user: string; keytab: string };
  /** break the running base; returns an undo (omitted: nothing to undo) */
  inject?: (env: LabEnv) => Promise<Undo | undefined>;
  /** the client run that shows the failure (the last step's expect is "what the real client reports") */
  probe: (env: LabEnv) => ProbeStep[];
  /** tshark display filters; each must match at least one captured frame ("the error code on the wire") */
  wire: string[];
  /** filters that must match nothing (e.g. no AP-REQ ever sent) */
  wireAbsent?: string[];
  /** filters that must match once tshark decrypts with the lab's decrypt keytab (proves the keytab fits the capture) */
  wireDecrypted?: string[];
  /** one-line summary for the README table */
  seen: string;
  /** a scenario that is slow on purpose (timeouts), for test budgeting */
  slow?: boolean;
  notes?: string;
}

export interface Scenario {
  id: string;
  /** section of the seed (the original IWA troubleshooting write-up) the scenario belongs to */
  seed: string;
  title: string;
  /** the finding id kerbscope must name (rules/) */
  rootCause: string;
  /** what a real client (browser/curl/kinit) reports, in words */
  symptom: string;
  backends: Partial<Record<BackendId, ScenarioImpl>>;
  /** backends on which this cannot be reproduced, and why */
  notOn?: Partial<Record<BackendId, string>>;
  /**
   * the kerbscope command held to this scenario: `check` (default: check, and trace on its capture) or `delegation`
   * (the directory's delegation settings and the S4U proof; check has no front end to act as)
   */
  source?: 'check' | 'delegation';
}
