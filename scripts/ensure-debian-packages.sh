#!/usr/bin/env bash
# Installs the Debian packages the real-domain test lab uses, when any is missing.
# Not root: prints what is missing and returns 0 (lab suites then skip loudly, except with CI=true where they fail).
set -euo pipefail
PKGS=(krb5-kdc krb5-admin-server krb5-user faketime apache2 libapache2-mod-auth-gssapi curl tshark
      samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind smbclient ldap-utils
      dnsutils ldb-tools libsasl2-modules-gssapi-mit iptables nftables iputils-ping netcat-openbsd gss-ntlmssp iproute2
      libevtx-utils
      chromium)  # the web app's real-browser tests (test/web, driven by playwright-core)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then echo "ensure-debian-packages: not root, cannot install: ${missing[*]}" >&2; exit 0; fi
echo "ensure-debian-packages: installing ${missing[*]}" >&2
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
