#!/usr/bin/env bash
# Start N seed-bootstrap test machines (systemd + OpenSSH containers) on a private Docker
# network and write what an operator or a test needs to reach them into DIR.
#
#   bash test-vms/up.sh N [options]
#
# Options:
#   --name-prefix P    machine names P1..PN (default vm); also names the network
#   --subnet CIDR      network subnet (default 10.213.7.0/24)
#   --first-host K     host number of the first machine in the subnet (default 11, so
#                      10.213.7.11, .12, ...); with --subnet this starts machines on other IPs
#   --servers K        how many machines are servers in inventory.yaml (default 1)
#   --sudo-password    admin needs a password for sudo (a random one, written to DIR/sudo_password)
#   --internal         no outbound access from the network (machines keep a default route)
#   --dir DIR          output folder (default test-vms/.run)
#   --image IMAGE      image to run (default: build/refresh with build-image.sh)
#   --replace          remove machines/network of the same prefix first
#   --memory M         memory limit per machine (docker run --memory, e.g. 512m; default: none, or
#                      $SEED_TESTVM_MEMORY): an idle machine uses ~30 MiB, with the RKE2 double installed
#                      ~100 MiB, so 20 fit in a few GiB
#
# Writes into DIR: id_ed25519(.pub) (a fresh key pair per run), known_hosts (the machines'
# real host keys, read through `docker exec`, never trusted on first use), ssh_config,
# inventory.yaml, machines.env, machines.json, and sudo_password with --sudo-password.
# Prints DIR on stdout.
set -euo pipefail

log() { printf 'up: %s\n' "$*" >&2; }
die() { printf 'up: ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N="" PREFIX=vm SUBNET=10.213.7.0/24 FIRST=11 SERVERS=1 SUDO_PW=0 INTERNAL=0
DIR=$HERE/.run IMAGE="" REPLACE=0 MEMORY=${SEED_TESTVM_MEMORY:-} BOOT_TIMEOUT=${SEED_TESTVM_BOOT_TIMEOUT:-120}
while (($#)); do
  case $1 in
    --name-prefix) PREFIX=${2:?}; shift 2 ;;
    --subnet) SUBNET=${2:?}; shift 2 ;;
    --first-host) FIRST=${2:?}; shift 2 ;;
    --servers) SERVERS=${2:?}; shift 2 ;;
    --sudo-password) SUDO_PW=1; shift ;;
    --internal) INTERNAL=1; shift ;;
    --dir) DIR=${2:?}; shift 2 ;;
    --image) IMAGE=${2:?}; shift 2 ;;
    --replace) REPLACE=1; shift ;;
    --memory) MEMORY=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z $N ]] || die "N given twice"; N=$1; shift ;;
  esac
done
[[ $N =~ ^[1-9][0-9]*$ ]] || die "usage: up.sh N [options]; N = number of machines (see --help)"
[[ $PREFIX =~ ^[a-z][a-z0-9-]*$ ]] || die "--name-prefix must be lowercase letters, digits, '-'"
[[ $SERVERS =~ ^[0-9]+$ ]] && ((SERVERS >= 1 && SERVERS <= N)) || die "--servers must be 1..$N"
[[ $FIRST =~ ^[0-9]+$ ]] || die "--first-host must be a number"

# --- addresses --------------------------------------------------------------------------
[[ $SUBNET =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)/([0-9]+)$ ]] || die "--subnet must look like 10.213.7.0/24"
for i in 1 2 3 4; do ((BASH_REMATCH[i] <= 255)) || die "bad --subnet $SUBNET"; done
PLEN=${BASH_REMATCH[5]}
((PLEN >= 8 && PLEN <= 29)) || die "--subnet prefix length must be 8..29"
NET_INT=$(( (BASH_REMATCH[1] << 24 | BASH_REMATCH[2] << 16 | BASH_REMATCH[3] << 8 | BASH_REMATCH[4]) & ~((1 << (32 - PLEN)) - 1) & 0xffffffff ))
SIZE=$((1 << (32 - PLEN)))
((FIRST >= 2 && FIRST + N - 1 <= SIZE - 2)) || die "machines $FIRST..$((FIRST + N - 1)) do not fit in $SUBNET (.1 is the gateway)"
int2ip() { echo "$(($1 >> 24 & 255)).$(($1 >> 16 & 255)).$(($1 >> 8 & 255)).$(($1 & 255))"; }

