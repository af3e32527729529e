.PHONY: test release qemu-detect clean-dist

# The README's test command: installs the Debian packages of the programs
# some tests run (ffmpeg, chromium, mosquitto, qemu-user, prometheus,
# python3-torch) when
# missing, then runs every test. go test -short ./... needs Go alone.
test:
	scripts/install-test-tools.sh
	go test ./...

# Release builds: static, stripped binaries for the Raspberry Pi and amd64.
release:
	scripts/release.sh

# Cross-checks arm64 (cortex-a72, cortex-a76) and armv7 detections under qemu against amd64.
qemu-detect:
	scripts/qemu-detect.sh

clean-dist:
	rm -rf dist
