// The SMB isolation probe (src/smb) against the Samba 4.17 AD DC of the lab: NEGOTIATE → SESSION_SETUP with a
// Kerberos AP-REQ for cifs/dc1.contoso.com → signed TREE_CONNECT, run inside the lab's client namespace (the probe
// reaches the DC the way `kerbscope check` does in test/check/lab-helpers.ts). Ground truth: `smbclient -k` on the
// same share (lab/clients.ts), and for cifs-ok-http-fails, `kerbscope check` on the web site failing at the same time.
// Starts a lab: run under `flock /tmp/kerbscope-lab.lock`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { applyScenario, type LabBase, startBase } from '../../lab/index.js';
import { run } from '../../lab/proc.js';
import type { LabEnv } from '../../lab/types.js';
import type { SmbProbeOptions, SmbProbeResult } from '../../src/smb/index.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { requireLab } from '../lab/harness.js';

const RUNNER = fileURLToPath(new URL('./probe-runner.ts', import.meta.url));
const DC = 'dc1.contoso.com';

export async function probeInLab(env: LabEnv, o: Partial<SmbProbeOptions> = {}): Promise<SmbProbeResult> {
  const dcAddr = env.hosts[DC] ?? env.kdc;
  const opts: SmbProbeOptions = {
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

if (requireLab('samba', () => (process.env.PATH?.includes('/usr/bin') ? undefined : undefined))) {
  describe('SMB Kerberos probe × Samba AD DC (lab)', { concurrency: false, timeout: 10 * 60_000 }, () => {
    let base: LabBase | undefined;
    before(async () => {
      base = await startBase('samba', { id: 'smbp' });
    });
    after(async () => {
      await base?.down({ removeFiles: true });
    });

    it('healthy: //dc1.contoso.com/netlogon → negotiate, session setup and tree connect ok, mutual auth verified', async () => {
      assert.ok(base);
      const applied = await applyScenario(base, 'healthy');
      try {
        const r = await probeInLab(base.env);
        process.stderr.write(`${JSON.stringify({ ...r, facts: r.facts.length }, null, 1)}\n`);
        assert.ok(r.ok, summary(r));
      } finally {
        await applied.revert();
      }
    });
  });
}
