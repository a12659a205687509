// `kerbscope delegation` against the lab's real Samba 4.17 AD DC, held to the catalogue's delegation scenarios
// (lab/catalogue.ts, source 'delegation'): each is injected as an admin would on Samba (samba-tool delegation / user
// sensitive / group addmembers), its probe runs MIT's own S4U client with the front end's keytab (`kinit -f -k`,
// `kvno -U USER -P SPN`), and kerbscope, run with the same keytab, must agree with kvno hop for hop and name the
// scenario's root cause as findings[0].
//
// Also `kerbscope tokensize` against a user in 300 groups (the catalogue's bigTokenUser), with the ground truth from
// a real ticket MIT's kvno gets for that user: its PAC's GroupIds count (decrypted with the lab's decrypt keytab),
// and check naming the group count in token-too-large for the catalogue's token-too-large scenario.
// Run under the shared lab lock: flock /tmp/kerbscope-lab.lock node --import tsx --test test/directory/lab-directory.test.ts
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DelegationSetup, FRONT_END, sambaOps } from '../../lab/backends/samba-ops.js';
import { captureStart, tsharkCount } from '../../lab/capture.js';
import { runStep } from '../../lab/clients.js';
import { applyScenario, implFor, type LabBase, SCENARIOS, startBase } from '../../lab/index.js';
import { run } from '../../lab/proc.js';
import type { LabEnv } from '../../lab/types.js';
import { decodeCcache } from '../../src/formats/ccache.js';
import { decodeKeytab } from '../../src/formats/keytab.js';
import { KeySet } from '../../src/inspect/keys.js';
import { decryptTicket, inspectPac } from '../../src/inspect/ticket.js';
import { decodeTicket } from '../../src/protocol/krb5/index.js';
import { runCheckFor } from '../check/lab-helpers.js';
import { CLI_PATH, ensureCliBuilt } from '../helpers/cli.js';
import { requireLab } from '../lab/harness.js';

const FRONT = FRONT_END.account;
const FRONT_SPN = FRONT_END.spn;
const CIFS = 'cifs/dc1.contoso.com';
const LDAP = 'ldap/dc1.contoso.com';

const clientEnv = (env: LabEnv, cc: string) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: join(env.dir, 'client'),
  LANG: 'C',
  KRB5_CONFIG: env.krb5.conf,
  KRB5CCNAME: `FILE:${cc}`,
});

/** The built CLI in the client namespace, bound as the lab user (password on stdin). */
async function delegation(env: LabEnv, args: string[], as = { user: env.user, password: env.password }, command = 'delegation') {
  const r = await run(
    [...env.net.clientExec, process.execPath, CLI_PATH, command, ...args, '--user', as.user, '--password-stdin', '--timeout', '8000'],
    { env: clientEnv(env, join(env.dir, 'client', 'no-ccache')), input: `${as.password}\n`, timeoutMs: 60_000 },
  );
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, json: json as any };
}

const proxyHop = (j: any) => j.hops.find((h: any) => h.step === 's4u2proxy');
const selfHop = (j: any) => j.hops.find((h: any) => h.step === 's4u2self');
const DELEGATION_SCENARIOS = SCENARIOS.filter((s) => s.source === 'delegation').map((s) => s.id);
const covered = new Set<string>();

