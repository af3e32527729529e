package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// longDecimal is a number printed with more digits than anyone typed: a
// float32 default shown as float64 (0.05000000074505806).
var longDecimal = regexp.MustCompile(`[0-9]\.[0-9]{7,}`)

func TestHelpPrintsDefaultsAsTyped(t *testing.T) {
	cmds := [][]string{{"bench", "kernels"}, {"bench", "model"}}
	for _, c := range commands() {
		if c.name != "bench" {
			cmds = append(cmds, []string{c.name})
		}
	}
	for _, args := range cmds {
		code, stdout, stderr := runCLI(append(args, "--help")...)
		help := stdout + stderr
		if code != 0 || !strings.Contains(help, "Usage") && !strings.Contains(help, "usage") {
			t.Errorf("retina %v --help: exit %d, %q", args, code, help)
		}
		if m := longDecimal.FindString(help); m != "" {
			t.Errorf("retina %v --help prints %s", args, m)
		}
	}
	_, _, help := runCLI("eval", "--help")
	if !strings.Contains(help, "(default 0.05)") {
		t.Errorf("eval --help does not show the score threshold's default 0.05:\n%s", help)
	}
}

func TestCountAgreesWithItsNoun(t *testing.T) {
	for n, want := range map[int]string{0: "0 detections", 1: "1 detection", 2: "2 detections"} {
		if got := count(n, "detection", "detections"); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
	img := filepath.Join("..", "..", "testdata", "images", "shapes.jpg")
	code, stdout, stderr := runCLI("detect", "--max-detections", "1", img)
	if code != 0 || !strings.Contains(stdout, ": 1 detection\n") {
		t.Errorf("detect --max-detections 1: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
