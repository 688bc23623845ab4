#!/usr/bin/env bash
# Benchmark P1 (issue 4): upload a 1 GiB file to one test machine with seed-bootstrap's
# uploader, with OpenSSH scp, and with OpenSSH's fastest path
# (ssh -c aes128-gcm@openssh.com host 'cat > f' < f), all to the same sshd, RUNS rounds with the
# three methods interleaved. Our figure includes connect, auth, the probe, the transfer, the
# sha256 check on the host and the rename. MB/s = 10^6 bytes/s; medians; ratios vs scp (floor
# 1.0) and vs the fastest OpenSSH path (target 1.0).
#
#   bash scripts/bench-upload.sh            # RUNS=3 SIZE_MIB=1024
#
# Env: RUNS (3), SIZE_MIB (1024), BENCH_DIR (/var/tmp/seed-bootstrap-bench), BENCH_USER (root:
# every method writes as the same user, so no method pays for sudo), KEEP_VM=1 (leave the
# machine running).
# "ours cold" starts a new JVM per upload (what one CLI call pays, JIT warm-up included);
# "ours warm" is one JVM doing RUNS uploads, each on a new connection (a bundle of many files).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZE_MIB=${SIZE_MIB:-1024}
DIR=${BENCH_DIR:-/var/tmp/seed-bootstrap-bench}
USER_=${BENCH_USER:-root}
PREFIX=sbbench
log() { printf 'bench: %s\n' "$*" >&2; }

bash test-vms/start-docker.sh
mkdir -p "$DIR"
# Use the image that is there (other work may be running machines from it); build only if none.
IMAGE=${SEED_TESTVM_IMAGE:-seed-bootstrap-testvm:latest}
docker image inspect "$IMAGE" >/dev/null 2>&1 || IMAGE=$(bash test-vms/build-image.sh)
bash test-vms/up.sh 1 --name-prefix "$PREFIX" --subnet 10.213.77.0/24 --dir "$DIR/vm" --image "$IMAGE" --replace >/dev/null
if [[ ${KEEP_VM:-0} != 1 ]]; then
  trap 'bash test-vms/down.sh --dir "$DIR/vm" >/dev/null 2>&1 || true' EXIT
fi
# shellcheck disable=SC1091
source "$DIR/vm/machines.env"
VM=${PREFIX}1
IP=$(sed -n 's/^SBBENCH1_IP=//p' "$DIR/vm/machines.env")
SSHCFG=("-F" "$DIR/vm/ssh_config" "-o" "User=$USER_")

FILE=$DIR/upload-${SIZE_MIB}m.bin
if [[ ! -f $FILE || $(stat -c %s "$FILE") -ne $((SIZE_MIB << 20)) ]]; then
  log "making $FILE ($SIZE_MIB MiB of random data)"
  head -c $((SIZE_MIB << 20)) /dev/urandom >"$FILE.tmp" && mv "$FILE.tmp" "$FILE"
fi
SIZE=$(stat -c %s "$FILE")
cat "$FILE" >/dev/null # page cache warm for every method alike

log "building (test classes hold the bench entry point)"
mvn -q -B -o -pl agent test-compile 2>&1 | tail -5 || mvn -q -B -pl agent test-compile
mvn -q -B -o -pl agent dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" -Dmdep.includeScope=test >/dev/null
CP=agent/target/test-classes:agent/target/classes:$(cat "$DIR/cp.txt")
JAVA=(java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.seedbootstrap.ssh.UploadBench
      "$IP" 22 "$USER_" "$DIR/vm/id_ed25519" "$DIR/vm/known_hosts" "$FILE")

remote() { ssh "${SSHCFG[@]}" "$VM" "$@"; }
remote "mkdir -p /var/lib/seed-bench && rm -f /var/lib/seed-bench/*"
now() { date +%s.%N; }
declare -A T
add() { T[$1]="${T[$1]:-} $2"; }

log "$RUNS rounds, $SIZE bytes to $VM ($IP) as $USER_; methods interleaved"
for ((r = 1; r <= RUNS; r++)); do
  remote "rm -f /var/lib/seed-bench/*"
  t0=$(now); "${JAVA[@]}" /var/lib/seed-bench/ours.bin 1 >/dev/null; t1=$(now)
  add ours_cold "$(echo "$t1 - $t0" | bc)"

  remote "rm -f /var/lib/seed-bench/*"
  t0=$(now); scp "${SSHCFG[@]}" -q "$FILE" "$VM:/var/lib/seed-bench/scp.bin"; t1=$(now)
  add scp "$(echo "$t1 - $t0" | bc)"

  remote "rm -f /var/lib/seed-bench/*"
  t0=$(now); ssh "${SSHCFG[@]}" -c aes128-gcm@openssh.com "$VM" 'cat > /var/lib/seed-bench/cat.bin' <"$FILE"; t1=$(now)
  add ssh_gcm_cat "$(echo "$t1 - $t0" | bc)"
  log "round $r: ours(cold) $(echo "${T[ours_cold]}" | awk '{print $NF}') s, scp $(echo "${T[scp]}" | awk '{print $NF}') s, ssh-gcm-cat $(echo "${T[ssh_gcm_cat]}" | awk '{print $NF}') s"
done
# the same JVM for every run (warm JIT), each run still a new connection
while read -r _ n _ s _; do add ours_warm "$s"; done < <("${JAVA[@]}" /var/lib/seed-bench/ours.bin "$RUNS" | grep '^run')

remote "test \"\$(sha256sum < /var/lib/seed-bench/ours.bin | cut -c1-64)\" = $(sha256sum <"$FILE" | cut -c1-64)" \
  || { log "ERROR: the file on the host has the wrong sha256"; exit 1; }

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mbps() { echo "$SIZE / $1 / 1000000" | bc -l; }
printf '\n%-14s %-34s %9s %9s\n' method "runs (s)" "median s" "MB/s"
for m in ours_cold ours_warm scp ssh_gcm_cat; do
  med=$(echo "${T[$m]}" | median)
  printf '%-14s %-34s %9.3f %9.1f\n' "$m" "${T[$m]# }" "$med" "$(mbps "$med")"
  declare "MED_$m=$med"
done
ratio() { echo "$1 / $2" | bc -l; }
printf '\nratio vs scp (floor 1.0):              cold %.2f  warm %.2f\n' "$(ratio "$MED_scp" "$MED_ours_cold")" "$(ratio "$MED_scp" "$MED_ours_warm")"
printf 'ratio vs ssh -c aes128-gcm cat (target 1.0): cold %.2f  warm %.2f\n' "$(ratio "$MED_ssh_gcm_cat" "$MED_ours_cold")" "$(ratio "$MED_ssh_gcm_cat" "$MED_ours_warm")"
