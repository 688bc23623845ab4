#!/bin/sh
# rke2-killall.sh of the RKE2 contract double (a test double, NOT RKE2).
# Like the real script (A.4) it stops everything RKE2 runs on the node. The double runs no
# containers, so "everything" is the rke2 server/agent processes and the etcd they started.
# There are no CNI interfaces, mounts or iptables rules to clean up.
set -u
[ "$(id -u)" -eq 0 ] || { echo "$0 must be run as root" >&2; exit 1; }

RKE2_DATA_DIR=${RKE2_DATA_DIR:-/var/lib/rancher/rke2}

for svc in rke2-server rke2-agent; do
    if systemctl is-active --quiet "$svc.service" 2>/dev/null; then
        systemctl stop "$svc.service"
    fi
done

# leftovers: rke2 processes started by hand, and an etcd whose parent died
pids=""
for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = "$$" ] && continue
    cmd=$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null) || continue
    case "$cmd" in
        # the double's bin/rke2 is a python3 program: match the interpreter running it only
        *python3*"/rke2 server"*|*python3*"/rke2 agent"*) pids="$pids $pid" ;;
        etcd\ *"$RKE2_DATA_DIR/server/db"*) pids="$pids $pid" ;;
    esac
done
if [ -n "$pids" ]; then
    kill -TERM $pids 2>/dev/null
    i=0
    while [ $i -lt 50 ]; do
        alive=""
        for pid in $pids; do [ -d "/proc/$pid" ] && alive="$alive $pid"; done
        [ -z "$alive" ] && break
        sleep 0.2; i=$((i + 1))
    done
    [ -n "${alive:-}" ] && kill -KILL $alive 2>/dev/null
fi
rm -f "$RKE2_DATA_DIR/server/db/double-etcd.pid"
exit 0
