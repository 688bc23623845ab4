#!/bin/sh
# rke2-uninstall.sh of the RKE2 contract double (a test double, NOT RKE2).
# Removes what the real script removes (A.4): the binaries and scripts in the install prefix,
# the units, /var/lib/rancher/rke2 and /etc/rancher/rke2. install.sh rewrites /usr/local
# below when INSTALL_RKE2_TAR_PREFIX is different.
set -u
[ "$(id -u)" -eq 0 ] || { echo "$0 must be run as root" >&2; exit 1; }

RKE2_BIN_DIR="/usr/local/bin"
RKE2_UNIT_DIR="/usr/local/lib/systemd/system"
RKE2_SHARE_DIR="/usr/local/share/rke2"
RKE2_DATA_DIR=${RKE2_DATA_DIR:-/var/lib/rancher/rke2}

for svc in rke2-server rke2-agent; do
    systemctl disable --now "$svc.service" >/dev/null 2>&1 || true
done

if [ -x "$RKE2_BIN_DIR/rke2-killall.sh" ]; then
    "$RKE2_BIN_DIR/rke2-killall.sh"
fi

rm -f "$RKE2_UNIT_DIR/rke2-server.service" "$RKE2_UNIT_DIR/rke2-server.env" \
      "$RKE2_UNIT_DIR/rke2-agent.service" "$RKE2_UNIT_DIR/rke2-agent.env" \
      /etc/systemd/system/rke2-server.service /etc/systemd/system/rke2-server.env \
      /etc/systemd/system/rke2-agent.service /etc/systemd/system/rke2-agent.env
rm -rf "$RKE2_SHARE_DIR" "$RKE2_DATA_DIR" /etc/rancher/rke2 /etc/rancher/node
rmdir /etc/rancher /var/lib/rancher 2>/dev/null || true
systemctl daemon-reload >/dev/null 2>&1 || true

rm -f "$RKE2_BIN_DIR/rke2" "$RKE2_BIN_DIR/rke2-killall.sh"
# last: this script itself
rm -f "$RKE2_BIN_DIR/rke2-uninstall.sh"
exit 0
