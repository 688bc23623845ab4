#!/usr/bin/env bash
# bench-verify.sh [--size-mib N] [--files N] [--runs N] [--dir DIR] [--keep]
#
# Benchmark P4 (issue 7): `seed-bootstrap bundle verify` against coreutils `sha256sum` over the
# same files, baseline measured in the same run. Builds a bundle of about N MiB (default 2048:
# the RKE2 contract double's artifacts plus N MiB of image archives split over --files files,
# default 8), then times, with a warm page cache for both (each is run once untimed first):
#   sha256sum       over every file of the bundle (one process, one core: what an operator types)
#   sha256sum -P    the same with xargs -P$(nproc) (for information: a parallel shell baseline)
#   bundle verify   signature + every file's size and sha256 on $(nproc) threads, JVM start included
# Median of --runs runs (default 3), the three commands interleaved in each run. Prints the ratio sha256sum time / verify time: the target is
# >= 0.9 (verify at least 90% as fast as sha256sum). It also prints verify's peak RSS
# (/usr/bin/time -v), which benchmark P6 bounds at 256 MiB for a 4 GiB bundle (--size-mib 4096).
# Needs: java 17, maven (to build the jar if missing), python3, zstd, openssl (fast random data), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

size_mib=2048 files=8 runs=3 dir="${TMPDIR:-/tmp}/seed-bench-verify" keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --size-mib) size_mib=$2; shift 2 ;;
        --files) files=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

jar="$repo/agent/target/seed-bootstrap.jar"
if [ ! -f "$jar" ]; then
    (cd "$repo" && mvn -q -B -DskipTests package)
fi
source "$repo/scripts/lib/bench.sh"
bench_prepare_fixture bundle
fingerprint=$(seed bundle keygen --out "$dir/keys" 2>/dev/null)
seed bundle create --bom "$dir/bom.yaml" --mirror "$dir/mirror" --signing-key "$dir/keys/bundle-signing.key" --out "$dir/bundle" >&2
rm -rf "$dir/mirror"   # only the bundle needs to stay in the page cache

bundle_files() { find "$dir/bundle" -type f ! -name manifest.json ! -name manifest.json.sig -print0; }
bytes=$(bundle_files | xargs -0 stat -c %s | awk '{s+=$1} END {printf "%.0f", s}')
cores=$(nproc)

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_once() { # command... -> seconds
    local start end
    start=$(now); "$@" >/dev/null 2>&1; end=$(now)
    calc "$end - $start"
}
report() { # label, times (one per line) -> prints a line on stderr, the median on stdout
    local t
    t=$(printf '%s' "$2" | median)
    printf '%-16s %8.3f s  %7.0f MB/s   (runs: %s)\n' "$1" "$t" "$(calc "$bytes / $t / 1000000")" \
        "$(printf '%s' "$2" | awk '{printf "%.3f ", $1}')" >&2
    echo "$t"
}
sha_serial() { bundle_files | xargs -0 sha256sum; }
sha_parallel() { bundle_files | xargs -0 -n 1 -P "$cores" sha256sum; }
verify() { java -jar "$jar" bundle verify "$dir/bundle" --signing-key-fingerprint "$fingerprint"; }

# verify must succeed, or the timing is meaningless
verify >/dev/null

echo "== $(( bytes / 1024 / 1024 )) MiB in $(bundle_files | tr -cd '\0' | wc -c) files, $cores cores, $(java -version 2>&1 | head -1)" >&2
# runs interleave the three commands, so load from other processes on the machine hits all alike
sha_serial >/dev/null; sha_parallel >/dev/null; verify >/dev/null 2>&1   # warm page cache and binaries
times_sha="" times_shap="" times_verify=""
for _ in $(seq 1 "$runs"); do
    times_sha="$times_sha$(time_once sha_serial)"$'\n'
    times_shap="$times_shap$(time_once sha_parallel)"$'\n'
    times_verify="$times_verify$(time_once verify)"$'\n'
done
t_sha=$(report "sha256sum" "$times_sha")
t_shap=$(report "sha256sum -P$cores" "$times_shap")
t_verify=$(report "bundle verify" "$times_verify")
rss_kib=$(/usr/bin/time -v java -jar "$jar" bundle verify "$dir/bundle" --signing-key-fingerprint "$fingerprint" 2>&1 >/dev/null \
    | awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}')

ratio=$(calc "$t_sha / $t_verify")
ratio_p=$(calc "$t_shap / $t_verify")
printf 'P4 ratio (sha256sum time / bundle verify time): %.2fx  (target >= 0.9x: %s)\n' "$ratio" \
    "$(awk "BEGIN { print ($ratio >= 0.9) ? \"PASS\" : \"FAIL\" }")"
printf '   vs parallel sha256sum -P%s: %.2fx (information)\n' "$cores" "$ratio_p"
printf 'verify peak RSS: %d MiB for %d MiB of bundle (P6 target <= 256 MiB at 4 GiB)\n' "$(( rss_kib / 1024 ))" "$(( bytes / 1024 / 1024 ))"
