// readDelegation and directoryTokenSize on hostile directory answers: a corrupt security descriptor, garbage SIDs,
// thousands of SIDs, an unknown front end. The directory is an in-memory entry list searched with real RFC 4515
// filters (parsed by kerbscope's own parser); the real DC is test/directory/lab-directory.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DelegationLookupError, type DelegationSearch, readDelegation } from '../../src/delegation/directory.js';
import { directoryTokenSize } from '../../src/directory/token-size.js';
import { decodeSid, encodeSecurityDescriptor, encodeSid } from '../../src/protocol/dtyp/index.js';
import { type Filter, parseFilter } from '../../src/protocol/ldap/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
type Attrs = Record<string, (string | Uint8Array)[]>;
interface Entry {
  dn: string;
  attrs: Attrs;
}

function text(v: string | Uint8Array, attr: string): string {
  if (typeof v === 'string') return v;
  if (/^(objectsid|tokengroups|sidhistory)$/i.test(attr)) {
    try {
      return decodeSid(v).sid;
    } catch {
      return '';
    }
  }
  return dec.decode(v);
}

function matches(f: Filter, e: Entry): boolean {
  const vals = (a: string) => Object.entries(e.attrs).find(([k]) => k.toLowerCase() === a.toLowerCase())?.[1] ?? [];
  switch (f.type) {
    case 'and':
      return f.filters.every((x) => matches(x, e));
    case 'or':
      return f.filters.some((x) => matches(x, e));
    case 'not':
      return !matches(f.filter, e);
    case 'present':
      return f.attribute.toLowerCase() === 'objectclass' || vals(f.attribute).length > 0;
    case 'equalityMatch':
      return vals(f.attribute).some((v) => text(v, f.attribute).toLowerCase() === dec.decode(f.value).toLowerCase());
    default:
      return false;
  }
}

function directory(entries: Entry[]): DelegationSearch & { searches: number } {
  const d = {
    baseDn: 'DC=contoso,DC=com',
    realm: 'CONTOSO.COM',
    searches: 0,
    async search(q: { base: string; scope?: string; filter: string | Filter; attributes: string[] }) {
      d.searches++;
      const f = typeof q.filter === 'string' ? parseFilter(q.filter) : q.filter;
      const within = entries.filter((e) => (q.scope === 'baseObject' ? e.dn === q.base : e.dn.endsWith(q.base)) && matches(f, e));
      return {
        entries: within.map((e) => ({
          dn: e.dn,
          attributes: Object.entries(e.attrs)
            .filter(([k]) => q.attributes.some((a) => a.toLowerCase() === k.toLowerCase()))
            .map(([type, vs]) => ({ type, vals: vs.map((v) => (typeof v === 'string' ? enc.encode(v) : v)) })),
        })),
      };
    },
  };
  return d;
}

const DOM = 'S-1-5-21-1-2-3';
const front: Entry = {
  dn: 'CN=svc-web,CN=Users,DC=contoso,DC=com',
  attrs: {
    sAMAccountName: ['svc-web'],
    objectClass: ['top', 'person', 'user'],
    objectSid: [encodeSid(`${DOM}-1105`)],
    userAccountControl: ['16777728'],
    servicePrincipalName: ['HTTP/web.contoso.com'],
    'msDS-AllowedToDelegateTo': ['cifs/fs1.contoso.com'],
  },
};
const backEnd = (sd: Uint8Array): Entry => ({
  dn: 'CN=FS1,CN=Computers,DC=contoso,DC=com',
  attrs: {
    sAMAccountName: ['FS1$'],
    objectClass: ['top', 'computer'],
    objectSid: [encodeSid(`${DOM}-1200`)],
    servicePrincipalName: ['host/fs1.contoso.com'],
    'msDS-AllowedToActOnBehalfOfOtherIdentity': [sd],
  },
});
const where = { label: 'delegation' };

describe('readDelegation on hostile directory data', () => {
  it('a corrupt msDS-AllowedToActOnBehalfOfOtherIdentity is reported, the rest is still read', async () => {
    const d = directory([front, backEnd(Uint8Array.of(1, 0, 4, 0x80, 0xff, 0xff, 0xff, 0x7f))]);
    const c = await readDelegation(d, { frontEnd: 'HTTP/web.contoso.com', to: 'cifs/fs1.contoso.com' }, where);
    assert.equal(c.frontEnd.account, 'svc-web');
    assert.equal(c.delegationKind, 'constrained-any-protocol');
    assert.equal(c.target?.via, 'host/fs1.contoso.com');
    assert.match(c.target?.rbcd?.error ?? '', /does not decode/);
    assert.equal(c.target?.rbcd?.frontEndAllowed, false);
  });

  it('a descriptor naming 1,000 SIDs resolves at most 64 of them (never a search per hostile count)', async () => {
    const aces = Array.from({ length: 1000 }, (_, i) => ({ type: 0, flags: 0, mask: 0xf01ff, sid: `${DOM}-${5000 + i}` }));
    const sd = encodeSecurityDescriptor({ owner: 'S-1-5-32-544', dacl: { revision: 2, aces } } as never);
    const d = directory([front, backEnd(sd)]);
    const c = await readDelegation(d, { frontEnd: 'svc-web', to: 'cifs/fs1.contoso.com' }, where);
    assert.equal(c.target?.rbcd?.allowed.length, 64);
    assert.ok(d.searches < 80, `${d.searches} searches`);
  });

  it('the back end lists the front end: resource-based', async () => {
    const sd = encodeSecurityDescriptor({
      owner: 'S-1-5-32-544',
      dacl: { revision: 2, aces: [{ type: 0, flags: 0, mask: 0xf01ff, sid: `${DOM}-1105` }] },
    } as never);
    const noList = { ...front, attrs: { ...front.attrs, 'msDS-AllowedToDelegateTo': [], userAccountControl: ['512'] } };
    const c = await readDelegation(directory([noList, backEnd(sd)]), { frontEnd: 'svc-web', to: 'cifs/fs1.contoso.com' }, where);
    assert.equal(c.delegationKind, 'resource-based');
    assert.deepEqual(c.target?.rbcd?.allowed, [{ sid: `${DOM}-1105`, account: 'svc-web' }]);
  });

  it('an unknown front end is a DelegationLookupError naming it', async () => {
    await assert.rejects(
      readDelegation(directory([front]), { frontEnd: 'nobody' }, where),
      (e: Error) => e instanceof DelegationLookupError && /nobody/.test(e.message),
    );
  });

  it('garbage tokenGroups values and a garbage objectSid are skipped, not fatal', async () => {
    const user: Entry = {
      dn: 'CN=john,CN=Users,DC=contoso,DC=com',
      attrs: {
        sAMAccountName: ['john'],
        objectSid: [Uint8Array.of(1, 200)],
        userAccountControl: ['1049088'],
        tokenGroups: [Uint8Array.of(9, 9, 9), encodeSid(`${DOM}-513`)],
      },
    };
    const group: Entry = {
      dn: 'CN=Domain Users,CN=Users,DC=contoso,DC=com',
      attrs: { objectSid: [encodeSid(`${DOM}-513`)], groupType: ['-2147483646'] },
    };
    const c = await readDelegation(directory([front, user, group]), { frontEnd: 'svc-web', user: 'john' }, where);
    assert.equal(c.user?.notDelegated, true);
    assert.equal(c.user?.protectedUsers, false);
    const t = await directoryTokenSize(directory([user, group]), 'john');
    assert.equal(t.groups.total, 1);
    assert.equal(t.groups.unresolved, 0, 'without the user SID the domain is unknown: a global group is still global');
  });
});
