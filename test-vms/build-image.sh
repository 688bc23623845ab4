#!/usr/bin/env bash
# Build the seed-bootstrap test machine image from Debian packages only.
#
#   bash test-vms/build-image.sh        # prints the image tag on stdout, progress on stderr
#
# Steps: debootstrap bookworm (minbase + image/packages.txt) from the Debian mirror apt uses
# here -> cached rootfs tarball -> customise (image/files, users, masked units) ->
# `docker import` -> one-line offline `docker build` (STOPSIGNAL, ENTRYPOINT).
# The tag is a hash of every input; when that image exists nothing is done. The result is
# also tagged seed-bootstrap-testvm:latest.
#
# Env:
#   SEED_CACHE_DIR   rootfs/deb cache (default /var/cache/seed-bootstrap)
#   SEED_DEBIAN_MIRROR  override the mirror read from /etc/apt/sources.list*
#   SEED_TESTVM_FORCE=1  rebuild even when the image exists (the rootfs cache is still used)
set -euo pipefail

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { printf 'build-image: ERROR: %s\n' "$*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMAGE_DIR=$HERE/image
REPO=seed-bootstrap-testvm
SUITE=bookworm
CACHE_DIR=${SEED_CACHE_DIR:-/var/cache/seed-bootstrap}

command -v docker >/dev/null || die "docker CLI missing; run test-vms/start-docker.sh"
docker info >/dev/null 2>&1 || die "no Docker engine answers; run test-vms/start-docker.sh"

# --- inputs -----------------------------------------------------------------------------
packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$IMAGE_DIR/packages.txt" | sed '/^$/d' | sort -u; }
PACKAGES=$(packages | paste -sd, -)
[[ -n $PACKAGES ]] || die "no packages in $IMAGE_DIR/packages.txt"

# The Debian mirror this machine's apt already uses (deb822 .sources or one-line .list).
debian_mirror() {
  local f uri=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    # first stanza whose Suites contain the plain suite (not -security / -updates)
    uri=$(awk -v suite="$SUITE" '
      BEGIN { RS=""; FS="\n" }
      {
        u=""; s=0
        for (i=1;i<=NF;i++) {
          if ($i ~ /^URIs:/)   { sub(/^URIs:[ \t]*/,"",$i); split($i,a,/[ \t]+/); u=a[1] }
          if ($i ~ /^Suites:/) { n=split($i,b,/[ \t]+/); for (j=2;j<=n;j++) if (b[j]==suite) s=1 }
          if ($i ~ /^Enabled:[ \t]*no/) { s=0 }
        }
        if (s && u!="") { print u; exit }
      }' "$f")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    uri=$(awk -v suite="$SUITE" '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1)==suite) { print $i; exit } }' "$f")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
}
MIRROR=${SEED_DEBIAN_MIRROR:-$(debian_mirror)}
[[ -n $MIRROR ]] || die "no Debian $SUITE mirror found in /etc/apt/sources.list*; set SEED_DEBIAN_MIRROR"

ROOTFS_KEY=$(printf '%s\n' "$SUITE" minbase "$MIRROR" "$PACKAGES" | sha256sum | cut -c1-16)
INPUT_HASH=$( {
    echo "rootfs $ROOTFS_KEY"
    sha256sum "$HERE/build-image.sh"
    (cd "$IMAGE_DIR" && find files -type f -o -type l | LC_ALL=C sort | while read -r p; do
       printf '%s %s ' "$p" "$(stat -c %a "$p")"; sha256sum <"$p"; done)
  } | sha256sum | cut -c1-12)
TAG=$REPO:$INPUT_HASH

if [[ ${SEED_TESTVM_FORCE:-0} != 1 ]] && docker image inspect "$TAG" >/dev/null 2>&1; then
  docker tag "$TAG" "$REPO:latest"
  log "image $TAG exists (inputs unchanged); tagged $REPO:latest"
  echo "$TAG"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || die "building the image needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "debootstrap missing; run test-vms/start-docker.sh"
command -v zstd >/dev/null || die "zstd missing (apt-get install zstd)"

mkdir -p "$CACHE_DIR/debs"
# One build at a time (up.sh and the test run may both call us).
exec 9>"$CACHE_DIR/build.lock"
flock 9
if [[ ${SEED_TESTVM_FORCE:-0} != 1 ]] && docker image inspect "$TAG" >/dev/null 2>&1; then
  docker tag "$TAG" "$REPO:latest"; log "image $TAG was built meanwhile"; echo "$TAG"; exit 0
fi

