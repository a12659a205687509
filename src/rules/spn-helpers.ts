/** How the SPN rules read a KDC_ERR_S_PRINCIPAL_UNKNOWN: which host the client asked for, and its shape. */
import { hostOf } from './finding.js';
import type { KrbErrorFact } from './krb-error-helpers.js';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^\[?[0-9a-f:]+\]?$/i;

export type SpnShape = 'ip' | 'port' | 'name';

/** The host part of the requested SPN and whether it is an IP address, carries a port, or is a plain name. */
export function requestedHost(f: KrbErrorFact): { host: string; bare: string; shape: SpnShape } {
  const host = hostOf(f.sname) ?? '';
  const bare = host.replace(/:\d+$/, '');
  if (IPV4.test(bare) || (host.includes(':') && IPV6.test(host) && !/^[^:]+:\d+$/.test(host))) return { host, bare, shape: 'ip' };
  if (/:\d+$/.test(host)) return { host, bare, shape: 'port' };
  return { host, bare, shape: 'name' };
}
