#!/usr/bin/env bash
# Benchmark P2 (issue 5): distribute a file (1 GiB) to N test machines with the relay (the
# operator uploads once, hosts copy it among themselves over SSH) and with `scp` to every host
# in parallel, for N = 3 and 5, in one run. Reports bytes the installer sent / file size (target
# 1.0 for any N; scp sends N) and wall time as a ratio scp_parallel / relay (>1: relay faster).
#
#   bash scripts/bench-relay.sh            # NS="3 5" RUNS=3 SIZE_MIB=1024
#
# Env: NS (machine counts, "3 5"), RUNS (rounds per N, 3; medians), SIZE_MIB (1024), BENCH_DIR
# (/var/tmp/seed-bootstrap-bench), KEEP_VM=1 (leave the machines running).
# Everything runs on this one machine: the operator, the sshds and the hosts' ssh clients share
# its cores, so host-to-host hops are not free here as they are on a site's LAN; the figure that
# transfers to a real site is the byte ratio (what crosses the operator's link).
set -euo pipefail
cd "$(dirname "$0")/.."
NS=${NS:-"3 5"}
RUNS=${RUNS:-3}
SIZE_MIB=${SIZE_MIB:-1024}
DIR=${BENCH_DIR:-/var/tmp/seed-bootstrap-bench}
PREFIX=sbrelay
TARGET=/var/lib/seed-bench/relay.bin
log() { printf 'bench: %s\n' "$*" >&2; }
# shellcheck source=scripts/lib/bench.sh
source scripts/lib/bench.sh

bash test-vms/start-docker.sh
mkdir -p "$DIR"
IMAGE=${SEED_TESTVM_IMAGE:-seed-bootstrap-testvm:latest}
docker image inspect "$IMAGE" >/dev/null 2>&1 || IMAGE=$(bash test-vms/build-image.sh)
if [[ ${KEEP_VM:-0} != 1 ]]; then
  trap 'bash test-vms/down.sh --dir "$DIR/relay-vm" >/dev/null 2>&1 || true' EXIT
fi

FILE=$DIR/upload-${SIZE_MIB}m.bin
if [[ ! -f $FILE || $(stat -c %s "$FILE") -ne $((SIZE_MIB << 20)) ]]; then
  log "making $FILE ($SIZE_MIB MiB of random data)"
  head -c $((SIZE_MIB << 20)) /dev/urandom >"$FILE.tmp" && mv "$FILE.tmp" "$FILE"
fi
SIZE=$(stat -c %s "$FILE")
WANT=$(sha256sum <"$FILE" | cut -c1-64)

log "building (test classes hold the bench entry point)"
mvn -q -B -o -pl agent test-compile 2>&1 | tail -5 || mvn -q -B -pl agent test-compile
mvn -q -B -o -pl agent dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" -Dmdep.includeScope=test >/dev/null
CP=agent/target/test-classes:agent/target/classes:$(cat "$DIR/cp.txt")
# the local hash comes from the cache, as after `bundle verify` (filled once, untimed, below)
JAVA=(java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dbench.hashCache="$DIR/sha256.cache" -cp "$CP")
now() { date +%s.%N; }
declare -A T B
add() { T[$1]="${T[$1]:-} $2"; }

for N in $NS; do
  bash test-vms/up.sh "$N" --name-prefix "$PREFIX" --subnet 10.213.78.0/24 --dir "$DIR/relay-vm" --image "$IMAGE" --replace >/dev/null
  # shellcheck disable=SC1091
  source "$DIR/relay-vm/machines.env"
  read -r -a NAMES <<<"$TESTVM_NAMES"
  IPS=()
  for n in "${NAMES[@]}"; do v=$(echo "$n" | tr 'a-z-' 'A-Z_')_IP; IPS+=("${!v}"); done
  SSHCFG=(-F "$DIR/relay-vm/ssh_config" -o User=root)
  on_all() { for n in "${NAMES[@]}"; do ssh "${SSHCFG[@]}" "$n" "$1" & done; wait; }
  check_all() {
    for n in "${NAMES[@]}"; do
      got=$(ssh "${SSHCFG[@]}" "$n" "openssl dgst -sha256 -r < $1 | cut -c1-64")
      [[ $got == "$WANT" ]] || { log "ERROR: $n has the wrong sha256 at $1"; exit 1; }
    done
  }
  on_all "mkdir -p /var/lib/seed-bench"
  MAIN=(io.seedbootstrap.host.RelayBench root "$DIR/relay-vm/id_ed25519" "$DIR/relay-vm/known_hosts" "$FILE" "$TARGET" "${IPS[@]}")
  "${JAVA[@]}" io.seedbootstrap.host.RelayBench prime "$FILE"
  cat "$FILE" >/dev/null # page cache warm for both methods alike

  log "N=$N: $RUNS round(s), $SIZE bytes to ${NAMES[*]}"
  for ((r = 1; r <= RUNS; r++)); do
    on_all "rm -rf /var/lib/seed-bench/* /var/lib/seed-bootstrap/staging/*"
    out=$("${JAVA[@]}" "${MAIN[@]}")
    read -r _ s _ ob _ wb _ _ _ rounds _ resent _ <<<"$out"
    add "relay$N" "$s"
    B["relay$N"]=$(echo "$wb / $SIZE" | bc -l)
    B["relay_file$N"]=$(echo "$ob / $SIZE" | bc -l)
    check_all "$TARGET"

    on_all "rm -rf /var/lib/seed-bench/*"
    t0=$(now)
    for n in "${NAMES[@]}"; do scp "${SSHCFG[@]}" -q "$FILE" "$n:/var/lib/seed-bench/scp.bin" & done
    wait
    t1=$(now)
    add "scp$N" "$(echo "$t1 - $t0" | bc)"
    check_all /var/lib/seed-bench/scp.bin
    on_all "rm -rf /var/lib/seed-bench/*"
    log "N=$N round $r: relay $s s ($rounds hop round(s), $resent re-sent), scp x$N in parallel $(echo "$t1 - $t0" | bc) s"
  done
done

# per-round ratios (each pair measured within seconds of each other), then their median
paired() { paste -d' ' <(echo "${T[$1]}" | tr ' ' '\n' | sed '/^$/d') <(echo "${T[$2]}" | tr ' ' '\n' | sed '/^$/d') \
  | awk '{printf "%s ", $1 / $2}' | bench_median; }
printf '\nwall = scp time / relay time (>1: relay faster): median of per-round ratios [ratio of medians]\n'
printf '%-3s %-24s %-24s %-14s %-24s %s\n' N "relay runs (s)" "scp parallel runs (s)" "wall" "relay bytes/size" "scp bytes/size"
for N in $NS; do
  rm_=$(echo "${T[relay$N]}" | bench_median); sm=$(echo "${T[scp$N]}" | bench_median)
  printf '%-3s %-24s %-24s %-14s %-24s %d\n' "$N" "$(echo "${T[relay$N]}" | awk '{for (i=1;i<=NF;i++) printf "%.1f ", $i}')" \
    "$(echo "${T[scp$N]}" | awk '{for (i=1;i<=NF;i++) printf "%.1f ", $i}')" \
    "$(printf '%.2f [%.2f]' "$(paired "scp$N" "relay$N")" "$(echo "$sm / $rm_" | bc -l)")" \
    "$(printf '%.4f (file %.2f)' "${B[relay$N]}" "${B[relay_file$N]}")" "$N"
done
