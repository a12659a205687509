/**
 * The causes `kerbscope events` names on each corpus file, against expectations derived here from the events
 * themselves — read by libevtx (`evtxexport -f xml`), not by kerbscope — with the meanings the issue and the
 * guidance give the fields:
 *   - 4768/4769/4771 Result/Failure Code (RFC 4120 §7.5.9): 0x6 unknown-user, 0x7 spn-missing, 0x12 account-revoked,
 *     0x17 password-expired, 0x18 bad-password, 0x25 clock-skew, other non-zero krb-error; 4771 0x19 (pre-auth
 *     required) is the normal first round trip, not a failure;
 *   - 4768/4769/4770 issued (code 0) with Ticket Encryption Type RC4/DES (0x17, 0x18, 0x1, 0x3): weak-enctype;
 *     4768 issued with Pre-Authentication Type 0: preauth-disabled;
 *   - 4625/4776 NTSTATUS (SubStatus when Status is the generic 0xC000006D/0xC000006E; MS-ERREF 2.3):
 *     0xC000006A bad-password, 0xC0000064 unknown-user, 0xC0000072 account-disabled, 0xC0000234 account-locked,
 *     0xC0000071/0xC0000224 password-expired, 0xC0000193 account-expired, 0xC000018B secure-channel,
 *     0xC0000133 clock-skew, 0xC000006F logon-hours, 0xC0000070 logon-workstation, other: logon-failed;
 *   - 4624 through Negotiate that ended in NTLM (LmPackageName NTLM…), not anonymous: ntlm-fallback;
 *   - NETLOGON 5805 (a computer's secure channel refused): secure-channel;
 *   - one client failing as SPRAY_ACCOUNTS or more accounts with a wrong password on 2 or more: password-spray;
 *     one client probing SPRAY_ACCOUNTS or more unknown/revoked names in AS requests (or NTLM 0xC0000064):
 *     user-enumeration.
 * For each file: the same set of finding ids, each id's total count equal to the records behind it, and the
 * per-account failures that a spray or an enumeration explains marked as its consequences.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SPRAY_ACCOUNTS } from '../../src/rules/events/password-spray.js';
import { runCliJson } from '../helpers/cli.js';
import { haveCorpus } from '../helpers/corpus.js';
import { skipUnlessCi } from '../helpers/prereq.js';
import { corpusEvtxFiles, EVTX_DIR, evtxexportEvents, evtxexportMissing, flattenEvent } from './reference.js';

const noCorpus = !haveCorpus() && 'the shared corpus (../shared/corpus) is not there';

const KRB: Record<number, string> = {
  6: 'unknown-user',
  7: 'spn-missing',
  18: 'account-revoked',
  23: 'password-expired',
  24: 'bad-password',
  37: 'clock-skew',
};
const NT: Record<number, string> = {
  3221225578: 'bad-password',
  3221225572: 'unknown-user',
  3221225586: 'account-disabled',
  3221226036: 'account-locked',
  3221225585: 'password-expired',
  3221226020: 'password-expired',
  3221225875: 'account-expired',
  3221225867: 'secure-channel',
  3221225779: 'clock-skew',
  3221225583: 'logon-hours',
  3221225584: 'logon-workstation',
};
const WEAK = new Set([0x17, 0x18, 0x1, 0x3]);

const int = (s: string | undefined) => {
  const t = (s ?? '').trim();
  if (!t || t === '-') return undefined;
  const n = /^0x/i.test(t) ? Number.parseInt(t, 16) : Number(t);
  return Number.isFinite(n) ? n : undefined;
};
const ip = (s: string | undefined) => {
  const t = (s ?? '').trim().replace(/^::ffff:/i, '');
  return t && t !== '-' ? t : undefined;
};

interface Expected {
  /** id → records behind it. */
  counts: Map<string, number>;
  /** ids that are consequences of a spray/enumeration (every finding of that id from those clients). */
  consequences: Map<string, string>;
}

