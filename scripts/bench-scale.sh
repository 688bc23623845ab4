#!/usr/bin/env bash
# Benchmark P8 (issue 22): how `preflight` and `install` grow with the number of hosts, on local
# test machines running the RKE2 contract double (a test double, not RKE2; its core image archive
# is padded with SIZE_MIB of random data so file bytes dominate, as with real image archives).
# For N = 2, 5, 10, 20 (1 server + N-1 agents), one row each:
#   preflight   wall time, and how many cross-host probes (server ports, registration address,
#               kubelet all <-> all: N*(N-1) pairs) passed: every pair must be checked (target <= 20 s at N=20)
#   install     first run's wall time and its ratio to N=2's (target <= 2 at N=20), the bytes the
#               operator sent / bundle size (target 1.0: the relay sends each file over the
#               operator's link once)
#   re-run      the converged re-run's wall time (target <= 10 s at N=20)
#   RSS         the jar's peak resident set over the three runs (/usr/bin/time -v; target <= 256 MiB)
#   CPU         the first install's CPU seconds: the jar's (user + system) and the test machines' (cgroups)
# The load average (1 min) is printed beside each row: on a 2-core machine N containers' sshds,
# shells and the double's python compete with the operator's JVM, so wall times are an upper
# bound for a site where each host has its own cores.
#
#   bash scripts/bench-scale.sh            # NS="2 5 10 20" SIZE_MIB=128
#
# 20 machines need ~160 inotify instances (up.sh says how to raise fs.inotify.max_user_instances)
# and boot in minutes on a loaded 2-core machine (SEED_TESTVM_BOOT_TIMEOUT, here 600 s).
#
# Env: NS, SIZE_MIB, BENCH_DIR (/var/tmp/seed-bootstrap-bench-scale), VM_MEMORY (memory limit per
# test machine, default 512m: 20 fit in a few GiB), KEEP_VM=1 (leave the last N's machines running),
# INSTALL_FLAGS (added to the first install, e.g. -v: every phase's and command's time in VMDIR/first.err).
set -euo pipefail
cd "$(dirname "$0")/.."
NS=${NS:-"2 5 10 20"}
SIZE_MIB=${SIZE_MIB:-128}
DIR=${BENCH_DIR:-/var/tmp/seed-bootstrap-bench-scale}
VM_MEMORY=${VM_MEMORY:-512m}
PREFIX=sbscale
log() { printf 'bench: %s\n' "$*" >&2; }
# shellcheck source=scripts/lib/bench.sh
source scripts/lib/bench.sh
command -v zstd >/dev/null || { log "needs zstd (apt-get install zstd)"; exit 2; }
[[ -x /usr/bin/time ]] || { log "needs GNU time for the peak RSS (apt-get install time)"; exit 2; }

bench_jar_and_image

rm -rf "$DIR" && mkdir -p "$DIR"
log "bundle: the double's artifacts, core image archive padded with $SIZE_MIB MiB"
bench_double_bundle "$DIR" "$SIZE_MIB"

# timed RUN_NAME VMDIR ARGS...: runs the jar under /usr/bin/time -v; stdout to VMDIR/RUN_NAME.json,
# stderr to VMDIR/RUN_NAME.err, wall seconds to VMDIR/RUN_NAME.s, peak RSS (KiB) to VMDIR/RUN_NAME.rss
timed() {
  local name=$1 vmdir=$2 t0 rc=0; shift 2
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$vmdir/$name.time" java -jar "$JAR" "$@" >"$vmdir/$name.json" 2>"$vmdir/$name.err" || rc=$?
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$(date +%s.%N)" >"$vmdir/$name.s"
  sed -n 's/.*Maximum resident set size (kbytes): //p' "$vmdir/$name.time" >"$vmdir/$name.rss"
  return $rc
}
# machines_cpu: CPU seconds the test machines (containers $PREFIX*) used so far, from their cgroup
# (v1 cpuacct or v2 cpu.stat); "?" when neither is readable. On this machine they share the cores
# with the operator's JVM, so their CPU during the install is what a site's own hosts would bring.
machines_cpu() {
  local ns=0 id f
  for id in $(docker ps -q --no-trunc --filter "name=^$PREFIX"); do
    if f=/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage && [[ -r $f ]]; then ns=$((ns + $(cat "$f")))
    elif f=/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat && [[ -r $f ]]; then ns=$((ns + $(awk '$1 == "usage_usec" { print $2 * 1000 }' "$f")))
    else echo "?"; return; fi
  done
  python3 -c "print(f'{$ns / 1e9:.1f}')"
}
# jvm_cpu VMDIR RUN_NAME: the jar's user + system CPU seconds (/usr/bin/time -v)
jvm_cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$1/$2.time"; }
# cross-host probes per preflight row: "reached a, b, c" lists each target that answered
CROSS='[r for r in (d if isinstance(d, list) else d.get("results", d.get("checks", []))) if r["check"] in ("server-ports-reachable", "registration-address", "kubelet-reachable")]'

