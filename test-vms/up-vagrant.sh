#!/usr/bin/env bash
# The real-VM twin of up.sh: 3 Debian 12 VMs with vagrant-libvirt, and the same run dir
# (id_ed25519, known_hosts, ssh_config, inventory.yaml, machines.env). Needs vagrant,
# vagrant-libvirt and KVM; not run in this project's CI (no KVM there).
#
#   bash test-vms/up-vagrant.sh [--dir DIR]      # count/subnet: see vagrant/Vagrantfile
#   (cd test-vms/vagrant && vagrant destroy -f)  # tear down
set -euo pipefail

log() { printf 'up-vagrant: %s\n' "$*" >&2; }
die() { printf 'up-vagrant: ERROR: %s\n' "$*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=$HERE/.run-vagrant
[[ ${1:-} == --dir ]] && { DIR=${2:?}; shift 2; }
command -v vagrant >/dev/null || die "vagrant not installed (apt-get install vagrant vagrant-libvirt)"
[[ -e /dev/kvm ]] || die "no /dev/kvm: real VMs need hardware virtualisation"

COUNT=${SEED_VM_COUNT:-3} PREFIX=${SEED_VM_SUBNET_PREFIX:-10.213.7} FIRST=${SEED_VM_FIRST_HOST:-11}
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd); chmod 0700 "$DIR"
rm -f "$DIR"/id_ed25519 "$DIR"/id_ed25519.pub
ssh-keygen -q -t ed25519 -N '' -C seed-bootstrap-testvm-vagrant -f "$DIR/id_ed25519"
export SEED_VM_PUBKEY=$DIR/id_ed25519.pub

(cd "$HERE/vagrant" && vagrant up --provider=libvirt) >&2

# Host keys through vagrant's own management channel (the hypervisor's NAT interface and
# vagrant's key), not through the address under test; trust stays with the hypervisor owner.
: >"$DIR/known_hosts"; : >"$DIR/ssh_config"
{
  echo "apiVersion: seed-bootstrap/v1"
  echo "cluster: {name: demo, rke2Version: v1.35.7+rke2r1, cni: canal}"
  echo "ssh: {user: admin, identityFile: ./id_ed25519, knownHosts: ./known_hosts}"
  # no charts in the RKE2 double's BOM and no site registry: the seed apps stay off (install would refuse them)
  echo "apps: {certManager: {enabled: false}, rancher: {enabled: false}, argocd: {enabled: false}}"
  echo "hosts:"
} >"$DIR/inventory.yaml"
echo "TESTVM_DIR=$DIR" >"$DIR/machines.env"
for ((i = 1; i <= COUNT; i++)); do
  name=vm$i ip=$PREFIX.$((FIRST + i - 1))
  (cd "$HERE/vagrant" && vagrant ssh "$name" -c 'cat /etc/ssh/ssh_host_*_key.pub' 2>/dev/null) | tr -d '\r' |
    while read -r type key _; do echo "$name,$ip $type $key"; done >>"$DIR/known_hosts"
  printf 'Host %s\n  HostName %s\n  User admin\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  HostKeyAlias %s\n' \
    "$name" "$ip" "$DIR/id_ed25519" "$DIR/known_hosts" "$name" >>"$DIR/ssh_config"
  role="role: agent"; ((i == 1)) && role="role: server, bootstrap: true"
  echo "  - {name: $name, address: $ip, $role}" >>"$DIR/inventory.yaml"
  echo "VM${i}_IP=$ip" >>"$DIR/machines.env"
done
log "VMs up; try  ssh -F $DIR/ssh_config vm1"
echo "$DIR"
