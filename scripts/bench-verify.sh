#!/usr/bin/env bash
# bench-verify.sh [--size-mib N] [--files N] [--runs N] [--dir DIR] [--keep]
#
# Benchmark P4 (issue 22): `seed-bootstrap bundle verify` against one `openssl dgst -sha256` over
# the same files (the fastest single-process hash here: SHA-NI), baseline measured in the same
# run. Builds a bundle of about N MiB (default 4096: the RKE2 contract double's artifacts plus
# N MiB of image archives split over --files files, default 3: "a few large files"), then times,
# with a warm page cache for all (each is run once untimed first):
#   openssl dgst    over every file of the bundle (one process, one core)
#   sha256sum       the same with coreutils (for information; no SHA-NI in Debian 12's build)
#   bundle verify   signature + every file's size and sha256 (per 64 MiB chunk with a v2 manifest)
#                   on $(nproc) threads, JVM start included
# Median of --runs runs (default 3), the commands interleaved in each run. Prints the ratio
# openssl time / verify time: the target is >= 1.8x on 2 cores. It also prints verify's peak RSS
# (/usr/bin/time -v), which P4 bounds at 128 MiB.
# Needs: java 17, maven (builds the jar), python3, zstd, openssl (fast random data), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

size_mib=4096 files=3 runs=3 dir="${TMPDIR:-/tmp}/seed-bench-verify" keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --size-mib) size_mib=$2; shift 2 ;;
        --files) files=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

jar="$repo/agent/target/seed-bootstrap.jar"
(cd "$repo" && { mvn -q -B -o -DskipTests package 2>/dev/null || mvn -q -B -DskipTests package; })   # the jar of this checkout
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
ossl_serial() { bundle_files | xargs -0 openssl dgst -sha256; }
sha_serial() { bundle_files | xargs -0 sha256sum; }
verify() { java -jar "$jar" bundle verify "$dir/bundle" --signing-key-fingerprint "$fingerprint"; }

# verify must succeed, or the timing is meaningless
verify >/dev/null

echo "== $(( bytes / 1024 / 1024 )) MiB in $(bundle_files | tr -cd '\0' | wc -c) files, $cores cores, $(java -version 2>&1 | head -1)" >&2
# runs interleave the three commands, so load from other processes on the machine hits all alike
ossl_serial >/dev/null; sha_serial >/dev/null; verify >/dev/null 2>&1   # warm page cache and binaries
times_ossl="" times_sha="" times_verify=""
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for _ in $(seq 1 "$runs"); do
    times_ossl="$times_ossl$(time_once ossl_serial)"$'\n'
    times_sha="$times_sha$(time_once sha_serial)"$'\n'
    times_verify="$times_verify$(time_once verify)"$'\n'
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
t_ossl=$(report "openssl dgst" "$times_ossl")
t_sha=$(report "sha256sum" "$times_sha")
t_verify=$(report "bundle verify" "$times_verify")
rss_run=$(/usr/bin/time -v java -jar "$jar" bundle verify "$dir/bundle" --signing-key-fingerprint "$fingerprint" 2>&1 >/dev/null)
rss_kib=$(printf '%s\n' "$rss_run" | awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}')
# verify's own progress line: the hashing alone, without JVM start, signature and manifest (information)
hashing=$(printf '%s\n' "$rss_run" | sed -n 's/^verifying: .* in \([0-9.]*\) s.*/\1/p' | tail -1)

ratio=$(calc "$t_ossl / $t_verify")
ratio_sha=$(calc "$t_sha / $t_verify")
printf 'P4 ratio (openssl dgst -sha256 time / bundle verify time): %.2fx  (target >= 1.8x on %s cores: %s)\n' "$ratio" "$cores" \
    "$(awk "BEGIN { print ($ratio >= 1.8) ? \"PASS\" : \"FAIL\" }")"
printf '   vs sha256sum: %.2fx (information)\n' "$ratio_sha"
[ -z "$hashing" ] || printf '   verify hashing alone (its own "verifying:" line, one more run, no JVM start): %s s, openssl time / that: %.2fx (information)\n' \
    "$hashing" "$(calc "$t_ossl / $hashing")"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'verify peak RSS: %d MiB for %d MiB of bundle (target <= 128 MiB: %s)\n' "$(( rss_kib / 1024 ))" "$(( bytes / 1024 / 1024 ))" \
    "$(awk "BEGIN { print ($rss_kib <= 131072) ? \"PASS\" : \"FAIL\" }")"
