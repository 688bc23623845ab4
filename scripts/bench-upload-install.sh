#!/usr/bin/env bash
# Benchmark P1, end to end (issue 22): `install` of a bundle of ~SIZE_MIB MiB on one fresh test
# machine (the RKE2 contract double, a test double and not RKE2, whose core image archive is
# padded with SIZE_MIB of random data as scripts/bench-install.sh does) against what an operator
# would do by hand to get the same bytes there checked: `scp` of every file of the bundle to the
# host, then `ssh host sha256sum` of them. install does far more than copy (verify the bundle's
# signature, preflight, PKI, RKE2 install and start, charts); the figure shows how much of its
# wall time the files cost beside that. Rounds alternate the two on a new machine each round;
# the load average is printed beside every figure.
#
#   bash scripts/bench-upload-install.sh          # RUNS=3 SIZE_MIB=1024
#
# Env: RUNS, SIZE_MIB, BENCH_DIR (/var/tmp/seed-bootstrap-bench-upload-install), KEEP_VM=1,
# SUBNET (10.213.97.0/24) for the machine's docker network.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/bench.sh
source scripts/lib/bench.sh
RUNS=${RUNS:-3}
SIZE_MIB=${SIZE_MIB:-1024}
DIR=${BENCH_DIR:-/var/tmp/seed-bootstrap-bench-upload-install}
PREFIX=sbupin
log() { printf 'bench: %s\n' "$*" >&2; }
command -v zstd >/dev/null || { log "needs zstd (apt-get install zstd)"; exit 2; }

bench_jar_and_image

rm -rf "$DIR" && mkdir -p "$DIR"
log "bundle: the double's artifacts, core image archive padded with $SIZE_MIB MiB"
bench_double_bundle "$DIR" "$SIZE_MIB"
FP=$BUNDLE_FP
rm -rf "$DIR/mirror"
find "$DIR/bundle" -type f -exec cat {} + >/dev/null # page cache warm for both alike

now() { date +%s.%N; }
vmdir=$DIR/vm
[[ ${KEEP_VM:-0} == 1 ]] || trap 'bash test-vms/down.sh --name-prefix "$PREFIX" --dir "$vmdir" >/dev/null 2>&1 || true' EXIT
INSTALL=() UPLOAD=() BYTES=() MANUAL=() LOADS=()
for ((r = 1; r <= RUNS; r++)); do
  bash test-vms/up.sh 1 --image "$IMAGE" --replace --name-prefix "$PREFIX" --subnet "${SUBNET:-10.213.97.0/24}" --dir "$vmdir" >/dev/null
  printf 'bundle:\n  path: %s\n  signingKeyFingerprint: "%s"\npki: {rsaKeyBits: 2048}\n' "$DIR/bundle" "$FP" >> "$vmdir/inventory.yaml"
  export SEED_SUDO_PASSWORD="$(cat "$vmdir/sudo_password" 2>/dev/null || true)"
  export XDG_STATE_HOME=$DIR/state-$r XDG_CACHE_HOME=$DIR/cache
  seed pki init "$vmdir/inventory.yaml" >/dev/null 2>&1
  t0=$(now)
  seed install "$vmdir/inventory.yaml" -o json > "$vmdir/install.json" 2> "$vmdir/install.err" || { cat "$vmdir/install.err" >&2; exit 1; }
  t1=$(now)
  INSTALL+=("$(printf '%.2f' "$(echo "$t1 - $t0" | bc)")"); BYTES+=("$(bench_json "$vmdir/install.json" 'd["bytesSent"]')")
  # install's own phase timings (its log): the phase that uploads the bundle's files to the node
  UPLOAD+=("$(sed -n 's/.*Upload the RKE2 artifacts: done in \([0-9.]*\)s.*/\1/p' "$XDG_STATE_HOME"/seed-bootstrap/logs/install-*.log | tail -n1)")

  # by hand, as root on the same machine: every bundle file copied, then checked on the host
  vm=${PREFIX}1; cfg=(-F "$vmdir/ssh_config" -o User=root)
  ssh "${cfg[@]}" "$vm" 'rm -rf /var/lib/seed-bench && mkdir -p /var/lib/seed-bench'
  t0=$(now)
  scp "${cfg[@]}" -q -r "$DIR/bundle" "$vm:/var/lib/seed-bench/"
  ssh "${cfg[@]}" "$vm" 'cd /var/lib/seed-bench/bundle && find . -type f -exec sha256sum {} + >/dev/null'
  t1=$(now)
  MANUAL+=("$(printf '%.2f' "$(echo "$t1 - $t0" | bc)")")
  LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
  log "round $r: install ${INSTALL[-1]} s (its upload phase ${UPLOAD[-1]} s, ${BYTES[-1]} bytes sent), scp + ssh sha256sum ${MANUAL[-1]} s (load ${LOADS[-1]})"
done

mi=$(echo "${INSTALL[*]}" | bench_median); mu=$(echo "${UPLOAD[*]}" | bench_median); mm=$(echo "${MANUAL[*]}" | bench_median)
printf '\nbundle: %d bytes in %d files (core image archive padded with %d MiB); one node\n' "$BUNDLE_BYTES" \
  "$(find "$DIR/bundle" -type f | wc -l)" "$SIZE_MIB"
printf '%-28s %-30s %9s\n' what "runs (s)" "median s"
printf '%-28s %-30s %9.2f\n' "install (whole run)" "${INSTALL[*]}" "$mi"
printf '%-28s %-30s %9.2f\n' "  its phase 'Upload the RKE2 artifacts'" "${UPLOAD[*]}" "$mu"
printf '%-28s %-30s %9.2f\n' "scp -r bundle + sha256sum" "${MANUAL[*]}" "$mm"
printf 'install bytes sent: %s; load average after each round: %s\n' "${BYTES[*]}" "${LOADS[*]}"
printf '(scp + sha256sum) / install: %.2f; (scp + sha256sum) / install'"'"'s upload phase: %.2f (ratios of the medians; >1: install faster)\n' \
  "$(echo "$mm / $mi" | bc -l)" "$(echo "$mm / $mu" | bc -l)"
