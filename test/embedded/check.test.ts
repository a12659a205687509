// `kerbscope check` (the built CLI, a real process) against the embedded lab: healthy passes with mutual
// authentication proven; each staged scenario gives the catalogue's rootCause as findings[0], or what
// test/helpers/catalogue-expect.ts says check names on the embedded backend (its acceptor answers as Apache + MIT:
// keytab-missing-enctype → 44 → keytab-stale-kvno; its KDC as Windows, with the NTSTATUS in e-data, so the account
// scenarios are named exactly; duplicate-spn and spn-wrong-account need the directory, as on Samba).
// The KRB-ERROR codes on the wire are held to the real backends by test/lab/embedded.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { scenarioById } from '../../lab/catalogue.js';
import { EMBEDDED_SCENARIOS, type EmbeddedLab, startEmbeddedLab } from '../../src/embedded/index.js';
import { expectedFor } from '../helpers/catalogue-expect.js';
import { CLI_PATH, ensureCliBuilt } from '../helpers/cli.js';
import { commandMissing, skipUnlessCi } from '../helpers/prereq.js';

interface CheckRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
  ms: number;
}

/** check as a user runs it: with the password on stdin, or (ccache given) with the TGT kinit left there */
function check(lab: EmbeddedLab, ccache?: string): Promise<CheckRun> {
  const t0 = performance.now();
  const args = [CLI_PATH, 'check', lab.url, '--json', '--timeout', '3000', '--dns-server', lab.dnsServer];
  if (!ccache) args.push('--user', lab.user, '--password-stdin');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: lab.dir,
        LANG: 'C',
        KRB5_CONFIG: lab.krb5Conf,
        KRB5CCNAME: `FILE:${ccache ?? join(lab.dir, 'check-cc')}`,
        KERBSCOPE_CACHE_DIR: join(lab.dir, 'cache'),
      },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 40_000);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json, ms: Math.round(performance.now() - t0) });
    });
    p.stdin.end(ccache ? '' : `${lab.password}\n`);
  });
}

// As root the lab takes 88/53/80 (URLs without a port, as in the catalogue); everywhere it can also take free ports
// (URL with a port, check --dns-server IP:PORT): every scenario runs both ways where both are possible.
const root = process.getuid?.() === 0;
// and with every host on 127.0.0.1 (free ports), as on a macOS loopback
const modes: { label: string; opts: { wellKnownPorts?: boolean; singleAddress?: boolean } }[] = [
  ...(root ? [{ label: 'ports 88/53/80', opts: { wellKnownPorts: true } }] : []),
  { label: 'free ports', opts: { wellKnownPorts: false } },
  { label: 'one address 127.0.0.1, free ports', opts: { singleAddress: true } },
];

