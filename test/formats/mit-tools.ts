/** Runs MIT's own tools (the reference implementation) for ground truth in the format tests. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { type Ccache, ccacheTickets, ticketSummary } from '../../src/formats/ccache.js';
import { klistFlagString, principalToString } from '../../src/formats/common.js';
import { parseKlist } from '../../src/formats/klist.js';

export function haveTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Why MIT's klist cannot be used here (undefined when it can). Under CI=true its absence is a failure, not a skip. */
export function klistUnavailable(): string | undefined {
  if (haveTool('klist')) return undefined;
  const why = 'MIT klist not installed (apt-get install krb5-user)';
  if (process.env.CI === 'true') throw new Error(`${why}; required under CI=true`);
  process.stderr.write(`\n!!! ${why}: the comparisons against MIT klist are SKIPPED\n`);
  return why;
}

/** Runs `klist ARGS` with UTC times and the C locale; returns stdout, stderr and the exit status. */
export function klist(args: string[], env: Record<string, string> = {}): { stdout: string; stderr: string; status: number } {
  const r = spawnSync('klist', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C', ...env }, timeout: 10_000 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status ?? -1 };
}

export function run(cmd: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...opts.env }, input: opts.input, timeout: 20_000 });
}

/** Our decode in the terms `klist -c -e -f` prints (UTC; klist shows starttime, or authtime when starttime is 0). */
export function oursAsKlist(cc: Ccache) {
  return {
    defaultPrincipal: cc.defaultPrincipal ? principalToString(cc.defaultPrincipal) : undefined,
    tickets: ccacheTickets(cc).map((c) => ({
      server: principalToString(c.server),
      start: (c.starttime ?? c.authtime)?.toISOString(),
      end: c.endtime?.toISOString(),
      renew: c.renewTill?.toISOString(),
      flags: klistFlagString(c.ticketFlags),
      skey: c.key.enctype,
      tkt: ticketSummary(c.ticket)?.enctype,
    })),
  };
}

export function mitAsKlist(file: string, env: Record<string, string> = {}) {
  const r = klist(['-c', '-e', '-f', file], env);
  assert.equal(r.status, 0, r.stderr);
  const k = parseKlist(r.stdout);
  return {
    defaultPrincipal: k.defaultPrincipal ? principalToString(k.defaultPrincipal) : undefined,
    tickets: k.credentials.map((c) => ({
      server: principalToString(c.server),
      start: c.starttime?.toISOString(),
      end: c.endtime?.toISOString(),
      renew: c.renewTill?.toISOString(),
      flags: c.flagLetters,
      skey: c.sessionKeyEnctype,
      tkt: c.ticketEnctype,
    })),
  };
}
