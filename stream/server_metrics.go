package stream

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// promText writes the Prometheus text format.
type promText struct{ w *bufio.Writer }

// family starts a metric family.
func (p promText) family(name, typ, help string) {
	fmt.Fprintf(p.w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// sample writes one sample; labels is "" or `{k="v",...}`.
func (p promText) sample(name, labels string, v float64) {
	p.w.WriteString(name)
	p.w.WriteString(labels)
	p.w.WriteByte(' ')
	p.w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	p.w.WriteByte('\n')
}

// one writes a family of a single unlabelled sample.
func (p promText) one(name, typ, help string, v float64) {
	p.family(name, typ, help)
	p.sample(name, "", v)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	st := s.stats()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	p := promText{bw}

	p.one("retina_frames_total", "counter", "Frames processed.", float64(st.Frames))
	p.one("retina_dropped_frames_total", "counter", "Frames dropped because a newer one arrived first.", float64(st.Drops))
	p.one("retina_frames_per_second", "gauge", "Processed frames per second since the first result.", st.FPS)

	p.family("retina_latency_seconds", "histogram", "Capture-to-result latency of each frame.")
	for i, b := range LatencyBuckets {
		p.sample("retina_latency_seconds_bucket", `{le="`+strconv.FormatFloat(b, 'g', -1, 64)+`"}`, float64(st.Latency.Counts[i]))
	}
	p.sample("retina_latency_seconds_bucket", `{le="+Inf"}`, float64(st.Latency.Count))
	p.sample("retina_latency_seconds_sum", "", st.Latency.Sum)
	p.sample("retina_latency_seconds_count", "", float64(st.Latency.Count))

	p.family("retina_stage_busy_seconds_total", "counter", "Time each pipeline stage spent working (waits excluded).")
	for _, sg := range st.Stages {
		p.sample("retina_stage_busy_seconds_total", `{stage=`+labelValue(sg.Name)+`}`, sg.Busy.Seconds())
	}

	up, _, _ := cameraState(st)
	last := st.Camera.LastFrame
	if !st.Live {
		last = st.LastFrame
	}
	p.one("retina_camera_up", "gauge", "1 while the camera delivers frames, 0 while it is down or stalled.", boolValue(up))
	p.one("retina_last_frame_timestamp_seconds", "gauge", "Unix time of the newest frame from the camera (0 before the first).", unixSeconds(last))
	p.one("retina_camera_reconnects_total", "counter", "Times the camera was re-opened after a loss.", float64(st.Camera.Reconnects))
	p.one("retina_camera_stalls_total", "counter", "Times the camera sent no frame within the stall timeout.", float64(st.Camera.Stalls))

	p.family("retina_detections_total", "counter", "Detections published, per label.")
	for _, l := range st.Labels {
		p.sample("retina_detections_total", `{label=`+labelValue(l.Label)+`}`, float64(l.Detections))
	}
	p.family("retina_events_total", "counter", "Tracked-object events, per label and type (new, update, end).")
	for _, l := range st.Labels {
		for t, typ := range eventTypes {
			p.sample("retina_events_total", `{label=`+labelValue(l.Label)+`,type="`+string(typ)+`"}`, float64(l.Events[t]))
		}
	}
	p.one("retina_preview_clients", "gauge", "Open preview streams (MJPEG and server-sent events).", float64(s.clients.Load()))
}

// labelValue quotes a label value as the text format wants: only
// backslash, double quote and newline are escaped.
func labelValue(v string) string {
	return `"` + labelEscaper.Replace(v) + `"`
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
