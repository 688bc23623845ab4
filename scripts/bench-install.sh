#!/usr/bin/env bash
# Benchmarks P2 and P3 (issue 9), in one run, on local test machines with the RKE2 contract
# double (a test double, not RKE2; its core image archive is padded with SIZE_MIB of random data
# so file bytes, not command text, dominate, as with real multi-GiB image archives):
#   P2  `install` on N = 1, 3, 5 nodes: bytes the installer sent / bundle size (target 1.0 for
#       any N: the relay sends each file over the operator's link once).
#   P3  the converged re-run on every N: file bytes uploaded and changes (target 0) and wall time;
#       N=5 is 3 servers + 2 agents, whose re-run issue 22 bounds at 5 s (issue 9: 15 s on 3 nodes).
#       The load average is printed beside it: on a busy 2-core machine the hosts' own commands
#       (five containers' shells, the double's python) dominate the wall time.
#
#   bash scripts/bench-install.sh          # NS="1 3 5" SIZE_MIB=256
#
# Env: NS, SIZE_MIB, BENCH_DIR (/var/tmp/seed-bootstrap-bench-install), KEEP_VM=1.
set -euo pipefail
cd "$(dirname "$0")/.."
NS=${NS:-"1 3 5"}
SIZE_MIB=${SIZE_MIB:-256}
DIR=${BENCH_DIR:-/var/tmp/seed-bootstrap-bench-install}
PREFIX=sbinst
log() { printf 'bench: %s\n' "$*" >&2; }
# shellcheck source=scripts/lib/bench.sh
source scripts/lib/bench.sh
command -v zstd >/dev/null || { log "needs zstd (apt-get install zstd)"; exit 2; }

mvn -B -q package -DskipTests
JAR=$PWD/agent/target/seed-bootstrap.jar
seed() { java -jar "$JAR" "$@"; }
bash test-vms/start-docker.sh
bash test-vms/build-image.sh >/dev/null

rm -rf "$DIR" && mkdir -p "$DIR"
log "bundle: the double's artifacts, core image archive padded with $SIZE_MIB MiB"
bench_double_bundle "$DIR" "$SIZE_MIB"
FP=$BUNDLE_FP

json() { bench_json "$@"; }
results=()
for n in $NS; do
  vmdir=$DIR/vm-$n
  log "N=$n: starting $n test machines"
  servers=1; [ "$n" -lt 5 ] || servers=3   # P3 (issue 22): 3 servers + 2 agents
  bash test-vms/up.sh "$n" --servers "$servers" --image seed-bootstrap-testvm:latest --replace --name-prefix "$PREFIX" \
    --subnet 10.213.91.0/24 --dir "$vmdir" >/dev/null
  printf 'bundle:\n  path: %s\n  signingKeyFingerprint: "%s"\npki: {rsaKeyBits: 2048}\n' "$DIR/bundle" "$FP" >> "$vmdir/inventory.yaml"
  export SEED_SUDO_PASSWORD="$(cat "$vmdir/sudo_password" 2>/dev/null || true)"
  seed pki init "$vmdir/inventory.yaml" >/dev/null 2>&1
  export XDG_STATE_HOME=$DIR/state XDG_CACHE_HOME=$DIR/cache
  seed install "$vmdir/inventory.yaml" -o json > "$vmdir/first.json" 2> "$vmdir/first.err" || { cat "$vmdir/first.err" >&2; exit 1; }
  load=$(cut -d' ' -f1 /proc/loadavg)
  seed install "$vmdir/inventory.yaml" -o json > "$vmdir/again.json" 2> "$vmdir/again.err" || { cat "$vmdir/again.err" >&2; exit 1; }
  sent=$(json "$vmdir/first.json" 'd["bytesSent"]')
  first_s=$(json "$vmdir/first.json" 'd["seconds"]')
  again_sent=$(json "$vmdir/again.json" 'd["bytesSent"]')
  again_s=$(json "$vmdir/again.json" 'd["seconds"]')
  again_changes=$(json "$vmdir/again.json" 'len(d["changes"])')
  again_uploads=$(json "$vmdir/again.json" 'sum(1 for c in d["changes"] if c["change"].startswith("upload"))')
  results+=("$n $sent $first_s $again_sent $again_changes $again_uploads $again_s $servers $load")
  [[ ${KEEP_VM:-0} == 1 ]] || bash test-vms/down.sh --name-prefix "$PREFIX" --dir "$vmdir" >/dev/null 2>&1 || true
done

printf '\nbundle: %d bytes (core image archive padded with %d MiB)\n' "$BUNDLE_BYTES" "$SIZE_MIB"
printf '%-3s %-8s %-14s %-10s %-9s | %-16s %-8s %-8s %-8s %s\n' N servers "install bytes" "/bundle" "seconds" "re-run bytes" changes \
  uploads seconds "(load avg)"
for r in "${results[@]}"; do
  read -r n sent fs asent ach aup as servers load <<<"$r"
  printf '%-3s %-8s %-14s %-10s %-9s | %-16s %-8s %-8s %-8s %s\n' "$n" "$servers" "$sent" "$(python3 -c "print(f'{$sent/$BUNDLE_BYTES:.3f}')")" \
    "$fs" "$asent" "$ach" "$aup" "$as" "($load)"
done
echo "P2 target: install bytes / bundle = 1.0 for every N.  P3 target: 0 uploads, 0 changes; N=5 (3 servers + 2 agents) <= 5 s."
