package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestProgressPlainLinesWhenNotATerminal(t *testing.T) {
	for _, total := range []int{10, 20, 7} {
		var buf bytes.Buffer
		p := newProgressTo(&buf, false, total, "calibrating")
		for i := 1; i <= total; i++ {
			p.Set(i)
		}
		p.Finish()
		out := buf.String()
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if strings.ContainsAny(out, "\r\x1b") || len(lines) > 10 || lines[len(lines)-1] != fmt.Sprintf("calibrating %d/%d", total, total) {
			t.Errorf("total %d: %q", total, out)
		}
	}
}

func TestProgressBarEndsAtTotalOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressTo(&buf, true, 10, "calibrating")
	for i := 1; i <= 10; i++ {
		p.Set(i)
	}
	p.Finish()
	out := buf.String()
	last := out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\r")+1:]
	if !strings.Contains(last, "10/10") || !strings.HasSuffix(out, "\n") {
		t.Errorf("the bar's last state %q (of %q) is not 10/10 and a newline", last, out)
	}
	buf.Reset()
	p = newProgressTo(&buf, true, 10, "stopped")
	p.Set(4)
	p.Finish()
	if out := buf.String(); strings.Contains(out, "10/10") || !strings.Contains(out, "4/10") || !strings.HasSuffix(out, "\n") {
		t.Errorf("a bar stopped at 4 shows %q", out)
	}
}

func TestProgressInALog(t *testing.T) {
	code, _, stderr := runCLI("synth", "--out", filepath.Join(t.TempDir(), "d"), "--n", "10", "--size", "64")
	if code != 0 || strings.ContainsAny(stderr, "\r\x1b") || !strings.HasSuffix(stderr, "10/10\n") {
		t.Errorf("synth into a buffer: exit %d, stderr %q", code, stderr)
	}
}
