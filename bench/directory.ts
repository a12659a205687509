/**
 * The directory commands (issue 9) against the lab's Samba 4.17 AD DC, each beside the real peer doing the same
 * job in the same run (root: the lab uses network namespaces):
 *   npx tsx bench/directory.ts [--runs N] [--out FILE]
 *
 *  - delegation proof: `kerbscope delegation svc-front --to cifs/dc1 --keytab … --impersonate john` (LDAP bind and
 *    reads + TGT from the keytab + S4U2Self + S4U2Proxy) vs MIT `kinit -f -k -t … && kvno -U john -P cifs/dc1`
 *    (the S4U part only: kvno reads no directory);
 *  - setspn -Q: `kerbscope spn query 'HTTP/*'` vs `kinit` + `ldapsearch -Y GSSAPI '(servicePrincipalName=HTTP/*)'`;
 *  - tokensize for a user in 300 groups: `kerbscope tokensize biguser` vs `kinit` + `ldapsearch` of the user's
 *    tokenGroups (the reading alone, without the groupType lookups kerbscope adds).
 * Each kerbscope run binds with the password (its own AS exchange), as each peer run does its own kinit.
 * Runs are interleaved; medians and p90.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FRONT_END, sambaOps } from '../lab/backends/samba-ops.js';
import { applyScenario, startBase } from '../lab/index.js';
import { run } from '../lab/proc.js';
import { CLI_PATH, ensureCliBuilt } from '../test/helpers/cli.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, out: { type: 'string' } } });
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
const base = await startBase('samba', { id: 'dbch' });
try {
  const env = base.env;
  await sambaOps(env).delegation({ allowedTo: ['cifs/dc1.contoso.com'], protocolTransition: true });
  const big = await applyScenario(base, 'token-too-large');
  const keytab = join(env.dir, FRONT_END.keytab);
  const cc = join(env.dir, 'client', 'bench-ccache');
  const e = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(env.dir, 'client'),
    LANG: 'C',
    KRB5_CONFIG: env.krb5.conf,
    KRB5CCNAME: `FILE:${cc}`,
  };
  const sh = (script: string, ...args: string[]) => [...env.net.clientExec, 'sh', '-c', script, 'bench', ...args];
  const ks = (args: string[], user = env.user) => ({
    argv: [...env.net.clientExec, process.execPath, CLI_PATH, ...args, '--user', user, '--password-stdin'],
    input: `${env.password}\n`,
  });
  const LDAPSEARCH = 'kinit "$1" >/dev/null && ldapsearch -N -Q -LLL -Y GSSAPI -H ldap://dc1.contoso.com -b DC=contoso,DC=com';
  const cases: { name: string; argv: string[]; input?: string; want: number }[] = [
    {
      name: '`kerbscope delegation svc-front --to cifs/dc1 --keytab --impersonate john`',
      ...ks(['delegation', FRONT_END.account, '--to', 'cifs/dc1.contoso.com', '--keytab', keytab, '--impersonate', 'john', '--json']),
      want: 0,
    },
    {
      name: 'MIT `kinit -f -k -t` + `kvno -U john -P cifs/dc1` (S4U only)',
      argv: sh('kinit -f -k -t "$1" "$2" && kvno -U john -P cifs/dc1.contoso.com', keytab, `${FRONT_END.account}@${env.realm}`),
      want: 0,
    },
    { name: "`kerbscope spn query 'HTTP/*'`", ...ks(['spn', 'query', 'HTTP/*', '--json']), want: 0 },
    {
      name: "`kinit` + `ldapsearch -Y GSSAPI '(servicePrincipalName=HTTP/*)'`",
      argv: sh(`${LDAPSEARCH} '(servicePrincipalName=HTTP/*)' servicePrincipalName sAMAccountName objectClass`, env.user),
      input: `${env.password}\n`,
      want: 0,
    },
    { name: '`kerbscope tokensize biguser` (300 groups)', ...ks(['tokensize', 'biguser', '--json']), want: 0 },
    {
      name: "`kinit` + `ldapsearch` of biguser's tokenGroups (no group types)",
      argv: sh(
        `${LDAPSEARCH.replace('-b DC=contoso,DC=com', '-b CN=biguser,CN=Users,DC=contoso,DC=com -s base')} '(objectClass=*)' tokenGroups`,
        env.user,
      ),
      input: `${env.password}\n`,
      want: 0,
    },
  ];
  const ms: number[][] = cases.map(() => []);
  const once = async (c: (typeof cases)[number]) => {
    const r = await run(c.argv, { env: e, input: c.input, timeoutMs: 60_000 });
    if (r.code !== c.want) throw new Error(`${c.name}: exit ${r.code}: ${r.stderr.slice(0, 300)}`);
    return r.ms;
  };
  for (const c of cases) await once(c); // warm-up
  for (let i = 0; i < RUNS; i++) for (const [k, c] of cases.entries()) ms[k]?.push(await once(c));
  await big.revert();
  say(`### Directory commands against Samba 4.17 (${RUNS} interleaved runs, ${new Date().toISOString().slice(0, 10)})`);
  say();
  say('| command | median ms | p90 ms | × peer |');
  say('| --- | ---: | ---: | ---: |');
  for (const [k, c] of cases.entries()) {
    const m = quantile(ms[k] ?? [], 0.5);
    const peer = k % 2 === 0 ? quantile(ms[k + 1] ?? [], 0.5) : m;
    say(`| ${c.name} | ${m.toFixed(0)} | ${quantile(ms[k] ?? [], 0.9).toFixed(0)} | ${k % 2 === 0 ? (m / peer).toFixed(2) : 'peer'} |`);
  }
  if (values.out) writeFileSync(values.out, `${lines.join('\n')}\n`);
} finally {
  await base.down({ removeFiles: true });
}
