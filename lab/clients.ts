// The real client tools, run inside the lab's client namespace: MIT kinit/kvno, curl --anyauth -u : (so the 401
// appears on the wire before the Negotiate exchange), smbclient, ldapsearch with GSSAPI, dig.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunResult, run } from './proc.js';
import type { LabEnv, ProbeStep, Step, StepExpect } from './types.js';

export function ccachePath(env: LabEnv): string {
  return join(env.dir, 'client', 'ccache');
}

export function clientEnv(env: LabEnv, conf: keyof LabEnv['krb5'] = 'conf'): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: join(env.dir, 'client'),
    LANG: 'C',
    KRB5_CONFIG: env.krb5[conf],
    KRB5CCNAME: `FILE:${ccachePath(env)}`,
  };
}

/** Forget every ticket (a fresh client for each scenario). */
export function resetClient(env: LabEnv): void {
  mkdirSync(join(env.dir, 'client'), { recursive: true });
  rmSync(ccachePath(env), { force: true });
}

/** The argv a step runs, without the namespace prefix (also printed by the CLI as an example). */
export function stepArgv(
  env: LabEnv,
  step: Step,
): { argv: string[]; input?: string; conf?: keyof LabEnv['krb5']; extraEnv?: Record<string, string> } {
  const fake = (ft: string | undefined) => (ft ? ['faketime', '-f', ft] : []);
  switch (step.tool) {
    case 'kinit':
      return {
        argv: [...fake(step.faketime), 'kinit', step.user ?? env.user],
        input: `${step.password ?? env.password}\n`,
        conf: step.conf,
      };
    case 'kvno':
      return { argv: [...fake(step.faketime), 'kvno', step.spn], conf: step.conf };
    case 'curl':
      return {
        argv: [
          ...fake(step.faketime),
          'curl',
          '-sS',
          '-v',
          '--anyauth',
          '-u',
          ':',
          '--max-time',
          '20',
          '-o',
          '/dev/null',
          '-w',
          'HTTP_CODE=%{http_code}\\n',
          step.url,
        ],
        conf: step.conf,
        // gss-ntlmssp takes the client's NTLM password from this file (what a Windows client gets from the logon)
        extraEnv: step.ntlm ? { NTLM_USER_FILE: join(env.dir, 'ntlm-users'), NTLMUSER: env.user } : undefined,
      };
    case 'smbclient': {
      const conf = join(env.dir, 'client', 'smb.conf');
      writeFileSync(conf, `[global]\n  realm = ${env.realm}\n  workgroup = ${env.domain}\n  client min protocol = SMB2\n`);
      return {
        argv: ['smbclient', '-s', conf, '--use-kerberos=required', `--use-krb5-ccache=FILE:${ccachePath(env)}`, step.share, '-c', 'ls'],
      };
    }
    case 'ldapsearch':
      return {
        argv: [
          'ldapsearch',
          '-N', // no reverse DNS to build the ldap/ SPN (RECIPES §4)
          '-Q',
          '-Y',
          'GSSAPI',
          '-o',
          'nettimeout=3',
          '-H',
          `ldap://${step.host}`,
          '-b',
          '',
          '-s',
          'base',
          'dnsHostName',
        ],
      };
    case 'cldap': {
      const conf = join(env.dir, 'client', 'smb.conf');
      writeFileSync(conf, `[global]\n  realm = ${env.realm}\n  workgroup = ${env.domain}\n`);
      return { argv: ['net', 'ads', 'lookup', '-S', step.server, '-s', conf] };
    }
    case 'dig':
      return { argv: ['dig', '+time=1', '+tries=1', step.name, step.type] };
    case 's4u':
      return {
        argv: [
          'sh',
          '-c',
          'kinit -f -k -t "$1" "$2" && kvno -U "$3" -P "$4"',
          's4u',
          join(env.dir, step.keytab),
          step.principal,
          step.user,
          step.spn,
        ],
      };
  }
}

export async function runStep(env: LabEnv, step: Step): Promise<RunResult> {
  const { argv, input, conf, extraEnv } = stepArgv(env, step);
  return run([...env.net.clientExec, ...argv], { env: { ...clientEnv(env, conf), ...extraEnv }, input, timeoutMs: 60_000 });
}

export interface ProbeResult {
  step: Step;
  result: RunResult;
  expect: StepExpect;
  ok: boolean;
  why?: string;
}

export function checkExpect(r: RunResult, e: StepExpect): string | undefined {
  const out = r.stdout + r.stderr;
  if (e.code === 'nonzero' && r.code === 0) return 'expected a non-zero exit code, got 0';
  if (typeof e.code === 'number' && r.code !== e.code) return `expected exit code ${e.code}, got ${r.code}`;
  if (e.output && !e.output.test(out)) return `output does not match ${e.output}`;
  return undefined;
}

/** Runs the probe's steps in order; stops at the first step that does not behave as expected. */
export async function runProbe(env: LabEnv, steps: ProbeStep[]): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const [i, ps] of steps.entries()) {
    const expect = ps.expect ?? (i < steps.length - 1 ? { code: 0 } : {});
    const result = await runStep(env, ps.step);
    const why = checkExpect(result, expect);
    results.push({ step: ps.step, result, expect, ok: why === undefined, why });
    if (why !== undefined) break;
  }
  return results;
}
