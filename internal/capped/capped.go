// Package capped reads untrusted files and JSON fields with limits, so that a
// hostile annotation or results file cannot exhaust memory.
package capped

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// ReadFile reads a whole file after checking its size against limit (and
// again while reading, for files that grow or lie about their size). Errors
// name the path.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes is more than the %d-byte limit", path, st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: more than the %d-byte limit", path, limit)
	}
	return data, nil
}

// CrowdFlag is COCO's iscrowd, accepted as 0/1 or false/true (null: 0).
type CrowdFlag bool

// UnmarshalJSON implements json.Unmarshaler.
func (c *CrowdFlag) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "0", "false", "null":
		*c = false
	case "1", "true":
		*c = true
	default:
		return fmt.Errorf("iscrowd must be 0, 1, true or false, not %s", b)
	}
	return nil
}