for (const { label, opts } of modes)
  describe(`kerbscope check × embedded lab (${label})`, { concurrency: false }, () => {
    const labs: EmbeddedLab[] = [];
    after(async () => {
      for (const l of labs) await l.stop();
    });

    // clock-skew-tgs as lab/test/check stage it: MIT kinit gets the TGT with good clocks, then the client's clock is
    // 10 minutes ahead (here: both servers 10 minutes behind) and check uses that ccache without a password
    const kinitMissing = commandMissing('sh', ['-c', 'command -v kinit']);
    it('clock-skew-tgs → clock-skew (TGT from MIT kinit first)', {
      skip: skipUnlessCi(kinitMissing && `MIT kinit: ${kinitMissing}`),
    }, async () => {
      const scenario = scenarioById('clock-skew-tgs');
      assert.ok(scenario);
      ensureCliBuilt();
      const lab = await startEmbeddedLab({ scenario: 'healthy', ...opts });
      labs.push(lab);
      try {
        const ccache = join(lab.dir, 'kinit-cc');
        const k = await new Promise<number | null>((resolve, reject) => {
          const p = spawn('kinit', [lab.user], {
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', KRB5_CONFIG: lab.krb5Conf, KRB5CCNAME: `FILE:${ccache}` },
          });
          p.on('error', reject);
          p.on('close', resolve);
          p.stdin.end(`${lab.password}\n`);
        });
        assert.equal(k, 0, 'kinit with good clocks');
        lab.setClock({ kdc: -10 * 60_000, web: -10 * 60_000 });
        const r = await check(lab, ccache);
        assert.ok(r.json, `no JSON from check (exit ${r.code}): ${r.stderr.slice(0, 400)}`);
        const top = r.json.findings.map((f: { id: string }) => f.id).join(', ');
        assert.equal(r.code, 1);
        assert.equal(r.json.findings[0]?.id, expectedFor('check', 'embedded', 'clock-skew-tgs', scenario.rootCause).expected, top);
        const tgsSkew = lab.servers.kdc.events.find((e) => e.request === 'TGS-REQ' && e.errorCode === 37);
        assert.ok(tgsSkew, 'TGS-REQ → KRB-ERROR 37 as on the MIT lab');
      } finally {
        await lab.stop();
      }
    });

    for (const id of EMBEDDED_SCENARIOS) {
      const scenario = scenarioById(id);
      const rootCause = scenario?.rootCause ?? '(not in the catalogue)';
      const expected = expectedFor('check', 'embedded', id, rootCause).expected;
      // CLDAP and LDAP have no port but 389: without the well-known ports there is no AD to block
      if (id === 'ldap-blocked' && !opts.wellKnownPorts) {
        it(`${id} needs the well-known ports: refused with the reason`, async () => {
          await assert.rejects(startEmbeddedLab({ scenario: id, ...opts }), /needs the well-known ports \(389/);
        });
        continue;
      }
      it(`${id} → ${expected}`, async () => {
        assert.ok(scenario, `${id} is a catalogue scenario`);
        ensureCliBuilt();
        const lab = await startEmbeddedLab({ scenario: id, ...opts });
        labs.push(lab);
        try {
          const r = await check(lab);
          assert.ok(r.json, `no JSON from check (exit ${r.code}): ${r.stderr.slice(0, 400)}`);
          const top = r.json.findings.map((f: { id: string; severity: string }) => `${f.id}/${f.severity}`).join(', ');
          assert.deepEqual(
            r.json.steps.map((s: { id: string }) => s.id),
            ['config', 'resolve', 'discovery', 'ports', 'clock', 'tgt', 'service-ticket', 'http', 'acceptor', 'smb', 'delegation'],
          );
          if (scenario.rootCause === 'healthy') {
            assert.equal(r.code, 0, `healthy check exits 0; findings: ${top}\n${r.stderr}`);
            assert.ok(!r.json.findings.some((f: { severity: string }) => f.severity === 'error'), `no error finding; got ${top}`);
            const http = r.json.steps.find((s: { id: string }) => s.id === 'http');
            assert.equal(http.status, 'pass');
            assert.ok(
              http.facts.some((f: { kind: string; status: string }) => f.kind === 'mutual-auth' && f.status === 'verified'),
              'mutual authentication proven (AP-REP verified with the session key)',
            );
            const resolve = r.json.steps.find((s: { id: string }) => s.id === 'resolve');
            assert.equal(resolve.status, 'pass', 'the target resolved through the lab DNS');
          } else {
            assert.equal(r.code, 1, `exit 1 with error findings; stderr: ${r.stderr.slice(0, 300)}`);
            assert.equal(r.json.findings[0]?.id, expected, `findings[0] should be ${expected}; got ${top}`);
            assert.equal(r.json.findings[0]?.severity, 'error');
          }
          // the error codes the catalogue's embedded entry (held to a real backend) has on the wire: each filter's
          // code, or one of them where the filter allows either
          const impl = scenario.backends.embedded;
          const seen = new Set([
            ...lab.servers.kdc.events.flatMap((e) => (e.errorCode !== undefined && e.errorCode !== 25 ? [e.errorCode] : [])),
            ...lab.servers.web.events.flatMap((e) => (e.errorCode !== undefined ? [e.errorCode] : [])),
          ]);
          if (scenario.rootCause === 'healthy') assert.deepEqual([...seen], [], 'no KRB-ERROR besides PREAUTH_REQUIRED');
          for (const w of impl?.wire ?? []) {
            const codes = [...w.matchAll(/kerberos\.error_code == (\d+)/g)].map((m) => Number(m[1]));
            if (codes.length)
              assert.ok(
                codes.some((c) => seen.has(c)),
                `KRB-ERROR ${codes.join(' or ')} on the wire (${w}); saw ${[...seen].join(', ')}`,
              );
          }
        } finally {
          await lab.stop();
        }
      });
    }
  });
