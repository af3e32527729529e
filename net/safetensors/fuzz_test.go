package safetensors

import (
	"bytes"
	"os"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, and any file
// it accepts must survive a Write/Parse round trip unchanged.
func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	if err := Write(&buf, map[string]string{"k": "v"}, sampleTensors()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	if py, err := os.ReadFile("../../testdata/import/python.safetensors"); err == nil {
		f.Add(py)
	}
	f.Add(rawFile(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Add(rawFile(`{}`, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			return
		}
		for i := range file.Tensors {
			tn := &file.Tensors[i]
			tn.Float32s()
			tn.Int8s()
			tn.Int32s()
		}
		var out bytes.Buffer
		if err := Write(&out, file.Metadata, file.Tensors); err != nil {
			t.Fatalf("Write of a parsed file failed: %v", err)
		}
		again, err := Parse(out.Bytes())
		if err != nil {
			t.Fatalf("Parse of a rewritten file failed: %v", err)
		}
		if len(again.Tensors) != len(file.Tensors) {
			t.Fatalf("%d tensors after round trip, want %d", len(again.Tensors), len(file.Tensors))
		}
		for i := range file.Tensors {
			a, b := &file.Tensors[i], &again.Tensors[i]
			if a.Name != b.Name || a.DType != b.DType || !bytes.Equal(a.Data, b.Data) || len(a.Shape) != len(b.Shape) {
				t.Fatalf("tensor %q changed in round trip", a.Name)
			}
		}
	})
}
