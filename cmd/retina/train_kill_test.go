package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/train"
)

// retinaProcess is `retina args...` as a child process (the test binary
// running main's run) with its output captured.
func retinaProcess(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := retinaCommand(t, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// killSteps is the length of the killed run: enough that 20 kills, each
// after at least one new step, do not reach its end.
const killSteps = 60

// killTrainArgs is a tiny run: 24 images of 64 x 64 in batches of 4, ten
// epochs (killSteps steps), a checkpoint after every step.
func killTrainArgs(data string) []string {
	return []string{"train", "--data", data, "--epochs", "10", "--batch", "4", "--size", "64", "--threads", "1",
		"--seed", "3", "--checkpoint-every", "1", "--quiet"}
}

// TestTrainSurvivesKills SIGKILLs `retina train` at 20 seeded random
// moments: random delays after the run's first new step (mid-step,
// mid-write; measured from a step, not from start-up, whose length depends
// on the machine's load), as soon as
// a checkpoint's temporary file appears, a few ms after a step's log row,
// as soon as a checkpoint file changes (all three mid-write) and, the last
// time, while the final model is being written. After each kill
// every checkpoint file in the run folder loads and the run continues with
// --resume; the finished run has the weights and log of an uninterrupted
// run with the same seed, bit for bit, and its model detects.
func TestTrainSurvivesKills(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCLI("synth", "--n", "24", "--size", "64", "--seed", "9", "--out", data, "--quiet"); code != 0 {
		t.Fatalf("synth: %s", stderr)
	}
	base := killTrainArgs(data)

	// The uninterrupted reference run, alongside the killed one.
	ref := filepath.Join(t.TempDir(), "ref")
	refDone := make(chan error, 1)
	refCmd, _, refErr := retinaProcess(t, append(base, "--out", ref)...)
	go func() { refDone <- refCmd.Run() }()

	out := filepath.Join(t.TempDir(), "run")
	rng := rand.New(rand.NewPCG(20, 7))
	lastIter, midWrite, resumed := -1, 0, 0
	for k := range 20 {
		args := append(slices.Clone(base), "--out", out)
		if _, err := os.Stat(filepath.Join(out, train.ResumeFileName)); err == nil {
			args = []string{"train", "--resume", out, "--threads", "1", "--quiet"}
			resumed++
		}
		before := tempsIn(out)
		was := map[string]os.FileInfo{}
		for _, name := range []string{train.ResumeFileName, train.CheckpointFileName} {
			if st, err := os.Stat(filepath.Join(out, name)); err == nil {
				was[name] = st
			}
		}
		cmd, _, stderr := retinaProcess(t, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var how string
		switch {
		case k == 19:
			prefix := "." + train.ModelFileName + ".tmp-"
			how = "when " + prefix + "* appears"
			waitFor(exited, killWait, func() bool { return newTemp(out, prefix, before) })
		case k%4 == 0:
			step := max(lastIter, 0) + 1
			d := time.Duration(rng.Int64N(int64(300 * time.Millisecond)))
			how = fmt.Sprintf("%v after step %d's log row", d, step)
			waitFor(exited, killWait, func() bool { return loggedStep(out) >= step })
			waitOrExit(exited, d)
		case k%4 == 1:
			// The log row of a step comes just before its checkpoint.
			step := max(lastIter, 0) + 2
			d := time.Duration(rng.Int64N(int64(20 * time.Millisecond)))
			how = fmt.Sprintf("%v after step %d's log row", d, step)
			waitFor(exited, killWait, func() bool { return loggedStep(out) >= step })
			waitOrExit(exited, d)
		case k%4 == 2:
			prefix := []string{"." + train.ResumeFileName + ".tmp-", "." + train.CheckpointFileName + ".tmp-"}[rng.IntN(2)]
			how = "when " + prefix + "* appears"
			waitFor(exited, killWait, func() bool { return newTemp(out, prefix, before) })
		default:
			// Whatever the writer does, the first change a reader can see
			// at the checkpoint's name is where a non-atomic write breaks.
			name := []string{train.ResumeFileName, train.CheckpointFileName}[rng.IntN(2)]
			how = "when " + name + " changes"
			waitFor(exited, killWait, func() bool { return changed(filepath.Join(out, name), was[name]) })
		}
		cmd.Process.Kill() // no-op error if it has exited
		err := <-exited
		if cmd.ProcessState.Exited() && cmd.ProcessState.ExitCode() != 0 {
			t.Fatalf("kill %d (%s): retina %v failed by itself: %v: %s", k, how, args, err, stderr)
		}
		if stderr.Len() > 0 {
			t.Fatalf("kill %d (%s): stderr %q", k, how, stderr)
		}
		for _, n := range tempsIn(out) {
			if !slices.Contains(before, n) {
				midWrite++
				break
			}
		}
		iter := checkRunFolder(t, out, k)
		if iter < lastIter {
			t.Fatalf("kill %d (%s): the checkpoint went back from step %d to %d", k, how, lastIter, iter)
		}
		t.Logf("kill %d %s: checkpoint at step %d, temporaries %v", k, how, iter, tempsIn(out))
		lastIter = iter
	}
	// A kill that always lands before the first checkpoint tests nothing.
	if resumed < 15 || midWrite < 3 {
		t.Errorf("%d of 20 runs resumed a checkpoint (want >= 15), %d kills landed mid-write (want >= 3)", resumed, midWrite)
	}

	// The last run is left alone and finishes.
	args := append(slices.Clone(base), "--out", out)
	if lastIter >= 0 {
		args = []string{"train", "--resume", out, "--threads", "1", "--quiet"}
	}
	cmd, stdout, stderr := retinaProcess(t, args...)
	if err := cmd.Run(); err != nil || !strings.Contains(stdout.String(), fmt.Sprintf("(%d steps", killSteps)) {
		t.Fatalf("final retina %v: %v, stdout %q, stderr %q", args, err, stdout, stderr)
	}
	if err := <-refDone; err != nil {
		t.Fatalf("reference run: %v: %s", err, refErr)
	}
	if left := tempsIn(out); len(left) > 0 {
		t.Errorf("temporaries left after the final run: %v", left)
	}
	checkRunFolder(t, out, 20)
	sameWeights(t, filepath.Join(ref, train.ModelFileName), filepath.Join(out, train.ModelFileName))
	sameFile(t, filepath.Join(ref, train.LogFileName), filepath.Join(out, train.LogFileName))
	t.Logf("%d of 20 runs resumed a checkpoint; %d kills landed while a checkpoint was being written", resumed, midWrite)

	img := filepath.Join(data, "images")
	ents, err := os.ReadDir(img)
	if err != nil || len(ents) == 0 {
		t.Fatalf("no images in %s: %v", img, err)
	}
	code, dout, derr := runCLI("detect", "--model", filepath.Join(out, train.ModelFileName), "--json", filepath.Join(img, ents[0].Name()))
	if code != 0 || !strings.HasPrefix(dout, "{") {
		t.Fatalf("detect with the resumed model: exit %d, %q %q", code, dout, derr)
	}
}

// killWait bounds the wait for an event of a run; generous, as a loaded
// machine may start a run slowly.
const killWait = time.Minute

// waitOrExit waits d or until the process exits.
func waitOrExit(exited chan error, d time.Duration) {
	select {
	case err := <-exited:
		exited <- err // keep it for the caller's Wait
	case <-time.After(d):
	}
}

// waitFor polls cond until it holds, the process exits, or limit passes
// (a run that has nothing more of the kind to write).
func waitFor(exited chan error, limit time.Duration, cond func() bool) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && !cond() {
		select {
		case err := <-exited:
			exited <- err
			return
		default:
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// newTemp tells whether dir holds a temporary named prefix* not in before.
func newTemp(dir, prefix string, before []string) bool {
	for _, n := range tempsIn(dir) {
		if strings.HasPrefix(n, prefix) && !slices.Contains(before, n) {
			return true
		}
	}
	return false
}

// changed tells whether path differs from was (nil: it did not exist) in
// existence, identity, size or modification time.
func changed(path string, was os.FileInfo) bool {
	now, err := os.Stat(path)
	if err != nil || was == nil {
		return (err == nil) != (was != nil)
	}
	return !os.SameFile(was, now) || was.Size() != now.Size() || !was.ModTime().Equal(now.ModTime())
}

// loggedStep is the largest step in dir's train.csv (0: none).
func loggedStep(dir string) int {
	b, _ := os.ReadFile(filepath.Join(dir, train.LogFileName))
	last := 0
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 2 {
			continue
		}
		if s, err := strconv.Atoi(f[1]); err == nil && s > last {
			last = s
		}
	}
	return last
}

// tempsIn lists the temporaries (".NAME.tmp-*") in dir.
func tempsIn(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp-") {
			names = append(names, e.Name())
		}
	}
	return names
}

// checkRunFolder asserts that every file of a run folder is one a run
// writes and that each checkpoint file loads; it returns the resume
// checkpoint's step (-1: none yet).
func checkRunFolder(t *testing.T, dir string, kill int) int {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	known := []string{train.ModelFileName, train.CheckpointFileName, train.ResumeFileName, train.LogFileName, train.PlotFileName}
	for _, e := range entries {
		if !slices.Contains(known, e.Name()) && !slices.Contains(tempsIn(dir), e.Name()) {
			t.Fatalf("after kill %d: unexpected %s in the run folder", kill, e.Name())
		}
	}
	for _, name := range []string{train.ModelFileName, train.CheckpointFileName} {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		if _, _, err := net.ReadModelFile(path); err != nil {
			t.Fatalf("after kill %d: %v", kill, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, train.ResumeFileName)); err != nil {
		return -1
	}
	ck, err := train.LoadCheckpoint(dir)
	if err != nil {
		t.Fatalf("after kill %d: %v", kill, err)
	}
	return ck.State.Iter
}

// sameWeights asserts two model files hold bit-identical weights.
func sameWeights(t *testing.T, want, got string) {
	t.Helper()
	_, wa, err := net.ReadModelFile(want)
	if err != nil {
		t.Fatal(err)
	}
	_, wb, err := net.ReadModelFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(wa) != len(wb) {
		t.Fatalf("%d tensors, want %d", len(wb), len(wa))
	}
	for name, a := range wa {
		b := wb[name]
		if !slices.Equal(a.Shape, b.Shape) || !slices.Equal(a.Data, b.Data) {
			t.Fatalf("tensor %s differs from the uninterrupted run's", name)
		}
	}
}

// sameFile asserts two files have the same bytes.
func sameFile(t *testing.T, want, got string) {
	t.Helper()
	a, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("%s differs from %s:\n%s\nwant\n%s", got, want, b, a)
	}
}
