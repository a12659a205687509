// npm run lab -- list [--json]
// npm run lab -- up BACKEND --scenario ID [--json]      (starts in the background and returns)
// npm run lab -- down                                   (stops everything the lab started, by PID)
import { join } from 'node:path';
import { SCENARIOS } from './catalogue.js';
import { stepArgv } from './clients.js';
import { downAll, implFor, labDir, up } from './index.js';
import { WEB_CNAMES } from './krb5conf.js';
import { NETNS_BACKENDS as BACKENDS, type BackendId } from './types.js';

const USAGE = `usage:
  npm run lab -- list [--json]
  npm run lab -- up BACKEND --scenario ID [--json]     BACKEND: ${BACKENDS.join(' | ')}
  npm run lab -- down [--all]                          --all: also labs left by interrupted test runs
examples:
  npm run lab -- up mit --scenario healthy
  npm run lab -- up samba --scenario missing-spn --json
state: \${KERBSCOPE_LAB_DIR:-/tmp/kerbscope-lab} (now ${labDir()}); instance name: \${KERBSCOPE_LAB_ID:-cli}`;

function fail(msg: string): never {
  process.stderr.write(`${msg}\n\n${USAGE}\n`);
  process.exit(2);
}

function list(json: boolean): void {
  if (json) {
    const out = SCENARIOS.map((s) => ({
      id: s.id,
      title: s.title,
      seed: s.seed,
      rootCause: s.rootCause,
      symptom: s.symptom,
      backends: Object.keys(s.backends),
      notOn: s.notOn ?? {},
      expected: Object.fromEntries(
        Object.entries(s.backends).map(([b, impl]) => [b, { wire: impl.wire, wireAbsent: impl.wireAbsent ?? [], seen: impl.seen }]),
      ),
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const w = Math.max(...SCENARIOS.map((s) => s.id.length));
  for (const s of SCENARIOS) {
    const b = Object.keys(s.backends).join(',') || '-';
    process.stdout.write(`${s.id.padEnd(w)}  ${b.padEnd(18)}  ${s.rootCause.padEnd(22)}  ${s.title}\n`);
  }
}

async function upCmd(args: string[], json: boolean): Promise<void> {
  const backend = args[0] as BackendId | undefined;
  const si = args.indexOf('--scenario');
  const scenario = si >= 0 ? args[si + 1] : undefined;
  if (!backend || !BACKENDS.includes(backend)) fail(`unknown or missing backend: ${backend ?? ''}`);
  if (!scenario) fail('missing --scenario ID');
  if (process.getuid?.() !== 0) fail('the lab needs root (network namespaces, servers on port 88)');
  const { impl } = (() => {
    try {
      return implFor(scenario, backend);
    } catch (e) {
      return fail((e as Error).message);
    }
  })();
  // one CLI lab at a time: whatever a previous `up` left running goes first
  downAll();
  // KERBSCOPE_LAB_ID: another instance name (namespaces ks-ID-s/-c), e.g. for tests next to a developer's lab
  const h = await up({ backend, scenario, id: process.env.KERBSCOPE_LAB_ID ?? 'cli', keepAlive: true });
  const e = h.env;
  const out = {
    backend,
    scenario,
    realm: h.realm,
    krb5Conf: h.krb5Conf,
    user: impl.user ?? h.user,
    password: h.password,
    url: impl.url ?? h.url,
    spn: impl.spn ?? h.spn,
    kdc: h.kdc,
    hosts: h.hosts,
    cnames: WEB_CNAMES,
    exec: h.exec,
    env: h.clientEnv,
    capture: h.capture,
    decryptKeytab: h.keytabs.decrypt,
    httpKeytab: h.keytabs.http,
    krb5Variants: e.krb5,
    setupMs: h.setupMs,
    probe: impl.probe(e).map((p) => {
      const a = stepArgv(e, p.step);
      return `${h.exec} env KRB5_CONFIG=${e.krb5[a.conf ?? 'conf']} KRB5CCNAME=${h.clientEnv.KRB5CCNAME} ${a.argv.map((x) => (/[^\w@%+=:,./-]/.test(x) ? `'${x}'` : x)).join(' ')}`;
    }),
    down: 'npm run lab -- down',
  };
  if (json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    process.stdout.write(`lab up: ${backend} / ${scenario} (${h.setupMs} ms)\n`);
    process.stdout.write(`  realm ${out.realm}, KDC ${out.kdc}, user ${out.user} / ${out.password}\n`);
    process.stdout.write(
      `  url ${out.url}  spn ${out.spn}\n  krb5.conf ${out.krb5Conf}\n  capture ${out.capture} (decrypt with ${out.decryptKeytab})\n`,
    );
    process.stdout.write(`  run clients with: ${out.exec} env KRB5_CONFIG=${out.krb5Conf} KRB5CCNAME=${h.clientEnv.KRB5CCNAME} ...\n`);
    process.stdout.write(`  the catalogue's probe:\n${out.probe.map((p) => `    ${p}`).join('\n')}\n`);
    process.stdout.write(`  password for kinit is read from stdin; stop with: npm run lab -- down\n`);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const cmd = rest[0];
  switch (cmd) {
    case 'list':
      list(json);
      break;
    case 'up':
      await upCmd(rest.slice(1), json);
      break;
    case 'down': {
      const done = downAll({ all: argv.includes('--all') });
      if (json) process.stdout.write(`${JSON.stringify({ stopped: done, dir: labDir() })}\n`);
      else process.stdout.write(done.length ? `lab down: ${done.join(', ')} (${join(labDir())})\n` : 'lab down: nothing was running\n');
      break;
    }
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      break;
    default:
      fail(`unknown command: ${cmd}`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`lab: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