if (requireLab('samba')) {
  describe('kerbscope delegation × Samba AD DC, beside kvno -U -P', { concurrency: false }, () => {
    let base: LabBase | undefined;
    const env = () => (base as LabBase).env;
    const keytab = () => join(env().dir, FRONT_END.keytab);
    /** a configuration outside the catalogue (the op the catalogue uses, so the same front end and keytab) */
    const configure = (setup: DelegationSetup) => sambaOps(env()).delegation(setup);
    before(async () => {
      ensureCliBuilt();
      base = await startBase('samba', { id: 'dlgt' });
    });
    after(async () => {
      await base?.down({ removeFiles: true });
    });

    /**
     * One catalogue scenario: inject, run its probe (kvno -U -P, the ground truth), run kerbscope with the same
     * keytab; the S4U2Proxy verdicts must agree and findings[0] must be the scenario's root cause.
     */
    async function both(id: string) {
      covered.add(id);
      const applied = await applyScenario(base as LabBase, id);
      try {
        const impl = applied.impl;
        const args = impl.delegation;
        assert.ok(args, `${id} has delegation arguments`);
        const probe = impl.probe(env())[0];
        assert.ok(probe);
        const cap = await captureStart(join(env().dir, `${id}.pcapng`), env().net, (base as LabBase).janitor, 'eth0', 'port 88');
        const r = await runStep(env(), probe.step);
        const pcap = await cap.stop();
        const truth = { ok: r.code === 0, stderr: r.stderr.trim() };
        // trace on the probe's own capture: the S4U hops as the wire shows them (no directory in a capture)
        const tr = await run([process.execPath, CLI_PATH, 'trace', pcap, '--json'], { timeoutMs: 60_000 });
        const trace = JSON.parse(tr.stdout);
        const refused = trace.findings.find((f: any) => f.id === 'delegation-kdc-refused');
        assert.equal(await tsharkCount(pcap, 'kerberos.error_code == 13'), truth.ok ? 0 : 1, 'tshark: one BADOPTION when kvno failed');
        if (truth.ok) assert.equal(refused, undefined, JSON.stringify(trace.findings.map((f: any) => f.id)));
        else {
          assert.equal(trace.findings[0]?.id, 'delegation-kdc-refused', JSON.stringify(trace.findings.map((f: any) => f.id)));
          assert.match(
            refused.title,
            new RegExp(
              `^S4U2Proxy ${FRONT}@CONTOSO\\.COM → ${impl.delegation?.to.replace(/\./g, '\\.')}@CONTOSO\\.COM failed: KDC_ERR_BADOPTION \\(13\\)$`,
            ),
          );
        }
        assert.equal(truth.ok, probe.expect?.code === 0, `the catalogue's expectation for ${id}: ${r.stderr}`);
        const ours = await delegation(env(), [
          args.frontEnd,
          '--to',
          args.to,
          '--impersonate',
          args.user,
          '--keytab',
          join(env().dir, args.keytab),
          '--json',
        ]);
        assert.ok(ours.json?.hops, `JSON from delegation (exit ${ours.code}): ${ours.stderr}${ours.stdout}`);
        assert.equal(proxyHop(ours.json)?.ok, truth.ok, `kvno: ${truth.ok ? 'ok' : truth.stderr}; ours: ${JSON.stringify(ours.json.hops)}`);
        const rootCause = applied.scenario.rootCause;
        if (rootCause === 'healthy') {
          assert.equal(ours.code, 0, ours.stdout);
          assert.deepEqual(
            ours.json.findings.filter((f: any) => f.severity === 'error'),
            [],
          );
        } else assert.equal(ours.json.findings[0]?.id, rootCause, JSON.stringify(ours.json.findings.map((f: any) => f.id)));
        return { truth, ours };
      } finally {
        await applied.revert();
      }
    }

    it('constrained delegation with protocol transition to cifs/: works, as kvno says', async () => {
      const { truth, ours } = await both('delegation-healthy');
      assert.ok(truth.ok);
      assert.equal(ours.code, 0, ours.stdout);
      assert.equal(ours.json.schemaVersion, 1);
      assert.equal(ours.json.frontEnd, FRONT);
      assert.equal(ours.json.kind, 'constrained-any-protocol');
      assert.deepEqual(ours.json.allowedTo, [CIFS]);
      assert.equal(selfHop(ours.json).forwardable, true);
      assert.equal(ours.json.target.owners[0].account, 'DC1$');
      assert.equal(ours.json.target.via, 'host/dc1.contoso.com');
      assert.deepEqual(
        ours.json.findings.filter((f: any) => f.severity === 'error'),
        [],
      );
      for (const h of ours.json.hops)
        assert.deepEqual(
          Object.keys(h)
            .filter((k) => ['from', 'to', 'ok'].includes(k))
            .sort(),
          ['from', 'ok', 'to'],
        );
    });

    it('constrained delegation to the wrong SPN: delegation-spn-not-allowed', async () => {
      const { truth, ours } = await both('delegation-wrong-spn');
      assert.ok(!truth.ok);
      assert.equal(ours.code, 1);
      assert.equal(ours.json.findings[0].id, 'delegation-spn-not-allowed');
      assert.match(proxyHop(ours.json).error, /KDC_ERR_BADOPTION \(13\)/);
    });

    it('protocol transition missing: the evidence ticket is not forwardable, delegation-protocol-transition', async () => {
      const { truth, ours } = await both('delegation-no-protocol-transition');
      assert.ok(!truth.ok);
      assert.equal(selfHop(ours.json).ok, true);
      assert.equal(selfHop(ours.json).forwardable, false);
      assert.equal(ours.json.kind, 'constrained');
      assert.equal(ours.json.findings[0].id, 'delegation-protocol-transition');
      assert.equal(ours.json.findings[0].severity, 'error');
    });

    it('the user is sensitive (UF_NOT_DELEGATED): delegation-user-sensitive', async () => {
      const { truth, ours } = await both('delegation-sensitive-user');
      assert.ok(!truth.ok);
      assert.equal(ours.json.user.notDelegated, true);
      assert.equal(ours.json.findings[0].id, 'delegation-user-sensitive');
      assert.equal(ours.json.findings[0].severity, 'error');
    });

    it('Protected Users: Samba 4.17 delegates anyway (as kvno shows); kerbscope warns that Windows would not', async () => {
      const { truth, ours } = await both('delegation-protected-user');
      assert.ok(truth.ok, 'Samba 4.17 does not enforce Protected Users for S4U2Proxy');
      assert.equal(ours.json.user.protectedUsers, true);
      assert.equal(ours.json.findings[0].id, 'delegation-user-sensitive');
      assert.equal(ours.json.findings[0].severity, 'warning');
      assert.equal(ours.code, 0);
    });

    it('resource-based delegation set on the back end: Samba 4.17 refuses it, kerbscope reads the descriptor and says so', async () => {
      const { truth, ours } = await both('delegation-rbcd-unsupported');
      assert.ok(!truth.ok, 'Samba 4.17 (Heimdal KDC) has no RBCD');
      assert.equal(ours.json.kind, 'resource-based');
      assert.equal(ours.json.target.rbcd.frontEndAllowed, true);
      assert.deepEqual(
        ours.json.target.rbcd.allowed.map((a: any) => a.account),
        [FRONT],
      );
      assert.equal(ours.json.findings[0].id, 'delegation-kdc-refused');
      assert.match(ours.json.findings[0].explanation, /resource-based/);
    });

    it('no delegation at all (RBCD missing): delegation-not-configured', async () => {
      const { truth, ours } = await both('delegation-none');
      assert.ok(!truth.ok);
      assert.equal(ours.json.kind, 'none');
      assert.equal(ours.json.findings[0].id, 'delegation-not-configured');
    });

    it('unconstrained delegation: kind unconstrained and the risk named; the S4U verdict agrees with kvno', async () => {
      const undo = await configure({ unconstrained: true });
      try {
        const truth = await runStep(env(), {
          tool: 's4u',
          keytab: FRONT_END.keytab,
          principal: `${FRONT}@${env().realm}`,
          user: 'john',
          spn: CIFS,
        });
        const ours = await delegation(env(), [FRONT, '--to', CIFS, '--impersonate', 'john', '--keytab', keytab(), '--json']);
        assert.equal(proxyHop(ours.json)?.ok, truth.code === 0, `kvno: ${truth.stderr}; ours: ${JSON.stringify(ours.json?.hops)}`);
        assert.equal(ours.json.kind, 'unconstrained');
        assert.ok(ours.json.findings.some((f: any) => f.id === 'delegation-unconstrained'));
      } finally {
        await undo();
      }
    });

    it("check --delegate-to: step 11 proves the site's delegation with its own keytab, and names the cause when it breaks", async () => {
      const check = async (to: string) => {
        const r = await run(
          [
            ...env().net.clientExec,
            process.execPath,
            CLI_PATH,
            'check',
            '--spn',
            FRONT_SPN,
            '--keytab',
            keytab(),
            '--delegate-to',
            to,
            '--user',
            env().user,
            '--password-stdin',
            '--timeout',
            '8000',
            '--json',
          ],
          { env: clientEnv(env(), join(env().dir, 'client', 'no-ccache')), input: `${env().password}\n`, timeoutMs: 60_000 },
        );
        return { code: r.code, json: JSON.parse(r.stdout), stderr: r.stderr };
      };
      const undo = await configure({ allowedTo: [CIFS], protocolTransition: true });
      try {
        const good = await check(CIFS);
        const step = good.json.steps.find((x: any) => x.id === 'delegation');
        assert.equal(step.status, 'pass', `${step.summary}\n${JSON.stringify(good.json.findings.map((f: any) => f.id))}`);
        assert.equal(good.code, 0, JSON.stringify(good.json.findings.map((f: any) => `${f.id}/${f.severity}`)));
        const bad = await check(LDAP);
        assert.equal(bad.code, 1);
        assert.equal(bad.json.steps.find((x: any) => x.id === 'delegation').status, 'fail');
        assert.equal(bad.json.findings[0]?.id, 'delegation-spn-not-allowed');
      } finally {
        await undo();
      }
    });

    it('every delegation scenario of the catalogue is held to kerbscope delegation above', () => {
      assert.deepEqual([...covered].sort(), [...DELEGATION_SCENARIOS].sort());
    });

    it('without a keytab the chain is judged from the directory (not proven) and the text names the cause', async () => {
      await configure({ allowedTo: [CIFS] });
      const j = await delegation(env(), [FRONT, '--to', LDAP, '--json']);
      assert.equal(j.json.hops.length, 1);
      assert.equal(j.json.hops[0].proof, 'directory');
      assert.equal(j.json.hops[0].ok, false);
      assert.equal(j.json.findings[0].id, 'delegation-spn-not-allowed');
      const html = join(env().dir, 'delegation.html');
      const t = await delegation(env(), [FRONT, '--to', LDAP, '--html', html]);
      assert.equal(t.code, 1);
      const page = readFileSync(html, 'utf8');
      assert.match(page, /delegate as the user to ldap\/dc1\.contoso\.com@CONTOSO\.COM/);
      assert.match(page, /delegation-spn-not-allowed/);
      assert.match(t.stdout, /msDS-AllowedToDelegateTo: cifs\/dc1\.contoso\.com/);
      assert.match(t.stdout, /delegation-spn-not-allowed/);
      assert.match(
        t.stdout,
        /Set-ADObject -Identity 'CN=svc-front,CN=Users,DC=contoso,DC=com' -Add @\{'msDS-AllowedToDelegateTo'='ldap\/dc1\.contoso\.com'\}/,
      );
    });

    it('what it reads matches ldapsearch on the same DC, and an unknown front end is exit 1 with one clear line', async () => {
      await configure({ allowedTo: [CIFS, LDAP], protocolTransition: true });
      const j = await delegation(env(), [FRONT_SPN, '--json']);
      assert.equal(j.json.frontEnd, FRONT, 'found by its SPN');
      const kinit = await run([...env().net.clientExec, 'kinit', env().user], {
        env: clientEnv(env(), join(env().dir, 'client', 'ls-ccache')),
        input: `${env().password}\n`,
        timeoutMs: 30_000,
      });
      assert.equal(kinit.code, 0, kinit.stderr);
      const ls = await run(
        [
          ...env().net.clientExec,
          'ldapsearch',
          '-N',
          '-Q',
          '-LLL',
          '-Y',
          'GSSAPI',
          '-o',
          'ldif-wrap=no',
          '-H',
          'ldap://dc1.contoso.com',
          '-b',
          'DC=contoso,DC=com',
          `(sAMAccountName=${FRONT})`,
          'msDS-AllowedToDelegateTo',
          'userAccountControl',
        ],
        { env: clientEnv(env(), join(env().dir, 'client', 'ls-ccache')), timeoutMs: 30_000 },
      );
      assert.equal(ls.code, 0, ls.stderr);
      const theirs = [...ls.stdout.matchAll(/^msDS-AllowedToDelegateTo: (.*)$/gm)].map((m) => m[1]).sort();
      assert.deepEqual(j.json.allowedTo, theirs);
      const uac = Number(/^userAccountControl: (\d+)$/m.exec(ls.stdout)?.[1]);
      assert.equal(j.json.account.uacFlags.includes('UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION'), (uac & 0x1000000) !== 0);
      const none = await delegation(env(), ['no-such-account']);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /no account .* no-such-account/);
    });

    it("check's enctype-unsupported names the account's msDS-SupportedEncryptionTypes (read from the directory)", async () => {
      const { scenario, impl } = implFor('enctype-unsupported', 'samba');
      const applied = await applyScenario(base as LabBase, scenario.id);
      try {
        const c = await runCheckFor(env(), scenario, impl);
        const f = c.json?.findings?.[0];
        assert.equal(f?.id, 'enctype-unsupported', c.stdout);

        assert.match(f.title, /svc-legacy.s msDS-SupportedEncryptionTypes is 4 \(arcfour-hmac\)/, f.title);
        assert.ok(
          f.evidence.some((e: string) => /msDS-SupportedEncryptionTypes = 4/.test(e)),
          f.evidence.join('\n'),
        );
        assert.match(f.fix[0], /^Set-ADUser -Identity \S+ -Replace @\{'msDS-SupportedEncryptionTypes'=24\}$/);
      } finally {
        await applied.revert();
      }
    });

    it('tokensize for a user in 300 groups: the directory count matches the PAC of a real ticket, and the real token is measured', async () => {
      const { scenario } = implFor('token-too-large', 'samba');
      const applied = await applyScenario(base as LabBase, scenario.id);
      try {
        const user = { user: 'biguser', password: env().password };
        const ours = await delegation(env(), ['--spn', 'HTTP/iisserver.contoso.com', '--json'], user, 'tokensize');
        assert.ok(ours.json?.groups, `tokensize JSON (exit ${ours.code}): ${ours.stderr}${ours.stdout}`);
        // ground truth: MIT kinit + kvno as biguser, the service ticket's PAC decrypted with the lab's keys
        const cc = join(env().dir, 'client', 'big-ccache');
        const e = clientEnv(env(), cc);
        const k = await run([...env().net.clientExec, 'kinit', 'biguser'], { env: e, input: `${env().password}\n`, timeoutMs: 30_000 });
        assert.equal(k.code, 0, k.stderr);
        const v = await run([...env().net.clientExec, 'kvno', 'HTTP/iisserver.contoso.com'], { env: e, timeoutMs: 30_000 });
        assert.equal(v.code, 0, v.stderr);
        const creds = decodeCcache(new Uint8Array(readFileSync(cc))).credentials.find(
          (c) => c.kind === 'ticket' && c.server.components[0] === 'HTTP',
        );
        assert.ok(creds, 'kvno stored the HTTP ticket');
        const keys = new KeySet();
        keys.addKeytab(decodeKeytab(new Uint8Array(readFileSync(env().decryptKeytab))).entries, 'decrypt');
        const ticket = decodeTicket(creds.ticket);
        const d = decryptTicket(ticket, keys);
        assert.equal(d.status, 'decrypted', d.detail);
        const pac = inspectPac(d.encPart as NonNullable<typeof d.encPart>, d.key, keys);
        const li = pac?.pac?.logonInfo;
        assert.ok(li, 'the ticket carries a PAC with KERB_VALIDATION_INFO');
        assert.ok(li.groupIds.length >= 300, `PAC GroupCount ${li.groupIds.length}`);
        assert.equal(ours.json.estimate.s, li.groupIds.length, 'directory s = the PAC GroupCount');
        assert.equal(ours.json.estimate.d, li.extraSids.length + li.resourceGroupIds.length, 'directory d = ExtraSids + ResourceGroupIds');
        // the real token: our own ticket for the same SPN is as large as kvno's, give or take names and times
        assert.ok(
          Math.abs(ours.json.real.ticketBytes - creds.ticket.length) < 64,
          `ours ${ours.json.real.ticketBytes} vs kvno ${creds.ticket.length}`,
        );
        assert.ok(ours.json.real.tokenBytes > ours.json.real.ticketBytes);
        assert.equal(ours.code, 0, 'within the default limits');

        // check against the catalogue's websmall site (LimitRequestFieldSize 4096): token-too-large names the count
        const impl = implFor('token-too-large', 'samba').impl;
        const c = await runCheckFor(env(), scenario, impl);
        assert.equal(c.json?.findings?.[0]?.id, 'token-too-large', c.stdout);
        assert.match(c.json.findings[0].explanation, new RegExp(`biguser in ${ours.json.groups.total} groups`));
      } finally {
        await applied.revert();
      }
    });
  });
}
