/**
 * `kerbscope spn` as a real process (the built dist/kerbscope.mjs): usage errors, and a DC that is not a DC — a
 * loopback listener sending garbage, a truncated message, or nothing — gives one clear line on stderr, the JSON error
 * object with --json, exit 2, within the timeout, never a stack trace. The directory itself is test/ldap/lab-ldap.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI_PATH, ensureCliBuilt, runCli } from '../helpers/cli.js';

let dir = '';
const servers: Server[] = [];
before(() => {
  ensureCliBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'kerbscope-spn-cli-'));
  // a krb5.conf with nothing in it: no realm unless the command line gives one, no DNS lookups of a KDC
  writeFileSync(path.join(dir, 'krb5.conf'), '[libdefaults]\n  dns_lookup_kdc = false\n');
});
after(() => {
  for (const s of servers) s.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ KRB5_CONFIG: path.join(dir, 'krb5.conf'), KRB5CCNAME: `FILE:${path.join(dir, 'none')}`, KERBSCOPE_DEBUG: undefined });

async function listener(onConnect: (s: Socket) => void): Promise<number> {
  const server = createServer((s) => {
    s.on('error', () => {});
    onConnect(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

/** Asynchronous (the listener lives in this process, so spawnSync would block it). */
function cli(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI_PATH, ...args], { env: { ...process.env, ...env() } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b) => {
      stdout += b;
    });
    p.stderr.on('data', (b) => {
      stderr += b;
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
    p.stdin.end(input ?? '');
  });
}

describe('kerbscope spn: usage', () => {
  const cases: [string[], RegExp][] = [
    [['spn'], /give a subcommand: query, duplicates, owner/],
    [['spn', 'list'], /give a subcommand/],
    [['spn', 'query'], /spn query needs a PATTERN/],
    [['spn', 'owner'], /spn owner needs an SPN/],
    [['spn', 'owner', 'HTTP/*'], /takes one SPN; use spn query/],
    [['spn', 'duplicates', 'x'], /takes no argument/],
    [['spn', 'query', 'HTTP/x', '--password-stdin'], /--password-stdin needs --user/],
    [['spn', 'query', 'HTTP/x', '--timeout', '5'], /--timeout must be between/],
    [['spn', 'query', 'HTTP/x', '--dns-server', 'dns.example'], /not an IP address/],
    [['spn', 'query', 'HTTP/x', '--sasl-layer', 'none'], /--sasl-layer must be integrity or confidentiality/],
    [['spn', 'query', 'HTTP/x', '--sasl-mech', 'NTLM'], /--sasl-mech must be GSSAPI or GSS-SPNEGO/],
    [['spn', 'query', 'HTTP/x', '--ca-file', '/nonexistent'], /--ca-file is for --ldaps/],
    [['spn', 'query', 'HTTP/x', '--ldaps'], /--ldaps binds with a password/],
    [
      ['spn', 'query', 'HTTP/x', '--ldaps', '--ca-file', '/nonexistent/ca.pem', '--user', 'u', '--password-stdin'],
      /--ca-file \/nonexistent\/ca\.pem: ENOENT/,
    ],
    [['spn', 'query', 'HTTP/x', '--page-size', '0'], /--page-size must be/],
  ];
  for (const [args, re] of cases)
    it(args.join(' '), () => {
      const r = runCli(args, { env: env() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.match(r.stderr, /^kerbscope spn: .*\(see kerbscope spn --help\)\n$/);
      assert.equal(r.stdout, '');
    });

  it('--help lists the subcommands and the options check takes', () => {
    const r = runCli(['spn', '--help']);
    assert.equal(r.code, 0);
    for (const s of [
      'query PATTERN',
      'duplicates',
      'owner SPN',
      '--user',
      '--password-stdin',
      '--dc',
      '--realm',
      '--dns-server',
      '--timeout',
      '--json',
    ])
      assert.ok(r.stdout.includes(s), s);
  });

  it('a client keytab that cannot be read → the config step names it, exit 2', () => {
    const r = runCli(['spn', 'query', 'HTTP/x', '-k', path.join(dir, 'missing.keytab'), '--realm', 'CONTOSO.COM', '--dc', '127.0.0.1'], {
      env: env(),
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^kerbscope spn: cannot read the directory \(config\): client keytab .*missing\.keytab: ENOENT/);
  });

  it('no realm anywhere → the config step says so, exit 2', () => {
    const r = runCli(['spn', 'query', 'HTTP/x', '--dc', '127.0.0.1'], { env: env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^kerbscope spn: cannot read the directory \(config\): no realm/);
  });
});

describe('kerbscope spn against a DC that is not one (loopback)', () => {
  const base = (port: number) => [
    'spn',
    'query',
    'HTTP/web*',
    '--dc',
    `127.0.0.1:${port}`,
    '--kdc',
    '127.0.0.1:1',
    '--realm',
    'CONTOSO.COM',
    '--user',
    'john',
    '--password-stdin',
    '--timeout',
    '1500',
  ];

  it('garbage → one line naming the step and the offset, exit 2, JSON error object', async () => {
    const port = await listener((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
    const r = await cli([...base(port), '--json'], 'pw\n');
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^kerbscope spn: cannot read the directory \(rootdse\): .*not LDAP: an LDAPMessage starts with 0x30 \(SEQUENCE\), not 0x53 .*at offset 0\n$/,
    );
    const j = JSON.parse(r.stdout);
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.error.step, 'rootdse');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('a truncated message, then close → "in the middle of a message", exit 2', async () => {
    const port = await listener((s) => s.once('data', () => s.end(Uint8Array.of(0x30, 0x0c, 0x02, 0x01, 0x01, 0x65))));
    const r = await cli(base(port), 'pw\n');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\(rootdse\): .*closed the connection in the middle of a message/);
  });

  it('silence → a timeout within --timeout, exit 2', async () => {
    const port = await listener(() => {});
    const r = await cli(base(port), 'pw\n');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\(rootdse\): .*no answer to LDAP message 1 .* within \d+ ms/);
    assert.ok(r.ms < 1500 + 3000, `bounded by --timeout 1500 (+ start-up): ${Math.round(r.ms)} ms`);
  });

  it('nothing listening → ldap-connect, exit 2', async () => {
    const port = await listener(() => {});
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 50));
    const r = await cli(base(port), 'pw\n');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\(ldap-connect\): cannot connect to LDAP at 127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});
