package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const (
	tinyModel = "../../testdata/golden/basic_v1.safetensors"
	astronaut = "../../testdata/images/astronaut.jpg"
	coffee    = "../../testdata/images/coffee.png"
	badDir    = "../../testdata/bad"
)

func TestDetectJSON(t *testing.T) {
	code, stdout, stderr := runCLI("detect", "--model", tinyModel, "--json", "--threads", "2",
		"--score-threshold", "0.01", "--min-size", "96", "--max-size", "160", astronaut, coffee)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines for 2 images:\n%s", len(lines), stdout)
	}
	sizes := map[string][2]int{astronaut: {256, 256}, coffee: {200, 133}}
	for _, line := range lines {
		var r imageResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		want := sizes[r.Image]
		if r.Width != want[0] || r.Height != want[1] {
			t.Fatalf("%s: size %dx%d, want %v", r.Image, r.Width, r.Height, want)
		}
		if r.Detections == nil {
			t.Fatalf("%s: detections is null, want a list", r.Image)
		}
		if !sort.SliceIsSorted(r.Detections, func(i, j int) bool { return r.Detections[i].Score > r.Detections[j].Score }) {
			t.Fatalf("%s: detections not sorted by score", r.Image)
		}
		for _, d := range r.Detections {
			b := d.Box
			if d.Score <= 0.01 || d.Score > 1 || b[0] < 0 || b[1] < 0 || b[2] > float32(r.Width) || b[3] > float32(r.Height) || b[0] > b[2] || b[1] > b[3] {
				t.Fatalf("%s: bad detection %+v", r.Image, d)
			}
			if d.Class < 0 || d.Class >= 4 || d.Label == "" {
				t.Fatalf("%s: bad class/label %+v", r.Image, d)
			}
		}
	}
}

// TestDetectDeterministic: the same image twice in one run (buffers reused)
// and in a second run give the same detections.
func TestDetectDeterministic(t *testing.T) {
	args := []string{"detect", "--model", tinyModel, "--json", "--score-threshold", "0.01", "--min-size", "96", "--max-size", "160"}
	_, a, _ := runCLI(append(args, coffee, astronaut, coffee)...)
	_, b, _ := runCLI(append(args, coffee)...)
	lines := strings.Split(strings.TrimSpace(a), "\n")
	if len(lines) != 3 || lines[0] != lines[2] || lines[0] != strings.TrimSpace(b) {
		t.Fatalf("detections differ between runs:\n%s\n---\n%s", a, b)
	}
}

// TestDetectBadInputs: each bad input ends in a non-zero exit and one line
// naming the file and the problem.
func TestDetectBadInputs(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		code      int
		fragments []string
	}{
		{[]string{"--model", tinyModel, filepath.Join(badDir, "truncated.jpg")}, 1, []string{"truncated.jpg"}},
		{[]string{"--model", tinyModel, filepath.Join(badDir, "not_an_image.jpg")}, 1, []string{"not_an_image.jpg", "not a"}},
		{[]string{"--model", tinyModel, filepath.Join(badDir, "empty.png")}, 1, []string{"empty.png"}},
		{[]string{"--model", tinyModel, "no/such/file.jpg"}, 1, []string{"no/such/file.jpg"}},
		{[]string{"--model", filepath.Join(badDir, "lying_header.safetensors"), astronaut}, 1, []string{"lying_header.safetensors"}},
		{[]string{"--model", filepath.Join(badDir, "huge_header_length.safetensors"), astronaut}, 1, []string{"huge_header_length.safetensors"}},
		{[]string{"--model", astronaut, astronaut}, 1, []string{"astronaut.jpg"}},
		{[]string{"--model", tinyModel, "--min-size", "100000", astronaut}, 2, []string{"--min-size"}},
		{[]string{"--model", tinyModel, "--score-threshold", "1.5", astronaut}, 2, []string{"--score-threshold"}},
		{[]string{"--model", tinyModel}, 2, []string{"no image"}},
		{[]string{"--model", tinyModel, "--threads", "0", astronaut}, 2, []string{"--threads"}},
	} {
		expectFailure(t, tc.code, tc.fragments, append([]string{"detect"}, tc.args...)...)
	}
}

// TestDetectPartialFailure: good images are still reported when one fails,
// and the exit code says something failed.
func TestDetectPartialFailure(t *testing.T) {
	code, stdout, stderr := runCLI("detect", "--model", tinyModel, "--json", "--min-size", "96", "--max-size", "160",
		astronaut, filepath.Join(badDir, "truncated.jpg"))
	if code != 1 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stderr, "truncated.jpg") || !strings.Contains(stderr, "1 of 2 images failed") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestImportCommand(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "m.safetensors")
	code, stdout, stderr := runCLI("import", "--min-size", "96", "--max-size", "160", "../../testdata/import/tiny_v1_basic.pt", dst)
	if code != 0 || !strings.Contains(stdout, "-> "+dst) {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	code, _, stderr = runCLI("detect", "--model", dst, "--json", astronaut)
	if code != 0 {
		t.Fatalf("detect on the imported model: exit %d: %s", code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.safetensors")
	expectFailure(t, 1, []string{"not_retinanet_resnet.pt"}, "import", "../../testdata/import/not_retinanet_resnet.pt", bad)
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Fatal("a failed import left an output file")
	}
	expectFailure(t, 2, []string{"SRC.pth DST.safetensors"}, "import", "only-one-arg")
	names := filepath.Join(t.TempDir(), "names.txt")
	os.WriteFile(names, []byte("a\nb\n"), 0o644)
	expectFailure(t, 1, []string{"2 labels", "classes"}, "import", "--classes", names, "../../testdata/import/tiny_v1_basic.pt", bad)
}

func TestDetectOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "drawn")
	code, _, stderr := runCLI("detect", "--model", tinyModel, "--score-threshold", "0.01", "--min-size", "96", "--max-size", "160",
		"--out", out, astronaut, coffee)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"astronaut.jpg", "coffee.png"} {
		st, err := os.Stat(filepath.Join(out, name))
		if err != nil || st.Size() < 1000 {
			t.Fatalf("--out did not write %s: %v", name, err)
		}
	}
}
