package main

import (
	"flag"
	"fmt"
	"io"
)

// streamAbout is retina stream --help's header: what it does and where its
// results go, before the flag list.
const streamAbout = `Usage: retina stream [flags]

Runs the detector on a camera or video without end: each frame's detections are tracked (stable "track" ids),
objects make events (new, update, end) with a best-frame snapshot, and the results go to:
  --json             one JSON line per frame on stdout
  --events           one JSON line per event on stdout
  --http ADDR        / (live preview page), /stream.mjpg, /latest.jpg (newest frame, boxes drawn), /events,
                     /events/ID/snapshot.jpg, /detections (server-sent events), /metrics (Prometheus)
  --mqtt URL         a broker (see the MQTT flags)
A live camera that drops, stalls or is down at start is re-opened with back-off; stderr gets one line per change
of state, never one per frame. Flags can come from a YAML file (--config FILE, keys are the flag names); the command
line overrides it.

Examples:
  retina stream --source http://192.168.1.20/video.mjpg --http 8080 --events --zone porch:0,300,320,300,320,480,0,480
  retina stream --source v4l2:/dev/video0 --fps 5 --labels person,car --min-score person=0.6 --snapshots snaps
  retina stream --config /etc/retina/front_door.yaml

Flags:
`

// setStreamUsage gives fs retina stream's help text.
func setStreamUsage(fs *flag.FlagSet, stderr io.Writer) {
	fs.Usage = func() {
		fmt.Fprint(stderr, streamAbout)
		fs.PrintDefaults()
	}
}
