#!/bin/bash
# make-artifacts.sh OUTDIR [--arch amd64] [--version v1.35.7+rke2r1] [--with-full-images]
#                         [--install-sh auto|upstream|double|FILE]
#
# Writes a release-shaped artifact set of the RKE2 contract double (a test double, NOT RKE2)
# with the names real releases use (contract A.1):
#   rke2.linux-ARCH.tar.gz                 bin/rke2, bin/rke2-killall.sh, bin/rke2-uninstall.sh,
#                                          lib/systemd/system/rke2-{server,agent}.{service,env},
#                                          share/rke2/rke2-cis-sysctl.conf, share/rke2/LICENSE.txt
#   rke2-images-{core,canal,cilium}.linux-ARCH.tar.zst   small docker-save-like tars whose
#                                          manifest.json names the images they stand for
#   rke2-images-{core,canal,cilium}.linux-ARCH.txt       the image lists
#   rke2-images.linux-ARCH.tar.zst (+.txt) only with --with-full-images (core + canal, A.1)
#   sha256sum-ARCH.txt                     sha256 of every artifact whose name contains the arch
#                                          (like scripts/checksum: file names without path)
#   install.sh                             RKE2's own install.sh (upstream, unmodified) from
#                                          ../shared/upstream/rke2/install/install.sh beside the
#                                          repository when it is there (--install-sh auto, the
#                                          default, or upstream: then it must be there); else
#                                          (or with --install-sh double) the double's install.sh,
#                                          its artifact-path tarball mode only (A.2). FILE: that file.
#                                          Which one was used is printed on stderr.
# Output is deterministic: same inputs => same bytes (fixed mtimes/owners, gzip without name
# or time, single-threaded zstd).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out="" arch=amd64 version="v1.35.7+rke2r1" full=0 install_sh=auto
while [ $# -gt 0 ]; do
    case "$1" in
        --arch) arch=$2; shift 2 ;;
        --arch=*) arch=${1#*=}; shift ;;
        --version) version=$2; shift 2 ;;
        --version=*) version=${1#*=}; shift ;;
        --with-full-images) full=1; shift ;;
        --install-sh) install_sh=$2; shift 2 ;;
        --install-sh=*) install_sh=${1#*=}; shift ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) [ -z "$out" ] || { echo "only one OUTDIR" >&2; exit 2; }; out=$1; shift ;;
    esac
done
[ -n "$out" ] || { echo "usage: $0 OUTDIR [--arch amd64] [--version V] [--with-full-images]" >&2; exit 2; }
case "$arch" in amd64|arm64|s390x) ;; *) echo "unsupported arch $arch" >&2; exit 2 ;; esac
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "version must look like v1.35.7+rke2r1" >&2; exit 2; }
for tool in python3 zstd sha256sum; do
    command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done
# RKE2's install.sh as released (v1.35.7+rke2r1), kept unmodified outside the repository
# (../shared/upstream/README.md); never copied into it
upstream_install_sh="$(cd "$here/../.." && pwd)/../shared/upstream/rke2/install/install.sh"
fallback=""
case "$install_sh" in
    auto) if [ -f "$upstream_install_sh" ]; then install_sh=upstream
          else install_sh=double fallback="; upstream's $upstream_install_sh is not there"; fi ;;
esac
case "$install_sh" in
    upstream) [ -f "$upstream_install_sh" ] || { echo "--install-sh upstream: $upstream_install_sh not found" >&2; exit 2; }
              install_src=$(cd "$(dirname "$upstream_install_sh")" && pwd)/install.sh
              install_what="RKE2's own install.sh, unmodified ($install_src)" ;;
    double)   install_src="$here/install.sh"
              install_what="the double's install.sh ($install_src$fallback)" ;;
    *)        [ -f "$install_sh" ] || { echo "--install-sh: $install_sh not found" >&2; exit 2; }
              install_src=$install_sh; install_what="$install_sh" ;;
esac

mkdir -p "$out"
out=$(cd "$out" && pwd)
suffix="linux-$arch"

python3 - "$here" "$out" "$suffix" "$version" "$full" <<'PY'
import gzip, io, json, os, subprocess, sys, tarfile
here, out, suffix, version, full = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "1"

def tar_bytes(entries):
    """entries: list of (path, bytes-or-None for dir, mode). Deterministic GNU tar."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for path, data, mode in sorted(entries, key=lambda e: e[0]):
            ti = tarfile.TarInfo(path)
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname, ti.mode = 0, 0, 0, "root", "root", mode
            if data is None:
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()

def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

# the install bundle (A.1)
bundle = os.path.join(here, "bundle")
entries = []
for root, dirs, files in os.walk(bundle):
    dirs[:] = sorted(d for d in dirs if d != "__pycache__")
    rel = os.path.relpath(root, bundle)
    if rel != ".":
        entries.append((rel, None, 0o755))
    for f in sorted(files):
        p = os.path.join(root, f)
        data = open(p, "rb").read()
        relf = os.path.normpath(os.path.join(rel, f))
        if relf == "bin/rke2":
            data = data.replace(b"@@RKE2_VERSION@@", version.encode())
        entries.append((relf, data, 0o755 if relf.startswith("bin/") else 0o644))
gz = io.BytesIO()
with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0, filename="", compresslevel=9) as g:  # like gzip -n
    g.write(tar_bytes(entries))
write("rke2.%s.tar.gz" % suffix, gz.getvalue())

# image archives (A.1, A.3): docker-save-like tars naming the images they stand for
def image_list(set_name):
    lines = open(os.path.join(here, "images", "rke2-images-%s.txt" % set_name)).read().splitlines()
    return [l.strip() for l in lines if l.strip() and not l.startswith("#")]

sets = {s: image_list(s) for s in ("core", "canal", "cilium")}
archives = {"rke2-images-%s" % s: imgs for s, imgs in sets.items()}
if full:
    archives["rke2-images"] = sets["core"] + sets["canal"]  # A.1: legacy full set = core + canal
for base, imgs in archives.items():
    manifest = [{"Config": "%s.json" % i.split("/")[-1].replace(":", "_"), "RepoTags": [i], "Layers": []}
                for i in imgs]
    readme = ("Image archive of the RKE2 contract double (a test double, NOT RKE2).\n"
              "It contains no image layers; manifest.json names the images it stands for.\n").encode()
    tarb = tar_bytes([("manifest.json", json.dumps(manifest, indent=1).encode() + b"\n", 0o644),
                      ("README.txt", readme, 0o644)])
    z = subprocess.run(["zstd", "-q", "-16", "--long=25", "-T1", "-c"], input=tarb, check=True,
                       stdout=subprocess.PIPE).stdout
    write("%s.%s.tar.zst" % (base, suffix), z)
    write("%s.%s.txt" % (base, suffix), ("\n".join(imgs) + "\n").encode())
PY

cp "$install_src" "$out/install.sh"
chmod 0755 "$out/install.sh"
if [ "$full" = 0 ]; then
    rm -f "$out/rke2-images.$suffix.tar.zst" "$out/rke2-images.$suffix.txt"
fi
# scripts/checksum: every artifact whose name contains the arch, names without path
(cd "$out" && find . -maxdepth 1 -type f -name "*$arch*" ! -name "sha256sum-$arch.txt" -printf '%f\n' \
    | LC_ALL=C sort | xargs sha256sum > "sha256sum-$arch.txt")
echo "install.sh: $install_what" >&2
echo "RKE2 contract double $version artifacts for $suffix in $out:"
(cd "$out" && ls -l)
