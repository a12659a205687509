/**
 * `kerbscope check`: the guidance's authentication flow against the real systems, step by step, as facts; then the
 * rulebook. Independent steps run concurrently (target name resolution ∥ KDC discovery; ports ∥ AS exchange ∥
 * anonymous HTTP request); every network wait is bounded by the per-step timeout and the overall deadline.
 * Nothing is sent anywhere but the hosts the configuration, DNS and the URL name.
 */

import { chmodSync, writeFileSync } from 'node:fs';
import { getEnctype } from '../crypto/index.js';
import { auditDelegation, frontEndTgt } from '../delegation/audit.js';
import { proveDelegation } from '../delegation/s4u.js';
import { spnOwner } from '../directory/spn.js';
import { directoryTokenFact, directoryTokenSize } from '../directory/token-size.js';
import type { Fact, Where } from '../facts/fact.js';
import { encodeCcache } from '../formats/ccache.js';
import { clientDefaults, domainRealm, type KdcAddress, parseKdcSpec, realmKdcs } from '../formats/krb5conf.js';
import { KeySet } from '../inspect/keys.js';
import { decryptTicket, ticketDecryptFact } from '../inspect/ticket.js';
import { inspectToken } from '../inspect/token.js';
import {
  buildApReq,
  buildNtlmNegotiateToken,
  type Creds,
  DEFAULT_ENCTYPES,
  GSS_FLAGS,
  type SessionKey,
  userKey,
  verifyApRep,
} from '../krb/client.js';
import { openDirectorySession } from '../ldap/session.js';
import { cldapPing } from '../net/cldap.js';
import { type DnsResult, dnsLookup, readHosts, readResolvConf, reverseName } from '../net/dns.js';
import { channelBindingsHash, httpClient } from '../net/http.js';
import { ipVersion } from '../net/ip.js';
import type { KdcTarget } from '../net/kdc.js';
import { tcpProbe } from '../net/probe.js';
import { decodeGssToken, decodeInitialContextToken, decodeNegotiationToken } from '../protocol/gss/index.js';
import { GssOid } from '../protocol/gss/oids.js';
import { parseAuthValue } from '../protocol/http/auth-header.js';
import { decodeApRep, decodeKrb5Message } from '../protocol/krb5/index.js';
import { evaluate } from '../rules/index.js';
import { smbKerberosProbe } from '../smb/probe.js';
import { fromBase64, toBase64 } from '../wire/encoding.js';
import { ccachePath, credsFromCcache, loadKrb5Conf, readCcache, readKeytab } from './config.js';
import { asExchange, type KdcContext, tgsExchange } from './kerberos.js';
import {
  CHECK_SCHEMA_VERSION,
  CHECK_STEPS,
  type CheckOptions,
  type CheckResult,
  type CheckStep,
  type CheckStepId,
  type StepStatus,
} from './model.js';
import { PROFILES, spnFor } from './spn.js';

class StepRun {
  readonly facts: Fact[] = [];
  status: StepStatus = 'pass';
  summary = '';
  private t0 = performance.now();
  private t1: number | undefined;
  constructor(
    readonly id: CheckStepId,
    readonly n: number,
  ) {}
  where(extra: Partial<Where> = {}): Where {
    return { label: `step ${this.n} (${this.id})`, step: this.id, time: new Date(), ...extra };
  }
  start(): void {
    this.t0 = performance.now();
  }
  end(status: StepStatus, summary: string): void {
    this.status = status;
    this.summary = summary;
    this.t1 = performance.now();
  }
  get ms(): number {
    return Math.round((this.t1 ?? this.t0) - this.t0);
  }
}

function dnsFact(where: Where, r: DnsResult): Fact {
  return {
    kind: 'dns-lookup',
    where,
    name: r.name,
    qtype: r.qtype,
    server: r.server,
    outcome: r.outcome,
    answers: r.answers,
    source: 'dns',
    detail: r.detail,
    ms: r.ms,
    ...(r.malformed ? { malformed: true } : {}),
  };
}

const SERVICES: Record<number, string> = { 88: 'kerberos', 464: 'kpasswd', 389: 'ldap', 53: 'dns', 445: 'smb', 80: 'http', 443: 'https' };

