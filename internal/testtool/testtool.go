// Package testtool finds the external programs a few tests run for real
// (ffmpeg as an IP camera, chromium for the preview page, mosquitto as the
// MQTT broker, promtool). Under -short those tests skip, so that
// `go test -short ./...` needs Go alone; otherwise a missing program fails
// the test with what to install: `make test` installs them all.
package testtool

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// sbinDirs hold daemons (mosquitto) that a user's PATH may lack.
var sbinDirs = []string{"/usr/sbin", "/usr/local/sbin", "/sbin"}

// Need returns the path of program name, which Debian's package pkg
// installs. Under -short it skips the test; when the program is missing it
// fails the test saying what to install.
func Need(t testing.TB, name, pkg string) string {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: skipped, this test runs %s", name)
	}
	if bin, err := exec.LookPath(name); err == nil {
		return bin
	}
	for _, dir := range sbinDirs {
		if bin, err := exec.LookPath(filepath.Join(dir, name)); err == nil {
			return bin
		}
	}
	t.Fatalf("%s not found: this test runs it; install it with `make test` (installs every test tool) or apt-get install %s", name, pkg)
	return ""
}
