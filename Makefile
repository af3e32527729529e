# Release builds: static, stripped binaries for the Raspberry Pi and amd64.
.PHONY: release qemu-detect clean-dist

release:
	scripts/release.sh

# Cross-checks arm64 (cortex-a72, cortex-a76) and armv7 detections under qemu against amd64.
qemu-detect:
	scripts/qemu-detect.sh

clean-dist:
	rm -rf dist
