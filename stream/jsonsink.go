package stream

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	"github.com/retina-edge/retina/net/detect"
)

// jsonLine is a Result's JSON form: {"frame": n, "time": RFC3339Nano,
// "detections": [...]} with detections in `retina detect`'s shape.
type jsonLine struct {
	Frame      uint64             `json:"frame"`
	Time       jsonTime           `json:"time"`
	Detections []detect.Detection `json:"detections"`
}

// jsonTime encodes as an RFC3339Nano string in UTC, formatted into a reused
// buffer: a string field would allocate one per frame.
type jsonTime struct {
	t   time.Time
	buf []byte
}

func (j *jsonTime) MarshalJSON() ([]byte, error) {
	j.buf = append(j.buf[:0], '"')
	j.buf = j.t.UTC().AppendFormat(j.buf, time.RFC3339Nano)
	j.buf = append(j.buf, '"')
	return j.buf, nil
}

func (l *jsonLine) set(r *Result) {
	l.Frame = r.Frame
	l.Time.t = r.Time
	l.Detections = r.Detections
	if l.Detections == nil {
		l.Detections = []detect.Detection{}
	}
}

// MarshalLine returns r's JSON line without the newline: exactly what
// JSONLines writes (`retina stream --json`) and the MQTT sink publishes.
func MarshalLine(r *Result) ([]byte, error) {
	var l jsonLine
	l.set(r)
	return json.Marshal(&l)
}

// JSONLines writes one JSON line per frame (see MarshalLine).
type JSONLines struct {
	w   *bufio.Writer
	enc *json.Encoder
	buf jsonLine
}

// NewJSONLines writes to w; each line is flushed as it is written.
func NewJSONLines(w io.Writer) *JSONLines {
	bw := bufio.NewWriter(w)
	return &JSONLines{w: bw, enc: json.NewEncoder(bw)}
}

func (j *JSONLines) Publish(r *Result) error {
	j.buf.set(r)
	if err := j.enc.Encode(&j.buf); err != nil {
		return err
	}
	return j.w.Flush()
}

func (j *JSONLines) Close() error { return j.w.Flush() }
