package main

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

// helperEnv makes the test binary act as the retina command (see
// TestRetinaHelperProcess), so that a test can run, signal and kill a real
// process.
const helperEnv = "RETINA_TEST_HELPER"

// TestRetinaHelperProcess is not a test: run by retinaCommand with
// helperEnv set, it runs the command line after "--" and exits.
func TestRetinaHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for the tests that run retina as a child process")
	}
	i := slices.Index(os.Args, "--")
	os.Exit(run(os.Args[i+1:], os.Stdout, os.Stderr))
}

// retinaCommand is `retina args...` as a child process: the test binary
// running main's run.
func retinaCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, append([]string{"-test.run=^TestRetinaHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	return cmd
}
