package net

import (
	"os"
	"strings"
	"testing"
)

// ParseModel reads what ReadModelFile reads, and names its input in errors.
func TestParseModel(t *testing.T) {
	const path = "../testdata/golden/basic_v1.safetensors"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, w, err := ParseModel("mem", data)
	if err != nil {
		t.Fatal(err)
	}
	fileCfg, fileW, err := ReadModelFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.NumClasses != fileCfg.NumClasses || len(w) != len(fileW) {
		t.Fatalf("parsed %d classes/%d tensors, read %d/%d", cfg.NumClasses, len(w), fileCfg.NumClasses, len(fileW))
	}
	for _, bad := range [][]byte{nil, []byte("not a model"), data[:len(data)/2]} {
		if _, _, err := ParseModel("embedded thing", bad); err == nil || !strings.Contains(err.Error(), "embedded thing") {
			t.Fatalf("%d bytes: error %v, want one naming the input", len(bad), err)
		}
	}
}
