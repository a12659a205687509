/**
 * One event as an Elastic Common Schema document, with Winlogbeat's field names (`winlog.*`) so that a fleet's
 * logs land in the Elasticsearch/OpenSearch index the SIEM already reads: `@timestamp`, `event.code`,
 * `event.provider`, `winlog.channel`, `winlog.record_id`, `winlog.event_data.*`, `host.name`, `user.name`,
 * `user.domain`, `source.ip`, `source.port`, plus `kerberos.*` for the KDC events.
 */
import { ENCTYPE_NAMES } from '../formats/common.js';
import { krbErrorInfo } from '../protocol/krb5/index.js';
import { clientAddress, num } from './facts.js';
import type { EventRecord } from './model.js';

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-f:]+(%\w+)?$/i;

export function toEcs(r: EventRecord): Record<string, unknown> {
  const d = r.data;
  const doc: Record<string, unknown> = {};
  if (r.time) doc['@timestamp'] = r.time.toISOString();
  doc.event = {
    code: String(r.eventId),
    provider: r.provider,
    kind: 'event',
    module: 'kerbscope',
    dataset: `kerbscope.${r.channel.toLowerCase() || 'event'}`,
  };
  doc.winlog = {
    channel: r.channel,
    provider_name: r.provider,
    event_id: String(r.eventId),
    ...(r.recordId !== undefined ? { record_id: String(r.recordId) } : {}),
    ...(r.computer ? { computer_name: r.computer } : {}),
    event_data: d,
  };
  if (r.computer) doc.host = { name: r.computer };
  const user = d.TargetUserName && d.TargetUserName !== '-' ? d.TargetUserName : d.SubjectUserName;
  if (user && user !== '-') {
    const at = user.lastIndexOf('@');
    const domain = d.TargetDomainName ?? (at > 0 ? user.slice(at + 1) : undefined);
    doc.user = { name: at > 0 ? user.slice(0, at) : user, ...(domain && domain !== '-' ? { domain } : {}) };
  }
  const ip = clientAddress(d.IpAddress);
  if (ip && (IPV4.test(ip) || (ip.includes(':') && IPV6.test(ip)))) {
    const port = num(d.IpPort);
    doc.source = { ip, ...(port ? { port } : {}) };
  }
  if (r.channel === 'Security' && r.eventId >= 4768 && r.eventId <= 4771) {
    const code = num(d.Status) ?? 0;
    const et = num(d.TicketEncryptionType);
    doc.kerberos = {
      ...(d.ServiceName ? { service: d.ServiceName } : {}),
      result_code: code,
      result: code ? krbErrorInfo(code).name : 'OK',
      ...(et !== undefined && et !== 0xffffffff
        ? { ticket_encryption_type: et, ticket_encryption_name: ENCTYPE_NAMES[et] ?? String(et) }
        : {}),
      ...(d.PreAuthType && d.PreAuthType !== '-' ? { preauth_type: d.PreAuthType } : {}),
    };
    (doc.event as Record<string, unknown>).outcome = code ? 'failure' : 'success';
  } else if (r.eventId === 4625 || r.eventId === 4771 || r.eventId === 4776) {
    (doc.event as Record<string, unknown>).outcome = (num(d.Status) ?? 0) === 0 ? 'success' : 'failure';
  } else if (r.eventId === 4624) (doc.event as Record<string, unknown>).outcome = 'success';
  return doc;
}
