/**
 * `kerbscope check` on the real MIT lab, whole process, against its peers in the same run (issue 7):
 *   npx tsx bench/check.ts [--runs N] [--out FILE]      (root: the lab uses network namespaces)
 *
 *  - `node -e 0` (the floor of any Node CLI),
 *  - a healthy full `kerbscope check http://iisserver.contoso.com/ --user john --password-stdin` (all nine steps),
 *  - the native chain a user would run for the same answer: `kinit; kvno HTTP/iisserver.contoso.com;
 *    curl --negotiate -u : URL` (MIT krb5 + curl, three processes, in one `sh -c`),
 *  - `check` with the KDC's port 88 dropped (the catalogue's kdc-dropped scenario) against its --timeout.
 * Every command runs inside the lab's client namespace; the runs are interleaved (A B C A B C ...) so drift in the
 * machine's load hits all alike; medians and p90 are printed as a markdown table.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clientEnv, resetClient } from '../lab/clients.js';
import { applyScenario, startBase } from '../lab/index.js';
import { CLI_PATH, ensureCliBuilt } from '../test/helpers/cli.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, out: { type: 'string' } } });
const RUNS = Number(values.runs);
const lines: string[] = [];
const say = (s = '') => {
  lines.push(s);
  process.stdout.write(`${s}\n`);
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((s.length - 1) * q))] ?? Number.NaN;
};

ensureCliBuilt();
const base = await startBase('mit', { id: 'bchk' });
try {
  const env = base.env;
  const ns = env.net.clientExec;
  const cenv = clientEnv(env);
  const timed = (argv: string[], input?: string, extraEnv: Record<string, string> = {}) => {
    const t0 = performance.now();
    const r = spawnSync(argv[0] as string, argv.slice(1), { input, env: { ...cenv, ...extraEnv }, encoding: 'utf8' });
    return { ms: performance.now() - t0, code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  const ccache = join(env.dir, 'client', 'bench.ccache');
  const cases: { name: string; run: () => { ms: number; code: number; err: string }; want: number }[] = [
    { name: '`node -e 0`', run: () => timed([...ns, process.execPath, '-e', '0']), want: 0 },
    {
      name: '`kerbscope check URL --user john --password-stdin` (healthy, 9 steps)',
      run: () => {
        resetClient(env);
        return timed(
          [...ns, process.execPath, CLI_PATH, 'check', env.url, '--user', env.user, '--password-stdin', '--json'],
          `${env.password}\n`,
        );
      },
      want: 0,
    },
    {
      name: '`kinit; kvno HTTP/host; curl --negotiate` (MIT krb5 + curl)',
      run: () =>
        timed(
          [
            ...ns,
            'sh',
            '-c',
            `kinit ${env.user} >/dev/null && kvno ${env.spn} >/dev/null && curl -sS --negotiate -u : -o /dev/null -w '%{http_code}' ${env.url} | grep -q 200`,
          ],
          `${env.password}\n`,
          { KRB5CCNAME: `FILE:${ccache}` },
        ),
      want: 0,
    },
  ];
  const ms: number[][] = cases.map(() => []);
  for (const c of cases) c.run(); // warm-up (page cache, lab DNS)
  for (let i = 0; i < RUNS; i++)
    cases.forEach((c, j) => {
      const r = c.run();
      if (r.code !== c.want) throw new Error(`${c.name} exited ${r.code}: ${r.err.slice(0, 300)}`);
      (ms[j] as number[]).push(r.ms);
    });
  const floor = quantile(ms[0] as number[], 0.5);
  say(
    `## kerbscope check on the MIT lab (${new Date().toISOString().slice(0, 10)}, ${RUNS} interleaved runs, load ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 3).join(' ')})`,
  );
  say();
  say('| command | median ms | p90 ms | × `node -e 0` |');
  say('| --- | ---: | ---: | ---: |');
  cases.forEach((c, j) => {
    const m = quantile(ms[j] as number[], 0.5);
    say(`| ${c.name} | ${m.toFixed(0)} | ${quantile(ms[j] as number[], 0.9).toFixed(0)} | ${(m / floor).toFixed(2)} |`);
  });
  const native = quantile(ms[2] as number[], 0.5);
  say();
  say(`check / native chain: ${(quantile(ms[1] as number[], 0.5) / native).toFixed(2)}×`);

  // a dropped KDC port costs the timeout, not more
  const applied = await applyScenario(base, 'kdc-dropped');
  try {
    const dropped: number[] = [];
    for (let i = 0; i < Math.min(5, RUNS); i++) {
      resetClient(env);
      const r = timed(
        [...ns, process.execPath, CLI_PATH, 'check', env.url, '--user', env.user, '--password-stdin', '--json', '--timeout', '3000'],
        `${env.password}\n`,
      );
      if (r.code !== 1) throw new Error(`kdc-dropped check exited ${r.code}`);
      dropped.push(r.ms);
    }
    say();
    say(
      `KDC port dropped, \`--timeout 3000\`: median ${quantile(dropped, 0.5).toFixed(0)} ms, max ${Math.max(...dropped).toFixed(0)} ms (${dropped.length} runs)`,
    );
  } finally {
    await applied.revert();
  }
} finally {
  await base.down({ removeFiles: true });
}
if (values.out) writeFileSync(values.out, `${lines.join('\n')}\n`);
