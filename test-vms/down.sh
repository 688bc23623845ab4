#!/usr/bin/env bash
# Remove the test machines and the network that up.sh created. Idempotent.
#
#   bash test-vms/down.sh [--dir DIR] [--name-prefix P]
#
# Finds the machines by DIR/machines.env (default test-vms/.run) or, without it, by the
# label up.sh puts on them (prefix default vm). Leaves DIR's files in place.
set -euo pipefail

log() { printf 'down: %s\n' "$*" >&2; }
die() { printf 'down: ERROR: %s\n' "$*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=$HERE/.run PREFIX=""
while (($#)); do
  case $1 in
    --dir) DIR=${2:?}; shift 2 ;;
    --name-prefix) PREFIX=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
docker info >/dev/null 2>&1 || die "no Docker engine answers"

if [[ -z $PREFIX && -f $DIR/machines.env ]]; then
  PREFIX=$(sed -n 's/^TESTVM_PREFIX=//p' "$DIR/machines.env")
fi
PREFIX=${PREFIX:-vm}
LABEL=io.seedbootstrap.testvm.prefix=$PREFIX

ids=$(docker ps -aq --filter "label=$LABEL")
if [[ -n $ids ]]; then
  # docker stop sends SIGRTMIN+3: systemd shuts down cleanly
  # shellcheck disable=SC2086
  docker rm -f $ids >/dev/null
  log "removed $(wc -w <<<"$ids") machine(s) with prefix '$PREFIX'"
fi
nets=$(docker network ls -q --filter "label=$LABEL")
if [[ -n $nets ]]; then
  # shellcheck disable=SC2086
  docker network rm $nets >/dev/null
  log "removed network seed-testvm-$PREFIX"
fi
[[ -n $ids || -n $nets ]] || log "nothing to remove for prefix '$PREFIX'"