/** The whole check. Never throws for network or peer trouble: that is what the facts and findings are for. */
export async function runCheck(o: CheckOptions): Promise<CheckResult> {
  const env = o.env ?? process.env;
  const tStart = performance.now();
  const deadline = tStart + o.timeoutMs;
  const left = () => Math.max(0, deadline - performance.now());
  const stepMs = () => Math.max(50, Math.min(o.timeoutMs, left()));
  const steps = new Map<CheckStepId, StepRun>(CHECK_STEPS.map((s, i) => [s.id, new StepRun(s.id, i + 1)]));
  const S = (id: CheckStepId) => steps.get(id) as StepRun;

  // ---- 1. configuration and credentials ----------------------------------------------------------------------
  const cfg = S('config');
  cfg.start();
  const loaded = loadKrb5Conf(env);
  const defaults = clientDefaults(loaded.conf);
  const target = o.url ? new URL(o.url) : undefined;
  // smb://server/share: the guidance's isolation step on its own (cifs/server); every other URL is an HTTP site
  const smbTarget = target?.protocol === 'smb:' ? target : undefined;
  const url = smbTarget ? undefined : target;
  const targetHost = target
    ? target.hostname.replace(/^\[|\]$/g, '').toLowerCase()
    : o.spn?.split('/')[1]?.replace(/:\d+$/, '').toLowerCase();
  const smbShare = smbTarget ? decodeURIComponent(smbTarget.pathname.split('/').filter(Boolean)[0] ?? 'IPC$') : o.alsoSmb;

  let ccUser: string | undefined;
  let ccRealm: string | undefined;
  let ccTgt: Creds | undefined;
  let credFact: Fact | undefined;
  const ccPath = o.password === undefined && !o.clientKeytab ? ccachePath(o.ccache ?? env.KRB5CCNAME) : undefined;
  if (ccPath) {
    const { cc, error } = readCcache(ccPath);
    if (cc?.defaultPrincipal) {
      ccUser = cc.defaultPrincipal.components.join('/');
      ccRealm = cc.defaultPrincipal.realm;
    }
    if (cc) {
      const tgt = cc.credentials.find(
        (c) =>
          c.kind === 'ticket' &&
          c.server.components[0] === 'krbtgt' &&
          c.server.components[1] === c.server.realm &&
          c.server.realm === ccRealm,
      );
      if (tgt) {
        const expired = tgt.endtime !== undefined && tgt.endtime.getTime() <= Date.now();
        credFact = {
          kind: 'credentials',
          where: cfg.where(),
          source: 'ccache',
          principal: `${ccUser}@${ccRealm}`,
          ccache: ccPath,
          tgt: { server: `krbtgt/${tgt.server.components[1]}@${tgt.server.realm}`, endtime: tgt.endtime, expired },
        };
        if (!expired) {
          try {
            ccTgt = credsFromCcache(cc, tgt);
          } catch {
            ccTgt = undefined;
          }
        }
      }
    } else if (error && error !== 'ENOENT') {
      credFact = {
        kind: 'credentials',
        where: cfg.where(),
        source: 'none',
        ccache: ccPath,
        detail: `the ccache ${ccPath} cannot be read: ${error}`,
      };
    }
  }

  const userSpec = o.user ?? ccUser ?? undefined;
  const userRealm = o.user?.includes('@') ? o.user.slice(o.user.lastIndexOf('@') + 1) : undefined;
  const userName = userSpec?.includes('@') ? userSpec.slice(0, userSpec.lastIndexOf('@')) : userSpec;
  const hostRealm = targetHost && !ipVersion(targetHost) ? domainRealm(loaded.conf, targetHost) : undefined;
  let realm: string | undefined;
  let realmSource: 'option' | 'user' | 'ccache' | 'default_realm' | 'domain_realm' | 'none' = 'none';
  if (o.realm) [realm, realmSource] = [o.realm, 'option'];
  else if (userRealm) [realm, realmSource] = [userRealm, 'user'];
  else if (ccRealm && !o.user) [realm, realmSource] = [ccRealm, 'ccache'];
  else if (defaults.defaultRealm) [realm, realmSource] = [defaults.defaultRealm, 'default_realm'];
  else if (hostRealm) [realm, realmSource] = [hostRealm, 'domain_realm'];

  let kdcSpecs: KdcAddress[] = [];
  if (o.kdc) {
    const k = parseKdcSpec(o.kdc);
    if (k) kdcSpecs = [k];
  } else if (realm) kdcSpecs = realmKdcs(loaded.conf, realm);
  cfg.facts.push({
    kind: 'krb5-config',
    where: cfg.where(),
    files: loaded.files,
    missing: loaded.missing,
    defaultRealm: defaults.defaultRealm,
    realm,
    realmSource,
    hostRealm: hostRealm && hostRealm !== realm ? hostRealm : undefined,
    kdcs: kdcSpecs.map((k) => k.spec),
    dnsLookupKdc: defaults.dnsLookupKdc,
    problems: loaded.conf.problems.map((p) => `${p.file}:${p.line}: ${p.message}`),
  });

  // the client's long-term key: a password, or a client keytab
  let keyFor:
    | ((info: ReturnType<typeof import('../krb/client.js').etypeInfoOf>, req: readonly number[]) => SessionKey | undefined)
    | undefined;
  const ktName = o.clientKeytab ?? (o.password === undefined && !ccTgt && !o.user ? undefined : undefined);
  if (o.password !== undefined && userName && realm) {
    const pw = o.password;
    const salt = `${realm}${userName.split('/').join('')}`;
    keyFor = (info, req) => userKey(pw, info, req, salt);
    credFact = { kind: 'credentials', where: cfg.where(), source: 'password', principal: `${userName}@${realm}` };
  } else if (ktName) {
    const { kt, error } = readKeytab(ktName.replace(/^FILE:/, ''));
    const principalName = userName ?? kt?.entries[0]?.principal.components.join('/');
    if (kt && principalName) {
      const entries = kt.entries.filter((e) => e.principal.components.join('/') === principalName);
      keyFor = (info, req) => {
        for (const i of info.length ? info.map((x) => x.etype) : req) {
          const e = entries.filter((x) => x.enctype === i).sort((a, b) => b.kvno - a.kvno)[0];
          if (e && req.includes(i)) return { enctype: e.enctype, key: e.key };
        }
        return undefined;
      };
      credFact = {
        kind: 'credentials',
        where: cfg.where(),
        source: 'keytab',
        principal: `${principalName}@${realm ?? kt.entries[0]?.principal.realm}`,
      };
    } else
      credFact = { kind: 'credentials', where: cfg.where(), source: 'none', detail: `client keytab ${ktName}: ${error ?? 'no entry'}` };
  }
  const effectiveUser = userName ?? ccUser;
  if (!credFact)
    credFact = {
      kind: 'credentials',
      where: cfg.where(),
      source: 'none',
      ccache: ccPath,
      detail: ccPath ? `no ccache at ${ccPath}, no password, no client keytab` : 'no credentials given',
    };
  else if (credFact.kind === 'credentials' && credFact.source === 'ccache' && !ccTgt && !keyFor && credFact.tgt?.expired)
    credFact = { ...credFact, detail: 'the TGT in the ccache has expired and no password or keytab was given to get a new one' };
  cfg.facts.push(credFact);
  const enctypes = (defaults.defaultTktEnctypes ?? defaults.permittedEnctypes ?? DEFAULT_ENCTYPES.map(String))
    .map((n) => (/^\d+$/.test(n) ? Number(n) : getEnctype(n)?.id))
    .filter((n): n is number => n !== undefined && getEnctype(n)?.implemented === true);
  const tgsEnctypes = (defaults.defaultTgsEnctypes ?? defaults.permittedEnctypes ?? DEFAULT_ENCTYPES.map(String))
    .map((n) => (/^\d+$/.test(n) ? Number(n) : getEnctype(n)?.id))
    .filter((n): n is number => n !== undefined && getEnctype(n)?.implemented === true);
  const canAuth = Boolean(ccTgt || keyFor);
  cfg.end(
    !realm || !canAuth ? 'fail' : loaded.missing.length || loaded.conf.problems.length ? 'warn' : 'pass',
    `${loaded.files.length ? `krb5.conf: ${loaded.files.join(', ')}` : 'no krb5.conf'}; realm ${realm ?? '(none)'} (${realmSource}); credentials: ${credFact.kind === 'credentials' ? credFact.source : ''}${ccTgt ? ' (valid TGT in the ccache)' : ''}`,
  );

  // ---- DNS servers -------------------------------------------------------------------------------------------------
  const resolv = readResolvConf();
  const dnsServers = o.dnsServer ? [o.dnsServer] : (resolv?.nameservers ?? []);
  const dnsTimeout = () => Math.max(50, Math.min(resolv?.timeoutMs ?? 2000, 2000, left()));
  const hosts = readHosts();
  const addrCache = new Map<string, string[]>();
  async function resolveA(name: string, st: StepRun): Promise<string[]> {
    if (ipVersion(name)) return [name];
    const key = name.toLowerCase();
    const cached = addrCache.get(key);
    if (cached) return cached;
    const fromHosts = hosts.get(key);
    if (fromHosts?.length) {
      st.facts.push({
        kind: 'dns-lookup',
        where: st.where(),
        name,
        qtype: 'A',
        outcome: 'answer',
        answers: fromHosts.map((a) => ({ name, type: ipVersion(a) === 6 ? 'AAAA' : 'A', data: a })),
        source: 'hosts',
      });
      addrCache.set(key, fromHosts);
      return fromHosts;
    }
    if (!dnsServers.length) return [];
    const rs = await dnsLookup(name, 'A', dnsServers, dnsTimeout());
    for (const r of rs) st.facts.push(dnsFact(st.where(), r));
    const last = rs[rs.length - 1];
    const addrs = (last?.answers ?? []).filter((a) => a.type === 'A').map((a) => a.data);
    addrCache.set(key, addrs);
    return addrs;
  }

  // ---- 2. name resolution of the target ∥ 3. KDC discovery ---------------------------------------------------------
  const res = S('resolve');
  const disc = S('discovery');
  let spn = o.spn ?? '';
  let targetAddrs: string[] = [];
  let canonical: string | undefined;
  const resolveStep = async () => {
    res.start();
    if (!targetHost) {
      res.end('skip', 'no URL: the SPN was given with --spn');
      return;
    }
    if (ipVersion(targetHost)) targetAddrs = [targetHost];
    else {
      targetAddrs = await resolveA(targetHost, res);
      const a = res.facts.find((f) => f.kind === 'dns-lookup' && f.qtype === 'A');
      if (a && a.kind === 'dns-lookup') {
        const cn = a.answers.filter((x) => x.type === 'CNAME');
        if (cn.length) canonical = cn[cn.length - 1]?.data.replace(/\.$/, '').toLowerCase();
      }
    }
    let ptr: string | undefined;
    const first = targetAddrs[0];
    const rev = first ? reverseName(first) : undefined;
    if (rev && dnsServers.length && left() > 0) {
      const rs = await dnsLookup(rev, 'PTR', dnsServers, dnsTimeout());
      for (const r of rs) res.facts.push(dnsFact(res.where(), r));
      ptr = rs[rs.length - 1]?.answers
        .find((x) => x.type === 'PTR')
        ?.data.replace(/\.$/, '')
        .toLowerCase();
    }
    const info = { host: targetHost, isIp: ipVersion(targetHost) !== 0, canonical, ptr };
    const krb = { canonicalize: defaults.dnsCanonicalizeHostname, rdns: defaults.rdns };
    const choice = spnFor(o.client, info, krb);
    // SMB clients ask for cifs/<the name in the UNC path> (MS-SMB2 §3.2.4.2.3), whatever the browser profile
    if (!o.spn) spn = smbTarget ? `cifs/${targetHost}` : choice.spn;
    const port = smbTarget ? Number(smbTarget.port || 445) : url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : 80;
    res.facts.push({
      kind: 'spn-choice',
      where: res.where(),
      url: target?.href ?? '',
      host: targetHost,
      port,
      defaultPort: !target?.port,
      client: o.client,
      spn,
      canonicalName: canonical,
      why: o.spn ? `--spn ${o.spn} (the ${o.client} profile would ask for ${choice.spn}: ${choice.why})` : choice.why,
      others: PROFILES.filter((p) => p !== o.client).map((p) => ({ client: p, spn: spnFor(p, info, krb).spn })),
    });
    if (!targetAddrs.length) res.end('fail', `${targetHost} does not resolve`);
    else
      res.end(
        ipVersion(targetHost) ? 'warn' : 'pass',
        `${targetHost}${canonical ? ` → CNAME ${canonical}` : ''} → ${targetAddrs.join(', ')}; SPN ${spn} (${o.client})`,
      );
  };

  let kdcTargets: KdcTarget[] = [];
  let dcAddress: string | undefined;
  let isAd = false;
  const discoveryStep = async () => {
    disc.start();
    if (!realm) {
      disc.end('skip', 'no realm to discover');
      return;
    }
    const domain = realm.toLowerCase();
    const useSrv = !o.kdc && (kdcSpecs.length === 0 ? defaults.dnsLookupKdc : false);
    const srvNames = [`_kerberos._udp.${domain}`, `_kerberos._tcp.${domain}`, `_ldap._tcp.dc._msdcs.${domain}`];
    const srv: Record<string, DnsResult | undefined> = {};
    if (dnsServers.length)
      await Promise.all(
        srvNames.map(async (n) => {
          const rs = await dnsLookup(n, 'SRV', dnsServers, dnsTimeout());
          for (const r of rs) disc.facts.push(dnsFact(disc.where(), r));
          srv[n] = rs[rs.length - 1];
        }),
      );
    const dcSrv = srv[`_ldap._tcp.dc._msdcs.${domain}`];
    isAd = dcSrv?.outcome === 'answer';
    let specs = kdcSpecs;
    if (useSrv) {
      const recs = [...(srv[`_kerberos._udp.${domain}`]?.answers ?? []), ...(srv[`_kerberos._tcp.${domain}`]?.answers ?? [])].filter(
        (a) => a.type === 'SRV',
      );
      const seen = new Set<string>();
      specs = [];
      for (const r of recs.sort((a, b) => Number(a.data.split(' ')[0]) - Number(b.data.split(' ')[0]))) {
        const [, , port, target] = r.data.split(' ');
        const host = (target ?? '').replace(/\.$/, '');
        const k = `${host}:${port}`;
        if (!host || seen.has(k)) continue;
        seen.add(k);
        specs.push({ spec: k, host, port: Number(port) });
      }
    }
    for (const k of specs) {
      const addrs = await resolveA(k.host, disc);
      for (const a of addrs) kdcTargets.push({ host: k.host, address: a, port: k.port, transport: k.transport });
    }
    // the DC locator's CLDAP ping (AD only: an MIT realm has no directory)
    if (isAd) {
      const dcHost = dcSrv?.answers
        .find((a) => a.type === 'SRV')
        ?.data.split(' ')[3]
        ?.replace(/\.$/, '');
      const dcAddrs = dcHost ? await resolveA(dcHost, disc) : [];
      dcAddress = dcAddrs[0];
      if (dcAddress) {
        const c = await cldapPing(dcAddress, domain, Math.max(50, Math.min(2000, left())));
        const r = c.response;
        disc.facts.push({
          kind: 'cldap-ping',
          where: disc.where(),
          server: dcAddress,
          outcome: c.outcome,
          dcName: r?.dnsHostName,
          domain: r?.dnsDomainName,
          forest: r?.dnsForestName,
          dcSite: r?.dcSiteName,
          clientSite: r?.clientSiteName,
          flags: r?.flags,
          detail: c.detail ?? (r ? `${r.netbiosDomainName}\\${r.netbiosComputerName}; flags ${r.flagNames.join(' ')}` : undefined),
        });
      }
    } else dcAddress = kdcTargets[0]?.address;
    kdcTargets = kdcTargets.filter(
      (t, i, a) => a.findIndex((x) => x.address === t.address && x.port === t.port && x.transport === t.transport) === i,
    );
    const how = useSrv ? 'SRV records' : o.kdc ? '--kdc' : 'krb5.conf [realms]';
    if (!kdcTargets.length)
      disc.end('fail', `no KDC for ${realm} (${how}${!useSrv && !kdcSpecs.length ? '; dns_lookup_kdc = false' : ''})`);
    else {
      const cl = disc.facts.find((f) => f.kind === 'cldap-ping');
      const clOk = !cl || (cl.kind === 'cldap-ping' && cl.outcome === 'answered');
      disc.end(
        clOk ? 'pass' : 'fail',
        `KDCs from ${how}: ${kdcTargets.map((t) => `${t.host} (${t.address}:${t.port})`).join(', ')}${isAd ? `; CLDAP ping ${cl?.kind === 'cldap-ping' ? cl.outcome : 'not sent'}` : '; no _ldap._tcp.dc._msdcs record: not an AD domain, CLDAP not checked'}`,
      );
    }
  };
  await Promise.all([resolveStep(), discoveryStep()]);

  // ---- 4. ports ∥ 5/6. clock + TGT ∥ anonymous HTTP -----------------------------------------------------------------
  const kctx: KdcContext = {
    realm: realm ?? '',
    targets: kdcTargets,
    deadline,
    udpPreferenceLimit: defaults.udpPreferenceLimit,
    now: () => new Date(),
  };
  const ports = S('ports');
  const clock = S('clock');
  const tgtStep = S('tgt');
  const portsStep = async () => {
    ports.start();
    const jobs: { host: string; address: string; port: number; service?: string }[] = [];
    const kdc = kdcTargets[0];
    if (kdc) {
      // the KDC's own port (88 unless --kdc HOST:PORT or krb5.conf says otherwise), then the DC's other services
      jobs.push({ host: kdc.host, address: kdc.address, port: kdc.port, service: 'kerberos' });
      for (const p of isAd ? [464, 389, 53, 445] : [464]) jobs.push({ host: kdc.host, address: kdc.address, port: p });
    }
    const taddr = targetAddrs[0];
    if (url && taddr && targetHost)
      jobs.push({ host: targetHost, address: taddr, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) });
    // the SMB server's port: the target of smb://, or the site's own server with --also-smb
    if ((smbTarget || smbShare) && taddr && targetHost)
      jobs.push({ host: targetHost, address: taddr, port: Number(smbTarget?.port || 445) });
    if (!jobs.length) {
      ports.end('skip', 'nothing to probe (no KDC, no target address)');
      return;
    }
    const results = await Promise.all(jobs.map((j) => tcpProbe(j.address, j.port, stepMs()).then((r) => ({ j, r }))));
    for (const { j, r } of results)
      ports.facts.push({
        kind: 'port-probe',
        where: ports.where(),
        host: j.host,
        address: j.address,
        port: j.port,
        transport: 'tcp',
        service: j.service ?? SERVICES[j.port],
        outcome: r.outcome,
        detail: r.detail,
        ms: r.ms,
      });
    const bad = results.filter((x) => x.r.outcome !== 'open');
    const essential = bad.filter(
      (x) => x.j.service === 'kerberos' || x.j.port === 389 || (x.j.host === targetHost && x.j.address === taddr),
    );
    ports.end(essential.length ? 'fail' : bad.length ? 'warn' : 'pass', results.map((x) => `${x.j.port}/tcp ${x.r.outcome}`).join(', '));
  };

  let tgt: Creds | undefined = ccTgt;
  const tgtRun = async () => {
    tgtStep.start();
    clock.start();
    if (!realm || !kdcTargets.length || !effectiveUser) {
      const why = !realm ? 'no realm' : !kdcTargets.length ? 'no KDC to ask' : 'no user name';
      clock.end('skip', why);
      tgtStep.end('skip', why);
      return;
    }
    const r = await asExchange(
      kctx,
      effectiveUser,
      enctypes.length ? enctypes : [...DEFAULT_ENCTYPES],
      ccTgt ? undefined : keyFor,
      tgtStep.where(),
      tgtStep.facts,
    );
    if (r.clock) {
      clock.facts.push({ ...r.clock, where: clock.where() });
      const off = r.clock.kind === 'clock-offset' ? r.clock.offsetMs : 0;
      clock.end(
        Math.abs(off) > defaults.clockskew * 1000 ? 'fail' : Math.abs(off) > 60_000 ? 'warn' : 'pass',
        `KDC clock ${off >= 0 ? '+' : ''}${off} ms from ours (limit ±${defaults.clockskew} s)`,
      );
    } else clock.end('skip', r.unreachable ? 'no KDC answered: the KDC time is unknown' : 'no KDC time measured');
    if (ccTgt) {
      tgtStep.end('skip', `a valid TGT is already in the ccache (${ccPath}); it is used`);
      return;
    }
    if (!keyFor) {
      tgtStep.end('fail', 'no password or client keytab, and no valid TGT in the ccache');
      return;
    }
    tgt = r.creds;
    tgtStep.end(r.creds ? 'pass' : 'fail', r.detail);
  };

  const http = S('http');
  const client = targetAddrs[0] ? httpClient(targetAddrs[0]) : undefined;
  let anon: Awaited<ReturnType<NonNullable<typeof client>['request']>> | undefined;
  const anonRun = async () => {
    if (!url || !client) return;
    anon = await client.request(url, {}, stepMs());
  };
  await Promise.all([portsStep(), tgtRun(), anonRun()]);

  const offers = (anon?.wwwAuthenticate ?? []).map((h) => h.trim().split(/\s+/)[0] ?? '').filter(Boolean);
  const negotiateOffered = offers.some((s) => /^(negotiate|kerberos)$/i.test(s));

  // ---- 7. service ticket ------------------------------------------------------------------------------------------
  const st = S('service-ticket');
  st.start();
  let svc: Creds | undefined;
  const spnParts = spn.split('@')[0]?.split('/') ?? [];
  if (!tgt) st.end('skip', 'no TGT');
  else if (url && anon?.status === 401 && !negotiateOffered)
    st.end('skip', `the server offers ${offers.join(', ') || 'no scheme'}, not Negotiate: a browser asks for no ticket`);
  else if (!spnParts.length || !spn) st.end('skip', 'no SPN');
  else {
    const r = await tgsExchange(kctx, tgt, spnParts, tgsEnctypes.length ? tgsEnctypes : [...DEFAULT_ENCTYPES], st.where(), st.facts);
    svc = r.creds;
    if (r.creds) {
      const t = r.creds.ticket;
      st.end(
        'pass',
        `${spn}: ticket ${getEnctype(t.encPart.etype)?.name ?? t.encPart.etype}, kvno ${t.encPart.kvno ?? '-'}, flags 0x${(r.creds.flags >>> 0).toString(16)}`,
      );
    } else {
      st.end('fail', r.detail);
      // KDC_ERR_S_PRINCIPAL_UNKNOWN: does the KDC know a neighbouring name? (proves a CNAME or port SPN)
      if (r.error?.errorCode === 7 && targetHost && spnParts.length >= 2) {
        const host = spnParts[1] ?? '';
        const alts: { name: string; why: 'canonical-name' | 'alias-name' | 'with-port' }[] = [];
        if (canonical && host === targetHost && canonical !== host) alts.push({ name: canonical, why: 'canonical-name' });
        if (canonical && host === canonical && targetHost !== host) alts.push({ name: targetHost, why: 'alias-name' });
        if (url?.port && !host.includes(':')) alts.push({ name: `${host}:${url.port}`, why: 'with-port' });
        for (const a of alts) {
          if (left() <= 0) break;
          const alt = [spnParts[0] ?? 'HTTP', a.name];
          const ar = await tgsExchange(
            kctx,
            tgt,
            alt,
            tgsEnctypes.length ? tgsEnctypes : [...DEFAULT_ENCTYPES],
            st.where(),
            st.facts,
            false,
          );
          st.facts.push({
            kind: 'spn-alternative',
            where: st.where(),
            asked: spn,
            alternative: alt.join('/'),
            why: a.why,
            exists: Boolean(ar.creds),
            kvno: ar.creds?.ticket.encPart.kvno,
            enctype: ar.creds?.ticket.encPart.etype,
          });
        }
      }
    }
  }

  // the account the site runs as: given, or the account name a --keytab entry carries (samba-tool/ktpass -princ NAME)
  const siteAccount =
    o.siteAccount ??
    o.keytab
      ?.flatMap((k) => readKeytab(k).kt?.entries ?? [])
      .map((e) => e.principal.components)
      .find((c) => c.length === 1)?.[0];
  /** An LDAP session to the DC check found, with check's own credentials (bounded by what is left of --timeout). */
  const openDirectory = () =>
    openDirectorySession({
      ...(o.user ? { user: o.user } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.ccache ? { ccache: o.ccache } : {}),
      ...(o.clientKeytab ? { clientKeytab: o.clientKeytab } : {}),
      ...(realm ? { realm } : {}),
      dc: dcAddress,
      ...(o.dnsServer ? { dnsServer: o.dnsServer } : {}),
      ...(o.kdc ? { kdc: o.kdc } : {}),
      timeoutMs: Math.max(200, Math.min(5000, left())),
      env,
    });
  /** Who holds the SPN, as `setspn -Q` (AD only), over an LDAP session with the same credentials. */
  const askDirectory = async (where: Where, facts: Fact[], asked: 'kdc-unknown-spn' | 'server-rejected' | 'kdc-enctype') => {
    const common = { kind: 'directory-spn' as const, where, spn, asked, ...(siteAccount ? { siteAccount } : {}) };
    try {
      const session = await openDirectory();
      try {
        const owners = await spnOwner({ baseDn: session.baseDn, realm: session.realm, search: (q) => session.client.search(q) }, spn);
        facts.push({
          ...common,
          dc: `${session.dc.host} (${session.dc.address})`,
          owners: owners.map((x) => ({
            account: x.account,
            dn: x.dn,
            objectClass: x.objectClass,
            ...(x.supportedEncryptionTypes
              ? { supportedEncryptionTypes: { value: x.supportedEncryptionTypes.value, enctypes: x.supportedEncryptionTypes.enctypes } }
              : {}),
          })),
        });
      } finally {
        await session.close();
      }
    } catch (e) {
      facts.push({ ...common, dc: dcAddress ?? '', owners: [], error: (e as Error).message });
    }
  };

  // the KDC does not know the SPN: ask the directory who holds it, as `setspn -Q` (AD only: nobody, or two accounts?)
  const unknownSpn = st.facts.some((f) => f.kind === 'krb-error' && f.code === 7);
  if (unknownSpn && isAd && dcAddress && tgt && left() > 200) await askDirectory(st.where(), st.facts, 'kdc-unknown-spn');
  // no common enctype for the service: the account's msDS-SupportedEncryptionTypes says why
  const noEnctype = st.facts.some((f) => f.kind === 'krb-error' && f.code === 14 && f.from === 'kdc');
  if (noEnctype && isAd && dcAddress && tgt && left() > 200) await askDirectory(st.where(), st.facts, 'kdc-enctype');

  // ---- 9. acceptor side (before any HTTP is sent with the ticket) --------------------------------------------------
  const acc = S('acceptor');
  acc.start();
  if (!o.keytab?.length) acc.end('skip', 'no --keytab');
  else if (!svc) acc.end('skip', 'no service ticket to check');
  else {
    const keys = new KeySet();
    for (const k of o.keytab) {
      const { kt, error } = readKeytab(k);
      if (kt) keys.addKeytab(kt.entries, k);
      else acc.facts.push({ kind: 'bad-reply', where: acc.where(), peer: k, protocol: 'kerberos', detail: `keytab ${k}: ${error}` });
    }
    const d = decryptTicket(svc.ticket, keys);
    acc.facts.push(ticketDecryptFact(acc.where(), svc.ticket, d));
    acc.end(d.status === 'decrypted' ? 'pass' : 'fail', d.detail);
  }

  // ---- 8. HTTP Negotiate ------------------------------------------------------------------------------------------
  http.start();
  let mutual = false;
  if (!url) http.end('skip', smbTarget ? 'an smb:// target: the SMB step is the service check' : 'no URL');
  else if (!client || !anon) http.end('fail', `${targetHost} has no address`);
  else {
    const w = http.where();
    if (anon.status === undefined) {
      // a refused or unreachable port is the ports step's finding (web-unreachable); an accepted connection that
      // gives no HTTP response is a bad reply
      if (!/refused|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL/.test(anon.error ?? ''))
        http.facts.push({ kind: 'bad-reply', where: w, peer: `${targetHost}`, protocol: 'http', detail: anon.error ?? 'no HTTP response' });
      http.end('fail', `no HTTP response from ${url.host}: ${anon.error}`);
    } else {
      http.facts.push({ kind: 'http-response', where: w, url: url.href, server: anon.address, status: anon.status, challenges: offers });
      // the shared RFC 7235 parser: `Basic realm="X"` carries auth-params, not a token
      for (const h of anon.wwwAuthenticate)
        for (const a of parseAuthValue(h, 'WWW-Authenticate'))
          http.facts.push({ kind: 'auth-header', where: w, direction: 'response', scheme: a.scheme, hasToken: a.token !== undefined });
      if (anon.status !== 401)
        http.end(anon.status < 400 ? 'warn' : 'fail', `anonymous request → ${anon.status} (no authentication asked)`);
      else if (!negotiateOffered) http.end('fail', `401 offering ${offers.join(', ') || 'nothing'}: no Negotiate`);
      else if (!svc) {
        // no ticket: would this server take NTLM instead? (what a browser then does, silently)
        const probe = await ntlmProbe(client, url, stepMs(), http.where());
        http.facts.push(probe);
        http.end(
          probe.accepted ? 'warn' : 'skip',
          `401 offering ${offers.join(', ')}; no service ticket to send${probe.accepted ? '; the server accepts NTLM inside Negotiate: a browser falls back to NTLM' : ''}`,
        );
      } else {
        const cbt = o.cbt && anon.tlsServerEndPoint ? channelBindingsHash(anon.tlsServerEndPoint) : undefined;
        const flags = o.client === 'windows' ? GSS_FLAGS.windows : o.client === 'mit' ? GSS_FLAGS.mit : GSS_FLAGS.gssapi;
        const ap = buildApReq({
          creds: svc,
          now: new Date(),
          gssFlags: flags,
          bindingsHash: cbt,
          mechTypes: o.client === 'windows' ? [GssOid.MS_KRB5, GssOid.KRB5] : [GssOid.KRB5],
        });
        const header = `Negotiate ${toBase64(ap.spnego)}`;
        http.facts.push({
          kind: 'ap-req',
          where: w,
          realm: svc.ticket.realm,
          sname: svc.ticket.sname.nameString,
          enctype: svc.ticket.encPart.etype,
          kvno: svc.ticket.encPart.kvno,
          tokenBytes: ap.spnego.length,
          carrier: 'http',
        });
        let r = await client.request(url, { Authorization: header }, stepMs());
        // redirects within the origin (the authenticated connection stays the same)
        for (let i = 0; i < 5 && r.status && r.status >= 300 && r.status < 400 && r.location; i++) {
          const next = new URL(r.location, url);
          if (next.origin !== url.origin) break;
          r = await client.request(next, { Authorization: header }, stepMs());
        }
        const w2 = http.where();
        const roffers = r.wwwAuthenticate.map((h) => h.trim().split(/\s+/)[0] ?? '');
        if (r.status === undefined) {
          http.facts.push({ kind: 'bad-reply', where: w2, peer: url.host, protocol: 'http', detail: r.error ?? 'no response' });
          http.end('fail', `no response to the Negotiate request: ${r.error}`);
        } else {
          http.facts.push({
            kind: 'http-response',
            where: w2,
            url: url.href,
            server: r.address,
            status: r.status,
            challenges: roffers,
            requestScheme: 'Negotiate',
            requestHeaderBytes: header.length,
            responseToken: r.wwwAuthenticate.some((h) => /^\s*\S+\s+\S/.test(h)),
          });
          let apRepSeen = false;
          for (const h of r.wwwAuthenticate) {
            const parts = h.trim().split(/\s+/);
            const tokB64 = parts[1];
            if (!tokB64 || !/^(negotiate|kerberos)$/i.test(parts[0] ?? '')) continue;
            let bytes: Uint8Array | undefined;
            try {
              bytes = fromBase64(tokB64);
            } catch {
              bytes = undefined;
            }
            if (!bytes) {
              http.facts.push({
                kind: 'bad-reply',
                where: w2,
                peer: url.host,
                protocol: 'http',
                detail: 'WWW-Authenticate token is not base64',
              });
              continue;
            }
            const ins = inspectToken(
              bytes,
              {
                label: `${w2.label}: WWW-Authenticate from ${url.host}`,
                header: 'WWW-Authenticate',
                scheme: parts[0],
                direction: 'response',
                encoding: 'base64',
                bytes: bytes.length,
              },
              { keys: new KeySet(), sessionKeys: [], options: {} },
            );
            http.facts.push(...ins.facts.map((f) => ({ ...f, where: { ...f.where, step: 'http', time: w2.time } })));
            const apRep = findApRep(bytes);
            if (apRep) {
              apRepSeen = true;
              const v = verifyApRep(apRep, svc, ap);
              mutual = v.status === 'verified';
              http.facts.push({
                kind: 'mutual-auth',
                where: w2,
                status: v.status,
                detail:
                  v.status === 'verified' ? `the AP-REP opens with the session key of ${spn} and echoes our authenticator time` : v.detail,
                spn,
              });
            }
          }
          if (r.status < 400 && !apRepSeen)
            http.facts.push({
              kind: 'mutual-auth',
              where: w2,
              status: 'absent',
              detail: `${r.status} without an AP-REP in WWW-Authenticate: the server was not authenticated to us`,
              spn,
            });
          http.end(
            r.status < 400 && mutual ? 'pass' : r.status < 400 ? 'warn' : 'fail',
            `401 (${offers.join(', ')}) → Negotiate (${header.length}-byte header) → ${r.status}${mutual ? '; mutual authentication proven (AP-REP verified)' : ''}`,
          );
        }
      }
    }
    client.close();
  }

  // the web server (or our acceptor check) could not read the ticket: with the site's account known, ask the directory
  // whether the SPN is on that account at all ("on account X, but the site runs as Y")
  const serverRejected =
    http.facts.some((f) => f.kind === 'krb-error' && f.from === 'service' && [31, 41, 44].includes(f.code)) ||
    acc.facts.some((f) => f.kind === 'ticket-decrypt' && f.status !== 'decrypted');
  // a server without a key of the ticket's enctype: the account's msDS-SupportedEncryptionTypes picks it
  const enctypeRejected =
    http.facts.some((f) => f.kind === 'krb-error' && f.from === 'service' && f.code === 45) ||
    acc.facts.some((f) => f.kind === 'ticket-decrypt' && f.status === 'enctype-missing');
  if (((serverRejected && siteAccount) || enctypeRejected) && isAd && dcAddress && tgt && left() > 200)
    await askDirectory(http.where(), http.facts, 'server-rejected');

  // the server refused the Negotiate header as too long (or it is over Apache's default 8190): ask the directory how
  // many groups the user is in, so token-too-large names the count and the MaxTokenSize estimate
  const bigHeader =
    http.facts.some(
      (f) => f.kind === 'http-response' && [400, 413, 431].includes(f.status) && /^negotiate$/i.test(f.requestScheme ?? ''),
    ) || http.facts.some((f) => f.kind === 'http-response' && (f.requestHeaderBytes ?? 0) > 8190);
  if (bigHeader && isAd && dcAddress && tgt && left() > 200) {
    const who = tgt.client.nameString.join('/');
    const where = http.where();
    try {
      const session = await openDirectory();
      try {
        const t = await directoryTokenSize({ baseDn: session.baseDn, realm: session.realm, search: (q) => session.client.search(q) }, who);
        http.facts.push(directoryTokenFact(where, `${session.dc.host} (${session.dc.address})`, t));
      } finally {
        await session.close();
      }
    } catch (e) {
      http.facts.push({ kind: 'directory-token', where, user: who, dc: dcAddress, error: (e as Error).message });
    }
  }

  // ---- 10. SMB isolation (the guidance: "does SMB work with Kerberos against the same server?") ---------------------
  const smbStep = S('smb');
  smbStep.start();
  const smbAddr = targetAddrs[0];
  if (!smbShare) smbStep.end('skip', 'no smb:// target and no --also-smb');
  else if (!targetHost || !smbAddr) smbStep.end('skip', `${targetHost ?? 'the target'} has no address`);
  else if (!tgt && !(smbTarget && svc)) smbStep.end('skip', 'no TGT: no cifs/ ticket to present');
  else if (left() <= 0) smbStep.end('skip', 'no time left (--timeout)');
  else {
    const smbSpn = smbTarget && o.spn ? o.spn : `cifs/${targetHost}`;
    const r = await smbKerberosProbe({
      host: smbAddr,
      port: smbTarget?.port ? Number(smbTarget.port) : undefined,
      server: targetHost,
      share: smbShare,
      spn: smbSpn,
      timeoutMs: Math.max(200, stepMs()),
      credentials:
        smbTarget && svc
          ? { kind: 'ticket', ticket: svc }
          : { kind: 'tgt', tgt: tgt as Creds, kdcs: kdcTargets, enctypes: tgsEnctypes.length ? tgsEnctypes : undefined },
    });
    // the probe's own Kerberos facts (its TGS exchange, the AP-REQ, a KRB-ERROR inside SPNEGO, the AP-REP check)
    smbStep.facts.push(...r.facts.filter((f) => !(smbTarget && svc && f.kind === 'kdc-request')));
    const failed = r.steps.find((x) => x.outcome === 'fail');
    smbStep.facts.push({
      kind: 'smb-session',
      where: smbStep.where(),
      server: targetHost,
      address: smbAddr,
      share: smbShare,
      spn: r.spn,
      outcome: r.ok ? 'ok' : 'fail',
      ...(failed ? { failedStep: failed.id, ...(failed.code ? { code: failed.code } : {}) } : {}),
      ...(failed?.ntStatus ? { ntStatus: failed.ntStatus } : {}),
      ...(r.dialect ? { dialect: r.dialect.name } : {}),
      mutualAuth: r.mutualAuth,
      detail: r.ok
        ? `${r.target.unc}: SMB ${r.dialect?.name ?? ''} session with Kerberos (${r.spn}), mutual authentication ${r.mutualAuth}, tree connected`
        : `${r.target.unc}: ${failed?.id ?? 'probe'} failed: ${failed?.error ?? failed?.ntStatus ?? 'no detail'}`,
      alongHttp: Boolean(url),
    });
    smbStep.end(
      r.ok ? 'pass' : 'fail',
      r.ok
        ? `${r.target.unc}: ${r.dialect?.name ?? 'SMB2'}, Kerberos ${r.spn}, mutual auth ${r.mutualAuth}, TREE_CONNECT ok`
        : `${r.target.unc}: ${failed?.id ?? 'probe'}: ${failed?.error ?? failed?.ntStatus ?? 'failed'}`,
    );
  }

  // ---- credentials out ----------------------------------------------------------------------------------------------
  if (o.saveCcache && tgt) {
    const toP = (p: { nameType: number; nameString: string[] }, realm2: string) => ({
      nameType: p.nameType,
      components: p.nameString,
      realm: realm2,
    });
    const cred = (c: Creds) => ({
      client: toP(c.client, c.crealm),
      server: toP(c.server, c.srealm),
      key: { enctype: c.sessionKey.enctype, value: c.sessionKey.key },
      authtime: c.authtime,
      starttime: c.starttime ?? c.authtime,
      endtime: c.endtime,
      renewTill: c.renewTill,
      ticketFlags: c.flags,
      ticket: c.ticketDer,
    });
    const bytes = encodeCcache({ defaultPrincipal: toP(tgt.client, tgt.crealm), credentials: [cred(tgt), ...(svc ? [cred(svc)] : [])] });
    writeFileSync(o.saveCcache, bytes, { mode: 0o600 });
    chmodSync(o.saveCcache, 0o600);
  }

  // ---- 11. delegation (the guidance: "is delegation set up?"): the site, with its own keys, acting as the user ------
  const dlg = S('delegation');
  dlg.start();
  const siteKeys = (o.keytab ?? []).flatMap((k) => readKeytab(k).kt?.entries ?? []);
  const dUser = tgt ? tgt.client.nameString.join('/') : undefined;
  if (!o.delegateTo) dlg.end('skip', 'no --delegate-to');
  else if (!siteKeys.length) dlg.end('skip', "--delegate-to needs the site's --keytab (the front end's keys)");
  else if (!tgt || !dUser) dlg.end('skip', 'no TGT: no user to delegate');
  else if (left() <= 200) dlg.end('skip', 'no time left (--timeout)');
  else {
    const where = dlg.where();
    const kctx2: KdcContext = { ...kctx, deadline: performance.now() + Math.max(200, stepMs()) };
    const etypes = tgsEnctypes.length ? tgsEnctypes : [...DEFAULT_ENCTYPES];
    let proven = false;
    if (isAd && dcAddress) {
      try {
        const session = await openDirectory();
        try {
          const { facts } = await auditDelegation(
            {
              baseDn: session.baseDn,
              realm: session.realm,
              ...(session.rootDse.configurationNamingContext
                ? { configurationNamingContext: session.rootDse.configurationNamingContext }
                : {}),
              search: (q) => session.client.search(q),
            },
            {
              // the front end is the account the site runs as, else the holder of the site's SPN
              frontEnd: siteAccount ?? spn,
              to: o.delegateTo,
              user: dUser,
              keytab: siteKeys,
              kdc: { targets: kdcTargets, udpPreferenceLimit: kctx.udpPreferenceLimit, etypes, deadline: kctx2.deadline },
            },
          );
          dlg.facts.push(...facts.map((f) => ({ ...f, where })));
          proven = true;
        } finally {
          await session.close();
        }
      } catch (e) {
        dlg.facts.push({
          kind: 'directory-spn',
          where,
          spn,
          dc: dcAddress,
          owners: [],
          error: `delegation settings: ${(e as Error).message}`,
        });
      }
    }
    if (!proven) {
      // no directory: the S4U proof alone, as the keytab's account
      const account = siteAccount ?? siteKeys.find((k) => k.principal.components.length === 1)?.principal.components[0];
      if (account) {
        const t = await frontEndTgt(kctx2, { account, spns: [spn] }, siteKeys, etypes, where, dlg.facts);
        if (t.creds) await proveDelegation(kctx2, t.creds, dUser, o.delegateTo, etypes, where, dlg.facts);
        else
          dlg.facts.push({
            kind: 'delegation-hop',
            where,
            step: 's4u2self',
            from: dUser,
            to: account,
            user: dUser,
            ok: false,
            skipped: t.detail,
            detail: `not tried: no TGT for ${account} with the keytab (${t.detail})`,
          });
      } else
        dlg.facts.push({
          kind: 'delegation-hop',
          where,
          step: 's4u2self',
          from: dUser,
          to: spn,
          user: dUser,
          ok: false,
          skipped: 'unknown front end account',
          detail: 'not tried: no directory and no account name in the keytab (give --site-account)',
        });
    }
    const hops = dlg.facts.filter((f): f is Extract<Fact, { kind: 'delegation-hop' }> => f.kind === 'delegation-hop');
    const bad = hops.find((h) => !h.ok);
    dlg.end(
      bad ? 'fail' : hops.length ? 'pass' : 'warn',
      bad
        ? `${bad.step === 's4u2self' ? 'S4U2Self' : 'S4U2Proxy'} ${bad.from} → ${bad.to}: ${bad.detail}`
        : hops.length
          ? `S4U2Self and S4U2Proxy to ${o.delegateTo} for ${dUser}: ticket issued`
          : 'settings read; no proof',
    );
  }

  // ---- findings -----------------------------------------------------------------------------------------------------
  const ordered = CHECK_STEPS.map((s) => S(s.id));
  const all = ordered.flatMap((s) => s.facts);
  // PREAUTH_REQUIRED (25) and RESPONSE_TOO_BIG (52) are normal steps of an exchange, not findings
  const forRules = all.filter((f) => !(f.kind === 'krb-error' && f.from === 'kdc' && (f.code === 25 || f.code === 52)));
  const findings = evaluate(forRules);
  const stepsOut: CheckStep[] = ordered.map((s) => ({
    id: s.id,
    title: CHECK_STEPS.find((x) => x.id === s.id)?.title ?? s.id,
    status: s.status,
    ms: s.ms,
    summary: s.summary,
    facts: s.facts,
  }));
  return { schemaVersion: CHECK_SCHEMA_VERSION, target: target?.href ?? spn, spn, client: o.client, steps: stepsOut, findings };
}

