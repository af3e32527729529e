package testtool

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNeedMissingProgram runs Need for a program that does not exist in a
// child test process, with and without -short.
func TestNeedMissingProgram(t *testing.T) {
	if os.Getenv("TESTTOOL_CHILD") == "1" {
		Need(t, "no-such-program-retina", "retina-imaginary")
		t.Log("reached after Need")
		return
	}
	for _, c := range []struct {
		short bool
		want  string
	}{
		{true, "-short: skipped, this test runs no-such-program-retina"},
		{false, "no-such-program-retina not found: this test runs it; install it with `make test`"},
	} {
		args := []string{"-test.run=^TestNeedMissingProgram$", "-test.v"}
		if c.short {
			args = append(args, "-test.short")
		}
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "TESTTOOL_CHILD=1")
		out, err := cmd.CombinedOutput()
		if !strings.Contains(string(out), c.want) || strings.Contains(string(out), "reached after Need") {
			t.Errorf("short=%v: output %s lacks %q or went on", c.short, out, c.want)
		}
		if failed := err != nil; failed == c.short {
			t.Errorf("short=%v: exit error %v", c.short, err)
		}
	}
}

func TestNeedFindsAProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("Need skips under -short")
	}
	if bin := Need(t, "sh", "dash"); !strings.HasSuffix(bin, "/sh") {
		t.Errorf("Need(sh) = %q", bin)
	}
}
