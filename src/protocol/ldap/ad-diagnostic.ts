/**
 * Active Directory's bind diagnosticMessage ("80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error,
 * data 52e, v1db1"): the "data" field is the Win32 error of the logon (winerror.h), which says why an
 * invalidCredentials (49) bind failed. Samba copies the format. Pure.
 */
export const AD_BIND_DATA: Readonly<Record<string, string>> = {
  '525': 'ERROR_NO_SUCH_USER: no such user',
  '52e': 'ERROR_LOGON_FAILURE: the password is wrong',
  '530': 'ERROR_INVALID_LOGON_HOURS: not permitted to log on at this time',
  '531': 'ERROR_INVALID_WORKSTATION: not permitted to log on from this computer',
  '532': 'ERROR_PASSWORD_EXPIRED: the password has expired',
  '533': 'ERROR_ACCOUNT_DISABLED: the account is disabled',
  '568': 'ERROR_TOO_MANY_CONTEXT_IDS: the user is in too many groups',
  '701': 'ERROR_ACCOUNT_EXPIRED: the account has expired',
  '773': 'ERROR_PASSWORD_MUST_CHANGE: the password must be changed before the first logon',
  '775': 'ERROR_ACCOUNT_LOCKED_OUT: the account is locked out',
};

/** The meaning of the "data NNN" code in an AD bind diagnostic, if it has one we know. */
export function adBindDataMeaning(diagnosticMessage: string): { code: string; meaning: string } | undefined {
  const m = /\bdata ([0-9a-f]{1,8})\b/i.exec(diagnosticMessage);
  if (!m) return undefined;
  const code = (m[1] as string).toLowerCase();
  const meaning = AD_BIND_DATA[code];
  return meaning ? { code, meaning } : undefined;
}
