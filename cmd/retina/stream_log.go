package main

import (
	"fmt"
	"io"
	"sync"
)

// logLines prints "retina stream: " lines to w, one whole line at a time,
// from any goroutine (the camera's, the snapshot writer's, the pipeline's).
func logLines(w io.Writer) func(format string, args ...any) {
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "retina stream: "+format+"\n", args...)
	}
}
