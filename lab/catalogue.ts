// The scenario catalogue: one entry per real-world Kerberos/IWA failure, how to produce it on each backend, what the
// real clients say, what the wire shows (as tshark display filters) and which root cause kerbscope must name.
// Later issues hold kerbscope's diagnoses to this list scenario by scenario, so ids and rootCause values are stable.
//
// Wire expectations were observed with MIT krb5 1.20 clients, mod_auth_gssapi 1.6.4, Samba 4.17 (RECIPES §2-§7).
// Kerberos error codes: RFC 4120 §7.5.9 (KDC_ERR_* / KRB_AP_ERR_*).

import { type DelegationSetup, FRONT_END, sambaOps } from './backends/samba-ops.js';
import { dropPort, firewall, IP, rejectPort } from './netns.js';
import type { LabEnv, ProbeStep, Scenario, ScenarioImpl, Step, StepExpect, Undo } from './types.js';

// ---- small builders: the catalogue below should read as data -------------------------------------------------

const ok = (step: Step): ProbeStep => ({ step, expect: { code: 0 } });
const fails = (step: Step, output: RegExp, code: StepExpect['code'] = 'nonzero'): ProbeStep => ({
  step,
  expect: { code, output },
});
const kinit = (extra: Partial<Extract<Step, { tool: 'kinit' }>> = {}): Step => ({ tool: 'kinit', ...extra });
const curl = (url: string, extra: Partial<Extract<Step, { tool: 'curl' }>> = {}): Step => ({ tool: 'curl', url, ...extra });
const kvno = (spn: string, extra: Partial<Extract<Step, { tool: 'kvno' }>> = {}): Step => ({ tool: 'kvno', spn, ...extra });
/** curl finishes with exit 0 whatever the HTTP status; the status is printed as HTTP_CODE=NNN */
const http = (url: string, status: number, output?: RegExp, extra: Partial<Extract<Step, { tool: 'curl' }>> = {}): ProbeStep => ({
  step: curl(url, extra),
  expect: {
    code: 0,
    output: output ? new RegExp(`(?=[\\s\\S]*HTTP_CODE=${status})[\\s\\S]*${output.source}`) : new RegExp(`HTTP_CODE=${status}`),
  },
});

const krbErr = (code: number) => `kerberos.error_code == ${code}`;
/** a KRB-ERROR carried inside a 401's WWW-Authenticate: Negotiate (server-side AP-REQ failures) */
const krbErrIn401 = (code: number) => `http.response.code == 401 && kerberos.error_code == ${code}`;
const NO_AP_REQ = 'http.authorization contains "Negotiate"';
const both = <T>(x: T): { mit: T; samba: T } => ({ mit: x, samba: x });

const URL_OK = 'http://iisserver.contoso.com/';
const SPN_OK = 'HTTP/iisserver.contoso.com';

async function setA(env: LabEnv, name: string, ip: string): Promise<Undo> {
  const old = env.hosts[name] ?? IP.web;
  await env.ops.dns.remove(name, 'A', old);
  await env.ops.dns.set(name, 'A', ip);
  return async () => {
    await env.ops.dns.remove(name, 'A', ip);
    await env.ops.dns.set(name, 'A', old);
  };
}

// ---- delegation scenarios: one front end (svc-front), the DC's cifs/ and ldap/ as back ends ----------------------

const CIFS_DC = 'cifs/dc1.contoso.com';