cleanup() { [[ -z ${vmdir:-} || ${KEEP_VM:-0} == 1 ]] || bash test-vms/down.sh --name-prefix "$PREFIX" --dir "$vmdir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
results=()
for n in $NS; do
  cleanup
  vmdir=$DIR/vm-$n
  log "N=$n: starting $n test machines (1 server + $((n - 1)) agents, --memory $VM_MEMORY each)"
  SEED_TESTVM_MEMORY=$VM_MEMORY SEED_TESTVM_BOOT_TIMEOUT=${SEED_TESTVM_BOOT_TIMEOUT:-600} bash test-vms/up.sh "$n" --servers 1 --image "$IMAGE" --replace --name-prefix "$PREFIX" \
    --subnet 10.213.92.0/24 --dir "$vmdir" >/dev/null
  printf 'bundle:\n  path: %s\n  signingKeyFingerprint: "%s"\npki: {rsaKeyBits: 2048}\n' "$DIR/bundle" "$BUNDLE_FP" >> "$vmdir/inventory.yaml"
  seed pki init "$vmdir/inventory.yaml" >/dev/null 2>&1
  export XDG_STATE_HOME=$DIR/state-$n XDG_CACHE_HOME=$DIR/cache
  timed preflight "$vmdir" preflight "$vmdir/inventory.yaml" -o json || { log "preflight failed:"; cat "$vmdir/preflight.json" "$vmdir/preflight.err" >&2; exit 1; }
  load_pre=$(cut -d' ' -f1 /proc/loadavg)
  cpu0=$(machines_cpu)
  timed first "$vmdir" install "$vmdir/inventory.yaml" -o json ${INSTALL_FLAGS:-} || { cat "$vmdir/first.err" >&2; exit 1; }
  load_first=$(cut -d' ' -f1 /proc/loadavg)
  cpu1=$(machines_cpu)
  hosts_cpu=$([[ $cpu0 == "?" || $cpu1 == "?" ]] && echo "?" || python3 -c "print(f'{$cpu1 - $cpu0:.1f}')")
  timed again "$vmdir" install "$vmdir/inventory.yaml" -o json || { cat "$vmdir/again.err" >&2; exit 1; }
  load_again=$(cut -d' ' -f1 /proc/loadavg)
  rows=$(bench_json "$vmdir/preflight.json" "len($CROSS)")
  rows_pass=$(bench_json "$vmdir/preflight.json" "sum(1 for r in $CROSS if r['result'].lower() == 'pass')")
  # every target a PASS row names: "reached h1 10.0.0.1:9345, h2 10.0.0.2:10250, ..."
  reached=$(bench_json "$vmdir/preflight.json" "sum(len(r['detail'].split('reached ', 1)[1].split(', ')) for r in $CROSS if 'reached ' in r['detail'])")
  # what must be reached: kubelet N*(N-1), each agent -> the server's 9345+6443 (the server has no
  # other server), and from every host the registration address's 9345+6443 when there is one
  reg=$(bench_json "$vmdir/preflight.json" "sum(1 for r in $CROSS if r['check'] == 'registration-address')")
  want=$(( n * (n - 1) + (n - 1) * 2 + reg * 2 ))
  sent=$(bench_json "$vmdir/first.json" 'd["bytesSent"]')
  rss=$(cat "$vmdir"/{preflight,first,again}.rss | sort -n | tail -n1)
  results+=("$n $(cat "$vmdir/preflight.s") $rows_pass/$rows $reached/$want $(cat "$vmdir/first.s") $sent $(cat "$vmdir/again.s") $((rss / 1024)) $load_pre/$load_first/$load_again $(jvm_cpu "$vmdir" first)/$hosts_cpu")
done

base=""
printf '\nbundle: %d bytes (core image archive padded with %d MiB); %s, %s\n' "$BUNDLE_BYTES" "$SIZE_MIB" "$(date -u +%Y-%m-%d)" "$(nproc) cores"
printf '%-3s | %-10s %-9s %-13s | %-10s %-8s %-8s | %-10s | %-9s | %-36s | %s\n' N "preflight" "rows ok" "probes ok" "install s" "x N=2" "/bundle" \
  "re-run s" "RSS MiB" "load avg (preflight/install/re-run)" "install CPU s: jar/machines"
for r in "${results[@]}"; do
  read -r n pre rows reached first sent again rss load cpu <<<"$r"
  [[ -n $base ]] || base=$first
  printf '%-3s | %-10s %-9s %-13s | %-10s %-8s %-8s | %-10s | %-9s | %-36s | %s\n' "$n" "$pre" "$rows" "$reached" "$first" \
    "$(python3 -c "print(f'{$first/$base:.2f}')")" "$(python3 -c "print(f'{$sent/$BUNDLE_BYTES:.3f}')")" "$again" "$rss" "$load" "$cpu"
done
echo "P8 targets at N=20: preflight <= 20 s with every probe ok; install <= 2x N=2's; /bundle = 1.0; re-run <= 10 s; RSS <= 256 MiB."
