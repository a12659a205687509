// Ground truth on the MIT backend for the network faults (firewall DROP/REJECT inside the lab namespace). Kept apart
// from mit.test.ts because "KDC dropped" waits for the client's real timeouts (~18 s); both files run in parallel,
// each with its own namespaces.
import { SCENARIOS } from '../../lab/catalogue.js';
import { requireLab, scenarioSuite } from './harness.js';

const ids = SCENARIOS.filter((s) => s.backends.mit && (s.backends.mit.slow || s.seed === 'network')).map((s) => s.id);

if (requireLab('mit')) scenarioSuite('mit', ids);
