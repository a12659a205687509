// Regenerates samples/ from a real MIT + Apache exchange (run as root):   npx tsx lab/make-samples.ts
//
//   samples/mit-http-negotiate.txt         the "Authorization: Negotiate ..." line of the healthy scenario
//   samples/mit-http-negotiate-aprep.txt   the 200's "WWW-Authenticate: Negotiate ..." (AP-REP, mutual auth)
//   samples/mit-http-krb-error-skew.txt    a 401 "WWW-Authenticate: Negotiate ..." carrying KRB-ERROR 37 (clock-skew-web)
//   samples/mit-http.keytab                HTTP/iisserver.contoso.com's keytab: decrypts the ticket in the first file
//   samples/mit-http-healthy.pcapng        the healthy capture the first two lines come from
//
// Everything comes from one lab base, so the keytab matches the tokens. Lab test keys only.
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureStart, tsharkCount, tsharkFields } from './capture.js';
import { runProbe } from './clients.js';
import { applyScenario, startBase } from './index.js';

const OUT = new URL('../samples/', import.meta.url).pathname;

async function capture(base: Awaited<ReturnType<typeof startBase>>, id: string): Promise<string> {
  const applied = await applyScenario(base, id);
  const file = join(base.env.dir, `${id}.pcapng`);
  try {
    const cap = await captureStart(file, base.env.net, base.janitor);
    const res = await runProbe(base.env, applied.impl.probe(base.env));
    await cap.stop();
    const bad = res.find((r) => !r.ok);
    if (bad) throw new Error(`${id}: ${bad.step.tool} ${bad.why}\n${bad.result.stdout}${bad.result.stderr}`);
  } finally {
    await applied.revert();
  }
  return file;
}

function one(rows: string[][], what: string): string {
  const v = rows[0]?.[0];
  if (rows.length !== 1 || !v) throw new Error(`expected exactly one ${what}, got ${rows.length}`);
  return v;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const base = await startBase('mit', { id: 'smpl' });
  try {
    const healthy = await capture(base, 'healthy');
    const auth = one(await tsharkFields(healthy, 'http.authorization contains "Negotiate "', ['http.authorization']), 'Authorization');
    const aprep = one(
      await tsharkFields(healthy, 'http.response.code == 200 && http.www_authenticate contains "Negotiate "', ['http.www_authenticate']),
      '200 WWW-Authenticate',
    );
    const skewed = await capture(base, 'clock-skew-web');
    const skew = one(
      await tsharkFields(skewed, 'http.response.code == 401 && kerberos.error_code == 37', ['http.www_authenticate']),
      '401 with KRB-ERROR 37',
    );
    writeFileSync(join(OUT, 'mit-http-negotiate.txt'), `Authorization: ${auth}\n`);
    writeFileSync(join(OUT, 'mit-http-negotiate-aprep.txt'), `WWW-Authenticate: ${aprep}\n`);
    writeFileSync(join(OUT, 'mit-http-krb-error-skew.txt'), `WWW-Authenticate: ${skew}\n`);
    copyFileSync(base.env.httpKeytab, join(OUT, 'mit-http.keytab'));
    copyFileSync(healthy, join(OUT, 'mit-http-healthy.pcapng'));
    for (const f of ['mit-http.keytab', 'mit-http-healthy.pcapng']) chmodSync(join(OUT, f), 0o644); // test keys, shipped
    // the shipped keytab alone must decrypt the ticket in the shipped token
    const n = await tsharkCount(
      join(OUT, 'mit-http-healthy.pcapng'),
      'http.authorization && kerberos.authtime',
      join(OUT, 'mit-http.keytab'),
    );
    if (n !== 1) throw new Error('samples/mit-http.keytab does not decrypt the AP-REQ in the healthy capture');
    process.stdout.write(`samples written to ${OUT}\n`);
  } finally {
    await base.down({ removeFiles: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`make-samples: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
