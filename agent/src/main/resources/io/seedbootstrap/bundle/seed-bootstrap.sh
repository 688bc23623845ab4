#!/bin/sh
# seed-bootstrap launcher, written at the root of a bundle by `bundle create --with-runtime`
# (docs/formats.md "The launcher"). Runs seed-bootstrap on a machine without Java:
#
#   sh /media/usb/seed-bundle/seed-bootstrap.sh bundle verify /media/usb/seed-bundle \
#       --signing-key-fingerprint SHA256:...
#
# (always through sh: FAT32 keeps no exec bits). It checks the Java runtime archive and the jar
# against the sha256 manifest.json lists for them, refusing on any mismatch, copies/unpacks them
# once to a local cache directory, then runs `java -jar seed-bootstrap.jar ARGS...` with this
# bundle as the default bundle (SEED_BOOTSTRAP_BUNDLE): `sh .../seed-bootstrap.sh install inventory.yaml`.
# Cache: $SEED_BOOTSTRAP_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/seed-bootstrap.
# Needs: sh, awk, cat, gzip, tar, sha256sum, mktemp, uname, mkdir, mv, rm (every Linux base system).
set -eu

RUNTIME_PATH=runtime/java-runtime-linux-x64.tar.gz
JAR_PATH=runtime/seed-bootstrap.jar

die() {
    code=$1
    shift
    printf 'seed-bootstrap.sh: %s\n' "$*" >&2
    exit "$code"
}

for tool in awk cat gzip tar sha256sum mktemp uname mkdir mv rm; do
    command -v "$tool" >/dev/null 2>&1 || die 2 "$tool is not on PATH ($PATH); it is needed to unpack the Java runtime"
done
case $(uname -s)/$(uname -m) in
    Linux/x86_64 | Linux/amd64) ;;
    *) die 2 "the bundle's Java runtime is for Linux x86-64; this machine is $(uname -s) $(uname -m)" ;;
esac

