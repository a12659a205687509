// The embedded backend held to the real ones: for every catalogue scenario with an `embedded` entry, the embedded
// lab is staged, the real backend's probe runs with the real MIT clients (kinit, kvno, curl --negotiate) and must
// report the same thing (exit code and message), and the real backend's wire filters must match the capture of the
// embedded servers' traffic (same KDC and HTTP error codes on the wire), decrypted with the embedded keys where the
// real backend's entry asks for it. tshark must decode all of it without a malformed-packet warning. Then
// `kerbscope trace` reads the same capture: it must agree with tshark message by message and name as findings[0]
// what it names on the real backends (test/helpers/catalogue-expect.ts).
//
//   LAB_SCENARIOS=healthy,missing-spn node --import tsx --test test/lab/embedded.test.ts
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { embeddedUp } from '../../lab/backends/embedded.js';
import { captureStart, tsharkCount, tsharkFields } from '../../lab/capture.js';
import { EMBEDDED, SCENARIOS } from '../../lab/catalogue.js';
import { resetClient, runProbe } from '../../lab/clients.js';
import { Janitor } from '../../lab/janitor.js';
import { traceCapture } from '../../src/capture/index.js';
import { decodeKeytab } from '../../src/formats/index.js';
import { KeySet } from '../../src/inspect/keys.js';
import { compareDns, compareHttp, compareKerberos, tsharkRows } from '../capture/tshark-ref.js';
import { expectedFor } from '../helpers/catalogue-expect.js';
import { requireLab } from './harness.js';

const only = process.env.LAB_SCENARIOS?.split(',').filter(Boolean);
const ids = SCENARIOS.filter((s) => s.backends.embedded && (!only || only.includes(s.id))).map((s) => s.id);

