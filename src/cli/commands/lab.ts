/**
 * `kerbscope lab`: the embedded CONTOSO.COM (src/embedded) on loopback, no root needed. Runs until Ctrl-C/SIGTERM,
 * or with `--check` stages a scenario, runs `kerbscope check` against it and exits with check's exit code.
 *
 * check runs in this process (runCheck and check's renderers), not as a child process: the lab's servers and the
 * check's client share one event loop without trouble, and a second Node start-up would double the wall time of a
 * command whose whole point is to be quick. The lab's krb5.conf and a ccache in its state folder go to runCheck as
 * its environment, so the user's own KRB5_CONFIG/KRB5CCNAME are neither read nor written.
 */

import { join } from 'node:path';
import { runCheck } from '../../check/run.js';
import { EMBEDDED_SCENARIOS, type EmbeddedLab, type EmbeddedScenario, startEmbeddedLab } from '../../embedded/lab.js';
import { EMBEDDED_SCENARIO_TITLES } from '../../embedded/titles.js';
import { renderCheck } from '../../report/check-text.js';
import { escapeText } from '../../report/escape.js';
import { renderCheckHtml } from '../../report/html/check.js';
import { renderJson } from '../../report/json.js';
import { type Command, EXIT, type Io, UsageError } from '../command.js';
import { checkHtmlTarget, HTML_OPTION, writeHtmlReport } from '../html-output.js';

