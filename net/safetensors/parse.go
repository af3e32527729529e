package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
)

// MaxHeaderSize bounds the JSON header (the reference implementation uses
// the same 100 MB limit) so a corrupt length cannot force a huge read.
const MaxHeaderSize = 100 << 20

// metadataKey is the reserved header entry holding the string metadata.
const metadataKey = "__metadata__"

// File is a parsed safetensors file.
type File struct {
	Metadata map[string]string // never nil after Parse
	Tensors  []Tensor          // sorted by name
}

// Get returns the tensor with the given name.
func (f *File) Get(name string) (*Tensor, bool) {
	i := sort.Search(len(f.Tensors), func(i int) bool { return f.Tensors[i].Name >= name })
	if i < len(f.Tensors) && f.Tensors[i].Name == name {
		return &f.Tensors[i], true
	}
	return nil, false
}

// ReadFile reads and parses a safetensors file; errors start with the path.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Parse parses and validates a whole safetensors file held in data. The
// returned tensors share memory with data.
func Parse(data []byte) (*File, error) {
	f, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	return f, nil
}

// tensorInfo is one header entry as it appears in the JSON.
type tensorInfo struct {
	DType       string `json:"dtype"`
	Shape       *[]int `json:"shape"`
	DataOffsets []int  `json:"data_offsets"`
}

// span is a validated tensor's byte range in the data buffer.
type span struct {
	name       string
	begin, end int
}

func parse(data []byte) (*File, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("not a safetensors model file: %d bytes, too short for the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if err := checkHeaderLength(n, int64(len(data)-8), data); err != nil {
		return nil, err
	}
	header, buf := data[8:8+n], data[8+n:]
	f, spans, err := parseHeader(header, len(buf))
	if err != nil {
		return nil, err
	}
	for i := range f.Tensors {
		s := spans[i]
		f.Tensors[i].Data = buf[s.begin:s.end:s.end]
	}
	return f, nil
}

