package capped

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// JSONError names the file, line and column of a JSON decoding error
// ("path:line:col: message"); other errors get just the path.
func JSONError(path string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if off < 0 {
		return fmt.Errorf("%s: %v", path, err)
	}
	// The decoder's offset is just past the offending byte.
	off = min(max(off-1, 0), int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Errorf("%s:%d:%d: %v", path, line, col, err)
}
