package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// rawFile assembles a file from a hand-written header and data buffer.
func rawFile(header string, data []byte) []byte {
	b := make([]byte, 8, 8+len(header)+len(data))
	binary.LittleEndian.PutUint64(b, uint64(len(header)))
	return append(append(b, header...), data...)
}

func sampleTensors() []Tensor {
	return []Tensor{
		F32("zeta", []int{2, 3}, []float32{1, -2, 3.5, float32(math.Inf(1)), 0, -0.125}),
		I8("alpha", []int{5}, []int8{-128, -1, 0, 1, 127}),
		I32("mid", []int{2, 1}, []int32{math.MinInt32, math.MaxInt32}),
		F32("scalar", nil, []float32{7}),
		F32("empty", []int{0, 4}, nil),
	}
}

func TestRoundTrip(t *testing.T) {
	meta := map[string]string{"format": "retina-float-v1", "retina": `{"a": [1, 2]}`}
	var buf bytes.Buffer
	if err := Write(&buf, meta, sampleTensors()); err != nil {
		t.Fatal(err)
	}
	if hl := binary.LittleEndian.Uint64(buf.Bytes()); (8+hl)%8 != 0 {
		t.Errorf("header length %d leaves the data unaligned", hl)
	}
	f, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Metadata, meta) {
		t.Errorf("metadata %v, want %v", f.Metadata, meta)
	}
	var names []string
	for _, x := range f.Tensors {
		names = append(names, x.Name)
	}
	if want := []string{"alpha", "empty", "mid", "scalar", "zeta"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("names %v, want %v (sorted)", names, want)
	}
	for _, want := range sampleTensors() {
		got, ok := f.Get(want.Name)
		if !ok {
			t.Fatalf("Get(%q) missing", want.Name)
		}
		if got.DType != want.DType || !bytes.Equal(got.Data, want.Data) || got.NumElements() != want.NumElements() ||
			len(got.Shape) != len(want.Shape) || (len(want.Shape) > 0 && !reflect.DeepEqual(got.Shape, want.Shape)) {
			t.Errorf("%s: got %+v, want %+v", want.Name, *got, want)
		}
	}
	z, _ := f.Get("zeta")
	v, err := z.Float32s()
	if err != nil || !reflect.DeepEqual(v, []float32{1, -2, 3.5, float32(math.Inf(1)), 0, -0.125}) {
		t.Errorf("zeta Float32s = %v, %v", v, err)
	}
	a, _ := f.Get("alpha")
	if v, err := a.Int8s(); err != nil || !reflect.DeepEqual(v, []int8{-128, -1, 0, 1, 127}) {
		t.Errorf("alpha Int8s = %v, %v", v, err)
	}
	m, _ := f.Get("mid")
	if v, err := m.Int32s(); err != nil || !reflect.DeepEqual(v, []int32{math.MinInt32, math.MaxInt32}) {
		t.Errorf("mid Int32s = %v, %v", v, err)
	}
	if _, ok := f.Get("nope"); ok {
		t.Error("Get of a missing name succeeded")
	}
}

func TestEmptyFile(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, nil, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Parse(buf.Bytes())
	if err != nil || len(f.Tensors) != 0 || f.Metadata == nil || len(f.Metadata) != 0 {
		t.Fatalf("empty file: %+v, %v", f, err)
	}
}

