package main

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports a long command's advance on stderr, so that stdout
// stays machine-readable: a bar redrawn in place on a terminal; elsewhere
// (a log file, a pipe) plain lines, one per tenth done and one at the end,
// with no \r or escape codes.
type progress struct {
	w        io.Writer
	bar      *progressbar.ProgressBar // nil: plain lines
	what     string
	total    int
	done     int
	reported int // plain lines: the count last printed
}

// newProgress reports on stderr; total is the count that means done.
func newProgress(total int, what string, stderr io.Writer) *progress {
	return newProgressTo(stderr, isTerminal(stderr), total, what)
}

func newProgressTo(w io.Writer, terminal bool, total int, what string) *progress {
	p := &progress{w: w, what: what, total: max(total, 1)}
	if terminal {
		// No OptionClearOnFinish: the bar's last state (10/10) stays on
		// screen, followed by a newline.
		p.bar = progressbar.NewOptions(p.total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("img"),
			progressbar.OptionThrottle(100_000_000),
			progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
		)
	}
	return p
}

// isTerminal tells whether w is a terminal (where a bar can redraw itself).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Describe changes the text before the count.
func (p *progress) Describe(what string) {
	p.what = what
	if p.bar != nil {
		p.bar.Describe(what)
	}
}

// Set records that done of total are done.
func (p *progress) Set(done int) {
	p.done = min(max(done, 0), p.total)
	if p.bar != nil {
		p.bar.Set(p.done)
		return
	}
	if p.done == p.total && p.reported != p.total || p.done*10/p.total > p.reported*10/p.total {
		fmt.Fprintf(p.w, "%s %d/%d\n", p.what, p.done, p.total)
		p.reported = p.done
	}
}

// Finish ends the report where it stands (a command stopped by an error
// does not claim to be done): on a terminal the bar stays, ended by a
// newline.
func (p *progress) Finish() {
	if p.bar != nil && p.done > 0 && !p.bar.IsFinished() {
		p.bar.Exit()
	}
}