/** POSIX sh single quotes (lab paths come from the OS temp folder or --dir: quoted, never trusted) */
function sh(s: string): string {
  return /^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

function readyText(lab: EmbeddedLab, showSecrets: boolean, keep: boolean): string {
  const u = new URL(lab.url);
  const port = lab.ports.http;
  const env = `KRB5_CONFIG=${sh(lab.krb5Conf)} KRB5CCNAME=${sh(`FILE:${lab.ccache}`)}`;
  const pwFile = join(lab.dir, 'password');
  const lines = [
    `kerbscope lab: ${lab.realm} is up on loopback (scenario ${lab.scenario}, ready in ${lab.startMs} ms)`,
    '',
    `  KDC         ${lab.kdc} (UDP and TCP)`,
    `  DNS         ${lab.dnsServer} (contoso.com: dc1, iisserver, SRV _kerberos._udp/_tcp)`,
    `  web site    ${lab.url} (Negotiate; SPN ${lab.spn}, host ${lab.hosts.web}:${port})`,
    `  user        ${lab.user}   password: ${showSecrets ? lab.password : `in ${pwFile} (--show-secrets prints it)`}`,
    `  krb5.conf   ${lab.krb5Conf}`,
    `  keytab      ${lab.keytab} (the web server's)`,
    '',
    'kerbscope:',
    `  KRB5_CONFIG=${sh(lab.krb5Conf)} kerbscope check ${sh(lab.url)} --dns-server ${lab.dnsServer} --user ${lab.user} --password-stdin < ${sh(pwFile)}`,
    'MIT tools:',
    `  export ${env}`,
    `  kinit ${lab.user} < ${sh(pwFile)} && klist && kvno ${sh(lab.spn)}`,
    'curl (after kinit, same environment):',
    `  curl --negotiate -u : --resolve ${u.hostname}:${port}:${lab.hosts.web} ${sh(lab.url)}`,
    'browser (after kinit, started from the same environment):',
    `  add "${lab.hosts.web} ${u.hostname}" to /etc/hosts, then open ${lab.url}`,
    `  Firefox: about:config network.negotiate-auth.trusted-uris = ${u.hostname}; Chrome: --auth-server-allowlist=${u.hostname}`,
    '',
    `Ctrl-C stops it${keep ? ` (the state folder ${lab.dir} is kept)` : ' and removes its state folder'}.`,
  ];
  return lines.map((l) => escapeText(l)).join('\n');
}

function listText(): string {
  const width = Math.max(...EMBEDDED_SCENARIOS.map((s) => s.length));
  return EMBEDDED_SCENARIOS.map((s) => `${s.padEnd(width + 2)}${EMBEDDED_SCENARIO_TITLES[s]}`).join('\n');
}

/** Resolves on the first SIGINT/SIGTERM (the handlers are removed again, so a second Ctrl-C kills at once). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

async function checkAgainst(
  lab: EmbeddedLab,
  json: boolean,
  verbose: boolean,
  timeoutMs: number,
  io: Io,
  htmlFile?: string,
): Promise<number> {
  const result = await runCheck({
    url: lab.url,
    user: lab.user,
    password: lab.password,
    dnsServer: lab.dnsServer,
    client: 'mit',
    timeoutMs,
    env: { KRB5_CONFIG: lab.krb5Conf, KRB5CCNAME: `FILE:${join(lab.dir, 'check-cc')}` },
  });
  if (json) io.out(renderJson(result));
  else io.out(renderCheck(result, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, verbose }));
  if (htmlFile && !writeHtmlReport('lab', htmlFile, renderCheckHtml(result), io)) return EXIT.UNUSABLE;
  return result.findings.some((f) => f.severity === 'error') ? EXIT.PROBLEMS : EXIT.OK;
}

export const labCommand: Command = {
  name: 'lab',
  summary: 'an embedded CONTOSO.COM on loopback (KDC, DNS, Negotiate web site; no root): break it by scenario, check it',
  usage: 'kerbscope lab [--scenario ID|list] [--check] [--json] [--port-base N] [--keep] [--dir DIR]',
  examples: [
    'kerbscope lab                                        # runs until Ctrl-C; prints how to point kinit, curl, a browser at it',
    'kerbscope lab --scenario healthy --check             # a healthy check, end to end (exit 0)',
    'kerbscope lab --scenario missing-spn --check         # a broken domain diagnosed (exit 1, spn-missing)',
    'kerbscope lab --scenario list                        # what it can break',
    'kerbscope lab --json                                 # one line when ready: realm, krb5Conf, user, password, url, ...',
  ],
  options: {
    scenario: { type: 'string', value: 'ID', description: 'break the domain this way (default healthy); `list` lists them' },
    check: { type: 'boolean', description: 'run kerbscope check against it, print its report, stop, exit with its code' },
    json: { type: 'boolean', description: "--check: check's JSON; otherwise one JSON line when ready" },
    'port-base': { type: 'string', value: 'N', description: 'KDC on N, DNS on N+1, web on N+2 (default: free ports; 88/53/80 as root)' },
    keep: { type: 'boolean', description: 'keep the state folder (krb5.conf, keytab, password) on exit' },
    dir: { type: 'string', value: 'DIR', description: 'state folder, left in place (default: a fresh temp folder, removed on exit)' },
    timeout: { type: 'string', value: 'MS', description: '--check: per step and overall time limit in ms (default 5000)' },
    verbose: { type: 'boolean', description: '--check: list every fact each step observed' },
    html: { ...HTML_OPTION, description: "--check: also write check's self-contained HTML report to FILE" },
    'show-secrets': { type: 'boolean', description: "print the lab user's password in the text output" },
  },
  allowPositionals: false,
  async run(values, _positionals, io) {
    const scenarioArg = (values.scenario as string | undefined) ?? 'healthy';
    if (scenarioArg === 'list') {
      if (values.json) io.out(JSON.stringify(EMBEDDED_SCENARIOS.map((id) => ({ id, title: EMBEDDED_SCENARIO_TITLES[id] }))));
      else io.out(listText());
      return EXIT.OK;
    }
    if (!EMBEDDED_SCENARIOS.includes(scenarioArg as EmbeddedScenario))
      throw new UsageError(`unknown scenario ${scenarioArg} (kerbscope lab --scenario list)`);
    let portBase: number | undefined;
    if (values['port-base'] !== undefined) {
      portBase = Number(values['port-base']);
      if (!Number.isInteger(portBase) || portBase < 1 || portBase > 65533)
        throw new UsageError('--port-base must be a port number (1-65533; it uses N, N+1 and N+2)');
    }
    const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000)
      throw new UsageError('--timeout must be between 100 and 600000 ms');
    const keep = Boolean(values.keep);
    const htmlFile = checkHtmlTarget(values.html);
    if (htmlFile && !values.check) throw new UsageError('--html needs --check (it is the report of that check)');
    const lab = await startEmbeddedLab({
      scenario: scenarioArg as EmbeddedScenario,
      portBase,
      dir: values.dir as string | undefined,
      keep,
    });
    // a --dir folder is the user's: stop() leaves it in place (a temp folder of our own goes unless --keep)
    try {
      const stopping = untilSignal();
      if (values.check) {
        // Ctrl-C during the check still stops the servers and removes the state folder (exit 2: no verdict)
        const interrupted = stopping.then(() => EXIT.UNUSABLE);
        return await Promise.race([checkAgainst(lab, Boolean(values.json), Boolean(values.verbose), timeoutMs, io, htmlFile), interrupted]);
      }
      if (values.json) {
        const { realm, krb5Conf, user, password, url, spn, kdc, ports, dnsServer } = lab;
        io.out(JSON.stringify({ realm, krb5Conf, user, password, url, spn, kdc, ports, dnsServer }));
      } else io.out(readyText(lab, Boolean(values['show-secrets']), keep));
      await stopping;
      return EXIT.OK;
    } finally {
      await lab.stop();
    }
  },
};
