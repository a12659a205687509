// Every scenario of the lab catalogue on the MIT backend: `kerbscope check` (a real process inside the lab's client
// namespace) must name the catalogue's root cause first; healthy passes with mutual authentication proven.
import { catalogueSuite } from './lab-helpers.js';

catalogueSuite('mit', 'chkm');
