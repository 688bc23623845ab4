#!/usr/bin/env bash
# bench-create.sh [--size-mib N] [--files N] [--runs N] [--dir DIR] [--keep] [--no-sync]
#
# Benchmark P5 (issue 7): `seed-bootstrap bundle create --mirror` against the baselines of the
# same run, over the same files: a local mirror of about N MiB (default 2048: the RKE2 contract
# double's artifacts plus N MiB of random, i.e. already-compressed-like, image archives split
# over --files files, default 8). bundle create stores files as they are (RKE2 image archives
# are zstd already; no recompression), so the fair baseline is a plain copy:
#   cp              cp of every mirror file into a new directory (coreutils; what an operator types)
#   cp+sha256sum    cp, then sha256sum -P$(nproc) of the copies (for reference: a copy that also
#                   yields checksums, as bundle create must)
#   tar+zstd -T0    tar of the mirror piped to zstd -T0 (for reference: the baseline the issue
#                   names where compression applies)
#   bundle create   BOM load, chart checks, streamed copy + sha256 of every file (large files
#                   written with direct I/O, every file fsync'ed before signing, so its `sync`
#                   finds nothing left to write), sha256sum-file check, manifest + Ed25519
#                   signature; JVM start included
# Every timed command writes a new output directory on the same file system and ends with
# `sync` (the data is on disk, as when writing a stick), unless --no-sync. Mirror files stay in
# the page cache (each command is run once untimed first). Median of --runs runs (default 5),
# the commands interleaved in each run. Prints the ratio cp time / create time: the
# target is >= 0.8 (create at least 80% as fast as a plain copy).
# Needs: java 17, maven (to build the jar if missing), python3, zstd, openssl (fast random data).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

size_mib=2048 files=8 runs=5 dir="${TMPDIR:-/tmp}/seed-bench-create" keep=0 sync=1
while [ $# -gt 0 ]; do
    case "$1" in
        --size-mib) size_mib=$2; shift 2 ;;
        --files) files=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --no-sync) sync=0; shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

jar="$repo/agent/target/seed-bootstrap.jar"
if [ ! -f "$jar" ]; then
    (cd "$repo" && mvn -q -B -o -DskipTests package)
fi
source "$repo/scripts/lib/bench.sh"
bench_prepare_fixture mirror
seed bundle keygen --out "$dir/keys" >/dev/null 2>&1

# exactly the files the BOM names (the mirror holds nothing else)
mirror_files() { find "$dir/mirror" -type f -print0; }
bytes=$(mirror_files | xargs -0 stat -c %s | awk '{s+=$1} END {printf "%.0f", s}')
cores=$(nproc)

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
settle() { rm -rf "$dir/out"; [ "$sync" = 0 ] || sync; }
time_once() { # command... -> seconds (output removed and synced before, untimed)
    local start end
    settle
    start=$(now); "$@" >/dev/null 2>&1; [ "$sync" = 0 ] || sync; end=$(now)
    calc "$end - $start"
}
report() { # label, times (one per line) -> prints a line on stderr, the median on stdout
    local t
    t=$(printf '%s' "$2" | median)
    printf '%-14s %8.3f s  %7.0f MB/s   (runs: %s)\n' "$1" "$t" "$(calc "$bytes / $t / 1000000")" \
        "$(printf '%s' "$2" | awk '{printf "%.3f ", $1}')" >&2
    echo "$t"
}
copy() { mkdir -p "$dir/out" && cp -r "$dir/mirror/." "$dir/out/"; }
cpsha() { copy && find "$dir/out" -type f -print0 | xargs -0 -n 1 -P "$cores" sha256sum; }
tarzstd() { mkdir -p "$dir/out" && tar -cf - -C "$dir/mirror" . | zstd -q -T0 -o "$dir/out/mirror.tar.zst"; }
create() { seed bundle create --bom "$dir/bom.yaml" --mirror "$dir/mirror" --signing-key "$dir/keys/bundle-signing.key" --out "$dir/out"; }

# create must succeed, or the timing is meaningless
settle; create >/dev/null 2>&1 || { create; exit 1; }

echo "== $(( bytes / 1024 / 1024 )) MiB in $(mirror_files | tr -cd '\0' | wc -c) files, $cores cores, $(java -version 2>&1 | head -1), $(zstd --version | head -1), sync $([ "$sync" = 1 ] && echo on || echo off)" >&2
settle; copy; settle; tarzstd; settle   # warm page cache and binaries
times_cp="" times_cpsha="" times_zstd="" times_create=""
for _ in $(seq 1 "$runs"); do
    times_cp="$times_cp$(time_once copy)"$'\n'
    times_cpsha="$times_cpsha$(time_once cpsha)"$'\n'
    times_zstd="$times_zstd$(time_once tarzstd)"$'\n'
    times_create="$times_create$(time_once create)"$'\n'
done
settle
t_cp=$(report "cp" "$times_cp")
t_cpsha=$(report "cp+sha256sum" "$times_cpsha")
t_zstd=$(report "tar+zstd -T0" "$times_zstd")
t_create=$(report "bundle create" "$times_create")

ratio=$(calc "$t_cp / $t_create")
ratio_z=$(calc "$t_zstd / $t_create")
ratio_s=$(calc "$t_cpsha / $t_create")
printf 'P5 ratio (cp time / bundle create time): %.2fx  (target >= 0.8x: %s)\n' "$ratio" \
    "$(awk "BEGIN { print ($ratio >= 0.8) ? \"PASS\" : \"FAIL\" }")"
printf '   vs cp + sha256sum -P%s: %.2fx (reference)\n' "$cores" "$ratio_s"
printf '   vs tar | zstd -T0: %.2fx (reference)\n' "$ratio_z"
