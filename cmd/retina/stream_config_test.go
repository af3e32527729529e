package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/retina-edge/retina/track"
)

// configFlags is a small flag set of the kinds retina stream has.
func configFlags() (*flag.FlagSet, map[string]any) {
	fs := flag.NewFlagSet("stream", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	v := map[string]any{
		"source": fs.String("source", "v4l2:/dev/video0", ""),
		"fps":    fs.Float64("fps", 0, ""),
		"events": fs.Bool("events", false, ""),
		"labels": fs.String("labels", "", ""),
		"zone":   listFlagVar(fs, "zone", ":", ""),
		"mask":   listFlagVar(fs, "mask", "", ""),
		"score":  listFlagVar(fs, "min-score", "=", ""),
	}
	fs.String("config", "", "")
	return fs, v
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "front_door.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The file sets what the command line does not; lists and mappings become
// repeated flags; the command line wins over the file.
func TestConfigFileSetsFlags(t *testing.T) {
	fs, v := configFlags()
	if err := fs.Parse([]string{"--fps", "2"}); err != nil {
		t.Fatal(err)
	}
	p := writeConfig(t, `
source: http://cam.local/video
fps: 5            # the command line's 2 wins
events: true
labels: [person, car]
zone:
  porch: [[0, 0], [100, 0], [100, 50]]
  drive: "0,60,100,60,100,120"
mask:
  - [0, 0, 10, 0, 10, 10]
min_score: {person: 0.6}
`)
	if err := applyConfigFile(fs, p, nil); err != nil {
		t.Fatal(err)
	}
	if *v["source"].(*string) != "http://cam.local/video" || *v["fps"].(*float64) != 2 || !*v["events"].(*bool) ||
		*v["labels"].(*string) != "person,car" {
		t.Fatalf("source %q fps %v events %v labels %q", *v["source"].(*string), *v["fps"].(*float64), *v["events"].(*bool), *v["labels"].(*string))
	}
	for name, want := range map[string][]string{
		"zone":  {"porch:0,0,100,0,100,50", "drive:0,60,100,60,100,120"},
		"mask":  {"0,0,10,0,10,10"},
		"score": {"person=0.6"},
	} {
		if got := v[name].(*listFlag).values; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// A section that is no flag is decoded strictly into its structure.
func TestConfigFileSection(t *testing.T) {
	fs, _ := configFlags()
	fs.Parse(nil)
	var tr track.Options
	p := writeConfig(t, "fps: 3\ntrack:\n  min_hits: 2\n  max_misses: 40\n")
	if err := applyConfigFile(fs, p, map[string]configSection{"track": strictSection(&tr)}); err != nil {
		t.Fatal(err)
	}
	if tr.MinHits != 2 || tr.MaxMisses != 40 {
		t.Fatalf("track options %+v", tr)
	}
}

// Mistakes in the file name the file, the line and the key.
func TestConfigFileErrors(t *testing.T) {
	var tr track.Options
	sections := map[string]configSection{"track": strictSection(&tr)}
	for _, c := range []struct{ text, want string }{
		{"source: x\nfsp: 5\n", `front_door.yaml:2: unknown key "fsp"`},
		{"config: other.yaml\n", `front_door.yaml:1: unknown key "config"`},
		{"fps: fast\n", `front_door.yaml:1: fps: parse error`},
		{"fps: 5\nfps: 6\n", `front_door.yaml:2: "fps" given again (first on line 1)`},
		{"labels: {a: b}\n", `front_door.yaml:1: labels: want a value or a list, not a mapping`},
		{"- fps\n", `front_door.yaml:1: want a mapping`},
		{"fps: [\n", `front_door.yaml: `},
		{"track: {min_hits: 2, max_mises: 3}\n", `front_door.yaml:1: track: unknown key "max_mises" on line 1 (known: high_score,`},
		{"track:\n  min_hits: many\n", `front_door.yaml:2: track: line 2: cannot unmarshal !!str ` + "`many`"},
		{"track: 3\n", `front_door.yaml:1: track: want a mapping`},
	} {
		fs, _ := configFlags()
		fs.Parse(nil)
		err := applyConfigFile(fs, writeConfig(t, c.text), sections)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("%q: %v, want %q", c.text, err, c.want)
		}
	}
	fs, _ := configFlags()
	if err := applyConfigFile(fs, filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}
