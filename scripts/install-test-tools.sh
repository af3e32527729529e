#!/bin/sh
# Installs the Debian packages of the programs some tests run for real, when
# they are missing (make test runs this before go test ./...): ffmpeg (an IP
# camera), chromium (the preview page), mosquitto and its clients (the MQTT
# broker), qemu-user (the arm64 runs of .ci/run), prometheus (promtool
# checks the /metrics page) and Debian's PyTorch (a backbone's features
# against torchvision's). go test -short ./... needs none of them.
set -eu

missing=""
need() { # need PROGRAM PACKAGE
	if ! command -v "$1" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$1" ]; then
		case " $missing " in *" $2 "*) ;; *) missing="$missing $2" ;; esac
	fi
}
need ffmpeg ffmpeg
need chromium chromium
need mosquitto mosquitto
need mosquitto_pub mosquitto-clients
need qemu-aarch64 qemu-user
need promtool prometheus
# Debian's python3 with its PyTorch (a pyenv python3 on PATH may lack it).
if ! /usr/bin/python3 -c 'import torch, torchvision' >/dev/null 2>&1; then
	missing="$missing python3-torch python3-torchvision"
fi

[ -z "$missing" ] && exit 0
echo "installing the test tools' Debian packages:$missing"
if ! command -v apt-get >/dev/null 2>&1; then
	echo "make test: apt-get not found: install$missing by hand, or run go test -short ./... (Go alone)" >&2
	exit 1
fi
if [ "$(id -u)" = 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1; then
	as_root="sudo"
else
	echo "make test: installing$missing needs root: run make test as root, install sudo, or apt-get install$missing as root (go test -short ./... needs none of them)" >&2
	exit 1
fi
# $missing is a space-separated list of package names: split on purpose.
# shellcheck disable=SC2086
if ! $as_root apt-get update -qq || ! $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null; then
	echo "make test: apt-get could not install$missing (see above)" >&2
	exit 1
fi