WORK=$(mktemp -d "$CACHE_DIR/work.XXXXXX")
cleanup() {
  # debootstrap may leave proc/sys mounted when it fails half-way
  local m
  for m in $(awk -v w="$WORK" 'index($2, w)==1 { print $2 }' /proc/mounts | sort -r); do umount -l "$m" || true; done
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

# --- 1. rootfs from Debian packages (cached by package list + mirror) --------------------
ROOTFS_TAR=$CACHE_DIR/testvm-rootfs-$ROOTFS_KEY.tar.zst
if [[ ! -s $ROOTFS_TAR ]]; then
  log "debootstrap $SUITE minbase from $MIRROR (+ ${PACKAGES//,/ }) ..."
  start=$SECONDS
  debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$CACHE_DIR/debs" \
    "$SUITE" "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || {
      tail -n 30 "$WORK/debootstrap.log" >&2
      [[ -f $WORK/rootfs/debootstrap/debootstrap.log ]] && tail -n 30 "$WORK/rootfs/debootstrap/debootstrap.log" >&2
      die "debootstrap failed"
    }
  log "debootstrap done in $((SECONDS - start))s; caching $ROOTFS_TAR"
  # the .debs are kept in $CACHE_DIR/debs already; package lists are not needed either
  rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/*
  tar -C "$WORK/rootfs" --numeric-owner --xattrs -c . | zstd -q -T0 -o "$ROOTFS_TAR.tmp"
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf --one-file-system "$WORK/rootfs"
else
  log "using cached rootfs $ROOTFS_TAR"
fi

# --- 2. customise -----------------------------------------------------------------------
R=$WORK/rootfs
mkdir -p "$R"
zstd -q -d -c "$ROOTFS_TAR" | tar -C "$R" --numeric-owner --xattrs -x

log "customising rootfs"
tar -C "$IMAGE_DIR/files" --owner=0 --group=0 -c . | tar -C "$R" --no-overwrite-dir -x

# machine-id: empty, so systemd makes a new one on each machine's boot.
: >"$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"
ln -s /etc/machine-id "$R/var/lib/dbus/machine-id"

# host keys: none in the image; testvm-ssh-hostkeys.service creates them at first boot.
rm -f "$R"/etc/ssh/ssh_host_*
mkdir -p "$R/etc/systemd/system/ssh.service.requires"
ln -sf /etc/systemd/system/testvm-ssh-hostkeys.service "$R/etc/systemd/system/ssh.service.requires/testvm-ssh-hostkeys.service"

# Units that would touch the kernel all machines share, wait for consoles, or hold ports
# (the etcd package's own etcd.service would take 2379/2380 on every machine).
MASK=(
  systemd-sysctl.service systemd-modules-load.service systemd-firstboot.service
  systemd-remount-fs.service systemd-pstore.service systemd-binfmt.service
  getty@tty1.service console-getty.service getty-static.service serial-getty@.service
  sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount
  sys-fs-fuse-connections.mount dev-hugepages.mount
  proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
  apt-daily.timer apt-daily-upgrade.timer fstrim.timer e2scrub_all.timer e2scrub_reap.service
  etcd.service
)
for u in "${MASK[@]}"; do ln -sfn /dev/null "$R/etc/systemd/system/$u"; done
rm -f "$R/etc/systemd/system/multi-user.target.wants/etcd.service"

# Users: root and admin (sudo), key auth only; keys and the sudo mode come at run time
# (see testvm-entrypoint), never baked in.
chroot "$R" useradd --create-home --shell /bin/bash --groups sudo admin
chroot "$R" usermod -p '*' admin
echo 'admin ALL=(ALL:ALL) NOPASSWD: ALL' >"$R/etc/sudoers.d/admin"
chmod 0440 "$R/etc/sudoers.d/admin"
mkdir -p "$R/etc/testvm"

chroot "$R" apt-get clean
rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/*.bin "$R"/var/log/*.log "$R/debootstrap"
# like Debian's slim images: no man pages, translations or docs (copyright files stay)
rm -rf "$R"/usr/share/man/* "$R"/usr/share/locale/* "$R"/usr/share/info/*
find "$R/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
: >"$R/etc/resolv.conf"   # docker provides it at run time
echo "testvm" >"$R/etc/hostname"
echo 'LANG=C.UTF-8' >"$R/etc/default/locale"   # minbase has no locales; C.UTF-8 is in libc

# --- 3. image ---------------------------------------------------------------------------
log "docker import"
tar -C "$R" --numeric-owner --xattrs -c . | docker import \
  --change 'ENV container=docker' --change 'EXPOSE 22' \
  --change "LABEL io.seedbootstrap.testvm.inputs=$INPUT_HASH" \
  - "$REPO-base:$INPUT_HASH" >/dev/null
# docker import refuses STOPSIGNAL; a one-line offline build adds it (the base is local,
# nothing is pulled). SIGRTMIN+3 makes systemd shut down cleanly on `docker stop`.
if ! out=$(printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\nENTRYPOINT ["/usr/local/sbin/testvm-entrypoint"]\n' "$REPO-base:$INPUT_HASH" \
    | DOCKER_BUILDKIT=0 docker build -q -t "$TAG" - 2>&1); then
  printf '%s\n' "$out" >&2
  die "docker build (adding STOPSIGNAL and ENTRYPOINT) failed"
fi
docker tag "$TAG" "$REPO:latest"
# Drop images of older inputs (those still used by a container stay; docker refuses).
for old in $(docker image ls --format '{{.Repository}}:{{.Tag}}' "$REPO" ; docker image ls --format '{{.Repository}}:{{.Tag}}' "$REPO-base"); do
  case $old in "$TAG" | "$REPO:latest" | "$REPO-base:$INPUT_HASH") ;; *) docker rmi "$old" >/dev/null 2>&1 || true ;; esac
done
docker image prune -f --filter label=io.seedbootstrap.testvm.inputs >/dev/null 2>&1 || true
log "built $TAG (also $REPO:latest), $(docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%d MB", $1/1e6}')"
echo "$TAG"