case $0 in
    */*) bundle=${0%/*} ;;
    *) bundle=. ;;
esac
bundle=$(cd -- "$bundle" && pwd -P) || die 2 "cannot find the bundle directory of $0"
manifest=$bundle/manifest.json
[ -f "$manifest" ] || die 2 "$manifest is missing: run this script from the root of a seed-bootstrap bundle"


# The whole-file sha256 manifest.json lists for a bundle path (manifest.json is written one
# field per line, path before size before sha256; parts follow, with their own paths).
listed_sha256() {
    awk -v want="$1" '
        /"path"[ \t]*:/ { v = $0; sub(/^[^:]*:[ \t]*"/, "", v); sub(/".*$/, "", v); found = (v == want); next }
        found && /"sha256"[ \t]*:/ { v = $0; sub(/^[^:]*:[ \t]*"/, "", v); sub(/".*$/, "", v); print v; exit }
    ' "$manifest"
}

# Checks one bundle file (whole or NAME.partNNN, rejoined) into $2 on local disk, against the
# sha256 manifest.json lists; refuses (exit 1) on a mismatch.
fetch_checked() {
    want=$(listed_sha256 "$1")
    case $want in
        '' | *[!0-9a-f]*) die 1 "manifest.json lists no sha256 for $1; is this a bundle made with --with-runtime?" ;;
    esac
    [ ${#want} -eq 64 ] || die 1 "manifest.json lists a malformed sha256 for $1"
    src=$bundle/$1
    if [ -f "$src" ]; then
        cat -- "$src" >"$2"
    elif [ -f "$src.part000" ]; then
        : >"$2"
        for part in "$src".part[0-9][0-9][0-9]; do
            cat -- "$part" >>"$2"
        done
    else
        die 1 "$src is missing from the bundle"
    fi
    got=$(sha256sum <"$2")
    got=${got%% *}
    if [ "$got" != "$want" ]; then
        rm -f -- "$2"
        die 1 "$1: sha256 is $got, but manifest.json says $want; refusing to run it (the stick is damaged or was changed; run \`bundle verify\` from a trusted copy)"
    fi
}

if [ -n "${SEED_BOOTSTRAP_CACHE:-}" ]; then
    cache=$SEED_BOOTSTRAP_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    cache=$XDG_CACHE_HOME/seed-bootstrap
elif [ -n "${HOME:-}" ]; then
    cache=$HOME/.cache/seed-bootstrap
else
    die 2 "neither SEED_BOOTSTRAP_CACHE, XDG_CACHE_HOME nor HOME is set: nowhere to unpack the Java runtime"
fi
mkdir -p -- "$cache" || die 2 "cannot create $cache"
cache=$(cd -- "$cache" && pwd -P)

runtime_sha=$(listed_sha256 "$RUNTIME_PATH")
jar_sha=$(listed_sha256 "$JAR_PATH")
runtime=$cache/runtime-$runtime_sha
jar=$cache/seed-bootstrap-$jar_sha.jar

if [ -z "$runtime_sha" ] || [ ! -f "$runtime/.unpacked" ]; then
    work=$(mktemp -d "$cache/.unpack.XXXXXX") || die 1 "cannot create a directory in $cache"
    trap 'rm -rf -- "$work"' EXIT
    trap 'exit 130' INT TERM
    printf 'seed-bootstrap.sh: checking and unpacking the Java runtime into %s\n' "$runtime" >&2
    fetch_checked "$RUNTIME_PATH" "$work/runtime.tar.gz"
    mkdir -- "$work/image"
    (cd -- "$work/image" && gzip -dc <"$work/runtime.tar.gz" | tar -xf -) || die 1 "cannot unpack $RUNTIME_PATH"
    [ -x "$work/image/bin/java" ] || die 1 "$RUNTIME_PATH holds no bin/java"
    : >"$work/image/.unpacked"
    [ -d "$runtime" ] && rm -rf -- "$runtime"
    mv -- "$work/image" "$runtime" || [ -f "$runtime/.unpacked" ] || die 1 "cannot move the runtime into $runtime"
    rm -rf -- "$work"
    trap - EXIT INT TERM
fi

if [ -z "$jar_sha" ] || [ ! -f "$jar" ]; then
    work=$(mktemp "$cache/.jar.XXXXXX") || die 1 "cannot create a file in $cache"
    trap 'rm -f -- "$work"' EXIT
    trap 'exit 130' INT TERM
    fetch_checked "$JAR_PATH" "$work"
    mv -f -- "$work" "$jar" || die 1 "cannot move the jar into $cache"
    trap - EXIT INT TERM
fi

# Class data sharing (docs/formats.md "Class data sharing"): the classes that short commands load,
# parsed and verified once into an archive in the cache that every later start maps (the linked
# runtime has no archive of its own). Made once per runtime and jar from the classes --help,
# --version and `inventory validate` load; a failure costs only the speed-up (a marker stops it
# being retried on every run). The JVM checks the archive against the runtime and the jar's path,
# size and time, and ignores one that does not match. scripts/seed-bootstrap does the same.
cds=$cache/cds-$runtime_sha-$jar_sha.jsa
if [ ! -f "$cds" ] && [ ! -f "$cds.failed" ]; then
    printf 'seed-bootstrap.sh: preparing class data sharing for faster starts (once)\n' >&2
    work=$(mktemp -d "$cache/.cds.XXXXXX") || die 1 "cannot create a directory in $cache"
    trap 'rm -rf -- "$work"' EXIT
    trap 'exit 130' INT TERM
    cat >"$work/inventory.yaml" <<'EOF'
apiVersion: seed-bootstrap/v1
cluster: {name: cds-training, rke2Version: v1.35.7+rke2r1}
ssh: {user: admin}
bundle: {path: ./bundle, signingKeyFingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}
pki: {dir: ./pki}
apps: {rancher: {enabled: false}}
hosts: [{name: node-1, address: 192.0.2.10, role: server}]
EOF
    train() {
        list=$1
        shift
        "$runtime/bin/java" "-XX:DumpLoadedClassList=$work/$list" "-XX:ErrorFile=$work/hs_err_%p.log" -jar "$jar" "$@"
    }
    # awk drops repeated lines: JDK 17's dump crashes on a lambda listed twice
    if { train help.classes --help && train version.classes --version &&
        train validate.classes inventory validate "$work/inventory.yaml" &&
        awk '!seen[$0]++' "$work/help.classes" "$work/version.classes" "$work/validate.classes" >"$work/all.classes" &&
        "$runtime/bin/java" -Xshare:dump "-XX:SharedClassListFile=$work/all.classes" "-XX:SharedArchiveFile=$work/cds.jsa" \
            "-XX:ErrorFile=$work/hs_err_%p.log" -cp "$jar"; } >"$work/log" 2>&1; then
        mv -f -- "$work/cds.jsa" "$cds" || : >"$cds.failed"
    else
        : >"$cds.failed"
    fi
    rm -rf -- "$work"
    trap - EXIT INT TERM
fi

# The bundle to install from is this one unless --bundle says otherwise (cli/BundleDirectory).
# Nothing is written beside the launcher: the stick may be mounted read-only. A JVM crash report
# would go to the working directory, which may be the stick: it goes to the temporary directory.
SEED_BOOTSTRAP_BUNDLE=$bundle
export SEED_BOOTSTRAP_BUNDLE
# Short commands (help, version, inventory) end before C2 pays back its compiling: C1 alone starts them
# faster (P7, scripts/bench-startup.sh). Never the others: bundle verify needs C2's SHA-256 intrinsic (P4).
# The flags change only speed, so a wrong guess (an option value that reads --help) costs nothing else.
short=
for arg in "$@"; do
    case $arg in -h | --help | -V | --version) short=1 ;; esac
done
case ${1:-} in '' | inventory) short=1 ;; esac
# -XX:+VerifySharedSpaces: the JVM checks the archive's checksum (a few ms) and ignores a damaged one, which
# would otherwise crash every start (a stale one, for another jar or java, it ignores anyway).
exec "$runtime/bin/java" "-XX:SharedArchiveFile=$cds" -Xshare:auto -XX:+VerifySharedSpaces ${short:+-XX:TieredStopAtLevel=1} \
    "-XX:ErrorFile=${TMPDIR:-/tmp}/seed-bootstrap-hs_err_%p.log" -jar "$jar" "$@"
