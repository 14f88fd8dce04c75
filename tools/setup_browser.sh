#!/usr/bin/env bash
# Headless Chromium and its WebDriver from Debian's packages, for the dashboard's browser tests
# (compat_tests/test_compat_dashboard.py). No browser is downloaded by selenium or anything else.
# Run as root (CI is); a no-op when both binaries are already installed. Fails loudly otherwise.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have chromium && have chromedriver; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "setup_browser: chromium/chromedriver missing and not root: run 'sudo bash tools/setup_browser.sh'" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
started=$(date +%s)
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core
for bin in chromium chromedriver; do
    have "$bin" || { echo "setup_browser: $bin still missing after apt-get install" >&2; exit 1; }
done
echo "setup_browser: $(chromium --version) installed in $(( $(date +%s) - started ))s"
