package safetensors

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// Lazy is a safetensors file opened for reading one tensor at a time: its
// header read and checked as Parse checks a whole file, the tensors' data
// left on disk until Load reads it, so a large file is never in memory
// whole.
type Lazy struct {
	File  // the tensors without Data
	path  string
	f     *os.File
	base  int64  // file offset of the data buffer
	spans []span // spans[i] is File.Tensors[i]'s byte range in the buffer
}

// OpenLazy opens the safetensors file at path and reads its header; errors
// start with the path. Close it when done.
func OpenLazy(path string) (*Lazy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	l, err := readLazy(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l.path = path
	return l, nil
}

func readLazy(f *os.File) (*Lazy, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var n8 [8]byte
	if _, err := io.ReadFull(f, n8[:]); err != nil {
		return nil, fmt.Errorf("not a safetensors model file: %d bytes, too short for the 8-byte header length", st.Size())
	}
	n := binary.LittleEndian.Uint64(n8[:])
	if err := checkHeaderLength(n, st.Size()-8, n8[:]); err != nil {
		return nil, err
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(f, header); err != nil {
		return nil, err
	}
	file, spans, err := parseHeader(header, int(st.Size()-8-int64(n)))
	if err != nil {
		return nil, err
	}
	return &Lazy{File: *file, f: f, base: 8 + int64(n), spans: spans}, nil
}

// Load reads tensor i's data from disk into its Data (a new buffer); its
// errors name the tensor, not the file.
func (l *Lazy) Load(i int) error {
	s := l.spans[i]
	data := make([]byte, s.end-s.begin)
	if _, err := l.f.ReadAt(data, l.base+int64(s.begin)); err != nil {
		return fmt.Errorf("tensor %q: %w", s.name, err)
	}
	l.Tensors[i].Data = data
	return nil
}

// Close closes the file.
func (l *Lazy) Close() error { return l.f.Close() }
