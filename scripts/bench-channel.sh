#!/usr/bin/env bash
# Channel cost (issue 22, P8's RSS): per command channel, the bytes the operator's JVM allocates and
# the time, and a download's throughput, over one connection to one test machine
# (io.seedbootstrap.ssh.ChannelBench: public API only). With --compare JAR the same bench runs
# against JAR too (e.g. main's jar before a change), interleaved, RUNS rounds; medians.
#
#   bash scripts/bench-channel.sh [--compare JAR]     # RUNS=3 COMMANDS=300 DOWNLOAD_MB=500
#
# Env: RUNS, COMMANDS, DOWNLOAD_MB, BENCH_DIR (/var/tmp/seed-bootstrap-bench-channel), KEEP_VM=1.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
COMMANDS=${COMMANDS:-300}
DOWNLOAD_MB=${DOWNLOAD_MB:-500}
DIR=${BENCH_DIR:-/var/tmp/seed-bootstrap-bench-channel}
COMPARE=
[[ ${1:-} == --compare ]] && { COMPARE=$(readlink -f "$2"); [[ -f $COMPARE ]] || { echo "no jar $2" >&2; exit 2; }; }
log() { printf 'bench: %s\n' "$*" >&2; }

bash test-vms/start-docker.sh
mkdir -p "$DIR"
IMAGE=${SEED_TESTVM_IMAGE:-seed-bootstrap-testvm:latest}
docker image inspect "$IMAGE" >/dev/null 2>&1 || IMAGE=$(bash test-vms/build-image.sh)
bash test-vms/up.sh 1 --name-prefix sbchan --subnet 10.213.78.0/24 --dir "$DIR/vm" --image "$IMAGE" --replace >/dev/null
[[ ${KEEP_VM:-0} == 1 ]] || trap 'bash test-vms/down.sh --dir "$DIR/vm" >/dev/null 2>&1 || true' EXIT
IP=$(sed -n 's/^SBCHAN1_IP=//p' "$DIR/vm/machines.env")

log "building (test classes hold the bench entry point)"
mvn -q -B -o -pl agent package -DskipTests 2>&1 | tail -5 || mvn -q -B -pl agent package -DskipTests
mvn -q -B -o -pl agent test-compile 2>&1 | tail -5
ARGS=("$IP" 22 admin "$DIR/vm/id_ed25519" "$DIR/vm/known_hosts" "$COMMANDS" "$DOWNLOAD_MB")
bench() { java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "agent/target/test-classes:$1" io.seedbootstrap.ssh.ChannelBench "${ARGS[@]}"; }
declare -A K M D
for r in $(seq 1 "$RUNS"); do
  for way in this ${COMPARE:+compare}; do
    jar=agent/target/seed-bootstrap.jar; [[ $way == compare ]] && jar=$COMPARE
    read -r _ k _ m _ d < <(bench "$jar")
    K[$way]="${K[$way]:-} $k"; M[$way]="${M[$way]:-} $m"; D[$way]="${D[$way]:-} $d"
    log "run $r $way: $k KiB/command, $m ms/command, download $d MB/s"
  done
done
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-10s %16s %16s %18s\n' jar "KiB/command" "ms/command" "download MB/s"
for way in this ${COMPARE:+compare}; do
  printf '%-10s %16s %16s %18s\n' "$way" "$(median <<<"${K[$way]}")" "$(median <<<"${M[$way]}")" "$(median <<<"${D[$way]}")"
done
echo "medians of $RUNS runs; $COMMANDS commands (true) and a $DOWNLOAD_MB MB download (best of 3) per run; load $(cut -d' ' -f1-3 /proc/loadavg)"
