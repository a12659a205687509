import { type Rule, spnOf } from './finding.js';
import { accountArg } from './fix.js';
import { errorEvidence, krbErrors } from './krb-error-helpers.js';
import { win } from './shell.js';
import { requestedHost } from './spn-helpers.js';

/** KDC_ERR_S_PRINCIPAL_UNKNOWN (7) for HTTP/host:port: the client put the port in the SPN and nobody holds that. */
export const spnPort: Rule = {
  id: 'spn-port',
  step: 'spn',
  explains: ['ntlm-fallback', 'negotiate-not-attempted'],
  evaluate(facts) {
    return krbErrors(facts, 7)
      .filter((f) => requestedHost(f).shape === 'port')
      .map((f) => {
        const spn = spnOf(f.sname);
        const { host } = requestedHost(f);
        return {
          id: 'spn-port',
          severity: 'error',
          step: 'spn',
          title: `The client asked for ${spn}, an SPN with a port`,
          explanation: `The client included the port (${host}) in the SPN, and no account holds that name. Browsers leave the port out by default (Edge/Chrome: EnableAuthNegotiatePort off), so either a client setting adds it or the SPN was registered without it while a client uses it.`,
          evidence: [errorEvidence(f)],
          fix: [
            win`setspn -S ${spn} ${accountArg(facts)}`,
            '(register the SPN with the port), or turn off EnableAuthNegotiatePort on the client so it asks for the SPN without the port',
          ],
        };
      });
  },
};
