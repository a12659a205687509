// The SMB isolation probe (src/smb) against the Samba 4.17 AD DC of the lab: NEGOTIATE → SESSION_SETUP with a
// Kerberos AP-REQ for cifs/dc1.contoso.com → signed TREE_CONNECT, run inside the lab's client namespace (the probe
// reaches the DC the way `kerbscope check` does in test/check/lab-helpers.ts). Ground truth: `smbclient -k` on the
// same share (lab/clients.ts), and for cifs-ok-http-fails, `kerbscope check` on the web site failing at the same time.
// Starts a lab: run under `flock /tmp/kerbscope-lab.lock`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { captureStart, tsharkCount } from '../../lab/capture.js';
import { runStep } from '../../lab/clients.js';
import { applyScenario, implFor, type LabBase, startBase } from '../../lab/index.js';
import { run } from '../../lab/proc.js';
import type { LabEnv } from '../../lab/types.js';
import type { SmbProbeOptions, SmbProbeResult } from '../../src/smb/index.js';
import { runCheckFor } from '../check/lab-helpers.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { requireLab } from '../lab/harness.js';

const RUNNER = fileURLToPath(new URL('./probe-runner.ts', import.meta.url));
const DC = 'dc1.contoso.com';

type RunnerOptions = Partial<SmbProbeOptions> & { skewMs?: number; tamperWith?: 'tree-connect-signature' | 'negotiate-salt' };

