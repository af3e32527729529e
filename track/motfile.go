package track

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MOTRecord is one line of a MOTChallenge ground-truth or results file:
// frame,id,x,y,w,h,consider,class,visibility.
type MOTRecord struct {
	Frame int
	Object
	Consider   bool    // 0 in the file marks an object evaluation ignores
	Visibility float32 // 1 when the column is missing
}

// ReadMOT parses a MOTChallenge file (as `retina synth --sequence` writes
// gt.txt). Boxes become x1, y1, x2, y2; the file's classes count from 1,
// Object.Class from 0 (like the detector's), a missing or non-positive
// class being -1.
func ReadMOT(name string, r io.Reader) ([]MOTRecord, error) {
	var recs []MOTRecord
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		f := strings.Split(text, ",")
		if len(f) < 6 {
			return nil, fmt.Errorf("%s:%d: %d fields, want frame,id,x,y,w,h[,consider,class,visibility]", name, line, len(f))
		}
		var v [9]float64
		v[6], v[7], v[8] = 1, 0, 1
		for i := 0; i < len(f) && i < 9; i++ {
			x, err := strconv.ParseFloat(strings.TrimSpace(f[i]), 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: field %d (%q) is not a number", name, line, i+1, f[i])
			}
			v[i] = x
		}
		rec := MOTRecord{Frame: int(v[0]), Consider: v[6] != 0, Visibility: float32(v[8]),
			Object: Object{ID: int(v[1]), Class: int(v[7]) - 1,
				Box: [4]float32{float32(v[2]), float32(v[3]), float32(v[2] + v[4]), float32(v[3] + v[5])}}}
		if rec.Class < 0 {
			rec.Class = -1
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return recs, nil
}
