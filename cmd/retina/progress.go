package main

import (
	"io"

	"github.com/schollz/progressbar/v3"
)

// newProgress is the progress bar of long commands, drawn on stderr so
// that stdout stays machine-readable.
func newProgress(total int, what string, stderr io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("img"),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionOnCompletion(func() { io.WriteString(stderr, "\n") }),
		progressbar.OptionClearOnFinish(),
	)
}
