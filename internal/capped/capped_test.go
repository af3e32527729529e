package capped

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.json")
	os.WriteFile(p, []byte("0123456789"), 0o644)
	if b, err := ReadFile(p, 10); err != nil || string(b) != "0123456789" {
		t.Fatalf("at the limit: %q %v", b, err)
	}
	if _, err := ReadFile(p, 9); err == nil || !strings.Contains(err.Error(), "a.json") || !strings.Contains(err.Error(), "9-byte limit") {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing"), 9); !os.IsNotExist(err) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestCrowdFlag(t *testing.T) {
	for in, want := range map[string]bool{"0": false, "1": true, "true": true, "false": false, "null": false} {
		var c CrowdFlag
		if err := json.Unmarshal([]byte(in), &c); err != nil || bool(c) != want {
			t.Errorf("%s: %v %v", in, c, err)
		}
	}
	var c CrowdFlag
	if err := json.Unmarshal([]byte("2"), &c); err == nil || !strings.Contains(err.Error(), "iscrowd") {
		t.Errorf("2 accepted: %v", err)
	}
}

func TestJSONError(t *testing.T) {
	data := []byte("{\n  \"a\": 1,\n  \"b\": ]\n}")
	var v map[string]any
	err := JSONError("x.json", data, json.Unmarshal(data, &v))
	if err == nil || !strings.HasPrefix(err.Error(), "x.json:3:8: ") {
		t.Fatalf("got %v, want x.json:3:8: ...", err)
	}
	if err := JSONError("y.json", nil, os.ErrNotExist); err.Error() != "y.json: file does not exist" {
		t.Fatalf("plain error: %v", err)
	}
}
