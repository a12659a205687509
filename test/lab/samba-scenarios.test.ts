// Ground truth on the Samba AD DC backend (samba.ts DC + Apache/mod_auth_gssapi, in network namespaces): every
// catalogue scenario with a Samba implementation, all on one DC (provisioned once per lab id and reused across runs;
// each scenario undoes its change).
import { SCENARIOS } from '../../lab/catalogue.js';
import { requireLab, scenarioSuite } from './harness.js';

const ids = SCENARIOS.filter((s) => s.backends.samba).map((s) => s.id);

if (requireLab('samba')) scenarioSuite('samba', ids, { id: 'smb', baseTimeoutMs: 300_000 });
