//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/retina-edge/retina/net/train"
)

// diskHelperEnv runs the test binary as the retina command under a
// resource limit (see TestRetinaDiskHelper).
const diskHelperEnv = "RETINA_TEST_DISK_HELPER"

// TestRetinaDiskHelper is not a test: run by diskProcess, it applies the
// limit diskHelperEnv names and runs the command line after "--":
//
//	plain          nothing more (the caller may have dropped privileges)
//	fsize:N        RLIMIT_FSIZE of N bytes (writes past it fail with EFBIG)
//	tmpfs:DIR:SIZE a tmpfs of SIZE mounted on DIR in the child's own mount
//	               namespace; afterwards DIR's listing and the resume
//	               checkpoint's step are reported on file descriptor 3, as
//	               the mount vanishes with the child
func TestRetinaDiskHelper(t *testing.T) {
	mode := os.Getenv(diskHelperEnv)
	if mode == "" {
		t.Skip("helper process for the disk tests")
	}
	args := os.Args[slices.Index(os.Args, "--")+1:]
	kind, arg, _ := strings.Cut(mode, ":")
	var mountDir string
	switch kind {
	case "fsize":
		n, err := strconv.ParseUint(arg, 10, 64)
		if err == nil {
			err = syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper: fsize:", err)
			os.Exit(3)
		}
	case "tmpfs":
		dir, size, _ := strings.Cut(arg, ":")
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
			fmt.Fprintln(os.Stderr, "helper: mount:", err)
			os.Exit(3)
		}
		mountDir = dir
	}
	code := run(args, os.Stdout, os.Stderr)
	if mountDir != "" {
		reportTree(os.NewFile(3, "report"), mountDir)
	}
	os.Exit(code)
}

// reportTree writes "PATH SIZE" for every file under dir, then "resume
// STEP" (or "resume ERROR") for each run folder holding a resume file.
func reportTree(w io.Writer, dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, _ := d.Info()
		fmt.Fprintf(w, "%s %d\n", rel, info.Size())
		if d.Name() == train.ResumeFileName {
			if ck, err := train.LoadCheckpoint(filepath.Dir(p)); err != nil {
				fmt.Fprintf(w, "resume %v\n", err)
			} else {
				fmt.Fprintf(w, "resume %d\n", ck.State.Iter)
			}
		}
		return nil
	})
}