NETWORK=seed-testvm-$PREFIX
LABEL=io.seedbootstrap.testvm.prefix=$PREFIX
NAMES=() IPS=()
for ((i = 1; i <= N; i++)); do
  NAMES+=("$PREFIX$i")
  IPS+=("$(int2ip $((NET_INT + FIRST + i - 1)))")
done

# --- prerequisites ----------------------------------------------------------------------
command -v ssh-keygen >/dev/null && command -v ssh >/dev/null || die "openssh-client missing; run test-vms/start-docker.sh"
docker info >/dev/null 2>&1 || die "no Docker engine answers; run test-vms/start-docker.sh"
if [[ -z $IMAGE ]]; then
  IMAGE=$(bash "$HERE/build-image.sh")
fi
docker image inspect "$IMAGE" >/dev/null 2>&1 || die "image $IMAGE not found; run test-vms/build-image.sh"

existing=$(docker ps -aq --filter "label=$LABEL")
if [[ -n $existing ]] || docker network inspect "$NETWORK" >/dev/null 2>&1; then
  if ((REPLACE)); then
    log "removing the running '$PREFIX' machines first (--replace)"
    bash "$HERE/down.sh" --name-prefix "$PREFIX" --dir "$DIR"
  else
    die "machines or network '$NETWORK' with prefix '$PREFIX' exist; run test-vms/down.sh --name-prefix $PREFIX, or pass --replace"
  fi
fi

# Each machine's systemd, journald, udevd, logind and dbus hold ~7 inotify instances, counted
# against the host's fs.inotify.max_user_instances (often 128): past it a machine's systemd
# exits at boot (status 255, no log). Measured: 28 machines on one host need ~200.
limit=$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)
used=$({ find /proc/[0-9]*/fd -lname 'anon_inode:inotify' 2>/dev/null || true; } | wc -l)  # processes come and go
if ((limit > 0 && used + 8 * N > limit)); then
  die "$N more machines need ~$((8 * N)) inotify instances; $used of fs.inotify.max_user_instances=$limit are in use. Raise it: sysctl -w fs.inotify.max_user_instances=$(( (used + 8 * N + 255) / 256 * 256 ))"
fi

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
chmod 0700 "$DIR"
rm -f "$DIR"/{id_ed25519,id_ed25519.pub,known_hosts,ssh_config,inventory.yaml,machines.env,machines.json,sudo_password}

