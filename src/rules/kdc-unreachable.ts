import { factsOf } from '../facts/fact.js';
import type { Finding, Rule } from './finding.js';
import { refsOf } from './net-helpers.js';
import { ps, raw, win } from './shell.js';

/**
 * No KDC answered on port 88 (guidance: "Network ports": 88 TCP/UDP must be open from the client to every DC).
 * Told apart: dropped (no answer within the timeout: a firewall discards the packets — the slow failure, kinit
 * "Cannot contact any KDC" after its timeouts) vs refused (ICMP port unreachable / TCP RST: nothing listens or a
 * firewall rejects — the instant failure). Reads kdc-contact (and port-probe on 88), from a live check or a capture.
 */
export const kdcUnreachable: Rule = {
  id: 'kdc-unreachable',
  step: 'ports',
  explains: ['no-credentials', 'krb-error', 'dc-not-discoverable', 'ldap-unreachable', 'ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    const contacts = factsOf(facts, 'kdc-contact');
    const probes = factsOf(facts, 'port-probe').filter((p) => (p.service === 'kerberos' || p.port === 88) && p.outcome !== 'open');
    if (!contacts.length || contacts.some((c) => c.outcome === 'answered')) return [];
    const failed = contacts.filter((c) => c.outcome === 'no-answer' || c.outcome === 'refused');
    if (!failed.length) return [];
    const dropped = failed.filter((c) => c.outcome === 'no-answer');
    const refused = failed.filter((c) => c.outcome === 'refused');
    const kdcs = [...new Set(failed.map((c) => c.address ?? c.kdc))];
    const how =
      dropped.length && !refused.length
        ? 'dropped'
        : refused.length && !dropped.length
          ? 'refused'
          : `dropped on ${[...new Set(dropped.map((c) => c.transport))].join('/')} and refused on ${[...new Set(refused.map((c) => c.transport))].join('/')}`;
    const host = kdcs[0] ?? '<KDC>';
    const realm = factsOf(facts, 'kdc-request')[0]?.realm;
    const out: Finding = {
      id: 'kdc-unreachable',
      severity: 'error',
      step: 'ports',
      title: `No KDC answered on port ${[...new Set(failed.map((c) => c.port))].join('/')} (${how}): ${kdcs.join(', ')}`,
      explanation:
        how === 'dropped'
          ? 'Every Kerberos request to the KDC went unanswered: the packets to port 88 are silently DROPPED (no reply, no ICMP, no RST), which is what a firewall with a drop/deny rule does. Clients wait for their timeouts (kinit: "Cannot contact any KDC for realm" after ~18 s; Windows falls back to NTLM or fails slowly). Without a KDC there is no TGT and no service ticket.'
          : how === 'refused'
            ? 'Every Kerberos request to the KDC was REFUSED at once: UDP got ICMP port unreachable and TCP got a reset. Either no KDC service listens on port 88 at that address (the KDC service is stopped, the address is not a DC) or a firewall rejects the port actively. Without a KDC there is no TGT and no service ticket.'
            : `No Kerberos request got an answer: the port is ${how}. Without a KDC there is no TGT and no service ticket.`,
      evidence: [
        ...failed
          .slice(0, 8)
          .map(
            (c) =>
              `${c.where.label}: ${c.transport.toUpperCase()} ${c.address ?? c.kdc}:${c.port} ${c.outcome === 'no-answer' ? 'no answer (dropped)' : 'refused'}${c.detail ? ` — ${c.detail}` : ''}${c.ms !== undefined ? ` after ${c.ms} ms` : ''}`,
          ),
        ...probes.map((p) => `${p.where.label}: TCP connect ${p.address ?? p.host}:88 ${p.outcome}${p.detail ? ` — ${p.detail}` : ''}`),
      ],
      fix: [
        ps`Test-NetConnection ${host} -Port 88`,
        how === 'refused'
          ? 'On the DC: is the KDC running (Windows: "Kerberos Key Distribution Center" service; MIT: krb5kdc; Samba: samba)? Is this address really a DC?'
          : 'Open TCP and UDP 88 from the clients to every DC on the firewalls in between (and 464 for password changes); a drop rule makes clients hang for their full timeouts.',
        realm ? win`nltest /dsgetdc:${realm} /kdc /force` : win`nltest /dsgetdc:${raw('<domain>')} /kdc /force`,
        'Linux: check the kdc = lines of krb5.conf [realms] or the _kerberos._udp/_tcp SRV records point at a live KDC.',
      ],
      refs: refsOf(failed),
    };
    return [out];
  },
};