/** The AP-REP inside a WWW-Authenticate token: SPNEGO NegTokenResp → responseToken → GSS krb5 (tok id 02 00) → AP-REP. */
/**
 * Sends an NTLM NEGOTIATE inside Negotiate (no credentials in it) and reads the answer: an NTLM CHALLENGE in the 401
 * means the server would complete the handshake with NTLM.
 */
async function ntlmProbe(
  client: NonNullable<ReturnType<typeof httpClient>>,
  url: URL,
  ms: number,
  where: Where,
): Promise<Extract<Fact, { kind: 'ntlm-probe' }>> {
  const r = await client.request(url, { Authorization: `Negotiate ${toBase64(buildNtlmNegotiateToken())}` }, ms);
  const base = { kind: 'ntlm-probe' as const, where, url: url.href, ...(r.status !== undefined ? { status: r.status } : {}) };
  if (r.status === undefined) return { ...base, accepted: false, detail: `no answer to the NTLM probe: ${r.error ?? 'no response'}` };
  for (const h of r.wwwAuthenticate) {
    const [scheme = '', tok] = h.trim().split(/\s+/);
    if (!tok || !/^(negotiate|ntlm)$/i.test(scheme)) continue;
    let g: ReturnType<typeof decodeGssToken> | undefined;
    try {
      const bytes = fromBase64(tok);
      g = bytes ? decodeGssToken(bytes) : undefined;
    } catch {
      g = undefined;
    }
    const ch = g?.layers.find((l) => l.kind === 'ntlmssp' && l.message.messageType === 2);
    if (ch && ch.kind === 'ntlmssp' && ch.message.messageType === 2)
      return {
        ...base,
        accepted: true,
        ...(ch.message.targetName ? { targetName: ch.message.targetName } : {}),
        detail: `HTTP ${r.status} with an NTLM CHALLENGE${ch.message.targetName ? ` (target ${ch.message.targetName})` : ''}`,
      };
  }
  return { ...base, accepted: false, detail: `HTTP ${r.status} without an NTLM CHALLENGE: the server does not take NTLM inside Negotiate` };
}

function findApRep(bytes: Uint8Array) {
  try {
    let inner = bytes;
    if (bytes[0] === 0xa1) {
      const t = decodeNegotiationToken(bytes);
      if (t.type !== 'negTokenResp' || !t.value.responseToken) return undefined;
      inner = t.value.responseToken ?? inner;
    }
    if (inner[0] === 0x60) {
      const g = decodeInitialContextToken(inner);
      if (g.innerToken[0] !== 0x02 || g.innerToken[1] !== 0x00) return undefined;
      inner = g.innerToken.subarray(2);
    }
    const m = decodeKrb5Message(inner);
    return m.name === 'AP-REP' ? decodeApRep(inner) : undefined;
  } catch {
    return undefined;
  }
}