# A fresh key pair for this run only; nothing private is ever committed or baked in.
ssh-keygen -q -t ed25519 -N '' -C "seed-bootstrap-testvm-$PREFIX" -f "$DIR/id_ed25519"
chmod 0600 "$DIR/id_ed25519"
run_env=(-e "TESTVM_AUTHORIZED_KEYS=$(cat "$DIR/id_ed25519.pub")")
if ((SUDO_PW)); then
  (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$DIR/sudo_password")
  run_env+=(-e "TESTVM_SUDO_PASSWORD=$(cat "$DIR/sudo_password")")
fi

# --- network and machines ---------------------------------------------------------------
net_args=(--driver bridge --subnet "$SUBNET" --gateway "$(int2ip $((NET_INT + 1)))" --label "$LABEL")
((INTERNAL)) && net_args+=(--internal)
docker network create "${net_args[@]}" "$NETWORK" >/dev/null \
  || die "could not create network $NETWORK on $SUBNET (does another network use an overlapping subnet? pick one with --subnet)"

start=$SECONDS
IDS=()
for ((i = 0; i < N; i++)); do
  # Container settings measured to boot systemd cleanly here (test-vms-recipe): every cap
  # but SYS_RESOURCE (not in this host's bounding set), and never SYS_TIME/SYS_MODULE,
  # so machines cannot change the clock or modules of the kernel they share.
  IDS+=("$(docker run -d --name "${NAMES[i]}" --hostname "${NAMES[i]}" \
      --network "$NETWORK" --ip "${IPS[i]}" --label "$LABEL" \
      --cap-add ALL --cap-drop SYS_RESOURCE --cap-drop SYS_TIME --cap-drop SYS_MODULE \
      --security-opt seccomp=unconfined --cgroupns private \
      --tmpfs /run --tmpfs /run/lock ${MEMORY:+--memory "$MEMORY"} "${run_env[@]}" "$IMAGE")") \
    || die "docker run ${NAMES[i]} failed"
done
log "started ${NAMES[*]} from $IMAGE on $NETWORK ($SUBNET); waiting for systemd"

wait_booted() { # name -> 0 when systemd reports running
  local name=$1 state deadline=$((SECONDS + BOOT_TIMEOUT))
  while :; do
    # before systemd's bus is up this fails at once; --wait then blocks until boot ends
    state=$(docker exec "$name" systemctl is-system-running --wait 2>/dev/null) || true
    case $state in
      running) return 0 ;;
      degraded)
        log "$name: systemd is degraded; failed units:"
        docker exec "$name" systemctl --failed --no-legend --no-pager >&2 || true
        return 1 ;;
    esac
    if ((SECONDS >= deadline)); then
      log "$name: systemd not running after ${BOOT_TIMEOUT}s (state '${state:-none}'); last log lines:"
      docker logs --tail 20 "$name" >&2 || true
      return 1
    fi
    sleep 0.3
  done
}
pids=()
for name in "${NAMES[@]}"; do wait_booted "$name" & pids+=($!); done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
((fail == 0)) || die "not every machine booted cleanly (see above); test-vms/down.sh cleans up"

# --- known_hosts from the real host keys (docker exec is the trusted channel) ----------
: >"$DIR/known_hosts"
for ((i = 0; i < N; i++)); do
  keys=$(docker exec "${NAMES[i]}" sh -c 'cat /etc/ssh/ssh_host_*_key.pub') || die "cannot read ${NAMES[i]}'s host keys"
  [[ -n $keys ]] || die "${NAMES[i]} has no host keys"
  while read -r type key _comment; do
    printf '%s,%s %s %s\n' "${NAMES[i]}" "${IPS[i]}" "$type" "$key" >>"$DIR/known_hosts"
  done <<<"$keys"
done
chmod 0644 "$DIR/known_hosts"

{
  echo "# seed-bootstrap test machines: ssh -F $DIR/ssh_config ${NAMES[0]}"
  for ((i = 0; i < N; i++)); do
    cat <<EOT
Host ${NAMES[i]}
  HostName ${IPS[i]}
  User admin
  IdentityFile $DIR/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $DIR/known_hosts
  StrictHostKeyChecking yes
  HostKeyAlias ${NAMES[i]}
  BatchMode yes
EOT
  done
} >"$DIR/ssh_config"

# --- sshd answers, with strict host key checking ----------------------------------------
ssh_ok() {
  local i=$1 deadline=$((SECONDS + 30))
  until ssh -F "$DIR/ssh_config" -o ConnectTimeout=3 "${NAMES[i]}" true 2>"$DIR/.ssh-${NAMES[i]}.err"; do
    if ((SECONDS >= deadline)); then
      cat "$DIR/.ssh-${NAMES[i]}.err" >&2
      return 1
    fi
    sleep 0.3
  done
  rm -f "$DIR/.ssh-${NAMES[i]}.err"
}
pids=()
for ((i = 0; i < N; i++)); do ssh_ok "$i" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
((fail == 0)) || die "SSH with strict host key checking failed (see above)"

