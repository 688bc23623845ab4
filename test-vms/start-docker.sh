#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine, installing and starting it if needed.
# Safe to call repeatedly: does nothing when `docker info` already works.
#
# Env:
#   SEED_DOCKER_LOG      dockerd log file          (default /var/log/seed-bootstrap-dockerd.log)
#   SEED_DOCKER_PIDFILE  dockerd pid file          (default /var/run/seed-bootstrap-dockerd.pid)
#   SEED_DOCKER_TIMEOUT  seconds to wait for it    (default 60)
set -euo pipefail

log() { printf 'start-docker: %s\n' "$*" >&2; }
die() { printf 'start-docker: ERROR: %s\n' "$*" >&2; exit 1; }

DOCKER_LOG=${SEED_DOCKER_LOG:-/var/log/seed-bootstrap-dockerd.log}
DOCKER_PIDFILE=${SEED_DOCKER_PIDFILE:-/var/run/seed-bootstrap-dockerd.pid}
TIMEOUT=${SEED_DOCKER_TIMEOUT:-60}

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v docker >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
command -v ssh-keygen >/dev/null 2>&1 || need_pkgs+=(openssh-client)
command -v ssh >/dev/null 2>&1 || need_pkgs+=(openssh-client)

if ((${#need_pkgs[@]})); then
  [[ $(id -u) -eq 0 ]] || die "missing ${need_pkgs[*]} and not root; install them with apt-get"
  # de-duplicate
  mapfile -t need_pkgs < <(printf '%s\n' "${need_pkgs[@]}" | sort -u)
  log "installing ${need_pkgs[*]} (apt-get update first)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2 \
    || die "apt-get install ${need_pkgs[*]} failed"
fi

if docker info >/dev/null 2>&1; then
  log "docker engine already running"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || die "docker engine not reachable and not root, cannot start dockerd"

# A pidfile left by a dockerd that died would make the new one refuse to start.
if [[ -f $DOCKER_PIDFILE ]]; then
  oldpid=$(cat "$DOCKER_PIDFILE" 2>/dev/null || true)
  if [[ -n $oldpid ]] && kill -0 "$oldpid" 2>/dev/null; then
    log "dockerd (pid $oldpid) exists but does not answer yet; waiting for it"
  else
    rm -f "$DOCKER_PIDFILE"
  fi
fi

if [[ ! -f $DOCKER_PIDFILE ]]; then
  log "starting dockerd (log: $DOCKER_LOG)"
  mkdir -p "$(dirname "$DOCKER_LOG")" "$(dirname "$DOCKER_PIDFILE")"
  # setsid: dockerd must outlive the calling shell and not get its signals.
  setsid dockerd --pidfile "$DOCKER_PIDFILE" >>"$DOCKER_LOG" 2>&1 </dev/null &
  disown || true
fi

deadline=$((SECONDS + TIMEOUT))
until docker info >/dev/null 2>&1; do
  if ((SECONDS >= deadline)); then
    log "last lines of $DOCKER_LOG:"
    tail -n 20 "$DOCKER_LOG" >&2 || true
    die "docker engine did not answer within ${TIMEOUT}s"
  fi
  sleep 0.5
done
log "docker engine up ($(docker info --format '{{.ServerVersion}} {{.Driver}} cgroup {{.CgroupVersion}}' 2>/dev/null))"
