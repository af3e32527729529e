package main

import (
	"bufio"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// streamProcess is a running `retina stream --http ...` child process.
type streamProcess struct {
	cmd     *exec.Cmd
	addr    string // the preview server's host:port
	mu      sync.Mutex
	stdout  strings.Builder
	stderr  strings.Builder
	done    chan struct{} // closed when stderr is fully read
	outDone chan struct{} // closed when stdout is fully read
}

var previewLine = regexp.MustCompile(`preview on http://(\S+)/`)

// startStreamProcess runs `retina stream args...` and waits until its
// preview server listens.
func startStreamProcess(t *testing.T, args ...string) *streamProcess {
	t.Helper()
	p := &streamProcess{done: make(chan struct{}), outDone: make(chan struct{})}
	p.cmd = retinaCommand(t, append([]string{"stream"}, args...)...)
	outPipe, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	go func() {
		defer close(p.outDone)
		sc := bufio.NewScanner(outPipe)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.stdout.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		io.Copy(io.Discard, outPipe)
	}()
	found := make(chan string, 1)
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := previewLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, errPipe)
	}()
	select {
	case p.addr = <-found:
	case <-p.done:
		t.Fatalf("retina stream ended before serving: %s", p.errText())
	case <-time.After(60 * time.Second):
		t.Fatalf("retina stream did not start serving within a minute: %s", p.errText())
	}
	return p
}

// outText is everything on stdout so far.
func (p *streamProcess) outText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String()
}

func (p *streamProcess) errText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// stop sends SIGTERM and returns the exit code and everything on stderr.
func (p *streamProcess) stop(t *testing.T) (int, string) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-p.done
	<-p.outDone
	err := p.cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, p.errText()
}
