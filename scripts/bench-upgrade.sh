#!/usr/bin/env bash
# Benchmark: a converged re-run of `upgrade` (issue 19, "as P3"), beside a converged re-run of
# `install` in the same run, on 3 servers + 2 agents of local test machines with the RKE2
# contract double (a test double, not RKE2): install v1.35.7, upgrade to a second release of the
# double (make-artifacts.sh --version v1.35.9+rke2r1), then time converged re-runs of
#   install  with the new bundle and inventory (what a site runs after its upgrade), and
#   upgrade  with the same bundle and inventory,
# each as the operator runs it (a fresh JVM, wall time from the shell) and as the run reports it
# (`-o json` seconds); the changes of both (target 0) and upgrade's wall time against the target
# (<= 15 s) and against install's (ratio). The converged upgrade is run with no passphrase set:
# with nothing to snapshot it must not ask for one.
#
#   bash scripts/bench-upgrade.sh          # RUNS=3 (re-runs of each, median reported)
#
# Env: RUNS, BENCH_DIR (/var/tmp/seed-bootstrap-bench-upgrade), KEEP_VM=1.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/var/tmp/seed-bootstrap-bench-upgrade}
OLD=v1.35.7+rke2r1
NEW=v1.35.9+rke2r1
PREFIX=sbupg
TARGET_S=15
log() { printf 'bench: %s\n' "$*" >&2; }

mvn -B -q package -DskipTests
JAR=$PWD/agent/target/seed-bootstrap.jar
seed() { java -jar "$JAR" "$@"; }
bash test-vms/start-docker.sh
bash test-vms/build-image.sh >/dev/null

rm -rf "$DIR" && mkdir -p "$DIR"
FP=$(seed bundle keygen --out "$DIR/key" 2>/dev/null | head -n1)
for v in "$OLD" "$NEW"; do
  log "bundle of the double's $v"
  bash test-vms/rke2-double/make-artifacts.sh "$DIR/mirror-$v" --version "$v" >/dev/null
  bash test-vms/rke2-double/make-demo-charts.sh "$DIR/mirror-$v"
  sed "s/$OLD/$v/g" test-vms/rke2-double/bom.yaml > "$DIR/bom-$v.yaml"
  seed bundle create --bom "$DIR/bom-$v.yaml" --mirror "$DIR/mirror-$v" --signing-key "$DIR/key/bundle-signing.key" \
    --out "$DIR/bundle-$v" >/dev/null 2>&1
done

vmdir=$DIR/vm
log "starting 5 test machines (3 servers, 2 agents)"
bash test-vms/up.sh 5 --servers 3 --replace --name-prefix "$PREFIX" --subnet 10.213.92.0/24 --dir "$vmdir" >/dev/null
cleanup() { [[ ${KEEP_VM:-0} == 1 ]] || bash test-vms/down.sh --name-prefix "$PREFIX" --dir "$vmdir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
printf 'bundle:\n  signingKeyFingerprint: "%s"\npki: {rsaKeyBits: 2048}\n' "$FP" >> "$vmdir/inventory.yaml"
# the untimed set-up runs skip preflight's network checks: on fresh machines they start listeners
# that a loaded machine may serve too late; the timed runs find RKE2's own ports and run them.
# Every run skips the clock check: the machines share this host's clock, and on a loaded machine
# the check reads its commands' latency as an offset.
sed -i '/^hosts:/i preflight: {skip: [clock]}' "$vmdir/inventory.yaml"
sed "s/rke2Version: $OLD/rke2Version: $NEW/" "$vmdir/inventory.yaml" > "$vmdir/inventory-new.yaml"
for f in inventory inventory-new; do
  sed 's/^preflight: {skip: \[clock\]}/preflight: {skip: [clock, server-ports-reachable, registration-address, kubelet-reachable]}/' \
    "$vmdir/$f.yaml" > "$vmdir/$f-setup.yaml"
done
export XDG_STATE_HOME=$DIR/state XDG_CACHE_HOME=$DIR/cache
seed pki init "$vmdir/inventory.yaml" >/dev/null 2>&1

step() { # NAME COMMAND...: runs it, output to NAME.json / NAME.err, fails loudly
  local name=$1; shift
  "$@" > "$vmdir/$name.json" 2> "$vmdir/$name.err" || { log "$name failed:"; cat "$vmdir/$name.err" >&2; exit 1; }
}
log "install $OLD, then upgrade to $NEW"
step install seed install "$vmdir/inventory-setup.yaml" --bundle "$DIR/bundle-$OLD" -o json
SEED_DR_PASSPHRASE="bench upgrade passphrase" step upgrade seed upgrade "$vmdir/inventory-new-setup.yaml" --bundle "$DIR/bundle-$NEW" -o json

json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$@"; }
for i in $(seq 1 "$RUNS"); do
  for cmd in install upgrade; do
    log "converged re-run $i of $cmd"
    start=$(date +%s.%N)
    # no SEED_DR_PASSPHRASE and no terminal: a converged upgrade takes no snapshot and must not ask for it
    step "$cmd-again-$i" env -u SEED_DR_PASSPHRASE setsid -w java -jar "$JAR" "$cmd" "$vmdir/inventory-new.yaml" --bundle "$DIR/bundle-$NEW" -o json < /dev/null
    end=$(date +%s.%N)
    echo "$cmd $(python3 -c "print(f'{$end-$start:.1f}')") $(json "$vmdir/$cmd-again-$i.json" 'd["seconds"]') $(json "$vmdir/$cmd-again-$i.json" 'len(d["changes"])')" \
      >> "$DIR/results.txt"
  done
done

python3 - "$DIR/results.txt" "$TARGET_S" "$RUNS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
target, runs = float(sys.argv[2]), sys.argv[3]
med = {}
print(f"\nconverged re-runs on 3 servers + 2 agents, {runs} of each (median):")
print(f"{'command':<8} {'wall s':>7} {'run s':>7} {'changes':>8}   each wall s")
for cmd in ("install", "upgrade"):
    mine = [r for r in rows if r[0] == cmd]
    wall = statistics.median(float(r[1]) for r in mine)
    ran = statistics.median(float(r[2]) for r in mine)
    changes = max(int(r[3]) for r in mine)
    med[cmd] = wall
    print(f"{cmd:<8} {wall:>7.1f} {ran:>7.1f} {changes:>8}   {' '.join(r[1] for r in mine)}")
print(f"upgrade / install (wall): {med['upgrade'] / med['install']:.2f}")
print(f"target: upgrade re-run 0 changes in <= {target:.0f} s: {'met' if med['upgrade'] <= target else 'NOT met'} ({med['upgrade']:.1f} s)")
PY