function expected(file: string): Expected {
  const counts = new Map<string, number>();
  const add = (id: string, n = 1) => counts.set(id, (counts.get(id) ?? 0) + n);
  type Attempt = { client: string; account: string; kind: 'bad' | 'unknown' | 'revoked'; id: string };
  const attempts: Attempt[] = [];
  for (const ev of evtxexportEvents(file)) {
    const f = flattenEvent(ev);
    const id = int(f.get('Event/System/EventID'));
    const channel = f.get('Event/System/Channel');
    const provider = f.get('Event/System/Provider@Name') ?? f.get('Event/System/Provider@EventSourceName');
    const d = (k: string) => f.get(`Event/EventData/Data[${k}]`);
    if (channel === 'System' && /netlogon/i.test(provider ?? '') && id === 5805) add('secure-channel');
    if (channel !== 'Security') continue;
    const client = ip(d('IpAddress'));
    const account = (d('TargetUserName') ?? '').replace(/@.*$/, '').toLowerCase();
    if (id === 4768 || id === 4769 || id === 4770 || id === 4771) {
      const code = int(d('Status')) ?? 0;
      if (code === 0 && id !== 4771) {
        if (WEAK.has(int(d('TicketEncryptionType')) ?? -1)) add('weak-enctype');
        if (id === 4768 && d('PreAuthType') === '0') add('preauth-disabled');
      } else if (code !== 0 && !(id === 4771 && code === 0x19)) {
        const cause = KRB[code] ?? 'krb-error';
        add(cause);
        if (client && (code === 0x18 || code === 0x6))
          attempts.push({ client, account, kind: code === 0x18 ? 'bad' : 'unknown', id: cause });
        if (client && id === 4768 && code === 0x12) attempts.push({ client, account, kind: 'revoked', id: cause });
      }
    } else if (id === 4625 || id === 4776) {
      const status = int(d('Status')) ?? 0;
      if (status === 0) continue;
      const sub = int(d('SubStatus'));
      const code = (status === 0xc000006d || status === 0xc000006e) && sub ? sub : status;
      const cause = NT[code] ?? 'logon-failed';
      add(cause);
      const src = client ?? (d('WorkstationName') || d('Workstation'));
      if (src && src !== '-' && (code === 0xc000006a || code === 0xc0000064))
        attempts.push({ client: src, account, kind: code === 0xc000006a ? 'bad' : 'unknown', id: cause });
    } else if (id === 4624) {
      const user = d('TargetUserName') ?? '';
      if (
        /^negotiate$/i.test(d('AuthenticationPackageName') ?? '') &&
        /^NTLM/i.test(d('LmPackageName') ?? '') &&
        !/^ANONYMOUS LOGON$/i.test(user)
      )
        add('ntlm-fallback');
    }
  }
  const consequences = new Map<string, string>();
  for (const client of new Set(attempts.map((a) => a.client))) {
    const mine = attempts.filter((a) => a.client === client);
    const sprayed = mine.filter((a) => a.kind !== 'revoked');
    const bad = new Set(sprayed.filter((a) => a.kind === 'bad').map((a) => a.account));
    if (new Set(sprayed.map((a) => a.account)).size >= SPRAY_ACCOUNTS && bad.size >= 2) {
      add('password-spray', sprayed.length);
      for (const a of sprayed) consequences.set(a.id, 'password-spray');
    }
    const probes = mine.filter((a) => a.kind !== 'bad');
    if (new Set(probes.map((a) => a.account)).size >= SPRAY_ACCOUNTS) {
      add('user-enumeration', probes.length);
      for (const a of probes) if (!consequences.has(a.id)) consequences.set(a.id, 'user-enumeration');
    }
  }
  return { counts, consequences };
}

const FILES = noCorpus ? [] : corpusEvtxFiles();

describe('causes on the corpus files, as the events themselves say', { skip: skipUnlessCi(noCorpus || evtxexportMissing()) }, () => {
  const found: string[] = [];
  for (const rel of FILES) {
    it(rel, () => {
      const file = path.join(EVTX_DIR, rel);
      const want = expected(file);
      const r = runCliJson(['events', file]);
      const findings = r.json.findings as { id: string; count?: number; explainedBy?: string; severity: string }[];
      const got = new Map<string, number>();
      for (const f of findings) got.set(f.id, (got.get(f.id) ?? 0) + (f.count ?? 1));
      assert.deepEqual(Object.fromEntries([...got].sort()), Object.fromEntries([...want.counts].sort()));
      for (const f of findings) {
        const cause = want.consequences.get(f.id);
        if (cause && f.id !== cause)
          assert.ok(f.explainedBy === 'password-spray' || f.explainedBy === 'user-enumeration', `${f.id} is not marked as a consequence`);
      }
      // the root cause comes first: nothing explained ranks before a cause
      const firstExplained = findings.findIndex((f) => f.explainedBy);
      if (firstExplained >= 0)
        assert.ok(
          findings.slice(firstExplained).every((f) => f.explainedBy),
          'a cause ranks after a consequence',
        );
      const damaged = r.json.rejected > 0 || r.json.lost > 0;
      assert.equal(r.code, findings.some((f) => f.severity === 'error') || damaged ? 1 : 0, r.stderr);
      found.push(`${rel}: ${[...got].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`);
    });
  }
  it('lists what it found', () => {
    process.stdout.write(`# causes per corpus file:\n${found.map((l) => `#   ${l}`).join('\n')}\n`);
    assert.equal(found.length, FILES.length);
  });
});
