// Package camera reads video frames from V4L2 devices, MJPEG byte streams
// (stdin, files, HTTP cameras) and still images, and converts raw pixels
// (YUYV, NV12, I420) to packed RGB. Open takes a source spec (SpecForms).
//
// Every Source hands out *Frame values from a fixed ring of buffers that it
// owns, so a steady stream allocates nothing per frame: a frame's Data stays
// valid until the caller calls Release, which returns the buffer to the ring.
// Read blocks while every frame of the ring is held, so a consumer must
// Release each frame it reads (see Options.Buffers for the ring size).
//
// # Live and finite sources
//
// Files, dir: folders, single images and mjpeg:- (stdin) are finite: Read
// returns io.EOF at their end. V4L2 devices, HTTP cameras and testsrc: are
// live and never end by themselves: after an error, a dropped connection, an
// unplugged device or a stall they re-connect with capped exponential
// back-off (Options.ReopenMin to ReopenMax, 0.5 s to 30 s by default, reset
// once frames flow again), and a camera that is unreachable when Open is
// called is waited for the same way. Their Read fails only for its ctx
// (while no frame can come) or after Close; frame numbers (Frame.Seq) run on
// across re-connections. Open still fails at once for a malformed spec and
// for a camera that can never work: a refused password, an HTTP 4xx, a
// response that is not MJPEG, a device that is not a capture device or
// offers neither MJPEG nor YUYV, or no permission to open it.
//
// A stall watchdog counts a live source as down when Read has waited
// Options.StallTimeout without a frame (default: the larger of 3 s and five
// frame intervals at Options.FPS). A stalled V4L2 device is closed and
// re-opened. A stalled HTTP connection is kept while new ones are tried and
// dropped when one succeeds: a paused single-client server (ffmpeg -listen 1)
// refuses a second connection but resumes on the first.
//
// Each change of state is one Event to Options.OnEvent, whose String is the
// log line: "camera down: SOURCE: CAUSE", "camera stalled: no frame for 3 s",
// "camera back after 12.3 s". Every live source Open returns implements
// StatusReporter; its Status (up or down since when, the last frame's time,
// re-connection and stall counts, the last error) is safe from any goroutine.
// A service uses it like this:
//
//	src, err := camera.Open(spec, camera.Options{
//		OnEvent:      func(e camera.Event) { log.Print(e) },
//		StallTimeout: stallTimeout, // 0: the default
//	})
//	if err != nil { ... } // a bad spec or a camera that can never work
//	if r, ok := src.(camera.StatusReporter); ok {
//		st := r.Status() // for metrics and a "camera down" banner
//	}
//
// # HTTP cameras
//
// http:// and https:// sources read MJPEG over HTTP as IP cameras,
// mjpg-streamer, motion and ffmpeg (-f mpjpeg) serve it: any multipart/*
// Content-Type, with the boundary from its parameter or, when it has none or
// the type is application/octet-stream (ffmpeg's default), from the first
// boundary line of the body; parts with or without Content-Length. A user and
// password in the URL (http://user:pass@host/path) answer the camera's 401
// challenge, Basic or Digest (RFC 7616/2617, MD5 or SHA-256, qop=auth); they
// are sent only when the camera asks, and never appear in events or Describe.
//
// testsrc:WxH (scrolling YUYV colour bars) runs at DefaultTestFPS (30) unless
// Options.FPS sets a rate; a negative FPS runs it unthrottled.
//
// # Colour
//
// Colour conversion follows ITU-R BT.601. The default, FullRange, is the
// JFIF/JPEG convention that webcams' MJPEG streams use (Y, Cb and Cr span
// 0..255); LimitedRange is the studio-swing convention (Y 16..235, Cb and Cr
// 16..240) that V4L2 nominally specifies for raw YUYV. The full-range integer
// arithmetic is exactly that of image/color.YCbCrToRGB. MJPEG frames are
// passed on as JPEG bytes; decoding them is the consumer's choice (the stream
// uses net/preprocess, which matches PIL).
package camera
