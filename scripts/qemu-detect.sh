#!/bin/sh
# Builds the release binaries and checks that the arm64 one (under
# qemu-aarch64 as a Cortex-A72 and a Cortex-A76) and the armv7 one (under
# qemu-arm) detect what the amd64 one detects on the same image. The kernel
# tiers differ (amd64 AVX2/AVX-512, arm64 NEON, armv7 pure Go) and sum in
# other orders, so outputs are first compared byte for byte and, if they
# differ, within float noise by scripts/compare-detections.py (same count,
# same classes, scores within 1e-4, IoU >= 0.999). Exits 1 on a real mismatch.
set -eu
cd "$(dirname "$0")/.."
command -v qemu-aarch64 >/dev/null || { echo "qemu-detect.sh: qemu-aarch64 not found (apt-get install qemu-user)" >&2; exit 1; }
command -v qemu-arm >/dev/null || { echo "qemu-detect.sh: qemu-arm not found (apt-get install qemu-user)" >&2; exit 1; }
scripts/release.sh arm64 armv7 amd64
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
set -- detect --json --score-threshold 0.05 --model testdata/golden/basic_v1.safetensors --min-size 96 --max-size 160 testdata/images/astronaut.jpg
dist/retina-linux-amd64 "$@" >"$out/amd64.jsonl"
qemu-aarch64 -cpu cortex-a72 dist/retina-linux-arm64 "$@" >"$out/a72.jsonl"
qemu-aarch64 -cpu cortex-a76 dist/retina-linux-arm64 "$@" >"$out/a76.jsonl"
qemu-arm dist/retina-linux-armv7 "$@" >"$out/armv7.jsonl"
status=0
for run in a72 a76 armv7; do
	if cmp -s "$out/amd64.jsonl" "$out/$run.jsonl"; then
		echo "$run: byte-identical to amd64"
	else
		echo "$run: differs from amd64 byte-wise; comparing within float noise"
		/usr/bin/python3 scripts/compare-detections.py "$out/amd64.jsonl" "$out/$run.jsonl" || status=1
	fi
done
exit $status
