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
# machine running), PIN (1: every round also runs every method with the client pinned to CPU 0
# and the test machine's container to CPU 1, printed as a second table; 0: shared cores only).
# The end-to-end figure (install of a 1 GiB bundle vs scp + sha256sum) is
# scripts/bench-upload-install.sh.
# Every "ours" upload carries the file's sha256 and size (Upload.expecting), as install's uploads
# of bundle files do: the host hashes the bytes as they land and checks that value before the
# rename. "ours_cold" starts a new JVM per upload (one CLI call: JVM start, JIT warm-up);
# "ours_warm" is one long-lived JVM (a run that uploads a bundle of many files to many hosts),
# each upload on a new connection. "ours_nohash_cat" (information) is our transport alone: the
# same warm JVM streaming into `cat > f` with no hashing anywhere, to show what the checks cost.
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
SHA=$(openssl dgst -sha256 -r "$FILE" | cut -c1-64) # what a signed manifest would list (not timed)
cat "$FILE" >/dev/null # page cache warm for every method alike

log "building (test classes hold the bench entry point)"
mvn -q -B -o -pl agent test-compile 2>&1 | tail -5 || mvn -q -B -pl agent test-compile
mvn -q -B -o -pl agent dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" -Dmdep.includeScope=test >/dev/null
CP=agent/target/test-classes:agent/target/classes:$(cat "$DIR/cp.txt")
JAVA=(java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dbench.expect="$SHA" -cp "$CP")
MAIN=(io.seedbootstrap.ssh.UploadBench
      "$IP" 22 "$USER_" "$DIR/vm/id_ed25519" "$DIR/vm/known_hosts" "$FILE")

remote() { ssh "${SSHCFG[@]}" "$VM" "$@"; }
remote "mkdir -p /var/lib/seed-bench && rm -f /var/lib/seed-bench/* /var/lib/seed-bootstrap/staging/*"
now() { date +%s.%N; }
declare -A T
add() { T[$1]="${T[$1]:-} $2"; }
last() { echo "${T[$1]}" | awk '{printf "%.2f", $NF}'; }

# A warm JVM that uploads once per line on its stdin (JIT warmed by one discarded upload).
coproc WARM { "${JAVA[@]}" "${MAIN[@]}" /var/lib/seed-bench/ours.bin serve; }
echo go >&"${WARM[1]}"; read -r _ <&"${WARM[0]}"

