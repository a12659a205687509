// Ground truth on the MIT backend (MIT krb5kdc + Apache/mod_auth_gssapi + lab DNS, in network namespaces):
// every catalogue scenario that has an MIT implementation, except the slow network ones (mit-network.test.ts).
import { SCENARIOS } from '../../lab/catalogue.js';
import { requireLab, scenarioSuite } from './harness.js';

const ids = SCENARIOS.filter((s) => s.backends.mit && !s.backends.mit.slow && s.seed !== 'network').map((s) => s.id);

if (requireLab('mit')) scenarioSuite('mit', ids);
