#!/usr/bin/env bash
# Debian's nats-server (JetStream) for cluster mode's tests and `make cluster` (README "Cluster").
# `make run` never needs it: a single node imports nothing from NATS. Run as root (CI is); a no-op when
# nats-server is already on the PATH. Fails loudly otherwise (the cluster tests never skip in CI).
set -euo pipefail

if command -v nats-server >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "setup_nats: nats-server missing and not root: run 'sudo bash tools/setup_nats.sh'" \
         "(or apt-get install nats-server)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
started=$(date +%s)
# other installs on a shared machine may hold the dpkg lock for a while: wait, do not fail at once
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends nats-server
command -v nats-server >/dev/null || { echo "setup_nats: nats-server still missing after apt-get" >&2; exit 1; }
echo "setup_nats: $(nats-server --version) installed in $(( $(date +%s) - started ))s"