if (requireLab('embedded'))
  describe('embedded backend × the real backends’ probes and wire', { concurrency: false }, () => {
    const root = mkdtempSync(join(tmpdir(), 'ks-embedded-'));
    let failed = false;
    after(() => {
      // a failed run keeps its captures (the paths are in the failure messages)
      if (!failed) rmSync(root, { recursive: true, force: true });
    });

    it('every scenario the embedded lab stages is in the catalogue, held to a real backend', () => {
      for (const [id, e] of Object.entries(EMBEDDED)) {
        const s = SCENARIOS.find((x) => x.id === id);
        assert.ok(s?.backends.embedded && s.backends[e.heldTo], id);
      }
    });

    // the DC locator's first packet, answered as a DC does: Samba's `net ads lookup` reads the embedded CLDAP reply
    // (NETLOGON_SAM_LOGON_RESPONSE_EX) and tshark decodes it without complaint
    it('healthy: net ads lookup (CLDAP netlogon ping) finds dc1.contoso.com', { timeout: 60_000 }, async () => {
      const dir = join(root, 'cldap');
      mkdirSync(dir, { recursive: true });
      const janitor = new Janitor(dir);
      const base = await embeddedUp('healthy', dir);
      try {
        const file = join(dir, 'cldap.pcapng');
        const net24 = `${base.lab.hosts.dc.split('.').slice(0, 3).join('.')}.0/24`;
        const cap = await captureStart(file, { ...base.env.net, clientExec: [] }, janitor, 'lo', `net ${net24}`);
        const [r] = await runProbe(base.env, [{ step: { tool: 'cldap', server: base.lab.hosts.dc }, expect: { code: 0 } }]);
        await cap.stop();
        assert.ok(r?.ok, `net ads lookup: ${r?.why}\n${r?.result.stdout}${r?.result.stderr}`);
        const out = `${r.result.stdout}`;
        assert.match(out, /Response Type:\s+LOGON_SAM_LOGON_RESPONSE_EX/);
        assert.match(out, /Forest:\s+contoso\.com/);
        assert.match(out, /Domain Controller:\s+dc1\.contoso\.com/);
        assert.match(out, /Is a GC of the forest/);
        const pings = base.lab.servers.cldap?.pings ?? [];
        assert.ok(pings.length > 0 && pings.every((p) => p.answered), JSON.stringify(pings));
        assert.ok((await tsharkCount(file, 'cldap && udp.srcport == 389')) > 0, 'the reply is on the wire');
        const bad = await tsharkFields(file, '_ws.malformed || _ws.expert.severity >= "error"', ['frame.number']);
        assert.deepEqual(bad, [], `tshark flags frames in ${file}`);
      } finally {
        janitor.cleanupSync();
        await base.stop();
      }
    });

    for (const id of ids) {
      const scenario = SCENARIOS.find((s) => s.id === id);
      const impl = scenario?.backends.embedded;
      const heldTo = EMBEDDED[id]?.heldTo;
      it(`${id} (staged ${impl?.stage ?? id}) ${heldTo ? `behaves as on ${heldTo}` : 'behaves as its own entry says'}`, {
        timeout: 120_000,
      }, async () => {
        assert.ok(scenario && impl);
        const dir = join(root, id);
        mkdirSync(dir, { recursive: true });
        const janitor = new Janitor(dir);
        const base = await embeddedUp(impl.stage ?? id, dir);
        let passed = false;
        try {
          const { env } = base;
          resetClient(env);
          const undo = await impl.inject?.(env);
          const file = join(dir, `embedded-${id}.pcapng`);
          const net24 = `${base.lab.hosts.dc.split('.').slice(0, 3).join('.')}.0/24`;
          const cap = await captureStart(file, { ...env.net, clientExec: [] }, janitor, 'lo', `net ${net24}`);
          const probe = impl.probe(env);
          const results = await runProbe(env, probe);
          await cap.stop();
          await undo?.();
          for (const r of results) {
            assert.ok(
              r.ok,
              `${id}: step ${r.step.tool} ${r.why}\n--- exit ${r.result.code}, output:\n${r.result.stdout}${r.result.stderr}`,
            );
          }
          assert.equal(results.length, probe.length, 'a step was not run');
          for (const f of impl.wire) assert.ok((await tsharkCount(file, f)) > 0, `${id}: no frame in ${file} matches: ${f}`);
          for (const f of impl.wireAbsent ?? []) assert.equal(await tsharkCount(file, f), 0, `${id}: frames in ${file} match: ${f}`);
          for (const f of impl.wireDecrypted ?? []) {
            assert.ok(
              (await tsharkCount(file, f, env.decryptKeytab)) > 0,
              `${id}: nothing matches ${f} decrypted with ${env.decryptKeytab}`,
            );
          }
          // tshark decodes every embedded message as it decodes the real servers' (decrypted too: PAC, enc-parts)
          const bad = await tsharkFields(file, '_ws.malformed || _ws.expert.severity >= "error"', ['frame.number', '_ws.expert.message'], {
            keytab: env.decryptKeytab,
          });
          assert.deepEqual(bad, [], `${id}: tshark flags frames in ${file}`);
          // kerbscope trace on the same capture, with the embedded keys
          const keys = new KeySet();
          keys.addKeytab(decodeKeytab(new Uint8Array(readFileSync(env.decryptKeytab))).entries, 'decrypt.keytab');
          const tr = await traceCapture([new Uint8Array(readFileSync(file))], { keys, conversations: true });
          const rows = tsharkRows(file);
          assert.deepEqual(
            [...compareKerberos(rows, tr), ...compareDns(rows, tr), ...compareHttp(rows, tr)],
            [],
            `${file}: trace differs from tshark`,
          );
          const { expected, alsoNamed } = expectedFor('trace', 'embedded', id, scenario.rootCause);
          const all = tr.findings.map((f) => `${f.severity} ${f.id}`).join(', ');
          if (scenario.rootCause === 'healthy')
            assert.deepEqual(
              tr.findings.filter((f) => f.severity === 'error').map((f) => f.id),
              [],
              `${file}: ${all}`,
            );
          else {
            assert.equal(tr.findings[0]?.id, expected, `trace ${file}: findings ${all}`);
            if (alsoNamed)
              assert.ok(
                tr.findings.some((f) => f.id === alsoNamed),
                `${alsoNamed} named too: ${all}`,
              );
          }
          passed = true;
        } finally {
          if (!passed) failed = true;
          janitor.cleanupSync();
          await base.stop();
        }
      });
    }
  });
