import type { Fact } from '../../facts/fact.js';
import { factsOf } from '../../facts/fact.js';
import type { Finding, Rule } from '../finding.js';
import { aggregated, evidenceLine, groupBy, names } from './helpers.js';

/** Distinct accounts one source failed on before it counts as a spray rather than one user mistyping. */
export const SPRAY_ACCOUNTS = 5;

const BAD_PWD = 0xc000006a;
const NO_USER = 0xc0000064;

/**
 * Password spray: one source tries passwords against many accounts. The DC shows it as pre-authentication failures
 * (4771 0x18) and, for names that do not exist, 4768 0x6 — or as 4625/4776 0xC000006A / 0xC0000064 for NTLM. Several
 * accounts with a wrong password and SPRAY_ACCOUNTS or more failing accounts in all from one client address make a
 * spray; the per-account bad-password findings are its consequences.
 */
export const passwordSpray: Rule = {
  id: 'password-spray',
  step: 'account',
  explains: ['bad-password', 'unknown-user', 'account-locked'],
  evaluate(facts) {
    type Attempt = { fact: Fact; client: string; account: string; badPassword: boolean };
    const attempts: Attempt[] = [];
    for (const f of factsOf(facts, 'kdc-audit'))
      if (f.client && (f.code === 24 || f.code === 6))
        attempts.push({ fact: f, client: f.client, account: f.account.toLowerCase(), badPassword: f.code === 24 });
    for (const f of factsOf(facts, 'logon-failure')) {
      const code = f.status === 0xc000006d && f.subStatus ? f.subStatus : f.status;
      const src = f.client ?? f.workstation;
      if (src && (code === BAD_PWD || code === NO_USER))
        attempts.push({ fact: f, client: src, account: f.account.toLowerCase(), badPassword: code === BAD_PWD });
    }
    const out: Finding[] = [];
    for (const [client, list] of groupBy(attempts, (a) => a.client)) {
      const accounts = new Set(list.map((a) => a.account));
      const badPwd = new Set(list.filter((a) => a.badPassword).map((a) => a.account));
      if (accounts.size < SPRAY_ACCOUNTS || badPwd.size < 2) continue;
      out.push(
        aggregated(
          {
            id: 'password-spray',
            severity: 'error',
            step: 'account',
            title: `Password spray from ${client}: ${accounts.size} accounts, ${badPwd.size} with a wrong password`,
            explanation: `One client (${client}) failed to authenticate as ${accounts.size} different accounts: ${names(accounts)}. Wrong passwords on many accounts from one source is a password spray (or a misconfigured script/service looping over accounts), not users mistyping; it leads to lockouts.`,
            evidence: list.map((a) =>
              evidenceLine(a.fact, `${a.badPassword ? 'wrong password' : 'unknown account'} for ${a.account} from ${client}`),
            ),
            fix: [
              `Identify ${client}: what runs there (Resolve-DnsName, the DHCP lease, the process in 4625's Process Name) and stop it.`,
              'Block or isolate the source; reset the passwords of any account that later logged on successfully from it.',
              'Enable the "Account lockout threshold" policy and watch 4740 on the PDC emulator.',
            ],
          },
          list.map((a) => a.fact),
        ),
      );
    }
    return out;
  },
};
