package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, stdout, stderr := runCLI(args...)
		if code != 0 || !strings.HasPrefix(stdout, "retina dev ("+runtime.Version()+", "+runtime.GOOS+"/"+runtime.GOARCH+", ") || stderr != "" {
			t.Errorf("retina %v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	expectFailure(t, 2, []string{"unexpected argument"}, "version", "now")
}

// The flag scripts/release.sh passes to the linker sets the version that
// --version prints.
func TestVersionFromLinker(t *testing.T) {
	script, err := os.ReadFile("../../scripts/release.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "-X main.version=$version") {
		t.Fatal("scripts/release.sh no longer sets main.version")
	}
	bin := filepath.Join(t.TempDir(), "retina")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath",
		"-ldflags", "-s -w -X main.version=v9.8.7-test", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "retina v9.8.7-test (") {
		t.Fatalf("--version printed %q (%v)", out, err)
	}
}