log "load average $(cut -d' ' -f1-3 /proc/loadavg)"
# PIN=1 (default): every round runs every method twice, once on the shared cores and once with
# the client side (our JVM, ssh, scp) pinned to CPU 0 and the test machine's container (sshd and
# everything the host runs) to CPU 1 (docker update --cpuset-cpus): a model of a real site,
# where the operator's machine and the host do not share CPUs. Both tables are printed.
MODES=(shared); [[ ${PIN:-1} == 1 ]] && MODES+=(pinned)
pin() { # pin MODE: where the host's and the client's processes may run from now on
  if [[ $1 == pinned ]]; then
    docker update --cpuset-cpus 1 "$VM" >/dev/null; taskset -a -p -c 0 "$WARM_PID" >/dev/null; CL=(taskset -c 0)
  else
    docker update --cpuset-cpus 0,1 "$VM" >/dev/null; taskset -a -p -c 0,1 "$WARM_PID" >/dev/null; CL=()
  fi
}
trap 'docker update --cpuset-cpus 0,1 "$VM" >/dev/null 2>&1 || true; [[ ${KEEP_VM:-0} == 1 ]] || bash test-vms/down.sh --dir "$DIR/vm" >/dev/null 2>&1 || true' EXIT
log "$RUNS rounds, $SIZE bytes to $VM ($IP) as $USER_; methods interleaved; modes: ${MODES[*]}"
LOADS=()
for ((r = 1; r <= RUNS; r++)); do
  for mode in "${MODES[@]}"; do
  pin "$mode"
  remote "rm -f /var/lib/seed-bench/*"
  t0=$(now); "${CL[@]}" "${JAVA[@]}" -Dbench.noClean=true "${MAIN[@]}" /var/lib/seed-bench/ours.bin 1 >/dev/null; t1=$(now)
  add "$mode:ours_cold" "$(echo "$t1 - $t0" | bc)"
  if ((r == 1)); then # an independent check of what our uploader left on the host (not timed)
    remote "test \"\$(openssl dgst -sha256 -r < /var/lib/seed-bench/ours.bin | cut -c1-64)\" = $(sha256sum <"$FILE" | cut -c1-64)" \
      || { log "ERROR: the file on the host has the wrong sha256"; exit 1; }
  fi

  echo go >&"${WARM[1]}"; read -r _ _ _ s _ <&"${WARM[0]}"
  add "$mode:ours_warm" "$s"

  remote "rm -f /var/lib/seed-bench/*"
  echo raw >&"${WARM[1]}"; read -r _ _ _ s _ <&"${WARM[0]}"
  add "$mode:ours_nohash_cat" "$s"

  remote "rm -f /var/lib/seed-bench/*"
  t0=$(now); "${CL[@]}" scp "${SSHCFG[@]}" -q "$FILE" "$VM:/var/lib/seed-bench/scp.bin"; t1=$(now)
  add "$mode:scp" "$(echo "$t1 - $t0" | bc)"

  remote "rm -f /var/lib/seed-bench/*"
  t0=$(now); "${CL[@]}" ssh "${SSHCFG[@]}" -c aes128-gcm@openssh.com "$VM" 'cat > /var/lib/seed-bench/cat.bin' <"$FILE"; t1=$(now)
  add "$mode:ssh_gcm_cat" "$(echo "$t1 - $t0" | bc)"
  load=$(cut -d' ' -f1 /proc/loadavg); LOADS+=("$load")
  log "round $r $mode: ours cold $(last "$mode:ours_cold") s, ours warm $(last "$mode:ours_warm") s, scp $(last "$mode:scp") s, ssh-gcm-cat $(last "$mode:ssh_gcm_cat") s, ours-nohash-cat $(last "$mode:ours_nohash_cat") s (load $load)"
  done
done
pin shared
exec {WARM[1]}>&-
wait "$WARM_PID" 2>/dev/null || true

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mbps() { echo "$SIZE / $1 / 1000000" | bc -l; }
ratio() { echo "$1 / $2" | bc -l; }
# per-round ratios (each pair measured within seconds of each other), then their median
paired() { paste -d' ' <(echo "${T[$1]}" | tr ' ' '\n' | sed '/^$/d') <(echo "${T[$2]}" | tr ' ' '\n' | sed '/^$/d') \
  | awk '{printf "%s ", $1 / $2}' | median; }
printf '\nload average (1 min) after each round: %s\n' "${LOADS[*]}"
for mode in "${MODES[@]}"; do
  if [[ $mode == pinned ]]; then
    printf '\n== pinned: client (our JVM, ssh, scp) on CPU 0, the test machine on CPU 1 (separate machines modelled)\n'
  else
    printf '\n== shared: client and test machine on the same 2 cores\n'
  fi
  printf '%-16s %-34s %9s %9s\n' method "runs (s)" "median s" "MB/s"
  declare -A MED=()
  for m in ours_cold ours_warm scp ssh_gcm_cat ours_nohash_cat; do
    med=$(echo "${T[$mode:$m]}" | median)
    printf '%-16s %-34s %9.3f %9.1f\n' "$m" "$(echo "${T[$mode:$m]}" | awk '{for (i=1;i<=NF;i++) printf "%.2f ", $i}')" "$med" "$(mbps "$med")"
    MED[$m]=$med
  done
  printf 'ratio = their time / our time (>1: we are faster); median of per-round ratios [ratio of medians]\n'
  for m in ours_cold ours_warm ours_nohash_cat; do
    printf '%-17s vs scp (floor 1.0): %.2f [%.2f]   vs ssh -c aes128-gcm cat (target 1.0): %.2f [%.2f]\n' "$m" \
      "$(paired "$mode:scp" "$mode:$m")" "$(ratio "${MED[scp]}" "${MED[$m]}")" \
      "$(paired "$mode:ssh_gcm_cat" "$mode:$m")" "$(ratio "${MED[ssh_gcm_cat]}" "${MED[$m]}")"
  done
done
