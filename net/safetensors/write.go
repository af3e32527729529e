package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/retina-edge/retina/internal/atomicfile"
)

// Write writes a safetensors file: tensors are laid out in name order and the
// header is padded with spaces so the data starts 8-byte aligned. Every
// tensor is validated before the first byte is written.
func Write(w io.Writer, metadata map[string]string, tensors []Tensor) error {
	header, order, err := encodeHeader(metadata, tensors)
	if err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return writeBody(w, header, order)
}

// WriteFile writes a safetensors file atomically: into a temporary file in
// the same directory, synced, then renamed over path. On any error no file
// is left at path (an existing one is untouched) and the temporary is removed.
func WriteFile(path string, metadata map[string]string, tensors []Tensor) error {
	header, order, err := encodeHeader(metadata, tensors)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.WriteDurable(path, func(w io.Writer) error { return writeBody(w, header, order) })
}

// encodeHeader validates the tensors and returns the padded JSON header and
// the tensors in the order their data follows it.
func encodeHeader(metadata map[string]string, tensors []Tensor) ([]byte, []*Tensor, error) {
	order := make([]*Tensor, len(tensors))
	for i := range tensors {
		t := &tensors[i]
		if t.Name == "" || t.Name == metadataKey {
			return nil, nil, fmt.Errorf("tensor name %q is not allowed", t.Name)
		}
		if err := t.checkSize(); err != nil {
			return nil, nil, err
		}
		order[i] = t
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].Name < order[j].Name })
	var b bytes.Buffer
	b.WriteByte('{')
	if len(metadata) > 0 {
		m, err := json.Marshal(metadata)
		if err != nil {
			return nil, nil, err
		}
		b.WriteString(`"` + metadataKey + `":`)
		b.Write(m)
	}
	offset := 0
	for i, t := range order {
		if i > 0 && order[i-1].Name == t.Name {
			return nil, nil, fmt.Errorf("duplicate tensor name %q", t.Name)
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(t.Name) // marshalling a string cannot fail
		b.Write(name)
		b.WriteString(`:{"dtype":"` + t.DType + `","shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(d))
		}
		end := offset + len(t.Data)
		fmt.Fprintf(&b, `],"data_offsets":[%d,%d]}`, offset, end)
		offset = end
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	if b.Len() > MaxHeaderSize {
		return nil, nil, fmt.Errorf("header of %d bytes exceeds the %d-byte limit", b.Len(), MaxHeaderSize)
	}
	return b.Bytes(), order, nil
}

func writeBody(w io.Writer, header []byte, order []*Tensor) error {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for _, t := range order {
		if _, err := w.Write(t.Data); err != nil {
			return err
		}
	}
	return nil
}
