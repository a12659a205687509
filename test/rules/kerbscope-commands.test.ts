/**
 * Every `kerbscope ...` command a finding prints is one kerbscope accepts (issue 6): the fixes are taken from the
 * rulebook's real output, split into words by a real POSIX shell (they are written for sh), placeholders filled in,
 * then `keytab add` is run for real (and its keytab read back by MIT klist) and the other commands' arguments are
 * parsed by the command's own option table, strictly, as the CLI does.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseArgs } from 'node:util';
import { commands } from '../../src/cli/commands/index.js';
import type { Fact } from '../../src/facts/fact.js';
import { decodeKeytab } from '../../src/formats/index.js';
import { evaluate } from '../../src/rules/index.js';
import { runCli } from '../helpers/cli.js';
import { commandMissing, requireOrSkip } from '../helpers/prereq.js';

const where = { label: 'input 1' };
const FACTS: Fact[][] = [
  [
    {
      kind: 'ticket-decrypt',
      where,
      status: 'kvno-mismatch',
      detail: 'kvno-mismatch',
      principal: 'HTTP/web.contoso.test@CONTOSO.TEST',
      enctype: 18,
      kvno: 5,
      keyKvnos: [4],
      keyEnctypes: [18],
    } as Fact,
  ],
  [
    {
      kind: 'ticket-decrypt',
      where,
      status: 'decrypted',
      detail: 'decrypted',
      principal: 'HTTP/web.contoso.test@CONTOSO.TEST',
      enctype: 17,
      kvno: 7,
      keyKvno: 9,
      keyKvnos: [9],
      keyEnctypes: [17],
    } as Fact,
  ],
  [{ kind: 'credentials', where, source: 'none', detail: 'no ccache' } as Fact],
  // a refused S4U2Proxy seen in a capture (trace): no directory settings, so the fix reads them
  [
    {
      kind: 'delegation-hop',
      where,
      step: 's4u2proxy',
      from: 'svc-web@CONTOSO.TEST',
      to: 'cifs/fs1.contoso.test@CONTOSO.TEST',
      user: 'alice@CONTOSO.TEST',
      ok: false,
      errorCode: 13,
      errorName: 'KDC_ERR_BADOPTION',
      detail: 'refused',
    } as Fact,
  ],
  [{ kind: 'krb5-config', where, files: [], missing: [], realmSource: 'none', kdcs: [], dnsLookupKdc: false, problems: [] } as Fact],
];

const PLACEHOLDERS: Record<string, string> = { '<URL>': 'http://web.contoso.test/', '<user>': 'alice', '<REALM>': 'CONTOSO.TEST' };

/** The words a POSIX shell makes of the command line (the fixes are written for sh). */
function shWords(line: string): string[] {
  const r = spawnSync('sh', ['-c', `set -f; set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sh could not parse: ${line}\n${r.stderr}`);
  return r.stdout.split('\0').slice(0, -1);
}

function suggested(): string[] {
  const out = new Set<string>();
  for (const facts of FACTS)
    for (const f of evaluate(facts)) for (const line of f.fix) if (/^kerbscope /.test(line)) out.add(line.replace(/\s+#.*$/, ''));
  return [...out];
}

describe('every kerbscope command a fix suggests is accepted by kerbscope', () => {
  const lines = suggested();

  it('the rulebook suggests kerbscope commands, and these facts reach every rule that does', () => {
    // each rule source that writes a `kerbscope` command in a sh template is reached by FACTS above
    for (const l of lines) assert.ok(!/<(?!URL>|user>|REALM>)[^>]*>/.test(l), `an unknown placeholder in: ${l}`);
    const dir = path.join(import.meta.dirname, '../../src/rules');
    const writers = readdirSync(dir).filter((f) => f.endsWith('.ts') && /sh`kerbscope /.test(readFileSync(path.join(dir, f), 'utf8')));
    assert.ok(writers.length >= 3, writers.join(', '));
    assert.ok(lines.some((l) => l.startsWith('kerbscope keytab add ')));
    assert.ok(lines.some((l) => l.startsWith('kerbscope check ')));
    for (const w of writers) {
      const text = readFileSync(path.join(dir, w), 'utf8');
      const sub = /sh`kerbscope (\w+)/.exec(text)?.[1] as string;
      assert.ok(
        lines.some((l) => l.startsWith(`kerbscope ${sub}`)),
        `${w} writes kerbscope ${sub}, but no fact here makes it print one`,
      );
    }
  });

  for (const line of suggested()) {
    it(line, (t) => {
      // the user replaces the placeholders before running the line; then the shell splits it
      const words = shWords(line.replace(/<URL>|<user>|<REALM>/g, (p) => PLACEHOLDERS[p] as string));
      assert.equal(words[0], 'kerbscope');
      assert.ok(!words.some((w) => /^<.*>$/.test(w)), `a placeholder is left: ${words.join(' ')}`);
      const cmd = commands.find((c) => c.name === words[1]);
      assert.ok(cmd, `kerbscope has no command ${words[1]}`);
      if (words[1] === 'keytab' && words[2] === 'add') {
        const dir = mkdtempSync(path.join(tmpdir(), 'ks-fixcmd-'));
        const r = runCli(words.slice(1), { input: 'Secret-123\n', cwd: dir });
        assert.equal(r.code, 0, `kerbscope ${words.slice(1).join(' ')}\n${r.stderr}`);
        const file = path.join(dir, words[3] as string);
        const kt = decodeKeytab(readFileSync(file));
        const principal = words[words.indexOf('--principal') + 1] as string;
        const kvno = Number(words[words.indexOf('--kvno') + 1]);
        assert.ok(kt.entries.some((e) => `${e.principal.components.join('/')}@${e.principal.realm}` === principal && e.kvno === kvno));
        if (!requireOrSkip(t, commandMissing('klist', ['-V']))) return;
        const k = execFileSync('klist', ['-k', '-e', file], { encoding: 'utf8' });
        assert.match(k, new RegExp(`\\b${kvno} ${principal.replace(/[.]/g, '\\.')}`));
        return;
      }
      // other commands: parsed by their own option table exactly as src/cli/main.ts does (strict), without running them
      const options = Object.fromEntries(
        Object.entries(cmd.options).map(([k, o]) => [
          k,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      );
      const { positionals } = parseArgs({ args: words.slice(2), options, allowPositionals: true, strict: true });
      assert.equal(positionals.length, 1, 'one target URL');
    });
  }
});
