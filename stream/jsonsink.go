package stream

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	"github.com/retina-edge/retina/net/detect"
)

// JSONLines writes one JSON object per frame:
// {"frame": n, "time": RFC3339Nano, "detections": [...]} with detections in
// `retina detect`'s shape.
type JSONLines struct {
	w   *bufio.Writer
	enc *json.Encoder
	buf jsonLine
}

type jsonLine struct {
	Frame      uint64             `json:"frame"`
	Time       string             `json:"time"`
	Detections []detect.Detection `json:"detections"`
}

// NewJSONLines writes to w; each line is flushed as it is written.
func NewJSONLines(w io.Writer) *JSONLines {
	bw := bufio.NewWriter(w)
	return &JSONLines{w: bw, enc: json.NewEncoder(bw)}
}

func (j *JSONLines) Publish(r *Result) error {
	j.buf.Frame = r.Frame
	j.buf.Time = r.Time.UTC().Format(time.RFC3339Nano)
	j.buf.Detections = r.Detections
	if j.buf.Detections == nil {
		j.buf.Detections = []detect.Detection{}
	}
	if err := j.enc.Encode(&j.buf); err != nil {
		return err
	}
	return j.w.Flush()
}

func (j *JSONLines) Close() error { return j.w.Flush() }
