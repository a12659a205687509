// The catalogue as data (no root, no lab): the list is covered, ids are stable and unique, every entry says
// where it runs or why not, and every wire expectation is a display filter tshark accepts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SCENARIOS, scenarioById } from '../../lab/catalogue.js';
import { BACKENDS } from '../../lab/types.js';
import { skipUnlessCi } from '../helpers/prereq.js';

// The list (issue 2, "Scenario catalogue"), in its order, as catalogue ids.
const REQUIRED = [
  'healthy',
  'missing-spn',
  'duplicate-spn',
  'spn-wrong-account',
  'dns-a-wrong',
  'url-is-ip',
  'cname-alias',
  'cname-canonical',
  'spn-with-port',
  'no-srv-records',
  'kdc-dropped',
  'kdc-rejected',
  'ldap-blocked',
  'dns-dropped',
  'clock-skew-as',
  'clock-skew-tgs',
  'clock-skew-web',
  'wrong-password',
  'unknown-user',
  'account-disabled',
  'account-locked',
  'password-expired',
  'keytab-stale-kvno',
  'keytab-wrong-key',
  'keytab-missing-enctype',
  'ticket-not-for-server',
  'enctype-unsupported',
  'ntlm-only',
  'ntlm-fallback',
  'token-too-large',
  'cifs-ok-http-fails',
];

function tsharkAvailable(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('lab catalogue', () => {
  it('has every scenario of the issue, at least 25', () => {
    assert.ok(SCENARIOS.length >= 25);
    for (const id of REQUIRED) assert.ok(scenarioById(id), `missing scenario ${id}`);
  });

  it('ids are unique kebab-case; root causes are short stable ids', () => {
    const ids = SCENARIOS.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const s of SCENARIOS) {
      assert.match(s.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.match(s.rootCause, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(s.title.length > 10 && s.seed.length > 0 && s.symptom.length > 0, s.id);
    }
  });

  it('the healthy baseline runs on MIT and Samba', () => {
    const h = scenarioById('healthy');
    assert.ok(h?.backends.mit && h.backends.samba);
  });

  it('every scenario runs on a backend or says why not; only known backends', () => {
    for (const s of SCENARIOS) {
      const on = Object.keys(s.backends);
      const off = Object.keys(s.notOn ?? {});
      assert.ok(on.length > 0 || off.length > 0, `${s.id}: no backend and no reason`);
      for (const b of [...on, ...off]) assert.ok((BACKENDS as readonly string[]).includes(b), `${s.id}: backend ${b}`);
      for (const b of off) assert.ok(!on.includes(b), `${s.id}: both implemented and excused on ${b}`);
    }
  });

  it('every implementation has a probe, wire expectations and a one-line summary', () => {
    for (const s of SCENARIOS) {
      for (const [b, impl] of Object.entries(s.backends)) {
        assert.ok(impl.wire.length > 0, `${s.id}/${b}: no wire expectation`);
        assert.ok(impl.seen.length > 0, `${s.id}/${b}: no summary`);
        assert.equal(typeof impl.probe, 'function');
      }
    }
  });

  it('every wire filter compiles in tshark', { skip: skipUnlessCi(!tsharkAvailable() && 'tshark not installed') }, () => {
    const filters = new Set<string>();
    for (const s of SCENARIOS) {
      for (const impl of Object.values(s.backends)) {
        for (const f of [...impl.wire, ...(impl.wireAbsent ?? []), ...(impl.wireDecrypted ?? [])]) filters.add(f);
      }
    }
    // an empty classic pcap (libpcap global header, LINKTYPE_ETHERNET): tshark reads it with exit 0 unless the
    // display filter does not compile
    const empty = join(mkdtempSync(join(tmpdir(), 'ks-cat-')), 'empty.pcap');
    writeFileSync(empty, Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex'));
    const compiles = (f: string) => {
      try {
        execFileSync('tshark', ['-r', empty, '-Y', f], { stdio: 'pipe' });
        return true;
      } catch {
        return false;
      }
    };
    assert.equal(compiles('kerberos.no_such_field == 3'), false, 'the check itself must be able to fail');
    // one tshark run for all of them (each run costs ~0.4 s); one by one only to name the culprit
    if (!compiles([...filters].map((f) => `(${f})`).join(' || '))) {
      for (const f of filters) assert.ok(compiles(f), `tshark rejects the display filter: ${f}`);
    }
  });
});