// diskProcess is `retina args...` as a child running exe under mode.
func diskProcess(exe, mode string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(exe, append([]string{"-test.run=^TestRetinaDiskHelper$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), diskHelperEnv+"="+mode)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// diskWorkspace is a folder every user can read, holding a copy of the test
// binary and a tiny dataset, so that a child without privileges can run.
func diskWorkspace(t *testing.T) (base, exe, data string) {
	t.Helper()
	base, err := os.MkdirTemp("", "retina-disk-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(base)
	})
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	exe = filepath.Join(base, "retina.test")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	data = filepath.Join(base, "data")
	if code, _, stderr := runCLI("synth", "--n", "8", "--size", "64", "--out", data, "--quiet"); code != 0 {
		t.Fatalf("synth: %s", stderr)
	}
	// synth writes owner-only files (atomic writes through CreateTemp).
	err = filepath.WalkDir(data, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(p, mode)
	})
	if err != nil {
		t.Fatal(err)
	}
	return base, exe, data
}

func diskTrainArgs(data, out string) []string {
	return []string{"train", "--data", data, "--epochs", "1", "--batch", "4", "--size", "64", "--threads", "1",
		"--checkpoint-every", "1", "--quiet", "--out", out}
}

// expectCleanFailure asserts exit 1 and one stderr line holding every
// fragment, without a panic trace.
func expectCleanFailure(t *testing.T, what string, err error, stderr string, fragments ...string) {
	t.Helper()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("%s: %v (want exit 1), stderr %q", what, err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 1 || strings.Contains(stderr, "goroutine") {
		t.Fatalf("%s: stderr %q: want one line", what, stderr)
	}
	for _, f := range fragments {
		if !strings.Contains(stderr, f) {
			t.Fatalf("%s: stderr %q does not say %q", what, stderr, f)
		}
	}
	t.Logf("%s: %s", what, strings.TrimSpace(stderr))
}

// asUnprivileged makes cmd run as nobody when the test runs as root, for
// whom file modes do not stop a write.
func asUnprivileged(cmd *exec.Cmd) {
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
}

// TestTrainPermissionErrors: an output folder under a regular file, under
// a read-only folder, and a read-only run folder on --resume each end in
// one line naming the path and the problem, with nothing written.
func TestTrainPermissionErrors(t *testing.T) {
	base, exe, data := diskWorkspace(t)

	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(file, "run")
	cmd, _, stderr := diskProcess(exe, "plain", diskTrainArgs(data, out)...)
	expectCleanFailure(t, "--out under a file", cmd.Run(), stderr.String(), file, "not a directory")

	ro := filepath.Join(base, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(ro, "run")
	cmd, _, stderr = diskProcess(exe, "plain", diskTrainArgs(data, out)...)
	asUnprivileged(cmd)
	expectCleanFailure(t, "--out in a read-only folder", cmd.Run(), stderr.String(), out, "permission denied")
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("%s was created", out)
	}

	// A finished run whose folder became read-only: --resume rewrites the
	// log first and fails there, leaving every file as it was.
	done := filepath.Join(base, "done")
	if code, _, stderr := runCLI(diskTrainArgs(data, done)...); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	before := snapshot(t, done)
	if err := os.Chmod(done, 0o555); err != nil {
		t.Fatal(err)
	}
	cmd, _, stderr = diskProcess(exe, "plain", "train", "--resume", done, "--threads", "1", "--quiet")
	asUnprivileged(cmd)
	expectCleanFailure(t, "--resume of a read-only run", cmd.Run(), stderr.String(),
		filepath.Join(done, train.LogFileName), "permission denied")
	if after := snapshot(t, done); !maps2Equal(before, after) {
		t.Fatalf("the read-only run folder changed: %v -> %v", keys(before), keys(after))
	}
}

// TestTrainFileTooLarge: with writes capped at 1 MB (RLIMIT_FSIZE) the
// first checkpoint fails; the error names the checkpoint and the problem
// and neither a checkpoint nor its temporary is left.
func TestTrainFileTooLarge(t *testing.T) {
	base, exe, data := diskWorkspace(t)
	out := filepath.Join(base, "run")
	cmd, _, stderr := diskProcess(exe, "fsize:1000000", diskTrainArgs(data, out)...)
	expectCleanFailure(t, "train under a 1 MB file size limit", cmd.Run(), stderr.String(),
		filepath.Join(out, train.ResumeFileName), "file too large")
	for name := range snapshot(t, out) {
		if name != train.LogFileName {
			t.Errorf("%s left in the run folder", name)
		}
	}
}

// TestTrainDiskFull fills a real disk: a 24 MB tmpfs holds one checkpoint
// (a 13 MB resume file and a 4 MB model) but not a second resume file
// beside it. The run stops with "no space left on device" naming the file,
// the temporary is removed, and the first checkpoint still loads. It needs
// the right to mount (root in CI); elsewhere it is skipped.
func TestTrainDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	base, exe, data := diskWorkspace(t)
	disk := filepath.Join(base, "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(disk, "run")
	cmd, _, stderr := diskProcess(exe, "tmpfs:"+disk+":24m", diskTrainArgs(data, out)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start a child in its own mount namespace: %v", err)
	}
	w.Close()
	report, _ := io.ReadAll(r)
	err = cmd.Wait()
	if strings.HasPrefix(stderr.String(), "helper: mount:") {
		t.Skipf("cannot mount a tmpfs: %s", stderr)
	}
	expectCleanFailure(t, "train on a full disk", err, stderr.String(),
		filepath.Join(out, train.ResumeFileName), "no space left on device")
	files := map[string]bool{}
	var resume string
	for _, line := range strings.Split(strings.TrimSpace(string(report)), "\n") {
		name, rest, _ := strings.Cut(line, " ")
		if name == "resume" {
			resume = rest
			continue
		}
		files[name] = true
	}
	want := []string{"run/" + train.ResumeFileName, "run/" + train.CheckpointFileName, "run/" + train.LogFileName}
	if len(files) != len(want) || !files[want[0]] || !files[want[1]] || !files[want[2]] {
		t.Fatalf("the full disk holds %v, want %v", keys2(files), want)
	}
	if resume != "1" {
		t.Fatalf("the first checkpoint: %q, want it to load at step 1", resume)
	}
}

// snapshot reads every file of dir by name.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}

func maps2Equal(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func keys2(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
