// Small programs for Debian's /usr/bin/python3 + Samba's python bindings, for the few operations where one process
// beats dozens of samba-tool runs (each samba-tool start costs ~0.3 s). They open sam.ldb locally with the system
// session (the same path samba-tool takes without -H), which is safe while samba runs (tdb locking).

/**
 * Remove every SRV record of the DC's two DNS zones (contoso.com in DomainDnsZones, _msdcs.contoso.com in
 * ForestDnsZones) and save the exact original records (NDR, hex) to a JSON file so `restore` puts them back byte for byte.
 * argv: smb.conf, mode ("delete" | "restore"), backup.json
 * Samba's internal DNS server reads dnsNode objects from sam.ldb on every query, so the change is visible at once.
 */
export const SRV_RECORDS_PY = `
import json, sys, os
from samba import param
from samba.auth import system_session
from samba.samdb import SamDB
from samba.dcerpc import dnsp
from samba.ndr import ndr_pack, ndr_unpack
import ldb

smb_conf, mode, backup = sys.argv[1], sys.argv[2], sys.argv[3]
lp = param.LoadParm(); lp.load(smb_conf)
samdb = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
if mode == "delete":
    base = str(samdb.get_default_basedn())
    saved = []
    for part in ("DC=DomainDnsZones," + base, "DC=ForestDnsZones," + base):
        for msg in samdb.search(base=part, expression="(&(objectClass=dnsNode)(!(dNSTombstoned=TRUE)))",
                                attrs=["name", "dnsRecord"]):
            name = str(msg["name"][0])
            zone = str(msg.dn.parent().get_rdn_value())
            if not name.startswith("_") or "dnsRecord" not in msg:
                continue
            fqdn = name + "." + zone
            recs = samdb.dns_extract(msg["dnsRecord"])
            srv = [r for r in recs if r.wType == dnsp.DNS_TYPE_SRV]
            if not srv:
                continue
            saved.append({"name": fqdn, "dn": str(msg.dn), "records": [ndr_pack(r).hex() for r in recs],
                          "srv": ["%s %d %d %d" % (r.data.nameTarget, r.data.wPort, r.data.wPriority, r.data.wWeight) for r in srv]})
            samdb.dns_replace_by_dn(msg.dn, [r for r in recs if r.wType != dnsp.DNS_TYPE_SRV])
    if os.path.exists(backup):
        # a second delete without restore in between must not lose the original records
        old = json.load(open(backup))
        names = {e["name"] for e in old}
        saved = old + [e for e in saved if e["name"] not in names]
    json.dump(saved, open(backup, "w"), indent=1)
    print(json.dumps([{"name": e["name"], "srv": e["srv"]} for e in saved]))
elif mode == "restore":
    saved = json.load(open(backup))
    for e in saved:
        dn = ldb.Dn(samdb, e["dn"])
        samdb.dns_replace_by_dn(dn, [ndr_unpack(dnsp.DnssrvRpcRecord, bytes.fromhex(h)) for h in e["records"]])
        # dns_replace_by_dn writes the records back but leaves the node tombstoned (Samba 4.17): clear it explicitly
        m = ldb.Message(dn)
        m["dNSTombstoned"] = ldb.MessageElement("FALSE", ldb.FLAG_MOD_REPLACE, "dNSTombstoned")
        samdb.modify(m)
    os.unlink(backup)
    print(json.dumps([e["name"] for e in saved]))
`;
