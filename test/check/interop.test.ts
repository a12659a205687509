/**
 * Issue 7 interop, on the real MIT lab (as processes, inside the lab's client namespace):
 *  - a ccache written by `kerbscope check --save-ccache` is read by MIT `klist` (the TGT and the HTTP ticket) and
 *    used by `curl --negotiate` to get the protected page (200);
 *  - a ccache made by MIT `kinit` is used by `check` without a password, and the report says so;
 *  - the saved ccache is written 0600.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientEnv, resetClient, runStep } from '../../lab/clients.js';
import { type LabBase, startBase } from '../../lab/index.js';
import { run } from '../../lab/proc.js';
import { CLI_PATH, ensureCliBuilt } from '../helpers/cli.js';
import { requireLab } from '../lab/harness.js';

if (requireLab('mit'))
  describe('kerbscope check ↔ MIT klist, kinit and curl --negotiate (MIT lab)', { concurrency: false }, () => {
    let base: LabBase | undefined;
    before(async () => {
      ensureCliBuilt();
      base = await startBase('mit', { id: 'chki' });
    });
    after(async () => {
      await base?.down({ removeFiles: true });
    });

    const check = (args: string[], input?: string, ccache?: string) => {
      const env = base?.env;
      assert.ok(env);
      return run([...env.net.clientExec, process.execPath, CLI_PATH, 'check', env.url, '--json', '--timeout', '3000', ...args], {
        env: { ...clientEnv(env), ...(ccache ? { KRB5CCNAME: `FILE:${ccache}` } : {}) },
        input,
        timeoutMs: 40_000,
      });
    };

    it('--save-ccache: MIT klist lists the TGT and the HTTP ticket; curl --negotiate gets 200 with it', async () => {
      const env = base?.env;
      assert.ok(env);
      resetClient(env);
      const saved = join(env.dir, 'client', 'saved.ccache');
      const r = await check(['--user', env.user, '--password-stdin', '--save-ccache', saved], `${env.password}\n`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(statSync(saved).mode & 0o777, 0o600, 'written 0600');
      const k = await run([...env.net.clientExec, 'klist', '-e', '-c', saved], { env: clientEnv(env) });
      assert.equal(k.code, 0, k.stderr);
      assert.match(k.stdout, new RegExp(`Default principal: ${env.user}@${env.realm}`));
      assert.match(k.stdout, new RegExp(`krbtgt/${env.realm}@${env.realm}`));
      assert.match(k.stdout, new RegExp(`${env.spn.replace(/[.]/g, '\\.')}@${env.realm}`));
      const c = await run(
        [
          ...env.net.clientExec,
          'curl',
          '-sS',
          '--negotiate',
          '-u',
          ':',
          '--max-time',
          '20',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          env.url,
        ],
        { env: { ...clientEnv(env), KRB5CCNAME: `FILE:${saved}` }, timeoutMs: 30_000 },
      );
      assert.equal(c.stdout.trim(), '200', `curl --negotiate with kerbscope's ccache: ${c.stderr}`);
    });

    it('a ccache from MIT kinit is used without a password', async () => {
      const env = base?.env;
      assert.ok(env);
      resetClient(env);
      const k = await runStep(env, { tool: 'kinit' });
      assert.equal(k.code, 0, k.stderr);
      const r = await check([]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      const tgt = json.steps.find((s: { id: string }) => s.id === 'tgt');
      assert.match(tgt.summary, /already in the ccache/, JSON.stringify(tgt));
      const facts = json.steps.flatMap(
        (s: { facts: { kind: string; source?: string; padataTypes?: number[]; msgType?: number }[] }) => s.facts,
      );
      assert.ok(
        facts.some((f: { kind: string; source?: string }) => f.kind === 'credentials' && f.source === 'ccache'),
        'the credentials came from the ccache',
      );
      // the clock step's AS-REQ without pre-authentication is expected; no AS-REQ carries PA-ENC-TIMESTAMP (2)
      assert.ok(
        !facts.some(
          (f: { kind: string; msgType?: number; padataTypes?: number[] }) =>
            f.kind === 'kdc-request' && f.msgType === 10 && f.padataTypes?.includes(2),
        ),
        'no password was used',
      );
    });
  });
