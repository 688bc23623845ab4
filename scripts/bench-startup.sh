#!/usr/bin/env bash
# bench-startup.sh [--runs N] [--dir DIR] [--keep] [--no-stick] [--compare JAR]
#
# Benchmark P7 (issue 22): how long a short command takes, from the shell prompt back to it.
# For `--help`, `--version` and `inventory validate inventory/examples/single-node.yaml`, timed with
# /usr/bin/time (wall and CPU seconds), median of --runs runs (default 7), everything interleaved
# in each run so that load from other processes hits all alike:
#   java -version            the baseline: the same JVM doing nothing (system java)
#   java -jar                java -jar agent/target/seed-bootstrap.jar CMD        (target <= 0.5 s)
#   scripts/seed-bootstrap   the wrapper with class data sharing                  (target <= 0.3 s)
#   stick java -version      the baseline of the stick's own runtime (jlink'ed, no CDS of its own)
#   stick launcher           sh BUNDLE/seed-bootstrap.sh CMD, a bundle made with --with-runtime,
#                            cache on local disk                                  (target <= 0.3 s)
#   --compare JAR            java -jar JAR CMD as well (e.g. main's jar, for a before/after)
# The launchers' first run (runtime unpacking, class data sharing archive) is made before timing.
# --no-stick skips the bundle (bundle create --with-runtime runs jlink: ~30 s more).
# Prints each median, its ratio to java -version of the same run, PASS/FAIL against the targets,
# and the load average before and after (the figures mean little on a loaded machine; the
# ratios less so).
# Needs: java 17 (a JDK with jmods for the stick), maven (builds the jar), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

runs=7 dir="${TMPDIR:-/tmp}/seed-bench-startup" keep=0 stick=1 compare=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --no-stick) stick=0; shift ;;
        --compare) compare=$(readlink -f "$2"); shift 2 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x /usr/bin/time ] || { echo "bench-startup.sh needs GNU time (/usr/bin/time; Debian: apt-get install time)" >&2; exit 2; }

jar="$repo/agent/target/seed-bootstrap.jar"
(cd "$repo" && { mvn -q -B -o -DskipTests package 2>/dev/null || mvn -q -B -DskipTests package; })   # the jar of this checkout
rm -rf "$dir"
mkdir -p "$dir"
[ "$keep" = 1 ] || trap 'rm -rf "$dir"' EXIT
inventory="$repo/inventory/examples/single-node.yaml"
export XDG_CACHE_HOME="$dir/cache" SEED_BOOTSTRAP_CACHE="$dir/cache/stick"

ways=("java -version" "java -jar" "scripts/seed-bootstrap")
[ -z "$compare" ] || ways+=("compare java -jar")
if [ "$stick" = 1 ]; then
    echo "== making a small bundle with --with-runtime in $dir (jlink: about half a minute)" >&2
    size_mib=1 files=1
    source "$repo/scripts/lib/bench.sh"
    bench_prepare_fixture "bundle with runtime"
    [ "$keep" = 1 ] || trap 'rm -rf "$dir"' EXIT
    export XDG_CACHE_HOME="$dir/cache" SEED_BOOTSTRAP_CACHE="$dir/cache/stick"
    seed bundle keygen --out "$dir/keys" >/dev/null 2>&1
    seed bundle create --bom "$dir/bom.yaml" --mirror "$dir/mirror" --signing-key "$dir/keys/bundle-signing.key" \
        --with-runtime --out "$dir/bundle" >/dev/null 2>&1
    sh "$dir/bundle/seed-bootstrap.sh" --version >/dev/null 2>&1   # unpacks the runtime, makes the CDS archive
    stick_java=$(echo "$SEED_BOOTSTRAP_CACHE"/runtime-*/bin/java)
    ways+=("stick java -version" "stick launcher")
fi
scripts/seed-bootstrap --version >/dev/null 2>&1   # makes the wrapper's CDS archive

# way, command -> the argv to time, in the array cmd
argv_of() {
    local args=()
    case "$2" in
        "inventory validate") args=(inventory validate "$inventory") ;;
        "") ;;
        *) args=("$2") ;;
    esac
    case "$1" in
        "java -version") cmd=(java -version) ;;
        "stick java -version") cmd=("$stick_java" -version) ;;
        "java -jar") cmd=(java -jar "$jar" "${args[@]}") ;;
        "compare java -jar") cmd=(java -jar "$compare" "${args[@]}") ;;
        "scripts/seed-bootstrap") cmd=("$repo/scripts/seed-bootstrap" "${args[@]}") ;;
        "stick launcher") cmd=(sh "$dir/bundle/seed-bootstrap.sh" "${args[@]}") ;;
    esac
}
commands=("--help" "--version" "inventory validate")
# every command must work through every way, or the timing is meaningless
for c in "${commands[@]}"; do
    for w in "${ways[@]}"; do
        argv_of "$w" "$c"
        "${cmd[@]}" >/dev/null 2>&1 || { echo "'${cmd[*]}' failed" >&2; exit 1; }
    done
done

declare -A wall cpu
echo "== $(nproc) cores, $(java -version 2>&1 | head -1), load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for _ in $(seq 1 "$runs"); do
    for c in "${commands[@]}"; do
        for w in "${ways[@]}"; do
            key="$w|$c"
            case "$w" in *-version) [ "$c" = "--help" ] || continue; key="$w|" ;; esac   # baselines once per run
            argv_of "$w" "$c"
            /usr/bin/time -f '%e %U %S' -o "$dir/time" "${cmd[@]}" >/dev/null 2>&1
            read -r e u s <"$dir/time"
            wall[$key]="${wall[$key]:-} $e"
            cpu[$key]="${cpu[$key]:-} $(awk "BEGIN { print $u + $s }")"
        done
    done
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

source "$repo/scripts/lib/bench.sh"
base=$(echo "${wall["java -version|"]}" | bench_median)
printf '%-26s %-20s %8s %8s %9s  %s\n' "way" "command" "wall s" "cpu s" "x java -v" "target"
for w in "${ways[@]}"; do
    for c in "${commands[@]}"; do
        key="$w|$c" target="" verdict=""
        case "$w" in *-version) [ "$c" = "--help" ] || continue; key="$w|"; c="" ;; esac
        t=$(echo "${wall[$key]}" | bench_median)
        u=$(echo "${cpu[$key]}" | bench_median)
        case "$w|$c" in
            "java -jar|--help" | "java -jar|--version") target=0.5 ;;
            "scripts/seed-bootstrap|--help" | "scripts/seed-bootstrap|--version" | "stick launcher|--help" | "stick launcher|--version") target=0.3 ;;
        esac
        [ -z "$target" ] || verdict="<= $target s: $(awk "BEGIN { print ($t <= $target) ? \"PASS\" : \"FAIL\" }")"
        printf '%-26s %-20s %8.2f %8.2f %8.2fx  %s\n' "$w" "$c" "$t" "$u" "$(awk "BEGIN { print $t / $base }")" "$verdict"
    done
done
