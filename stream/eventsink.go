package stream

import (
	"bufio"
	"encoding/json"
	"io"
)

// EventLines writes one JSON line per event (`retina stream --events`), in
// events.Event's shape; frames without events write nothing.
type EventLines struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewEventLines writes to w; each frame's lines are flushed together.
func NewEventLines(w io.Writer) *EventLines {
	bw := bufio.NewWriter(w)
	return &EventLines{w: bw, enc: json.NewEncoder(bw)}
}

func (e *EventLines) Publish(r *Result) error {
	if len(r.Events) == 0 {
		return nil
	}
	for i := range r.Events {
		if err := e.enc.Encode(&r.Events[i]); err != nil {
			return err
		}
	}
	return e.w.Flush()
}

func (e *EventLines) Close() error { return e.w.Flush() }
