#!/usr/bin/env bash
# The project's test command (README "Tests"; CI runs it through .ci/run).
# Unit and command tests run under surefire; *IT integration tests run under failsafe against
# local test machines (real systemd + OpenSSH in containers), so the Docker engine is started
# and the test machine image built first. Both steps are idempotent and fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test-vms/start-docker.sh
# BundlePushIT runs Debian's registry server on loopback (bundle create --download images, bundle push)
command -v docker-registry >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry; }
# AgentAuthIT and AgentKeysTest run a real ssh-agent and ssh-add (Debian: openssh-client)
command -v ssh-agent >/dev/null && command -v ssh-add >/dev/null \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client; }
bash test-vms/build-image.sh
exec mvn -B verify "$@"
