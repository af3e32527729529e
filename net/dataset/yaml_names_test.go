package dataset

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// loadDataYAML writes text as data.yaml of a small YOLO dataset and loads it
// both through the folder and through the file.
func loadDataYAML(t *testing.T, text string) ([]string, error) {
	t.Helper()
	dir := yoloDir(t, "", "0 0.5 0.5 0.2 0.4\n")
	writeText(t, filepath.Join(dir, "data.yaml"), text)
	var classes [2][]string
	var errs [2]error
	for i, path := range []string{dir, filepath.Join(dir, "data.yaml")} {
		ds, err := Load(path, LoadOptions{})
		if ds != nil {
			classes[i] = ds.Classes
		}
		errs[i] = err
	}
	if !slices.Equal(classes[0], classes[1]) || fmt.Sprint(errs[0]) != fmt.Sprint(errs[1]) {
		t.Fatalf("folder and data.yaml disagree: %q %v / %q %v", classes[0], errs[0], classes[1], errs[1])
	}
	return classes[0], errs[0]
}

func TestYAMLNamesLoad(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []string
	}{
		{"quoted comma", "names: ['a, b', 'c']\n", []string{"a, b", "c"}},
		{"flow map", "names: {0: person, 1: 'traffic light'}\n", []string{"person", "traffic light"}},
		{"block map out of order", "nc: 3\nnames:\n  2: car\n  0: person # first\n  1: \"traffic light\"\n", []string{"person", "traffic light", "car"}},
		{"block list", "train: images/train\nnames:\n  - 'dog # not a comment'\n  - cat\nval: images/val\n", []string{"dog # not a comment", "cat"}},
		{"multi-line flow list", "names: [dog,\n  cat]\n", []string{"dog", "cat"}},
		{"numbers as names", "names: [1, 2.5, yes]\n", []string{"1", "2.5", "yes"}},
		{"anchor", "base: &n [dog, cat]\nnames: *n\n", []string{"dog", "cat"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := loadDataYAML(t, c.text)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("classes %q, want %q", got, c.want)
			}
		})
	}
}

func TestYAMLNamesErrors(t *testing.T) {
	// The billion laughs: nine levels of nine aliases, 9^9 strings if expanded.
	bomb := "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for prev, c := "a", 'b'; c <= 'i'; prev, c = string(c), c+1 {
		bomb += fmt.Sprintf("%c: &%c [%s]\n", c, c, strings.Repeat("*"+prev+", ", 8)+"*"+prev)
	}
	for _, c := range []struct{ name, text, want string }{
		{"gap", "names:\n  0: dog\n  2: cat\n", "data.yaml:2: names map has no index 1"},
		{"duplicate", "names: {0: dog, 1: cat, 1: cow}\n", "data.yaml:1: class index 1 appears twice"},
		{"negative", "names:\n  -1: dog\n  0: cat\n", "data.yaml:2: negative class index -1"},
		{"not an index", "names: {dog: 0}\n", `names key "dog" is not a class index`},
		{"nested name", "names: [[a, b], c]\n", "data.yaml:1: a class name must be a string"},
		{"empty name", "names: [dog, '']\n", "data.yaml:1: empty class name"},
		{"empty list", "names: []\n", "data.yaml:1: empty names"},
		{"scalar", "names: dog\n", "data.yaml:1: names must be a list or a map"},
		{"no names", "train: images\n", "data.yaml: no names: key"},
		{"nc disagrees", "nc: 3\nnames: [dog, cat]\n", "data.yaml: nc is 3 but names has 2 classes"},
		{"unclosed", "names: [dog, cat\n", "data.yaml: not a YOLO data.yaml: line 1"},
		{"a list, not a map", "- dog\n- cat\n", "data.yaml: not a YOLO data.yaml"},
		{"alias bomb", bomb + "names: [dog]\n", "data.yaml: not a YOLO data.yaml: document contains excessive aliasing"},
		{"alias bomb in names", bomb + "names: *i\n", "data.yaml: not a YOLO data.yaml: document contains excessive aliasing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadDataYAML(t, c.text)
			wantErr(t, err, c.want)
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
		})
	}
}