export async function probeInLab(env: LabEnv, o: RunnerOptions = {}): Promise<SmbProbeResult> {
  const dcAddr = env.hosts[DC] ?? env.kdc;
  const opts: SmbProbeOptions & RunnerOptions = {
    host: dcAddr,
    server: DC,
    share: 'netlogon',
    timeoutMs: 10_000,
    credentials: {
      kind: 'password',
      user: env.user,
      password: env.password,
      realm: env.realm,
      kdcs: [{ host: DC, address: env.kdc, port: 88 }],
    },
    ...o,
  };
  const r = await run([...env.net.clientExec, process.execPath, '--import', 'tsx', RUNNER], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', LANG: 'C' },
    input: JSON.stringify(opts),
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, `probe runner exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout) as SmbProbeResult;
}

const summary = (r: SmbProbeResult) => r.steps.map((s) => `${s.id}:${s.outcome}${s.code ? `(${s.code}: ${s.error})` : ''}`).join(' ');
const outcomes = (r: SmbProbeResult) => Object.fromEntries(r.steps.map((s) => [s.id, s.code ? `${s.outcome}:${s.code}` : s.outcome]));

function assertHealthy(r: SmbProbeResult, dialect: string, algorithm: string): void {
  assert.ok(r.ok, summary(r));
  assert.deepEqual(outcomes(r), { connect: 'ok', negotiate: 'ok', ticket: 'ok', 'session-setup': 'ok', 'tree-connect': 'ok' });
  assert.equal(r.dialect?.name, dialect);
  assert.equal(r.signingRequired, true, 'a Samba DC requires signing (server signing = mandatory)');
  assert.equal(r.spn, `cifs/${DC}`);
  assert.equal(r.ticket?.sname, `cifs/${DC}`);
  assert.equal(r.ticket?.realm, 'CONTOSO.COM');
  assert.equal(r.mutualAuth, 'verified');
  // Samba sends no mechListMIC when the client's first mechanism was chosen and it sent none (RFC 4178 §5 lets both skip it)
  assert.equal(r.serverMic, undefined, `serverMic ${r.serverMic}`);
  assert.deepEqual(r.signing, { algorithm, treeConnectSigned: true, serverSignatures: 'verified' });
  assert.equal(r.session?.rounds, 1, 'Kerberos completes in one SESSION_SETUP round trip');
  assert.equal(r.session?.guest, false);
  assert.equal(r.share?.type, 'disk');
  assert.ok(r.serverMechs?.includes('1.2.840.113554.1.2.2'), 'the NEGOTIATE NegTokenInit2 offers Kerberos');
  assert.equal(r.kerberosOffered, true);
  assert.equal(r.preauthIntegrity, dialect === '3.1.1' ? 'SHA-512' : undefined);
  assert.match(r.serverGuid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  // the facts the rulebook gets: the TGS exchange for cifs/, the AP-REQ, mutual authentication verified
  assert.ok(r.facts.some((f) => f.kind === 'kdc-reply' && f.msgType === 13 && f.sname.join('/') === `cifs/${DC}`));
  assert.ok(r.facts.some((f) => f.kind === 'ap-req' && f.carrier === 'binary'));
  assert.ok(r.facts.some((f) => f.kind === 'mutual-auth' && f.status === 'verified'));
}

const MEASURED: string[] = [];

if (requireLab('samba')) {
  describe('SMB Kerberos probe × Samba AD DC (lab)', { concurrency: false, timeout: 10 * 60_000 }, () => {
    let base: LabBase | undefined;
    before(async () => {
      base = await startBase('samba', { id: 'smbp' });
    });
    after(async () => {
      await base?.down({ removeFiles: true });
      if (MEASURED.length) process.stderr.write(`\nSMB probe timings:\n${MEASURED.join('\n')}\n`);
    });

    it('healthy: //dc1.contoso.com/netlogon → all steps ok (3.1.1, preauth integrity, AES-CMAC signing), as smbclient -k', async () => {
      assert.ok(base);
      const env = base.env;
      const applied = await applyScenario(base, 'healthy');
      try {
        const cap = await captureStart(join(env.dir, 'smb-probe.pcapng'), env.net, base.janitor, 'eth0', 'tcp port 445');
        const r = await probeInLab(env);
        const file = await cap.stop();
        // what tshark makes of our own messages on the wire: every field where MS-SMB2 puts it, nothing malformed
        const wire: [string, number][] = [
          ['smb2.cmd == 0 && smb2.flags.response == 0 && smb2.dialect == 0x0302 && smb2.dialect == 0x0311', 1],
          // our request's contexts: PREAUTH_INTEGRITY (SHA-512, 32-byte salt) and SIGNING_CAPABILITIES (AES-CMAC only)
          [
            'smb2.cmd == 0 && smb2.flags.response == 0 && smb2.negotiate_context.type == 0x0001 && smb2.negotiate_context.type == 0x0008 && smb2.negotiate_context.hash_algorithm == 0x0001 && smb2.negotiate_context.salt_length == 32 && smb2.negotiate_context.signing_id == 0x0001',
            1,
          ],
          ['smb2.cmd == 0 && smb2.flags.response == 0 && smb2.negotiate_context.type == 0x0002', 0],
          ['smb2.cmd == 0 && smb2.flags.response == 1 && smb2.dialect == 0x0311 && smb2.negotiate_context.type == 0x0001', 1],
          ['smb2.cmd == 1 && smb2.flags.response == 0 && kerberos.msg_type == 14 && kerberos.SNameString == "cifs"', 1],
          // the final SESSION_SETUP response is signed (3.1.1), with the key from the preauth integrity hash
          ['smb2.cmd == 1 && smb2.flags.response == 1 && smb2.nt_status == 0 && kerberos.msg_type == 15 && smb2.flags.signature == 1', 1],
          [
            'smb2.cmd == 3 && smb2.flags.response == 0 && smb2.flags.signature == 1 && smb2.tree contains "dc1.contoso.com" && smb2.tree contains "netlogon"',
            1,
          ],
          ['smb2.cmd == 3 && smb2.flags.response == 1 && smb2.nt_status == 0 && smb2.flags.signature == 1', 1],
          ['smb2.cmd == 2 && smb2.flags.response == 0 && smb2.flags.signature == 1', 1],
          ['_ws.malformed', 0],
        ];
        for (const [filter, n] of wire) assert.equal(await tsharkCount(file, filter), n, `tshark: ${filter}`);
        MEASURED.push(`healthy netlogon 3.1.1: ${r.ms} ms (${r.steps.map((s) => `${s.id} ${s.ms}`).join(', ')})`);
        assertHealthy(r, '3.1.1', 'AES-128-CMAC');
        // ground truth: the real client on the same share, with a TGT from MIT kinit
        const k = await runStep(env, { tool: 'kinit' });
        assert.equal(k.code, 0, k.stderr);
        const s = await runStep(env, { tool: 'smbclient', share: `//${DC}/netlogon` });
        assert.equal(s.code, 0, `smbclient -k: ${s.stdout}${s.stderr}`);
      } finally {
        await applied.revert();
      }
    });

    it('maxDialect 3.0.2 → the DC settles on 3.0.2 (no preauth integrity), signed with AES-CMAC', async () => {
      assert.ok(base);
      const r = await probeInLab(base.env, { maxDialect: 0x0302 });
      assert.deepEqual(r.offered, [0x0202, 0x0210, 0x0300, 0x0302]);
      assertHealthy(r, '3.0.2', 'AES-128-CMAC');
    });

    it('3.1.1, our TREE_CONNECT signature altered on the way → Samba refuses it: the DC checks the key we derived', async () => {
      assert.ok(base);
      const r = await probeInLab(base.env, { tamperWith: 'tree-connect-signature' });
      assert.equal(r.dialect?.name, '3.1.1');
      assert.equal(r.steps.find((s) => s.id === 'session-setup')?.outcome, 'ok', summary(r));
      const tc = r.steps.find((s) => s.id === 'tree-connect');
      // measured: Samba 4.17 answers a TREE_CONNECT whose signature does not verify with STATUS_ACCESS_DENIED
      assert.equal(tc?.code, 'access-denied', summary(r));
      assert.equal(tc?.ntStatus, 'STATUS_ACCESS_DENIED');
      MEASURED.push(`3.1.1 bad TREE_CONNECT signature → ${tc?.code} ${tc?.ntStatus ?? ''} ${tc?.error ?? ''}`);
      assert.equal(r.ok, false);
    });

    it('3.1.1, one byte of our NEGOTIATE salt altered on the way → the final SESSION_SETUP signature does not verify', async () => {
      assert.ok(base);
      const r = await probeInLab(base.env, { tamperWith: 'negotiate-salt' });
      assert.equal(r.dialect?.name, '3.1.1');
      const ss = r.steps.find((s) => s.id === 'session-setup');
      assert.equal(ss?.code, 'bad-signature', summary(r));
      assert.match(ss?.error ?? '', /preauth integrity hash/);
      assert.equal(r.mutualAuth, 'verified', 'Kerberos itself worked: only the negotiation was tampered with');
      assert.equal(r.steps.find((s) => s.id === 'tree-connect')?.outcome, 'skip');
    });

    for (const [dialects, name, alg] of [
      [[0x0210], '2.1', 'HMAC-SHA256'],
      [[0x0202], '2.0.2', 'HMAC-SHA256'],
      [[0x0300], '3.0', 'AES-128-CMAC'],
      [[0x0302], '3.0.2', 'AES-128-CMAC'],
      [[0x0311], '3.1.1', 'AES-128-CMAC'],
    ] as const)
      it(`healthy, only ${name} offered → signed with ${alg}, the DC verifies our TREE_CONNECT and we verify its replies`, async () => {
        assert.ok(base);
        const r = await probeInLab(base.env, { dialects: [...dialects], share: 'sysvol' });
        assertHealthy(r, name, alg);
      });

    it('an unknown share → tree-connect fails with STATUS_BAD_NETWORK_NAME (Kerberos itself worked)', async () => {
      assert.ok(base);
      const r = await probeInLab(base.env, { share: 'nosuchshare' });
      assert.deepEqual(outcomes(r), {
        connect: 'ok',
        negotiate: 'ok',
        ticket: 'ok',
        'session-setup': 'ok',
        'tree-connect': 'fail:bad-network-name',
      });
      const tc = r.steps.find((s) => s.id === 'tree-connect');
      assert.equal(tc?.ntStatus, 'STATUS_BAD_NETWORK_NAME');
      assert.equal(tc?.status, 0xc00000cc);
      assert.match(tc?.error ?? '', /\\\\dc1\.contoso\.com\\nosuchshare → STATUS_BAD_NETWORK_NAME/);
      assert.equal(r.mutualAuth, 'verified');
      assert.equal(r.ok, false);
    });

    it('a wrong password → the ticket step fails with the KDC error, no SMB logon is attempted', async () => {
      assert.ok(base);
      const env = base.env;
      const r = await probeInLab(env, {
        credentials: {
          kind: 'password',
          user: env.user,
          password: `${env.password}x`,
          realm: env.realm,
          kdcs: [{ host: DC, address: env.kdc, port: 88 }],
        },
      });
      assert.deepEqual(outcomes(r), {
        connect: 'ok',
        negotiate: 'ok',
        ticket: 'fail:kdc-error',
        'session-setup': 'skip',
        'tree-connect': 'skip',
      });
      assert.match(r.steps.find((s) => s.id === 'ticket')?.error ?? '', /KDC_ERR_PREAUTH_FAILED/);
    });

    it("the client's clock 10 minutes ahead of the DC after it got its ticket → the DC refuses the AP-REQ", async () => {
      assert.ok(base);
      const r = await probeInLab(base.env, { skewMs: 10 * 60_000 });
      const ss = r.steps.find((s) => s.id === 'session-setup');
      // Samba answers as Windows does: STATUS_MORE_PROCESSING_REQUIRED with the KRB-ERROR in the SPNEGO responseToken
      assert.equal(ss?.code, 'krb-error', summary(r));
      assert.equal(ss?.ntStatus, 'STATUS_MORE_PROCESSING_REQUIRED');
      assert.equal(r.krbError?.name, 'KRB_AP_ERR_SKEW');
      assert.ok(r.facts.some((f) => f.kind === 'krb-error' && f.from === 'service' && f.code === 37));
    });

    it('cifs-ok-http-fails: SMB to the DC works with Kerberos while kerbscope check on the web site fails (spn-missing)', async () => {
      assert.ok(base);
      const env = base.env;
      const applied = await applyScenario(base, 'cifs-ok-http-fails');
      try {
        const r = await probeInLab(env);
        assertHealthy(r, '3.1.1', 'AES-128-CMAC');
        const { scenario, impl } = implFor('cifs-ok-http-fails', 'samba');
        const c = await runCheckFor(env, scenario, impl);
        assert.ok(c.json, `no JSON from check: ${c.stderr.slice(0, 400)}`);
        const st = c.json.steps.find((s: { id: string }) => s.id === 'service-ticket');
        assert.equal(st.status, 'fail', JSON.stringify(st));
        assert.ok(
          c.json.findings.some((f: { id: string }) => f.id === 'spn-missing'),
          c.json.findings.map((f: { id: string }) => f.id).join(', '),
        );
        MEASURED.push(`cifs-ok-http-fails: SMB ok in ${r.ms} ms; check → ${c.json.findings[0]?.id} (exit ${c.code})`);
        // kerbscope check smb://dc1/netlogon: the isolation step on its own passes (cifs/dc1 ticket, session, tree)
        const smb = await runCheckFor(env, scenario, { ...impl, url: `smb://${DC}/netlogon` });
        assert.ok(smb.json, `no JSON from check smb://: ${smb.stderr.slice(0, 400)}`);
        const ids = smb.json.findings.map((f: { id: string; severity: string }) => `${f.id}/${f.severity}`).join(', ');
        assert.equal(smb.code, 0, ids);
        assert.equal(smb.json.spn, `cifs/${DC}`);
        const step = smb.json.steps.find((s: { id: string }) => s.id === 'smb');
        assert.equal(step.status, 'pass', JSON.stringify(step));
        assert.equal(smb.json.steps.find((s: { id: string }) => s.id === 'http').status, 'skip');
        const session = step.facts.find((f: { kind: string }) => f.kind === 'smb-session');
        assert.equal(session.outcome, 'ok');
        assert.equal(session.mutualAuth, 'verified');
        // check URL --also-smb on the site: its server (Apache on 10.201.0.11) has no computer account (so no
        // cifs/iisserver SPN: KRB-ERROR 7) and no SMB server: the SMB step fails; the root cause stays spn-missing
        const also = await runCheckFor(env, scenario, impl, 3000, ['--also-smb']);
        assert.ok(also.json, also.stderr.slice(0, 400));
        assert.equal(also.json.findings[0]?.id, 'spn-missing');
        const alsoStep = also.json.steps.find((s: { id: string }) => s.id === 'smb');
        assert.equal(alsoStep.status, 'fail', JSON.stringify(alsoStep.summary));
        const f = { title: alsoStep.summary };
        MEASURED.push(`check smb://${DC}/netlogon → exit ${smb.code}; check --also-smb on the site → ${f.title}`);
      } finally {
        await applied.revert();
      }
    });
  });
}
