#!/bin/sh
# install.sh of the RKE2 contract double (a test double, NOT RKE2; written for seed-bootstrap).
# make-artifacts.sh ships RKE2's own install.sh instead whenever ../shared/upstream is beside the
# repository; this one is the stand-in without it (README.md "Which install.sh"). It follows
# upstream's artifact-path tarball mode (A.2) and nothing else: there is no download, channel or
# RPM support, because the double is only ever installed offline.
#
#   INSTALL_RKE2_ARTIFACT_PATH=/root/rke2-artifacts sh install.sh
#   INSTALL_RKE2_ARTIFACT_PATH=/root/rke2-artifacts INSTALL_RKE2_TYPE=agent sh install.sh
#
# Env (A.2): INSTALL_RKE2_ARTIFACT_PATH (required here), INSTALL_RKE2_TYPE / INSTALL_RKE2_EXEC
# (server|agent), INSTALL_RKE2_TAR_PREFIX (default /usr/local, /opt/rke2 if /usr/local is
# read-only or a mount point), INSTALL_RKE2_AGENT_IMAGES_DIR, INSTALL_RKE2_METHOD (only tar),
# INSTALL_RKE2_SKIP_RELOAD, INSTALL_RKE2_SKIP_FAPOLICY, INSTALL_RKE2_SKIP_RESTORECON, DEBUG=1.
# Like the real script it does not enable or start the service (A.2 step 10).
set -e
[ -n "${DEBUG:-}" ] && set -x

info()  { echo "[INFO]  $*"; }
warn()  { echo "[WARN]  $*" >&2; }
fatal() { echo "[ERROR] $*" >&2; exit 1; }

setup_env() {
    # A.2 step 1: root only; /etc/os-release is sourced
    [ "$(id -u)" -eq 0 ] || fatal "You need to be root to perform this install"
    [ -r /etc/os-release ] && . /etc/os-release
    INSTALL_RKE2_TYPE=${INSTALL_RKE2_TYPE:-${INSTALL_RKE2_EXEC:-server}}
    case "$INSTALL_RKE2_TYPE" in server|agent) ;; *) fatal "invalid INSTALL_RKE2_TYPE $INSTALL_RKE2_TYPE (server or agent)" ;; esac
    [ -n "${INSTALL_RKE2_ARTIFACT_PATH:-}" ] || \
        fatal "the RKE2 contract double installs only from INSTALL_RKE2_ARTIFACT_PATH (no downloads)"
    [ -d "$INSTALL_RKE2_ARTIFACT_PATH" ] || fatal "INSTALL_RKE2_ARTIFACT_PATH $INSTALL_RKE2_ARTIFACT_PATH is not a directory"
    case "${INSTALL_RKE2_METHOD:-tar}" in
        rpm|yum|dnf) fatal "INSTALL_RKE2_METHOD=$INSTALL_RKE2_METHOD: the RKE2 contract double has no RPMs" ;;
    esac
    if [ -z "${INSTALL_RKE2_TAR_PREFIX:-}" ]; then
        INSTALL_RKE2_TAR_PREFIX=/usr/local
        if ! touch /usr/local/.rke2-ro-test 2>/dev/null || mountpoint -q /usr/local 2>/dev/null; then
            INSTALL_RKE2_TAR_PREFIX=/opt/rke2
        fi
        rm -f /usr/local/.rke2-ro-test 2>/dev/null || true
    fi
    INSTALL_RKE2_AGENT_IMAGES_DIR=${INSTALL_RKE2_AGENT_IMAGES_DIR:-/var/lib/rancher/rke2/agent/images}
}

setup_arch() {
    case "${ARCH:-$(uname -m)}" in
        amd64|x86_64) ARCH=amd64 ;;
        arm64|aarch64) ARCH=arm64 ;;
        s390x) ARCH=s390x ;;
        *) fatal "unsupported architecture ${ARCH:-$(uname -m)}" ;;
    esac
    SUFFIX="linux-$ARCH"
}

check_method_conflict() {
    # A.2 step 2: refuse when the RPM install is present
    if command -v rpm >/dev/null 2>&1 && rpm -q rke2-common >/dev/null 2>&1; then
        fatal "Cannot perform tar install on host with existing RKE2 RPMs, please uninstall the RPMs first"
    fi
}

stage_local_checksums() {
    # A.2 step 3
    info "staging local checksums from $INSTALL_RKE2_ARTIFACT_PATH/sha256sum-$ARCH.txt"
    [ -f "$INSTALL_RKE2_ARTIFACT_PATH/sha256sum-$ARCH.txt" ] || fatal "sha256sum-$ARCH.txt not found in $INSTALL_RKE2_ARTIFACT_PATH"
    cp -f "$INSTALL_RKE2_ARTIFACT_PATH/sha256sum-$ARCH.txt" "$TMP_CHECKSUMS"
    TARBALL_CHECKSUM_EXPECTED=$(grep "rke2.$SUFFIX.tar.gz" "$TMP_CHECKSUMS" | awk '{print $1}')
    AIRGAP_CHECKSUM_EXPECTED=""
    if [ -f "$INSTALL_RKE2_ARTIFACT_PATH/rke2-images.$SUFFIX.tar.zst" ]; then
        AIRGAP_NAME="rke2-images.$SUFFIX.tar.zst"
    elif [ -f "$INSTALL_RKE2_ARTIFACT_PATH/rke2-images.$SUFFIX.tar.gz" ]; then
        AIRGAP_NAME="rke2-images.$SUFFIX.tar.gz"
    else
        AIRGAP_NAME=""
    fi
    if [ -n "$AIRGAP_NAME" ]; then
        AIRGAP_CHECKSUM_EXPECTED=$(grep "$AIRGAP_NAME" "$TMP_CHECKSUMS" | awk '{print $1}')
    fi
}

