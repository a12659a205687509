/**
 * The DC locator's CLDAP responder (MS-ADTS §6.3.3): a netlogon ping over UDP (an LDAP SearchRequest for the
 * Netlogon attribute, filter DnsDomain + NtVer) gets a NETLOGON_SAM_LOGON_RESPONSE_EX naming dc1.contoso.com, the
 * CONTOSO domain, Default-First-Site-Name and the DS_* flags of a writable GC/KDC/time server, as `nltest /dsgetdc`
 * and `net ads lookup` expect. A ping for another domain gets no answer (a DC ignores what is not its domain).
 * TCP on the same port accepts connections and closes them: the embedded lab has no directory to search, but the
 * LDAP port is open, as a DC's is (`Test-NetConnection -Port 389`).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { DsFlag, decodeNetlogonPing, encodeCldapNetlogonReply, encodeNetlogonSamLogonResponseEx } from '../protocol/cldap/netlogon.js';
import { assertLoopback, bindUdp, closeAll, listenTcp } from './loopback.js';

export interface CldapServer {
  host: string;
  port: number;
  pings: { domain?: string; ntVer?: number; answered: boolean }[];
  close(): Promise<void>;
}

export interface CldapOptions {
  host: string;
  port: number;
  /** contoso.com */
  dnsDomain: string;
  netbiosDomain: string;
  /** dc1.contoso.com */
  dcName: string;
  domainGuid: Uint8Array;
  /**
   * ldap-blocked: pings go unanswered (UDP dropped) and nothing listens on TCP (refused: one process cannot drop
   * a SYN, and a connection accepted and held would look open to a port probe)
   */
  silent?: boolean;
}

/** A writable DC that is a GC, KDC and good time server, in the closest site, of a 2016+ functional level (§6.3.1.2). */
export const DC_FLAGS =
  (DsFlag.PDC |
    DsFlag.GC |
    DsFlag.LDAP |
    DsFlag.DS |
    DsFlag.KDC |
    DsFlag.TIMESERV |
    DsFlag.CLOSEST |
    DsFlag.WRITABLE |
    DsFlag.GOOD_TIMESERV |
    DsFlag.FULL_SECRET_DOMAIN_6 |
    DsFlag.WS |
    DsFlag.DS_8 |
    DsFlag.DS_9 |
    DsFlag.DS_10 |
    DsFlag.DNS_CONTROLLER |
    DsFlag.DNS_DOMAIN |
    DsFlag.DNS_FOREST) >>>
  0;

export async function startCldapServer(o: CldapOptions): Promise<CldapServer> {
  assertLoopback(o.host);
  const pings: CldapServer['pings'] = [];
  const sockets = new Set<Socket>();
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    if (o.silent) return;
    let ping: ReturnType<typeof decodeNetlogonPing>;
    try {
      ping = decodeNetlogonPing(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
    } catch {
      return; // not a netlogon ping: a DC drops what it cannot parse
    }
    const ours = !ping.dnsDomain || ping.dnsDomain.replace(/\.$/, '').toLowerCase() === o.dnsDomain.toLowerCase();
    pings.push({ domain: ping.dnsDomain, ntVer: ping.ntVer, answered: ours });
    if (!ours) return;
    const netlogon = encodeNetlogonSamLogonResponseEx({
      opcode: 23, // LOGON_SAM_LOGON_RESPONSE_EX
      flags: DC_FLAGS,
      domainGuid: o.domainGuid,
      dnsForestName: o.dnsDomain,
      dnsDomainName: o.dnsDomain,
      dnsHostName: o.dcName,
      netbiosDomainName: o.netbiosDomain,
      netbiosComputerName: o.dcName.split('.')[0]?.toUpperCase() ?? '',
      userName: '',
      dcSiteName: 'Default-First-Site-Name',
      clientSiteName: 'Default-First-Site-Name',
    });
    udp.send(encodeCldapNetlogonReply(ping.messageId, netlogon), rinfo.port, rinfo.address);
  });
  const tcp: Server | undefined = o.silent
    ? undefined
    : createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
        s.end();
      });
  const port = await bindUdp(udp, o.port, o.host);
  try {
    if (tcp) await listenTcp(tcp, port, o.host);
  } catch (e) {
    await closeAll([], udp);
    throw e;
  }
  let closed = false;
  return {
    host: o.host,
    port,
    pings,
    async close() {
      if (closed) return;
      closed = true;
      await closeAll(sockets, ...(tcp ? [tcp] : []), udp);
    },
  };
}
