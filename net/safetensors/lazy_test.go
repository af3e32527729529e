package safetensors

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// OpenLazy reads the same header as Parse, and Load each tensor's bytes,
// wherever the file puts them; a file cut short is refused at open.
func TestOpenLazyMatchesParse(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, map[string]string{"k": "v"}, sampleTensors()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	whole, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	l, err := OpenLazy(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Metadata["k"] != "v" || len(l.Tensors) != len(whole.Tensors) {
		t.Fatalf("metadata %v and %d tensors, want %v and %d", l.Metadata, len(l.Tensors), whole.Metadata, len(whole.Tensors))
	}
	for i, w := range whole.Tensors {
		g := &l.Tensors[i]
		if g.Data != nil {
			t.Fatalf("tensor %q has data before Load", g.Name)
		}
		if err := l.Load(i); err != nil {
			t.Fatal(err)
		}
		if g.Name != w.Name || g.DType != w.DType || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("tensor %d: %q %s %v, want %q %s %v", i, g.Name, g.DType, g.Data, w.Name, w.DType, w.Data)
		}
	}
	short := filepath.Join(t.TempDir(), "short.safetensors")
	if err := os.WriteFile(short, buf.Bytes()[:buf.Len()-1], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenLazy(short); err == nil || !strings.Contains(err.Error(), short) || !strings.Contains(err.Error(), "past") {
		t.Fatalf("a file one byte short: %v", err)
	}
}
