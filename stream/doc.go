// Package stream runs RetinaNet over a camera or video stream as a pipeline
// of stages on goroutines and hands each frame's detections to sinks.
//
// The stages, for a float model (New):
//
//	capture      camera.Latest with Options.DropStale: only the newest frame
//	             is handed over, superseded ones are dropped and counted
//	preprocess   JPEG decode or YUV conversion, resize and normalise
//	backbone+FPN net.Stages.Backbone on the model's engine
//	heads        net.Stages.Heads, on its own engine when HeadThreads > 0
//	postprocess  boxes, scores and NMS as net/detect; statistics, OnFrame,
//	             then every Sink, on Run's goroutine
//
// Between two stages there is a queue of one frame and a pool of two
// buffers (inputs, pyramids, head outputs): a stage fills one while the
// next reads the other, and waits for a free one otherwise, so the queues
// stay bounded and steady state allocates nothing (but for JPEG frames,
// which net/jpegdec decodes into a fresh picture). Any other network (the
// int8 model, NewNetwork) runs as one network stage that also postprocesses.
//
// The results equal net/detect's on the same pictures. Sinks: JSONLines
// (`retina stream --json`), Server (the live preview over HTTP) and
// stream/mqttsink.
package stream