func TestParseErrors(t *testing.T) {
	f32 := func(b, e int) string {
		return `{"dtype":"F32","shape":[2],"data_offsets":[` + strconv.Itoa(b) + `,` + strconv.Itoa(e) + `]}`
	}
	huge := make([]byte, 8)
	binary.LittleEndian.PutUint64(huge, MaxHeaderSize+1)
	past := make([]byte, 8)
	binary.LittleEndian.PutUint64(past, 1000)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"short", []byte{1, 2, 3}, "not a safetensors model file: 3 bytes, too short"},
		{"header too big", append(huge, make([]byte, 16)...), "not a safetensors model file: its first 8 bytes, read as the header length, give 104857601, over the 104857600-byte limit"},
		{"text", []byte("epoch,step,lr,loss\n1,1,0.1,2\n"), `not a safetensors model file (it starts with "epoch,step,lr,lo", text)`},
		{"header past end", append(past, `{}`...), "header length 1000 exceeds the 2 bytes"},
		{"not json", rawFile(`{"a":`, nil), "not valid JSON"},
		{"not object", rawFile(`[1,2]`, nil), "not a JSON object"},
		{"trailing", rawFile(`{} {}`, nil), "trailing data"},
		{"unknown dtype", rawFile(`{"x":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 1)), `tensor "x": unknown dtype "F8"`},
		{"negative dim", rawFile(`{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, nil), `tensor "x": shape [-1] has a negative dimension`},
		{"overflow", rawFile(`{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, nil), "element count overflows"},
		{"bytes overflow", rawFile(`{"x":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}}`, make([]byte, 8)), "needs 2305843009213693952*8 bytes"},
		{"size mismatch", rawFile(`{"x":{"dtype":"F32","shape":[3,3],"data_offsets":[0,40]}}`, make([]byte, 40)), `tensor "x": shape [3 3] of F32 needs 36 bytes, data_offsets give 40`},
		{"past buffer", rawFile(`{"x":`+f32(0, 8)+`}`, make([]byte, 4)), `tensor "x": data_offsets [0 8] run past the 4-byte data buffer`},
		{"reversed", rawFile(`{"x":`+f32(8, 0)+`}`, make([]byte, 8)), "not an increasing range"},
		{"negative offset", rawFile(`{"x":`+f32(-8, 0)+`}`, make([]byte, 8)), "not an increasing range"},
		{"three offsets", rawFile(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}`, make([]byte, 9)), "data_offsets must be [begin, end]"},
		{"missing shape", rawFile(`{"x":{"dtype":"F32","data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "x": missing shape`},
		{"unknown field", rawFile(`{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"q":1}}`, make([]byte, 4)), `tensor "x": bad header entry`},
		{"overlap", rawFile(`{"a":`+f32(0, 8)+`,"b":`+f32(4, 12)+`}`, make([]byte, 12)), `tensors "a" [0 8] and "b" [4 12] overlap`},
		{"contained overlap", rawFile(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":`+f32(4, 12)+`}`, make([]byte, 16)), "overlap"},
		{"duplicate", rawFile(`{"a":`+f32(0, 8)+`,"a":`+f32(8, 16)+`}`, make([]byte, 16)), `duplicate entry "a"`},
		{"bad metadata", rawFile(`{"__metadata__":{"k":1}}`, nil), "__metadata__ must map strings to strings"},
		{"empty name", rawFile(`{"":`+f32(0, 8)+`}`, make([]byte, 8)), "empty name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.file)
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q, want one line containing %q", err, c.want)
			}
		})
	}
}

func TestNullMetadata(t *testing.T) {
	f, err := Parse(rawFile(`{"__metadata__":null}`, nil))
	if err != nil || f.Metadata == nil {
		t.Fatalf("null metadata: %+v, %v", f, err)
	}
}

func TestEmptyTensorsMayShareOffsets(t *testing.T) {
	file := rawFile(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8))
	if _, err := Parse(file); err != nil {
		t.Fatal(err)
	}
}

func TestReadFileNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := os.WriteFile(path, rawFile(`{"x":{"dtype":"F32","shape":[3,3],"data_offsets":[0,40]}}`, make([]byte, 40)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path)
	want := path + `: tensor "x": shape [3 3] of F32 needs 36 bytes, data_offsets give 40`
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing file error %v", err)
	}
}

func TestWriteRefusesBadTensors(t *testing.T) {
	cases := []struct {
		name    string
		tensors []Tensor
		want    string
	}{
		{"short data", []Tensor{{Name: "x", DType: "F32", Shape: []int{2}, Data: make([]byte, 7)}}, `tensor "x": shape [2] of F32 needs 8 bytes, has 7`},
		{"dtype", []Tensor{{Name: "x", DType: "F17", Shape: []int{1}, Data: make([]byte, 4)}}, `unknown dtype "F17"`},
		{"duplicate", []Tensor{F32("x", []int{1}, []float32{1}), F32("x", []int{1}, []float32{2})}, `duplicate tensor name "x"`},
		{"reserved", []Tensor{F32("__metadata__", []int{1}, []float32{1})}, "not allowed"},
		{"negative", []Tensor{{Name: "x", DType: "U8", Shape: []int{-1}}}, "negative dimension"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, nil, c.tensors)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written before the error", buf.Len())
			}
		})
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := WriteFile(path, map[string]string{"k": "v"}, sampleTensors()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := []Tensor{{Name: "x", DType: "F32", Shape: []int{2}, Data: make([]byte, 3)}}
	err := WriteFile(path, nil, bad)
	if err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Fatalf("error %v, want it to start with the path", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a failed WriteFile changed the existing file")
	}
	if err := WriteFile(filepath.Join(dir, "fresh.safetensors"), nil, bad); err == nil {
		t.Fatal("WriteFile of a bad tensor succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "m.safetensors" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only m.safetensors (no partial or temporary files)", names)
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "dir.safetensors"), nil, sampleTensors()); err == nil ||
		!strings.Contains(err.Error(), "dir.safetensors") {
		t.Errorf("write into a missing directory: %v", err)
	}
	f, err := ReadFile(path)
	if err != nil || f.Metadata["k"] != "v" || len(f.Tensors) != 5 {
		t.Fatalf("re-read: %+v, %v", f, err)
	}
}