function delegationScenario(o: {
  id: string;
  title: string;
  rootCause: string;
  symptom: string;
  setup: DelegationSetup;
  to: string;
  user?: string;
  works: boolean;
  seen: string;
}): Scenario {
  const user = o.user ?? 'john';
  const step: Step = { tool: 's4u', keytab: FRONT_END.keytab, principal: `${FRONT_END.account}@CONTOSO.COM`, user, spn: o.to };
  return {
    id: o.id,
    seed: 'delegation',
    title: o.title,
    rootCause: o.rootCause,
    symptom: o.symptom,
    source: 'delegation',
    backends: {
      samba: {
        inject: async (env) => sambaOps(env).delegation(o.setup),
        probe: () => [o.works ? ok(step) : fails(step, /KDC can't fulfill requested option/)],
        wire: [
          'kerberos.msg_type == 12 && kerberos.padata_type == 129',
          o.works ? `kerberos.msg_type == 13 && kerberos.SNameString == "${o.to.split('/')[0]}"` : krbErr(13),
        ],
        delegation: { frontEnd: FRONT_END.account, to: o.to, user, keytab: FRONT_END.keytab },
        seen: o.seen,
      },
    },
    notOn: {
      mit: "MIT's db2 KDB has no delegation settings (krbAllowedToDelegateTo needs the LDAP KDB) and no directory for kerbscope delegation to read",
      embedded: 'the embedded lab has no LDAP directory to read delegation settings from, and its KDC does not implement S4U',
    },
  };
}

// ---- the catalogue -----------------------------------------------------------------------------------------------

const healthy: ScenarioImpl = {
  probe: () => [ok(kinit()), http(URL_OK, 200)],
  wire: [
    'http.response.code == 401 && http.www_authenticate == "Negotiate"',
    'http.authorization contains "Negotiate " && kerberos.msg_type == 14',
    'http.response.code == 200 && http.www_authenticate contains "Negotiate " && kerberos.msg_type == 15',
  ],
  wireAbsent: [
    'kerberos.msg_type == 30 && kerberos.error_code != 25 && kerberos.error_code != 52',
    'ntlmssp',
    // the ticket's encrypted part is opaque without keys...
    'http.authorization && kerberos.authtime',
  ],
  // ...and readable with the lab's decrypt keytab
  wireDecrypted: ['http.authorization && kerberos.msg_type == 14 && kerberos.authtime'],
  seen: '401 → Negotiate (AP-REQ) → 200 with AP-REP (mutual auth)',
};

/** On the AD backend the baseline also proves LDAP (SASL GSSAPI) and SMB (Kerberos) work */
const healthyAd: ScenarioImpl = {
  ...healthy,
  probe: (env) => [
    ...healthy.probe(env),
    { step: { tool: 'ldapsearch', host: 'dc1.contoso.com' }, expect: { code: 0, output: /dnsHostName: dc1\.contoso\.com/ } },
    ok({ tool: 'smbclient', share: '//dc1.contoso.com/netlogon' }),
  ],
  wire: [
    ...healthy.wire,
    'kerberos.msg_type == 13 && kerberos.SNameString == "ldap"',
    'ldap.mechanism == "GSSAPI"',
    'kerberos.msg_type == 13 && kerberos.SNameString == "cifs"',
    'smb2.cmd == 1 && smb2.nt_status == 0 && smb2.flags.response == 1',
  ],
  seen: '401 → Negotiate (AP-REQ) → 200 with AP-REP; ldapsearch -Y GSSAPI and smbclient -k work too',
};

const missingSpnProbe = (url: string, spn: string) => () => [
  ok(kinit()),
  // MIT's KDC names the principal in the e-text; Samba's does not ("Server not found in Kerberos database")
  http(url, 401, new RegExp(`Server (?:${spn.replace(/[.:/]/g, '\\$&')}@CONTOSO\\.COM )?not found in Kerberos database`)),
];

export const SCENARIOS: Scenario[] = [
  {
    id: 'healthy',
    seed: 'baseline',
    title: 'Healthy baseline: kinit, then curl gets 401 → Negotiate → 200 with mutual authentication',
    rootCause: 'healthy',
    symptom: 'the site opens without a prompt',
    backends: { mit: healthy, samba: healthyAd },
  },
  {
    id: 'missing-spn',
    seed: 'SPN',
    title: 'The web site host name has no SPN in the directory',
    rootCause: 'spn-missing',
    symptom: 'browser falls back / prompts; 401 only; no Authorization header is ever sent',
    backends: {
      mit: {
        url: 'http://nospn.contoso.com/',
        spn: 'HTTP/nospn.contoso.com',
        probe: missingSpnProbe('http://nospn.contoso.com/', 'HTTP/nospn.contoso.com'),
        wire: [krbErr(7), 'kerberos.SNameString == "nospn.contoso.com"'],
        wireAbsent: [NO_AP_REQ],
        seen: 'TGS-REQ → KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN; curl 401 "Server ... not found in Kerberos database"',
      },
      samba: {
        inject: async (env) => sambaOps(env).withoutSpn(SPN_OK, 'svcaccount'),
        probe: missingSpnProbe(URL_OK, SPN_OK),
        wire: [krbErr(7), 'kerberos.SNameString == "iisserver.contoso.com"'],
        wireAbsent: [NO_AP_REQ],
        seen: 'TGS-REQ → KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN; curl 401',
      },
    },
  },
  {
    id: 'duplicate-spn',
    seed: 'SPN',
    title: 'The same SPN is registered on two accounts',
    rootCause: 'spn-duplicate',
    symptom: 'Kerberos fails for that site only; KDC says the server is unknown',
    backends: {
      samba: {
        inject: async (env) => sambaOps(env).duplicateSpn(SPN_OK, 'svcaccount2'),
        probe: () => [ok(kinit()), fails(kvno(SPN_OK), /Server not found in Kerberos database|not found in Kerberos database/)],
        wire: [krbErr(7)],
        seen: 'KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN (Samba, like Windows, does not answer 8 PRINCIPAL_NOT_UNIQUE)',
      },
    },
    notOn: { mit: 'an MIT database is keyed by principal name: two entries with the same name cannot exist' },
  },
  {
    id: 'spn-wrong-account',
    seed: 'SPN',
    title: 'The SPN is registered on another account than the one whose keys the web server holds',
    rootCause: 'spn-wrong-account',
    symptom: '401 after a Negotiate attempt; the server cannot decrypt the ticket',
    backends: {
      samba: {
        inject: async (env) => sambaOps(env).moveSpn(SPN_OK, 'svcaccount', 'svcaccount2'),
        // the admin knows the site's application pool account; with it check asks the directory who holds the SPN
        checkArgs: () => ['--site-account', 'svcaccount'],
        probe: () => [ok(kinit()), http(URL_OK, 401)],
        wire: ['http.response.code == 401 && (kerberos.error_code == 31 || kerberos.error_code == 44)', NO_AP_REQ],
        seen: 'AP-REQ sent; 401 with KRB-ERROR 31 KRB_AP_ERR_BAD_INTEGRITY (same kvno on both accounts; 44 BADKEYVER if they differ)',
      },
    },
    notOn: { mit: 'MIT has principals, not accounts holding SPNs: see ticket-not-for-server for the MIT equivalent' },
  },
  {
    id: 'dns-a-wrong',
    seed: 'DNS',
    title: "The site's DNS A record points at another web server",
    rootCause: 'dns-a-wrong',
    symptom: '401 from a server that is not the one the ticket was made for',
    backends: both<ScenarioImpl>({
      inject: (env) => setA(env, 'iisserver.contoso.com', IP.otherWeb),
      probe: () => [ok(kinit()), http(URL_OK, 401)],
      wire: [`dns.a == ${IP.otherWeb}`, krbErrIn401(35)],
      seen: 'DNS A → the other server; AP-REQ there → 401 with KRB-ERROR 35 KRB_AP_ERR_NOT_US',
    }),
  },
  {
    id: 'url-is-ip',
    seed: 'SPN',
    title: 'The URL uses an IP address instead of the host name',
    rootCause: 'url-is-ip',
    symptom: 'prompt / 401; the client asks for HTTP/<ip>',
    backends: both<ScenarioImpl>({
      url: `http://${IP.web}/`,
      spn: `HTTP/${IP.web}`,
      probe: () => [ok(kinit()), http(`http://${IP.web}/`, 401, /not found in Kerberos database/)],
      wire: [krbErr(7), `kerberos.SNameString == "${IP.web}"`],
      wireAbsent: [NO_AP_REQ],
      seen: `TGS-REQ for HTTP/${IP.web} → KRB-ERROR 7; 401`,
    }),
  },
  {
    id: 'cname-alias',
    seed: 'DNS',
    title: 'URL host is a CNAME; the SPN exists only for the canonical name and the client does not canonicalise',
    rootCause: 'spn-cname',
    symptom: '401; the client asks for the alias SPN',
    backends: both<ScenarioImpl>({
      url: 'http://www.contoso.com/',
      spn: 'HTTP/www.contoso.com',
      probe: missingSpnProbe('http://www.contoso.com/', 'HTTP/www.contoso.com'),
      wire: ['dns.cname == "iisserver.contoso.com"', krbErr(7), 'kerberos.SNameString == "www.contoso.com"'],
      wireAbsent: [NO_AP_REQ],
      seen: 'DNS CNAME www → iisserver; TGS-REQ HTTP/www.contoso.com → KRB-ERROR 7',
    }),
  },
  {
    id: 'cname-canonical',
    seed: 'DNS',
    title: 'URL host is a CNAME; the SPN exists only for the alias and the client canonicalises',
    rootCause: 'spn-cname',
    symptom: '401; the client asks for the canonical-name SPN',
    backends: both<ScenarioImpl>({
      url: 'http://app.contoso.com/',
      spn: 'HTTP/webhost.contoso.com',
      probe: () => [
        ok(kinit()),
        http('http://app.contoso.com/', 401, /Server (?:HTTP\/webhost\.contoso\.com@CONTOSO\.COM )?not found in Kerberos database/, {
          conf: 'canonicalize',
        }),
      ],
      wire: ['dns.cname == "webhost.contoso.com"', krbErr(7), 'kerberos.SNameString == "webhost.contoso.com"'],
      wireAbsent: [NO_AP_REQ],
      seen: 'dns_canonicalize_hostname=true: TGS-REQ HTTP/webhost.contoso.com → KRB-ERROR 7',
    }),
  },
  {
    id: 'spn-with-port',
    seed: 'SPN',
    title: 'The SPN was registered with the port (HTTP/host:8080); clients never add the port',
    rootCause: 'spn-port',
    symptom: '401 on the non-default port',
    backends: both<ScenarioImpl>({
      url: 'http://portsrv.contoso.com:8080/',
      spn: 'HTTP/portsrv.contoso.com',
      probe: missingSpnProbe('http://portsrv.contoso.com:8080/', 'HTTP/portsrv.contoso.com'),
      wire: [krbErr(7), 'kerberos.SNameString == "portsrv.contoso.com"'],
      wireAbsent: [NO_AP_REQ],
      seen: 'TGS-REQ HTTP/portsrv.contoso.com (no port) → KRB-ERROR 7',
    }),
  },
  {
    id: 'no-srv-records',
    seed: 'DC locator',
    title: 'The realm has no _kerberos SRV records: the DC/KDC cannot be discovered (Windows error 1355)',
    rootCause: 'dc-not-discoverable',
    symptom: '"The specified domain either does not exist or could not be contacted" (1355)',
    backends: both<ScenarioImpl>({
      inject: (env) => env.ops.dns.removeKerberosSrv(),
      probe: () => [fails(kinit({ conf: 'dnsLookup' }), /Cannot find KDC for realm "CONTOSO\.COM"/)],
      wire: ['lower(dns.qry.name) == "_kerberos._udp.contoso.com" && dns.flags.response == 1 && dns.count.answers == 0'],
      wireAbsent: ['kerberos'],
      seen: 'SRV _kerberos._udp/_tcp → no answer (NXDOMAIN); no Kerberos packet; kinit "Cannot find KDC for realm"',
    }),
  },
  {
    id: 'kdc-dropped',
    seed: 'network',
    title: 'KDC port 88 is silently dropped by a firewall',
    rootCause: 'kdc-unreachable',
    symptom: 'long hang, then failure',
    backends: both<ScenarioImpl>({
      inject: async (env) => {
        const u1 = await firewall(env.net, dropPort('udp', 88));
        const u2 = await firewall(env.net, dropPort('tcp', 88));
        return async () => {
          await u1();
          await u2();
        };
      },
      probe: () => [fails(kinit(), /Cannot contact any KDC for realm 'CONTOSO\.COM'/)],
      wire: ['kerberos.msg_type == 10', 'tcp.dstport == 88 && tcp.flags.syn == 1'],
      wireAbsent: ['kerberos.msg_type == 11 || kerberos.msg_type == 30', 'tcp.srcport == 88'],
      seen: 'AS-REQ over UDP and TCP SYNs, no answer; kinit "Cannot contact any KDC" after ~18 s',
      slow: true,
    }),
  },
  {
    id: 'kdc-rejected',
    seed: 'network',
    title: 'KDC port 88 is rejected (ICMP port unreachable / TCP RST)',
    rootCause: 'kdc-unreachable',
    symptom: 'immediate failure',
    backends: both<ScenarioImpl>({
      inject: async (env) => {
        const u1 = await firewall(env.net, rejectPort('udp', 88));
        const u2 = await firewall(env.net, rejectPort('tcp', 88));
        return async () => {
          await u1();
          await u2();
        };
      },
      probe: () => [fails(kinit(), /Cannot contact any KDC for realm 'CONTOSO\.COM'/)],
      wire: ['icmp.type == 3 && icmp.code == 3', 'tcp.srcport == 88 && tcp.flags.reset == 1'],
      wireAbsent: ['kerberos.msg_type == 11 || kerberos.msg_type == 30'],
      seen: 'AS-REQ → ICMP port unreachable; TCP SYN → RST; kinit "Cannot contact any KDC" at once',
    }),
  },
  {
    id: 'ldap-blocked',
    seed: 'network',
    title: 'LDAP/CLDAP port 389 is blocked (Kerberos itself works)',
    rootCause: 'ldap-unreachable',
    symptom: 'domain join / DC locator / LDAP lookups fail while kinit works',
    backends: {
      samba: {
        inject: async (env) => {
          const u1 = await firewall(env.net, dropPort('udp', 389));
          const u2 = await firewall(env.net, dropPort('tcp', 389));
          return async () => {
            await u1();
            await u2();
          };
        },
        probe: () => [
          ok(kinit()),
          fails({ tool: 'ldapsearch', host: 'dc1.contoso.com' }, /Can't contact LDAP server/),
          fails({ tool: 'cldap', server: IP.dc }, /Didn't find the cldap server/),
        ],
        wire: ['tcp.dstport == 389 && tcp.flags.syn == 1', 'cldap && udp.dstport == 389', 'kerberos.msg_type == 11'],
        wireAbsent: ['tcp.srcport == 389', 'udp.srcport == 389'],
        seen: 'TCP SYN and CLDAP netlogon ping to 389 unanswered; ldapsearch "Can\'t contact LDAP server (-1)", net ads lookup "Didn\'t find the cldap server!" (12 s)',
      },
    },
    notOn: { mit: 'an MIT realm has no directory (no LDAP/CLDAP server)' },
  },
  {
    id: 'dns-dropped',
    seed: 'network',
    title: 'DNS port 53 to the DC is dropped',
    rootCause: 'dns-unreachable',
    symptom: 'nothing resolves; KDC cannot be located',
    backends: both<ScenarioImpl>({
      inject: async (env) => {
        const u1 = await firewall(env.net, dropPort('udp', 53));
        const u2 = await firewall(env.net, dropPort('tcp', 53));
        return async () => {
          await u1();
          await u2();
        };
      },
      probe: () => [fails(kinit({ conf: 'dnsLookup' }), /Cannot find KDC for realm "CONTOSO\.COM"/)],
      wire: ['dns.flags.response == 0 && lower(dns.qry.name) contains "_kerberos"'],
      wireAbsent: ['dns.flags.response == 1', 'kerberos'],
      seen: 'DNS queries for _kerberos SRV unanswered; kinit "Cannot find KDC for realm" after ~6 s (timeout:1)',
    }),
  },
  {
    id: 'clock-skew-as',
    seed: 'time',
    title: 'Client clock 10 minutes ahead at AS-REQ (client without kdc_timesync)',
    rootCause: 'clock-skew',
    symptom: 'logon fails with clock skew',
    backends: both<ScenarioImpl>({
      probe: () => [fails(kinit({ conf: 'noTimesync', faketime: '+10m' }), /Clock skew too great while getting initial credentials/)],
      wire: [krbErr(37)],
      seen: 'AS-REQ with PA-ENC-TIMESTAMP → KRB-ERROR 37 KRB_AP_ERR_SKEW',
    }),
  },
  {
    id: 'clock-skew-tgs',
    seed: 'time',
    title: 'Client clock 10 minutes ahead at TGS-REQ (TGT obtained earlier)',
    rootCause: 'clock-skew',
    symptom: 'service ticket request fails with clock skew',
    backends: both<ScenarioImpl>({
      probe: () => [ok(kinit()), fails(kvno(SPN_OK, { faketime: '+10m' }), /Clock skew too great/)],
      wire: [`${krbErr(37)} && kerberos.msg_type == 30`, 'kerberos.msg_type == 12'],
      seen: 'TGS-REQ → KRB-ERROR 37 KRB_AP_ERR_SKEW',
    }),
  },
  {
    id: 'clock-skew-web',
    seed: 'time',
    title: 'The web server clock is 10 minutes ahead',
    rootCause: 'clock-skew',
    symptom: '401 after Negotiate; server log says clock skew',
    backends: both<ScenarioImpl>({
      inject: async (env) => {
        await env.ops.webClock('+10m');
        return () => env.ops.webClock(undefined);
      },
      probe: () => [ok(kinit()), http(URL_OK, 401, /Clock skew too great/)],
      wire: [krbErrIn401(37), 'http.authorization contains "Negotiate "'],
      seen: 'AP-REQ → 401 carrying KRB-ERROR 37 KRB_AP_ERR_SKEW',
    }),
  },
  {
    id: 'clock-skew-web-behind',
    seed: 'time',
    title: 'The web server clock is 10 minutes behind (the fresh ticket starts in its future)',
    rootCause: 'clock-skew',
    symptom: '401 after Negotiate; server log says the ticket is not yet valid',
    backends: both<ScenarioImpl>({
      inject: async (env) => {
        await env.ops.webClock('-10m');
        return () => env.ops.webClock(undefined);
      },
      probe: () => [ok(kinit()), http(URL_OK, 401, /Ticket not yet valid/)],
      wire: [krbErrIn401(33), 'http.authorization contains "Negotiate "'],
      seen: 'AP-REQ → 401 carrying KRB-ERROR 33 KRB_AP_ERR_TKT_NYV (checked before the authenticator skew)',
    }),
  },
  {
    id: 'wrong-password',
    seed: 'account',
    title: 'Wrong password',
    rootCause: 'bad-password',
    symptom: 'logon failure',
    backends: both<ScenarioImpl>({
      probe: () => [fails(kinit({ password: 'NotThePassw0rd!' }), /Password incorrect while getting initial credentials/)],
      wire: [krbErr(24)],
      seen: 'AS-REQ (PA-ENC-TIMESTAMP) → KRB-ERROR 24 KDC_ERR_PREAUTH_FAILED',
    }),
  },
  {
    id: 'unknown-user',
    seed: 'account',
    title: 'The user does not exist in the realm',
    rootCause: 'unknown-user',
    symptom: 'logon failure',
    backends: both<ScenarioImpl>({
      user: 'nobody',
      probe: () => [fails(kinit({ user: 'nobody' }), /Client (?:'nobody@CONTOSO\.COM' )?not found in Kerberos database/)],
      wire: [krbErr(6)],
      seen: 'AS-REQ → KRB-ERROR 6 KDC_ERR_C_PRINCIPAL_UNKNOWN',
    }),
  },
  {
    id: 'account-disabled',
    seed: 'account',
    title: 'The account is disabled',
    rootCause: 'account-disabled',
    symptom: 'logon failure: account disabled',
    backends: {
      mit: {
        user: 'disableduser',
        probe: () => [fails(kinit({ user: 'disableduser' }), /Client's credentials have been revoked/)],
        wire: [krbErr(18)],
        seen: 'AS-REQ → KRB-ERROR 18 KDC_ERR_CLIENT_REVOKED (principal with -allow_tix)',
      },
      samba: {
        user: 'disableduser',
        inject: async (env) => sambaOps(env).disabledUser('disableduser'),
        probe: () => [fails(kinit({ user: 'disableduser' }), /Client's credentials have been revoked/)],
        wire: [krbErr(18)],
        seen: 'AS-REQ → KRB-ERROR 18 KDC_ERR_CLIENT_REVOKED',
      },
    },
  },
  {
    id: 'account-locked',
    seed: 'account',
    title: 'The account is locked out after failed logons',
    rootCause: 'account-locked',
    symptom: 'logon failure even with the right password',
    backends: {
      mit: {
        user: 'lockeduser',
        inject: async (env) => {
          const { runStep } = await import('./clients.js');
          for (let i = 0; i < 3; i++) await runStep(env, kinit({ user: 'lockeduser', password: 'Wrong!' }));
          return async () => {
            await env.ops.mit?.kadmin(['modprinc -unlock lockeduser']);
          };
        },
        probe: () => [fails(kinit({ user: 'lockeduser' }), /Client's credentials have been revoked/)],
        wire: [krbErr(18)],
        seen: 'after 3 failures (policy maxfailure 3): KRB-ERROR 18 KDC_ERR_CLIENT_REVOKED with the right password',
      },
      samba: {
        user: 'lockeduser',
        inject: async (env) => sambaOps(env).lockedUser('lockeduser'),
        probe: () => [fails(kinit({ user: 'lockeduser' }), /Client's credentials have been revoked/)],
        wire: [krbErr(18)],
        seen: 'KRB-ERROR 18 KDC_ERR_CLIENT_REVOKED',
      },
    },
  },
  {
    id: 'password-expired',
    seed: 'account',
    title: "The user's password has expired",
    rootCause: 'password-expired',
    symptom: 'logon asks for a password change',
    backends: {
      mit: {
        user: 'expireduser',
        probe: () => [fails(kinit({ user: 'expireduser' }), /Password expired/)],
        wire: [krbErr(23)],
        seen: 'AS-REQ → KRB-ERROR 23 KDC_ERR_KEY_EXPIRED; kinit "Password expired. You must change it now."',
      },
      samba: {
        user: 'expireduser',
        inject: async (env) => sambaOps(env).expiredUser('expireduser'),
        probe: () => [fails(kinit({ user: 'expireduser' }), /Password expired|password has expired/i)],
        wire: [krbErr(23)],
        seen: 'AS-REQ → KRB-ERROR 23 KDC_ERR_KEY_EXPIRED',
      },
    },
  },
  {
    id: 'keytab-stale-kvno',
    seed: 'keytab',
    title: "The web server's keytab holds an old key version (password/kvno changed since export)",
    rootCause: 'keytab-stale-kvno',
    symptom: '401 after Negotiate; server log: kvno not found in keytab',
    backends: {
      mit: {
        url: 'http://webstale.contoso.com/',
        spn: 'HTTP/webstale.contoso.com',
        probe: () => [ok(kinit()), http('http://webstale.contoso.com/', 401)],
        wire: [krbErrIn401(44)],
        seen: '401 carrying KRB-ERROR 44 KRB_AP_ERR_BADKEYVER (keytab kvno 2, ticket kvno 3)',
      },
      samba: {
        url: 'http://webstale.contoso.com/',
        spn: 'HTTP/webstale.contoso.com',
        inject: async (env) => sambaOps(env).staleKeytab('HTTP/webstale.contoso.com', 'webstale.contoso.com'),
        probe: () => [ok(kinit()), http('http://webstale.contoso.com/', 401)],
        wire: [krbErrIn401(44)],
        seen: 'password reset after export → 401 carrying KRB-ERROR 44 KRB_AP_ERR_BADKEYVER',
      },
    },
  },
  {
    id: 'keytab-wrong-key',
    seed: 'keytab',
    title: 'The keytab has the right kvno but a different key (service account password ≠ keytab)',
    rootCause: 'keytab-wrong-key',
    symptom: '401 after Negotiate; server cannot decrypt the ticket',
    backends: {
      mit: {
        url: 'http://webwrongkey.contoso.com/',
        spn: 'HTTP/webwrongkey.contoso.com',
        probe: () => [ok(kinit()), http('http://webwrongkey.contoso.com/', 401)],
        wire: [krbErrIn401(31)],
        seen: '401 carrying KRB-ERROR 31 KRB_AP_ERR_BAD_INTEGRITY (Windows would say 41 KRB_AP_ERR_MODIFIED)',
      },
      samba: {
        url: 'http://webwrongkey.contoso.com/',
        spn: 'HTTP/webwrongkey.contoso.com',
        inject: async (env) => sambaOps(env).wrongKeyKeytab('HTTP/webwrongkey.contoso.com', 'webwrongkey.contoso.com'),
        probe: () => [ok(kinit()), http('http://webwrongkey.contoso.com/', 401)],
        wire: [krbErrIn401(31)],
        seen: '401 carrying KRB-ERROR 31 KRB_AP_ERR_BAD_INTEGRITY',
      },
    },
  },
  {
    id: 'keytab-missing-enctype',
    seed: 'keytab',
    title: "The keytab lacks the ticket's encryption type",
    rootCause: 'keytab-missing-enctype',
    symptom: '401 after Negotiate; server log: found in keytab but not with enctype',
    backends: {
      mit: {
        url: 'http://webenc.contoso.com/',
        spn: 'HTTP/webenc.contoso.com',
        probe: () => [ok(kinit()), http('http://webenc.contoso.com/', 401)],
        wire: [krbErrIn401(44)],
        seen: 'aes256 ticket, aes128-only keytab → 401 carrying KRB-ERROR 44 KRB_AP_ERR_BADKEYVER',
      },
      samba: {
        url: 'http://webenc.contoso.com/',
        spn: 'HTTP/webenc.contoso.com',
        inject: async (env) => sambaOps(env).enctypeKeytab('HTTP/webenc.contoso.com', 'webenc.contoso.com'),
        probe: () => [ok(kinit()), http('http://webenc.contoso.com/', 401)],
        wire: [krbErrIn401(44)],
        seen: 'RC4 keytab, account switched to AES (msDS-SupportedEncryptionTypes=24) → KRB-ERROR 44',
      },
    },
  },
  {
    id: 'ticket-not-for-server',
    seed: 'keytab',
    title: 'The web server gets a ticket for another service principal than the one in its keytab',
    rootCause: 'ticket-not-for-server',
    symptom: '401 after Negotiate; server log: not found in keytab',
    backends: both<ScenarioImpl>({
      url: 'http://webalias.contoso.com/',
      spn: 'HTTP/webalias.contoso.com',
      inject: async (env) => (env.backend === 'samba' ? sambaOps(env).withSpn('HTTP/webalias.contoso.com', 'svcaccount2') : undefined),
      probe: () => [ok(kinit()), http('http://webalias.contoso.com/', 401)],
      wire: [krbErrIn401(35)],
      seen: '401 carrying KRB-ERROR 35 KRB_AP_ERR_NOT_US',
    }),
  },
  {
    id: 'enctype-unsupported',
    seed: 'encryption',
    title: 'The service account has no key of an encryption type the client allows',
    rootCause: 'enctype-unsupported',
    symptom: 'no service ticket; KDC has no support for the encryption type',
    backends: {
      mit: {
        url: 'http://legacy.contoso.com/',
        spn: 'HTTP/legacy.contoso.com',
        probe: () => [ok(kinit()), fails(kvno('HTTP/legacy.contoso.com', { conf: 'aesOnly' }), /KDC has no support for encryption type/)],
        wire: [krbErr(14)],
        seen: 'account with only an RC4 key, AES-only client → KRB-ERROR 14 KDC_ERR_ETYPE_NOSUPP',
      },
      samba: {
        url: 'http://legacy.contoso.com/',
        spn: 'HTTP/legacy.contoso.com',
        inject: async (env) => sambaOps(env).rc4OnlyAccount('HTTP/legacy.contoso.com'),
        probe: () => [ok(kinit()), fails(kvno('HTTP/legacy.contoso.com', { conf: 'aesOnly' }), /KDC has no support for encryption type/)],
        wire: [krbErr(14)],
        seen: 'msDS-SupportedEncryptionTypes=4 (RC4), AES-only client → KRB-ERROR 14 KDC_ERR_ETYPE_NOSUPP',
      },
    },
  },
  {
    id: 'ntlm-only',
    seed: 'NTLM',
    title: 'The server offers NTLM only (no Negotiate)',
    rootCause: 'ntlm-only',
    symptom: 'prompt / NTLM used; no Kerberos ticket is ever requested for the site',
    backends: both<ScenarioImpl>({
      url: 'http://webntlm.contoso.com/',
      probe: () => [ok(kinit()), http('http://webntlm.contoso.com/', 401)],
      wire: ['http.www_authenticate == "NTLM"'],
      wireAbsent: [NO_AP_REQ, 'kerberos.msg_type == 12'],
      seen: '401 WWW-Authenticate: NTLM only; no TGS-REQ, no Negotiate',
    }),
  },
  {
    id: 'basic-only',
    seed: 'NTLM',
    title: 'The server offers Basic authentication only (no Negotiate)',
    rootCause: 'ntlm-only',
    symptom: 'the browser shows a user name / password dialog; no Kerberos ticket is ever requested for the site',
    backends: {
      mit: {
        url: 'http://webbasic.contoso.com/',
        probe: () => [ok(kinit()), http('http://webbasic.contoso.com/', 401)],
        wire: ['http.response.code == 401 && http.www_authenticate contains "Basic realm="'],
        wireAbsent: [NO_AP_REQ, 'kerberos.msg_type == 12'],
        seen: '401 WWW-Authenticate: Basic only; no TGS-REQ, no Negotiate',
      },
    },
    notOn: { samba: 'staged on the MIT lab only (its Apache serves the same vhosts; ntlm-only covers the AD side)' },
  },
  {
    id: 'ntlm-fallback',
    seed: 'NTLM',
    title: 'The server offers Negotiate but the exchange falls back to NTLM (no SPN for the site)',
    rootCause: 'ntlm-fallback',
    symptom: 'works, but with NTLM inside Negotiate instead of Kerberos',
    backends: both<ScenarioImpl>({
      url: 'http://webfallback.contoso.com/',
      spn: 'HTTP/webfallback.contoso.com',
      probe: () => [ok(kinit()), http('http://webfallback.contoso.com/', 200, undefined, { ntlm: true })],
      wire: [
        krbErr(7),
        'kerberos.SNameString == "webfallback.contoso.com"',
        'http.authorization contains "Negotiate " && ntlmssp.messagetype == 0x00000001',
        'http.response.code == 401 && ntlmssp.messagetype == 0x00000002',
        'http.authorization contains "Negotiate " && ntlmssp.messagetype == 0x00000003',
        'http.response.code == 200',
      ],
      wireAbsent: ['http.authorization && kerberos.msg_type == 14'],
      seen: 'TGS-REQ → KRB-ERROR 7; SPNEGO carries NTLMSSP NEGOTIATE/CHALLENGE/AUTHENTICATE → 200',
      notes: 'gss-ntlmssp on both sides; the server checks the NTLM response against a local user file (not the DC)',
    }),
  },
  {
    id: 'token-too-large',
    seed: 'token size',
    title: "The Negotiate token is larger than the server's request-header limit (user in many groups)",
    rootCause: 'token-too-large',
    symptom: 'HTTP 400 Bad Request: Size of a request header field exceeds server limit',
    backends: {
      mit: {
        url: 'http://websmall.contoso.com/',
        spn: 'HTTP/websmall.contoso.com',
        probe: () => [ok(kinit()), http('http://websmall.contoso.com/', 400)],
        wire: ['http.response.code == 400', 'http.authorization contains "Negotiate "'],
        seen: 'LimitRequestFieldSize 600 (MIT PAC is small) → 400 Bad Request after the Negotiate header',
        notes: 'MIT puts no group list in the PAC; the limit is lowered instead of inflating the token',
      },
      samba: {
        url: 'http://websmall.contoso.com/',
        spn: 'HTTP/websmall.contoso.com',
        user: 'biguser',
        inject: async (env) => sambaOps(env).bigTokenUser('biguser'),
        probe: () => [ok(kinit({ user: 'biguser' })), http('http://websmall.contoso.com/', 400)],
        wire: ['http.response.code == 400', 'http.authorization contains "Negotiate "'],
        seen: 'user in 300 groups, LimitRequestFieldSize 4096 → 400 Bad Request',
      },
    },
  },
  {
    id: 'token-too-large-1000-groups',
    seed: 'token size',
    title: "A user in more than 1,000 groups: the Negotiate header is over the web server's default limit",
    rootCause: 'token-too-large',
    symptom: 'HTTP 400 Bad Request: Size of a request header field exceeds server limit (Apache default 8190)',
    backends: {
      samba: {
        user: 'hugeuser',
        inject: async (env) => sambaOps(env).bigTokenUser('hugeuser', 1100),
        probe: () => [ok(kinit({ user: 'hugeuser' })), http(URL_OK, 400)],
        wire: ['http.response.code == 400', 'http.authorization contains "Negotiate "'],
        seen: 'user in 1,100 groups: TGS-REP ≈ 10 KB, Authorization header ≈ 13.6 KB > LimitRequestFieldSize 8190 → 400 (Samba 4.17 issues the ticket; Windows refuses a token over 1,015 SIDs)',
      },
    },
    notOn: {
      mit: 'MIT puts no group list in the PAC (see token-too-large for the lowered-limit variant)',
      embedded: "the embedded lab's token-too-large stages the lowered limit instead (token-too-large)",
    },
  },
  {
    id: 'cifs-ok-http-fails',
    seed: 'SPN',
    title: 'File shares (cifs/) work while the web site (HTTP/) fails: the SPN is missing only for HTTP',
    rootCause: 'spn-missing',
    symptom: 'SMB works with Kerberos, the site prompts',
    backends: {
      samba: {
        inject: async (env) => sambaOps(env).withoutSpn(SPN_OK, 'svcaccount'),
        probe: () => [
          ok(kinit()),
          ok({ tool: 'smbclient', share: '//dc1.contoso.com/netlogon' }),
          http(URL_OK, 401, /not found in Kerberos database/),
        ],
        wire: [
          'kerberos.msg_type == 13 && kerberos.SNameString == "cifs"',
          'smb2.cmd == 1 && smb2.nt_status == 0 && smb2.flags.response == 1',
          krbErr(7),
        ],
        seen: 'smbclient -k lists NETLOGON (TGS-REP cifs/dc1, SMB2 SESSION_SETUP OK); TGS-REQ HTTP/iisserver → KRB-ERROR 7; curl 401',
      },
    },
    notOn: {
      mit: 'no SMB server in the MIT world',
      embedded: 'the embedded lab has no SMB server (kerbscope has an SMB2 client, tested against Samba smbd)',
    },
  },
  // ---- delegation (issue 9): a front end acting as the user towards a back end (MS-SFU). Held to `kerbscope
  // delegation`; the ground truth is MIT's own S4U client with the front end's keytab (kvno -U USER -P SPN).
  delegationScenario({
    id: 'delegation-healthy',
    title: 'Constrained delegation with protocol transition from the front end to cifs/ on the DC works',
    rootCause: 'healthy',
    symptom: "kvno -U john -P cifs/dc1.contoso.com gets a ticket to the back end in john's name",
    setup: { allowedTo: [CIFS_DC], protocolTransition: true },
    to: CIFS_DC,
    works: true,
    seen: 'TGS-REQ with PA-FOR-USER (129) → TGS-REP (forwardable evidence); TGS-REQ with PA-PAC-OPTIONS (167) → TGS-REP for cifs/dc1',
  }),
  delegationScenario({
    id: 'delegation-wrong-spn',
    title: 'Constrained delegation is set up to another SPN than the back end the front end asks for',
    rootCause: 'delegation-spn-not-allowed',
    symptom: 'the back end sees no user (or the front end\'s own identity); kvno -U -P: "KDC can\'t fulfill requested option"',
    setup: { allowedTo: [CIFS_DC], protocolTransition: true },
    to: 'ldap/dc1.contoso.com',
    works: false,
    seen: 'S4U2Self → TGS-REP; S4U2Proxy for ldap/dc1 → KRB-ERROR 13 KDC_ERR_BADOPTION',
  }),
  delegationScenario({
    id: 'delegation-no-protocol-transition',
    title: 'Constrained delegation "Kerberos only": no protocol transition, so the S4U2Self ticket is not forwardable',
    rootCause: 'delegation-protocol-transition',
    symptom:
      'delegation works for users who logged on with Kerberos, fails for forms/NTLM logons; kvno -U -P: "KDC can\'t fulfill requested option"',
    setup: { allowedTo: [CIFS_DC] },
    to: CIFS_DC,
    works: false,
    seen: 'S4U2Self → TGS-REP (evidence not forwardable); S4U2Proxy → KRB-ERROR 13 KDC_ERR_BADOPTION',
  }),
  delegationScenario({
    id: 'delegation-sensitive-user',
    title: 'The user is marked "Account is sensitive and cannot be delegated" (UF_NOT_DELEGATED)',
    rootCause: 'delegation-user-sensitive',
    symptom: 'delegation works for other users, never for this one',
    setup: { allowedTo: [CIFS_DC], protocolTransition: true, sensitiveUser: 'sensitive1' },
    user: 'sensitive1',
    to: CIFS_DC,
    works: false,
    seen: 'S4U2Self → TGS-REP (evidence not forwardable); S4U2Proxy → KRB-ERROR 13 KDC_ERR_BADOPTION',
  }),
  delegationScenario({
    id: 'delegation-protected-user',
    title: 'The user is in Protected Users (Windows never delegates it; Samba 4.17 does)',
    rootCause: 'delegation-user-sensitive',
    symptom: 'on Windows DCs delegation fails for this user only; on Samba 4.17 it works',
    setup: { allowedTo: [CIFS_DC], protocolTransition: true, protectedUser: 'protected1' },
    user: 'protected1',
    to: CIFS_DC,
    works: true,
    seen: 'Samba 4.17 delegates a Protected Users member: S4U2Proxy → TGS-REP (kerbscope warns; a Windows KDC answers 13)',
  }),
  delegationScenario({
    id: 'delegation-none',
    title: 'No delegation at all: no msDS-AllowedToDelegateTo on the front end, no resource-based entry on the back end',
    rootCause: 'delegation-not-configured',
    symptom: 'the back end sees the front end or nobody; kvno -U -P: "KDC can\'t fulfill requested option"',
    setup: {},
    to: CIFS_DC,
    works: false,
    seen: 'S4U2Self → TGS-REP; S4U2Proxy → KRB-ERROR 13 KDC_ERR_BADOPTION',
  }),
  delegationScenario({
    id: 'delegation-rbcd-unsupported',
    title: "Resource-based delegation set on the back end, refused by a KDC that does not implement it (Samba 4.17's Heimdal KDC)",
    rootCause: 'delegation-kdc-refused',
    symptom: 'kvno -U -P: "KDC can\'t fulfill requested option" although msDS-AllowedToActOnBehalfOfOtherIdentity lists the front end',
    setup: { rbcdOnDc: true },
    to: CIFS_DC,
    works: false,
    seen: 'S4U2Proxy with PA-PAC-OPTIONS resource-based-constrained-delegation → KRB-ERROR 13 (Samba 4.17: "Constrained delegation not allowed")',
  }),
];

// ---- the embedded backend: held to a real one -----------------------------------------------------------------
//
// kerbscope's in-process CONTOSO.COM (src/embedded, `kerbscope lab`) stages each scenario itself; its catalogue
// entry is the real backend's probe and wire filters, so the same MIT clients must report the same thing and the
// same codes must be on the wire (test/lab/embedded.test.ts runs them). Overrides only where the embedded world
// names its own hosts: it breaks iisserver's keytab rather than keeping webstale/webwrongkey/webenc sites, and its
// addresses are 127.201.x.y, not 10.201.0.x.

interface EmbeddedEntry {
  heldTo: 'mit' | 'samba';
  /** startEmbeddedLab's staging (default: the scenario id) */
  stage?: string;
  /** keep the real backend's inject: it only turns env.ops knobs the embedded lab has (DNS records, web clock) */
  keepInject?: boolean;
  override?: Partial<ScenarioImpl>;
}

const onIisserver = (status: number): Partial<ScenarioImpl> => ({
  url: URL_OK,
  spn: SPN_OK,
  probe: () => [ok(kinit()), http(URL_OK, status)],
});

export const EMBEDDED: Record<string, EmbeddedEntry> = {
  healthy: { heldTo: 'mit' },
  'missing-spn': { heldTo: 'mit' },
  'url-is-ip': {
    heldTo: 'mit',
    override: {
      url: undefined,
      spn: undefined,
      probe: (env) => [ok(kinit()), http(`http://${env.hosts['iisserver.contoso.com']}/`, 401, /not found in Kerberos database/)],
      wire: [krbErr(7), 'kerberos.SNameString matches "^127\\\\.[0-9.]+$"'],
      seen: 'TGS-REQ for HTTP/127.201.x.y → KRB-ERROR 7; 401',
    },
  },
  'cname-alias': { heldTo: 'mit' },
  'cname-canonical': { heldTo: 'mit' },
  'spn-with-port': { heldTo: 'mit' },
  'no-srv-records': { heldTo: 'mit', keepInject: true },
  'kdc-rejected': { heldTo: 'mit' },
  'kdc-dropped': {
    heldTo: 'mit',
    override: {
      // one process cannot drop a SYN: the handshake completes and then nothing answers (same client verdict)
      wireAbsent: ['kerberos.msg_type == 11 || kerberos.msg_type == 30'],
      seen: 'AS-REQ over UDP unanswered; TCP connects, AS-REQ unanswered; kinit "Cannot contact any KDC"',
    },
  },
  'dns-dropped': { heldTo: 'mit' },
  // the client's clock moves (faketime), as on the real labs: the embedded servers keep the real time
  'clock-skew-as': { heldTo: 'mit', stage: 'healthy' },
  // the embedded staging: after the first TGT the servers fall 10 minutes behind (no faketime needed for kvno)
  'clock-skew-tgs': {
    heldTo: 'mit',
    override: { probe: () => [ok(kinit()), fails(kvno(SPN_OK), /Clock skew too great/)] },
  },
  'clock-skew-web': { heldTo: 'mit', stage: 'healthy', keepInject: true },
  'clock-skew-web-behind': { heldTo: 'mit', stage: 'healthy', keepInject: true },
  'wrong-password': { heldTo: 'mit', stage: 'healthy' },
  'unknown-user': { heldTo: 'mit', stage: 'healthy' },
  // disableduser/lockeduser/expireduser exist in every staging, in their state, as on the real labs
  'account-disabled': { heldTo: 'mit' },
  'account-locked': { heldTo: 'mit' },
  'password-expired': { heldTo: 'mit' },
  'keytab-stale-kvno': { heldTo: 'mit', override: onIisserver(401) },
  'keytab-wrong-key': { heldTo: 'mit', override: onIisserver(401) },
  'keytab-missing-enctype': { heldTo: 'mit', override: onIisserver(401) },
  'ticket-not-for-server': { heldTo: 'mit' },
  'enctype-unsupported': { heldTo: 'mit' },
  'duplicate-spn': { heldTo: 'samba' },
  'spn-wrong-account': { heldTo: 'samba' },
  'dns-a-wrong': {
    heldTo: 'mit',
    override: {
      wire: ['dns.qry.name == "iisserver.contoso.com" && dns.a', krbErrIn401(35)],
      seen: 'DNS A → the address where webalias answers; AP-REQ there → 401 with KRB-ERROR 35 KRB_AP_ERR_NOT_US',
    },
  },
  'ldap-blocked': {
    heldTo: 'samba',
    override: {
      probe: (env) => [
        ok(kinit()),
        fails({ tool: 'ldapsearch', host: 'dc1.contoso.com' }, /Can't contact LDAP server/),
        fails({ tool: 'cldap', server: env.hosts['dc1.contoso.com'] ?? '' }, /Didn't find the cldap server/),
      ],
      // UDP 389 dropped; TCP 389 refused (one process cannot drop a SYN; held open, a port probe would call it open)
      wireAbsent: ['udp.srcport == 389'],
      seen: 'CLDAP netlogon ping to UDP 389 unanswered, TCP 389 refused; ldapsearch "Can\'t contact LDAP server", net ads lookup "Didn\'t find the cldap server!"',
    },
  },
  'ntlm-only': { heldTo: 'mit' },
  'basic-only': { heldTo: 'mit' },
  'ntlm-fallback': { heldTo: 'mit' },
  'token-too-large': {
    heldTo: 'mit',
    override: { seen: 'user in 300 groups (real PAC), field limit 4096 → 400 Bad Request after the Negotiate header' },
  },
};

for (const [id, e] of Object.entries(EMBEDDED)) {
  const s = SCENARIOS.find((x) => x.id === id);
  const real = s?.backends[e.heldTo];
  if (!s || !real) throw new Error(`catalogue: embedded entry ${id} has no ${e.heldTo} implementation to be held to`);
  s.backends.embedded = {
    ...real,
    inject: e.keepInject ? real.inject : undefined,
    stage: e.stage ?? id,
    ...e.override,
    notes: `held to ${e.heldTo}${real.notes ? `; ${real.notes}` : ''}`,
  };
}

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
