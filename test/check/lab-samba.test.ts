// Every scenario of the lab catalogue on the Samba AD backend (Heimdal KDC, internal DNS, CLDAP): `kerbscope check`
// must name the catalogue's root cause first; healthy passes with mutual authentication proven.
import { catalogueSuite } from './lab-helpers.js';

catalogueSuite('samba', 'chks');
