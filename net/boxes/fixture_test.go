package boxes

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// f32s is a float32 array stored in the fixtures as base64 of little-endian
// bytes (written by tools/make_boxes_fixtures.py).
type f32s []float32

func (f *f32s) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	if len(raw)%4 != 0 {
		return fmt.Errorf("float32 array of %d bytes", len(raw))
	}
	*f = make(f32s, len(raw)/4)
	for i := range *f {
		(*f)[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return nil
}

// boxes views the array as rows of 4.
func (f f32s) boxes(t *testing.T) []Box {
	t.Helper()
	if len(f)%4 != 0 {
		t.Fatalf("%d floats are not boxes", len(f))
	}
	out := make([]Box, len(f)/4)
	for i := range out {
		copy(out[i][:], f[4*i:])
	}
	return out
}

func readFixture(t *testing.T, name string, v any) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "boxes", name)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (make it with /usr/bin/python3 tools/make_boxes_fixtures.py)", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// ulp is the spacing of float32 values at |v|.
func ulp(v float32) float64 {
	a := math.Abs(float64(v))
	if a < math.SmallestNonzeroFloat32 {
		return math.SmallestNonzeroFloat32
	}
	f := float32(a)
	return float64(math.Nextafter32(f, float32(math.Inf(1))) - f)
}

func sameBits(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }

// sigmoid64 is an exact-as-float64 reference sigmoid.
func sigmoid64(dst, src []float32) {
	for i, x := range src {
		dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
	}
}
