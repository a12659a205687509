/**
 * The web app's engine (web/engine.ts) on hostile input, in Node: whatever a user drops (a mutated or cut capture,
 * event log, keytab or token file, random bytes) or pastes, it ends in a report or in one Error whose message the
 * page shows; never a TypeError/RangeError from a decoder, never a hang. Seeds are the repo's samples and corpus
 * files; mutations come from the fuzz harness (test/fuzz/mutate.ts), deterministic (seed 0x5eed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyseFile, decodeInput, sniff } from '../../web/engine.js';
import { mutate, Rng } from '../fuzz/mutate.js';
import { corpusPath, haveCorpus, REPO_ROOT } from '../helpers/corpus.js';

const SAMPLES = path.join(REPO_ROOT, 'samples');
const seeds: { name: string; bytes: Uint8Array }[] = [
  'mit-http-healthy.pcapng',
  'mit-http.keytab',
  'mit-http-negotiate.txt',
  'mit-http-krb-error-skew.txt',
].map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(path.join(SAMPLES, f))) }));
if (haveCorpus())
  for (const f of [
    'pcap/zeek/krb/kinit.pcap',
    'evtx/evtx-attack-samples/kerberos_pwd_spray_4771.evtx',
    'vectors/kerberos-net/Messages/as-rep',
  ])
    seeds.push({ name: path.basename(f), bytes: new Uint8Array(readFileSync(corpusPath(f))) });

const noKeys = { keytabs: [] };

async function outcomeOf(name: string, bytes: Uint8Array): Promise<string> {
  const t0 = performance.now();
  try {
    const o = await analyseFile(name, new Blob([bytes]), noKeys);
    assert.ok(typeof o.body === 'string' && o.summary.length > 0);
    return 'report';
  } catch (e) {
    assert.ok(!(e instanceof TypeError) && !(e instanceof RangeError), `${name}: ${(e as Error).stack}`);
    assert.ok(e instanceof Error && e.message.length > 0, `${name}: ${String(e)}`);
    return 'error';
  } finally {
    assert.ok(performance.now() - t0 < 5000, `${name}: took ${performance.now() - t0} ms`);
  }
}

describe('web engine on hostile input', () => {
  it('every seed as it is gives a report of the kind its bytes say', async () => {
    for (const s of seeds) {
      const o = await analyseFile(s.name, new Blob([s.bytes]), noKeys);
      const kind = sniff(s.bytes.subarray(0, 4096));
      assert.equal(o.kind, kind === 'capture' ? 'trace' : kind === 'events' ? 'events' : 'decode', s.name);
    }
  });

  it('cut at every 97th byte and mutated 60 times each: a report or one Error, nothing else', async () => {
    const rng = new Rng(0x5eed);
    const tally = { report: 0, error: 0 };
    for (const s of seeds) {
      for (let cut = 0; cut < s.bytes.length; cut += Math.max(97, Math.floor(s.bytes.length / 40)))
        tally[(await outcomeOf(s.name, s.bytes.subarray(0, cut))) as 'report']++;
      for (let i = 0; i < 60; i++) tally[(await outcomeOf(s.name, mutate(s.bytes, rng))) as 'report']++;
    }
    for (let i = 0; i < 50; i++) {
      const b = new Uint8Array(rng.int(5000));
      for (let j = 0; j < b.length; j++) b[j] = rng.int(256);
      tally[(await outcomeOf('random', b)) as 'report']++;
    }
    assert.ok(tally.report > 0 && tally.report + tally.error > 500, JSON.stringify(tally));
  });

  it('pasted text: garbage, a cut header, a huge line: a report (maybe "nothing decoded"), never a throw', () => {
    const neg = readFileSync(path.join(SAMPLES, 'mit-http-negotiate.txt'), 'utf8');
    for (const text of [
      '',
      ' ',
      'Authorization: Negotiate',
      neg.slice(0, 60),
      neg.slice(0, neg.length / 2),
      'x'.repeat(200_000),
      '\u0000\uffff',
      'klist\nTicket cache: FILE:/tmp/x\n',
    ]) {
      const o = decodeInput({ label: 'pasted text', text }, noKeys);
      assert.equal(o.kind, 'decode');
      assert.ok(o.summary.length > 0);
    }
  });
});
