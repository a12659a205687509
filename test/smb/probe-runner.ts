// Runs smbKerberosProbe in this process and prints its result as JSON: the lab test starts it inside the lab's
// client network namespace (`ip netns exec ks-ID-c node --import tsx test/smb/probe-runner.ts`), the way
// test/check/lab-helpers.ts runs `kerbscope check` there. Options come as JSON on stdin (the password with them,
// never on the command line). `skewMs` (tests only): the ticket is obtained with the real clock, then the AP-REQ's
// authenticator is stamped skewMs ahead, as a client whose clock drifted after it got its tickets.
// `tamperWith` (tests only) plays a man in the middle through the probe's `tamper` hook: 'tree-connect-signature'
// flips a bit of the signed TREE_CONNECT's signature; 'negotiate-salt' changes one byte of the 3.1.1 NEGOTIATE request's
// preauth salt after the probe hashed it (so the server's preauth integrity hash differs from the client's).
import { readFileSync } from 'node:fs';
import { asExchange, type KdcContext, tgsExchange } from '../../src/check/kerberos.js';
import type { Fact } from '../../src/facts/fact.js';
import { DEFAULT_ENCTYPES, userKey } from '../../src/krb/client.js';
import { type SmbProbeOptions, smbKerberosProbe } from '../../src/smb/index.js';

const o = JSON.parse(readFileSync(0, 'utf8')) as SmbProbeOptions & {
  skewMs?: number;
  tamperWith?: 'tree-connect-signature' | 'negotiate-salt';
};
if (o.tamperWith === 'tree-connect-signature')
  o.tamper = (command, m) => {
    if (command === 3) m[48] = (m[48] as number) ^ 0x01; // Signature: header bytes 48..63 (MS-SMB2 §2.2.1)
    return m;
  };
else if (o.tamperWith === 'negotiate-salt')
  o.tamper = (command, m) => {
    if (command !== 0) return m;
    // the last context of our request is SIGNING_CAPABILITIES (2 + 2 bytes of data), after the 8-byte-aligned
    // PREAUTH context whose Salt is its last 32 bytes: the byte 20 before the end lies in the salt
    m[m.length - 20] = (m[m.length - 20] as number) ^ 0xff;
    return m;
  };
if (o.skewMs && o.credentials.kind === 'password') {
  const c = o.credentials;
  const skew = o.skewMs;
  o.credentials = {
    kind: 'callback',
    async getTicket(spn) {
      const ctx: KdcContext = {
        realm: c.realm,
        targets: c.kdcs,
        deadline: performance.now() + 10_000,
        udpPreferenceLimit: 1465,
        now: () => new Date(),
      };
      const facts: Fact[] = [];
      const where = { label: 'probe-runner' };
      const salt = `${c.realm}${c.user}`;
      const as = await asExchange(ctx, c.user, DEFAULT_ENCTYPES, (info, req) => userKey(c.password, info, req, salt), where, facts);
      if (!as.creds) return new Error(as.detail);
      const tgs = await tgsExchange(ctx, as.creds, spn, DEFAULT_ENCTYPES, where, facts);
      return tgs.creds ?? new Error(tgs.detail);
    },
  };
  o.now = () => new Date(Date.now() + skew);
}
const r = await smbKerberosProbe(o);
process.stdout.write(`${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
