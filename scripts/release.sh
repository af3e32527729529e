#!/bin/sh
# Builds static, stripped retina binaries for the Raspberry Pi (linux/arm64,
# linux/arm GOARM=7) and linux/amd64 into dist/, and prints their sizes.
# Usage: scripts/release.sh [TARGET...]   TARGET: arm64, armv7, amd64 (default: all)
set -eu
cd "$(dirname "$0")/.."
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
targets=${*:-arm64 armv7 amd64}
mkdir -p dist
for t in $targets; do
	case $t in
	arm64) goarch=arm64 goarm= out=dist/retina-linux-arm64 ;;
	armv7) goarch=arm goarm=7 out=dist/retina-linux-armv7 ;;
	amd64) goarch=amd64 goarm= out=dist/retina-linux-amd64 ;;
	*) echo "release.sh: unknown target '$t' (want arm64, armv7 or amd64)" >&2; exit 2 ;;
	esac
	# main.version is set when cmd/retina declares it; the linker ignores it otherwise.
	CGO_ENABLED=0 GOOS=linux GOARCH=$goarch GOARM=$goarm \
		go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$out" ./cmd/retina
	printf '%-26s %9d bytes  %5.1f MiB  (%s)\n' "$out" "$(stat -c %s "$out")" \
		"$(stat -c %s "$out" | awk "{print \$1/1048576}")" "$version"
done