// TestPythonWrittenFile reads a file written by tools/make_import_fixtures.py
// straight from the format description with Python's struct and json.
func TestPythonWrittenFile(t *testing.T) {
	f, err := ReadFile("../../testdata/import/python.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["format"] != "pt" || f.Metadata["writer"] != "python struct" {
		t.Errorf("metadata %v", f.Metadata)
	}
	floats := map[string][]float32{
		"weights.f32": {1.5, -2.0, 0.25, 3.0e-3, 65504.0, float32(math.Copysign(0, -1))},
		"half.f16":    {1.0, -0.5, 6.103515625e-05, 5.960464477539063e-08, float32(math.Inf(1))},
		"brain.bf16":  {1, -3, 0.33203125},
		"double.f64":  {0.1, float32(math.Inf(-1))},
		"scalar.f32":  {42},
		"empty.f32":   {},
	}
	for name, want := range floats {
		tn, ok := f.Get(name)
		if !ok {
			t.Fatalf("%s missing", name)
		}
		got, err := tn.Float32s()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
		}
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Errorf("%s[%d] = %v, want %v", name, i, got[i], want[i])
			}
		}
	}
	if tn, _ := f.Get("weights.f32"); !reflect.DeepEqual(tn.Shape, []int{2, 3}) {
		t.Errorf("weights.f32 shape %v", tn.Shape)
	}
	if tn, _ := f.Get("empty.f32"); !reflect.DeepEqual(tn.Shape, []int{0, 3}) || tn.NumElements() != 0 {
		t.Errorf("empty.f32 shape %v", tn.Shape)
	}
	if tn, _ := f.Get("scalar.f32"); len(tn.Shape) != 0 || tn.NumElements() != 1 {
		t.Errorf("scalar.f32 shape %v", tn.Shape)
	}
	i8, _ := f.Get("bytes.i8")
	if v, err := i8.Int8s(); err != nil || !reflect.DeepEqual(v, []int8{-128, -1, 0, 127}) {
		t.Errorf("bytes.i8 = %v, %v", v, err)
	}
	i32, _ := f.Get("counts.i32")
	if v, err := i32.Int32s(); err != nil || !reflect.DeepEqual(v, []int32{math.MinInt32, -7, 7, math.MaxInt32}) {
		t.Errorf("counts.i32 = %v, %v", v, err)
	}
	for name, dtype := range map[string]string{"big.i64": "I64", "pixels.u8": "U8", "flags.bool": "BOOL"} {
		if tn, ok := f.Get(name); !ok || tn.DType != dtype {
			t.Errorf("%s: %+v", name, tn)
		}
	}
	u8, _ := f.Get("pixels.u8")
	if !bytes.Equal(u8.Data, []byte{0, 128, 255}) {
		t.Errorf("pixels.u8 data %v", u8.Data)
	}
	if _, err := u8.Float32s(); err == nil || !strings.Contains(err.Error(), `tensor "pixels.u8": dtype U8 is not a float type`) {
		t.Errorf("Float32s of U8: %v", err)
	}
	if _, err := u8.Int8s(); err == nil || !strings.Contains(err.Error(), "pixels.u8") {
		t.Errorf("Int8s of U8: %v", err)
	}
}

func TestHalfToFloat32(t *testing.T) {
	cases := map[uint16]float32{
		0x0000: 0, 0x3c00: 1, 0xc000: -2, 0x7bff: 65504, 0x0400: 6.103515625e-05,
		0x0001: 5.960464477539063e-08, 0x03ff: 6.097555160522461e-05, 0x3555: 0.333251953125,
		0x7c00: float32(math.Inf(1)), 0xfc00: float32(math.Inf(-1)),
	}
	for h, want := range cases {
		if got := HalfToFloat32(h); got != want {
			t.Errorf("HalfToFloat32(%#04x) = %v, want %v", h, got, want)
		}
	}
	if got := HalfToFloat32(0x8000); math.Float32bits(got) != 0x80000000 {
		t.Errorf("-0 became %v", got)
	}
	if got := HalfToFloat32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("NaN became %v", got)
	}
	// Every finite half is exactly representable: the values must be strictly
	// increasing over the positive codes.
	prev := float32(-1)
	for h := uint16(0); h < 0x7c00; h++ {
		v := HalfToFloat32(h)
		if v <= prev {
			t.Fatalf("HalfToFloat32(%#04x) = %v not above %v", h, v, prev)
		}
		prev = v
	}
}