// parseHeader parses and validates the JSON header of a file whose data
// buffer (after the header) has bufLen bytes. It returns the tensors
// without their data, sorted by name, and each one's byte range in the
// buffer (spans[i] is Tensors[i]'s).
func parseHeader(header []byte, bufLen int) (*File, []span, error) {
	f := &File{Metadata: map[string]string{}}
	var spans []span
	err := scanHeader(header, func(name string, raw json.RawMessage) error {
		if name == metadataKey {
			if err := json.Unmarshal(raw, &f.Metadata); err != nil {
				return fmt.Errorf("header: %s must map strings to strings: %v", metadataKey, err)
			}
			if f.Metadata == nil { // the entry was JSON null
				f.Metadata = map[string]string{}
			}
			return nil
		}
		t, s, err := checkEntry(name, raw, bufLen)
		if err != nil {
			return err
		}
		f.Tensors = append(f.Tensors, t)
		spans = append(spans, s)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if err := checkOverlaps(spans); err != nil {
		return nil, nil, err
	}
	// Names are unique (scanHeader refuses duplicates): sorted by name, the
	// tensors and their spans line up.
	sort.Slice(f.Tensors, func(i, j int) bool { return f.Tensors[i].Name < f.Tensors[j].Name })
	sort.Slice(spans, func(i, j int) bool { return spans[i].name < spans[j].name })
	return f, spans, nil
}

// checkHeaderLength refuses a header length n (the file's first 8 bytes,
// start) over the limit or over the after bytes that follow it.
func checkHeaderLength(n uint64, after int64, start []byte) error {
	if n > MaxHeaderSize {
		return fmt.Errorf("not a safetensors model file%s: its first 8 bytes, read as the header length, give %d, over the %d-byte limit",
			startsAsText(start), n, MaxHeaderSize)
	}
	if n > uint64(after) {
		return fmt.Errorf("header length %d exceeds the %d bytes after the length field: the file is cut short, or not a safetensors model file", n, after)
	}
	return nil
}

// startsAsText quotes the start of a file that begins as printable text (a
// CSV or JSON given where a model belongs), to say what the file is instead.
func startsAsText(data []byte) string {
	head := data[:min(len(data), 16)]
	for _, c := range head {
		if c < ' ' && c != '\t' && c != '\n' && c != '\r' || c > '~' {
			return ""
		}
	}
	return fmt.Sprintf(" (it starts with %q, text)", head)
}

// scanHeader walks the top-level JSON object entry by entry (rather than
// decoding into a map) so that duplicate names are caught, not overwritten.
func scanHeader(header []byte, entry func(name string, raw json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(header))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("header is not valid JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("header is not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("header is not valid JSON: %v", err)
		}
		name := tok.(string) // inside an object the decoder only yields string keys
		if seen[name] {
			return fmt.Errorf("header: duplicate entry %q", name)
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("header is not valid JSON: %v", err)
		}
		if err := entry(name, raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("header is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("header has trailing data after the JSON object")
	}
	return nil
}

// checkEntry validates one tensor entry against the data buffer length.
func checkEntry(name string, raw json.RawMessage, bufLen int) (Tensor, span, error) {
	if name == "" {
		return Tensor{}, span{}, fmt.Errorf("header: tensor with an empty name")
	}
	var info tensorInfo
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil {
		return Tensor{}, span{}, fmt.Errorf("tensor %q: bad header entry: %v", name, err)
	}
	size, ok := DTypeSize(info.DType)
	if !ok {
		return Tensor{}, span{}, fmt.Errorf("tensor %q: unknown dtype %q", name, info.DType)
	}
	if info.Shape == nil {
		return Tensor{}, span{}, fmt.Errorf("tensor %q: missing shape", name)
	}
	shape := *info.Shape
	count, err := elementCount(shape)
	if err != nil {
		return Tensor{}, span{}, fmt.Errorf("tensor %q: %v", name, err)
	}
	if len(info.DataOffsets) != 2 {
		return Tensor{}, span{}, fmt.Errorf("tensor %q: data_offsets must be [begin, end], got %v", name, info.DataOffsets)
	}
	begin, end := info.DataOffsets[0], info.DataOffsets[1]
	if begin < 0 || end < begin {
		return Tensor{}, span{}, fmt.Errorf("tensor %q: data_offsets [%d %d] are not an increasing range", name, begin, end)
	}
	if end > bufLen {
		return Tensor{}, span{}, fmt.Errorf("tensor %q: data_offsets [%d %d] run past the %d-byte data buffer", name, begin, end, bufLen)
	}
	if count > math.MaxInt/size || count*size != end-begin {
		return Tensor{}, span{}, fmt.Errorf("tensor %q: shape %v of %s needs %s bytes, data_offsets give %d",
			name, shape, info.DType, neededBytes(count, size), end-begin)
	}
	if shape == nil {
		shape = []int{}
	}
	return Tensor{Name: name, DType: info.DType, Shape: shape}, span{name, begin, end}, nil
}

// neededBytes formats count*size without overflowing.
func neededBytes(count, size int) string {
	if count > math.MaxInt/size {
		return fmt.Sprintf("%d*%d", count, size)
	}
	return fmt.Sprint(count * size)
}

// checkOverlaps refuses two non-empty tensors sharing any byte.
func checkOverlaps(spans []span) error {
	sort.Slice(spans, func(i, j int) bool { return spans[i].begin < spans[j].begin })
	last := -1
	for i, s := range spans {
		if s.begin == s.end {
			continue
		}
		if last >= 0 && s.begin < spans[last].end {
			return fmt.Errorf("tensors %q [%d %d] and %q [%d %d] overlap",
				spans[last].name, spans[last].begin, spans[last].end, s.name, s.begin, s.end)
		}
		if last < 0 || s.end > spans[last].end {
			last = i
		}
	}
	return nil
}
