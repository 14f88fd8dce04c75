#!/usr/bin/env bash
# Builds a Go program (all .go files of SRC_DIR, package main) against gRPC stubs generated from the
# repository's proto/ files. Offline: GOPATH mode over Debian's /usr/share/gocode (golang-google-grpc-dev,
# golang-google-protobuf-dev, golang-github-golang-protobuf-1-5-dev), no module proxy. The program
# imports the stubs as "quiver/qdrant".  Usage: compat_tests/go/build.sh SRC_DIR OUT_BINARY
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
src=$(cd "$1" && pwd)
out=$(realpath -m "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/quiver/qdrant" "$work/src/quiver/program"
mapping=""
for proto in "$repo"/proto/*.proto; do mapping+=",M$(basename "$proto")=quiver/qdrant"; done
mapping=${mapping#,}
protoc -I "$repo/proto" --go_out="$work/src" --go_opt="$mapping" \
    --go-grpc_out="$work/src" --go-grpc_opt="$mapping" "$repo"/proto/*.proto 2>"$work/protoc.log" \
    || { cat "$work/protoc.log" >&2; exit 1; }
cp "$src"/*.go "$work/src/quiver/program/"
export GO111MODULE=off GOPROXY=off GOFLAGS="" GOPATH="$work:/usr/share/gocode"
export GOCACHE="${GOCACHE:-${HOME:-/tmp}/.cache/go-build}"
cd "$work/src/quiver/program" && go build -trimpath -o "$out" .
