/**
 * The PAC the embedded KDC puts in every ticket (MS-PAC §2.4): logon information (§2.5 KERB_VALIDATION_INFO),
 * client information (§2.7), UPN and DNS information (§2.10), then the server (§2.8.1) and KDC (§2.8.2)
 * signatures, signed with src/protocol/pac's signPac over makeChecksum. Wrapped as Windows does:
 * AD-IF-RELEVANT { AD-WIN2K-PAC } (MS-PAC §2.1, RFC 4120 §5.2.6.1).
 */
import { getEnctype, makeChecksum } from '../crypto/index.js';
import { AuthorizationData, type AuthorizationDataEntry } from '../protocol/krb5/index.js';
import {
  emptySignatureData,
  encodeKerbValidationInfo,
  encodePac,
  encodePacClientInfo,
  encodePacSignatureData,
  encodeUpnDnsInfo,
  GroupAttributes,
  type KerbValidationInfo,
  PacBufferType,
  SecretBytes,
  signPac,
} from '../protocol/pac/index.js';
import type { Account, AccountKey, Directory } from './directory.js';

/** AD-IF-RELEVANT (RFC 4120 §5.2.6.1) and AD-WIN2K-PAC (MS-PAC §2.1). */
const AD_IF_RELEVANT = 1;
const AD_WIN2K_PAC = 128;

/** Domain Users (513), as every AD user's primary group. */
const DOMAIN_USERS = 513;

function sigType(k: AccountKey): number {
  const t = getEnctype(k.enctype)?.checksumType;
  if (t === undefined) throw new Error(`no checksum for enctype ${k.enctype}`);
  return t;
}

export function logonInfo(dir: Directory, user: Account, authtime: Date, extraGroups: readonly number[] = []): KerbValidationInfo {
  const groupAttrs = GroupAttributes.SE_GROUP_MANDATORY | GroupAttributes.SE_GROUP_ENABLED_BY_DEFAULT | GroupAttributes.SE_GROUP_ENABLED;
  return {
    logonTime: authtime,
    logoffTime: null,
    kickOffTime: null,
    passwordLastSet: new Date(authtime.getTime() - 86_400_000),
    passwordCanChange: new Date(authtime.getTime() - 86_400_000),
    passwordMustChange: null,
    effectiveName: user.name,
    fullName: user.fullName,
    logonScript: '',
    profilePath: '',
    homeDirectory: '',
    homeDirectoryDrive: '',
    logonCount: 1,
    badPasswordCount: 0,
    userId: user.rid,
    primaryGroupId: DOMAIN_USERS,
    groupIds: [DOMAIN_USERS, ...extraGroups].map((relativeId) => ({ relativeId, attributes: groupAttrs })),
    userFlags: 0,
    userSessionKey: new SecretBytes(new Uint8Array(16)),
    logonServer: 'DC1',
    logonDomainName: dir.netbios,
    logonDomainId: dir.domainSid,
    userAccountControl: 0x10, // USER_NORMAL_ACCOUNT (MS-PAC §2.5 uses the SAMR bits)
    subAuthStatus: 0,
    lastSuccessfulILogon: null,
    lastFailedILogon: null,
    failedILogonCount: 0,
    extraSids: [],
    resourceGroupDomainSid: null,
    resourceGroupIds: [],
  };
}

/**
 * The signed PAC for `user` in a ticket for a server whose key is `serverKey` (the krbtgt key for a TGT), as the
 * AuthorizationData to put in the EncTicketPart.
 */
export function pacAuthData(
  dir: Directory,
  user: Account,
  authtime: Date,
  serverKey: AccountKey,
  kdcKey: AccountKey,
  extraGroups: readonly number[] = [],
): AuthorizationDataEntry[] {
  const upn = `${user.name}@${dir.realm.toLowerCase()}`;
  const unsigned = encodePac([
    { type: PacBufferType.LOGON_INFO, data: encodeKerbValidationInfo(logonInfo(dir, user, authtime, extraGroups)) },
    { type: PacBufferType.CLIENT_INFO, data: encodePacClientInfo({ clientId: authtime, name: user.name }) },
    {
      type: PacBufferType.UPN_DNS_INFO,
      data: encodeUpnDnsInfo({
        upn,
        dnsDomainName: dir.realm,
        flags: 0,
        upnConstructed: false,
        samName: user.name,
        sid: `${dir.domainSid}-${user.rid}`,
      }),
    },
    { type: PacBufferType.SERVER_CHECKSUM, data: encodePacSignatureData(emptySignatureData(sigType(serverKey))) },
    { type: PacBufferType.PRIVSVR_CHECKSUM, data: encodePacSignatureData(emptySignatureData(sigType(kdcKey))) },
  ]);
  const pac = signPac(unsigned, { serverKey: serverKey.key, kdcKey: kdcKey.key }, (t, k, u, d) => makeChecksum(t, k, u, d));
  return [{ adType: AD_IF_RELEVANT, adData: AuthorizationData.encode([{ adType: AD_WIN2K_PAC, adData: pac }]) }];
}