stage_local_airgap_tarball() {
    # A.2 step 4
    [ -n "$AIRGAP_CHECKSUM_EXPECTED" ] || return 0
    info "staging local airgap image tarball $AIRGAP_NAME"
    cp -f "$INSTALL_RKE2_ARTIFACT_PATH/$AIRGAP_NAME" "$TMP_AIRGAP"
}

verify_airgap_tarball() {
    # A.2 step 5 (skipped when there is no full rke2-images tarball: the split-archive gotcha)
    [ -n "$AIRGAP_CHECKSUM_EXPECTED" ] || return 0
    info "verifying airgap tarball"
    got=$(sha256sum "$TMP_AIRGAP" | awk '{print $1}')
    [ "$got" = "$AIRGAP_CHECKSUM_EXPECTED" ] || fatal "download sha256 does not match $AIRGAP_CHECKSUM_EXPECTED, got $got"
}

install_airgap_tarball() {
    # A.2 step 6: zst is moved as is, gz is decompressed; then every rke2-images-*.SUFFIX* file
    # is copied WITHOUT checksum verification. All of it only when the full tarball exists.
    [ -n "$AIRGAP_CHECKSUM_EXPECTED" ] || return 0
    mkdir -p "$INSTALL_RKE2_AGENT_IMAGES_DIR"
    case "$AIRGAP_NAME" in
        *.zst) info "installing airgap tarball to $INSTALL_RKE2_AGENT_IMAGES_DIR"
               mv -f "$TMP_AIRGAP" "$INSTALL_RKE2_AGENT_IMAGES_DIR/rke2-images.$SUFFIX.tar.zst" ;;
        *.gz)  info "decompressing airgap tarball to $INSTALL_RKE2_AGENT_IMAGES_DIR"
               gzip -dc "$TMP_AIRGAP" > "$INSTALL_RKE2_AGENT_IMAGES_DIR/rke2-images.$SUFFIX.tar" ;;
    esac
    for f in "$INSTALL_RKE2_ARTIFACT_PATH"/rke2-images-*."$SUFFIX"*; do
        [ -f "$f" ] || continue
        info "installing $(basename "$f") to $INSTALL_RKE2_AGENT_IMAGES_DIR"
        cp -f "$f" "$INSTALL_RKE2_AGENT_IMAGES_DIR/"
    done
}

verify_tarball() {
    # A.2 step 7
    info "verifying tarball"
    [ -n "$TARBALL_CHECKSUM_EXPECTED" ] || fatal "no checksum for rke2.$SUFFIX.tar.gz in sha256sum-$ARCH.txt"
    cp -f "$INSTALL_RKE2_ARTIFACT_PATH/rke2.$SUFFIX.tar.gz" "$TMP_TARBALL"
    got=$(sha256sum "$TMP_TARBALL" | awk '{print $1}')
    [ "$got" = "$TARBALL_CHECKSUM_EXPECTED" ] || fatal "download sha256 does not match $TARBALL_CHECKSUM_EXPECTED, got $got"
}

unpack_tarball() {
    # A.2 step 8
    info "unpacking tarball file to $INSTALL_RKE2_TAR_PREFIX"
    mkdir -p "$INSTALL_RKE2_TAR_PREFIX"
    tar xzf "$TMP_TARBALL" -C "$INSTALL_RKE2_TAR_PREFIX"
    if [ "$INSTALL_RKE2_TAR_PREFIX" != "/usr/local" ]; then
        # as upstream's unpack_tarball (install.sh:384-390): the first /usr/local of each line of the
        # units and the uninstall script, then only the units move; their .env files stay
        info "updating tarball contents to reflect install path"
        sed -i "s|/usr/local|$INSTALL_RKE2_TAR_PREFIX|" "$INSTALL_RKE2_TAR_PREFIX"/lib/systemd/system/rke2-*.service \
            "$INSTALL_RKE2_TAR_PREFIX/bin/rke2-uninstall.sh"
        info "moving systemd units to /etc/systemd/system"
        mv -f "$INSTALL_RKE2_TAR_PREFIX"/lib/systemd/system/rke2-*.service /etc/systemd/system/
        info "install complete; you may want to run:  export PATH=\$PATH:$INSTALL_RKE2_TAR_PREFIX/bin"
    fi
}

reload_units() {
    # A.2 step 9 (no SELinux/fapolicyd in the double)
    if [ -z "${INSTALL_RKE2_SKIP_RELOAD:-}" ] && command -v systemctl >/dev/null 2>&1; then
        systemctl daemon-reload
    fi
}

do_install() {
    setup_env
    setup_arch
    check_method_conflict
    TMP_DIR=$(mktemp -d -t rke2-install.XXXXXXXXXX)
    trap 'rm -rf "$TMP_DIR"' EXIT
    TMP_CHECKSUMS=$TMP_DIR/rke2.checksums
    TMP_TARBALL=$TMP_DIR/rke2.tarball
    TMP_AIRGAP=$TMP_DIR/rke2-images.tarball
    stage_local_checksums
    stage_local_airgap_tarball
    verify_airgap_tarball
    install_airgap_tarball
    verify_tarball
    unpack_tarball
    reload_units
    info "the RKE2 contract double ($INSTALL_RKE2_TYPE) is installed; start it with: systemctl enable --now rke2-$INSTALL_RKE2_TYPE.service"
}

do_install
exit 0