# --- inventory and machine lists --------------------------------------------------------
# Inventory v1 (docs/formats.md; model in agent/.../inventory/model). Paths are relative to
# this file. No bundle/pki sections: the caller adds what its scenario needs.
{
  echo "# seed-bootstrap test machines from test-vms/up.sh ($(date -u +%FT%TZ))"
  echo "apiVersion: seed-bootstrap/v1"
  echo "cluster:"
  echo "  name: demo"
  echo "  rke2Version: v1.35.7+rke2r1"
  echo "  cni: canal"
  if ((SERVERS > 1)); then
    echo "  # several servers need a fixed registration address; the test network has no VIP,"
    echo "  # so the bootstrap server's own address stands in for it"
    echo "  registrationAddress: ${IPS[0]}"
  fi
  echo "ssh:"
  echo "  user: admin"
  echo "  identityFile: ./id_ed25519"
  echo "  knownHosts: ./known_hosts"
  if ((SUDO_PW)); then
    echo "  sudoPassword: \${SEED_SUDO_PASSWORD}   # export SEED_SUDO_PASSWORD=\$(cat sudo_password)"
  fi
  # the RKE2 double's BOM (test-vms/rke2-double/bom.yaml) holds no charts, and an air-gapped
  # Rancher needs a site registry: install would refuse the seed apps, so the demo leaves them off
  echo "apps:"
  echo "  certManager: {enabled: false}"
  echo "  rancher: {enabled: false}"
  echo "  argocd: {enabled: false}"
  echo "hosts:"
  for ((i = 0; i < N; i++)); do
    if ((i == 0)); then
      echo "  - {name: ${NAMES[i]}, address: ${IPS[i]}, role: server, bootstrap: true}"
    elif ((i < SERVERS)); then
      echo "  - {name: ${NAMES[i]}, address: ${IPS[i]}, role: server}"
    else
      echo "  - {name: ${NAMES[i]}, address: ${IPS[i]}, role: agent}"
    fi
  done
} >"$DIR/inventory.yaml"

{
  echo "TESTVM_DIR=$DIR"
  echo "TESTVM_PREFIX=$PREFIX"
  echo "TESTVM_NETWORK=$NETWORK"
  echo "TESTVM_SUBNET=$SUBNET"
  echo "TESTVM_IMAGE=$IMAGE"
  echo "TESTVM_NAMES=\"${NAMES[*]}\""
  for ((i = 0; i < N; i++)); do
    v=$(echo "${NAMES[i]}" | tr 'a-z-' 'A-Z_')
    echo "${v}_IP=${IPS[i]}"
    echo "${v}_ID=${IDS[i]}"
  done
} >"$DIR/machines.env"

{
  printf '{\n  "network": "%s",\n  "subnet": "%s",\n  "image": "%s",\n  "user": "admin",\n' "$NETWORK" "$SUBNET" "$IMAGE"
  printf '  "identityFile": "%s",\n  "knownHosts": "%s",\n' "$DIR/id_ed25519" "$DIR/known_hosts"
  ((SUDO_PW)) && printf '  "sudoPasswordFile": "%s",\n' "$DIR/sudo_password"
  printf '  "machines": [\n'
  for ((i = 0; i < N; i++)); do
    sep=','; ((i == N - 1)) && sep=''
    printf '    {"name": "%s", "ip": "%s", "containerId": "%s"}%s\n' "${NAMES[i]}" "${IPS[i]}" "${IDS[i]}" "$sep"
  done
  printf '  ]\n}\n'
} >"$DIR/machines.json"

log "$N machine(s) up and reachable over SSH in $((SECONDS - start))s: try  ssh -F $DIR/ssh_config ${NAMES[0]}"
echo "$DIR"
