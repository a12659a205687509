/**
 * The events the issue lists, one at a time, written here as `wevtutil qe /f:xml` prints them (field names from the
 * events' manifests), through the export reader, the catalogue, the facts and the rulebook: each must give the cause
 * the issue (and Microsoft's guidance) names for it. The corpus holds only some of these events; this covers the rest.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventAnalysis } from '../../src/events/analyse.js';
import { parseXmlExport } from '../../src/events/exports.js';

const SEC = 'Microsoft-Windows-Security-Auditing';
const KDC = 'Microsoft-Windows-Kerberos-Key-Distribution-Center';
const KERB = 'Microsoft-Windows-Security-Kerberos';
const TIME = 'Microsoft-Windows-Time-Service';

function event(provider: string, channel: string, id: number, data: Record<string, string> | string[], n = 1): string {
  const fields = Array.isArray(data)
    ? data.map((v) => `<Data>${v}</Data>`).join('')
    : Object.entries(data)
        .map(([k, v]) => `<Data Name="${k}">${v}</Data>`)
        .join('');
  return `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="${provider}"/><EventID>${id}</EventID><Level>2</Level><TimeCreated SystemTime="2024-03-01T08:00:${String(n).padStart(2, '0')}.0000000Z"/><EventRecordID>${1000 + n}</EventRecordID><Channel>${channel}</Channel><Computer>dc1.contoso.com</Computer></System><EventData>${fields}</EventData></Event>`;
}

const logon = (status: string, sub = '0x0') =>
  event(SEC, 'Security', 4625, {
    TargetUserName: 'jdoe',
    TargetDomainName: 'CONTOSO',
    Status: status,
    SubStatus: sub,
    LogonType: '3',
    AuthenticationPackageName: 'Negotiate',
    WorkstationName: 'WS01',
    IpAddress: '10.0.0.5',
    IpPort: '50000',
  });
const kdc = (id: number, status: string, extra: Record<string, string> = {}) =>
  event(SEC, 'Security', id, {
    TargetUserName: id === 4769 ? 'jdoe@CONTOSO.COM' : 'jdoe',
    TargetDomainName: 'CONTOSO.COM',
    ServiceName: id === 4769 ? 'HTTP/web.contoso.com' : 'krbtgt',
    TicketOptions: '0x40810010',
    Status: status,
    TicketEncryptionType: status === '0x0' ? '0x12' : '0xffffffff',
    PreAuthType: '2',
    IpAddress: '::ffff:10.0.0.5',
    IpPort: '50001',
    ...extra,
  });

/** [what, the export, the finding ids any of which is the cause the issue names]. */
const CASES: [string, string, string[]][] = [
  ['4769 0x7 (no account holds the SPN)', kdc(4769, '0x7'), ['spn-missing']],
  ['4769 0x25 (skew)', kdc(4769, '0x25'), ['clock-skew']],
  ['4771 0x18 (pre-auth failed)', kdc(4771, '0x18'), ['bad-password']],
  ['4771 0x25 (skew)', kdc(4771, '0x25'), ['clock-skew']],
  ['4768 0x6 (unknown user)', kdc(4768, '0x6'), ['unknown-user']],
  ['4768 0x12 (revoked: disabled, locked or expired)', kdc(4768, '0x12'), ['account-revoked', 'account-disabled', 'account-locked']],
  ['4768 0x17 (password expired)', kdc(4768, '0x17'), ['password-expired']],
  ['4768 issued with an RC4 ticket', kdc(4768, '0x0', { TicketEncryptionType: '0x17' }), ['weak-enctype']],
  ['4769 issued with an RC4 ticket', kdc(4769, '0x0', { TicketEncryptionType: '0x17' }), ['weak-enctype']],
  ['4768 issued without pre-authentication', kdc(4768, '0x0', { PreAuthType: '0' }), ['preauth-disabled']],
  ['4625 0xC000006D/0xC000006A (bad password)', logon('0xc000006d', '0xc000006a'), ['bad-password']],
  ['4625 0xC0000064 (unknown user)', logon('0xc000006d', '0xc0000064'), ['unknown-user']],
  ['4625 0xC0000072 (disabled)', logon('0xc000006e', '0xc0000072'), ['account-disabled']],
  ['4625 0xC0000234 (locked)', logon('0xc0000234'), ['account-locked']],
  ['4625 0xC0000071 (password expired)', logon('0xc000006e', '0xc0000071'), ['password-expired']],
  ['4625 0xC0000224 (must change password)', logon('0xc0000224'), ['password-expired']],
  ['4625 0xC000018B (no trust: computer account)', logon('0xc000018b'), ['secure-channel']],
  ['4625 0xC0000133 (clock skew)', logon('0xc0000133'), ['clock-skew']],
  [
    '4776 0xC0000064 (NTLM: unknown user)',
    event(SEC, 'Security', 4776, {
      PackageName: 'MICROSOFT_AUTHENTICATION_PACKAGE_V1_0',
      TargetUserName: 'jdoe',
      Workstation: 'WS01',
      Status: '0xc0000064',
    }),
    ['unknown-user'],
  ],
  [
    '4740 (locked out)',
    event(SEC, 'Security', 4740, { TargetUserName: 'jdoe', TargetDomainName: 'WS01', TargetSid: 'S-1-5-21-1-2-3-1104' }),
    ['account-locked'],
  ],
  [
    '4624 through Negotiate that ended in NTLM V2',
    event(SEC, 'Security', 4624, {
      TargetUserName: 'jdoe',
      TargetDomainName: 'CONTOSO',
      LogonType: '3',
      LogonProcessName: 'NtLmSsp ',
      AuthenticationPackageName: 'Negotiate',
      WorkstationName: 'WS01',
      LmPackageName: 'NTLM V2',
      IpAddress: '10.0.0.5',
    }),
    ['ntlm-fallback'],
  ],
  ['KDC 11 (duplicate SPN)', event(KDC, 'System', 11, ['HTTP/web.contoso.com', 'DS_SERVICE_PRINCIPAL_NAME']), ['spn-duplicate']],
  [
    'Kerberos 4 (KRB_AP_ERR_MODIFIED)',
    event(KERB, 'System', 4, { Server: 'web$', TargetName: 'HTTP/web.contoso.com' }),
    ['keytab-wrong-key', 'spn-duplicate', 'ticket-not-for-server'],
  ],
  ['Kerberos 5 (KRB_AP_ERR_TKT_NYV)', event(KERB, 'System', 5, { Server: 'web$', TargetName: 'HTTP/web.contoso.com' }), ['clock-skew']],
  [
    'NETLOGON 5719 (no DC)',
    event('NETLOGON', 'System', 5719, ['CONTOSO', 'There are currently no logon servers available to service the logon request.']),
    ['dc-not-discoverable'],
  ],
  ['NETLOGON 5722 (computer account refused)', event('NETLOGON', 'System', 5722, ['WS01', 'CONTOSO', 'WS01$']), ['secure-channel']],
  ['NETLOGON 5805 (secure channel refused)', event('NETLOGON', 'System', 5805, ['WS01', '%%5']), ['secure-channel']],
  ['Time-Service 36 (not synchronised for a day)', event(TIME, 'System', 36, { TimeDifferenceMilliseconds: '86400' }), ['clock-skew']],
];

describe('the issue’s events, one by one: each gives its cause', () => {
  for (const [what, xml, ids] of CASES) {
    it(what, () => {
      const parsed = parseXmlExport(xml, 'one.xml');
      assert.deepEqual(parsed.problems, []);
      assert.equal(parsed.records.length, 1);
      const a = new EventAnalysis();
      for (const r of parsed.records) a.add(r);
      const report = a.report([{ file: 'one.xml', format: 'xml', records: 1, rejected: 0, lost: 0, bytes: xml.length }], []);
      const found = report.findings.map((f) => f.id);
      assert.ok(
        found.some((id) => ids.includes(id)),
        `${what}: expected ${ids.join(' or ')}, got ${found.join(', ') || 'nothing'}`,
      );
      const f = report.findings.find((x) => ids.includes(x.id))!;
      assert.equal(f.count, 1);
      assert.deepEqual(
        f.refs?.map((r) => r.record),
        [1001],
      );
    });
  }
});
