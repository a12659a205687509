/**
 * Fuzz of the LDAP layer, on the shared harness (generate/runOne: deterministic inputs, replayable by seed and index):
 * whole LDAPMessages, streams cut at random points through the framer, BER filters, the paged-results control value,
 * RFC 4515 filter strings (which must also round-trip through filterToString), and — through a real socket on
 * loopback — the connection itself: whatever a server sends, the client ends with an LdapError or a result, never an
 * uncaught exception, within its timeout. Seeds are real encodings of every message kind.
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { LdapClient } from '../../src/ldap/client.js';
import { LdapError } from '../../src/ldap/connection.js';
import {
  decodeLdapMessage,
  decodePagedResultsValue,
  encodeFilter,
  encodeLdapMessage,
  encodePagedResultsControl,
  FilterSyntaxError,
  Framer,
  filterFrom,
  filterToString,
  type LdapMessage,
  ldapMessageLength,
  parseFilter,
} from '../../src/protocol/ldap/index.js';
import { decodeTlv } from '../../src/wire/der.js';
import { DecodeError } from '../../src/wire/errors.js';
import { generate, replayLine, runOne } from './harness.js';
import { Rng } from './mutate.js';
import type { FuzzTarget } from './targets.js';

const SEED = 0x1dab;
const N = Number(process.env.KERBSCOPE_FUZZ_N ?? 2500);
const te = (s: string) => new TextEncoder().encode(s);
const R = { resultCode: 0, matchedDN: 'DC=contoso,DC=com', diagnosticMessage: '' };

const FILTERS = [
  '(servicePrincipalName=HTTP/iisserver*)',
  '(&(objectClass=user)(|(cn=a*b*c)(sAMAccountName=svc*))(!(userAccountControl>=2)))',
  '(cn=\\2a\\28x\\29)',
  '(servicePrincipalName=*)',
  '(|(cn~=bob)(cn<=z))',
];

const MESSAGES: LdapMessage[] = [
  {
    messageID: 1,
    protocolOp: {
      type: 'bindRequest',
      version: 3,
      name: '',
      authentication: { kind: 'sasl', mechanism: 'GSSAPI', credentials: Uint8Array.of(0x60, 3, 6, 1, 0) },
    },
  },
  { messageID: 1, protocolOp: { type: 'bindResponse', ...R, resultCode: 14, serverSaslCreds: Uint8Array.of(5, 4, 6, 0xff) } },
  {
    messageID: 2,
    protocolOp: {
      type: 'searchRequest',
      baseObject: 'DC=contoso,DC=com',
      scope: 2,
      derefAliases: 0,
      sizeLimit: 0,
      timeLimit: 0,
      typesOnly: false,
      filter: parseFilter(FILTERS[1] as string),
      attributes: ['servicePrincipalName', 'sAMAccountName'],
    },
    controls: [encodePagedResultsControl({ size: 500, cookie: Uint8Array.of(1, 2, 3, 4) })],
  },
  {
    messageID: 2,
    protocolOp: {
      type: 'searchResEntry',
      objectName: 'CN=svcaccount,CN=Users,DC=contoso,DC=com',
      attributes: [
        { type: 'servicePrincipalName', vals: [te('HTTP/iisserver.contoso.com'), te('HTTP/websmall.contoso.com')] },
        { type: 'sAMAccountName', vals: [te('svcaccount')] },
      ],
    },
  },
  {
    messageID: 2,
    protocolOp: { type: 'searchResDone', ...R },
    controls: [encodePagedResultsControl({ size: 0, cookie: Uint8Array.of(7) })],
  },
  { messageID: 2, protocolOp: { type: 'searchResRef', uris: ['ldap://DomainDnsZones.contoso.com/DC=DomainDnsZones,DC=contoso,DC=com'] } },
  { messageID: 0, protocolOp: { type: 'extendedResp', ...R, resultCode: 52, responseName: '1.3.6.1.4.1.1466.20036' } },
];
const SEEDS = MESSAGES.map(encodeLdapMessage);

const classify = (e: unknown, allowed: (e: unknown) => string | undefined) => {
  const code = allowed(e);
  if (code === undefined) throw e;
  return { outcome: { kind: 'rejected' as const, code } };
};
const decodeErr = (e: unknown) => (e instanceof DecodeError ? e.code : undefined);

const TARGETS: (FuzzTarget & { seedList: Uint8Array[] })[] = [
  {
    name: 'ldap-message',
    what: 'decodeLdapMessage',
    seeds: () => SEEDS,
    seedList: SEEDS,
    run(input) {
      try {
        return { outcome: { kind: 'ok' }, result: decodeLdapMessage(input) };
      } catch (e) {
        return classify(e, decodeErr);
      }
    },
  },
  {
    name: 'ldap-stream',
    what: 'Framer(ldapMessageLength) + decodeLdapMessage, cut at pseudo-random points',
    seeds: () => [],
    seedList: [Uint8Array.from(Buffer.concat(SEEDS))],
    run(input) {
      const f = new Framer(ldapMessageLength);
      const rng = new Rng((input.length * 2654435761) >>> 0 || 1);
      const out: LdapMessage[] = [];
      try {
        let at = 0;
        while (at < input.length) {
          const n = 1 + rng.int(64);
          for (const b of f.push(input.subarray(at, at + n))) out.push(decodeLdapMessage(b));
          at += n;
        }
        return { outcome: { kind: 'ok' }, result: out };
      } catch (e) {
        return classify(e, decodeErr);
      }
    },
  },
  {
    name: 'ldap-filter-ber',
    what: 'filterFrom',
    seeds: () => [],
    seedList: FILTERS.map((f) => encodeFilter(parseFilter(f))),
    run(input) {
      try {
        return { outcome: { kind: 'ok' }, result: filterFrom(decodeTlv(input), 'filter') };
      } catch (e) {
        return classify(e, decodeErr);
      }
    },
  },
  {
    name: 'ldap-paged-value',
    what: 'decodePagedResultsValue',
    seeds: () => [],
    seedList: [encodePagedResultsControl({ size: 500, cookie: Uint8Array.of(1, 2, 3) }).controlValue as Uint8Array],
    run(input) {
      try {
        return { outcome: { kind: 'ok' }, result: decodePagedResultsValue(input) };
      } catch (e) {
        return classify(e, decodeErr);
      }
    },
  },
  {
    name: 'ldap-filter-string',
    what: 'parseFilter ∘ filterToString round trip',
    seeds: () => [],
    seedList: FILTERS.map(te),
    run(input) {
      const text = new TextDecoder().decode(input);
      try {
        const f = parseFilter(text);
        const again = parseFilter(filterToString(f));
        assert.deepEqual(again, f, `filterToString does not round-trip: ${filterToString(f)}`);
        return { outcome: { kind: 'ok' }, result: f };
      } catch (e) {
        return classify(e, (x) => (x instanceof FilterSyntaxError ? 'FILTER_SYNTAX' : undefined));
      }
    },
  },
];

describe('fuzz: the LDAP codec only fails with DecodeError / FilterSyntaxError', () => {
  for (const t of TARGETS)
    it(`${t.name} (${t.what}): ${N} inputs`, () => {
      const counts = new Map<string, number>();
      for (let i = 0; i < N; i++) {
        const input = generate(t.seedList, SEED, i);
        const r = runOne(t, input);
        if (r.crash) assert.fail(`${r.crash.message}\n${replayLine(t.name, SEED, i, input)}\n${r.crash.stack}`);
        assert.ok(r.ms < 500, `input ${i} took ${r.ms} ms\n${replayLine(t.name, SEED, i, input)}`);
        const k = r.outcome.kind === 'ok' ? 'ok' : r.outcome.code;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      // both sides of the contract are exercised: some inputs decode, some are rejected
      assert.ok((counts.get('ok') ?? 0) > 0, `nothing decoded: ${[...counts].join(' ')}`);
      assert.ok(N - (counts.get('ok') ?? 0) > 0, `nothing rejected: ${[...counts].join(' ')}`);
    });

  it('the connection: 150 mutated server streams over loopback → a result or an LdapError, within the timeout', async () => {
    const inputs = Array.from({ length: 150 }, (_, i) => generate([Uint8Array.from(Buffer.concat(SEEDS.slice(3)))], SEED, i));
    let next = 0;
    const server = createServer((s: Socket) => {
      s.on('error', () => {});
      const input = inputs[next++] ?? new Uint8Array(0);
      // answer the first request with the input (the message IDs of the seeds are 2; the client's first is 1)
      s.once('data', () => {
        s.write(input);
        if (input.length % 3 === 0) s.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const outcomes = new Map<string, number>();
    try {
      for (let i = 0; i < inputs.length; i++) {
        const t0 = performance.now();
        const c = await LdapClient.connect('127.0.0.1', port, 300);
        let k: string;
        try {
          await c.search({ base: 'DC=contoso,DC=com', filter: '(cn=*)', attributes: [], pageSize: 0 });
          k = 'ok';
        } catch (e) {
          if (!(e instanceof LdapError))
            assert.fail(`input ${i}: ${String(e)}\n${replayLine('ldap-connection', SEED, i, inputs[i] as Uint8Array)}`);
          k = e.code;
        } finally {
          await c.close();
        }
        assert.ok(performance.now() - t0 < 1500, `input ${i} took ${performance.now() - t0} ms`);
        outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
      }
    } finally {
      server.close();
    }
    assert.ok((outcomes.get('ERR_LDAP_GARBAGE') ?? 0) > 0, [...outcomes].join(' '));
  });
});
