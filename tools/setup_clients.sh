#!/usr/bin/env bash
# Installs the client toolchains the compat suite drives (called by `make test`):
#   - Go gRPC: Debian's Go toolchain, protoc and its Go plugins, and the Go gRPC/protobuf libraries
#     (the official Go client module cannot be fetched here; compat_tests/go builds stubs from proto/
#     against /usr/share/gocode, offline). The 1.5 protobuf lib: the older one panics
#     ("protobuf tag not enough fields").
#   - JavaScript: @qdrant/js-client-rest and js-client-grpc from compat_tests/js/package-lock.json.
# Fails loudly (non-zero exit) when something cannot be installed: the client tests never skip.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(golang-go golang-google-grpc-dev golang-github-golang-protobuf-1-5-dev golang-google-protobuf-dev
              protoc-gen-go protoc-gen-go-grpc protobuf-compiler)
command -v node >/dev/null && command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)
command -v curl >/dev/null || APT_PACKAGES+=(curl)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "setup_clients: missing Debian packages ${missing[*]} and not root: install them first" >&2
        exit 1
    fi
    echo "setup_clients: apt-get install ${missing[*]}" >&2
    # other installs on a shared machine may hold the dpkg lock for a while: wait, do not fail at once
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi
for tool in go protoc protoc-gen-go protoc-gen-go-grpc node npm curl; do
    command -v "$tool" >/dev/null || { echo "setup_clients: $tool not found after install" >&2; exit 1; }
done

node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 18)); then
    echo "setup_clients: Node $(node --version) is too old (the pinned JS clients need >= 18.17)" >&2
    exit 1
fi

# npm ci only when the lock file changed since the last install (it deletes node_modules first)
js=compat_tests/js
if ! cmp -s "$js/package-lock.json" "$js/node_modules/.quiver-lock" 2>/dev/null; then
    (cd "$js" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$js/package-lock.json" "$js/node_modules/.quiver-lock"
fi
